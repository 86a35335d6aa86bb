"""Security primitives: password hashing, access tokens (JWT), refresh tokens, the clock.

* Passwords: pwdlib with Argon2id. bcrypt hashes (from an older system) still verify
  and are re-hashed with Argon2 on the next successful login. Unknown users are checked
  against a dummy hash so a response's timing does not tell whether an email exists.
* Keys: ``SECRET_KEY`` when set (refused when weak, see ``secret_key_problem``);
  without it (development and test only) a random key made once per data directory
  (``AURUM_DATA_DIR/secret_key``, mode 0600) and read on later starts.
* Access tokens: PyJWT, HS256 only (an explicit algorithm list: no ``none``, no
  algorithm confusion), with ``iss``, ``aud``, ``sub``, ``iat``, ``exp``, ``jti`` and
  ``typ`` all required and checked. Expiry is checked against the injectable clock, so
  tests move time instead of waiting.
* Refresh tokens: opaque random strings; only their SHA-256 is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher
from starlette.concurrency import run_in_threadpool
from zxcvbn import zxcvbn

from app.core.config import MIN_SECRET_KEY_LENGTH, ConfigError, Settings

JWT_ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
PRODUCT_NAME = "Aurum Solar"  # refused as (the bulk of) a password
REFRESH_TOKEN_PREFIX = "rt_"  # noqa: S105 - a format marker, not a secret

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def get_clock(request: Request) -> Clock:
    """The clock security decisions use; tests install their own on ``app.state.clock``
    (or override this dependency) to move time without waiting."""
    return getattr(request.app.state, "clock", None) or system_clock


ClockDep = Annotated[Clock, Depends(get_clock)]

Sleep = Callable[[float], Awaitable[None]]


def get_sleep(request: Request) -> Sleep:
    """How a request waits (the sign-in slowdown); tests install their own on
    ``app.state.sleep`` to see the delays without waiting."""
    return getattr(request.app.state, "sleep", None) or asyncio.sleep


SleepDep = Annotated[Sleep, Depends(get_sleep)]


# --- passwords -------------------------------------------------------------------------

_password_hash = PasswordHash((Argon2Hasher(), BcryptHasher()))


class PasswordPolicyError(ValueError):
    """A password the policy refuses (its message is safe to show the user)."""


PASSWORD_RULE = (
    f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, used exactly as given; not a "
    "common or easily guessed password, and not made from the email address or the product's "
    f"name ({PRODUCT_NAME})."
)

# zxcvbn's score (0-4): 3 is "safely unguessable" against an online attack and costly
# offline against Argon2.
PASSWORD_MIN_SCORE = 3
_zxcvbn_lock = threading.Lock()


def _estimate(text: str, context: list[str]) -> dict[str, Any]:
    with _zxcvbn_lock:  # zxcvbn keeps the context words in a module-level dictionary
        return zxcvbn(text, user_inputs=context, max_length=len(text))


def _context_words(email: str | None) -> list[str]:
    """What an attacker who knows the account would try first: the address, its name part
    and its pieces, the domain's names, and the product's name."""
    product = PRODUCT_NAME.lower()
    words = [product, product.replace(" ", ""), *product.split()]
    if email:
        address = email.strip().lower()
        local, _, domain = address.partition("@")
        words += [address, local, re.sub(r"[^0-9a-z]", "", local)]
        words += re.split(r"[^0-9a-z]+", local)
        words += domain.split(".")[:-1]
    return [word for word in dict.fromkeys(words) if len(word) >= 3]


def _context_match(match: dict[str, Any]) -> set[str]:
    """The context words ``match`` (a zxcvbn match) is made of, if it is made of them only;
    a repeated context word counts whole."""
    if match.get("dictionary_name") == "user_inputs":
        return {str(match["matched_word"])}
    if match.get("pattern") == "repeat":
        words = [_context_match(base) for base in match.get("base_matches") or []]
        if words and all(words):
            return set().union(*words)
    return set()


def check_password_policy(password: str, *, email: str | None = None) -> str:
    """The password, taken as given (never stripped, never truncated: bcrypt would silently
    cut at 72 bytes, which is one reason new hashes are Argon2), or ``PasswordPolicyError``
    saying why not. ``email`` is the account's address: passwords made from it are refused.

    Strength is estimated offline by zxcvbn (common-password lists, dictionary words,
    names, keyboard patterns, repeats, dates, l33t), with the context words added to its
    dictionaries."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise PasswordPolicyError(f"Passwords need at least {PASSWORD_MIN_LENGTH} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise PasswordPolicyError(f"Passwords may have at most {PASSWORD_MAX_LENGTH} characters.")
    folded = password.casefold()
    if email and email.strip().casefold() in folded:
        raise PasswordPolicyError("The password must not contain the account's email address.")
    result = _estimate(password, _context_words(email))
    from_context = [(m, _context_match(m)) for m in result["sequence"]]
    from_context = [(m, words) for m, words in from_context if words]
    if 2 * sum(len(m["token"]) for m, _ in from_context) >= len(password):
        if any(words & set(_context_words(None)) for _, words in from_context):
            raise PasswordPolicyError(
                f"The password must not be made from the product's name ({PRODUCT_NAME})."
            )
        raise PasswordPolicyError("The password must not be made from the account's email address.")
    if result["score"] < PASSWORD_MIN_SCORE:
        feedback = result.get("feedback") or {}
        hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
        hint = " ".join(h.strip().rstrip(".") + "." for h in hints if h and h.strip())
        raise PasswordPolicyError(
            "This password is too easy to guess. "
            + (hint or "Use a longer phrase of uncommon words.")
        )
    return password


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """(matches, a new Argon2 hash to store when the old one is bcrypt or outdated)."""
    if not password or len(password) > PASSWORD_MAX_LENGTH:
        # Refuse without hashing megabytes, but spend the usual time.
        verify_dummy_password()
        return False, None
    try:
        return _password_hash.verify_and_update(password, password_hash)
    except Exception:  # an unreadable stored hash is a mismatch, not a 500
        return False, None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _password_hash.hash(secrets.token_urlsafe(16))


