"""Weekly templates and date overrides, stored as wall-clock minutes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.models import (
    AvailabilityOverride,
    Instructor,
    Tombstone,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.repositories._types import AnyRow
from instainstru_desktop.server.repositories.compiled import Prepared

# Read-only statements built once (Core, executed on the session's connection: no ORM pass).
_HOURS = (
    select(User.time_zone, WeeklyTemplate.ranges)
    .select_from(Instructor)
    .outerjoin(User, User.id == Instructor.user_id)
    .outerjoin(WeeklyTemplate, WeeklyTemplate.instructor_id == Instructor.id)
    .where(Instructor.id == bindparam("instructor_id"))
)
_OVERRIDES = select(AvailabilityOverride.day, AvailabilityOverride.ranges).where(
    AvailabilityOverride.instructor_id == bindparam("instructor_id"),
    AvailabilityOverride.day >= bindparam("first"),
    AvailabilityOverride.day <= bindparam("last"),
)
#: :data:`_OVERRIDES` sent to the driver directly (``compiled.Prepared``): a series reads the
#: overrides of its whole span with it.
_OVERRIDES_PREPARED = Prepared(_OVERRIDES)


def override_key(instructor_id: str, day: date) -> str:
    """How clients name an override (and its tombstone): ``instructor_id/YYYY-MM-DD``."""
    return f"{instructor_id}/{day.isoformat()}"


class AvailabilityRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def template(self, instructor_id: str) -> WeeklyTemplate | None:
        return self._s.get(WeeklyTemplate, instructor_id)

    def add_template(self, template: WeeklyTemplate) -> None:
        self._s.add(template)

    def override(self, instructor_id: str, day: date) -> AvailabilityOverride | None:
        return self._s.get(AvailabilityOverride, (instructor_id, day))

    def add_override(self, override: AvailabilityOverride) -> None:
        """Create an override; a tombstone the date's earlier deletion left is superseded.

        A pull page holding both the old tombstone and the new row could otherwise leave a
        client without the date's hours, and the tombstone tells no client anything the new
        row does not: every pull that would carry it carries the row too.
        """
        self._s.add(override)
        self._s.execute(
            delete(Tombstone).where(
                Tombstone.entity == "override",
                Tombstone.entity_id == override_key(override.instructor_id, override.day),
            )
        )

    def overrides_between(
        self, instructor_id: str, first: date, last: date
    ) -> Sequence[AvailabilityOverride]:
        stmt = select(AvailabilityOverride).where(
            AvailabilityOverride.instructor_id == instructor_id,
            AvailabilityOverride.day >= first,
            AvailabilityOverride.day <= last,
        )
        return self._s.scalars(stmt).all()

    def hours_of(self, instructor_id: str) -> tuple[str | None, list[Any] | None] | None:
        """Read-only, in one statement: the instructor's time zone and weekly template ranges
        (None: no template yet); None when there is no such instructor."""
        found = self._s.connection().execute(_HOURS, {"instructor_id": instructor_id}).first()
        return None if found is None else (found[0], found[1])

    def override_rows(self, instructor_id: str, first: date, last: date) -> Sequence[AnyRow]:
        """Read-only: ``(day, ranges)`` of the date overrides from ``first`` to ``last``."""
        params = {"instructor_id": instructor_id, "first": first, "last": last}
        rows: Sequence[AnyRow] = _OVERRIDES_PREPARED.rows(self._s.connection(), params)
        return rows

    def delete_override(self, override: AvailabilityOverride) -> None:
        """Delete an override and leave a tombstone so clients forget it too."""
        self._s.delete(override)
        self._s.add(
            Tombstone(
                entity="override",
                entity_id=override_key(override.instructor_id, override.day),
                instructor_id=override.instructor_id,
            )
        )
