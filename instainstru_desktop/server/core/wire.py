"""Field types of the wire format: what the server takes, for request bodies, query and path
parameters and pushed mutation arguments alike.

Each type checks its value where it enters and says the same in its JSON schema, so the OpenAPI
document describes exactly what passes:

* :data:`Text` holds no control character but tab, line feed and carriage return. PostgreSQL
  cannot store NUL at all (a 500, and a pushed mutation retried for ever), and the others only
  ever arrive by mistake or by malice. Query and path values get the same rule from the request
  guard (``api.problems.RequestGuard``).
* Values keep the JSON type they are written in. An :data:`Instant` is an RFC 3339 string, never
  a number read as Unix time; a :data:`WireDate` is ``YYYY-MM-DD``, never ``0``; a :data:`Flag`
  is ``true`` or ``false``, never ``1``; a :data:`WholeNumber` is a JSON number, never a boolean
  or a string.
* A :data:`TimeZone` is a name of the IANA list (``domain.zones.iana_zone_names``).
* Instants and dates lie in the years 1900-2500, so no date arithmetic can overflow into a 500.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from typing_extensions import TypeAliasType

from instainstru_desktop.domain.time_ranges import MINUTES_PER_DAY
from instainstru_desktop.domain.zones import iana_zone_names

EARLIEST_YEAR, LATEST_YEAR = 1900, 2500

#: Characters no text may hold: C0 controls but tab, LF and CR; DEL; the C1 controls.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The same rule as a JSON Schema pattern (ECMA-262 syntax, also read by pydantic and ``re``).
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
CONTROL_MESSAGE = (
    "contains a control character (such as NUL), which cannot be stored; only tabs and line "
    "breaks may be used"
)

_YEAR = r"(19[0-9]{2}|2[0-4][0-9]{2}|2500)"
_DATE = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]"
_INSTANT = _DATE + r"[Tt]" + _CLOCK + r":[0-5][0-9](\.[0-9]{1,6})?([Zz]|[+-]" + _CLOCK + ")"
_DATE_RE, _INSTANT_RE = re.compile(_DATE), re.compile(_INSTANT)


def has_control_character(text: str) -> bool:
    return CONTROL_CHARACTER.search(text) is not None


def printable(text: str) -> str:
    """``text`` with each control character written out (``U+0000``): validators quote what
    they refused, and a message is stored and shown."""
    return CONTROL_CHARACTER.sub(lambda found: f"U+{ord(found.group()):04X}", text)


def plain_message(error: ErrorDetails) -> str:
    """A validation error in words a person understands (the validator's own otherwise)."""
    context = error.get("ctx") or {}
    if error["type"] == "string_pattern_mismatch":
        pattern = context.get("pattern")
        if pattern == TEXT_PATTERN or (pattern in _PATTERN_WORDS and has_control_character(
            str(error.get("input", ""))
        )):
            return CONTROL_MESSAGE
        if pattern in _PATTERN_WORDS:
            return _PATTERN_WORDS[pattern]
    return printable(str(error["msg"]))


def _instant_text(value: Any) -> Any:
    if isinstance(value, datetime):  # built in code, not read from JSON
        return value
    if not isinstance(value, str) or not _INSTANT_RE.fullmatch(value):
        raise PydanticCustomError(
            "instant_format",
            "must be an RFC 3339 instant in the years {earliest}-{latest}, such as "
            "2026-03-05T14:00:00Z",
            {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
    return value


def _in_utc(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:  # an instant built in code
        raise ValueError(f"instants must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value.astimezone(UTC)


def _date_text(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValueError(f"dates must lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
        return value
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise PydanticCustomError(
            "date_format",
            "must be a date YYYY-MM-DD in the years {earliest}-{latest}",
            {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
    return value


def _json_number(value: Any) -> Any:
    """A whole JSON number (``10.0`` is one too, as JSON Schema says); not a bool or a string."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("int_from_float", "must be a whole number")
        return int(value)
    return value


def _query_number(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,16}", value):
        return int(value)
    return _json_number(value)


def _query_flag(value: Any) -> Any:
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, bool):
        return value
    raise PydanticCustomError("bool_parsing", "must be true or false")


def _iana(name: str) -> str:
    if name not in iana_zone_names():
        raise PydanticCustomError(
            "unknown_time_zone", "unknown time zone: {name}", {"name": name[:64]}
        )
    return name


def _divides_day(minutes: int) -> int:
    if minutes < 1 or MINUTES_PER_DAY % minutes:
        raise PydanticCustomError(
            "slot_step", "must divide a day (1440 minutes) evenly, such as 15, 30 or 60"
        )
    return minutes


#: Text of any kind: names, notes, reasons, e-mail addresses, search words.
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
# What ``str.strip()`` removes, control characters aside (written out: ``\s`` differs between
# the regular expression engines that read these patterns), and what text may hold besides.
_SPACE = r"\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROLS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
_WORD = rf"[^@{_SPACE}{_CONTROLS}]+"
_VISIBLE = rf"^[^{_CONTROLS}]*[^{_SPACE}{_CONTROLS}][^{_CONTROLS}]*$"
_EMAIL = rf"^[{_SPACE}]*{_WORD}@{_WORD}\.{_WORD}[{_SPACE}]*$"
#: Text with something besides spaces in it (a person's name).
VisibleText = Annotated[str, StringConstraints(pattern=_VISIBLE)]
#: An e-mail address ``someone@example.org``, spaces around it allowed (they are dropped).
EmailText = Annotated[str, StringConstraints(pattern=_EMAIL)]
_SLUG = rf"^[{_SPACE}]*[A-Za-z0-9]+(-[A-Za-z0-9]+)*[{_SPACE}]*$"
#: A page address ``maria-lopez`` (spaces around it dropped, capitals lowered; the service
#: refuses the words the pages use themselves).
SlugText = Annotated[str, StringConstraints(pattern=_SLUG)]
_PATTERN_WORDS = {
    _VISIBLE: "must hold more than spaces",
    _EMAIL: "must be an e-mail address like ana@example.com",
    _SLUG: "use lowercase letters, digits and single hyphens (like maria-lopez)",
}
#: An RFC 3339 instant with an offset, normalized to UTC.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_instant_text),
    AfterValidator(_in_utc),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": f"^{_INSTANT}$"}),
]
#: A calendar date ``YYYY-MM-DD``.
WireDate = Annotated[
    date,
    BeforeValidator(_date_text),
    WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{_DATE}$"}),
]
#: A wall-clock time ``HH:MM``, ``00:00`` to ``24:00`` (the domain checks that a range's start
#: comes before its end).
Clock = Annotated[str, Field(pattern=rf"^({_CLOCK}|24:00)$", examples=["09:00"])]
#: Marks an ``int`` as a whole number of a JSON body; bounds go before it, so that the schema
#: states them: ``Annotated[int, Field(ge=1, le=6), WHOLE]``.
WHOLE = BeforeValidator(_json_number)
#: Marks an ``int`` as a whole number of a query string (digits only: not ``1.0``, ``1e3``).
QUERY_WHOLE = BeforeValidator(_query_number)
WholeNumber = Annotated[int, WHOLE]
#: ``true`` or ``false`` in a JSON body.
Flag = StrictBool
#: ``true`` or ``false`` in a query string.
QueryFlag = Annotated[bool, BeforeValidator(_query_flag)]
#: An IANA time zone name (its own schema in the OpenAPI document, listing every name).
TimeZone = TypeAliasType(
    "TimeZone",
    Annotated[
        str,
        AfterValidator(_iana),
        WithJsonSchema(
            {
                "type": "string",
                "enum": sorted(iana_zone_names()),
                "description": "An IANA time zone name",
            }
        ),
    ],
)
#: Minutes between bookable starts: a divisor of a day, so every day has the same grid.
SlotStep = Annotated[
    int,
    WHOLE,
    AfterValidator(_divides_day),
    WithJsonSchema(
        {
            "type": "integer",
            "enum": [m for m in range(1, MINUTES_PER_DAY + 1) if MINUTES_PER_DAY % m == 0],
        }
    ),
]
Id = Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayRange(WireModel):
    start: Clock
    end: Clock


class TemplateRange(DayRange):
    weekday: Annotated[int, Field(ge=0, le=6), WHOLE] = Field(
        description="0 = Monday ... 6 = Sunday"
    )


Limit = Annotated[int, Field(ge=1, le=10_000), WHOLE]


class PolicyIn(WireModel):
    min_notice_minutes: Annotated[int, Field(ge=0, le=527_040), WHOLE]
    booking_horizon_days: Annotated[int, Field(ge=1, le=3660), WHOLE]
    buffer_minutes: Annotated[int, Field(ge=0, le=1439), WHOLE]
    slot_step_minutes: SlotStep
    daily_limit: Limit | None = None
    weekly_limit: Limit | None = None
