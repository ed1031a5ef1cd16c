"""The booking rules' inputs for a series, read from the local copy.

A new series' preview and a change of a series' rule judge their lessons with the same domain
plan the server runs; both read the instructor's hours and rules (as every local check does,
:class:`~instainstru_desktop.services._local_rules.LocalRules`) and the lessons in the way from
here, so the two previews cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from instainstru_desktop.domain.series_plan import RuleInputs
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.services._local_rules import LocalRules
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import instant_text, parse_instant

#: Busy lessons are read this far around the slots: whole weeks, for the weekly limit.
MARGIN = timedelta(days=8)


def rule_inputs(
    uow: UnitOfWork,
    instructor_id: str,
    student_id: str,
    days: tuple[date, date],
    instants: tuple[datetime, datetime],
) -> RuleInputs:
    """What the rules read for slots on ``days`` (first, last) starting within ``instants``."""
    rules = LocalRules.read(uow, instructor_id)
    busy = uow.series.busy(
        instructor_id,
        student_id,
        instant_text(instants[0] - MARGIN),
        instant_text(instants[1] + MARGIN),
    )
    spans = [(TimeRange(parse_instant(s), parse_instant(e)), mine) for s, e, mine in busy]
    return RuleInputs(
        availability=rules.availability(uow, days[0] - MARGIN, days[1] + MARGIN),
        policy=rules.policy,
        now=uow.server_now(),
        instructor_busy=sorted(span for span, _ in spans),
        student_busy=sorted(span for span, mine in spans if mine),
    )
