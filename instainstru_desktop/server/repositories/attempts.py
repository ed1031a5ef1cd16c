"""Sign-in and sign-up attempts within their window (read and written by ``services.throttle``)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.models import SignInAttempt

_A = SignInAttempt


class AttemptRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def recent(self, kind: str, key: str, since: float, limit: int) -> list[float]:
        """When ``key``'s attempts of ``kind`` after ``since`` were made, oldest first."""
        stmt = (
            select(_A.at)
            .where(_A.kind == kind, _A.key == key, _A.at > since)
            .order_by(_A.at)
            .limit(limit)
        )
        return [float(at) for at in self._s.execute(stmt).scalars()]

    def add(self, kind: str, key: str, at: float) -> None:
        self._s.execute(insert(_A).values(kind=kind, key=key, at=at))

    def forget_before(self, kind: str, horizon: float) -> None:
        """Drop attempts of ``kind`` that no window reaches any more."""
        self._s.execute(delete(_A).where(_A.kind == kind, _A.at <= horizon))
