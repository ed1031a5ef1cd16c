"""Field types of the wire format, shared by request bodies and pushed mutation arguments.

They turn out-of-range or malformed values into validation errors (a clean 422) before any
date arithmetic could overflow into a 500.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

EARLIEST_YEAR, LATEST_YEAR = 1900, 2500


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
Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-4]):[0-5][0-9]$", examples=["09:00"])]
Id = Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayRange(WireModel):
    start: Clock
    end: Clock


class TemplateRange(DayRange):
    weekday: int = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")


class PolicyIn(WireModel):
    min_notice_minutes: int = Field(ge=0, le=527_040)
    booking_horizon_days: int = Field(ge=1, le=3660)
    buffer_minutes: int = Field(ge=0, le=1439)
    slot_step_minutes: int = Field(ge=1, le=1440)
    daily_limit: int | None = Field(default=None, ge=1, le=10_000)
    weekly_limit: int | None = Field(default=None, ge=1, le=10_000)
