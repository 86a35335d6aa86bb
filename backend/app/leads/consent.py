"""The consent disclosure a homeowner agrees to, for the number of installers they choose.

The homeowner picks how many installers may contact them, 1 to ``MAX_SHARED_BUYERS``
(a setting, 3 by default); the disclosure names exactly that number, the consent record
stores the text and the number, and no sale ever goes to more buyers than it names. The
version (SHA-256 of the text) lets the form prove it showed the current text. Change
the wording and every version changes with it: old records keep the text they were given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

DEFAULT_MAX_BUYERS = 3


def installers(count: int) -> str:
    """ "one solar installer", "up to 3 solar installers"."""
    if count == 1:
        return "one solar installer"
    return f"up to {count} solar installers"


def disclosure(max_buyers: int) -> str:
    return (
        f'By choosing "I agree", you ask Aurum Solar and {installers(max_buyers)} it '
        "matches you with to contact you about solar for your home at the phone number and "
        "email you gave, including by calls and texts sent with automated technology and "
        "prerecorded messages. Consent is not a condition of any purchase. Message and data "
        "rates may apply. You can opt out at any time by replying STOP to a text or asking "
        "any caller to stop."
    )


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ConsentOption:
    max_buyers: int
    text: str
    version: str


def options(limit: int) -> list[ConsentOption]:
    """The disclosure for each choice the homeowner has, 1 to ``limit`` installers."""
    return [
        ConsentOption(n, text, version_of(text))
        for n in range(1, limit + 1)
        for text in (disclosure(n),)
    ]


# The disclosure for the default choice (the most installers allowed by default).
CONSENT_DISCLOSURE = disclosure(DEFAULT_MAX_BUYERS)
CONSENT_VERSION = version_of(CONSENT_DISCLOSURE)
