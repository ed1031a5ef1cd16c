"""Field types of the wire format, shared by request bodies and pushed mutation arguments.

They turn out-of-range or malformed values into validation errors (a clean 422) before any
date arithmetic could overflow into a 500.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from instainstru_desktop.protocol.fields import (
    CLOCK_PATTERN,
    EARLIEST_YEAR,
    LATEST_YEAR,
    BufferMinutes,
    DailyLimit,
    HorizonDays,
    NoticeMinutes,
    StepMinutes,
    WeeklyLimit,
)


def _instant(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"instants must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value.astimezone(UTC)


def _day(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"dates must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


#: An RFC 3339 instant with an offset, normalized to UTC.
Instant = Annotated[AwareDatetime, AfterValidator(_instant)]
#: A calendar date ``YYYY-MM-DD`` within a sane range.
WireDate = Annotated[date, AfterValidator(_day)]
#: A wall-clock time ``HH:MM`` (``24:00`` allowed as an end; the domain checks the rest).
Clock = Annotated[str, Field(pattern=CLOCK_PATTERN, examples=["09:00"])]
Id = Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayRange(WireModel):
    start: Clock
    end: Clock


class TemplateRange(DayRange):
    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")


class PolicyIn(WireModel):
    """The bounds are the domain's (``POLICY_BOUNDS``), through the change vocabulary's types."""

    min_notice_minutes: NoticeMinutes
    booking_horizon_days: HorizonDays
    buffer_minutes: BufferMinutes
    slot_step_minutes: StepMinutes
    daily_limit: DailyLimit | None = None
    weekly_limit: WeeklyLimit | None = None
