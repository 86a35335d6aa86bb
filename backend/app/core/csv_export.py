"""CSV that is safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
read by Excel, LibreOffice or Google Sheets as a formula (CSV injection: a homeowner
types ``=HYPERLINK(...)`` as their name). Such cells get a leading apostrophe, which
spreadsheets show as text and drop on display.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def encode_rows(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


async def stream_csv(
    header: Sequence[str], chunks: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[bytes]:
    yield encode_rows([header])
    async for rows in chunks:
        if rows:
            yield encode_rows(rows)
