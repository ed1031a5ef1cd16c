"""Weekly lessons in a real Chromium, at a phone's width and a laptop's: pick a free time, ask
for it every week, see the dates (one refused, most waiting for the booking window), book,
then cancel "this and all following" from one of the lessons. Screenshots of each step land in
``screenshots/web/<width>/``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.server.helpers import add_user, sign
from tests.web.site import SHOTS, Site
from tests.web.studio import book_directly, build

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("width", [375, 1280])
def test_book_weekly_and_cancel_this_and_following(site: Site, chromium: Any, width: int) -> None:
    now = datetime.now(UTC)
    studio = build(site.uow, now)
    with site.uow.write() as tx:
        instructor = tx.instructors.get(studio.teacher.instructor_id or "")
        assert instructor is not None
        instructor.students_book_weekly = True
        tx.commit()
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, timezone_id="America/New_York", locale="en-GB"
    )
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "ii_session", "value": studio.student.token, "url": site.url}])
    shots = SHOTS / str(width)
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()

        def shot(name: str) -> None:
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at {width} px"

        page.goto(site.url + "/ines-teacher")
        assert "Weekly lessons too" in page.locator("main").inner_text()
        first = page.locator("#times .slots a").first
        start = datetime.fromisoformat(first.get_attribute("href").split("start=")[1])
        # someone else has the same wall time two weeks on: that date is refused
        wall = start.astimezone(LONDON)
        taken = datetime.combine(wall.date() + timedelta(days=14), wall.time(), LONDON)
        rival = sign(site.uow, add_user(site.uow, "student", "Rita Rival"), now)
        book_directly(site.uow, studio.teacher, rival, taken.astimezone(UTC))

        first.click()
        page.wait_for_url(re.compile(r"/ines-teacher/book\?"))
        page.get_by_role("link", name="Book this time every week").click()
        page.wait_for_url(re.compile(r"/ines-teacher/weekly\?"))
        page.get_by_role("radio", name="A date").check()
        page.get_by_label("Number of lessons", exact=True).fill("12")  # chooses that ending
        assert page.get_by_label("A number of lessons").is_checked()
        page.get_by_role("button", name="Show the dates").click()
        page.wait_for_url(re.compile(r"count=12"))
        rows = page.locator(".date-row")
        assert rows.count() == 12
        refused = page.locator(".date-row.state-refused")
        assert refused.count() == 1
        assert "Ines Teacher already has a lesson at this time." in refused.inner_text()
        shot("weekly-preview")

        page.get_by_role("button", name=re.compile(r"^Book \d+ lessons")).click()
        page.wait_for_url(re.compile(r"/lessons/series/[0-9a-f-]{36}\?done=booked"))
        text = page.locator("main").inner_text()
        assert "Booked!" in text
        assert "1 date could not be booked" in text
        assert page.get_by_role("link", name=re.compile(r"Add the booked lessons")).is_visible()
        shot("weekly-booked")

        page.goto(site.url + "/lessons")
        assert "Weekly lessons" in page.locator("main").inner_text()
        shot("lessons-weekly")

        page.locator(".weekly-row a").first.click()
        page.wait_for_url(re.compile(r"/lessons/series/"))
        booked = page.locator(".date-row.state-booked a")
        assert booked.count() >= 3
        booked.nth(1).click()
        page.wait_for_url(re.compile(r"/lessons/[0-9a-f-]{36}$"))
        page.get_by_label("This and all following weekly lessons").check()
        page.get_by_label("Reason for cancelling").fill("Exams from then on")
        shot("weekly-lesson")
        page.get_by_role("button", name="Cancel").click()
        page.wait_for_url(re.compile(r"done=cancelled"))
        text = page.locator("main").inner_text()
        assert "are cancelled" in text
        assert page.locator(".date-row.state-booked").count() == 1  # the first one stays
        assert page.locator(".date-row.state-later").count() == 0  # nothing more to come
        shot("weekly-cancelled")
    finally:
        context.close()
