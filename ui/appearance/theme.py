"""Light and dark looks: one ``Palette`` for the custom-painted views, QSS and QPalette from it.

The week view paints itself, so it cannot follow a style sheet; both the painter and the QSS
templates in ``resources/themes`` take their colours from the same dataclass here, which keeps
the painted calendar and the native widgets around it in agreement in both themes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, fields
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from ui.appearance.resources_path import resource_path


class ThemeChoice(enum.StrEnum):
    """What the user picked in the settings."""

    LIGHT = "light"
    DARK = "dark"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour the app uses by role; ``#RRGGBB`` strings, alpha given where it matters."""

    name: str
    dark: bool
    window: str
    base: str  # calendar and list background
    surface: str  # headers, gutters, panes
    raised: str  # buttons, cards on surface
    text: str
    text_secondary: str
    text_disabled: str
    border: str
    grid_quarter: str  # 15-minute lines
    grid_hour: str
    grid_day: str  # column separators
    accent: str
    accent_text: str  # text on the accent colour
    today_column: str
    available_fill: str
    available_edge: str
    paint_preview: str
    erase_preview: str
    selection: str
    now_line: str
    time_off_fill: str
    time_off_text: str
    gap_hatch: str
    warning: str
    error: str
    success: str
    lesson_mix: float  # how much lesson colour goes into a card's fill (rest is the base)

    def color(self, role: str, alpha: int = 255) -> QColor:
        """A QColor of a role, optionally translucent (0–255)."""
        c = QColor(getattr(self, role))
        c.setAlpha(alpha)
        return c


LIGHT = Palette(
    name="light",
    dark=False,
    window="#f3f4f6",
    base="#ffffff",
    surface="#f8f9fb",
    raised="#ffffff",
    text="#1d2127",
    text_secondary="#5b6472",
    text_disabled="#9aa2ad",
    border="#d5d9df",
    grid_quarter="#f0f2f5",
    grid_hour="#dfe3e8",
    grid_day="#d3d8de",
    accent="#2563d9",
    accent_text="#ffffff",
    today_column="#f5f8ff",
    available_fill="#dcf3e3",
    available_edge="#5fb878",
    paint_preview="#3fa95c",
    erase_preview="#d9534f",
    selection="#2563d9",
    now_line="#e0352b",
    time_off_fill="#eceef1",
    time_off_text="#6b7380",
    gap_hatch="#c6ccd4",
    warning="#c77700",
    error="#cc2f26",
    success="#23863b",
    lesson_mix=0.24,
)

DARK = Palette(
    name="dark",
    dark=True,
    window="#1b1c1f",
    base="#202226",
    surface="#26282d",
    raised="#2e3137",
    text="#e8eaed",
    text_secondary="#a7adb7",
    text_disabled="#6c727c",
    border="#3a3e45",
    grid_quarter="#272a2f",
    grid_hour="#353940",
    grid_day="#3b3f47",
    accent="#4a8cff",
    accent_text="#ffffff",
    today_column="#222a38",
    available_fill="#22432d",  # lighter than the page by 12 L*: dark themes read lightness
    available_edge="#3f9a5c",
    paint_preview="#4cc071",
    erase_preview="#ef6b63",
    selection="#6aa2ff",
    now_line="#ff5a4e",
    time_off_fill="#2a2c31",
    time_off_text="#9aa1ab",
    gap_hatch="#4a4f58",
    warning="#f0a93b",
    error="#ff6b61",
    success="#5cc97a",
    lesson_mix=0.34,
)


def palette_for(choice: ThemeChoice | str) -> Palette:
    """The palette a choice resolves to on this machine right now."""
    return DARK if is_dark(ThemeChoice(choice)) else LIGHT


def is_dark(choice: ThemeChoice) -> bool:
    """Resolve "system" with Qt's colour-scheme hint (light when Qt cannot tell)."""
    if choice is ThemeChoice.SYSTEM:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            return app.styleHints().colorScheme() == Qt.ColorScheme.Dark
        return False
    return choice is ThemeChoice.DARK


