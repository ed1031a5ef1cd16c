"""Typed domain errors.

Every rule the domain enforces fails with a :class:`DomainError` carrying a stable machine
``code`` (the API maps it to a problem+json ``code``, the UI to a sentence) and a human
``message``. Callers match on the class or the code, never on the message.
"""

from __future__ import annotations

from typing import ClassVar, overload


class DomainError(Exception):
    """A rule of the scheduling domain was broken; ``code`` says which one."""

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class _FixedCodeError(DomainError):
    """A domain error whose code is fixed by its class.

    Construct it with a message only, or like any DomainError with ``(code, message)`` where the
    code must be the class's own.
    """

    CODE: ClassVar[str] = "domain_error"

    @overload
    def __init__(self, message: str, /) -> None: ...

    @overload
    def __init__(self, code: str, message: str, /) -> None: ...

    def __init__(self, *args: str) -> None:
        if len(args) == 1:
            super().__init__(self.CODE, args[0])
        elif len(args) == 2 and args[0] == self.CODE:
            super().__init__(*args)
        else:
            raise TypeError(f"{type(self).__name__} takes (message) or ({self.CODE!r}, message)")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidTimeRange(_FixedCodeError):  # noqa: N818 (public API name)
    """A range is empty or reversed, a clock time is malformed, or a datetime is naive."""

    CODE = "invalid_time_range"


class UnknownTimeZone(_FixedCodeError):  # noqa: N818 (public API name)
    """A time zone name is not an IANA zone this machine knows."""

    CODE = "unknown_time_zone"


class InvalidTransition(_FixedCodeError):  # noqa: N818 (public API name)
    """A booking action is not allowed from the booking's current status."""

    CODE = "invalid_transition"


class BookingRuleViolation(DomainError):  # noqa: N818 (public API name)
    """A requested lesson start breaks a booking rule; ``code`` is one of :data:`RULE_CODES`."""

    OUTSIDE_AVAILABILITY: ClassVar[str] = "outside_availability"
    INSTRUCTOR_BUSY: ClassVar[str] = "instructor_busy"
    STUDENT_BUSY: ClassVar[str] = "student_busy"
    TOO_SOON: ClassVar[str] = "too_soon"
    TOO_FAR: ClassVar[str] = "too_far"
    OFF_STEP: ClassVar[str] = "off_step"
    DAILY_LIMIT: ClassVar[str] = "daily_limit"
    WEEKLY_LIMIT: ClassVar[str] = "weekly_limit"

    def __init__(self, code: str, message: str) -> None:
        if code not in RULE_CODES:
            raise ValueError(f"unknown booking rule code: {code!r}")
        super().__init__(code, message)


#: Every code a :class:`BookingRuleViolation` may carry.
RULE_CODES: frozenset[str] = frozenset(
    {
        BookingRuleViolation.OUTSIDE_AVAILABILITY,
        BookingRuleViolation.INSTRUCTOR_BUSY,
        BookingRuleViolation.STUDENT_BUSY,
        BookingRuleViolation.TOO_SOON,
        BookingRuleViolation.TOO_FAR,
        BookingRuleViolation.OFF_STEP,
        BookingRuleViolation.DAILY_LIMIT,
        BookingRuleViolation.WEEKLY_LIMIT,
    }
)
