"""What the weekly forms share: the weekday boxes, and the live preview of each date.

"Book weekly" (:mod:`ui.lessons.weekly_panel`) and "Change following" (:mod:`ui.lessons.
change_weekly_dialog`) both list, date by date, what the rule they describe would do there,
worked out by the caller on the database executor. :class:`LivePreview` asks after a short
pause once the rule changes (typing a count does not ask once per key) and shows only the
answer to the rule now on screen; :class:`PreviewList` shows it, a refusal in bold with its
reason -- the reason a single booking or move at that time would get.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import PreviewLesson, SeriesPreview
from ui.lessons import format as fmt

DAY_LETTERS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MARKS = {
    "book": "✓",
    "move": "→",
    "refused": "✗",
    "stay": "✗",
    "cancel": "✗",
    "later": "…",
    "break": "–",
}
#: What the person must look at: shown in bold, with the reason as the tooltip.
PROBLEMS = frozenset({"refused", "stay", "cancel"})

Rule = TypeVar("Rule")
#: Asks for the preview of a rule and hands it (or the reason there is none) back.
Previewer = Callable[[Rule, Callable[[SeriesPreview | str], None]], None]


def _at(moment: datetime, tz: ZoneInfo, *, year: bool = True) -> str:
    local = moment.astimezone(tz)
    day = f"{local:%a %-d %b %Y}" if year else f"{local:%a %-d %b}"
    return f"{day} {local:%H:%M} {fmt.zone_label(local)}"


def describe(lesson: PreviewLesson, tz: ZoneInfo) -> str:
    """One line of the preview: the date and the wall time in ``tz`` (with its zone's name,
    which changes across daylight saving while the time stays), and what happens there."""
    when = f"{lesson.day:%a %-d %b %Y}"
    if lesson.start is not None and lesson.outcome != "break":
        when = _at(lesson.start, tz)
    mark = _MARKS.get(lesson.outcome, "")
    was = ""
    if lesson.was is not None:
        same_day = lesson.start is not None and (
            lesson.was.astimezone(tz).date() == lesson.start.astimezone(tz).date()
        )
        was = f"{lesson.was.astimezone(tz):%H:%M}" if same_day else _at(lesson.was, tz, year=False)
    if lesson.outcome == "refused":
        return f"{mark} {when} — not booked: {lesson.reason}"
    if lesson.outcome == "later":
        return f"{mark} {when} — booked once your booking window reaches it"
    if lesson.outcome == "break":
        return f"{mark} {when} — no lesson ({lesson.reason or 'a break'})"
    if lesson.outcome == "move":
        return f"{mark} {when} — moved from {was}" if was else f"{mark} {when}"
    if lesson.outcome == "stay":
        return f"{mark} {when} — cannot move, stays {was}: {lesson.reason}"
    if lesson.outcome == "cancel":
        return f"{mark} {when} — cancelled: the new days have no place for it that week"
    return f"{mark} {when}"


def summary(preview: SeriesPreview) -> str:
    """ "3 booked now, 2 later, 1 not possible." -- a new series in a line."""
    booked, refused = preview.count("book"), preview.count("refused")
    later = preview.count("later")
    parts = [f"{booked} booked now"]
    if later:
        parts.append(f"{later} later")
    parts.append(f"{refused} not possible" if refused else "none refused")
    return ", ".join(parts) + "."


def change_summary(preview: SeriesPreview) -> str:
    """ "2 moved, 1 cannot move, 1 new lesson not possible." -- a change of the rule in a line."""

    def lessons(n: int) -> str:
        return f"{n} new lesson" if n == 1 else f"{n} new lessons"

    counted = (
        ("move", lambda n: f"{n} moved"),
        ("stay", lambda n: f"{n} cannot move"),
        ("cancel", lambda n: f"{n} cancelled"),
        ("book", lessons),
        ("refused", lambda n: f"{lessons(n)} not possible"),
        ("later", lambda n: f"{lessons(n)} later"),
    )
    parts = [words(preview.count(kind)) for kind, words in counted if preview.count(kind)]
    return (", ".join(parts) + ".") if parts else "No lesson changes."


def weekday_boxes(checked: tuple[int, ...]) -> tuple[QWidget, list[QCheckBox]]:
    """A row of Mon…Sun boxes (``weekday0``…``weekday6``), ``checked`` ticked."""
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(6)
    boxes: list[QCheckBox] = []
    for weekday, letters in enumerate(DAY_LETTERS):
        box = QCheckBox(letters)
        box.setObjectName(f"weekday{weekday}")
        box.setChecked(weekday in checked)
        boxes.append(box)
        line.addWidget(box)
    line.addStretch(1)
    return row, boxes


class PreviewList(QWidget):
    """A line that sums the preview up, and the preview date by date."""

    def __init__(
        self,
        accessible: str,
        summarize: Callable[[SeriesPreview], str] = summary,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._summarize = summarize
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.summary = QLabel("")
        self.summary.setObjectName("weeklySummary")
        self.summary.setProperty("role", "value")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.preview = QListWidget()
        self.preview.setObjectName("weeklyPreview")
        self.preview.setAccessibleName(accessible)
        self.preview.setMinimumHeight(150)
        self.preview.setWordWrap(True)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview.setResizeMode(QListWidget.ResizeMode.Adjust)
        layout.addWidget(self.preview)

    def show_preview(self, preview: SeriesPreview, tz: ZoneInfo) -> None:
        self.preview.clear()
        for lesson in preview.lessons:
            item = QListWidgetItem(describe(lesson, tz))
            item.setData(Qt.ItemDataRole.UserRole, lesson.outcome)
            if lesson.outcome in PROBLEMS:
                item.setToolTip(lesson.reason)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.preview.addItem(item)
        self.summary.setText(self._summarize(preview))

    def show_problem(self, text: str) -> None:
        self.preview.clear()
        self.summary.setText(text)


class LivePreview(QObject, Generic[Rule]):
    """Asks for the preview of the rule on screen shortly after it changed; shows only the
    answer to the newest rule asked (an older answer arriving late is dropped)."""

    def __init__(
        self,
        shown: PreviewList,
        previewer: Previewer[Rule],
        tz: Callable[[], ZoneInfo],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._shown = shown
        self._previewer = previewer
        self._tz = tz
        self._rule: Callable[[], Rule | None] = lambda: None
        self._asked: Rule | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._ask)

    def soon(self, rule: Callable[[], Rule | None]) -> None:
        """Ask for ``rule()`` (None: nothing to ask) after the pause."""
        self._rule = rule
        self._timer.start()

    def _ask(self) -> None:
        request = self._rule()
        if request is None:
            return
        self._asked = request
        self._shown.summary.setText("Checking each date…")

        def answered(answer: SeriesPreview | str) -> None:
            if request != self._asked:
                return  # the form changed meanwhile; a newer preview is on its way
            if isinstance(answer, str):
                self._shown.show_problem(answer)
            else:
                self._shown.show_preview(answer, self._tz())

        self._previewer(request, answered)
