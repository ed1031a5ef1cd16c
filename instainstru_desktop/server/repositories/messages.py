"""Messages of a lesson's conversation and the read markers, as rows and as wire-shaped views."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from instainstru_desktop.server.core.models import Message, MessageRead, User
from instainstru_desktop.server.repositories._types import AnyRow, AnySelect

_author = aliased(User, name="author")
_reader = aliased(User, name="reader")

#: A message as the wire names it, with its author's name.
MESSAGE_VIEW: AnySelect = select(
    Message.id,
    Message.booking_id,
    Message.number,
    Message.author_id,
    _author.name.label("author_name"),
    Message.author_role,
    Message.body,
    Message.created_at,
).join(_author, _author.id == Message.author_id)

#: How far one person has read a conversation, with their name and role.
READ_VIEW: AnySelect = select(
    MessageRead.booking_id,
    MessageRead.user_id,
    _reader.name.label("name"),
    _reader.role,
    MessageRead.last_read,
    MessageRead.read_at,
).join(_reader, _reader.id == MessageRead.user_id)


class MessageRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # -- writing ---------------------------------------------------------------------------------

    def get(self, message_id: str) -> Message | None:
        return self._s.get(Message, message_id)

    def last_number(self, booking_id: str) -> int:
        """The number of the lesson's latest message (0: none yet). Read under the lesson's
        lock, so the next message's number is taken by one writer at a time."""
        stmt = select(func.coalesce(func.max(Message.number), 0)).where(
            Message.booking_id == booking_id
        )
        return int(self._s.execute(stmt).scalar_one())

    def add(self, message: Message) -> None:
        self._s.add(message)

    def written_since(self, author_id: str, since: datetime, limit: int) -> list[datetime]:
        """When ``author_id`` wrote their newest messages after ``since``, at most ``limit``
        of them (the index on author and time answers it without reading the messages)."""
        stmt = (
            select(Message.created_at)
            .where(Message.author_id == author_id, Message.created_at > since)
            .order_by(Message.created_at.desc())
            .limit(limit)
        )
        return list(self._s.execute(stmt).scalars())

    def marker(self, booking_id: str, user_id: str) -> MessageRead | None:
        return self._s.get(MessageRead, (booking_id, user_id))

    def add_marker(self, marker: MessageRead) -> None:
        self._s.add(marker)

    # -- reading ---------------------------------------------------------------------------------

    def view(self, message_id: str) -> AnyRow | None:
        self._s.flush()
        return self._s.execute(MESSAGE_VIEW.where(Message.id == message_id)).first()

    def page(self, booking_id: str, after: int, limit: int) -> Sequence[AnyRow]:
        """Messages of a lesson numbered above ``after``, oldest first, at most ``limit``."""
        stmt = (
            MESSAGE_VIEW.where(Message.booking_id == booking_id, Message.number > after)
            .order_by(Message.number)
            .limit(limit)
        )
        return self._s.execute(stmt).all()

    def markers(self, booking_id: str) -> Sequence[AnyRow]:
        stmt = READ_VIEW.where(MessageRead.booking_id == booking_id).order_by(MessageRead.user_id)
        return self._s.execute(stmt).all()

    def unread(
        self,
        user_id: str,
        *,
        instructor_id: str | None = None,
        student_id: str | None = None,
        booking_id: str | None = None,
    ) -> list[tuple[str, int]]:
        """(lesson, messages not yet read) of ``user_id``, for lessons with any unread.

        Whose conversations count: one lesson's (``booking_id``); else the lessons of
        ``instructor_id`` or of ``student_id`` (the lesson's own people); without either (an
        admin), only conversations the person has joined -- written in or read, which leaves a
        read marker.
        """
        marker = and_(MessageRead.booking_id == Message.booking_id, MessageRead.user_id == user_id)
        conditions: list[Any] = [
            Message.author_id != user_id,
            Message.number > func.coalesce(MessageRead.last_read, 0),
        ]
        if booking_id is not None:
            conditions.append(Message.booking_id == booking_id)
        elif instructor_id is not None:
            conditions.append(Message.instructor_id == instructor_id)
        elif student_id is not None:
            conditions.append(Message.student_id == student_id)
        else:
            conditions.append(MessageRead.user_id.is_not(None))
        stmt = (
            select(Message.booking_id, func.count())
            .select_from(Message)
            .outerjoin(MessageRead, marker)
            .where(*conditions)
            .group_by(Message.booking_id)
        )
        return [(str(b), int(n)) for b, n in self._s.execute(stmt)]
