"""Theme-coloured SVG icons that stay sharp at any size and device pixel ratio.

The SVG files draw with ``currentColor``; an icon engine substitutes the palette colour for each
mode (normal, disabled, selected) and renders the vector at the exact pixel size Qt asks for,
so a 16 px icon on a 2x screen is drawn at 32 device pixels instead of being scaled up.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ui.appearance.resources_path import resource_path
from ui.appearance.theme import LIGHT, Palette

ICON_NAMES = (
    "prev",
    "next",
    "today",
    "calendar",
    "sync",
    "offline",
    "online",
    "warning",
    "undo",
    "redo",
    "paint",
    "erase",
    "settings",
    "lesson",
    "check",
    "cross",
    "clock",
    "user",
    "note",
    "globe",
    "time-off",
    "attention",
    "book",
)


@cache
def svg_source(name: str) -> str:
    """The raw SVG text of an icon."""
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


@cache
def _renderer(name: str, color: str) -> QSvgRenderer:
    data = svg_source(name).replace("currentColor", color)
    return QSvgRenderer(QByteArray(data.encode("utf-8")))


class SvgIconEngine(QIconEngine):
    """Renders one SVG per mode in the mode's colour, at device resolution."""

    def __init__(self, name: str, colors: dict[QIcon.Mode, str]) -> None:
        super().__init__()
        self._name = name
        self._colors = colors

    def _color(self, mode: QIcon.Mode) -> str:
        return self._colors.get(mode, self._colors[QIcon.Mode.Normal])

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        _renderer(self._name, self._color(mode)).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        device = QSize(round(size.width() * scale), round(size.height() * scale))
        pixmap = QPixmap(device)
        pixmap.fill(Qt.GlobalColor.transparent)
        with QPainter(pixmap) as painter:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            _renderer(self._name, self._color(mode)).render(
                painter, QRectF(0, 0, device.width(), device.height())
            )
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self._name, dict(self._colors))

    def key(self) -> str:
        return "instainstru-svg"


_icon_cache: dict[tuple[str, str, str], QIcon] = {}


def icon(name: str, palette: Palette = LIGHT, role: str = "text") -> QIcon:
    """A themed icon; ``role`` names the palette colour for the normal mode."""
    key = (name, palette.name, role)
    cached = _icon_cache.get(key)
    if cached is None:
        colors = {
            QIcon.Mode.Normal: str(getattr(palette, role)),
            QIcon.Mode.Active: str(getattr(palette, role)),
            QIcon.Mode.Disabled: palette.text_disabled,
            QIcon.Mode.Selected: palette.accent_text,
        }
        cached = QIcon(SvgIconEngine(name, colors))
        _icon_cache[key] = cached
    return cached


def icon_pixmap(name: str, size: int, dpr: float, color: str) -> QPixmap:
    """A device-resolution pixmap of an icon in any colour (the painter's small markers)."""
    return _pixmap(name, size, round(dpr * 100), color)


@cache
def _pixmap(name: str, size: int, dpr_percent: int, color: str) -> QPixmap:
    dpr = dpr_percent / 100
    engine = SvgIconEngine(name, {QIcon.Mode.Normal: color})
    return engine.scaledPixmap(QSize(size, size), QIcon.Mode.Normal, QIcon.State.Off, dpr)


def app_icon() -> QIcon:
    """The application icon, in its own colours (not themed)."""
    return QIcon(str(resource_path("icons", "app.svg")))
