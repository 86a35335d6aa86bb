"""The masking helpers every analyst view goes through."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.core import masking


def test_examples() -> None:
    assert masking.mask_email("jane.doe@example.com") == "j***@e***.com"
    assert masking.mask_phone("+16025550142") == "+1******0142"
    assert masking.mask_phone("(602) 555-0142") == "+1******0142"
    assert masking.mask_last_name("Doe") == "D."
    assert masking.mask_street("12 Elm Street") == "*** (hidden)"
    assert masking.mask_street(None) is None
    assert masking.mask_ip("203.0.113.7") == "203.0.113.x"
    assert masking.mask_ip("2001:db8:1:2::1") == "2001:db8:1::/48"


def test_free_text_is_scrubbed_of_known_and_shaped_values() -> None:
    known = masking.known_values(
        {"email": "Ana@Mail.org", "phone": "+14805550199", "street_address": "9 Oak Ave"}
    )
    text = (
        "Reach ana@mail.org or (480) 555-0199 or 480.555.0199 at 9 Oak Ave; "
        "also bob@x.io, 212-555-0100. The system is 7.2 kW for $18,450."
    )
    scrubbed = masking.scrub_text(text, known)
    for raw in ("ana@mail.org", "555-0199", "555.0199", "9 Oak Ave", "bob@x.io", "212-555-0100"):
        assert raw.lower() not in scrubbed.lower()
    assert "7.2 kW for $18,450" in scrubbed
    assert masking.scrub_text(scrubbed, known) == scrubbed  # masking twice changes nothing


@settings(max_examples=500, deadline=None)
@given(st.emails(), st.from_regex(r"\A[2-9]\d{2}[2-9]\d{6}\Z"))
@example("00*@A00000000.AC", "2002000000")  # digits in an email: still an email
def test_masks_never_contain_the_raw_value(email: str, digits: str) -> None:
    phone = "+1" + digits
    assert email not in (masking.mask_email(email) or "")
    assert phone not in (masking.mask_phone(phone) or "")
    text = f"contact {email} / {phone} / ({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    scrubbed = masking.scrub_text(text, masking.known_values({"email": email, "phone": phone}))
    assert email.lower() not in scrubbed.lower()
    assert digits not in scrubbed and digits[3:] not in scrubbed.replace("-", "")


def test_mask_mapping_masks_pii_keys_and_scrubs_strings() -> None:
    value = {
        "email": "a@b.com",
        "phone": "+16025550142",
        "nested": [{"last_name": "Smith"}, "write to c@d.org"],
        "count": 3,
    }
    masked = masking.mask_mapping(value)
    assert masked == {
        "email": "a***@b***.com",
        "phone": "+1******0142",
        "nested": [{"last_name": "S."}, "write to c***@d***.org"],
        "count": 3,
    }
