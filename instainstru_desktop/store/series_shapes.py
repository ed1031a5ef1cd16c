"""Series and terms as the wire and the mirror spell them, turned into the domain's terms.

A series row holds its rules as the wire's JSON (``{"revision", "from", "weekdays", "time",
"every_weeks"}``) and a term row its breaks (``{"first", "last", "name"}``); the local effects of
series changes and the series use cases both read them through here, so the app derives a
series' dates, and its lessons' ids, exactly as the server does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from instainstru_desktop.domain.series import SeriesDefinition, SeriesEnd, WeeklyRule
from instainstru_desktop.domain.terms import Term, TermBreak
from instainstru_desktop.store.mirror import loads


def minute_of(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes)


def rule_of(item: Mapping[str, Any]) -> WeeklyRule:
    return WeeklyRule(
        int(item["revision"]),
        date.fromisoformat(item["from"]),
        tuple(item["weekdays"]),
        minute_of(item["time"]),
        int(item.get("every_weeks") or 1),
    )


def rule_json(rule: WeeklyRule) -> dict[str, Any]:
    return {
        "revision": rule.revision,
        "from": rule.starts.isoformat(),
        "weekdays": list(rule.weekdays),
        "time": f"{rule.minute // 60:02d}:{rule.minute % 60:02d}",
        "every_weeks": rule.every_weeks,
    }


def term_of(row: Mapping[str, Any]) -> Term:
    """A term row of the mirror (breaks as JSON text) or of the wire (breaks as a list)."""
    breaks = row["breaks"]
    items: Sequence[Mapping[str, Any]] = loads(breaks) if isinstance(breaks, str) else breaks
    return Term(
        row["name"],
        date.fromisoformat(row["first"]),
        date.fromisoformat(row["last"]),
        tuple(
            TermBreak(date.fromisoformat(b["first"]), date.fromisoformat(b["last"]), b["name"])
            for b in items
        ),
    )


def definition_of(series: Mapping[str, Any], term: Mapping[str, Any] | None) -> SeriesDefinition:
    """The domain's series of a mirror row (rules as JSON text) and its term's row."""
    rules = series["rules"]
    items: Sequence[Mapping[str, Any]] = loads(rules) if isinstance(rules, str) else rules
    until = series.get("until")
    end = SeriesEnd(
        count=series.get("end_count", series.get("count")),
        until=date.fromisoformat(until) if until else None,
        term=term_of(term) if term is not None else None,
    )
    if end.count is None and end.until is None and end.term is None:
        end = SeriesEnd(until=date.fromisoformat(series["start_date"]))  # term unknown here
    cancelled = series.get("cancelled_from")
    return SeriesDefinition(
        date.fromisoformat(series["start_date"]),
        tuple(rule_of(r) for r in items),
        end,
        date.fromisoformat(cancelled) if cancelled else None,
    )


def slot_day(booking: Mapping[str, Any]) -> date | None:
    """The date a series lesson is on by its series' rule (``None`` for a single lesson)."""
    slot = booking.get("series_slot")
    if not slot:
        return None
    return date.fromisoformat(str(slot).partition("/")[2])
