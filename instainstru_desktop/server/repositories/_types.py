"""Row types shared by the repositories (SQLAlchemy 2.1 rows are variadic generics)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select

AnyRow = Row[*tuple[Any, ...]]
AnySelect = Select[*tuple[Any, ...]]
