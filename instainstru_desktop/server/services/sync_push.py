"""Sync push: apply a client's queued mutations, each exactly once, in order.

Each mutation runs in its own write transaction together with the client's new
``last_mutation_id`` and its stored result, so a crash between mutations loses nothing and a
retried push replays stored answers instead of applying twice. A business rejection (a domain
rule, a permission, a vanished booking) is a *processed* mutation: it is stored as rejected with
its reason, an instructor's own rejection is recorded as a ``rejected_mutation`` conflict for the
"needs attention" list, and the queue moves on. A clash (another change to the same hours or note
came first) is refused the same way and recorded as a conflict of its own kind, with what was
kept and the change to send again (:mod:`.clashes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import orjson

from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.protocol import CHANGE_TYPES, NOTE_CLASH, AnyChange, SendMessage, to_args
from instainstru_desktop.server.core.errors import EditClash, MutationGap, ServiceError
from instainstru_desktop.server.core.models import Conflict, MutationResult
from instainstru_desktop.server.core.permissions import Permission, Role, require
from instainstru_desktop.server.core.wire import MutationIn, printable
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import changes, clashes, messages
from instainstru_desktop.server.services.common import new_id
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.sync_pull import cursor_text
from instainstru_desktop.server.services.views import Json


def _json(value: Json) -> Json:
    """Round-trip through JSON so stored results hold only JSON types."""
    result: Json = orjson.loads(orjson.dumps(value, option=orjson.OPT_UTC_Z))
    return result


def _result(m: MutationResult) -> Json:
    return {
        "id": m.mutation_id,
        "status": m.status,
        "code": m.code,
        "message": m.message,
        "result": m.result,
    }


def push(
    uow: UnitOfWork,
    caller: Caller,
    client_id: str,
    mutations: Sequence[MutationIn],
    message_pace: messages.MessagePace | None = None,
) -> Json:
    """Apply ``mutations`` in order, each once (see the module).

    ``message_pace``: the limit on messages written; a message over it stops the push with
    ``429 rate_limited`` (the ones before it are applied and kept), so the client sends the
    rest again after ``Retry-After`` -- a message is delayed, never refused or lost.
    """
    principal = require(caller.principal, Permission.SYNC)
    results: list[Json] = []
    last = 0
    for mutation in mutations:
        with uow.write() as tx:
            client = tx.sync.client_for_update(principal.user_id, client_id, caller.now)
            last = client.last_mutation_id
            if mutation.id <= last:
                stored = tx.sync.result(principal.user_id, client_id, mutation.id)
                results.append(
                    _result(stored)
                    if stored
                    else {
                        "id": mutation.id,
                        "status": "applied",
                        "code": None,
                        "message": None,
                        "result": {},
                    }
                )
                continue
            if mutation.id != last + 1:
                raise MutationGap(
                    f"Mutation {mutation.id} arrived but {last + 1} was expected next.",
                    extra={"expected_mutation_id": last + 1, "last_mutation_id": last},
                )
            if message_pace is not None and mutation.name == SendMessage.wire_name:
                messages.check_pace(tx, caller, message_pace)
            outcome = _apply(tx, caller, client_id, mutation)
            client.last_mutation_id = last = mutation.id
            client.updated_at = caller.now
            tx.sync.add_result(outcome)
            tx.commit()
        results.append(_result(outcome))
    with uow.read(snapshot=True) as tx:
        head = tx.sync.head()
        if not mutations:
            found = tx.sync.client(principal.user_id, client_id)
            last = found.last_mutation_id if found else 0
    return {
        "last_mutation_id": last,
        "cursor": cursor_text(*head) if head else "0",
        "results": results,
    }


def _apply(tx: Tx, caller: Caller, client_id: str, mutation: MutationIn) -> MutationResult:
    context = {
        "mutation": mutation.name,
        "client_id": client_id,
        "mutation_id": mutation.id,
        "base_version": mutation.base_version,
    }
    caller = Caller(caller.principal, caller.device, caller.now, context)
    stored = MutationResult(
        user_id=caller.signed_in.user_id,
        client_id=client_id,
        mutation_id=mutation.id,
        name=mutation.name,
        applied_at=caller.now,
    )
    change: AnyChange | None = None
    try:
        with tx.savepoint():
            change = changes.decode(mutation.name, mutation.args)
            result = changes.apply(tx, caller, change)
    except EditClash as clash:
        stored.status, stored.code, stored.result = "rejected", clash.code, {}
        stored.message = clash.detail
        assert change is not None  # only applying a decoded change can clash
        _record_clash(tx, caller, client_id, mutation, change, clash)
        return stored
    except (DomainError, ServiceError, changes.RefusedChangeError) as exc:
        code = exc.code
        message = exc.detail if isinstance(exc, ServiceError) else exc.message
        message = printable(message)  # stored, synced and shown: never a raw control character
        stored.status, stored.code, stored.message, stored.result = "rejected", code, message, {}
        _record_rejection(tx, caller, mutation, message)
        return stored
    stored.status, stored.code, stored.message = "applied", None, None
    stored.result = _json(result)
    return stored


def _uuid(value: object) -> str | None:
    try:
        return str(UUID(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def _record_rejection(tx: Tx, caller: Caller, mutation: MutationIn, message: str) -> None:
    """An instructor's own refused edit goes to their "needs attention" list."""
    principal = caller.signed_in
    if principal.role is not Role.INSTRUCTOR or principal.instructor_id is None:
        return
    booking_id = _uuid(mutation.args.get("booking_id"))  # as sent: perhaps not an id at all
    booking = tx.bookings.get(booking_id) if booking_id is not None else None
    if booking is not None and booking.instructor_id != principal.instructor_id:
        booking = None
    tx.conflicts.add(
        Conflict(
            id=new_id(),
            instructor_id=principal.instructor_id,
            booking_id=booking.id if booking else None,
            kind="rejected_mutation",
            message=f"{_summary(mutation.name)} was not applied: {message}",
            created_at=caller.now,
            resolved=False,
            resolution=None,
            version=1,
        )
    )


def _record_clash(
    tx: Tx,
    caller: Caller,
    client_id: str,
    mutation: MutationIn,
    change: AnyChange,
    clash: EditClash,
) -> None:
    """An instructor's edit set aside for another change of the same hours or note: it goes to
    the "needs attention" list of every device, where "use mine" sends it again."""
    principal = caller.signed_in
    if principal.role is not Role.INSTRUCTOR or principal.instructor_id is None:
        return
    booking_id = _uuid(mutation.args.get("booking_id"))
    sent = {"name": mutation.name, "args": to_args(change)}
    tx.conflicts.add(
        Conflict(
            id=new_id(),
            instructor_id=principal.instructor_id,
            booking_id=booking_id if clash.kind == NOTE_CLASH else None,
            kind=clash.kind,
            message=clash.detail,
            created_at=caller.now,
            resolved=False,
            resolution=None,
            version=1,
            details=clashes.recorded(
                clash, sent, {"client_id": client_id, "mutation_id": mutation.id}
            ),
        )
    )


def _summary(name: str) -> str:
    kind = CHANGE_TYPES.get(name)
    return kind.summary if kind is not None else "A change"
