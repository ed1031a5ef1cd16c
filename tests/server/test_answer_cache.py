"""Answers kept in memory (slot windows, the admin's pages): every change they depend on shows
at once, the clock's rules apply per request, a student's own lessons per student, and nothing
is kept past its time.

Each check compares the answer of the app under test (which keeps answers) with the answer of a
second app on the same database that keeps none: equal bodies mean the kept answer is exactly
what a fresh read gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from instainstru_desktop.domain import TimeRange, bookable_slots, zone
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.events import EventHub, Poke
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.bookings import BookingQuery
from instainstru_desktop.server.services.rules import policy_of, slot_query
from instainstru_desktop.server.services.slots import SlotRequest
from tests.server.helpers import T0, FakeClock, Person, Studio, iso

API = "/api/v1"


@pytest.fixture
def fresh(database_url: str, clock: FakeClock, app: FastAPI) -> Iterator[TestClient]:
    """A second app on the same database that keeps no slot answers."""
    settings = Settings(database_url=database_url, slot_cache_entries=0, answer_cache_entries=0)
    uncached = create_app(settings, clock=clock)
    with TestClient(uncached) as client:
        yield client
    uncached.state.context.uow.database.dispose()


def slots(client: TestClient, teacher: Person, who: Person | None = None, **params: Any) -> Any:
    query = {
        "lesson_type_id": teacher.lesson_type_id,
        "from": iso(T0),
        "to": iso(T0 + timedelta(days=7)),
        "tz": "America/Chicago",
        **params,
    }
    headers = who.headers if who is not None else {}
    response = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots", params=query, headers=headers
    )
    return response.status_code, response.json()


def kept(app: FastAPI) -> int:
    return len(app.state.context.slots)


Change = Callable[[TestClient, Studio], None]


def _book(client: TestClient, studio: Studio) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    body = {
        "instructor_id": teacher.instructor_id,
        "lesson_type_id": teacher.lesson_type_id,
        "start": iso(T0.replace(hour=14) + timedelta(days=2)),
    }
    response = client.post(f"{API}/bookings", json=body, headers=student.headers)
    assert response.status_code == 201, response.text


def _cancel_a_lesson(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    found = client.get(f"{API}/bookings", headers=teacher.headers).json()["items"][0]
    response = client.post(
        f"{API}/bookings/{found['id']}/cancel", json={"reason": "ill"}, headers=teacher.headers
    )
    assert response.status_code == 200, response.text


def _usual_week(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    ranges = [{"weekday": d, "start": "07:00", "end": "12:00"} for d in range(7)]
    response = client.put(
        f"{API}/instructors/{teacher.instructor_id}/weekly-template",
        json={"ranges": ranges},
        headers=teacher.headers,
    )
    assert response.status_code == 200, response.text


def _one_date(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    day = (T0 + timedelta(days=3)).date()
    response = client.put(
        f"{API}/instructors/{teacher.instructor_id}/availability/{day}",
        json={"ranges": [{"start": "18:00", "end": "21:00"}]},
        headers=teacher.headers,
    )
    assert response.status_code == 200, response.text


def _policy(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    policy = {
        "min_notice_minutes": 120,
        "booking_horizon_days": 28,
        "buffer_minutes": 0,
        "slot_step_minutes": 30,
        "daily_limit": None,
        "weekly_limit": None,
    }
    response = client.put(
        f"{API}/instructors/{teacher.instructor_id}/policy", json=policy, headers=teacher.headers
    )
    assert response.status_code == 200, response.text


def _lesson_length(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    response = client.patch(
        f"{API}/lesson-types/{teacher.lesson_type_id}",
        json={"duration_minutes": 90},
        headers=teacher.headers,
    )
    assert response.status_code == 200, response.text


def _time_zone(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    response = client.patch(
        f"{API}/instructors/{teacher.instructor_id}",
        json={"time_zone": "Asia/Tokyo"},
        headers=teacher.headers,
    )
    assert response.status_code == 200, response.text


def _nothing(client: TestClient, studio: Studio) -> None:
    pass


@pytest.mark.parametrize(
    ("prepare", "change"),
    [
        (_nothing, _book),
        (_book, _cancel_a_lesson),
        (_nothing, _usual_week),
        (_nothing, _one_date),
        (_nothing, _policy),
        (_nothing, _lesson_length),
        (_nothing, _time_zone),
    ],
    ids=lambda change: change.__name__.strip("_"),
)
def test_a_kept_answer_gives_way_to_every_change_it_depends_on(
    prepare: Change,
    change: Change,
    app: FastAPI,
    client: TestClient,
    fresh: TestClient,
    studio: Studio,
) -> None:
    teacher = studio.instructors[0]
    prepare(client, studio)
    before = slots(client, teacher)
    assert before == slots(client, teacher) == slots(fresh, teacher)
    assert kept(app) == 1
    change(client, studio)
    after = slots(client, teacher)
    assert after == slots(fresh, teacher)
    assert after != before  # the change did change the slots: the comparison can fail


def test_a_lesson_type_withdrawn_is_refused_at_once(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    assert slots(client, teacher)[0] == 200
    response = client.patch(
        f"{API}/lesson-types/{teacher.lesson_type_id}",
        json={"active": False},
        headers=teacher.headers,
    )
    assert response.status_code == 200, response.text
    status, body = slots(client, teacher)
    assert (status, body["code"]) == (422, "validation_error")


def test_another_instructors_change_keeps_the_answer(
    app: FastAPI, client: TestClient, studio: Studio
) -> None:
    teacher, other = studio.instructors
    first = slots(client, teacher)
    answer = app.state.context.slots.get(_key(teacher))
    assert answer is not None
    _book_other(client, studio, other)
    assert app.state.context.slots.get(_key(teacher)) is answer
    assert slots(client, teacher) == first


def _key(teacher: Person) -> Any:
    return SlotRequest(
        teacher.instructor_id or "",
        teacher.lesson_type_id or "",
        T0,
        T0 + timedelta(days=7),
        "America/Chicago",
    ).key


def _book_other(
    client: TestClient, studio: Studio, other: Person, hour: int = 6, minute: int = 0
) -> None:
    body = {
        "instructor_id": other.instructor_id,
        "lesson_type_id": other.lesson_type_id,
        "start": iso(T0.replace(hour=hour, minute=minute) + timedelta(days=2)),
    }
    response = client.post(f"{API}/bookings", json=body, headers=studio.students[1].headers)
    assert response.status_code == 201, response.text


def test_notice_and_horizon_follow_the_clock_on_a_kept_answer(
    client: TestClient, fresh: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher = studio.instructors[0]
    window = {"to": iso(T0 + timedelta(days=40))}
    before = slots(client, teacher, **window)
    for hours in (1, 5, 24 * 20):
        clock.advance(hours=hours)
        now = slots(client, teacher, **window)
        assert now == slots(fresh, teacher, **window)
        assert now != before
        before = now


def test_a_student_never_sees_times_they_are_busy_in(
    app: FastAPI, client: TestClient, fresh: TestClient, studio: Studio
) -> None:
    """A student's lessons with *another* instructor do not change this instructor's kept
    answer, yet that student must not be offered those times."""
    teacher, other = studio.instructors
    student = studio.students[1]
    anyone = slots(client, teacher)
    _book_other(client, studio, other, hour=10)  # in both Ines's (London) and Ravi's hours
    taken = T0.replace(hour=10) + timedelta(days=2)
    assert slots(client, teacher) == anyone  # still kept for everyone else
    status, mine = slots(client, teacher, student)
    assert status == 200
    assert mine == slots(fresh, teacher, student)[1]
    starts = {s["start"] for s in mine["slots"]}
    assert iso(taken) not in starts
    assert iso(taken) in {s["start"] for s in anyone[1]["slots"]}
    assert len(starts) < len(anyone[1]["slots"])


def test_every_answer_lists_exactly_the_domains_slots(
    client: TestClient, uow: UnitOfWork, studio: Studio, clock: FakeClock
) -> None:
    """The kept bytes are cut per request (a run of slots, or single slots around a student's
    lessons): whatever the cut, the body is the domain's list, on the wire as documented."""
    teacher, other = studio.instructors
    student = studio.students[1]
    _book_other(client, studio, other, hour=8)  # ends as Ines's day starts: no slot lost
    _book_other(client, studio, other, hour=9, minute=15)
    _book_other(client, studio, other, hour=10, minute=30)  # busy twice within her hours
    viewer = zone("America/Chicago")
    for who in (None, student, None, student):  # computed, then kept
        status, body = slots(client, teacher, who)
        assert status == 200
        with uow.read() as tx:
            instructor = tx.instructors.get(teacher.instructor_id)
            assert instructor is not None
            query = slot_query(
                tx,
                instructor.id,
                policy_of(instructor),
                zone("Europe/London"),
                60,
                TimeRange(T0, T0 + timedelta(days=7)),
                clock.now,
                student_id=who.user_id if who else None,
            )
        expected = [
            {
                "start": iso(s.start),
                "end": iso(s.end),
                "local_start": s.start.astimezone(viewer).isoformat(),
                "local_end": s.end.astimezone(viewer).isoformat(),
            }
            for s in bookable_slots(query)
        ]
        assert body["slots"] == expected
        assert body["time_zone"] == "America/Chicago"
    night = {"from": iso(T0.replace(hour=1)), "to": iso(T0.replace(hour=2))}
    for _ in range(2):
        status, body = slots(client, teacher, **night)
        assert (status, body["slots"]) == (200, [])


