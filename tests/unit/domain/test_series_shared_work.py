"""Work a series does once for all its slots gives what working it out slot by slot gives.

A series' slots are listed passing over weekdays no rule names; each slot's instant is worked out
once and handed to the plan (and used as its due time); the plan checks every slot with one
rule query whose busy lists it changes in place. Each is compared here with the plain way, over
random rules (changed from a date on, with other weekdays), zones with daylight-saving changes
(Lord Howe's are 30 minutes) and dates around the changes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain import zone
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    Slot,
    occurrence_id,
    occurrence_ids,
    slot_due,
    slot_start,
    slots,
)
from instainstru_desktop.domain.series_plan import (
    PlannedSlot,
    RuleInputs,
    plan_series,
    plan_slots,
)
from tests.unit.domain.test_series_properties import calendars, policies, series

SHARED_ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe")


def _plain_slots(definition: SeriesDefinition) -> list[Slot]:
    """Every date from the start to the last day asked of the rule in force on it."""
    out: list[Slot] = []
    term, count = definition.end.term, definition.end.count
    day, last, given_ = definition.start, definition.last_day(), 0
    if term is not None and day < term.first:
        day = term.first
    while day <= last:
        rule = definition.rule_on(day)
        if rule is not None and rule.gives(day):
            gap = term.break_of(day) if term is not None else None
            if gap is not None:
                out.append(Slot(rule.revision, day, rule.minute, gap.name or "a break"))
            else:
                out.append(Slot(rule.revision, day, rule.minute))
                given_ += 1
                if count is not None and given_ >= count:
                    break
        day += timedelta(days=1)
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series(), st.data())
def test_slots_of_changed_rules_are_the_plain_days(
    drawn: tuple[SeriesDefinition, str], data: st.DataObject
) -> None:
    definition, _ = drawn
    for revision in (2, 3):  # changes from a later date on, to other weekdays and times
        if not data.draw(st.booleans()):
            break
        after = definition.start + timedelta(days=data.draw(st.integers(1, 120)))
        weekdays = tuple(data.draw(st.sets(st.integers(0, 6), min_size=1, max_size=3)))
        minute = data.draw(st.integers(0, 95)) * 15
        definition = definition.changed_from(after, weekdays, minute, data.draw(st.integers(1, 3)))
        assert definition.rules[-1].revision == revision
    assert slots(definition) == _plain_slots(definition)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series(), st.data())
def test_a_plan_given_the_instants_is_the_plan_working_them_out(
    drawn: tuple[SeriesDefinition, str], data: st.DataObject
) -> None:
    definition, _ = drawn
    tz = zone(data.draw(st.sampled_from(SHARED_ZONES)))
    availability, busy, mine = data.draw(calendars(definition.start))
    policy = data.draw(policies())
    duration = data.draw(st.sampled_from((30, 45, 60, 120)))
    now = _midnight(definition.start) + timedelta(hours=data.draw(st.integers(-72, 72)))
    inputs = RuleInputs(availability, policy, now, busy, mine)
    chosen = slots(definition)
    starts = {s.key: slot_start(s, tz) for s in chosen}
    handed: list[PlannedSlot] = plan_slots(chosen, tz, duration, inputs, starts)
    assert handed == plan_series(definition, tz, duration, inputs)
    for s in chosen:
        start = starts[s.key]
        if start is not None:  # the due time is the instant unless a DST gap took it
            assert slot_due(s, tz) == start


@given(st.sampled_from(SHARED_ZONES), st.integers(-3, 3), st.integers(0, 95))
def test_instants_around_each_change_are_the_wall_times(name: str, lead: int, quarter: int) -> None:
    tz = zone(name)
    for change in (
        date(2026, 3, 8),
        date(2026, 3, 29),
        date(2026, 4, 5),
        date(2026, 10, 4),
        date(2026, 10, 25),
        date(2026, 11, 1),
    ):
        s = Slot(1, change + timedelta(days=lead), quarter * 15)
        start = slot_start(s, tz)
        if start is None:
            continue  # inside the gap: refused as no_such_time, due when the clocks jumped
        assert slot_due(s, tz) == start
        local = start.astimezone(tz)
        assert (local.date(), local.hour * 60 + local.minute) == (s.day, s.minute)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


@settings(max_examples=200, deadline=None)
@given(st.uuids(), st.lists(st.text(max_size=30), max_size=8))
def test_ids_spelled_from_their_hash_are_the_occurrence_ids(
    series_id: uuid.UUID, keys: list[str]
) -> None:
    """A series' lessons' ids worked out together are :func:`occurrence_id`'s, key by key
    (any text, not only ``"<revision>/<date>"``; a series id in any spelling)."""
    for spelled in (str(series_id), str(series_id).upper(), series_id.hex):
        assert occurrence_ids(spelled, keys) == [occurrence_id(spelled, key) for key in keys]
