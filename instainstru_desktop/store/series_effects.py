"""The local effects of weekly-series changes, so an instructor sees them before the server does.

Like every effect (:mod:`.effects`), each is a pure function of the change, the row and what the
context may look up; it runs again whenever the server's truth of a row changes, until the
server has the change too. A series names its lessons by slot (``domain.series``), so the
lessons shown for a series booked offline carry the ids the server gives them, and are replaced
by the server's own rows -- or disappear, for the ones it refused -- with the next pull.

Which lessons a change is expected to touch is decided when it is queued (the service passes
them as the change's subjects): a new series shows the lessons the local preview found bookable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from instainstru_desktop.domain.bookings import BookingStatus
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    SeriesEnd,
    Slot,
    WeeklyRule,
    follow_change,
    occurrence_id,
    slot_start,
    slots,
)
from instainstru_desktop.domain.zones import week_start, zone
from instainstru_desktop.protocol import BookWeekly, CancelWeekly, ChangeWeekly, SetTerm, to_args
from instainstru_desktop.store.mirror import (
    Row,
    dumps,
    instant_text,
    loads,
    new_lesson_row,
    parse_instant,
)
from instainstru_desktop.store.series_shapes import (
    definition_of,
    minute_of,
    rule_json,
    rule_of,
    slot_day,
    term_of,
)

#: ``effects.EffectContext``: this module is imported by ``effects``, so it is not named here.
Context = Any


def first_rule(change: BookWeekly) -> WeeklyRule:
    return WeeklyRule(
        1, change.start_date, change.weekdays, minute_of(change.time), change.every_weeks
    )


def weekly_definition(change: BookWeekly, term: Mapping[str, Any] | None) -> SeriesDefinition:
    """The series ``change`` creates (its term as the mirror holds it, when it ends with one)."""
    end = SeriesEnd(
        count=change.count,
        until=change.until,
        term=term_of(term) if term is not None else None,
    )
    if end.count is None and end.until is None and end.term is None:
        end = SeriesEnd(until=change.start_date)  # its term is not known here (yet)
    return SeriesDefinition(change.start_date, (first_rule(change),), end)


def new_series(change: BookWeekly, entity: str, row: Row | None, ctx: Context) -> Row | None:
    """The series row and the lessons a series booked here shows until the server answers."""
    if row is not None:  # the server's copy has arrived: it wins
        return row
    instructor = ctx.row("instructor", change.instructor_id) or {}
    time_zone = instructor.get("time_zone") or "UTC"
    term = ctx.row("term", change.term_id) if change.term_id else None
    if entity == "series":
        return {
            "id": change.series_id,
            "instructor_id": change.instructor_id,
            "student_id": change.student_id or "",
            "lesson_type_id": change.lesson_type_id,
            "time_zone": time_zone,
            "rules": dumps([rule_json(first_rule(change))]),
            "start_date": change.start_date.isoformat(),
            "end_count": change.count,
            "until": change.until.isoformat() if change.until else None,
            "term_id": change.term_id,
            "cancelled_from": None,
            "booked_through": None,
            "status": "active",
            "skipped": "[]",
            "version": 0,
        }
    if entity != "booking":
        return None
    definition = weekly_definition(change, term)
    for slot in slots(definition):
        if occurrence_id(change.series_id, slot) == ctx.key and not slot.in_break:
            return _lesson(to_args(change), change.series_id, slot, time_zone, ctx)
    return None


def _lesson(
    args: Mapping[str, Any], series_id: str, slot: Slot, time_zone: str, ctx: Context
) -> Row | None:
    start = slot_start(slot, zone(time_zone))
    if start is None:
        return None
    lesson_type = ctx.lesson_type(args["lesson_type_id"]) or {}
    return new_lesson_row(
        booking_id=occurrence_id(series_id, slot),
        instructor_id=args["instructor_id"],
        student_id=args.get("student_id") or "",
        lesson_type_id=args["lesson_type_id"],
        start=start,
        minutes=int(lesson_type.get("duration_minutes", 60)),
        student=ctx.student(args.get("student_id") or "") or {},
        lesson_type=lesson_type,
        now=ctx.now,
        series_id=series_id,
        series_slot=slot.key,
    )


def _following(row: Row, series_id: str, day: date, ctx: Context) -> bool:
    """A confirmed lesson of the series on or after ``day`` that has not started."""
    found = slot_day(row)
    return (
        row.get("series_id") == series_id
        and found is not None
        and found >= day
        and row["status"] == BookingStatus.CONFIRMED.value
        and row["start_utc"] > ctx.now
    )


def _cancel(row: Row, reason: str, ctx: Context) -> Row:
    return {
        **row,
        "status": BookingStatus.CANCELLED.value,
        "cancelled_by": ctx.actor_role,
        "cancel_reason": reason,
        "updated_at": ctx.now,
    }


def cancel_following(
    change: CancelWeekly, entity: str, row: Row | None, ctx: Context
) -> Row | None:
    """This lesson and all following cancelled; the series ends the day before."""
    if row is None:
        return None
    if entity == "series":
        earlier = row.get("cancelled_from")
        day = change.from_date.isoformat()
        return {**row, "cancelled_from": min(day, earlier) if earlier else day}
    if entity == "booking" and _following(row, change.series_id, change.from_date, ctx):
        return _cancel(row, change.reason, ctx)
    return row


def change_following(
    change: ChangeWeekly, entity: str, row: Row | None, ctx: Context
) -> Row | None:
    """The series' new rule, its lessons moved to their places under it (or cancelled where it
    has none), and the new rule's lessons expected to book."""
    series = ctx.row("series", change.series_id)
    if entity == "series":
        if row is None:
            return None
        rules = loads(row["rules"])
        if _own_rule(rules, change) is None:
            revision = max(int(r["revision"]) for r in rules) + 1
            rule = WeeklyRule(
                revision,
                change.from_date,
                change.weekdays,
                minute_of(change.time),
                change.every_weeks,
            )
            rules = [*rules, rule_json(rule)]
        return {**row, "rules": dumps(rules)}
    if entity != "booking" or series is None:
        return row
    rules = loads(series["rules"])
    mine = _own_rule(rules, change)
    if mine is None:
        return row
    term = ctx.row("term", series["term_id"]) if series.get("term_id") else None
    after = definition_of({**series, "rules": rules}, term)
    newest = rule_of(mine)
    before = SeriesDefinition(
        after.start,
        tuple(r for r in after.rules if r.revision < newest.revision),
        after.end,
        after.cancelled_from,
    )
    new_slots = [s for s in slots(after) if s.revision == newest.revision]
    tz = zone(series["time_zone"])
    if row is None:  # a lesson the new rule adds
        for slot in new_slots:
            if occurrence_id(change.series_id, slot) == ctx.key and not slot.in_break:
                args = {**to_args(change), **_parties(series)}
                return _lesson(args, change.series_id, slot, series["time_zone"], ctx)
        return None
    if not _following(row, change.series_id, change.from_date, ctx) or row.get("series_moved"):
        return row
    old = before.rule_of(int(str(row["series_slot"]).partition("/")[0]))
    day = slot_day(row)
    if old is None or day is None:
        return row
    places = {(week_start(s.day), s.day.weekday()): s for s in new_slots}
    target = follow_change(before, places, Slot(old.revision, day, old.minute), newest)
    start = slot_start(target, tz) if target is not None and not target.in_break else None
    if target is None or start is None:
        return _cancel(row, f"The weekly lessons changed to {newest.describe()}.", ctx)
    length = parse_instant(row["end_utc"]) - parse_instant(row["start_utc"])
    return {
        **row,
        "start_utc": instant_text(start),
        "end_utc": instant_text(start + length),
        "series_slot": target.key,
        "updated_at": ctx.now,
    }


