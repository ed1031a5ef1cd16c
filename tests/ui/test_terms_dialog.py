"""The terms editor in Settings: terms with breaks read from a real cache, checked as typed,
saved through the series use cases (and a break added later frees the weekly lessons in it)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDateEdit, QWidget

from instainstru_desktop.services.series import SeriesService
from instainstru_desktop.services.views import TermBreakInput, TermDetail
from instainstru_desktop.store import open_store
from tests.ui.test_screenshots_panels import themed  # noqa: F401 - fixture
from tests.ui.test_settings_dialog import PROFILE
from ui.settings.settings_dialog import Section, SettingsDialog
from ui.settings.terms_dialog import TermsDialog

TODAY = date(2027, 1, 4)
INSTRUCTOR = "i-1"


@pytest.fixture
def series(tmp_path: Path):
    store = open_store(tmp_path / "cache.sqlite3")
    yield SeriesService(store)
    store.close()


def dialog_with(qtbot, terms: list[TermDetail]) -> TermsDialog:
    dialog = TermsDialog(None, terms=terms, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_terms_are_shown_edited_and_saved_through_the_cache(qtbot, save_shot, series) -> None:
    half_term = TermBreakInput(date(2027, 2, 15), date(2027, 2, 19), "Half term")
    spring, _ = series.set_term(
        INSTRUCTOR, "Spring term", date(2027, 1, 11), date(2027, 3, 26), [half_term]
    )
    series.set_term(INSTRUCTOR, "Summer term", date(2027, 4, 19), date(2027, 7, 16))
    dialog = dialog_with(qtbot, series.term_details(INSTRUCTOR))
    assert dialog.list.count() == 2
    assert dialog.term() == TermDetail(
        spring, "Spring term", date(2027, 1, 11), date(2027, 3, 26), (half_term,)
    )
    dialog.add_break.click()  # Easter, added later
    easter = dialog.breaks.rowCount() - 1
    first, last = dialog.breaks.cellWidget(easter, 0), dialog.breaks.cellWidget(easter, 1)
    assert isinstance(first, QDateEdit)
    assert isinstance(last, QDateEdit)
    first.setDate(date(2027, 3, 22))
    last.setDate(date(2027, 3, 26))
    save_shot(dialog, "terms_light")
    with qtbot.waitSignal(dialog.saveRequested) as blocker:
        dialog.save.click()
    edited: TermDetail = blocker.args[0]
    assert edited.term_id == spring
    assert [b.first for b in edited.breaks] == [date(2027, 2, 15), date(2027, 3, 22)]
    series.set_term(
        INSTRUCTOR, edited.name, edited.first, edited.last, edited.breaks, term_id=edited.term_id
    )
    dialog.set_terms(series.term_details(INSTRUCTOR))
    assert dialog.term().breaks[1].first == date(2027, 3, 22)  # still the one being edited


def test_the_form_says_what_keeps_a_term_from_being_saved(qtbot) -> None:
    dialog = dialog_with(qtbot, [])
    assert dialog.term().term_id == ""  # no terms yet: a new one is being written
    assert dialog.problem.text() == "Give the term a name."
    assert not dialog.save.isEnabled()
    assert not dialog.delete.isEnabled()
    dialog.name.setText("Autumn term")
    assert dialog.save.isEnabled()
    dialog.last.setDate(TODAY - timedelta(days=1))
    assert dialog.problem.text() == "The term ends before it starts."
    dialog.last.setDate(TODAY + timedelta(weeks=10))
    dialog.add_break.click()
    outside = dialog.breaks.cellWidget(0, 1)
    assert isinstance(outside, QDateEdit)
    outside.setDate(TODAY + timedelta(weeks=11))
    assert dialog.problem.text().endswith("is not inside the term.")
    dialog.remove_break.click()
    assert dialog.save.isEnabled()
    with qtbot.waitSignal(dialog.saveRequested) as blocker:
        dialog.save.click()
    assert blocker.args[0].name == "Autumn term"


def test_settings_open_the_terms_from_the_booking_rules(qtbot) -> None:
    opened: list[QWidget] = []
    dialog = SettingsDialog(
        None,
        profile=PROFILE,
        theme="light",
        server_label="Built-in (this computer)",
        account_label="Iris",
        open_terms=opened.append,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_section(Section.BOOKING_RULES)
    assert dialog.terms_button.isVisible()
    dialog.terms_button.click()
    assert opened == [dialog]
    without = SettingsDialog(
        None, profile=PROFILE, theme="light", server_label="x", account_label="y"
    )
    qtbot.addWidget(without)
    without.show()
    without.show_section(Section.BOOKING_RULES)
    assert not without.terms_button.isVisible()


def test_a_term_saved_in_the_app_reaches_the_server(qtbot, signed_in_app, live_server) -> None:
    window, iid = signed_in_app.window, signed_in_app.instructor_id
    window.settings_flow.open_terms(window, iid)
    qtbot.waitUntil(lambda: window.findChild(TermsDialog) is not None)
    dialog = window.findChild(TermsDialog)
    assert isinstance(dialog, TermsDialog)
    dialog.name.setText("Spring term")
    dialog.first.setDate(date.today())
    dialog.last.setDate(date.today() + timedelta(weeks=12))
    dialog.save.click()
    qtbot.waitUntil(
        lambda: live_server.query("SELECT name FROM terms") == [("Spring term",)], timeout=30_000
    )
    qtbot.waitUntil(lambda: dialog.list.count() == 1)  # read again after the save
    dialog.close()


def test_terms_screenshot_in_both_themes(qtbot, save_shot, themed, series) -> None:  # noqa: F811
    half_term = TermBreakInput(date(2027, 2, 15), date(2027, 2, 19), "Half term")
    easter = TermBreakInput(date(2027, 3, 22), date(2027, 3, 26), "Easter")
    series.set_term(
        INSTRUCTOR, "Spring term", date(2027, 1, 11), date(2027, 3, 26), [half_term, easter]
    )
    series.set_term(INSTRUCTOR, "Summer term", date(2027, 4, 19), date(2027, 7, 16))
    dialog = dialog_with(qtbot, series.term_details(INSTRUCTOR))
    assert dialog.breaks.rowCount() == 2
    save_shot(dialog, f"terms_{themed.name}")
