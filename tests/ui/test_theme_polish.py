"""The looks, checked in pixels: sort arrows that tell the order, painted hours that stand out
in the dark theme too, dialog buttons without dated stock icons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QHeaderView, QProxyStyle, QStyle

from tests.ui.sample_data import ZONE, lesson_lists
from tests.ui.test_screenshots_panels import themed  # noqa: F401 - the fixture
from ui.appearance.theme import DARK, LIGHT, Palette, style_sheet
from ui.lessons.lessons_view import LessonsView, Tab


def arrow_direction(header: QHeaderView, section: int) -> str:
    """"up" (▲) or "down" (▼): which way the sort arrow drawn in ``section`` points."""
    image = header.grab().toImage()
    right = header.sectionViewportPosition(section) + header.sectionSize(section)
    background = image.pixelColor(right - 40, 3)
    widths = []
    for y in range(2, image.height() - 2):
        drawn = sum(
            abs(image.pixelColor(x, y).lightness() - background.lightness()) > 40
            for x in range(right - 28, right - 2)
        )
        if 0 < drawn < 20:  # the arrow, not a border line across the section
            widths.append(drawn)
    assert len(widths) >= 3, "no sort arrow found"
    return "down" if widths[0] > widths[-1] else "up"


def test_sort_arrows_point_the_way_the_list_is_sorted(qtbot, save_shot, themed):  # noqa: F811
    upcoming, past, cancelled = lesson_lists()
    view = LessonsView(time_zone=ZONE, palette=themed)
    for tab, lessons in ((Tab.UPCOMING, upcoming), (Tab.PAST, past), (Tab.CANCELLED, cancelled)):
        view.set_lessons(tab, lessons)
    qtbot.addWidget(view)
    view.resize(1100, 500)
    view.show()
    qtbot.waitExposed(view)
    for tab in (Tab.PAST, Tab.CANCELLED):  # newest first: the arrow points down (▼)
        view.show_tab(tab)
        header = view.tables[tab].horizontalHeader()
        assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
        assert arrow_direction(header, header.sortIndicatorSection()) == "down"
    save_shot(view, f"lessons_sorted_newest_first_{themed.name}")
    view.show_tab(Tab.UPCOMING)  # soonest first: up (▲), as file managers show ascending
    header = view.tables[Tab.UPCOMING].horizontalHeader()
    assert header.sortIndicatorOrder() is Qt.SortOrder.AscendingOrder
    assert arrow_direction(header, header.sortIndicatorSection()) == "up"
    header.setSortIndicator(header.sortIndicatorSection(), Qt.SortOrder.DescendingOrder)
    assert arrow_direction(header, header.sortIndicatorSection()) == "down"


def lab(colour: QColor) -> tuple[float, float, float]:
    """CIE L*a*b* of a colour (sRGB, D65)."""

    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_painted_hours_stand_out_from_unpainted_ones(qtbot, palette: Palette):
    """Measured on the painted week. On white the green's hue carries the difference (ΔE 13);
    on a dark ground the eye goes by lightness, and the dark theme's painted hours were only
    6 L* above the empty ones (ΔE 17): now at least 10."""
    from tests.ui.test_screenshots_week import make_view

    view = make_view(qtbot, palette)
    image = view.grab().toImage()
    geo = view.week_geometry()
    x = geo.column_left(1) + geo.column_width(1) // 2  # Tuesday: hours 10:00–18:00
    painted = lab(image.pixelColor(x, round(geo.y_for_minute(12 * 60 + 7))))
    unpainted = lab(image.pixelColor(x, round(geo.y_for_minute(19 * 60 + 7))))
    distance = sum((p - q) ** 2 for p, q in zip(painted, unpainted, strict=True)) ** 0.5
    lighter = painted[0] - unpainted[0]
    print(f"{palette.name}: painted vs unpainted ΔE {distance:.1f}, ΔL* {lighter:.1f}")
    assert distance >= 10
    if palette.dark:
        assert lighter >= 10


class IconsOnButtons(QProxyStyle):
    """A desktop whose theme puts stock icons on dialog buttons (KDE, some GNOME themes)."""

    def styleHint(self, hint, option=None, widget=None, data=None):  # type: ignore[override]
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 1
        return super().styleHint(hint, option, widget, data)

    def standardIcon(self, which, option=None, widget=None):  # type: ignore[override]
        """A tick for every stock button, whatever icon theme this machine has (none, say)."""
        tick = QPixmap(16, 16)
        tick.fill(QColor("#2e7d32"))
        return QIcon(tick)


def test_dialog_buttons_carry_no_stock_icons(qtbot, qapp):
    """Fusion asks the desktop whether dialog buttons get icons; on such a desktop OK and Cancel
    got a green tick and a red cross. The theme's style sheet says no, whatever the desktop."""
    style, sheet = qapp.style().name(), qapp.styleSheet()
    try:
        qapp.setStyleSheet("")  # an earlier test of this process may have left the theme on
        qapp.setStyle(IconsOnButtons("Fusion"))
        plain = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        qtbot.addWidget(plain)
        assert not plain.button(QDialogButtonBox.StandardButton.Ok).icon().isNull()  # the wish
        qapp.setStyleSheet(style_sheet(LIGHT))  # what apply_theme puts over the style
        themed_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        qtbot.addWidget(themed_box)
        for button in themed_box.buttons():
            assert button.icon().isNull(), button.text()
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setStyle(style)
        qapp.setPalette(QApplication.style().standardPalette())