def availability(client: TestClient, studio: Studio, teacher: Person) -> Any:
    response = client.get(
        f"{API}/instructors/{teacher.instructor_id}/availability",
        params={"from": str(T0.date()), "to": str((T0 + timedelta(days=6)).date())},
        headers=studio.students[0].headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("change", [_usual_week, _one_date, _time_zone], ids=lambda c: c.__name__)
def test_kept_availability_gives_way_to_the_instructors_changes(
    change: Change, app: FastAPI, client: TestClient, fresh: TestClient, studio: Studio
) -> None:
    teacher, other = studio.instructors
    before = availability(client, studio, teacher)
    assert before == availability(fresh, studio, teacher)
    _book_other(client, studio, other)  # another instructor's change keeps the answer
    assert len(app.state.context.answers) == 1
    assert availability(client, studio, teacher) == before
    change(client, studio)
    after = availability(client, studio, teacher)
    assert after == availability(fresh, studio, teacher)
    assert after != before


# -- the admin's pages ---------------------------------------------------------------------------


def page(client: TestClient, studio: Studio, **params: Any) -> Any:
    response = client.get(f"{API}/admin/bookings", params=params, headers=studio.admin.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_kept_admin_page_gives_way_to_bookings_and_reviews(
    app: FastAPI, client: TestClient, fresh: TestClient, studio: Studio
) -> None:
    other = studio.instructors[1]
    _book(client, studio)
    first = page(client, studio)
    assert first == page(client, studio) == page(fresh, studio)
    assert len(app.state.context.answers) == 1
    _book_other(client, studio, other)
    second = page(client, studio)
    assert second == page(fresh, studio)
    assert len(second["items"]) == len(first["items"]) + 1
    booking_id = second["items"][0]["id"]
    review = client.post(
        f"{API}/admin/bookings/{booking_id}/review",
        json={"flagged": True, "note": "check the price"},
        headers=studio.admin.headers,
    )
    assert review.status_code == 200, review.text
    third = page(client, studio)
    assert third == page(fresh, studio)
    assert third["items"][0]["flagged"] is True


def test_a_page_of_one_instructor_stays_kept_while_another_one_changes(
    app: FastAPI, client: TestClient, studio: Studio
) -> None:
    teacher, other = studio.instructors
    _book(client, studio)
    mine = page(client, studio, instructor_id=teacher.instructor_id)
    page(client, studio)
    pages = app.state.context.answers
    filtered = ("admin", BookingQuery(instructor_id=teacher.instructor_id), None, 100)
    unfiltered = ("admin", BookingQuery(), None, 100)
    assert pages.get(filtered) is not None
    assert pages.get(unfiltered) is not None
    _book_other(client, studio, other)
    assert pages.get(filtered) is not None  # still current: only the other instructor changed
    assert pages.get(unfiltered) is None
    assert page(client, studio, instructor_id=teacher.instructor_id) == mine


def test_only_admins_are_served_a_kept_page(client: TestClient, studio: Studio) -> None:
    page(client, studio)
    teacher = studio.instructors[0]
    response = client.get(f"{API}/admin/bookings", headers=teacher.headers)
    assert response.status_code == 403
    assert client.get(f"{API}/admin/bookings").status_code == 401


# -- the cache on its own ----------------------------------------------------------------------


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def keep(cache: AnswerCache[str], scope: str | None) -> None:
    cache.put(scope, scope, cache.generation(scope), f"answer of {scope}")


def kept_scopes(cache: AnswerCache[str], scopes: list[str | None]) -> list[bool]:
    return [cache.get(scope) is not None for scope in scopes]


def test_an_answer_expires_after_its_keep_time() -> None:
    ticks = Ticks()
    cache: AnswerCache[str] = AnswerCache(entries=8, ttl_seconds=60, clock=ticks)
    keep(cache, "a")
    ticks.now += 59.9
    assert cache.get("a") == "answer of a"
    ticks.now += 0.2
    assert cache.get("a") is None


def test_pokes_drop_only_what_they_concern() -> None:
    cache: AnswerCache[str] = AnswerCache(entries=8, ttl_seconds=60)
    scopes: list[str | None] = ["a", "b", "c", None]
    for scope in scopes:
        keep(cache, scope)
    cache.observe(Poke(1, frozenset({"b"})))
    # the studio-wide answer (None) follows every commit
    assert kept_scopes(cache, scopes) == [True, False, True, False]
    cache.observe(Poke(2, frozenset()))  # a change naming no instructor: a user's zone, say
    assert kept_scopes(cache, scopes) == [False, False, False, False]
    keep(cache, "a")
    cache.observe(Poke(3, frozenset(), everyone=True))
    assert cache.get("a") is None


def test_an_answer_read_while_a_commit_landed_is_not_kept() -> None:
    cache: AnswerCache[str] = AnswerCache(entries=8, ttl_seconds=60)
    generation = cache.generation("a")  # read before the database...
    cache.observe(Poke(1, frozenset({"a"})))  # ...then a commit lands
    cache.put("a", "a", generation, "stale")
    assert cache.get("a") is None


def test_the_least_recently_used_answer_goes_first() -> None:
    cache: AnswerCache[str] = AnswerCache(entries=2, ttl_seconds=60)
    keep(cache, "a")
    keep(cache, "b")
    assert cache.get("a") is not None
    keep(cache, "c")
    assert kept_scopes(cache, ["a", "b", "c"]) == [True, False, True]
    off: AnswerCache[str] = AnswerCache(entries=0, ttl_seconds=60)
    keep(off, "a")
    assert off.get("a") is None


def test_a_process_hears_its_own_commits_at_once_and_once() -> None:
    """On PostgreSQL a commit is published by its process right away (a read that follows a
    write must not be answered from memory that missed it) and its NOTIFY echo is skipped;
    commits of other processes arrive only through NOTIFY and are published."""
    hub, other = EventHub(), EventHub()
    heard: list[int] = []
    hub.watch(lambda poke: heard.append(poke.seq))
    own = Poke(7, frozenset({"a"}), origin=hub.origin)
    hub.publish(own)
    assert heard == [7]
    hub.publish_heard(Poke.from_json(Poke(6, frozenset({"b"}), origin=other.origin).to_json()))
    hub.publish_heard(Poke.from_json(own.to_json()))  # the echo of our own
    hub.publish_heard(Poke.from_json(Poke(8, frozenset({"a"}), origin=other.origin).to_json()))
    assert heard == [7, 6, 8]


def test_the_echo_of_a_commit_heard_before_its_own_publication_is_dropped() -> None:
    """The NOTIFY echo may arrive while the committing call is still returning: it is still
    known as this process's own, by the origin it carries, and never published twice."""
    hub = EventHub()
    heard: list[int] = []
    hub.watch(lambda poke: heard.append(poke.seq))
    own = Poke(9, frozenset({"a"}), student_ids=frozenset({"s"}), origin=hub.origin)
    hub.publish_heard(Poke.from_json(own.to_json()))  # echo first
    hub.publish(own)
    assert heard == [9]
    assert Poke.from_json(own.to_json()) == own
