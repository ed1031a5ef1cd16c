"""Users and bearer tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.models import Instructor, Token, User
from instainstru_desktop.server.repositories._locks import locking
from instainstru_desktop.server.repositories._types import AnyRow
from instainstru_desktop.server.repositories.compiled import Prepared

#: A user row-locked until commit, with what a booking shows of them.
_LOCK_ROW = locking(
    select(User.role, User.name, User.time_zone).where(User.id == bindparam("user_id"))
)
_LOCK_ROW_PREPARED = Prepared(_LOCK_ROW)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, user_id: str) -> User | None:
        return self._s.get(User, user_id)

    def lock_row(self, user_id: str) -> AnyRow | None:
        """Row-lock a user until commit (PostgreSQL, see :mod:`._locks`), which serializes one
        student's bookings; read as a plain row of ``role``, ``name`` and ``time_zone``."""
        found: AnyRow | None = _LOCK_ROW_PREPARED.first(self._s.connection(), {"user_id": user_id})
        return found

    def by_email(self, email: str) -> User | None:
        return self._s.scalars(select(User).where(User.email == email.strip().lower())).first()

    def add(self, user: User) -> None:
        self._s.add(user)

    def students_page(
        self, q: str | None, after: tuple[str, str] | None, limit: int
    ) -> Sequence[User]:
        """Students ordered by (name, id), after the keyset ``after``, matching ``q``."""
        stmt = select(User).where(User.role == "student")
        if q:
            stmt = stmt.where(
                or_(
                    User.name.icontains(q, autoescape=True),
                    User.email.icontains(q, autoescape=True),
                )
            )
        if after is not None:
            name, user_id = after
            stmt = stmt.where(or_(User.name > name, and_(User.name == name, User.id > user_id)))
        return self._s.scalars(stmt.order_by(User.name, User.id).limit(limit)).all()

    def student_ids_all(self) -> set[str]:
        return set(self._s.scalars(select(User.id).where(User.role == "student")))

    def students_rows(self, ids: set[str]) -> Sequence[AnyRow]:
        if not ids:
            return []
        stmt = select(User.id, User.name, User.email, User.time_zone).where(User.id.in_(ids))
        return self._s.execute(stmt).all()


class TokenRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, token: Token) -> None:
        self._s.add(token)

    def principal_of(
        self, token_hash: str, now: datetime
    ) -> tuple[User, str | None, datetime] | None:
        """The user a live (unexpired, unrevoked) token belongs to, their instructor id, and
        when the token expires."""
        stmt = (
            select(User, Instructor.id, Token.expires_at)
            .join(Token, Token.user_id == User.id)
            .outerjoin(Instructor, Instructor.user_id == User.id)
            .where(
                Token.token_hash == token_hash,
                Token.revoked_at.is_(None),
                Token.expires_at > now,
            )
        )
        row = self._s.execute(stmt).first()
        return None if row is None else (row[0], row[1], row[2])

    def revoke(self, token_hash: str, now: datetime) -> None:
        token = self._s.get(Token, token_hash)
        if token is not None and token.revoked_at is None:
            token.revoked_at = now
