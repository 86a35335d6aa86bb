"""Language understanding for the guided advisor: :func:`understand` reads one message.

The package, by subsystem: ``text`` (clean-up and the scanning state), ``spelling`` (repair
of misspelled vocabulary), ``numbers`` (number words, numeric mentions), ``contact`` (email,
phone), ``names``, ``amounts`` (ZIP, bill, credit score), ``choices`` (vocabulary answers
and yes/no), ``intents`` (questions, skip, stop, corrections), ``revisions`` (a correction
that revises part of the value just given: "Jon, sorry John"), ``vocabulary`` (the phrase
tables, data only), ``extraction`` (what it returns, with where each value came from) and
``reader`` (the order they run in).
"""

from app.conversation.nlu.extraction import (
    AWAITABLE,
    FIELDS,
    HINT_BILL_HIGH,
    HINT_BILL_POSITIVE,
    HINT_CREDIT_RANGE,
    HINT_EMAIL,
    HINT_NAME,
    HINT_PHONE,
    HINT_ZIP_LENGTH,
    INTENTS,
    Extraction,
    FieldName,
    Intent,
    Span,
    clarifying_question,
    hint_unknown_zip,
)
from app.conversation.nlu.reader import understand

__all__ = [
    "AWAITABLE",
    "FIELDS",
    "HINT_BILL_HIGH",
    "HINT_BILL_POSITIVE",
    "HINT_CREDIT_RANGE",
    "HINT_EMAIL",
    "HINT_NAME",
    "HINT_PHONE",
    "HINT_ZIP_LENGTH",
    "INTENTS",
    "Extraction",
    "FieldName",
    "Intent",
    "Span",
    "clarifying_question",
    "hint_unknown_zip",
    "understand",
]
