"""Themes, icons and resource lookup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

import ui.appearance.resources_path as resources_path
from ui.appearance.icons import ICON_NAMES, app_icon, icon, icon_pixmap
from ui.appearance.theme import (
    DARK,
    LIGHT,
    Palette,
    ThemeChoice,
    apply_theme,
    palette_for,
    style_sheet,
)


def contrast(a: str, b: str) -> float:
    def lum(hex_colour: str) -> float:
        c = QColor(hex_colour)
        parts = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            parts.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("pal", [LIGHT, DARK], ids=["light", "dark"])
def test_text_has_enough_contrast(pal: Palette):
    for background in (pal.base, pal.surface, pal.window):
        assert contrast(pal.text, background) >= 7
        assert contrast(pal.text_secondary, background) >= 4.5
    assert contrast(pal.accent_text, pal.accent) >= 3  # today's date in its circle, bold


@pytest.mark.parametrize("pal", [LIGHT, DARK], ids=["light", "dark"])
def test_style_sheet_fills_every_placeholder(pal: Palette):
    qss = style_sheet(pal)
    assert "$" not in qss
    assert pal.accent in qss


def test_apply_theme_sets_the_application_palette(qapp):
    style = qapp.style().name()
    try:
        got = apply_theme(qapp, "dark")
        assert got is DARK
        assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(DARK.window)
        assert apply_theme(qapp, ThemeChoice.LIGHT) is LIGHT
        assert palette_for("system") in (LIGHT, DARK)
    finally:
        qapp.setStyleSheet("")
        qapp.setStyle(style)
        qapp.setPalette(QApplication.style().standardPalette())


@pytest.mark.parametrize("name", ICON_NAMES)
def test_every_icon_renders_sharp_at_high_dpi(qapp, name: str):
    pixmap = icon(name, DARK).pixmap(QSize(16, 16), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert pixmap.width() == 32  # drawn at device resolution, not scaled up
    image = pixmap.toImage()
    opaque = sum(1 for x in range(32) for y in range(32) if image.pixelColor(x, y).alpha() > 128)
    assert opaque > 10, f"{name} renders empty"
    # themed: the strokes take the palette's text colour
    colours = {
        image.pixelColor(x, y).name()
        for x in range(32)
        for y in range(32)
        if image.pixelColor(x, y).alpha() == 255
    }
    assert colours <= {QColor(DARK.text).name()}


def test_disabled_icons_use_the_disabled_colour(qapp):
    pixmap = icon("sync", LIGHT).pixmap(QSize(24, 24), 1.0, QIcon.Mode.Disabled)
    image = pixmap.toImage()
    solid = [
        image.pixelColor(x, y)
        for x in range(24)
        for y in range(24)
        if image.pixelColor(x, y).alpha() == 255
    ]
    assert solid
    assert all(c.name() == QColor(LIGHT.text_disabled).name() for c in solid)


def test_marker_pixmaps_and_app_icon(qapp):
    assert icon_pixmap("clock", 12, 1.5, "#ff0000").width() == 18
    assert not app_icon().isNull()
    assert not app_icon().pixmap(256, 256).isNull()


def test_resources_are_found_in_a_checkout_and_in_a_wheel(tmp_path: Path, monkeypatch):
    real = resources_path.resources_dir()
    assert (real / "themes" / "app.qss").is_file()
    assert (real / "instainstru.desktop").is_file()
    # The wheel layout: <site-packages>/ui/resources
    installed = tmp_path / "ui"
    shutil.copytree(real, installed / "resources")
    monkeypatch.setattr(resources_path, "_UI", installed)
    resources_path.resources_dir.cache_clear()
    try:
        assert resources_path.resources_dir() == installed / "resources"
        monkeypatch.setattr(resources_path, "_UI", tmp_path / "nowhere" / "ui")
        resources_path.resources_dir.cache_clear()
        with pytest.raises(FileNotFoundError):
            resources_path.resources_dir()
    finally:
        monkeypatch.undo()
        resources_path.resources_dir.cache_clear()


def test_desktop_file_is_well_formed():
    text = resources_path.resource_path("instainstru.desktop").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "[Desktop Entry]"
    entries = dict(line.split("=", 1) for line in lines[1:])
    assert entries["Type"] == "Application"
    assert entries["Exec"] == "instainstru"
    assert entries["Categories"].endswith(";")


def test_resources_qrc_lists_every_resource():
    import re

    root = resources_path.resources_dir()
    listed = set(
        re.findall(r"<file>([^<]+)</file>", (root / "resources.qrc").read_text(encoding="utf-8"))
    )
    on_disk = {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in {".svg", ".qss", ".desktop"}
    }
    assert listed == on_disk
