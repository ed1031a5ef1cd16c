"""Settling a recorded conflict: keep the lesson, cancel it, or note a re-applied edit.

A clash of two edits (:mod:`.clashes`) is settled as "kept" (the server's version stands) or
"reapplied" (the person sent theirs again, as a new change queued before this one).
"""

from __future__ import annotations

from instainstru_desktop.domain.bookings import BookingAction
from instainstru_desktop.domain.errors import InvalidTransition
from instainstru_desktop.server.core.errors import InvalidInput, NotFound
from instainstru_desktop.server.core.permissions import Owner, Permission, authorize
from instainstru_desktop.server.repositories.uow import Tx
from instainstru_desktop.server.services import clashes, views
from instainstru_desktop.server.services.bookings import transition_in
from instainstru_desktop.server.services.common import record
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

RESOLUTIONS = ("kept", "cancelled", "reapplied")


def resolve_in(
    tx: Tx, caller: Caller, conflict_id: str, resolution: str, reason: str | None
) -> Json:
    conflict = tx.conflicts.get(conflict_id)
    if conflict is None:
        raise NotFound("No such conflict (it may have been withdrawn).")
    authorize(
        caller.principal, Permission.AVAILABILITY_EDIT, Owner(instructor_id=conflict.instructor_id)
    )
    if conflict.resolved:
        if conflict.resolution == resolution:
            return views.conflict(conflict)  # two devices settled it the same way
        raise InvalidTransition(f"This conflict was already settled ({conflict.resolution}).")
    if conflict.kind in clashes.KINDS and resolution == "cancelled":
        raise InvalidInput(
            "A clash of two edits is settled by keeping one of them, not by cancelling a lesson."
        )
    if resolution == "cancelled" and conflict.booking_id is not None:
        transition_in(
            tx,
            caller,
            conflict.booking_id,
            BookingAction.CANCEL,
            reason or "Outside the instructor's hours",
        )
    conflict.resolved, conflict.resolution = True, resolution
    conflict.version += 1
    record(
        tx,
        caller,
        "conflict.resolve",
        instructor_id=conflict.instructor_id,
        booking_id=conflict.booking_id,
        details={"resolution": resolution},
    )
    return views.conflict(conflict)
