"""Screenshots of the week view a person can look at (tmp_path, and $INSTAINSTRU_SCREENSHOT_DIR).

Besides writing the PNGs, each test checks a few pixels that would betray a broken paint: the
now-line colour on today's column, a time-off column that is not plain background, a dark theme
that really is dark.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from tests.ui.sample_data import DST_WEEK, FALL_WEEK, now_in_week, realistic_week
from ui.appearance.theme import DARK, LIGHT, Palette
from ui.calendar.week_view import WeekView


def make_view(qtbot, palette: Palette, width: int = 1280, height: int = 820) -> WeekView:
    view = WeekView(palette=palette)
    qtbot.addWidget(view)
    view.resize(width, height)
    view.set_snapshot(realistic_week())
    view.set_now(now_in_week())
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()  # window activation gives the view focus: take it back after
    view.clearFocus()
    return view


def luminance(colour: QColor) -> float:
    return 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_week_view_screenshot(qtbot, save_shot, palette):
    view = make_view(qtbot, palette)
    path = save_shot(view, f"week_{palette.name}")
    image = view.grab().toImage()
    assert path.exists()
    geo = view.week_geometry()
    now_y = round(geo.y_for_minute(14 * 60 + 20))
    now_x = geo.column_left(2) + geo.column_width(2) // 2
    assert image.pixelColor(now_x, now_y) == QColor(palette.now_line)
    corner = image.pixelColor(5, geo.header_height + 5)
    assert (luminance(corner) < 0.3) == palette.dark
    off = image.pixelColor(geo.column_left(3) + 20, geo.header_height + 200)
    assert off != QColor(palette.base)


def test_week_view_dst_screenshots(qtbot, save_shot):
    view = make_view(qtbot, LIGHT)
    view.set_snapshot(realistic_week(DST_WEEK))
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(0))
    save_shot(view, "week_dst_spring_light")
    view.set_snapshot(realistic_week(FALL_WEEK))
    view.set_theme(DARK)
    save_shot(view, "week_dst_autumn_dark")


def test_week_view_in_another_zone_screenshot(qtbot, save_shot):
    view = make_view(qtbot, LIGHT)
    view.set_display_zone("America/New_York")
    view.scroll_to_working_hours()
    save_shot(view, "week_new_york_light")


def test_week_view_drag_preview_and_selection_screenshot(qtbot, save_shot):
    from PySide6.QtCore import Qt

    view = make_view(qtbot, LIGHT, 1000, 640)
    geo = view.week_geometry()
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(6, 40))
    qtbot.mouseMove(vp, pos=geo.cell_center(6, 47))
    save_shot(view, "week_drag_paint_light")
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(6, 47))
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(1, 47))
    qtbot.mouseMove(vp, pos=geo.cell_center(1, 51))
    save_shot(view, "week_drag_erase_light")
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(1, 51))
    view.setFocus()
    view.set_cursor_cell(5, 56)
    view.set_cursor_cell(6, 60, extend=True)
    save_shot(view, "week_keyboard_selection_light")


def test_week_view_high_dpi_and_narrow(qtbot, save_shot):
    view = make_view(qtbot, DARK, 760, 560)
    save_shot(view, "week_narrow_dark")
    image = view.viewport().grab()
    assert image.width() >= 700


def test_week_view_busy_day_screenshot(qtbot, save_shot):
    """Overlapping, 15-minute and midnight-crossing lessons: nothing may overlap or clip."""
    from dataclasses import replace
    from datetime import timedelta

    from tests.ui.sample_data import WEEK, lesson

    base = realistic_week()
    tue = WEEK + timedelta(days=1)
    extra = (
        lesson("o1", tue, "18:00", "ana", "piano"),
        lesson("o2", tue, "18:15", "ben", "guitar"),
        lesson("o3", tue, "18:30", "chloe", "theory"),
        lesson("q1", WEEK + timedelta(days=6), "09:00", "dmitri", "guitar", minutes=15),
        lesson("q2", WEEK + timedelta(days=6), "09:15", "emma", "trial", minutes=20),
        lesson("n1", WEEK + timedelta(days=5), "23:30", "farah", "theory", minutes=60),
    )
    view = make_view(qtbot, LIGHT, 1100, 760)
    view.set_snapshot(replace(base, lessons=base.lessons + extra))
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(8 * 60 + 30))
    save_shot(view, "week_busy_light")
    rects = view.lesson_rects()
    for a in ("o1", "o2", "o3"):
        for b in ("o1", "o2", "o3"):
            if a < b:
                assert not rects[a][0].intersects(rects[b][0])
    assert len(rects["n1"]) == 2
    view.verticalScrollBar().setValue(view.week_geometry().max_scroll)
    save_shot(view, "week_busy_evening_light")
