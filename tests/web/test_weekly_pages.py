"""Weekly lessons on the student pages over plain HTTP: preview, book, confirm, cancel.

The studio's "now" is Monday 2 March 2026, 08:00 UTC; Ines teaches in London 09:00-17:00 every
day, 60-minute lessons, bookings 2 hours to 28 days ahead. London moves to summer time on
Sunday 29 March, New York on Sunday 8 March.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import httpx
from icalendar import Calendar

from instainstru_desktop.server.core.models import Term
from tests.server.helpers import FakeClock, add_user, new_id, sign
from tests.web.site import Site, csrf_of
from tests.web.studio import PageStudio, book_directly, build

TUESDAY_10 = "2026-03-03T10:00Z"  # 10:00 in London (GMT)


def _allow_weekly(site: Site, studio: PageStudio) -> None:
    with site.uow.write() as tx:
        instructor = tx.instructors.get(studio.teacher.instructor_id or "")
        assert instructor is not None
        instructor.students_book_weekly = True
        tx.commit()


def _weekly_url(studio: PageStudio, start: str = TUESDAY_10, **fields: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in fields.items())
    return f"/ines-teacher/weekly?type={studio.teacher.lesson_type_id}&start={start}&{query}"


def _rows(html: str) -> list[tuple[str, str, str, str]]:
    """(state, day, time, text) of each listed date."""
    found = []
    for state, body in re.findall(r'<li class="date-row state-(\w+)">(.*?)</li>', html, flags=re.S):
        day = re.search(r'<span class="date-day">(.*?)</span>', body)
        time = re.search(r'class="date-time[^"]*">(\d\d:\d\d)', body)
        text = re.search(r'<span class="date-state">(.*?)</span>', body, flags=re.S)
        assert day is not None
        assert text is not None
        found.append((state, day.group(1), time.group(1) if time else "", text.group(1)))
    return found


def _student(site: Site, studio: PageStudio) -> httpx.Client:
    client = site.client()
    client.cookies.set("ii_session", studio.student.token)
    return client


def _book_weekly(client: httpx.Client, studio: PageStudio, **fields: str) -> httpx.Response:
    preview = client.get(_weekly_url(studio))
    assert preview.status_code == 200, preview.text
    form = {"csrf": csrf_of(preview.text), "type": studio.teacher.lesson_type_id}
    form.update(start=TUESDAY_10, every="1", end="count", count="", until="", term="")
    form.update(fields)
    return client.post("/ines-teacher/weekly", data=form)


def test_a_student_previews_books_and_gets_a_confirmation_with_refusals(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    rival = sign(clocked_site.uow, add_user(clocked_site.uow, "student", "Rita"), clock.now)
    book_directly(clocked_site.uow, studio.teacher, rival, datetime(2026, 3, 17, 10, tzinfo=UTC))
    with _student(clocked_site, studio) as client:
        single = client.get(
            f"/ines-teacher/book?type={studio.teacher.lesson_type_id}&start=" + TUESDAY_10
        )
        assert "Book this time every week" in single.text
        page = client.get(_weekly_url(studio, end="count", count="6", tz="Europe/London"))
        assert page.status_code == 200
        assert "Every week on Tuesday at 10:00" in page.text
        assert _rows(page.text) == [
            ("book", "Tue 3 Mar", "10:00", "Can be booked"),
            ("book", "Tue 10 Mar", "10:00", "Can be booked"),
            ("refused", "Tue 17 Mar", "10:00", "Ines Teacher already has a lesson at this time."),
            ("book", "Tue 24 Mar", "10:00", "Can be booked"),
            # 28 days ahead ends Mon 30 March: booked when the window reaches them
            ("later", "Tue 31 Mar", "10:00", "Booked later, on Tue 3 Mar"),
            ("later", "Tue 7 Apr", "10:00", "Booked later, on Tue 10 Mar"),
        ]
        assert "3 can be booked now" in page.text
        assert "Book 3 lessons now, 2 later" in page.text

        booked = _book_weekly(client, studio, end="count", count="6")
        assert booked.status_code == 303, booked.text
        location = booked.headers["location"]
        assert re.fullmatch(r"/lessons/series/[0-9a-f-]{36}\?done=booked", location)
        confirmation = client.get(location + "&tz=Europe/London")
        text = confirmation.text
        assert "Booked! 3 weekly lessons confirmed, 2 more booked as their dates come" in text
        assert "1 date could not be booked" in text
        rows = _rows(text)
        assert [(r[0], r[1]) for r in rows] == [
            ("booked", "Tue 3 Mar"),
            ("booked", "Tue 10 Mar"),
            ("refused", "Tue 17 Mar"),
            ("booked", "Tue 24 Mar"),
            ("later", "Tue 31 Mar"),
            ("later", "Tue 7 Apr"),
        ]
        assert rows[2][3] == "Ines Teacher already has a lesson at this time."

        series_id = location.split("/")[3].split("?")[0]
        ics = client.get(f"/lessons/series/{series_id}.ics")
        assert ics.headers["content-type"].startswith("text/calendar")
        events = Calendar.from_ical(ics.content).walk("VEVENT")
        lesson_ids = re.findall(r'href="/lessons/([0-9a-f-]{36})"', text)
        assert [str(e["UID"]) for e in events] == [f"{i}@instainstru" for i in lesson_ids]
        starts = [e.decoded("DTSTART") for e in events]
        assert [str(s.tzinfo) for s in starts] == ["Europe/London"] * 3
        assert [s.date() for s in starts] == [date(2026, 3, d) for d in (3, 10, 24)]
        # the lesson's own file gives the same event (one UID, whichever file is imported)
        single_ics = client.get(f"/lessons/{lesson_ids[0]}.ics")
        assert Calendar.from_ical(single_ics.content).walk("VEVENT")[0]["UID"] == events[0]["UID"]

        mine = client.get("/lessons?tz=Europe/London").text
        assert "Weekly lessons" in mine
        assert "Every week on Tuesday at 10:00" in mine
        assert f'href="/lessons/series/{series_id}"' in mine
        assert mine.count("↻ Weekly") == 1 + 3  # the series, and each upcoming lesson of it


def test_times_follow_the_instructors_clock_across_both_daylight_saving_changes(
    clocked_site: Site, clock: FakeClock
) -> None:
    """16:00 in London is 11:00 in New York, 12:00 while New York is on summer time and London
    is not (from 8 March), and 11:00 again once London is too (from 29 March)."""
    studio = build(clocked_site.uow, clock.now, booking_horizon_days=60)
    _allow_weekly(clocked_site, studio)
    with _student(clocked_site, studio) as client:
        page = client.get(
            _weekly_url(studio, "2026-03-03T16:00Z", end="until", until="2026-04-07")
            + "&tz=America/New_York"
        )
    assert "Every week on Tuesday at 11:00" in page.text
    assert "Every week on Tuesday at 16:00 in Ines Teacher's zone (Europe/London)" in page.text
    rows = _rows(page.text)
    assert [(r[1], r[2]) for r in rows] == [
        ("Tue 3 Mar", "11:00"),
        ("Tue 10 Mar", "12:00"),
        ("Tue 17 Mar", "12:00"),
        ("Tue 24 Mar", "12:00"),
        ("Tue 31 Mar", "11:00"),
        ("Tue 7 Apr", "11:00"),
    ]
    assert {r[0] for r in rows} == {"book"}
    assert page.text.count('class="date-time shifted"') == 3
    assert "your clock (America/New_York) changes on another date" in page.text


def test_a_term_ends_the_series_and_its_break_has_no_lesson(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now, booking_horizon_days=60)
    _allow_weekly(clocked_site, studio)
    term_id = new_id()
    with clocked_site.uow.write() as tx:
        tx.series.add_term(
            Term(
                id=term_id,
                instructor_id=studio.teacher.instructor_id,
                name="Spring",
                first_day=date(2026, 1, 5),
                last_day=date(2026, 3, 27),
                breaks=[["2026-03-16", "2026-03-20", "Half term"]],
                version=1,
            )
        )
        tx.commit()
    with _student(clocked_site, studio) as client:
        page = client.get(_weekly_url(studio, end="term", term=term_id, tz="Europe/London"))
    assert "Spring (Mon 5 Jan – Fri 27 Mar; break: Half term)" in page.text
    assert [(r[0], r[1], r[3]) for r in _rows(page.text)] == [
        ("book", "Tue 3 Mar", "Can be booked"),
        ("book", "Tue 10 Mar", "Can be booked"),
        ("break", "Tue 17 Mar", "No lesson: Half term."),
        ("book", "Tue 24 Mar", "Can be booked"),
    ]


def test_weekly_booking_is_absent_where_the_instructor_does_not_allow_it(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now)
    with _student(clocked_site, studio) as client:
        single = client.get(
            f"/ines-teacher/book?type={studio.teacher.lesson_type_id}&start=" + TUESDAY_10
        )
        assert "every week" not in single.text
        assert "Weekly lessons too" not in client.get("/ines-teacher").text
        page = client.get(_weekly_url(studio, end="count", count="4"))
        assert page.status_code == 403
        assert "weekly lessons by arrangement only" in page.text
        crafted = client.post(
            "/ines-teacher/weekly",
            data={
                "csrf": csrf_of(single.text),
                "type": studio.teacher.lesson_type_id,
                "start": TUESDAY_10,
                "every": "1",
                "end": "count",
                "count": "4",
            },
        )
        assert crafted.status_code == 403
        assert "nothing was booked" in crafted.text
    with clocked_site.uow.read() as tx:
        assert tx.series.of_student(studio.student.user_id) == []


def test_weekly_forms_need_the_csrf_value(clocked_site: Site, clock: FakeClock) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    fields = {"type": studio.teacher.lesson_type_id, "start": TUESDAY_10, "end": "count"}
    with _student(clocked_site, studio) as client:
        for path in ("/ines-teacher/weekly", f"/lessons/series/{new_id()}/cancel"):
            refused = client.post(path, data={**fields, "count": "3", "csrf": "guess"})
            assert refused.status_code == 403, path
            assert "nothing was changed" in refused.text
    with clocked_site.uow.read() as tx:
        assert tx.series.of_student(studio.student.user_id) == []


def test_bad_input_says_what_is_wrong_and_keeps_what_was_typed(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    with _student(clocked_site, studio) as client:
        wrong = client.get(_weekly_url(studio, end="count", count="12x"))
        assert wrong.status_code == 422
        assert "Write a number of lessons from 1 to 260." in wrong.text
        assert 'value="12x"' in wrong.text
        assert 'class="dates"' not in wrong.text  # nothing to preview, nothing to book
        early = _book_weekly(client, studio, end="until", until="2026-02-20", count="7")
        assert early.status_code == 422
        assert "Choose a date on or after the first lesson (3 March 2026)." in early.text
        assert 'value="2026-02-20"' in early.text
        assert 'value="7"' in early.text
        assert 'id="end-until" name="end" value="until" checked' in early.text
    with clocked_site.uow.read() as tx:
        assert tx.series.of_student(studio.student.user_id) == []


def _series_lessons(site: Site, student_id: str) -> list[tuple[str, str, str | None]]:
    with site.uow.read() as tx:
        [series] = tx.series.of_student(student_id)
        return [(b.id, b.status, b.cancelled_by) for b in tx.series.lessons(series.id)]


def test_cancel_this_and_all_following_from_a_lesson_and_one_lesson_only(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    with _student(clocked_site, studio) as client:
        booked = _book_weekly(client, studio, end="count", count="4")
        assert booked.status_code == 303
        lessons = _series_lessons(clocked_site, studio.student.user_id)
        first, second, third, fourth = (lesson[0] for lesson in lessons)
        page = client.get(f"/lessons/{third}")
        assert "This and all following weekly lessons" in page.text
        assert "One of your weekly lessons" in page.text
        one = client.post(
            f"/lessons/{second}/cancel",
            data={"csrf": csrf_of(page.text), "scope": "one", "reason": "Dentist"},
        )
        assert one.headers["location"] == f"/lessons/{second}?done=cancelled"
        following = client.post(
            f"/lessons/{third}/cancel",
            data={"csrf": csrf_of(page.text), "scope": "following", "reason": "Moving away"},
        )
        assert following.status_code == 303, following.text
        assert following.headers["location"].endswith("?done=cancelled&from=2026-03-17")
        after = client.get(following.headers["location"] + "&tz=Europe/London")
        assert "Your weekly lessons from Tue 17 Mar on are cancelled." in after.text
        assert "Cancel from a date on" in after.text  # the first is still ahead
    assert _series_lessons(clocked_site, studio.student.user_id) == [
        (first, "confirmed", None),
        (second, "cancelled", "student"),
        (third, "cancelled", "student"),
        (fourth, "cancelled", "student"),
    ]
    with clocked_site.uow.read() as tx:
        entries = tx.audit.of_booking(fourth)
        assert [e.action for e in entries] == ["booking.create", "booking.cancel"]
        assert entries[-1].details["reason"] == "Moving away"
        assert entries[-1].details["why"] == "this and following"
        assert entries[-1].device == "web"


def test_cancelling_inside_the_minimum_notice_is_refused_on_the_page(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    with _student(clocked_site, studio) as client:
        booked = _book_weekly(client, studio, end="count", count="3")
        series_page = client.get(booked.headers["location"])
        first = _series_lessons(clocked_site, studio.student.user_id)[0][0]
        clock.now = datetime(2026, 3, 3, 9, tzinfo=UTC)  # an hour before the first lesson
        late = client.post(
            booked.headers["location"].split("?")[0] + "/cancel",
            data={"csrf": csrf_of(series_page.text), "from": "2026-03-03", "reason": "Ill"},
        )
        assert late.status_code == 409
        assert "up to 2 hours before they start" in late.text
        assert ">Ill</textarea>" in late.text  # the reason written is kept
        lesson = client.get(f"/lessons/{first}")
        assert "This and all following" not in lesson.text  # too late online
    assert [s for _, s, _ in _series_lessons(clocked_site, studio.student.user_id)] == [
        "confirmed"
    ] * 3


def test_another_students_series_is_not_found(clocked_site: Site, clock: FakeClock) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    other = sign(clocked_site.uow, add_user(clocked_site.uow, "student", "Olga"), clock.now)
    with _student(clocked_site, studio) as client:
        location = _book_weekly(client, studio, end="count", count="2").headers["location"]
    path = location.split("?")[0]
    with clocked_site.client() as stranger:
        stranger.cookies.set("ii_session", other.token)
        assert stranger.get(path).status_code == 404
        assert stranger.get(path + ".ics").status_code == 404
        page = stranger.get("/lessons")
        refused = stranger.post(
            path + "/cancel", data={"csrf": csrf_of(page.text), "from": "2026-03-03"}
        )
        assert refused.status_code == 404
    assert {s for _, s, _ in _series_lessons(clocked_site, studio.student.user_id)} == {"confirmed"}


def test_a_visitor_signs_in_on_the_way_and_comes_back_to_the_weekly_choice(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    path = _weekly_url(studio, end="count", count="5")
    with clocked_site.client() as client:
        single = client.get(
            f"/ines-teacher/book?type={studio.teacher.lesson_type_id}&start=" + TUESDAY_10
        )
        assert "Or book this time every week" in single.text
        anonymous = client.get(path)
        assert anonymous.status_code == 200
        assert "To see your dates and book, sign in" in anonymous.text
        assert 'class="dates"' not in anonymous.text
        sign_in = re.search(r'class="button primary" href="([^"]+)"', anonymous.text)
        assert sign_in is not None
        form_page = client.get(sign_in.group(1).replace("&amp;", "&"))
        assert "You are booking weekly lessons, from" in form_page.text
        next_path = re.search(r'name="next" value="([^"]+)"', form_page.text)
        assert next_path is not None
        signed = client.post(
            "/sign-in",
            data={
                "csrf": csrf_of(form_page.text),
                "next": next_path.group(1).replace("&amp;", "&"),
                "email": studio.student.email,
                "password": "correct horse battery",
            },
        )
        assert signed.status_code == 303
        back = client.get(signed.headers["location"])
        assert back.status_code == 200
        assert len(_rows(back.text)) == 5


def test_the_instructor_allowing_weekly_lessons_shows_at_once_on_their_kept_page(
    clocked_site: Site, clock: FakeClock
) -> None:
    studio = build(clocked_site.uow, clock.now)
    with clocked_site.client() as visitor:
        assert "Weekly lessons too" not in visitor.get("/ines-teacher").text  # now kept
        allowed = visitor.patch(
            f"/api/v1/instructors/{studio.teacher.instructor_id}",
            json={"students_book_weekly": True},
            headers=studio.teacher.headers,
        )
        assert allowed.status_code == 200, allowed.text
        assert "Weekly lessons too" in visitor.get("/ines-teacher").text
    with _student(clocked_site, studio) as client:
        page = client.get(_weekly_url(studio, end="count", count="3", every="2"))
        assert "Every 2 weeks on Tuesday at 10:00" in page.text
        assert [r[1] for r in _rows(page.text)] == ["Tue 3 Mar", "Tue 17 Mar", "Tue 31 Mar"]


def test_a_weekly_booking_sent_twice_books_once(clocked_site: Site, clock: FakeClock) -> None:
    studio = build(clocked_site.uow, clock.now)
    _allow_weekly(clocked_site, studio)
    with _student(clocked_site, studio) as client:
        page = client.get(_weekly_url(studio, end="count", count="3"))
        form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        form.pop("next", None)
        first = client.post("/ines-teacher/weekly", data=form)
        again = client.post("/ines-teacher/weekly", data=form)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert len(_series_lessons(clocked_site, studio.student.user_id)) == 3  # one series of 3
