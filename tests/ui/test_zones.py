"""One list of time zones and one picker, behind the week's zone switcher and the settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from instainstru_desktop.services.views import InstructorProfile
from tests.ui.app_fixtures import MakeApp
from ui.settings.preferences import Preferences
from ui.settings.settings_dialog import SettingsDialog
from ui.shell.window_parts import HOME, ZoneSwitcher
from ui.widgets.zones import ZonePicker, utc_offset, zone_names

JANUARY = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


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
    assert in_switcher[0] == HOME  # "My zone (Madrid, UTC+01:00)" stands for the home zone
    assert sorted([*in_switcher[1:], "Europe/Madrid"]) == sorted(in_settings) == zone_names()
    assert "US/Eastern" not in in_settings  # old aliases are understood, not offered
    new_york = switcher.itemText(in_switcher.index("America/New_York"))
    assert new_york in ("UTC−05:00 · New York (America)", "UTC−04:00 · New York (America)")
    assert settings.zone.itemText(in_settings.index("America/New_York")) == new_york


def test_zones_are_listed_by_offset_with_their_city_and_area(qtbot: QtBot) -> None:
    box = ZonePicker()
    qtbot.addWidget(box)
    box.set_clock(lambda: JANUARY)
    box.offer()
    names = listed(box)
    offsets = [utc_offset(name, JANUARY) for name in names]
    assert offsets == sorted(offsets)  # west to east
    assert offsets[0] <= timedelta(hours=-10)
    assert offsets[-1] >= timedelta(hours=13)
    assert box.itemText(box.findData("America/Argentina/Buenos_Aires")) == (
        "UTC−03:00 · Buenos Aires (America/Argentina)"
    )
    assert box.itemText(box.findData("Asia/Kolkata")) == "UTC+05:30 · Kolkata (Asia)"
    assert box.itemText(box.findData("UTC")) == "UTC+00:00 · UTC"
    madrid = names.index("Europe/Madrid")
    assert utc_offset(names[madrid - 1], JANUARY) <= timedelta(hours=1)  # among its neighbours


def test_a_zone_is_found_by_its_city_or_its_offset(qtbot: QtBot, switcher) -> None:
    switcher.show()
    completer = switcher.completer()
    completer.setCompletionPrefix("kolk")
    assert completer.currentCompletion().endswith("· Kolkata (Asia)")
    completer.setCompletionPrefix("UTC+09:00")
    model = completer.completionModel()
    found = [model.index(row, 0).data() for row in range(completer.completionCount())]
    assert any(text.endswith("Tokyo (Asia)") for text in found)
    assert all(text.startswith("UTC+09:00") for text in found)
    chosen: list[str | None] = []
    switcher.zoneChosen.connect(chosen.append)
    type_in(qtbot, switcher, "tokyo")  # a city's name, any case
    qtbot.waitUntil(lambda: switcher.itemData(1) == "Asia/Tokyo")  # listed again, latest first
    assert switcher.currentText() == switcher.label("Asia/Tokyo")
    type_in(qtbot, switcher, "Buenos Aires")
    assert chosen == ["Asia/Tokyo", "America/Argentina/Buenos_Aires"]


def test_the_zones_chosen_lately_come_first_and_are_kept(
    qtbot: QtBot, switcher, tmp_path: Path, make_app: MakeApp
) -> None:
    for zone in ("Asia/Tokyo", "America/Chicago", "Asia/Tokyo"):
        pick(switcher, switcher.findData(zone))
        qtbot.waitUntil(lambda z=zone: switcher.itemData(1) == z)
    assert listed(switcher)[:4] == [HOME, "Asia/Tokyo", "America/Chicago", None]  # a line
    assert switcher.currentData() == "Asia/Tokyo"
    assert switcher.recent() == ("Asia/Tokyo", "America/Chicago")

    window = make_app(None).window
    window.zone_switcher.choose("Australia/Perth")
    window.close()
    config = tmp_path / "profile" / "config"
    assert Preferences.load(config).recent_zones == ("Australia/Perth",)
    again = make_app(None).window
    assert again.zone_switcher.itemData(1) == "Australia/Perth"


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
    assert switcher.itemText(0) in ("My zone (Chicago, UTC−06:00)", "My zone (Chicago, UTC−05:00)")
    assert switcher.findData("America/Chicago") < 0
    assert switcher.findData("Europe/Madrid") > 0  # no longer home: listed again


def test_the_week_opens_in_the_zone_it_was_left_in(tmp_path: Path, make_app: MakeApp) -> None:
    config = tmp_path / "profile" / "config"
    Preferences.load(config).with_display_zone("Asia/Tokyo").save()
    window = make_app(None).window
    assert window.week_page.view.display_zone() == "Asia/Tokyo"
    assert window.zone_switcher.currentData() == "Asia/Tokyo"  # the box says so too


def test_the_switcher_lists_every_zone_only_once_it_is_used(qtbot: QtBot) -> None:
    box = ZoneSwitcher()
    qtbot.addWidget(box)
    box.set_recent(["Asia/Tokyo"])
    assert listed(box) == [HOME, "Asia/Tokyo"]  # while the window is built: no zone files read
    box.show_choice("America/Chicago")
    assert box.currentData() == "America/Chicago"
    box.show()
    box.showPopup()  # opened: every zone, the one shown still chosen
    assert len(listed(box)) > 300
    assert box.currentData() == "America/Chicago"
    box.hidePopup()
    known = ZoneSwitcher()
    qtbot.addWidget(known)
    known.set_home_zone("Europe/Madrid")  # the session is ready: listed in full
    assert len(listed(known)) > 300