def verify_dummy_password() -> None:
    """As much work as a real check, for emails that have no account."""
    _password_hash.verify("not-the-password", _dummy_hash())


async def hash_password_async(password: str) -> str:
    # Argon2 takes ~100 ms of CPU by design; keep it off the event loop.
    return await run_in_threadpool(hash_password, password)


async def verify_password_async(
    password: str, password_hash: str | None
) -> tuple[bool, str | None]:
    if password_hash is None:
        await run_in_threadpool(verify_dummy_password)
        return False, None
    return await run_in_threadpool(verify_password, password, password_hash)


# --- access tokens (JWT) ---------------------------------------------------------------


class TokenError(Exception):
    """The token is missing, malformed, forged, for someone else, or expired."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    role: str
    session_id: uuid.UUID
    session_version: int
    token_id: str
    issued_at: datetime
    expires_at: datetime


# --- the key ---------------------------------------------------------------------------

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name
PLACEHOLDER_SECRET_KEYS = frozenset({"change-me-in-production"})  # the old .env.example's
SECRET_KEY_MIN_DISTINCT = 10
# zxcvbn's estimate for a random 32-character key is ~10^32 guesses; phrases, repeats and
# sequences score far lower (a repeated 16-character alphabet: ~10^4).
SECRET_KEY_MIN_GUESSES_LOG10 = 24

_generated_keys: dict[Path, str] = {}
_generated_keys_lock = threading.Lock()


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is too weak to sign tokens, or None (never repeats the key)."""
    if key in PLACEHOLDER_SECRET_KEYS:
        return "it is the public placeholder from .env.example"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"it has {len(key)} characters; it needs at least {MIN_SECRET_KEY_LENGTH} characters"
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        return (
            f"it uses only {len(set(key))} different characters; random keys use "
            f"{SECRET_KEY_MIN_DISTINCT} or more"
        )
    if _estimate(key[:100], [])["guesses_log10"] < SECRET_KEY_MIN_GUESSES_LOG10:
        return "it is predictable (words, repeats or sequences) rather than random"
    return None


