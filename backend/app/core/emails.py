"""Email addresses: one normalisation for homeowners' and staff addresses alike.

An address is compared and stored in one form: Unicode NFKC (fullwidth letters become
ASCII), syntax checked by ``email-validator`` (no DNS lookups: a chat turn or a sign-in
never waits on the network) and lower-cased whole. Mail providers treat the local part
case-insensitively in practice, so ``Jane@X.com`` and ``jane@x.com`` are one person.

Staff addresses follow a stricter rule (``normalize_staff_email``): after NFKC they must be
plain ASCII. A Cyrillic a (U+0430) or a Greek omicron (U+03BF) looks exactly like its Latin
twin in the user list and the audit log, so such an address could pass for an existing
admin's; fullwidth letters are no risk, NFKC turns them into the very account they imitate.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL_LENGTH = 254


def normalize_email(text: str, *, test_domains: bool = False) -> str | None:
    """The address in its one stored form, or None when it is not a valid address.

    ``test_domains`` also accepts special-use domains (``.test``, ``.local``): staff
    accounts on a development machine use them; homeowners never have one.
    """
    candidate = unicodedata.normalize("NFKC", text).strip()
    if not candidate or len(candidate) > MAX_EMAIL_LENGTH:
        return None
    try:
        checked = validate_email(
            candidate,
            check_deliverability=False,
            globally_deliverable=not test_domains,
            test_environment=test_domains,
        )
    except EmailNotValidError:
        return None
    return checked.normalized.lower()


def _non_ascii(text: str) -> str | None:
    for character in text:
        if not (" " < character < "\x7f"):
            return character
    return None


def normalize_staff_email(text: str) -> str:
    """A dashboard user's address in its one stored form; ``ValueError`` saying what to fix
    (naming the offending character) when it is invalid or not plain ASCII after NFKC."""
    candidate = unicodedata.normalize("NFKC", text).strip()
    character = _non_ascii(candidate)
    if character is not None:
        name = unicodedata.name(character, "an unnamed character")
        raise ValueError(
            f"staff email addresses must be plain ASCII; this one contains "
            f"U+{ord(character):04X} {name}, which may look like an ordinary letter"
        )
    normalized = normalize_email(candidate, test_domains=True)
    if normalized is None:
        raise ValueError("enter a valid email address, like name@example.com")
    return normalized
