"""One list of time zones and one picker, behind the week's zone switcher and the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from instainstru_desktop.services.views import InstructorProfile
from tests.ui.app_fixtures import MakeApp
from ui.settings.preferences import Preferences
from ui.settings.settings_dialog import SettingsDialog
from ui.shell.window_parts import HOME, ZoneSwitcher
from ui.widgets.zones import ZonePicker, zone_names


def listed(box: ZonePicker) -> list[str]:
    return [box.itemData(i) for i in range(box.count())]


@pytest.fixture
def switcher(qtbot: QtBot) -> ZoneSwitcher:
    box = ZoneSwitcher()
    qtbot.addWidget(box)
    box.set_home_zone("Europe/Madrid")
    return box


def test_the_switcher_and_the_settings_offer_the_same_zones(qtbot: QtBot, switcher) -> None:
    settings = SettingsDialog(
        profile=InstructorProfile(time_zone="Europe/Madrid"),
        theme="light",
        server_label="Built-in",
        account_label="",
    )
    qtbot.addWidget(settings)
    in_settings = listed(settings.zone)
    in_switcher = listed(switcher)
    assert in_switcher[0] == HOME  # "My zone (Europe/Madrid)" stands for the home zone
    assert sorted([*in_switcher[1:], "Europe/Madrid"]) == in_settings == zone_names()
    assert "US/Eastern" not in in_settings  # old aliases are understood, not offered
    assert switcher.itemText(in_switcher.index("America/New_York")) == "America/New York"
    assert settings.zone.itemText(in_settings.index("America/New_York")) == "America/New York"


def pick(box: ZonePicker, index: int) -> None:
    """What a click on an item of the open list does."""
    box.setCurrentIndex(index)
    box.activated.emit(index)


def type_in(qtbot: QtBot, box: ZonePicker, text: str) -> None:
    editor = box.lineEdit()
    editor.clear()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_picking_or_typing_a_zone_chooses_it(qtbot: QtBot, switcher) -> None:
    switcher.show()
    chosen: list[str | None] = []
    switcher.zoneChosen.connect(chosen.append)
    pick(switcher, switcher.findData("Asia/Tokyo"))
    type_in(qtbot, switcher, "America/New York")  # as the list shows it
    type_in(qtbot, switcher, "US/Eastern")  # an alias
    type_in(qtbot, switcher, "Mars/Olympus")  # not a zone: nothing happens
    pick(switcher, 0)
    assert chosen == ["Asia/Tokyo", "America/New_York", "US/Eastern", None]


def test_a_new_home_zone_keeps_the_zone_shown(switcher) -> None:
    switcher.show_choice("Asia/Tokyo")
    switcher.set_home_zone("America/Chicago")
    assert switcher.currentData() == "Asia/Tokyo"
    assert switcher.itemText(0) == "My zone (America/Chicago)"
    assert switcher.findData("America/Chicago") < 0
    assert switcher.findData("Europe/Madrid") > 0  # no longer home: listed again


def test_the_week_opens_in_the_zone_it_was_left_in(tmp_path: Path, make_app: MakeApp) -> None:
    config = tmp_path / "profile" / "config"
    Preferences.load(config).with_display_zone("Asia/Tokyo").save()
    window = make_app(None).window
    assert window.week_page.view.display_zone() == "Asia/Tokyo"
    assert window.zone_switcher.currentData() == "Asia/Tokyo"  # the box says so too
