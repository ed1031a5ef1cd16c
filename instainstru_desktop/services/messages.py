"""A lesson's conversation in the app: reading it, writing in it (offline too), and what the
signed-in person has not read yet.

Writing queues a ``message.send`` with an id chosen here, in the same transaction that shows the
message: it is on screen at once, "waiting to send" until the server has it, and the id makes
sending it again (after a lost answer, a restart, a long time offline) post it once. Reading a
conversation moves the person's read marker to its newest message, queued the same way.
"""

from __future__ import annotations

import uuid

from instainstru_desktop.protocol import MarkRead, SendMessage
from instainstru_desktop.services._base import UseCases, booking_or_raise, queue, touched
from instainstru_desktop.services._convert import card, parse_instant
from instainstru_desktop.services.errors import ActionNotAllowedError
from instainstru_desktop.services.views import (
    Changed,
    ChatMessage,
    Conversation,
    MessageNotice,
    MessageState,
)
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import MessageRecord


class MessageService(UseCases):
    """What the conversation in the lesson detail, the unread badges and the notices call."""

    # -- reads ------------------------------------------------------------------------------

    def conversation(self, booking_id: str) -> Conversation:
        """The lesson's messages, oldest first, each with where it stands."""
        with self._store.read() as uow:
            record = booking_or_raise(uow, booking_id)
            me, admin = _me(uow)
            rows = uow.messages.conversation(booking_id)
            markers = uow.messages.markers(booking_id)
            waiting = uow.changes.dirty_keys("message")
            refused = [
                m
                for m in uow.refusals.rejected()
                if m.name == SendMessage.wire_name and m.args.get("booking_id") == booking_id
            ]
            unread = uow.messages.unread_by_lesson(me, joined_only=admin, lessons=[booking_id])
        seen_up_to = max((m.last_read for m in markers if m.user_id != me), default=0)
        messages = [_chat(r, me, r.id in waiting, seen_up_to) for r in rows]
        messages += [
            ChatMessage(
                message_id=str(m.args.get("message_id", "")),
                author_name="",
                author_role="",
                mine=True,
                body=str(m.args.get("body", "")),
                at=parse_instant(m.created_at),
                state=MessageState.REFUSED,
                refusal=m.last_error or "",
            )
            for m in refused
        ]
        return Conversation(
            booking_id=booking_id,
            messages=tuple(messages),
            unread=unread.get(booking_id, 0),
            latest=max((r.number or 0 for r in rows), default=0),
            other_name=record.student_name,
        )

    def unread_total(self) -> int:
        """Messages the signed-in person has not read, in all their lessons."""
        with self._store.read() as uow:
            me, admin = _me(uow)
            return sum(uow.messages.unread_by_lesson(me, joined_only=admin).values())

    def unread_notices(self, limit: int = 5) -> list[MessageNotice]:
        """The newest messages not read yet, newest first, with their lessons."""
        with self._store.read() as uow:
            me, admin = _me(uow)
            rows = uow.messages.unread_messages(me, joined_only=admin, limit=limit)
            lessons = {r.booking_id: uow.bookings.get(r.booking_id) for r in rows}
        return [
            MessageNotice(
                message_id=r.id,
                booking_id=r.booking_id,
                author_name=r.author_name,
                body=r.body,
                at=parse_instant(r.created_at),
                lesson=card(record) if (record := lessons[r.booking_id]) else None,
            )
            for r in rows
        ]

    # -- writes -----------------------------------------------------------------------------

    def send(self, booking_id: str, body: str) -> Changed:
        """Write ``body`` in the lesson's conversation; it goes when the server is reachable."""
        text = body.strip()
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            change = SendMessage(message_id=str(uuid.uuid4()), booking_id=booking_id, body=text)
            mutation_id = queue(uow, change)
            changed = touched(uow, record, mutation_id) | Changed(messages=True)
            uow.commit()
        return self._done(changed)

    def mark_read(self, booking_id: str) -> Changed:
        """The person has read the lesson's conversation up to its newest message (nothing is
        queued when there was nothing new)."""
        with self._store.uow() as uow:
            record = booking_or_raise(uow, booking_id)
            me, _admin = _me(uow)
            latest = uow.messages.latest_number(booking_id)
            if latest <= uow.messages.last_read(booking_id, me):
                return Changed()
            mutation_id = queue(uow, MarkRead(booking_id=booking_id, reader_id=me, up_to=latest))
            changed = touched(uow, record, mutation_id) | Changed(messages=True)
            uow.commit()
        return self._done(changed)


def _me(uow: UnitOfWork) -> tuple[str, bool]:
    """Who is signed in, and whether as an admin."""
    state = uow.sync_state.get()
    if not state.user_id:
        raise ActionNotAllowedError("Sign in to read and write messages.")
    return state.user_id, state.role == "admin"


def _chat(row: MessageRecord, me: str, waiting: bool, seen_up_to: int) -> ChatMessage:
    mine = row.author_id == me
    return ChatMessage(
        message_id=row.id,
        author_name=row.author_name,
        author_role=row.author_role,
        mine=mine,
        body=row.body,
        at=parse_instant(row.created_at),
        state=MessageState.WAITING if waiting or row.number is None else MessageState.SENT,
        seen=mine and row.number is not None and row.number <= seen_up_to,
    )
