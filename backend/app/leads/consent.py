"""The consent disclosure a homeowner agrees to, and its version hash.

The exact text shown is stored with every consent record; the version (SHA-256 of the
text) lets the form prove it showed the current text. Change the text and the version
changes with it: old records keep the text they were given.
"""

from __future__ import annotations

import hashlib

MAX_SHARED_BUYERS = 3

CONSENT_DISCLOSURE = (
    'By choosing "I agree", you ask Aurum Solar and up to '
    f"{MAX_SHARED_BUYERS} solar installers it matches you with to contact you about solar "
    "for your home at the phone number and email you gave, including by calls and texts "
    "sent with automated technology and prerecorded messages. Consent is not a condition "
    "of any purchase. Message and data rates may apply. You can opt out at any time by "
    "replying STOP to a text or asking any caller to stop."
)

CONSENT_VERSION = hashlib.sha256(CONSENT_DISCLOSURE.encode()).hexdigest()
