"""The pure scheduling domain: time ranges, zones and weeks, availability, bookable slots,
booking policies and the booking life cycle.

Standard library only and no I/O: the server, the local store and the UI all call these rules,
so a lesson is judged the same way everywhere.

Each name loads its own module when first asked for (``from instainstru_desktop.domain import
zone`` loads the zones, not the slot search): the app's first painted week needs a few of these
rules, and the rest would cost it a tenth of its start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from instainstru_desktop.lazy_names import lazy_attributes

if TYPE_CHECKING:
    from instainstru_desktop.domain.availability import Availability, Weekday, WeeklyTemplate
    from instainstru_desktop.domain.bookings import (
        ACTION_RESULT,
        ACTIVE_STATUSES,
        OUTCOME_STATUSES,
        TERMINAL_STATUSES,
        Actor,
        BookingAction,
        BookingStatus,
        ConcurrentOutcome,
        Offers,
        Resolution,
        can_mark_outcome,
        corrected_status,
        duration_text,
        is_active,
        next_status,
        offers,
        resolve_concurrent,
        resolve_correction,
        student_change_deadline,
    )
    from instainstru_desktop.domain.errors import (
        RULE_CODES,
        BookingRuleViolation,
        DomainError,
        InvalidTimeRange,
        InvalidTransition,
        UnknownTimeZone,
    )
    from instainstru_desktop.domain.hour_edits import HoursEdit, edits_between, replacement_clashes
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
    "OUTCOME_STATUSES",
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
    "HoursEdit",
    "InvalidTimeRange",
    "InvalidTransition",
    "Offers",
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
    "corrected_status",
    "duration_text",
    "edits_between",
    "group_by_viewer_date",
    "intersect",
    "is_active",
    "local_date",
    "local_datetime_to_utc",
    "local_day_bounds_utc",
    "next_status",
    "normalize",
    "offers",
    "open_slots",
    "replacement_clashes",
    "resolve_concurrent",
    "resolve_correction",
    "student_change_deadline",
    "subtract",
    "to_viewer",
    "total_minutes",
    "wall_time_to_utc",
    "week_dates",
    "week_start",
    "zone",
]

#: Where each name of :data:`__all__` lives (the module's name in this package).
_HOMES = {
    "Availability": "availability",
    "Weekday": "availability",
    "WeeklyTemplate": "availability",
    "ACTION_RESULT": "bookings",
    "ACTIVE_STATUSES": "bookings",
    "OUTCOME_STATUSES": "bookings",
    "TERMINAL_STATUSES": "bookings",
    "Actor": "bookings",
    "BookingAction": "bookings",
    "BookingStatus": "bookings",
    "ConcurrentOutcome": "bookings",
    "Offers": "bookings",
    "Resolution": "bookings",
    "can_mark_outcome": "bookings",
    "corrected_status": "bookings",
    "duration_text": "bookings",
    "is_active": "bookings",
    "next_status": "bookings",
    "offers": "bookings",
    "resolve_concurrent": "bookings",
    "resolve_correction": "bookings",
    "student_change_deadline": "bookings",
    "RULE_CODES": "errors",
    "BookingRuleViolation": "errors",
    "DomainError": "errors",
    "InvalidTimeRange": "errors",
    "InvalidTransition": "errors",
    "UnknownTimeZone": "errors",
    "HoursEdit": "hour_edits",
    "edits_between": "hour_edits",
    "replacement_clashes": "hour_edits",
    "MAX_LESSON_MINUTES": "policies",
    "POLICY_BOUNDS": "policies",
    "BookingPolicy": "policies",
    "OpenSlots": "slots",
    "SlotQuery": "slots",
    "bookable_slots": "slots",
    "check_booking": "slots",
    "open_slots": "slots",
    "MINUTES_PER_DAY": "time_ranges",
    "TimeRange": "time_ranges",
    "WallRange": "time_ranges",
    "contains": "time_ranges",
    "intersect": "time_ranges",
    "normalize": "time_ranges",
    "subtract": "time_ranges",
    "total_minutes": "time_ranges",
    "group_by_viewer_date": "viewer",
    "to_viewer": "viewer",
    "local_date": "zones",
    "local_datetime_to_utc": "zones",
    "local_day_bounds_utc": "zones",
    "wall_time_to_utc": "zones",
    "week_dates": "zones",
    "week_start": "zones",
    "zone": "zones",
}


__getattr__ = lazy_attributes(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