def _load_or_create_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written in full to a private temporary file, then linked into place: a second
        # process starting at the same moment either wins or reads the winner's key.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_text().strip()
    problem = secret_key_problem(key)
    if problem is not None:
        raise ConfigError(
            f"The generated key in {path} is too weak ({problem}); delete the file to have "
            "a new one made, or set SECRET_KEY."
        )
    return key


def secret_key(settings: Settings) -> str:
    """``SECRET_KEY``, or in development and test without one the data directory's own
    key, made on first use (tokens are first signed, or the app starts) and read after."""
    if settings.secret_key is not None:
        return settings.secret_key
    if settings.environment not in ("development", "test"):  # Settings refuses this too
        raise ConfigError(f"SECRET_KEY is missing while ENVIRONMENT={settings.environment}.")
    path = (settings.data_dir / SECRET_KEY_FILE).resolve()
    with _generated_keys_lock:
        key = _generated_keys.get(path)
        if key is None:
            key = _generated_keys[path] = _load_or_create_key(path)
    return key


def _signing_key(settings: Settings) -> bytes:
    # A key derived for this one purpose, so SECRET_KEY's other uses never sign tokens.
    return hmac.new(secret_key(settings).encode(), b"aurum/admin-access-token", "sha256").digest()


def create_access_token(
    settings: Settings,
    *,
    user_id: uuid.UUID,
    role: str,
    session_id: uuid.UUID,
    session_version: int,
    now: datetime,
) -> tuple[str, datetime]:
    expires_at = now + timedelta(minutes=settings.access_token_minutes)
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": secrets.token_urlsafe(16),
        "typ": ACCESS_TOKEN_TYPE,
        "role": role,
        "sid": str(session_id),
        "sv": session_version,
    }
    token = jwt.encode(claims, _signing_key(settings), algorithm=JWT_ALGORITHM)
    return token, datetime.fromtimestamp(claims["exp"], UTC)


# Tokens issued a moment "in the future" by another instance whose clock runs ahead.
_CLOCK_SKEW = timedelta(seconds=30)


def decode_access_token(token: str, settings: Settings, *, now: datetime) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            _signing_key(settings),
            algorithms=[JWT_ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={
                "require": ["iss", "aud", "sub", "iat", "exp", "jti", "typ"],
                # Time is checked below against the app's clock (injectable in tests).
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidAudienceError as exc:
        raise TokenError("wrong_audience") from exc
    except jwt.InvalidIssuerError as exc:
        raise TokenError("wrong_issuer") from exc
    except jwt.PyJWTError as exc:
        raise TokenError("invalid") from exc

    if claims.get("typ") != ACCESS_TOKEN_TYPE:
        raise TokenError("wrong_type")
    try:
        issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)
        expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        parsed = AccessClaims(
            user_id=uuid.UUID(str(claims["sub"])),
            role=str(claims["role"]),
            session_id=uuid.UUID(str(claims["sid"])),
            session_version=int(claims["sv"]),
            token_id=str(claims["jti"]),
            issued_at=issued_at,
            expires_at=expires_at,
        )
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise TokenError("invalid") from exc
    if now >= expires_at:
        raise TokenError("expired")
    if issued_at > now + _CLOCK_SKEW:
        raise TokenError("invalid")
    return parsed


# --- refresh tokens --------------------------------------------------------------------


def new_refresh_token() -> str:
    return REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Refresh tokens carry 256 random bits: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()