def _own_rule(rules: list[dict[str, Any]], change: ChangeWeekly) -> dict[str, Any] | None:
    """The rule ``change`` added to a series row, if the row shows it already."""
    wanted = (
        change.from_date.isoformat(),
        sorted(change.weekdays),
        change.time,
        change.every_weeks,
    )
    for rule in reversed(rules):
        seen = (rule["from"], sorted(rule["weekdays"]), rule["time"], rule.get("every_weeks", 1))
        if seen == wanted:
            found: dict[str, Any] = rule
            return found
    return None


def _parties(series: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "instructor_id": series["instructor_id"],
        "student_id": series["student_id"],
        "lesson_type_id": series["lesson_type_id"],
    }


def term_set(change: SetTerm, entity: str, row: Row | None, ctx: Context) -> Row | None:
    """The term as set; the lessons of its series that now fall in a break are freed."""
    args = to_args(change)
    if entity == "term":
        made: Row = {
            "id": change.term_id,
            "instructor_id": change.instructor_id,
            "name": change.name,
            "first": args["first"],
            "last": args["last"],
            "breaks": dumps(args["breaks"]),
            "version": row["version"] if row else 0,
        }
        return made
    if entity != "booking" or row is None or not row.get("series_id"):
        return row
    series = ctx.row("series", row["series_id"])
    day = slot_day(row)
    if series is None or series.get("term_id") != change.term_id or day is None:
        return row
    if not _following(row, row["series_id"], day, ctx):
        return row
    term = term_of({**args, "breaks": args["breaks"]})
    gap = term.break_of(day)
    if gap is not None:
        return _cancel(row, f"No lesson: {gap.name or 'A break'} (a break of {term.name}).", ctx)
    if not term.holds(day):
        return _cancel(row, f"No lesson: outside {term.name}.", ctx)
    return row
