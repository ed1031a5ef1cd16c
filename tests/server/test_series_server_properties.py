"""Properties of weekly series as the real server books them, over random rules, terms with
breaks, instructor zones (several with a daylight-saving change inside the series), policies and
lessons already in the calendar.

Each example runs two servers with the same calendar. The first books the series. The second
replays it as single bookings, slot by slot in date order: each lesson the series booked must
be bookable on its own there, and each slot the series refused must be refused to a single
booking with the same reason -- the calendar then holding exactly what the series had booked
before that slot. On the first server: every lesson is at the rule's wall time on its date in
the instructor's zone, none is in a break of the term, and no two lessons of the instructor
(with the buffer) or of the student overlap.
"""

from __future__ import annotations

import itertools
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain.series_plan import NO_SUCH_TIME
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from tests.server.helpers import FakeClock, Person, add_instructor, add_user, iso, sign

API = "/api/v1"
#: Zones with a change inside the dates drawn (T0 is 2 March 2026): New York 8 March, London
#: and Berlin 29 March (forward), Sydney 5 April (back); Kolkata and UTC have none.
ZONES = (
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
)
#: First dates: a day or two before each change, and some ordinary ones.
STARTS = (
    *(date(2026, 3, d) for d in (3, 6, 7, 8, 9, 12, 23, 27, 28, 29, 30)),
    *(date(2026, 4, d) for d in (3, 4, 5)),
)


@dataclass(frozen=True)
class Policy:
    zone: str
    hours: tuple[int, int]
    duration: int
    buffer: int
    notice: int
    horizon: int
    daily: int | None
    weekly: int | None


@dataclass(frozen=True)
class Existing:
    """A lesson booked before the series, ``day`` days after its first date, ``shift`` minutes
    from its wall time (near the series' lessons, where they clash)."""

    day: int
    shift: int
    with_other_instructor: bool  # the series' student with someone else (student busy)
    series_student: bool


@dataclass(frozen=True)
class Scenario:
    policy: Policy
    weekdays: tuple[int, ...]
    minute: int
    every: int
    start: date
    end: dict[str, Any]  # count / until / a term (with breaks)
    existing: tuple[Existing, ...]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    policy = Policy(
        zone=draw(st.sampled_from(ZONES)),
        hours=draw(st.sampled_from([(0, 24 * 60), (0, 24 * 60), (8 * 60, 20 * 60)])),
        duration=draw(st.sampled_from([30, 45, 60])),
        buffer=draw(st.sampled_from([0, 15])),
        notice=draw(st.sampled_from([120, 120, 4 * 24 * 60])),
        horizon=draw(st.sampled_from([21, 60, 60, 60])),
        daily=draw(st.sampled_from([None, None, 1])),
        weekly=draw(st.sampled_from([None, None, 2, 3])),
    )
    start = draw(st.sampled_from(STARTS))
    kind = draw(st.sampled_from(["count", "until", "term"]))
    end: dict[str, Any]
    if kind == "count":
        end = {"count": draw(st.integers(1, 8))}
    elif kind == "until":
        end = {"until": (start + timedelta(days=draw(st.integers(0, 50)))).isoformat()}
    else:
        first = start - timedelta(days=draw(st.integers(0, 10)))
        last = start + timedelta(days=draw(st.integers(7, 60)))
        breaks = []
        for _ in range(draw(st.integers(0, 2))):
            b_first = first + timedelta(days=draw(st.integers(0, (last - first).days)))
            b_last = min(last, b_first + timedelta(days=draw(st.integers(0, 9))))
            if all(
                b_last < date.fromisoformat(b["first"]) or b_first > date.fromisoformat(b["last"])
                for b in breaks
            ):
                breaks.append(
                    {"first": b_first.isoformat(), "last": b_last.isoformat(), "name": "Break"}
                )
        end = {
            "term": {
                "name": "Term",
                "first": first.isoformat(),
                "last": last.isoformat(),
                "breaks": breaks,
            }
        }
    existing = draw(
        st.lists(
            st.builds(
                Existing,
                day=st.integers(0, 35),
                shift=st.sampled_from([-30, 0, 0, 15, 30, 180]),
                with_other_instructor=st.booleans(),
                series_student=st.booleans(),
            ),
            max_size=8,
        )
    )
    #: wall times: mostly in the day, sometimes inside a spring-forward gap (01:30, 02:30)
    daytime = st.builds(lambda h, m: h * 60 + m, st.integers(8, 19), st.sampled_from([0, 15, 30]))
    minute = draw(st.one_of(st.sampled_from([90, 150]), daytime, daytime, daytime))
    return Scenario(
        policy=policy,
        weekdays=tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3)))),
        minute=minute,
        every=draw(st.integers(1, 3)),
        start=start,
        end=end,
        existing=tuple(existing),
    )


