"""Where students book an instructor: the address of their page on the server, if it has one.

A standalone server serves the student pages at its own address, one page per instructor at
``/<slug>``; the server embedded in the app serves none (it answers only the app), and an
operator may turn the pages off. The server says which in ``GET /meta`` (``student_pages``), and
the slug comes with the instructor's profile, so the address is always the server's current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from instainstru_desktop.sync.api import ApiClient

#: Why there is no page on the server built into the app (said without asking it).
EMBEDDED_REASON = (
    "Students book you on a booking page of a studio server. This app is running its own "
    "built-in server, which only this computer can reach, so there is no page to open or "
    "share. Connect to your studio's server (File → Connect to a server…) to get yours. "
    "The preview shows what students would see."
)
NOT_SERVED_REASON = (
    "The server at {host} does not serve booking pages to students, so there is no page to "
    "open or share. Its operator can turn them on."
)


@dataclass(frozen=True, slots=True)
class BookingPage:
    """The page's address, or why there is none (in words)."""

    url: str | None
    reason: str = ""


def booking_page(api: ApiClient, instructor_id: str) -> BookingPage:
    """Ask the server whether it serves the pages and, when it does, the instructor's address.

    Raises the API's typed errors (:class:`~instainstru_desktop.sync.errors.Offline` when the
    server cannot be reached).
    """
    if not api.meta().get("student_pages"):
        return BookingPage(None, NOT_SERVED_REASON.format(host=api.host))
    slug = str(api.instructor(instructor_id).get("slug") or "")
    if not slug:
        return BookingPage(None, f"The server at {api.host} has no booking page for you yet.")
    return BookingPage(f"{api.base_url}/{quote(slug)}")
