"""Bulk inserts for seeding: Core executemany, tens of thousands of rows per second."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.models import Base, User


class BulkRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def insert(self, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._s.execute(insert(model), rows)

    def is_empty(self) -> bool:
        return not self._s.execute(select(func.count()).select_from(User)).scalar_one()
