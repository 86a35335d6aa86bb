"""``/admin/privacy``: erase a person's data on their request (manager role or higher)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.admin.deps import ManagerAccess
from app.core.db import SessionDep
from app.core.errors import Forbidden, RateLimited, Unauthorized, ValidationFailed, responses
from app.leads.fields import normalize_email, normalize_phone
from app.privacy import service

router = APIRouter(prefix="/privacy", tags=["admin_privacy"])


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    confirm: bool = Field(description="Must be true: erasure cannot be undone.")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        normalized = normalize_email(value)
        if normalized is None:
            raise ValueError("enter a valid email address, like jane@example.com")
        return normalized

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        normalized = normalize_phone(value)
        if normalized is None:
            raise ValueError("enter a valid US phone number, like (602) 555-0142")
        return normalized

    @model_validator(mode="after")
    def _something(self) -> ErasureRequest:
        if not (self.email or self.phone):
            raise ValueError("give the person's email, phone or both")
        if self.confirm is not True:
            raise ValueError("set confirm to true: erasure cannot be undone")
        return self


class ErasureOut(BaseModel):
    leads: list[uuid.UUID] = Field(description="The leads whose contact details were erased.")
    conversations: int = Field(description="Chats whose contact details were removed.")
    messages: int = Field(description="Chat messages redacted.")


@router.post(
    "/erase",
    response_model=ErasureOut,
    responses=responses(Unauthorized, Forbidden, ValidationFailed, RateLimited),
)
async def erase(body: ErasureRequest, principal: ManagerAccess, session: SessionDep) -> ErasureOut:
    """Erase a person's data on request: every lead with this email or phone keeps its
    qualification and money but loses names, email, phone, address, notes and UTM tags;
    every chat of theirs loses its contact details (messages keep `[removed]`). Cannot
    be undone. Audited as `privacy.erase` without the person's details. Manager role or
    higher."""
    erasure = await service.erase_person(
        session,
        email=body.email,
        phone=body.phone,
        at=principal.now,
        via="api",
        actor=principal.user,
        ip=principal.ip,
    )
    return ErasureOut(
        leads=erasure.leads, conversations=erasure.conversations, messages=erasure.messages
    )
