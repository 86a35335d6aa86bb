"""The OpenAPI document is the contract the SPAs' clients are generated from."""

from __future__ import annotations

import re

from fastapi import FastAPI


def test_operation_ids_are_stable_tag_dash_name(app: FastAPI) -> None:
    document = app.openapi()
    seen: list[str] = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            op_id = operation["operationId"]
            tag = operation["tags"][0]
            assert op_id.startswith(f"{tag}-"), (method, path, op_id)
            assert re.fullmatch(r"[a-z0-9_]+-[a-z0-9_]+", op_id), op_id
            seen.append(op_id)
    assert len(seen) == len(set(seen)), "operationIds must be unique"
