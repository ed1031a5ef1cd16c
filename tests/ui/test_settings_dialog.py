"""The settings and connection dialogs: values, inline checks, account actions, a real server
test on loopback, and screenshots in both themes."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from instainstru_desktop import __version__
from instainstru_desktop.services.views import InstructorProfile, SyncMark
from instainstru_desktop.sync.errors import ApiError, ForeignAnswer, Offline
from ui.account.connection_dialog import (
    BUILT_IN,
    ConnectionDialog,
    describe_failure,
    describe_meta,
    server_label,
)
from ui.appearance.theme import DARK, LIGHT, Palette, apply_theme
from ui.settings.settings_dialog import Section, SettingsDialog, SettingsResult
from ui.widgets.zones import offset_text, zone_display, zone_from_display

#: Wednesday 4 March 2026, 12:00 UTC: 13:00 in Berlin (CET).
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
PROFILE = InstructorProfile(
    instructor_id="i-1",
    name="Iris Instructor",
    email="iris@example.com",
    time_zone="Europe/Berlin",
    daily_limit=5,
)


def make_settings(qtbot, profile: InstructorProfile = PROFILE, theme: str = "light"):
    dialog = SettingsDialog(
        None,
        profile=profile,
        theme=theme,
        server_label="Built-in (this computer)",
        account_label="Iris Instructor · iris@example.com",
        clock=lambda: NOW,
    )
    qtbot.addWidget(dialog)
    return dialog


@pytest.fixture
def settings(qtbot) -> SettingsDialog:
    return make_settings(qtbot)


@pytest.fixture(params=[LIGHT, DARK], ids=["light", "dark"])
def themed(request, qapp):
    """Apply a theme to the application for one test, then put the defaults back."""
    style = qapp.style().name()
    palette: Palette = request.param
    apply_theme(qapp, palette.name)
    yield palette
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setPalette(QApplication.style().standardPalette())


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- settings: values ---------------------------------------------------------------------------


def test_the_dialog_starts_with_the_profile_and_changes_nothing(settings):
    assert settings.server_value.text() == "Built-in (this computer)"
    assert settings.account_value.text() == "Iris Instructor · iris@example.com"
    assert settings.time_zone() == "Europe/Berlin"
    assert settings.theme_buttons["light"].isChecked()
    assert (settings.rules.notice_hours.value(), settings.rules.notice_minutes.value()) == (2, 0)
    rules = settings.rules
    assert (rules.daily_limit.value(), rules.daily_unlimited.isChecked()) == (5, False)
    assert settings.rules.weekly_unlimited.isChecked()
    assert not settings.rules.weekly_limit.isEnabled()
    assert settings.ok.isEnabled()
    assert settings.sync_note.text() == ""

    result = settings.result()

    assert result == SettingsResult(
        theme="light",
        time_zone="Europe/Berlin",
        min_notice_minutes=120,
        booking_horizon_days=28,
        buffer_minutes=0,
        slot_step_minutes=15,
        daily_limit=5,
        weekly_limit=None,
    )
    assert result.changed_fields() == frozenset()
    assert result.policy_changes() == {}


def test_the_result_holds_every_edit_and_names_what_changed(settings):
    settings.theme_buttons["dark"].click()
    settings.zone.setCurrentText("America/New York")
    settings.rules.notice_hours.setValue(1)
    settings.rules.notice_minutes.setValue(30)
    settings.rules.slot_step.setCurrentIndex(settings.rules.slot_step.findData(30))
    settings.rules.daily_unlimited.click()
    settings.rules.weekly_unlimited.click()
    settings.rules.weekly_limit.setValue(12)

    result = settings.result()

    assert (result.theme, result.time_zone) == ("dark", "America/New_York")
    assert (result.min_notice_minutes, result.slot_step_minutes) == (90, 30)
    assert (result.daily_limit, result.weekly_limit) == (None, 12)
    assert result.changed_fields() == {
        "theme",
        "time_zone",
        "min_notice_minutes",
        "slot_step_minutes",
        "daily_limit",
        "weekly_limit",
    }
    assert result.policy_changes() == {
        "min_notice_minutes": 90,
        "slot_step_minutes": 30,
        "daily_limit": None,
        "weekly_limit": 12,
    }


def test_an_unusual_step_and_a_pending_edit_are_shown_as_they_are(qtbot):
    profile = InstructorProfile(
        time_zone="UTC", slot_step_minutes=20, mark=SyncMark.REJECTED, mark_message="too late"
    )
    dialog = make_settings(qtbot, profile, theme="system")

    assert dialog.rules.slot_step.currentText() == "20 minutes"
    assert [dialog.rules.slot_step.itemData(i) for i in range(dialog.rules.slot_step.count())] == [
        15,
        20,
        30,
        60,
    ]
    assert dialog.theme_buttons["system"].isChecked()
    assert dialog.theme_buttons["system"].text().startswith("Same as &system (currently ")
    assert dialog.sync_note.text() == "The server refused your last change: too late"
    assert dialog.result().changed_fields() == frozenset()


def test_the_zone_shows_its_clock_and_offset_and_the_list_finds_part_of_a_name(settings):
    assert settings.zone_offset.text() == "13:00 there now · CET · UTC+01:00"
    assert offset_text("Asia/Kolkata", NOW) == "17:30 there now · IST · UTC+05:30"
    assert offset_text("America/Sao_Paulo", NOW) == "09:00 there now · UTC−03:00"
    assert zone_display("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos Aires"
    assert zone_from_display(" America/New York ") == "America/New_York"
    completer = settings.zone.completer()
    completer.setCompletionPrefix("new york")
    assert completer.currentCompletion() == "UTC−05:00 · New York (America)"
    completer.setCompletionPrefix("+05:30")  # an offset finds its cities too
    assert completer.currentCompletion().startswith("UTC+05:30 · ")
    assert settings.zone.findText("US/Eastern") == -1  # old aliases are not offered
    assert settings.zone.findText("UTC+00:00 · US/Eastern") == -1


def test_typing_a_zone_checks_it_and_the_computers_zone_is_one_click_away(
    qtbot, monkeypatch, settings
):
    monkeypatch.setattr("ui.settings.settings_dialog.system_zone", lambda: "Asia/Tokyo")
    settings.show_section(Section.TIME_ZONE)
    settings.show()
    qtbot.waitExposed(settings)
    settings.zone.lineEdit().clear()
    qtbot.keyClicks(settings.zone.lineEdit(), "Europe/Lisbo")

    assert not settings.ok.isEnabled()
    assert settings.zone_form.isRowVisible(settings.zone_hint)
    assert settings.use_system_zone.text() == "Use this computer's zone (Asia/Tokyo)"

    qtbot.keyClicks(settings.zone.lineEdit(), "n")

    assert settings.ok.isEnabled()
    assert settings.zone_offset.text() == "12:00 there now · WET · UTC+00:00"
    settings.use_system_zone.click()
    assert settings.time_zone() == "Asia/Tokyo"
    assert not settings.zone_form.isRowVisible(settings.use_system_zone)


def test_the_sections_list_switches_pages(settings):
    settings.sections.setCurrentRow(Section.BOOKING_RULES)
    assert settings.pages.currentIndex() == Section.BOOKING_RULES
    settings.show_section(Section.TIME_ZONE)
    assert settings.pages.currentWidget().objectName() == "zonePage"


# -- settings: inline checks --------------------------------------------------------------------


def test_a_value_outside_the_rules_disables_ok_and_says_why(qtbot, settings):
    with qtbot.waitSignal(settings.validityChanged) as invalid:
        settings.rules.horizon_days.setValue(0)

    assert invalid.args == [False]
    assert not settings.ok.isEnabled()
    line = settings.rules.rule_help["booking_horizon_days"]
    assert line.text() == "The booking window must be between 1 day and 3,660 days."
    assert line.property("tone") == "error"
    rules_item = settings.sections.item(Section.BOOKING_RULES)
    assert rules_item.toolTip() == line.text()
    with pytest.raises(ValueError, match="booking window"):
        settings.result()

    with qtbot.waitSignal(settings.validityChanged) as valid:
        settings.rules.horizon_days.setValue(60)

    assert valid.args == [True]
    assert settings.ok.isEnabled()
    assert line.text() == "How far ahead students can book."
    assert line.property("tone") == ""
    assert settings.result().booking_horizon_days == 60


def test_every_broken_rule_is_listed_with_the_services_sentence(settings):
    settings.rules.notice_hours.setValue(9000)
    settings.rules.buffer_minutes.setValue(1440)
    settings.rules.daily_unlimited.setChecked(False)
    settings.rules.daily_limit.setValue(0)

    lines = {name: label.text() for name, label in settings.rules.rule_help.items()}
    assert lines == {
        "min_notice_minutes": "Minimum notice must be between 0 minutes and 366 days.",
        "booking_horizon_days": "How far ahead students can book.",
        "buffer_minutes": (
            "The buffer between lessons must be between 0 minutes and 23 hours 59 minutes."
        ),
        "daily_limit": "The daily limit must be between 1 and 10,000 (or no limit).",
        "weekly_limit": "The daily limit must be between 1 and 10,000 (or no limit).",
    }
    assert settings.sections.item(Section.BOOKING_RULES).toolTip().count(".") == 3
    assert not settings.ok.isEnabled()
    settings.rules.daily_unlimited.setChecked(True)  # a limit switched off is not checked
    assert settings.rules.rule_help["daily_limit"].text().startswith("The most lessons you teach")


def test_an_emptied_number_field_asks_for_a_number(qtbot, settings):
    settings.show_section(Section.BOOKING_RULES)
    settings.show()
    qtbot.waitExposed(settings)
    settings.rules.buffer_minutes.setFocus()
    settings.rules.buffer_minutes.selectAll()
    qtbot.keyClick(settings.rules.buffer_minutes, Qt.Key.Key_Backspace)

    assert not settings.rules.buffer_minutes.hasAcceptableInput()
    assert settings.rules.rule_help["buffer_minutes"].text() == (
        "Enter the buffer between lessons as a number."
    )
    assert not settings.ok.isEnabled()


def test_an_unknown_zone_disables_ok_until_a_known_one_is_typed(settings):
    settings.zone.setCurrentText("Mars/Olympus Mons")

    assert not settings.ok.isEnabled()
    assert settings.zone_hint.text() == (
        "“Mars/Olympus Mons” is not a time zone this computer knows. Pick one from the list."
    )
    assert settings.zone_form.isRowVisible(settings.zone_hint)
    assert not settings.zone_form.isRowVisible(settings.zone_offset)
    assert settings.sections.item(Section.TIME_ZONE).toolTip() == settings.zone_hint.text()

    settings.zone.setCurrentText("Asia/Kolkata")

    assert settings.ok.isEnabled()
    assert not settings.zone_form.isRowVisible(settings.zone_hint)
    assert settings.zone_offset.text() == "17:30 there now · IST · UTC+05:30"
    assert settings.result().time_zone == "Asia/Kolkata"


def test_ok_does_nothing_while_invalid(settings):
    settings.rules.horizon_days.setValue(0)

    settings.accept()

    assert QDialog.result(settings) == QDialog.DialogCode.Rejected  # still open, no answer


# -- settings: account actions ------------------------------------------------------------------


def test_sign_out_without_edits_ends_the_dialog_with_the_action(qtbot, settings):
    with qtbot.waitSignal(settings.signOutRequested):
        settings.sign_out.click()

    assert QDialog.result(settings) == QDialog.DialogCode.Accepted
    result = settings.result()
    assert result.account_action == "sign_out"
    assert result.changed_fields() == frozenset()


@pytest.mark.parametrize(
    ("choice", "changed"),
    [("save", frozenset({"buffer_minutes"})), ("discard", frozenset())],
)
def test_changing_server_with_edits_offers_to_save_them_first(
    qtbot, settings, monkeypatch, choice, changed
):
    asked: list[bool] = []
    monkeypatch.setattr(
        settings, "confirm_leaving", lambda can_save: asked.append(can_save) or choice
    )
    settings.rules.buffer_minutes.setValue(10)

    with qtbot.waitSignal(settings.changeServerRequested):
        settings.change_server.click()

    assert asked == [True]
    result = settings.result()
    assert (result.account_action, result.changed_fields()) == ("change_server", changed)
    assert result.buffer_minutes == (10 if choice == "save" else 0)


def test_cancelling_the_question_keeps_the_dialog_open(qtbot, settings, monkeypatch):
    monkeypatch.setattr(settings, "confirm_leaving", lambda can_save: "cancel")
    settings.rules.horizon_days.setValue(0)  # invalid: it could not even be saved
    emitted: list[str] = []
    settings.signOutRequested.connect(lambda: emitted.append("sign out"))

    settings.sign_out.click()

    assert emitted == []
    assert QDialog.result(settings) == QDialog.DialogCode.Rejected


def test_ask_answers_the_result_or_none(qtbot, monkeypatch):
    def accept_after_edit(dialog: SettingsDialog) -> int:
        qtbot.addWidget(dialog)
        assert dialog.pages.currentIndex() == Section.BOOKING_RULES
        dialog.rules.buffer_minutes.setValue(15)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", accept_after_edit)
    result = SettingsDialog.ask(
        None,
        profile=PROFILE,
        theme="dark",
        server_label="x",
        account_label="y",
        section=Section.BOOKING_RULES,
    )
    assert result is not None
    assert result.policy_changes() == {"buffer_minutes": 15}

    monkeypatch.setattr(SettingsDialog, "exec", lambda d: QDialog.DialogCode.Rejected)
    assert (
        SettingsDialog.ask(None, profile=PROFILE, theme="dark", server_label="x", account_label="y")
        is None
    )


# -- connection dialog --------------------------------------------------------------------------


@pytest.fixture
def connection(qtbot) -> ConnectionDialog:
    dialog = ConnectionDialog(None, None)
    qtbot.addWidget(dialog)
    return dialog


def test_the_built_in_server_is_chosen_when_nothing_else_is(connection):
    assert connection.built_in.isChecked()
    assert connection.ok.isEnabled()
    assert not connection.test_button.isEnabled()
    assert connection.url_hint.isHidden()
    assert connection.choice() == BUILT_IN
    assert server_label(None) == server_label(BUILT_IN) == "Built-in (this computer)"
    assert server_label("https://lessons.example.org") == "https://lessons.example.org"


def test_a_remote_server_opens_with_its_address(qtbot):
    dialog = ConnectionDialog(None, "https://lessons.example.org")
    qtbot.addWidget(dialog)
    assert dialog.remote.isChecked()
    assert dialog.url.text() == "https://lessons.example.org"
    assert dialog.ok.isEnabled()
    assert dialog.test_button.isEnabled()


def test_an_address_is_checked_as_it_is_typed(qtbot, connection):
    connection.show()
    qtbot.waitExposed(connection)
    qtbot.keyClicks(connection.url, "ftp://lessons")

    assert connection.remote.isChecked()  # typing an address chooses it
    assert not connection.ok.isEnabled()
    assert not connection.test_button.isEnabled()
    assert connection.url_hint.text().startswith(
        "“ftp://lessons” is not a server address the app can use"
    )
    assert connection.url_hint.isVisible()

    connection.url.setText("lessons.example.org:8443/")

    assert connection.ok.isEnabled()
    assert connection.url_hint.isHidden()
    assert connection.choice() == "http://lessons.example.org:8443"

    connection.url.setText("")
    assert not connection.ok.isEnabled()
    assert connection.url_hint.isHidden()  # nothing typed yet: no scolding
    connection.built_in.click()
    assert connection.ok.isEnabled()


def test_the_test_reaches_a_real_server_on_loopback(qtbot, tmp_path, connection):
    from instainstru_desktop.server.embedded import EmbeddedServer

    server = EmbeddedServer(  # a remote server, as the dialog would find one: no per-run secret
        f"sqlite:///{tmp_path / 'server.sqlite3'}", seed_demo=False, require_secret=False
    )
    url = server.start()
    try:
        connection.remote.click()
        connection.url.setText(url)
        with qtbot.waitSignal(connection.testFinished, timeout=15_000) as finished:
            connection.test_button.click()
            assert connection.status.text() == f"Contacting {url.split('//')[1]}…"
            assert not connection.test_button.isEnabled()
    finally:
        server.stop()

    assert finished.args == [True, f"Connected — server {__version__}"]
    assert connection.status.text() == f"Connected — server {__version__}"
    assert connection.status.property("tone") == "success"
    assert connection.test_button.isEnabled()


def test_a_closed_port_is_a_readable_error(qtbot, connection):
    port = free_port()
    connection.remote.click()
    connection.url.setText(f"http://127.0.0.1:{port}")

    with qtbot.waitSignal(connection.testFinished, timeout=15_000) as finished:
        connection.test_button.click()

    connected, text = finished.args
    assert not connected
    assert text == (
        f"No server answered at 127.0.0.1:{port} (the connection was refused). Check the "
        "address, and that the server is running."
    )
    assert connection.status.property("tone") == "error"
    assert connection.ok.isEnabled()  # an offline-first app may connect to a server down now


def test_an_answer_about_an_address_changed_meanwhile_is_dropped(qtbot):
    dialog = ConnectionDialog(None, "http://a.example", tester=lambda url: {"server_version": "9"})
    qtbot.addWidget(dialog)
    dialog.test_connection()
    stale = dialog._test_number
    dialog.url.setText("http://b.example")

    dialog._on_tested(stale, {"server_version": "9"}, None)

    assert dialog.status.text() == ""
    with qtbot.waitSignal(dialog.testFinished) as finished:
        dialog.test_connection()
    assert finished.args == [True, "Connected — server 9"]


def test_answers_that_are_not_an_instainstru_server_are_named():
    host = "example.org"
    not_ours = "example.org answered, but it does not look like an InstaInstru server."
    assert describe_meta({"hello": 1}, host) == (False, not_ours)
    assert describe_meta(["x"], host) == (False, not_ours)
    assert describe_failure(ApiError("not_found", 404, "Not Found"), host) == not_ours
    assert describe_failure(ValueError("not JSON"), host) == not_ours
    assert describe_failure(ForeignAnswer(host), host) == not_ours
    assert describe_meta({"server_version": "0.0.1", "protocol_version": 0}, host)[1].startswith(
        "Connected — server 0.0.1, older than this app expects"
    )
    assert describe_failure(ApiError("forbidden", 403, "No."), host) == (
        "The server at example.org answered with an error: No."
    )
    offline = Offline("unreachable")
    assert "(the connection failed)" in describe_failure(offline, host)


def test_ask_answers_built_in_an_address_or_none(qtbot, monkeypatch):
    def pick(url: str):
        def run(dialog: ConnectionDialog) -> int:
            qtbot.addWidget(dialog)
            dialog.remote.click()
            dialog.url.setText(url)
            return QDialog.DialogCode.Accepted

        return run

    monkeypatch.setattr(ConnectionDialog, "exec", pick("localhost:9000"))
    assert ConnectionDialog.ask(None, BUILT_IN, tester=lambda url: {}) == "http://localhost:9000"
    monkeypatch.setattr(ConnectionDialog, "exec", lambda d: QDialog.DialogCode.Accepted)
    assert ConnectionDialog.ask(None, None) == BUILT_IN
    monkeypatch.setattr(ConnectionDialog, "exec", lambda d: QDialog.DialogCode.Rejected)
    assert ConnectionDialog.ask(None, "https://x.example") is None


# -- screenshots --------------------------------------------------------------------------------


def show(qtbot, dialog: QDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)


def test_settings_screenshots(qtbot, save_shot, themed):
    profile = InstructorProfile(
        instructor_id="i-1",
        name="Iris Instructor",
        email="iris@example.com",
        time_zone="Europe/Berlin",
        min_notice_minutes=180,
        buffer_minutes=10,
        daily_limit=5,
        mark=SyncMark.PENDING,
    )
    dialog = make_settings(qtbot, profile, theme=themed.name)
    show(qtbot, dialog)
    for section in Section:
        dialog.show_section(section)
        save_shot(dialog, f"settings_{section.name.lower()}_{themed.name}")
    dialog.show_section(Section.BOOKING_RULES)
    dialog.rules.horizon_days.setValue(0)
    dialog.rules.daily_limit.setValue(0)
    save_shot(dialog, f"settings_rules_invalid_{themed.name}")
    dialog.show_section(Section.TIME_ZONE)
    dialog.zone.setCurrentText("Mars/Olympus Mons")
    save_shot(dialog, f"settings_zone_invalid_{themed.name}")


def test_connection_screenshots(qtbot, save_shot, themed):
    dialog = ConnectionDialog(None, "https://lessons.example.org", tester=lambda url: {})
    qtbot.addWidget(dialog)
    show(qtbot, dialog)
    dialog._on_tested(dialog._test_number, {"server_version": __version__}, None)
    save_shot(dialog, f"connection_connected_{themed.name}")
    dialog.url.setText("http://127.0.0.1:9")
    dialog._on_tested(dialog._test_number, None, Offline("down"))
    save_shot(dialog, f"connection_failed_{themed.name}")
    dialog.url.setText("ftp://lessons")
    save_shot(dialog, f"connection_invalid_{themed.name}")
    dialog.built_in.click()
    save_shot(dialog, f"connection_built_in_{themed.name}")
