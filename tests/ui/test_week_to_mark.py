"""A lesson that ended without an outcome looks different in the week from one still ahead."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from tests.ui.sample_data import WEEK, lesson, now_in_week, realistic_week
from tests.ui.test_screenshots_week import make_view
from ui.appearance.theme import DARK, LIGHT, Palette
from ui.calendar.cards import STRIPE


def near(a: QColor, b: QColor, slack: int = 40) -> bool:
    return all(abs(x - y) <= slack for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def fill_of(image: QImage, rect: QRectF) -> QColor:
    """A pixel of the card's fill: inside, right of the stripe, below the text."""
    return image.pixelColor(round(rect.left()) + STRIPE + 3, round(rect.bottom()) - 3)


def warning_on_edge(image: QImage, rect: QRectF, palette: Palette) -> int:
    """How many pixels of the card's top edge are drawn in the warning colour."""
    warning = QColor(palette.warning)
    return sum(
        any(
            near(image.pixelColor(x, y), warning)
            for y in (round(rect.top()), round(rect.top()) + 1)
        )
        for x in range(round(rect.left()) + 6, round(rect.right()) - 6)
    )


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_an_ended_unmarked_lesson_is_drawn_apart(qtbot, save_shot, palette):
    day = WEEK + timedelta(days=2)  # Wednesday; "now" is 14:20 there
    ended = lesson("p1", day, "12:00", "dmitri", "singing")
    ahead = lesson("p2", day, "16:00", "dmitri", "singing")
    week = realistic_week()
    others = tuple(c for c in week.lessons if c.start.date() != ended.start.date())
    view = make_view(qtbot, palette)
    view.set_snapshot(replace(week, lessons=(*others, ended, ahead)))
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(11 * 60))
    image = view.grab().toImage()
    rects = view.lesson_rects()
    [was], [will] = rects["p1"], rects["p2"]
    save_shot(view, f"week_to_mark_{palette.name}")
    assert not near(fill_of(image, was), fill_of(image, will), slack=6)  # a paler fill
    assert warning_on_edge(image, was, palette) > 10  # a dashed outline in the warning colour
    assert warning_on_edge(image, will, palette) == 0
    save_shot(view, f"week_to_mark_{palette.name}")

    view.set_now(now_in_week() + timedelta(hours=3))  # 17:20: the later lesson has ended too
    image = view.grab().toImage()
    assert warning_on_edge(image, will, palette) > 10
