"""Typed domain errors and the one JSON error shape every response uses.

Every error leaves the API as ``{"error": {"code", "message", "details"}}``:
domain errors raised by services, request validation (422), unknown routes (404),
an unreachable database (503 with ``Retry-After``) and unexpected failures (500,
never with a stack trace in the body).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.db import DATABASE_ERROR_CLASSES, is_database_unavailable

logger = logging.getLogger("aurum.errors")

DATABASE_RETRY_AFTER_SECONDS = 5


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable error code, e.g. `not_found`.")
    message: str = Field(description="Human-readable explanation.")
    details: Any | None = Field(default=None, description="Structured context, if any.")


class ErrorResponse(BaseModel):
    """The shape of every error response."""

    error: ErrorBody


class AppError(Exception):
    """Base of every error a service raises on purpose."""

    status_code: int = 400
    code: str = "bad_request"
    message: str = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"
    message = "Authentication is required."


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "You do not have permission to do this."


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "The resource was not found."


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "The request conflicts with the current state."


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"
    message = "The request body is too large."


class ValidationFailed(AppError):
    """Input that is well-formed but wrong (an unknown ZIP, an absurd bill)."""

    status_code = 422
    code = "validation_error"
    message = "The request is not valid."


class RateLimited(AppError):
    status_code = 429
    code = "rate_limited"
    message = "Too many requests; slow down."

    def __init__(self, retry_after_seconds: int, **kwargs: Any) -> None:
        headers = {"Retry-After": str(max(1, int(retry_after_seconds)))}
        headers.update(kwargs.pop("headers", None) or {})
        super().__init__(headers=headers, **kwargs)


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"
    message = "The service is temporarily unavailable; try again shortly."

    def __init__(self, message: str | None = None, retry_after_seconds: int = 5, **kw: Any):
        super().__init__(message, headers={"Retry-After": str(retry_after_seconds)}, **kw)


def error_payload(code: str, message: str, details: Any | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": jsonable_encoder(details)}}


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_payload(code, message, details), status_code=status_code, headers=headers
    )


def responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the errors a route may answer with."""
    out: dict[int | str, dict[str, Any]] = {}
    for err in errors:
        out[err.status_code] = {"model": ErrorResponse, "description": err.message}
    return out


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        details.append(
            {
                "field": ".".join(p for p in loc if p not in {"body", "query", "path", "header"})
                or ".".join(loc),
                "location": loc[0] if loc else None,
                "message": err.get("msg", "invalid value"),
                "type": err.get("type"),
            }
        )
    return details


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        first = details[0] if details else None
        message = (
            f"Invalid {first['field']}: {first['message']}" if first else "The request is invalid."
        )
        return error_response(422, "validation_error", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        if exc.status_code == 404 and exc.detail in (None, "Not Found"):
            message = f"No route matches {request.method} {request.url.path}."
        elif isinstance(exc.detail, str):
            message = exc.detail
        else:
            message = HTTPStatus(exc.status_code).phrase
        return error_response(exc.status_code, code, message, headers=exc.headers)

    async def _database_error(request: Request, exc: Exception) -> JSONResponse:
        # Registered per class (not only for Exception) so Starlette's exception
        # middleware answers here instead of re-raising to the server.
        if is_database_unavailable(exc):
            logger.warning(
                "database unavailable",
                extra={"path": request.url.path, "error": type(exc).__name__},
            )
            return error_response(
                503,
                "database_unavailable",
                "The database is temporarily unavailable; try again shortly.",
                headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
            )
        return await _unexpected(request, exc)

    for exc_class in DATABASE_ERROR_CLASSES:
        app.add_exception_handler(exc_class, _database_error)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"path": request.url.path})
        return error_response(500, "internal_error", "An unexpected error occurred.")
