"""Pull pages made ready for the store in the thread that fetched them."""

from __future__ import annotations

from typing import Any

from instainstru_desktop.store.pull import convert_page
from instainstru_desktop.store.wire_table import UnreadablePageError
from instainstru_desktop.sync.collector import collector_paused
from instainstru_desktop.sync.errors import UnreadableAnswer


def readable_page(page: dict[str, Any]) -> dict[str, Any]:
    """``page`` with its rows in the cache's column order (:func:`convert_page`). A page that
    cannot be read is a sync error a person is shown, raised before any of it is applied: the
    sync stops there, and the cursor stays at the last page written whole."""
    try:
        if not isinstance(page.get("cursor"), str):
            raise UnreadablePageError("the page names no position to continue from")
        with collector_paused():
            return convert_page(page)
    except UnreadablePageError as error:
        raise UnreadableAnswer(
            "unreadable_answer",
            200,
            "The server sent changes this app cannot read, so none of them were saved. "
            f"Your own changes are kept. Updating the app may help. ({error})",
        ) from error