@dataclass
class Calendar:
    """One server with the scenario's people and lessons already booked."""

    client: TestClient
    instructor: Person
    other_instructor: Person
    student: Person
    other_student: Person
    database: str

    def book(self, teacher: Person, student: Person, start: datetime) -> tuple[int, Any]:
        answer = self.client.post(
            f"{API}/bookings",
            json={
                "instructor_id": teacher.instructor_id,
                "lesson_type_id": teacher.lesson_type_id,
                "student_id": student.user_id,
                "start": iso(start),
            },
            headers=teacher.headers,
        )
        return answer.status_code, answer.json()

    def lessons(self, key: str, value: str) -> list[tuple[datetime, datetime, Any]]:
        """Confirmed lessons by ``instructor_id`` or ``student_id``: (start, end, series slot),
        read from the server's own database file."""
        column = "instructor_id" if key == "instructor" else "student_id"
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                f"SELECT start_utc, end_utc, series_slot FROM bookings WHERE {column} = ?"
                " AND status = 'confirmed' ORDER BY start_utc",
                (value,),
            ).fetchall()
        finally:
            conn.close()
        return [(_parse(s), _parse(e), slot) for s, e, slot in rows]


def _parse(text: str) -> datetime:
    return _utc(datetime.fromisoformat(str(text)))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _wall(day: date, minute: int, zone: str) -> datetime | None:
    """The instant of a wall time, None inside a DST gap (the first of an ambiguous one)."""
    tz = ZoneInfo(zone)
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    local = naive.replace(tzinfo=tz)
    back = local.astimezone(UTC).astimezone(tz)
    if (back.hour, back.minute) != (local.hour, local.minute):
        return None
    return local.replace(fold=0).astimezone(UTC)


@contextmanager
def calendar(scenario: Scenario) -> Iterator[Calendar]:
    policy = scenario.policy
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock()
        app = create_app(Settings(database_url=f"sqlite:///{folder}/server.sqlite3"), clock=clock)
        uow = app.state.context.uow
        try:
            limits = {"daily_limit": policy.daily, "weekly_limit": policy.weekly}
            teacher = add_instructor(
                uow,
                "Ines Teacher",
                policy.zone,
                hours=policy.hours,
                duration=policy.duration,
                buffer_minutes=policy.buffer,
                min_notice_minutes=policy.notice,
                booking_horizon_days=policy.horizon,
                **limits,
            )
            found = Calendar(
                TestClient(app),
                sign(uow, teacher, clock.now),
                sign(uow, add_instructor(uow, "Ravi Tutor", "UTC", hours=(0, 24 * 60)), clock.now),
                sign(uow, add_user(uow, "student", "Sam Student"), clock.now),
                sign(uow, add_user(uow, "student", "Olu Other"), clock.now),
                f"{folder}/server.sqlite3",
            )
            with found.client:
                for lesson in scenario.existing:
                    day = scenario.start + timedelta(days=lesson.day)
                    start = _wall(day, scenario.minute + lesson.shift, policy.zone)
                    if start is None:
                        continue
                    who = (
                        found.other_instructor if lesson.with_other_instructor else found.instructor
                    )
                    student = found.student if lesson.series_student else found.other_student
                    found.book(who, student, start)  # refused ones simply are not there
                yield found
        finally:
            uow.database.dispose()


def series_body(scenario: Scenario, found: Calendar, term_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "instructor_id": found.instructor.instructor_id,
        "lesson_type_id": found.instructor.lesson_type_id,
        "student_id": found.student.user_id,
        "weekdays": list(scenario.weekdays),
        "time": f"{scenario.minute // 60:02d}:{scenario.minute % 60:02d}",
        "start_date": scenario.start.isoformat(),
        "every_weeks": scenario.every,
    }
    if term_id is not None:
        body["term_id"] = term_id
    else:
        body.update(scenario.end)
    return body


def with_term(scenario: Scenario, found: Calendar) -> str | None:
    term = scenario.end.get("term")
    if term is None:
        return None
    term_id = "0b7c7f9e-0000-4000-8000-000000000001"
    answer = found.client.put(
        f"{API}/instructors/{found.instructor.instructor_id}/terms/{term_id}",
        json=term,
        headers=found.instructor.headers,
    )
    assert answer.status_code == 200, answer.text
    return term_id


