"""The student pages over plain HTTP (no JavaScript): safety, rules shown right, the core flow."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar

from instainstru_desktop.server.embedded import EmbeddedServer
from tests.server.helpers import FakeClock, add_instructor, sign
from tests.web.site import Site, csrf_of, time_links
from tests.web.studio import book_directly, build


def _sign_up(client: httpx.Client, next_path: str, email: str, tz: str = "Asia/Tokyo") -> None:
    page = client.get(f"/sign-up?next={next_path}")
    answer = client.post(
        "/sign-up",
        data={
            "csrf": csrf_of(page.text),
            "next": next_path,
            "name": "Kai Web",
            "email": email,
            "password": "long enough password",
            "time_zone": tz,
        },
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == next_path


def test_core_flow_works_without_javascript(clocked_site: Site) -> None:
    studio = build(clocked_site.uow, FakeClock().now)
    with clocked_site.client() as client:
        profile = client.get("/ines-teacher?tz=Asia/Tokyo")
        assert profile.status_code == 200
        link = time_links(profile.text)[0]
        book = client.get(link)
        assert "Sign in" in book.text
        assert "Create an account" in book.text
        _sign_up(client, link, "kai@example.com")
        confirm = client.get(link)
        form = {"csrf": csrf_of(confirm.text), "type": studio.teacher.lesson_type_id}
        form["start"] = link.split("start=")[1]
        booked = client.post("/ines-teacher/book", data=form)
        assert booked.status_code == 303
        lesson = client.get(booked.headers["location"])
        assert "Booked! Your lesson is confirmed." in lesson.text
        assert "Asia/Tokyo" in lesson.text
        assert "Europe/London" in lesson.text
        mine = client.get("/lessons")
        assert "Lesson with Ines Teacher" in mine.text


def test_bio_and_names_are_shown_as_text_never_as_markup(clocked_site: Site) -> None:
    uow = clocked_site.uow
    evil = add_instructor(uow, '<script>alert("name")</script> Eve', "Europe/London")
    with uow.write() as tx:
        instructor = tx.instructors.get(evil.instructor_id or "")
        assert instructor is not None
        instructor.bio = "<script>alert(1)</script>\n<img src=x onerror=alert(2)>"
        slug = instructor.slug
        tx.commit()
    with clocked_site.client() as client:
        for path in ("/", f"/{slug}"):
            html = client.get(path).text
            assert "<script>alert" not in html
            assert "<img src=x" not in html
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or path == "/"
            assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; Eve" in html
            # the only scripts are the site's own file
            assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/site.js" defer>']


def test_every_form_post_needs_the_csrf_value_and_the_same_origin(clocked_site: Site) -> None:
    studio = build(clocked_site.uow, FakeClock().now)
    with clocked_site.client() as client:
        page = client.get("/sign-in")
        token = csrf_of(page.text)
        fields = {"email": studio.student.email, "password": "correct horse battery"}
        assert client.post("/sign-in", data=fields).status_code == 403  # no value
        assert client.post("/sign-in", data={**fields, "csrf": "guess"}).status_code == 403
        foreign = client.post(
            "/sign-in",
            data={**fields, "csrf": token},
            headers={"Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
        assert "nothing was changed" in foreign.text
        ok = client.post(
            "/sign-in", data={**fields, "csrf": token}, headers={"Origin": clocked_site.url}
        )
        assert ok.status_code == 303
    for path in ("/sign-up", "/sign-out", "/ines-teacher/book", "/lessons/x/cancel"):
        with clocked_site.client() as stranger:
            assert stranger.post(path, data={"csrf": "x"}).status_code == 403, path


def test_session_cookie_is_httponly_lax_and_holds_a_revocable_token(clocked_site: Site) -> None:
    studio = build(clocked_site.uow, FakeClock().now)
    with clocked_site.client() as client:
        token = csrf_of(client.get("/sign-in").text)
        answer = client.post(
            "/sign-in",
            data={
                "csrf": token,
                "email": studio.student.email,
                "password": "correct horse battery",
            },
        )
        cookies = answer.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith("ii_session="))
        assert "HttpOnly" in session
        assert "SameSite=lax" in session
        assert "Path=/" in session
        assert "Secure" not in session  # plain http on loopback
        value = session.split(";")[0].split("=", 1)[1]
        # the same kind of token the API takes, stored hashed
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"}).is_success
        assert value not in str(clocked_site.server.settings.database_url)
        with clocked_site.uow.read() as tx:
            from instainstru_desktop.server.core.security import token_digest

            assert tx.tokens.principal_of(token_digest(value), FakeClock().now) is not None
        out = client.post("/sign-out", data={"csrf": csrf_of(client.get("/lessons").text)})
        assert out.status_code == 303
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"}).status_code
            == 401
        )


def test_secure_cookie_when_configured(tmp_path) -> None:
    site = Site(tmp_path, clock=FakeClock(), cookie_secure=True)
    try:
        with site.client() as client:
            set_cookie = client.get("/sign-in").headers["set-cookie"]
            assert "Secure" in set_cookie
            assert "HttpOnly" in set_cookie
    finally:
        site.close()


def test_pages_carry_security_headers(clocked_site: Site) -> None:
    build(clocked_site.uow, FakeClock().now)
    with clocked_site.client() as client:
        for path in ("/", "/ines-teacher", "/sign-in", "/static/site.css", "/nobody-here"):
            headers = client.get(path).headers
            csp = headers["content-security-policy"]
            assert "script-src 'self'" in csp
            assert "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "same-origin"
        assert "content-security-policy" not in client.get("/api/v1/meta").headers


def test_sign_in_and_sign_up_are_rate_limited(tmp_path) -> None:
    site = Site(tmp_path, clock=FakeClock(), login_failures_per_email=3, signups_per_address=2)
    try:
        studio = build(site.uow, FakeClock().now)
        with site.client() as client:
            token = csrf_of(client.get("/sign-in").text)
            statuses = [
                client.post(
                    "/sign-in",
                    data={"csrf": token, "email": studio.student.email, "password": "wrong"},
                ).status_code
                for _ in range(4)
            ]
            assert statuses == [401, 401, 401, 429]
            for n in range(2):
                _sign_up(client, "/lessons", f"new{n}@example.com")
            third = client.post(
                "/sign-up",
                data={
                    "csrf": csrf_of(client.get("/sign-up").text),
                    "name": "Too Many",
                    "email": "three@example.com",
                    "password": "long enough password",
                    "time_zone": "UTC",
                },
            )
            assert third.status_code == 429
            assert "Too many new accounts" in third.text
    finally:
        site.close()


def test_a_student_sees_only_their_own_lessons_and_no_private_note(clocked_site: Site) -> None:
    uow = clocked_site.uow
    studio = build(uow, FakeClock().now)
    theirs = book_directly(
        uow, studio.teacher, studio.student, datetime(2026, 3, 4, 10, tzinfo=UTC)
    )
    with clocked_site.client() as client:
        _sign_up(client, "/lessons", "other@example.com")
        other = client.get(f"/lessons/{theirs}")
        assert other.status_code == 404
        assert "Sam Student" not in other.text
        assert client.get(f"/lessons/{theirs}.ics").status_code == 404
        mine = client.get("/lessons").text
        assert theirs not in mine
    # the owner sees the lesson, never the instructor's private note
    with clocked_site.client() as owner:
        owner.cookies.set("ii_session", studio.student.token)
        page = owner.get(f"/lessons/{theirs}")
        assert page.status_code == 200
        assert "forgets homework" not in page.text


def test_calendar_file_has_a_stable_uid_and_the_lessons_zone(clocked_site: Site) -> None:
    uow = clocked_site.uow
    studio = build(uow, FakeClock().now)
    lesson = book_directly(
        uow, studio.teacher, studio.student, datetime(2026, 3, 4, 10, tzinfo=UTC)
    )
    with clocked_site.client() as client:
        client.cookies.set("ii_session", studio.student.token)
        first = client.get(f"/lessons/{lesson}.ics")
        second = client.get(f"/lessons/{lesson}.ics")
    assert first.headers["content-type"].startswith("text/calendar")
    assert "attachment" in first.headers["content-disposition"]
    events = [Calendar.from_ical(a.content).walk("VEVENT")[0] for a in (first, second)]
    assert events[0]["UID"] == events[1]["UID"] == f"{lesson}@instainstru"
    start = events[0].decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/London"
    assert start == datetime(2026, 3, 4, 10, tzinfo=ZoneInfo("Europe/London"))
    assert "Lesson with Ines Teacher" in str(events[0]["SUMMARY"])


def test_tokyo_student_sees_a_new_york_week_across_the_dst_change(
    clocked_site: Site, clock: FakeClock
) -> None:
    """New York springs forward on Sunday 8 March 2026: 09:00 there is 23:00 in Tokyo before,
    22:00 after. Notice hides the first two hours; the horizon ends the bookable days."""
    clock.now = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # Thu 08:00 in New York
    teacher = add_instructor(
        clocked_site.uow,
        "Nina York",
        "America/New_York",
        hours=(9 * 60, 11 * 60),
        booking_horizon_days=5,
    )
    sign(clocked_site.uow, teacher, clock.now)
    with clocked_site.client() as client:
        html = client.get("/nina-york?tz=Asia/Tokyo").text
    days = _days(html)
    # Thursday in Tokyo: NY's 09:00 is within the 2 hours' notice, its 10:00 is Friday 00:00
    assert days["Thu 5 Mar"] == []
    assert "Next free time: <a" in html
    assert ">Fri 6 Mar, 00:00</a>" in html
    # before the change New York's 09:00 (EST) is 23:00 in Tokyo ...
    assert days["Fri 6 Mar"] == ["00:00", "23:00", "23:15", "23:30", "23:45"]
    # ... and after it (EDT, from Sunday 8 March) 22:00: both on Tokyo's Sunday
    assert days["Sun 8 Mar"] == ["00:00", "22:00", "22:15", "22:30", "22:45", "23:00"]
    assert days["Mon 9 Mar"] == ["22:00", "22:15", "22:30", "22:45", "23:00"]
    # the horizon: 5 days from Thu 13:00 UTC is Tue 10 Mar 22:00 in Tokyo
    assert days["Tue 10 Mar"] == ["22:00"]
    assert days["Wed 11 Mar"] == []
    assert "Not open for booking yet." in html
    assert 'rel="next"' not in html  # no later week to page to


def _days(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for block in re.findall(r'<li class="day">(.*?)</li>\s*(?=<li class="day">|</ol>)', html, re.S):
        title = re.search(r"<h3>(.*?)</h3>", block)
        assert title is not None
        found[title.group(1)] = re.findall(r">(\d\d:\d\d)</a>", block)
    return found


def test_a_day_without_free_times_says_when_the_next_one_is(
    clocked_site: Site, clock: FakeClock
) -> None:
    uow = clocked_site.uow
    studio = build(uow, clock.now)
    with uow.write() as tx:  # Tuesday and Wednesday off
        from instainstru_desktop.server.core.models import AvailabilityOverride

        for day in (3, 4):
            tx.availability.add_override(
                AvailabilityOverride(
                    instructor_id=studio.teacher.instructor_id,
                    day=datetime(2026, 3, day).date(),
                    ranges=[],
                    version=1,
                )
            )
        tx.commit()
    with clocked_site.client() as client:
        html = client.get("/ines-teacher?tz=Europe/London").text.replace("&amp;", "&")
    assert "Nothing free. Next free time:" in html
    assert "Thu 5 Mar, 09:00" in html


def test_page_times_are_the_slots_api_times(clocked_site: Site, clock: FakeClock) -> None:
    studio = build(clocked_site.uow, clock.now, buffer_minutes=15, daily_limit=3)
    book_directly(
        clocked_site.uow, studio.teacher, studio.student, datetime(2026, 3, 3, 11, tzinfo=UTC)
    )
    with clocked_site.client() as client:
        html = client.get("/ines-teacher?tz=UTC").text
        api = client.get(
            f"/api/v1/instructors/{studio.teacher.instructor_id}/slots",
            params={
                "lesson_type_id": studio.teacher.lesson_type_id,
                "from": "2026-03-02T00:00:00Z",
                "to": "2026-03-09T00:00:00Z",
                "tz": "UTC",
            },
        ).json()
    from_page = [link.split("start=")[1] for link in time_links(html)]
    from_api = [s["start"].replace(":00Z", "Z") for s in api["slots"]]
    assert from_page == from_api
    assert "2026-03-03T10:00Z" not in from_page  # buffer before the 11:00 lesson


def test_the_app_embedded_server_serves_no_pages(tmp_path) -> None:
    with EmbeddedServer(f"sqlite:///{tmp_path / 'app.sqlite3'}", seed_demo=False) as server:
        assert server.base_url is not None
        for path in ("/", "/sign-in", "/static/site.css"):
            refused = httpx.get(server.base_url + path)
            assert refused.status_code == 403
            assert refused.json()["code"] == "local_secret_required"
        own = httpx.get(server.base_url + "/sign-in", headers=server.access_headers)
        assert own.status_code == 404  # not mounted at all
        meta = httpx.get(server.base_url + "/api/v1/meta", headers=server.access_headers)
        assert meta.json()["student_pages"] is False


@pytest.mark.parametrize("code", ["too_soon", "student_busy"])
def test_refusals_are_pages_with_reasons(clocked_site: Site, clock: FakeClock, code: str) -> None:
    studio = build(clocked_site.uow, clock.now)
    start = clock.now + (timedelta(hours=1) if code == "too_soon" else timedelta(days=2, hours=2))
    if code == "student_busy":
        other = add_instructor(clocked_site.uow, "Otto Other")
        book_directly(clocked_site.uow, other, studio.student, start)
    with clocked_site.client() as client:
        client.cookies.set("ii_session", studio.student.token)
        page = client.get(
            f"/ines-teacher/book?type={studio.teacher.lesson_type_id}&start="
            + start.strftime("%Y-%m-%dT%H:%MZ")
        )
    assert page.status_code == 200
    assert "This time is not available" in page.text
    expected = "too soon" if code == "too_soon" else "You already have a lesson at this time."
    assert expected in page.text


def test_moving_a_lesson_offers_times_that_overlap_it(clocked_site: Site, clock: FakeClock) -> None:
    """The lesson being moved is not in its own way: 15 and 30 minutes later are offered (with
    a buffer, which would otherwise keep even an hour later away), and moving there works."""
    studio = build(clocked_site.uow, clock.now, buffer_minutes=15)
    lesson = book_directly(
        clocked_site.uow, studio.teacher, studio.student, datetime(2026, 3, 4, 10, tzinfo=UTC)
    )
    with clocked_site.client() as client:
        client.cookies.set("ii_session", studio.student.token)
        week = client.get(f"/lessons/{lesson}/reschedule?tz=Europe/London")
        assert week.status_code == 200
        offered = [link.split("start=")[1] for link in _move_links(week.text)]
        for later in ("2026-03-04T10:15Z", "2026-03-04T10:30Z", "2026-03-04T11:00Z"):
            assert later in offered
        assert "2026-03-04T10:00Z" in offered  # its own time is free for it too
        # ... for this move only: everyone else's week (the same window) still has it taken
        with clocked_site.client() as stranger:
            others = time_links(stranger.get("/ines-teacher?tz=Europe/London").text)
        assert not {f"2026-03-04T{t}Z" for t in ("10:00", "10:15", "11:00")} & {
            link.split("start=")[1] for link in others
        }
        chosen = client.get(f"/lessons/{lesson}/reschedule?start=2026-03-04T10:15Z")
        assert "This time is not available" not in chosen.text
        assert 'name="start" value="2026-03-04T10:15Z"' in chosen.text
        moved = client.post(
            f"/lessons/{lesson}/reschedule",
            data={"csrf": csrf_of(chosen.text), "start": "2026-03-04T10:15Z"},
        )
        assert moved.status_code == 303, moved.text
        assert "Your lesson is moved to the new time." in client.get(moved.headers["location"]).text
    with clocked_site.uow.read() as tx:
        booking = tx.bookings.get(lesson)
        assert booking is not None
        assert booking.start_utc.replace(tzinfo=UTC) == datetime(2026, 3, 4, 10, 15, tzinfo=UTC)
    # other visitors still see the moved lesson (and its buffer) as taken
    with clocked_site.client() as stranger:
        links = time_links(stranger.get("/ines-teacher?tz=Europe/London").text)
    shown = [link.split("start=")[1] for link in links]
    assert "2026-03-04T10:15Z" not in shown
    assert "2026-03-04T11:15Z" not in shown  # within 15 minutes' buffer of its 11:15 end
    assert "2026-03-04T11:30Z" in shown


def _move_links(html: str) -> list[str]:
    return re.findall(r'href="(\?start=[^"]+)"', html.replace("&amp;", "&"))