def style_sheet(palette: Palette) -> str:
    """The QSS of a palette: the template file with the palette's colours filled in."""
    template = resource_path("themes", "app.qss").read_text(encoding="utf-8")
    values = {f.name: str(getattr(palette, f.name)) for f in fields(palette)}
    values["sort_ascending"] = resource_path("themes", "sort-up.svg").as_posix()
    values["sort_descending"] = resource_path("themes", "sort-down.svg").as_posix()
    values["check_mark"] = resource_path("themes", "check-mark.svg").as_posix()  # on accent
    return Template(template).substitute(values)


def qpalette(palette: Palette) -> QPalette:
    """A QPalette so that unstyled widgets (menus, dialogs, scroll bars) match the theme."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: palette.window,
        QPalette.ColorRole.WindowText: palette.text,
        QPalette.ColorRole.Base: palette.base,
        QPalette.ColorRole.AlternateBase: palette.surface,
        QPalette.ColorRole.Text: palette.text,
        QPalette.ColorRole.Button: palette.raised,
        QPalette.ColorRole.ButtonText: palette.text,
        QPalette.ColorRole.ToolTipBase: palette.raised,
        QPalette.ColorRole.ToolTipText: palette.text,
        QPalette.ColorRole.PlaceholderText: palette.text_secondary,
        QPalette.ColorRole.Highlight: palette.accent,
        QPalette.ColorRole.HighlightedText: palette.accent_text,
        QPalette.ColorRole.Link: palette.accent,
        QPalette.ColorRole.Mid: palette.border,
        QPalette.ColorRole.Midlight: palette.surface,
        QPalette.ColorRole.Light: palette.raised,
        QPalette.ColorRole.Dark: palette.border,
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, value in roles.items():
        pal.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(palette.text_disabled))
    return pal


_system_followers: dict[int, Callable[[Palette], None]] = {}
_connected: set[int] = set()


def follow_system_theme(app: QApplication, on_change: Callable[[Palette], None]) -> None:
    """Re-apply the "system" theme when the desktop switches between light and dark.

    One listener per application: choosing "system" again replaces the callback instead of
    stacking another connection.
    """
    key = id(app)
    first = key not in _connected
    _connected.add(key)
    _system_followers[key] = on_change

    def changed(_scheme: Qt.ColorScheme) -> None:
        follower = _system_followers.get(key)
        if follower is not None:  # None: the person has since chosen light or dark
            follower(apply_theme(app, ThemeChoice.SYSTEM))

    if first:
        app.styleHints().colorSchemeChanged.connect(changed)


def stop_following_system_theme(app: QApplication) -> None:
    """A fixed light or dark choice: desktop switches no longer change the app."""
    _system_followers.pop(id(app), None)


#: Qt's own command-line choice of the style, given to the application the app makes.
STYLE_ARGUMENTS = ("-style", "Fusion")
#: Applications made Fusion by :data:`STYLE_ARGUMENTS` (nothing in the app sets another style).
_born_fusion: set[int] = set()


def new_application(program: str) -> QApplication:
    """The app's QApplication, in the Fusion style from the start.

    ``setStyle`` answers with the new QStyle, and PySide6 creates QStyle's Python class for that
    answer, with its eleven enums (some 600 names): a few milliseconds of the first paint.
    """
    app = QApplication([program, *STYLE_ARGUMENTS])
    _born_fusion.add(id(app))
    return app


def apply_theme(app: QApplication, choice: ThemeChoice | str) -> Palette:
    """Switch the whole application to a theme and return the palette for painted views.

    Fusion is used because it follows QPalette on every platform (the Windows "vista" style
    ignores it, which would leave black text on a dark window).
    """
    palette = palette_for(choice)
    # Only when it is not Fusion yet: setting a style deletes the one in use, and widgets that
    # are open may still hold it (a later theme switch crashed in Qt when it did). An
    # application made Fusion by its arguments is not asked (its answer would be a QStyle).
    if id(app) not in _born_fusion and app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(qpalette(palette))
    app.setStyleSheet(style_sheet(palette))
    return palette


def use_theme(choice: ThemeChoice | str, on_system_change: Callable[[Palette], None]) -> Palette:
    """Apply a theme chosen by the person to the running application; with "system", follow the
    desktop's later switches too (``on_system_change`` repaints the window with the new palette)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette = apply_theme(app, choice)
    if choice == ThemeChoice.SYSTEM:
        follow_system_theme(app, on_system_change)
    else:
        stop_following_system_theme(app)
    return palette