def in_break(day: date, scenario: Scenario) -> bool:
    term = scenario.end.get("term") or {"breaks": []}
    return any(
        date.fromisoformat(b["first"]) <= day <= date.fromisoformat(b["last"])
        for b in term["breaks"]
    )


@settings(
    max_examples=18,
    deadline=None,
    # each example runs two servers: a failure is reported as drawn, without shrinking it
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
# Berlin's clocks skip 02:30 on Sunday 29 March; the series' student is busy elsewhere a
# week later; Tuesday 3 March is inside a four-day notice.
@example(
    Scenario(
        Policy("Europe/Berlin", (0, 24 * 60), 60, 0, 4 * 24 * 60, 60, None, None),
        (1, 6),
        150,
        1,
        date(2026, 3, 3),
        {"count": 10},
        (Existing(12, 0, True, True),),
    )
)
# New York skips 02:00-03:00 on Sunday 8 March; a term with a break across the change; the
# weekly limit and another lesson of the instructor 15 minutes later.
@example(
    Scenario(
        Policy("America/New_York", (0, 24 * 60), 45, 15, 120, 60, None, 2),
        (0, 2, 6),
        135,
        1,
        date(2026, 3, 6),
        {
            "term": {
                "name": "Spring",
                "first": "2026-03-02",
                "last": "2026-04-10",
                "breaks": [{"first": "2026-03-20", "last": "2026-03-27", "name": "Break"}],
            }
        },
        (Existing(4, 15, False, False),),
    )
)
def test_a_series_books_what_single_bookings_would_at_the_rules_wall_time(
    scenario: Scenario,
) -> None:
    zone = scenario.policy.zone
    with calendar(scenario) as first:
        answer = first.client.post(
            f"{API}/series",
            json=series_body(scenario, first, with_term(scenario, first)),
            headers=first.instructor.headers,
        )
        if answer.status_code != 201:  # a series no calendar can hold is refused whole
            assert answer.status_code == 422, answer.text
            assert answer.json()["code"] in ("invalid_series", "invalid_input"), answer.text
            event("the series is refused whole")
            return
        made = answer.json()
        booked = {
            b["series_slot"]: _utc(datetime.fromisoformat(b["start"])) for b in made["booked"]
        }
        mine = [x for x in first.lessons("instructor", str(first.instructor.instructor_id))]
        series_lessons = {slot: start for start, _, slot in mine if slot is not None}
        assert series_lessons == booked  # what the answer says is what the database holds
        for slot, start in booked.items():
            day = date.fromisoformat(slot.partition("/")[2])
            local = start.astimezone(ZoneInfo(zone))
            assert local.date() == day, (slot, local)
            assert local.hour * 60 + local.minute == scenario.minute, (slot, local)
            assert day.weekday() in scenario.weekdays
            assert not in_break(day, scenario), slot
        for item in made["breaks"]:
            assert in_break(date.fromisoformat(item["date"]), scenario)
        gap = timedelta(minutes=scenario.policy.buffer)
        for (_, end, _), (start, _, _) in itertools.pairwise(mine):
            assert end + gap <= start, "two of the instructor's lessons are too close"
        for (_, end, _), (start, _, _) in itertools.pairwise(
            first.lessons("student", first.student.user_id)
        ):
            assert end <= start, "two of the student's lessons overlap"

    event(f"lessons booked: {min(len(booked), 3)}+")
    for item in made["refused"]:
        event(f"refused: {item['code']}")
    judged = sorted(
        [("book", s, start, None) for s, start in booked.items()]
        + [("refused", r["slot"], r["start"], r["code"]) for r in made["refused"]],
        key=lambda item: date.fromisoformat(str(item[1]).partition("/")[2]),
    )
    with calendar(scenario) as second:  # the same calendar, the series made of single lessons
        for outcome, slot, start, code in judged:
            day = date.fromisoformat(str(slot).partition("/")[2])
            if code == NO_SUCH_TIME:
                assert start is None
                assert _wall(day, scenario.minute, zone) is None  # the clock skips that time
                continue
            moment = start if isinstance(start, datetime) else _utc(datetime.fromisoformat(start))
            status, body = second.book(second.instructor, second.student, moment)
            if outcome == "book":
                assert status == 201, (slot, body)
            else:
                assert status != 201, (slot, "a single booking at this time is accepted")
                assert body["code"] == code, (slot, body)
