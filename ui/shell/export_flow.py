"""Exporting bookings to a file: ask where, write it on the database thread, say how it went.

Admins export the bookings their filters show (CSV or iCalendar); instructors export their own
lessons as iCalendar. The writing never runs on the UI thread: 100,000 bookings take seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from instainstru_desktop.services.review_views import ReviewQuery, SortKey
    from ui.shell.session import Session

KINDS = {
    "csv": ("Export bookings as CSV", "CSV files (*.csv)"),
    "ics": ("Export as iCalendar", "iCalendar files (*.ics)"),
}


def default_folder() -> Path:
    from PySide6.QtCore import QStandardPaths  # loaded when asked: not at the first paint

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


class ExportFlow(QObject):
    """Asks for a file and writes the export there; ``told`` says how it went."""

    told = Signal(str)

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self._parent = parent

    @staticmethod
    def choose_path(parent: QWidget, kind: str, suggested: str) -> Path | None:
        """The file to write (None: the person cancelled); tests replace this."""
        from PySide6.QtWidgets import QFileDialog  # loaded when asked: not at the first paint

        title, pattern = KINDS[kind]
        chosen, _ = QFileDialog.getSaveFileName(
            parent, title, str(default_folder() / suggested), pattern
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix == f".{kind}" else path.with_name(f"{path.name}.{kind}")

    def bookings(self, kind: str, query: ReviewQuery, sort: SortKey, descending: bool) -> None:
        """The filtered bookings, in table order, as ``kind`` ("csv" or "ics")."""
        path = self.choose_path(self._parent, kind, f"bookings-{date.today()}.{kind}")
        if path is None:
            return
        export = self._session.services.export
        write = export.bookings_csv if kind == "csv" else export.bookings_ics
        self._run(lambda: write(query, path, sort, descending), path)

    def my_lessons(self, instructor_id: str) -> None:
        """One instructor's lessons as an iCalendar file."""
        path = self.choose_path(self._parent, "ics", f"my-lessons-{date.today()}.ics")
        if path is None:
            return
        export = self._session.services.export
        self._run(lambda: export.my_lessons_ics(instructor_id, path), path)

    def _run(self, write: Callable[[], int], path: Path) -> None:
        def done(count: int) -> None:
            noun = "booking" if count == 1 else "bookings"
            self.told.emit(f"Exported {count:,} {noun} to {path}.")

        self._session.ops.run_db(write, done, what=f"exporting to {path.name}")
