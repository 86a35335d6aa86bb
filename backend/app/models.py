"""Every table, imported in one place so Alembic and tests see the whole schema."""

from app.core.db import Base

__all__ = ["Base"]
