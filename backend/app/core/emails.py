"""Email addresses: one normalisation for homeowners' and staff addresses alike.

An address is compared and stored in one form: Unicode NFKC (fullwidth letters become
ASCII), syntax checked by ``email-validator`` (no DNS lookups: a chat turn or a sign-in
never waits on the network) and lower-cased whole. Mail providers treat the local part
case-insensitively in practice, so ``Jane@X.com`` and ``jane@x.com`` are one person.
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
