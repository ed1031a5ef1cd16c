"""Needs-attention list, the book-for-a-student dialog and the sync status bar."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from instainstru_desktop.services.views import (
    AttentionItem,
    InstructorProfile,
    LessonTypeOption,
    StudentOption,
    SyncStatus,
)
from tests.ui.sample_data import WEEK, ZONE, attention_items, clash_items, sync_status
from ui.lessons.actions import policy_text
from ui.lessons.attention import AttentionList, actions_of, ago
from ui.lessons.booking_dialog import BookForStudentDialog, BookingChoice
from ui.lessons.cancel_dialog import CancelLessonDialog
from ui.widgets.clock_warning import skew_text
from ui.widgets.status_bar import SyncStatusBar, synced_ago

NOW = datetime(2025, 3, 12, 13, 20, tzinfo=UTC)


# -- needs attention ----------------------------------------------------------------------------


@pytest.fixture
def attention(qtbot) -> AttentionList:
    widget = AttentionList(time_zone=ZONE, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_items(attention_items())
    return widget


def test_attention_cards_offer_the_ways_out(attention):
    assert attention.count() == 3
    ids = [card.item.item_id for card in attention.cards]
    assert ids == ["att-3", "att-2", "att-1"]  # newest first
    assert set(attention.card("att-1").buttons) == {"keep", "cancel"}
    assert set(attention.card("att-2").buttons) == {"keep"}  # a refused lesson change
    assert attention.card("att-2").buttons["keep"].text() == "&Dismiss"
    assert set(attention.card("att-3").buttons) == {"reapply", "keep"}  # refused hours
    assert attention.card("att-1").buttons["keep"].text() == "&Keep the lesson"
    assert "outside your hours" in attention.card("att-1").accessibleName()


def test_a_clash_shows_both_versions_with_use_mine(qtbot):
    widget = AttentionList(time_zone=ZONE, clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_items(clash_items())
    hours = widget.card("conflict:clash-hours")
    note = widget.card("conflict:clash-note")
    assert hours is not None
    assert note is not None
    assert hours.buttons["reapply"].text() == "&Use mine"
    assert hours.buttons["keep"].text() == "&Keep as it is"
    assert set(note.buttons) == {"keep", "reapply"}  # a clash cancels no lesson
    texts = [label.text() for label in hours.findChildren(QLabel)]
    assert "Hours changed on two devices" in texts
    assert {"Kept", "09:00–12:00, 18:00–20:00", "Yours", "add 17:00–19:00"} <= set(texts)
    versions = [label.accessibleName() for label in note.findChildren(QLabel)]
    assert "Kept (the version now in use): Bring the new book." in versions
    assert any(v.startswith("Yours (not applied): Scales in D major") for v in versions)
    assert note.accessibleName().startswith("Note changed on two devices: ")
    with qtbot.waitSignal(widget.reapplyRequested) as sent:
        hours.buttons["reapply"].click()
    assert sent.args == ["conflict:clash-hours"]
    assert not hours.buttons["keep"].isEnabled()
    with qtbot.waitSignal(widget.keepRequested) as kept:
        note.buttons["keep"].click()
    assert kept.args == ["conflict:clash-note"]


def test_a_long_version_is_shortened_on_the_card_and_whole_in_its_tooltip(qtbot):
    widget = AttentionList(time_zone=ZONE, clock=lambda: NOW)
    qtbot.addWidget(widget)
    long_note = "word " * 200
    widget.set_items([replace(clash_items()[1], mine=long_note)])
    card = widget.card("conflict:clash-note")
    assert card is not None
    [shown] = [label for label in card.findChildren(QLabel) if label.toolTip() == long_note]
    assert len(shown.text()) <= 280
    assert shown.text().endswith("…")


def test_a_notice_is_shown_with_its_title_and_only_dismissed(qtbot):
    widget = AttentionList(time_zone=ZONE, clock=lambda: NOW)
    qtbot.addWidget(widget)
    notice = AttentionItem(
        item_id="notice:1",
        kind="lost_changes",
        message="The server was restored from an older copy and lost 10 changes.",
        created_at=NOW - timedelta(minutes=5),
        actions=("keep",),
    )
    widget.set_items([notice])
    card = widget.card("notice:1")
    assert set(card.buttons) == {"keep"}
    assert card.buttons["keep"].text() == "&Dismiss"
    assert card.accessibleName().startswith("Changes could not be sent: The server was restored")
    with qtbot.waitSignal(widget.keepRequested) as sent:
        card.buttons["keep"].click()
    assert sent.args == ["notice:1"]


def test_keep_and_reapply_emit_and_disable_the_card(qtbot, attention):
    keep = attention.card("att-1").buttons["keep"]
    with qtbot.waitSignal(attention.keepRequested) as blocker:
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert blocker.args == ["att-1"]
    assert not keep.isEnabled()
    assert not attention.card("att-1").buttons["cancel"].isEnabled()
    with qtbot.waitSignal(attention.reapplyRequested) as blocker:
        attention.card("att-3").buttons["reapply"].click()
    assert blocker.args == ["att-3"]


def test_cancel_asks_for_a_reason(qtbot, attention, monkeypatch):
    monkeypatch.setattr(CancelLessonDialog, "ask", classmethod(lambda cls, *a: None))
    with qtbot.assertNotEmitted(attention.cancelRequested):
        attention.card("att-1").buttons["cancel"].click()
    assert attention.card("att-1").buttons["cancel"].isEnabled()
    monkeypatch.setattr(CancelLessonDialog, "ask", classmethod(lambda cls, *a: "Too late now"))
    with qtbot.waitSignal(attention.cancelRequested) as blocker:
        attention.card("att-1").buttons["cancel"].click()
    assert blocker.args == ["att-1", "Too late now"]


def test_attention_empty_state_and_refresh(attention):
    attention.set_items(())
    assert attention.count() == 0
    assert attention.cards == []
    attention.set_items(attention_items()[:1])
    assert attention.count() == 1
    attention.set_time_zone("Asia/Tokyo")
    assert attention.count() == 1


def test_actions_of_items_without_a_lesson_skip_lesson_actions():
    item = replace(
        attention_items()[0], lesson=None, booking_id=None, actions=("cancel", "reapply")
    )
    assert actions_of(item) == ("reapply",)
    assert actions_of(replace(item, actions=("bogus",))) == ()


def test_the_cards_keep_saying_how_long_ago_without_a_new_list(qtbot):
    now = [NOW]
    widget = AttentionList(time_zone=ZONE, clock=lambda: now[0])
    qtbot.addWidget(widget)
    widget.set_items(attention_items())
    card = widget.card("att-3")
    assert card is not None
    before = card.when.text()
    now[0] = card.item.created_at + timedelta(minutes=25)
    widget.refresh_ages()
    assert widget.card("att-3") is card  # the same card: its buttons keep their state
    assert card.when.text() == "25 min ago" != before


def test_ago():
    zone = ZoneInfo(ZONE)
    assert ago(NOW - timedelta(seconds=5), NOW, zone) == "just now"
    assert ago(NOW - timedelta(minutes=12), NOW, zone) == "12 min ago"
    assert ago(NOW - timedelta(hours=3), NOW, zone) == "3 h ago"
    assert ago(NOW - timedelta(days=2), NOW, zone) == "Mon 10 Mar, 14:20"


# -- book for a student -------------------------------------------------------------------------

STUDENTS = [
    StudentOption("s-ana", "Ana García", "ana@example.com", "Europe/Madrid"),
    StudentOption("s-ben", "Ben Okafor", "ben@example.com", "Europe/London"),
    StudentOption("s-hana", "Hana Sato", "hana@example.com", "Asia/Tokyo"),
]
TYPES = [
    LessonTypeOption("t-piano", "Piano", 45, 5500, "EUR", "#3f74e0", True),
    LessonTypeOption("t-old", "Harpsichord", 60, 9000, "EUR", "#999999", False),
    LessonTypeOption("t-trial", "Trial lesson", 30, 0, "EUR", "#dc4d78", True),
]
START = datetime.combine(WEEK + timedelta(days=4), time(15), tzinfo=ZoneInfo(ZONE))
POLICY = policy_text(InstructorProfile(min_notice_minutes=120, booking_horizon_days=21))


@pytest.fixture
def booking(qtbot) -> BookForStudentDialog:
    dialog = BookForStudentDialog(
        None,
        start=START,
        instructor_zone=ZONE,
        students=STUDENTS,
        lesson_types=TYPES,
        policy_text=POLICY,
        student_id="s-hana",
    )
    qtbot.addWidget(dialog)
    return dialog


def test_booking_dialog_shows_both_zones_price_and_policy(booking):
    assert booking.your_time.text() == "Fri 14 Mar 2025, 15:00–15:45 CET"
    assert booking.student_time.text().startswith("Fri 14 Mar 2025, 23:00–23:45 JST")
    assert "Asia/Tokyo" in booking.student_time.text()
    assert booking.price.text() == "€55.00"
    assert "2 hours ahead" in booking.policy.text()
    assert "21 days ahead" in booking.policy.text()
    assert booking.lesson_type.count() == 2  # the inactive type is not offered
    assert booking.confirm.isEnabled()  # the student was given (from a lesson with them)


def test_booking_dialog_follows_the_choices(booking):
    booking.lesson_type.setCurrentIndex(booking.lesson_type.findData("t-trial"))
    assert booking.price.text() == "Free"
    assert booking.your_time.text().endswith("15:00–15:30 CET")
    booking.students.choose("s-ana")
    assert "(same as yours)" in booking.student_time.text()
    assert booking.choice() == BookingChoice("s-ana", "t-trial", START.astimezone(UTC))


def test_booking_dialog_needs_a_real_student(booking):
    booking.students.choose(None)
    booking.students.search.setText("Nobody")
    assert not booking.confirm.isEnabled()
    assert booking.choice() is None
    assert booking.problem.text() == "Choose a student: search by name or e-mail."
    booking.accept()
    assert booking.result() == 0


def test_booking_dialog_without_students(qtbot):
    dialog = BookForStudentDialog(
        None, start=START, instructor_zone=ZONE, students=[], lesson_types=TYPES, policy_text=""
    )
    qtbot.addWidget(dialog)
    assert not dialog.confirm.isEnabled()
    assert "no students" in dialog.problem.text()
    assert dialog.policy.text() == "No cancellation policy is set."


def test_booking_ask_returns_the_choice(monkeypatch):
    monkeypatch.setattr(
        BookForStudentDialog, "exec", lambda self: BookForStudentDialog.DialogCode.Accepted
    )
    got = BookForStudentDialog.ask(
        None,
        start=START,
        instructor_zone=ZONE,
        students=STUDENTS,
        lesson_types=TYPES,
        policy_text=POLICY,
        student_id="s-ben",
    )
    assert got == BookingChoice("s-ben", "t-piano", START.astimezone(UTC))
    monkeypatch.setattr(
        BookForStudentDialog, "exec", lambda self: BookForStudentDialog.DialogCode.Rejected
    )
    assert (
        BookForStudentDialog.ask(
            None,
            start=START,
            instructor_zone=ZONE,
            students=STUDENTS,
            lesson_types=TYPES,
            policy_text=POLICY,
        )
        is None
    )


# -- status bar ---------------------------------------------------------------------------------


@pytest.fixture
def bar(qtbot) -> SyncStatusBar:
    widget = SyncStatusBar(clock=lambda: NOW)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_status_bar_shows_the_sync_state(bar):
    bar.set_status(sync_status())
    assert bar.connection.text() == "Online"
    assert bar.pending.text() == "3 changes waiting"
    assert bar.last_sync.text() == "Synced 2 min ago"
    assert bar.attention.isVisible()
    assert bar.attention.text() == "2 need attention"
    assert "3 changes waiting" in bar.accessibleDescription()
    bar.set_status(SyncStatus(False, 0, 0, None, last_error="The server is down for maintenance"))
    assert bar.connection.text() == "Offline"  # nothing waits: nothing more to say
    assert bar.last_sync.text() == "Never synced"
    assert not bar.attention.isVisible()
    assert not bar.error.isVisible()  # offline is a state, not a red error
    assert "maintenance" in bar.connection.toolTip()  # why, on hover
    bar.set_status(SyncStatus(False, 2, 0, None, last_error="The server is down"))
    assert bar.connection.text() == "Offline · 2 changes waiting"
    assert not bar.pending.isVisible()
    assert "Offline · 2 changes waiting" in bar.accessibleDescription()


def test_status_bar_spells_out_a_local_problem_even_offline(bar):
    full = "The disk is full: free some space, then InstaInstru carries on by itself."
    bar.set_status(SyncStatus(False, 1, 0, None, last_error=full, local_problem=True))
    assert bar.error.isVisible()
    assert full in bar.error.text()


def test_status_bar_claims_nothing_it_could_not_check(bar):
    """A local file that fails: never "All changes sent", never plain "Synced just now"."""
    damaged = "The local data file is damaged. Close InstaInstru and open it again to repair it."
    bar.set_status(
        SyncStatus(True, 0, 0, NOW - timedelta(seconds=5), last_error=damaged, pending_known=False)
    )
    assert bar.pending.text() == "Unsent changes: unknown"
    assert bar.last_sync.text() == "Last good sync just now"
    summary = bar.summary()
    assert "All changes sent" not in summary
    assert "Synced just now" not in summary
    assert damaged in summary


def test_status_bar_buttons(qtbot, bar):
    bar.set_status(sync_status())
    with qtbot.waitSignal(bar.syncRequested):
        qtbot.mouseClick(bar.sync_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.attentionRequested):
        bar.attention.click()
    bar.set_syncing(True)
    assert not bar.sync_button.isEnabled()
    assert bar.sync_button.text() == "Syncing…"
    bar.set_syncing(False)
    assert bar.sync_button.isEnabled()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (10, "Synced just now"),
        (61, "Synced 1 min ago"),
        (7200, "Synced 2 h ago"),
        (3 * 86400, "Synced 9 Mar"),
    ],
)
def test_synced_ago(seconds, text):
    assert synced_ago(NOW - timedelta(seconds=seconds), NOW) == text


def test_status_bar_warns_of_a_clock_off_the_servers_by_more_than_a_minute(bar):
    bar.set_status(replace(sync_status(), clock_skew_seconds=-7201.4))
    assert bar.clock_warning.isVisible()
    assert bar.clock_warning.text.text() == "Your computer's clock is 2 h behind the server's"
    assert "2 h behind the server's" in bar.summary()
    assert "server's time" in bar.clock_warning.toolTip()
    bar.set_status(replace(sync_status(), clock_skew_seconds=95))
    assert bar.clock_warning.text.text() == "Your computer's clock is 2 min ahead of the server's"
    for close_enough in (None, 0.4, -59.0):
        bar.set_status(replace(sync_status(), clock_skew_seconds=close_enough))
        assert not bar.clock_warning.isVisible()
        assert "clock" not in bar.summary()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-300, "5 min behind"), (8100, "2 h 15 min ahead of"), (-3 * 86400, "3 days behind")],
)
def test_clock_skew_in_plain_words(seconds, text):
    assert skew_text(seconds) == f"Your computer's clock is {text} the server's"
