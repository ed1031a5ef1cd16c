"""A lesson's conversation: writing, reading, read markers and unread counts.

Who takes part: the lesson's student, its instructor, and admins (reading and writing when
needed). Anyone else is told the lesson does not exist (``not_found``), exactly as for a lesson
that does not, so ids cannot be probed.

A message's id is chosen by the client that wrote it: sending the same message again (a retry
after a lost answer, an outbox replayed) finds the one already posted and answers it again, so
a message is posted once however often it is sent. Messages of one lesson are numbered 1, 2, ...
under the lesson's row lock, so the numbers are the order everyone sees, and a read marker is
simply the number of the last message read. Writing a message marks the conversation read up
to it. A cancelled (or finished) lesson keeps its conversation, open for writing too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from instainstru_desktop.protocol import wording
from instainstru_desktop.protocol.fields import MESSAGE_MAX_CHARS, has_words, is_text
from instainstru_desktop.server.core.errors import (
    InvalidInput,
    MessageIdTaken,
    NotFound,
    RateLimited,
)
from instainstru_desktop.server.core.models import Booking, Message, MessageRead
from instainstru_desktop.server.core.permissions import (
    Owner,
    Permission,
    Principal,
    Role,
    allowed,
    authorize,
    require,
)
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import views
from instainstru_desktop.server.services.common import decode_cursor, encode_cursor
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

#: Messages per page of a conversation when the caller names no limit.
PAGE = 100


def body_problem(body: str) -> str | None:
    """Why ``body`` cannot be sent (the change vocabulary's own sentences), or None."""
    if not is_text(body):
        return wording.control_characters("body")
    if not has_words(body):
        return wording.blank("body")
    if len(body) > MESSAGE_MAX_CHARS:
        return wording.too_long("body", MESSAGE_MAX_CHARS, len(body))
    return None


@dataclass(frozen=True, slots=True)
class MessagePace:
    """At most ``limit`` messages per person within any ``window`` seconds.

    Counted from the messages the person has written (stored rows, newest first), not in a
    process's memory: every server process on the database sees the same count, so a server
    of N processes does not allow N times the limit. Two messages sent at the same instant
    through two processes may both pass the last free place; the count is exact again at once.
    """

    limit: int
    window: float


def check_pace(tx: Tx, caller: Caller, pace: MessagePace) -> None:
    """Refuse (429, with ``Retry-After``) a writer at the message limit.

    Only messages posted count: a refused one, or a retry of one already posted, takes no turn.
    """
    user_id = caller.signed_in.user_id
    since = caller.now - timedelta(seconds=pace.window)
    recent = tx.messages.written_since(user_id, since, pace.limit)
    if len(recent) < pace.limit:
        return
    frees_at = min(recent) + timedelta(seconds=pace.window)
    wait = max(1, math.ceil((frees_at - caller.now).total_seconds()))
    raise RateLimited(
        f"You are sending messages faster than this server allows. Try again in {wait} "
        "seconds; what you wrote is kept.",
        headers={"Retry-After": str(wait)},
    )


def _check_body(body: str) -> None:
    problem = body_problem(body)
    if problem is not None:
        raise InvalidInput(problem, errors=[{"field": "body", "message": problem}])


def _taking_part(tx: Tx, caller: Caller, booking_id: str, permission: Permission) -> Principal:
    """The caller, once they may do ``permission`` in the lesson's conversation.

    A lesson whose conversation the caller may not read is answered exactly as one that does
    not exist: the same status, the same words.
    """
    parties = tx.bookings.parties(booking_id)
    principal = caller.principal
    if parties is not None and principal is not None:
        owner = Owner(parties.instructor_id, parties.student_id)
        if allowed(principal, Permission.MESSAGES_READ, owner):
            return authorize(principal, permission, owner)
    require(principal, permission)
    raise NotFound("No such booking.")


def _lesson(tx: Tx, caller: Caller, booking_id: str, permission: Permission) -> Booking:
    """The lesson, row-locked, once the caller may do ``permission`` in its conversation."""
    _taking_part(tx, caller, booking_id, permission)
    booking = tx.bookings.for_update(booking_id)
    if booking is None:
        raise NotFound("No such booking.")
    return booking


def send_in(
    tx: Tx,
    caller: Caller,
    booking_id: str,
    message_id: str,
    body: str,
    pace: MessagePace | None = None,
) -> Json:
    """Post ``body`` as message ``message_id`` (or answer the one already posted with it);
    over ``pace`` a new message is refused, a retry of a posted one still answered."""
    _check_body(body)
    booking = _lesson(tx, caller, booking_id, Permission.MESSAGES_WRITE)
    principal = caller.signed_in
    existing = tx.messages.get(message_id)
    if existing is not None:
        if (existing.booking_id, existing.author_id, existing.body) != (
            booking.id,
            principal.user_id,
            body,
        ):
            raise MessageIdTaken(
                "This message id already names another message; send it with a new id.",
                errors=[{"field": "id", "message": "already used"}],
            )
        return _view(tx, existing.id)
    if pace is not None:
        check_pace(tx, caller, pace)
    number = tx.messages.last_number(booking.id) + 1
    tx.messages.add(
        Message(
            id=message_id,
            booking_id=booking.id,
            instructor_id=booking.instructor_id,
            student_id=booking.student_id,
            number=number,
            author_id=principal.user_id,
            author_role=principal.role.value,
            body=body,
            created_at=caller.now,
        )
    )
    _read_up_to(tx, caller, booking, number)
    return _view(tx, message_id)


def read_in(tx: Tx, caller: Caller, booking_id: str, up_to: int) -> Json:
    """Mark the conversation read up to message ``up_to`` (never back; beyond the latest
    message it stops at the latest). Answers the caller's marker and what is left unread."""
    booking = _lesson(tx, caller, booking_id, Permission.MESSAGES_READ)
    latest = tx.messages.last_number(booking.id)
    marker = _read_up_to(tx, caller, booking, min(max(up_to, 0), latest))
    return {
        "booking_id": booking.id,
        "last_read": marker.last_read if marker else 0,
        "unread": _unread_of(tx, caller.signed_in, booking.id),
    }


def _read_up_to(tx: Tx, caller: Caller, booking: Booking, number: int) -> MessageRead | None:
    """Move the caller's marker forward to ``number``; an unchanged marker is not written."""
    user_id = caller.signed_in.user_id
    marker = tx.messages.marker(booking.id, user_id)
    if marker is None:
        if number <= 0:
            return None
        marker = MessageRead(
            booking_id=booking.id,
            user_id=user_id,
            instructor_id=booking.instructor_id,
            student_id=booking.student_id,
            last_read=number,
            read_at=caller.now,
        )
        tx.messages.add_marker(marker)
    elif number > marker.last_read:
        marker.last_read, marker.read_at = number, caller.now
    return marker


def _view(tx: Tx, message_id: str) -> Json:
    row = tx.messages.view(message_id)
    assert row is not None
    return views.message(row)


def _unread_of(tx: Tx, principal: Principal, booking_id: str) -> int:
    return sum(n for _b, n in tx.messages.unread(principal.user_id, booking_id=booking_id))


def _whose(principal: Principal) -> dict[str, Any]:
    """Which conversations are the caller's own: their calendar's, their lessons', or (an
    admin's) those they joined."""
    if principal.role is Role.INSTRUCTOR:
        return {"instructor_id": principal.instructor_id}
    if principal.role is Role.STUDENT:
        return {"student_id": principal.user_id}
    return {}


def conversation(
    uow: UnitOfWork,
    caller: Caller,
    booking_id: str,
    after: int = 0,
    cursor: str | None = None,
    limit: int = PAGE,
) -> Json:
    """The lesson's messages numbered above ``after``, oldest first, a page at a time (the
    ``cursor`` of the page before), with everyone's read markers and how many the caller has
    not read."""
    parts = decode_cursor(cursor, 1)
    if parts is not None:
        if not parts[0].isdigit() or len(parts[0]) > 12:
            raise InvalidInput("The page cursor is not valid.")
        after = max(after, int(parts[0]))
    with uow.read() as tx:
        principal = _taking_part(tx, caller, booking_id, Permission.MESSAGES_READ)
        rows = tx.messages.page(booking_id, after, limit + 1)
        markers = [views.read_marker(m) for m in tx.messages.markers(booking_id)]
        unread = _unread_of(tx, principal, booking_id)
    items = [views.message(r) for r in rows[:limit]]
    mine = next((m["last_read"] for m in markers if m["user_id"] == principal.user_id), 0)
    return {
        "items": items,
        "next_cursor": encode_cursor(str(items[-1]["number"])) if len(rows) > limit else None,
        "last_read": mine,
        "unread": unread,
        "read_markers": markers,
    }


def unread_counts(uow: UnitOfWork, caller: Caller) -> Json:
    """How many messages the caller has not read, per lesson and in total."""
    principal = require(caller.principal, Permission.MESSAGES_READ)
    with uow.read() as tx:
        counts = tx.messages.unread(principal.user_id, **_whose(principal))
    counts.sort()
    return {
        "total": sum(n for _b, n in counts),
        "bookings": [{"booking_id": b, "unread": n} for b, n in counts],
    }
