"""Which views read the cache again, after an edit and after a sync.

Every write use case answers a :class:`~instainstru_desktop.services.views.Changed` naming what
it touched, and every sync a :class:`~instainstru_desktop.sync.engine.SyncReport` naming the
rows it wrote or settled. The refresher hands a change to each page, and each page decides from
it whether its own view is touched, as Anki's views do with ``OpChanges``: the week re-reads
only when its dates, its lessons or the usual week changed, the lesson lists move the lessons a
change names, the needs-attention list re-reads when it is named. The status bar is a few counts
and is read after every sync and every queued edit.

A sync that names nothing costs one status read; one that names rows costs a read that turns
them into a ``Changed`` (which dates a pulled lesson lies on), then what the pages need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ui.calendar.week_page import WeekPage
from ui.shell.session import Session
from ui.widgets.status_bar import SyncStatusBar

if TYPE_CHECKING:
    from instainstru_desktop.services.views import Changed
    from instainstru_desktop.sync.engine import SyncReport

class Refresher:
    """Routes what changed to the pages that show it."""

    def __init__(
        self,
        session: Session,
        week: WeekPage,
        status_bar: SyncStatusBar,
    ) -> None:
        self.session = session
        self.week = week
        self.status_bar = status_bar
        #: The pages after the week that follow changes the same way (``page.on_changed``):
        #: the lessons, needs attention and the profile, added as they are built.
        self.followers: list[Callable[[Changed], None]] = []

    def everything(self) -> None:
        """Re-read every view (at start, after a fresh download)."""
        self.apply(_everything())

    def apply(self, changed: Changed) -> None:
        """An edit (or a sync) changed this: each page re-reads what of it it shows."""
        if not self.session.is_ready:
            return
        self._pages(changed)
        if changed.everything or changed.attention or changed.mutation_ids or changed.withdrawn:
            self._read_status()

    def after_sync(self, report: SyncReport) -> None:
        """A sync finished: the status always changed (last sync, online), the rest may have."""
        if not self.session.is_ready:
            return
        self._read_status()
        if report.reset or report.resent:  # a repair: edits shown pending again, a notice
            self._pages(_everything())
            return
        named = report.booking_ids or report.override_keys or report.template_instructors
        if not (named or report.kinds or report.rejected):
            return
        status = self.session.services.status
        booking_ids, override_keys = set(report.booking_ids), set(report.override_keys)
        templates, kinds = set(report.template_instructors), set(report.kinds)
        refused = report.rejected > 0
        self.session.ops.run_db(
            lambda: status.changed_by_sync(
                booking_ids=booking_ids,
                override_keys=override_keys,
                template_instructors=templates,
                kinds=kinds,
                refused=refused,
            ),
            self._pages,
            what="reading what the sync changed",
        )

    def _pages(self, changed: Changed) -> None:
        self.week.on_changed(changed)
        for follow in self.followers:
            follow(changed)

    def _read_status(self) -> None:
        status = self.session.services.status
        self.session.ops.run_db(
            status.status, self.status_bar.set_status, what="reading the sync status"
        )


def _everything() -> Changed:
    """A change naming every view (the read models load after the first paint, not with it)."""
    from instainstru_desktop.services.views import Changed

    return Changed(everything=True)
