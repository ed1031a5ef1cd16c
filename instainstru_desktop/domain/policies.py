"""An instructor's booking policy: how far ahead, how soon, how often, on which grid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.domain.time_ranges import MINUTES_PER_DAY

#: Longest lesson the domain accepts. Busy lists are searched with this look-back, so a lesson
#: can never be longer.
MAX_LESSON_MINUTES = MINUTES_PER_DAY

#: The whole numbers each rule accepts, lowest and highest included: the one statement of them,
#: which the server's validation, the change vocabulary and the settings dialog all read.
POLICY_BOUNDS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "min_notice_minutes": (0, 366 * MINUTES_PER_DAY),
        "booking_horizon_days": (1, 3660),
        "buffer_minutes": (0, MINUTES_PER_DAY - 1),
        "slot_step_minutes": (1, MINUTES_PER_DAY),
        "daily_limit": (1, 10_000),
        "weekly_limit": (1, 10_000),
    }
)


@dataclass(frozen=True)
class BookingPolicy:
    """Booking rules an instructor chooses; see :meth:`validate` for the accepted values.

    * ``min_notice_minutes``: a lesson starts at least this long after the moment of booking.
    * ``booking_horizon_days``: a lesson starts at most this many 24-hour days after the moment
      of booking (a rolling window measured in real time).
    * ``buffer_minutes``: required free time before and after each of the instructor's lessons.
    * ``slot_step_minutes``: lessons start on this grid of the instructor's wall clock
      (minute of day divisible by the step, seconds zero).
    * ``daily_limit`` / ``weekly_limit``: most active lessons per instructor-local date /
      Monday-based week; ``None`` for no limit.
    """

    min_notice_minutes: int = 120
    booking_horizon_days: int = 28
    buffer_minutes: int = 0
    slot_step_minutes: int = 15
    daily_limit: int | None = None
    weekly_limit: int | None = None

    def validate(self) -> None:
        """Raise ``DomainError("invalid_policy", ...)`` for values no booking grid can honour.

        The rules: notice and buffer are non-negative and under a day's worth of minutes for the
        buffer; the horizon is at least one day (at most ten years); the step is a positive
        divisor of 1440 so the grid is the same on every day and survives midnight; limits, when
        set, are at least one (a limit of zero would hide the instructor; remove availability
        instead).
        """
        _whole("min_notice_minutes", self.min_notice_minutes)
        _whole("booking_horizon_days", self.booking_horizon_days)
        _whole("buffer_minutes", self.buffer_minutes)
        _whole("slot_step_minutes", self.slot_step_minutes)
        if MINUTES_PER_DAY % self.slot_step_minutes:
            raise DomainError(
                "invalid_policy",
                f"slot_step_minutes must divide a day (1440) evenly, got {self.slot_step_minutes}",
            )
        for name, limit in (("daily_limit", self.daily_limit), ("weekly_limit", self.weekly_limit)):
            if limit is not None:
                _whole(name, limit)


def _whole(name: str, value: object) -> None:
    low, high = POLICY_BOUNDS[name]
    if type(value) is not int or not low <= value <= high:
        raise DomainError(
            "invalid_policy", f"{name} must be a whole number from {low} to {high}, got {value!r}"
        )
