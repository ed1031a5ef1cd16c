"""The pure scheduling domain: time ranges, zones and weeks, availability, bookable slots,
booking policies and the booking life cycle.

Standard library only and no I/O: the server, the local store and the UI all call these rules,
so a lesson is judged the same way everywhere.
"""

from instainstru_desktop.domain.availability import Availability, Weekday, WeeklyTemplate
from instainstru_desktop.domain.bookings import (
    ACTION_RESULT,
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    Actor,
    BookingAction,
    BookingStatus,
    ConcurrentOutcome,
    Resolution,
    can_mark_outcome,
    is_active,
    next_status,
    resolve_concurrent,
)
from instainstru_desktop.domain.errors import (
    RULE_CODES,
    BookingRuleViolation,
    DomainError,
    InvalidTimeRange,
    InvalidTransition,
    UnknownTimeZone,
)
from instainstru_desktop.domain.policies import MAX_LESSON_MINUTES, POLICY_BOUNDS, BookingPolicy
from instainstru_desktop.domain.slots import (
    OpenSlots,
    SlotQuery,
    bookable_slots,
    check_booking,
    open_slots,
)
from instainstru_desktop.domain.time_ranges import (
    MINUTES_PER_DAY,
    TimeRange,
    WallRange,
    contains,
    intersect,
    normalize,
    subtract,
    total_minutes,
)
from instainstru_desktop.domain.viewer import group_by_viewer_date, to_viewer
from instainstru_desktop.domain.zones import (
    local_date,
    local_datetime_to_utc,
    local_day_bounds_utc,
    wall_time_to_utc,
    week_dates,
    week_start,
    zone,
)

__all__ = [
    "ACTION_RESULT",
    "ACTIVE_STATUSES",
    "MAX_LESSON_MINUTES",
    "MINUTES_PER_DAY",
    "POLICY_BOUNDS",
    "RULE_CODES",
    "TERMINAL_STATUSES",
    "Actor",
    "Availability",
    "BookingAction",
    "BookingPolicy",
    "BookingRuleViolation",
    "BookingStatus",
    "ConcurrentOutcome",
    "DomainError",
    "InvalidTimeRange",
    "InvalidTransition",
    "OpenSlots",
    "Resolution",
    "SlotQuery",
    "TimeRange",
    "UnknownTimeZone",
    "WallRange",
    "Weekday",
    "WeeklyTemplate",
    "bookable_slots",
    "can_mark_outcome",
    "check_booking",
    "contains",
    "group_by_viewer_date",
    "intersect",
    "is_active",
    "local_date",
    "local_datetime_to_utc",
    "local_day_bounds_utc",
    "next_status",
    "normalize",
    "open_slots",
    "resolve_concurrent",
    "subtract",
    "to_viewer",
    "total_minutes",
    "wall_time_to_utc",
    "week_dates",
    "week_start",
    "zone",
]
