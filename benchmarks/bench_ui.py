"""Week view painting speed against a naive QPainter loop measured in the same run.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_ui.py``

Figures (median of many runs, milliseconds):
- full repaint of a 1400×900 week with 50, 300 and 2,000 lessons, against a baseline that only
  fills each lesson rectangle and draws its three texts with ``drawText(rect, flags, text)``
  (the week view draws the grid, header, hours, stripes and markers on top of that);
- a drag repaint: one mouse move of a paint drag, as the widget does it (preview + clipped
  repaint of the changed cells);
- moving to the next week: ``set_snapshot`` + a full repaint.
Ratios below 1 mean the week view is faster than the naive loop.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.sample_data import WEEK, random_week
from ui.calendar.geometry import WeekGeometry
from ui.calendar.painter import WeekPainter
from ui.calendar.state import ViewState
from ui.calendar.timeline import DisplayWeek
from ui.calendar.week_view import WeekView

WIDTH, HEIGHT = 1400, 900


def median_ms(fn: Callable[[], None], runs: int) -> float:
    """Median wall time of ``fn`` in milliseconds after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def send_mouse(widget: QWidget, kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton) -> None:
    held = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        button,
        held,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def naive_paint(image: QImage, geo: WeekGeometry, week: DisplayWeek, font: QFont) -> None:
    """The baseline: a plain loop over the same rectangles and texts."""
    with QPainter(image) as p:
        p.fillRect(image.rect(), QColor("#ffffff"))
        p.setFont(font)
        for seg in week.segments:
            rect = geo.lesson_rect(seg)
            card = seg.card
            p.fillRect(rect, QColor(card.color))
            third = rect.height() / 3
            top = rect.adjusted(6, 0, -2, -2 * third)
            p.drawText(top, Qt.AlignmentFlag.AlignLeft, card.student_name)
            p.drawText(top.translated(0, third), Qt.AlignmentFlag.AlignLeft, card.lesson_type_name)
            p.drawText(
                top.translated(0, 2 * third),
                Qt.AlignmentFlag.AlignLeft,
                f"{card.start:%H:%M}–{card.end:%H:%M}",
            )


def full_repaint(count: int) -> tuple[float, float]:
    week = DisplayWeek.build(random_week(count))
    geo = WeekGeometry(WIDTH, HEIGHT, scroll_y=WeekGeometry(WIDTH, HEIGHT).scroll_for_minute(450))
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    state = ViewState()
    painter = WeekPainter()

    def ours() -> None:
        with QPainter(image) as p:
            painter.paint(p, geo, week, state)

    font = QFont(state.font)
    font.setPixelSize(11)
    runs = 40 if count <= 300 else 15
    return median_ms(ours, runs), median_ms(lambda: naive_paint(image, geo, week, font), runs)


def widget_figures(app: QApplication) -> tuple[float, float, float]:
    view = WeekView()
    view.resize(WIDTH, HEIGHT)
    snapshot = random_week(300)
    view.set_snapshot(snapshot)
    view.show()
    app.processEvents()
    view.scroll_to_working_hours()
    view.viewport().repaint()
    geo = view.week_geometry()
    vp = view.viewport()
    press = geo.cell_center(1, 40)
    send_mouse(vp, QEvent.Type.MouseButtonPress, press, Qt.MouseButton.LeftButton)
    app.processEvents()
    moves = iter(range(10**9))

    def drag_step() -> None:
        # One mouse move of a paint drag, delivered like a real one, then the repaint Qt does
        # for the region the widget invalidated (cells and their day headers).
        slot = 44 + next(moves) % 2
        send_mouse(vp, QEvent.Type.MouseMove, geo.cell_center(2, slot), Qt.MouseButton.NoButton)
        app.processEvents()

    drag = median_ms(drag_step, 200)
    view.undo_stack().setUndoLimit(0)
    send_mouse(
        vp, QEvent.Type.MouseButtonRelease, geo.cell_center(2, 44), Qt.MouseButton.LeftButton
    )

    weeks = [random_week(300, WEEK + timedelta(days=7 * i), seed=i) for i in range(2)]
    flip = iter(range(10**9))

    def next_week() -> None:
        view.set_snapshot(weeks[next(flip) % 2])
        view.viewport().repaint()

    move = median_ms(next_week, 30)

    def full() -> None:
        view.viewport().repaint()

    whole = median_ms(full, 30)
    view.close()
    return drag, move, whole


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    print(f"Week view paint, {WIDTH}×{HEIGHT}, offscreen; medians in ms (ratio = ours / naive)")
    for count in (50, 300, 2000):
        ours, naive = full_repaint(count)
        print(
            f"  full repaint, {count:>5} lessons: week view {ours:7.2f}   "
            f"naive loop {naive:7.2f}   ratio {ours / naive:5.2f}"
        )
    drag, move, whole = widget_figures(app)
    print(f"  widget full repaint (300 lessons)       {whole:7.2f}")
    print(f"  drag repaint (one mouse move)           {drag:7.3f}   target < 2 ms")
    print(f"  next week (set_snapshot + repaint)      {move:7.2f}")


if __name__ == "__main__":
    main()
