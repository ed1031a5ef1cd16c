"""The student pages in a real Chromium: the whole journey, live updates, keyboard, screenshots.

Each test runs its own server on loopback; the instructor's desktop cache in the journey is the
real client store, synced by the real sync engine (``tests.sync.harness.Device``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.sync.consistency import booking_row
from tests.sync.harness import Device
from tests.web.site import SHOTS, Site
from tests.web.studio import PageStudio, build

pytestmark = pytest.mark.browser


def _first_time(page: Any) -> Any:
    return page.locator("#times .slots a").first


def _open_profile(site: Site, browser_context: Any) -> tuple[PageStudio, Any, Any]:
    """A studio built from now, its instructor's profile open, and the first free time there."""
    studio = build(site.uow, datetime.now(UTC))
    page = browser_context.new_page()
    page.goto(site.url + "/ines-teacher")
    return studio, page, _first_time(page)


def _book_through_the_api(site: Site, studio: PageStudio, href: str) -> None:
    """Another student books the time a page's link names, through the API."""
    with site.client() as api:
        answer = api.post(
            "/api/v1/bookings",
            json={
                "instructor_id": studio.teacher.instructor_id,
                "lesson_type_id": studio.teacher.lesson_type_id,
                "start": href.split("start=")[1].replace("Z", ":00Z"),
            },
            headers=studio.student.headers,
        )
        assert answer.status_code == 201, answer.text


def test_whole_journey_books_syncs_and_cancels(
    site: Site, browser_context: Any, tmp_path: Path
) -> None:
    studio = build(site.uow, datetime.now(UTC))
    laptop = Device(tmp_path, "ines-laptop", site, studio.teacher)  # type: ignore[arg-type]
    try:
        laptop.sync()
        page = browser_context.new_page()
        page.goto(site.url + "/")
        page.get_by_role("link", name="Ines Teacher").click()
        page.wait_for_url(re.compile(r"/ines-teacher"))
        assert page.locator("html").get_attribute("data-zone") == "Europe/Madrid"
        chosen = _first_time(page)
        chosen_label = chosen.get_attribute("aria-label")
        chosen.click()
        page.wait_for_url(re.compile(r"/ines-teacher/book\?"))
        page.get_by_role("link", name="Create an account").click()
        # the choice is shown while signing up, and survives it
        assert "you are booking" in page.locator("main").inner_text().lower()
        page.get_by_label("Your name").fill("Nora Newcomer")
        page.get_by_label("E-mail").fill("nora@example.com")
        page.get_by_label("Password").fill("a good long password")
        assert page.get_by_label("Your time zone").input_value() == "Europe/Madrid"
        page.get_by_role("button", name="Create account and continue").click()
        page.wait_for_url(re.compile(r"/ines-teacher/book\?"))
        page.get_by_role("button", name="Confirm booking").click()
        page.wait_for_url(re.compile(r"/lessons/[0-9a-f-]{36}\?done=booked"))
        text = page.locator("main").inner_text()
        assert "Booked! Your lesson is confirmed." in text
        assert "Lesson with Ines Teacher" in text
        assert chosen_label is not None
        booking_id = page.url.split("/lessons/")[1].split("?")[0]

        laptop.sync()  # the instructor's app sees the lesson
        row = booking_row(laptop, booking_id)
        assert row is not None
        assert row["status"] == "confirmed"

        page.get_by_label("Reason for cancelling").fill("Moving house that week")
        page.get_by_role("button", name="Cancel this lesson").click()
        page.wait_for_url(re.compile(r"done=cancelled"))
        assert "Your lesson is cancelled." in page.locator("main").inner_text()

        laptop.sync()
        row = booking_row(laptop, booking_id)
        assert row is not None
        assert row["status"] == "cancelled"
        assert row["cancel_reason"] == "Moving house that week"
        assert row["cancelled_by"] == "student"
    finally:
        laptop.close()


def test_a_time_booked_elsewhere_disappears_live_and_booking_it_is_refused_kindly(
    site: Site, browser_context: Any
) -> None:
    studio, page, first = _open_profile(site, browser_context)
    href = first.get_attribute("href")
    label = first.get_attribute("aria-label")
    # another student books that time through the API while the page stays open (before or
    # after its live stream is listening: an opening stream catches up on what it missed)
    _book_through_the_api(site, studio, href)
    # every link to that time goes (the slot, and the first free time named above the days)
    expect(page.locator(f'#times a[href="{href}"]')).to_have_count(0, timeout=15_000)
    assert page.locator(f'#times a[aria-label="{label}"]').count() == 0
    assert "just booked" in page.locator("#live-status").inner_text()

    page.goto(site.url + href)  # the old link, as if clicked before it vanished
    text = page.locator("main").inner_text()
    assert "This time is not available" in text
    assert "someone else" in text
    assert page.locator(".alternatives a").count() >= 1


def test_a_time_booked_on_another_day_leaves_the_other_days_links_in_place(
    site: Site, browser_context: Any
) -> None:
    studio, page, first = _open_profile(site, browser_context)
    # an element's own JS property is not in its HTML: it survives only if the element does
    first.evaluate("link => { link.kept = true; }")
    last = page.locator("#times li.day:last-child .slots a").first
    href = last.get_attribute("href")
    assert href != first.get_attribute("href")
    _book_through_the_api(site, studio, href)
    expect(page.locator(f'#times a[href="{href}"]')).to_have_count(0, timeout=15_000)
    assert first.evaluate("link => link.kept === true"), "the first day's time was replaced"


def test_keyboard_alone_reaches_a_time_and_the_booking_page(
    site: Site, browser_context: Any
) -> None:
    build(site.uow, datetime.now(UTC))
    page = browser_context.new_page()
    page.goto(site.url + "/ines-teacher")
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('#times .slots') !== null")
        if focused:
            break
    else:
        pytest.fail("Tab never reached a free time")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/book\?"))
    assert page.get_by_role("heading", name="Book your lesson").is_visible()


PAGES = ("directory", "profile", "book", "sign-up", "sign-in", "lesson", "lessons", "refused")


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_every_page(site: Site, chromium: Any, width: int) -> None:
    build(site.uow, datetime.now(UTC))
    with site.uow.write() as tx:
        instructor = tx.instructors.by_slug("ines-teacher")
        assert instructor is not None
        instructor[
            0
        ].bio = "Piano and music theory for every level.\n\nLessons in English or Spanish."
        tx.commit()
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, timezone_id="Asia/Tokyo", locale="en-GB"
    )
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

        page.goto(site.url + "/")
        shot("directory")
        page.goto(site.url + "/ines-teacher")
        shot("profile")
        href = _first_time(page).get_attribute("href")
        page.goto(site.url + href)
        shot("book")
        page.get_by_role("link", name="Create an account").click()
        shot("sign-up")
        page.goto(site.url + "/sign-in?next=" + href.replace("&", "%26"))
        shot("sign-in")
        page.goto(site.url + "/sign-up?next=" + href.replace("&", "%26"))
        page.get_by_label("Your name").fill("Yui Tanaka")
        page.get_by_label("E-mail").fill(f"yui{width}@example.com")
        page.get_by_label("Password").fill("another good password")
        page.get_by_role("button", name="Create account and continue").click()
        page.get_by_role("button", name="Confirm booking").click()
        page.wait_for_url(re.compile(r"done=booked"))
        shot("lesson")
        page.goto(site.url + "/lessons")
        shot("lessons")
        page.goto(site.url + href)
        shot("refused")
    finally:
        context.close()
    assert {p.stem for p in shots.glob("*.png")} >= set(PAGES)
