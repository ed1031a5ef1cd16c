"""Weekly templates and date overrides, stored as wall-clock minutes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from instainstru_desktop.server.models import AvailabilityOverride, Tombstone, WeeklyTemplate


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
        self._s.add(override)

    def overrides_between(
        self, instructor_id: str, first: date, last: date
    ) -> Sequence[AvailabilityOverride]:
        stmt = select(AvailabilityOverride).where(
            AvailabilityOverride.instructor_id == instructor_id,
            AvailabilityOverride.day >= first,
            AvailabilityOverride.day <= last,
        )
        return self._s.scalars(stmt).all()

    def delete_override(self, override: AvailabilityOverride) -> None:
        """Delete an override and leave a tombstone so clients forget it too."""
        self._s.delete(override)
        self._s.add(
            Tombstone(
                entity="override",
                entity_id=f"{override.instructor_id}/{override.day.isoformat()}",
                instructor_id=override.instructor_id,
            )
        )
