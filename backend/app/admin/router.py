"""The admin identity routes: ``/auth/*`` (sign-in, sessions), ``/admin/users`` and
``/admin/audit-log``.

Each domain mounts its own staff routes under ``/admin`` too (``leads.admin_router``,
``conversation.admin_router``...; see ``app.main``). Every route under ``/admin``
requires a signed-in user (``CurrentAdmin``), counts against ``RATE_LIMIT_ADMIN`` per
user and adds its role rule (``RequireRole``).
"""

from fastapi import APIRouter

from app.admin.audit.router import router as audit_router
from app.admin.auth.router import router as auth_router
from app.admin.users.router import router as users_router

auth_api = auth_router
identity_api = APIRouter()
for sub in (users_router, audit_router):
    identity_api.include_router(sub)
