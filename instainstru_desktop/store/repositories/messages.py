"""Lessons' conversations as the mirror holds them (messages written here included), and what
the signed-in person has not read yet.

Unread, for one person: messages of others numbered above that person's read marker. A
message written here has no number until the server gives it one, and is the person's own
anyway, so it never counts. Whose conversations count: the whole mirror for an instructor (it
holds only their lessons); for an admin, whose mirror holds every lesson, only the
conversations they have joined (written in or read: a marker of theirs exists).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from instainstru_desktop.store.records import MessageRecord, ReadRecord

_MESSAGE_COLUMNS = ", ".join(f"m.{name}" for name in MessageRecord._fields)
# Messages written here have no number yet: they follow in the order they were written, which
# is the order of their outbox rows (their times have whole seconds only).
_CONVERSATION_SQL = (
    f"SELECT {_MESSAGE_COLUMNS} FROM messages AS m"
    " LEFT OUTER JOIN outbox_subjects AS s ON s.entity = 'message' AND s.\"key\" = m.id"
    " WHERE m.booking_id = ?"
    " ORDER BY m.number IS NULL, m.number, s.mutation_id,"
    " m.created_at, m.id"
)
_MARKERS_SQL = (
    "SELECT booking_id, user_id, name, role, last_read, read_at FROM message_reads"
    " WHERE booking_id = ? ORDER BY user_id"
)
# :me is the signed-in person; :joined 1 counts only conversations with a marker of theirs.
_UNREAD_FROM = (
    " FROM messages AS m LEFT OUTER JOIN message_reads AS r"
    " ON r.booking_id = m.booking_id AND r.user_id = :me"
    " WHERE m.author_id != :me AND m.number > coalesce(r.last_read, 0)"
    " AND (:joined = 0 OR r.user_id IS NOT NULL)"
)


#: Up to this many lessons are named in the unread query; more are counted all at once.
_FEW = 400


class MessageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def conversation(self, booking_id: str) -> list[MessageRecord]:
        """The lesson's messages in the server's order; those written here, not yet numbered,
        after them in the order they were written."""
        rows = self._session.connection().exec_driver_sql(_CONVERSATION_SQL, (booking_id,))
        return [MessageRecord._make(row) for row in rows]

    def markers(self, booking_id: str) -> list[ReadRecord]:
        rows = self._session.connection().exec_driver_sql(_MARKERS_SQL, (booking_id,))
        return [ReadRecord._make(row) for row in rows]

    def latest_number(self, booking_id: str) -> int:
        """The number of the lesson's newest message on the server (0: none)."""
        row = (
            self._session.connection()
            .exec_driver_sql(
                "SELECT coalesce(max(number), 0) FROM messages WHERE booking_id = ?", (booking_id,)
            )
            .first()
        )
        return int(row[0]) if row else 0

    def last_read(self, booking_id: str, user_id: str) -> int:
        row = (
            self._session.connection()
            .exec_driver_sql(
                "SELECT last_read FROM message_reads WHERE booking_id = ? AND user_id = ?",
                (booking_id, user_id),
            )
            .first()
        )
        return int(row[0]) if row else 0

    def unread_by_lesson(
        self, me: str, *, joined_only: bool, lessons: Sequence[str] | None = None
    ) -> dict[str, int]:
        """Lesson -> messages ``me`` has not read, for lessons with any (of ``lessons`` when
        given: a week's few lessons are looked up by index, not counted over every message)."""
        params: dict[str, object] = {"me": me, "joined": int(joined_only)}
        among = ""
        if lessons is not None and len(lessons) <= _FEW:
            names = [f"l{i}" for i in range(len(lessons))]
            among = f" AND m.booking_id IN ({', '.join(':' + n for n in names)})"
            params.update(zip(names, lessons, strict=True))
        sql = f"SELECT m.booking_id, count(*){_UNREAD_FROM}{among} GROUP BY m.booking_id"
        rows = self._session.connection().exec_driver_sql(sql, params)
        return {str(booking): int(count) for booking, count in rows}

    def unread_messages(self, me: str, *, joined_only: bool, limit: int) -> list[MessageRecord]:
        """The newest messages ``me`` has not read, newest first (for a notice)."""
        sql = (
            f"SELECT {_MESSAGE_COLUMNS}{_UNREAD_FROM}"
            " ORDER BY m.created_at DESC, m.number DESC LIMIT :limit"
        )
        rows = self._session.connection().exec_driver_sql(
            sql, {"me": me, "joined": int(joined_only), "limit": limit}
        )
        return [MessageRecord._make(row) for row in rows]
