"""The lesson page's conversation in a real Chromium: an instructor's message arrives live,
Enter sends (once), Shift+Enter breaks the line; screenshots at 375 and 1280 px."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.web.site import SHOTS, Site
from tests.web.studio import book_directly, build

pytestmark = pytest.mark.browser


def _lesson_page(site: Site, browser: Any, width: int) -> tuple[Any, Any, Any, str]:
    """The signed-in student's lesson page (context, page, studio, booking id)."""
    now = datetime.now(UTC)
    studio = build(site.uow, now)
    booking = book_directly(site.uow, studio.teacher, studio.student, now + timedelta(days=3))
    context = browser.new_context(
        viewport={"width": width, "height": 900}, timezone_id="Europe/Madrid", locale="en-GB"
    )
    context.set_default_timeout(10_000)
    host = site.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "ii_session", "value": studio.student.token, "domain": host,
                          "path": "/"}])
    page = context.new_page()
    page.goto(f"{site.url}/lessons/{booking}")
    return context, page, studio, booking


def _teacher_writes(site: Site, studio: Any, booking: str, text: str) -> None:
    answer = httpx.post(
        f"{site.url}/api/v1/bookings/{booking}/messages",
        json={"id": str(uuid.uuid4()), "body": text},
        headers=studio.teacher.headers,
    )
    assert answer.status_code == 201, answer.text


def test_messages_arrive_live_and_enter_sends_once(site: Site, chromium: Any) -> None:
    context, page, studio, booking = _lesson_page(site, chromium, 1280)
    try:
        assert page.locator("#messages .none").inner_text() == "No messages yet."
        _teacher_writes(site, studio, booking, "Could you bring the Clementi sonatina?")
        page.locator("#messages .message").first.wait_for(timeout=15_000)
        assert "Clementi sonatina" in page.locator("#messages").inner_text()
        assert "Ines Teacher" in page.locator("#messages .who").first.inner_text()

        box = page.get_by_label("Your message")
        box.click()
        box.type("Yes, I will.")
        box.press("Shift+Enter")
        box.type("See you on Thursday!")
        assert box.input_value() == "Yes, I will.\nSee you on Thursday!"
        box.press("Enter")
        page.locator("#messages .message.mine").wait_for(timeout=15_000)
        assert box.input_value() == ""
        mine = page.locator("#messages .message.mine .text").inner_text()
        assert mine == "Yes, I will.\nSee you on Thursday!"
        box.type("One more")
        box.press("Enter")
        page.locator("#messages .message.mine").nth(1).wait_for(timeout=15_000)
        with site.uow.read() as tx:
            bodies = [row.body for row in tx.messages.page(booking, 0, 10)]
        assert bodies == [
            "Could you bring the Clementi sonatina?",
            "Yes, I will.\nSee you on Thursday!",
            "One more",
        ]
        assert page.url.endswith(booking)  # no reload: the page sent it in place
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_a_conversation(site: Site, chromium: Any, width: int) -> None:
    context, page, studio, booking = _lesson_page(site, chromium, width)
    shots = SHOTS / str(width)
    shots.mkdir(parents=True, exist_ok=True)
    try:
        _teacher_writes(site, studio, booking, "Hi Sam! Could you bring the Clementi sonatina "
                        "and your scales book on Thursday?")
        page.reload()
        box = page.get_by_label("Your message")
        box.fill("Yes! Running about ten minutes late though, the bus is stuck.")
        box.press("Enter")
        page.locator("#messages .message.mine").wait_for(timeout=15_000)
        _teacher_writes(site, studio, booking, "No problem, see you at 17:10.")
        page.locator("#messages .message").nth(2).wait_for(timeout=15_000)
        box.fill("Thanks!")
        page.locator("#conversation").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "lesson-messages.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the lesson page scrolls sideways at {width} px"
    finally:
        context.close()
