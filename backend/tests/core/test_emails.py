"""Email normalisation, and the stricter rule for staff addresses: plain ASCII after NFKC,
so no two accounts look alike in the user list."""

from __future__ import annotations

import pytest

from app.core.emails import normalize_email, normalize_staff_email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Pat.Ops@Example.COM ", "pat.ops@example.com"),
        # Fullwidth letters become ASCII (NFKC).
        ("\uff50\uff41\uff54@example.com", "pat@example.com"),
        ("pat@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com", "pat@example.com"),
        ("pat+ops@dev.test", "pat+ops@dev.test"),
    ],
)
def test_staff_addresses_are_stored_in_one_ascii_form(typed: str, stored: str) -> None:
    assert normalize_staff_email(typed) == stored


@pytest.mark.parametrize(
    ("typed", "codepoint", "name"),
    [
        ("\u0430dmin@example.com", "U+0430", "CYRILLIC SMALL LETTER A"),
        ("admin@ex\u0430mple.com", "U+0430", "CYRILLIC SMALL LETTER A"),
        ("\u03bfps@example.com", "U+03BF", "GREEK SMALL LETTER OMICRON"),
        ("adm\u0456n@example.com", "U+0456", "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"),
        ("ad\u200bmin@example.com", "U+200B", "ZERO WIDTH SPACE"),
        ("j\u00fcrgen@example.com", "U+00FC", "LATIN SMALL LETTER U WITH DIAERESIS"),
    ],
)
def test_look_alike_and_non_ascii_staff_addresses_are_refused_naming_the_character(
    typed: str, codepoint: str, name: str
) -> None:
    with pytest.raises(ValueError) as refused:
        normalize_staff_email(typed)
    message = str(refused.value)
    assert codepoint in message and name in message


def test_invalid_addresses_are_refused() -> None:
    with pytest.raises(ValueError, match="valid email"):
        normalize_staff_email("not-an-email")


def test_homeowners_keep_international_addresses() -> None:
    # Only staff accounts need the strict rule; a homeowner's address is theirs.
    assert normalize_email("j\u00fcrgen@example.com") == "j\u00fcrgen@example.com"
