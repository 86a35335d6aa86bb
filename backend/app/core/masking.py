"""PII masking for analysts: one set of functions every analyst-visible view uses.

Analysts see leads and conversations without the homeowner's email, phone, street
address and last name (``j***@e***.com``, ``+1******0142``, ``*** (hidden)``, ``D.``).
Free text (chat transcripts, notes, UTM values) is scrubbed too: the record's own known
values wherever they appear, plus anything shaped like an email address, a phone number
or a street address. ``redact_text`` removes the same things outright (erasure,
declined chats).
Managers and admins see raw values; the caller decides with ``sees_pii``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

HIDDEN_ADDRESS = "*** (hidden)"

# "*" is a valid local-part character (hypothesis found "*@A.bg" in a UTM tag unmasked);
# an already masked address (j***@e***.com) stays as it is: its domain runs into a "*".
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?![A-Za-z0-9*-])"
)
# US-style numbers in any common punctuation: +1 602 555 0142, (602) 555-0142, 6025550142.
_PHONE = re.compile(r"(?<![\w*])(?:\+?1[\s.\-]*)?\(?\d{3}\)?[\s.\-]*\d{3}[\s.\-]*\d{4}(?!\w)")
_DIGITS = re.compile(r"\D")
# A US street address in free text: a house number, up to four words, a street type
# ("12 Elm St", "4821 N. Lake Shore Drive", "77 Old Mill Road Apt 4B"), or a PO box.
_STREET_TYPES = (
    "street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl"
    "|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|loop|square|sq|alley|aly"
    "|crescent|cres|row|path|pike|run|walk|plaza|plz|point|pt"
)
_STREET = re.compile(
    rf"(?<![\w$.,])\d{{1,6}}[a-z]?\s+(?:[nsew]\.?\s+)?(?:[a-z0-9'.\-]+\s+){{0,4}}"
    rf"(?:{_STREET_TYPES})\b\.?(?:,?\s*(?:apt|apartment|unit|suite|ste|#)\s*\.?\s*[\w\-]+)?"
    r"|\bp\.?\s*o\.?\s*box\s+\d+",
    re.IGNORECASE,
)


def mask_email(email: str | None) -> str | None:
    """``jane.doe@example.com`` -> ``j***@e***.com``."""
    if email is None:
        return None
    local, at, domain = email.partition("@")
    if not at:
        return "***"
    name, dot, tld = domain.rpartition(".")
    if not dot:
        return f"{local[:1]}***@{domain[:1]}***"
    return f"{local[:1]}***@{name[:1]}***.{tld}"


def mask_phone(phone: str | None) -> str | None:
    """``+16025550142`` (or any punctuation of it) -> ``+1******0142``."""
    if phone is None:
        return None
    digits = _DIGITS.sub("", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) < 4:
        return "*" * len(phone)
    return "+1" + "*" * max(0, len(digits) - 4) + digits[-4:]


def mask_last_name(last_name: str | None) -> str | None:
    """``Doe`` -> ``D.``."""
    if last_name is None:
        return None
    stripped = last_name.strip()
    return f"{stripped[:1]}." if stripped else ""


def mask_street(street_address: str | None) -> str | None:
    return None if street_address is None else HIDDEN_ADDRESS


def mask_ip(ip: str | None) -> str | None:
    """The network, not the host: ``203.0.113.7`` -> ``203.0.113.x``."""
    if ip is None:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "***"
    if address.version == 4:
        return ".".join([*str(address).split(".")[:3], "x"])
    return str(ipaddress.ip_network(f"{address}/48", strict=False))


# Slot and column names holding PII, and how each is masked.
FIELD_MASKS = {
    "email": mask_email,
    "phone": mask_phone,
    "last_name": mask_last_name,
    "street_address": mask_street,
    "address": mask_street,
}


class Known(NamedTuple):
    """A PII value of the record at hand, its mask, and which field it came from."""

    raw: str
    masked: str
    field: str


def known_values(*records: Mapping[str, Any] | None) -> list[Known]:
    """The PII values of ``records`` (lead columns or chat slots) with their masks, to
    replace wherever they appear in free text."""
    found: list[Known] = []
    for record in records:
        for field, mask in FIELD_MASKS.items():
            value = (record or {}).get(field)
            if isinstance(value, str) and len(value.strip()) >= 2:
                found.append(Known(value.strip(), mask(value.strip()) or "", field))
    return found


def _phone_pattern(raw: str) -> re.Pattern[str] | None:
    """The phone's 10 digits with any punctuation between them."""
    digits = _DIGITS.sub("", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) < 7:
        return None
    body = r"[\s.\-()]*".join(re.escape(d) for d in digits)
    return re.compile(r"(?:\+?1[\s.\-]*)?\(?" + body)


def scrub_text(text: str | None, known: Iterable[Known] = ()) -> str | None:
    """``text`` with the known PII values and anything shaped like an email address, a
    phone number or a street address masked."""
    if not text:
        return text
    text = _replace_known(text, known)
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)) or "", text)
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)) or "", text)
    return _STREET.sub(HIDDEN_ADDRESS, text)


def _replace_known(text: str, known: Iterable[Known]) -> str:
    for raw, masked, field in sorted(known, key=lambda k: -len(k.raw)):
        phone = _phone_pattern(raw) if field == "phone" else None
        if phone is not None:  # in any punctuation: (602) 555-0142, 602.555.0142...
            text = phone.sub(masked, text)
        # Then the value as stored. The boundaries keep "Doe" from matching "Doesn't".
        text = re.sub(
            r"(?<!\w)" + re.escape(raw) + r"(?!\w)", lambda _m, m=masked: m, text, flags=re.I
        )
    return text


REMOVED = "[removed]"
# What erasure and redaction remove: every contact detail, the first name included.
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "street_address", "address")


def contact_values(*records: Mapping[str, Any] | None) -> list[Known]:
    """The contact details of ``records``, each to be replaced by ``[removed]``."""
    found: list[Known] = []
    for record in records:
        for field in CONTACT_FIELDS:
            value = (record or {}).get(field)
            if isinstance(value, str) and len(value.strip()) >= 2:
                found.append(Known(value.strip(), REMOVED, field))
    return found


def redact_text(text: str, known: Iterable[Known] = ()) -> str:
    """``text`` with the known contact details and anything shaped like an email
    address, a phone number or a street address replaced by ``[removed]``: for data the
    person asked to have removed, where even a masked form is too much."""
    text = _replace_known(text, known)
    text = _EMAIL.sub(REMOVED, text)
    text = _PHONE.sub(REMOVED, text)
    return _STREET.sub(REMOVED, text)


def mask_mapping(value: Any, known: Iterable[Known] = ()) -> Any:
    """A JSON value (chat slots, message metadata) with PII fields masked and every
    string scrubbed."""
    known = list(known)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            mask = FIELD_MASKS.get(str(key))
            if mask is not None and (item is None or isinstance(item, str)):
                out[key] = mask(item)
            else:
                out[key] = mask_mapping(item, known)
        return out
    if isinstance(value, list):
        return [mask_mapping(item, known) for item in value]
    if isinstance(value, str):
        return scrub_text(value, known)
    return value
