"""Lesson lists, the detail pane and the cancel dialog."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.sample_data import ZONE, lesson_detail, lesson_lists, realistic_week
from ui.lessons import format as fmt
from ui.lessons.cancel_dialog import CancelLessonDialog
from ui.lessons.detail import LessonDetailPane
from ui.lessons.lessons_view import LessonFilter, LessonsView, Tab
from ui.lessons.model import LESSON_ROLE, SORT_ROLE, Column, LessonTableModel


@pytest.fixture
def cards():
    return list(realistic_week().lessons)


def test_table_model_passes_the_model_tester(qtmodeltester, cards):
    model = LessonTableModel(ZONE)
    model.set_lessons(cards)
    qtmodeltester.check(model, force_py=True)
    model.set_lessons([])
    qtmodeltester.check(model, force_py=True)


def test_model_tester_through_the_filter_proxy(qtmodeltester, cards):
    model = LessonTableModel(ZONE)
    proxy = LessonFilter()
    proxy.setSourceModel(model)
    model.set_lessons(cards)
    proxy.set_text("piano")
    qtmodeltester.check(proxy, force_py=True)
    assert proxy.rowCount() == sum(c.lesson_type_name == "Piano" for c in cards)
    proxy.set_text("garcía guitar")
    assert proxy.rowCount() == 1


def test_model_cells_roles_and_bounds(cards):
    model = LessonTableModel(ZONE)
    model.set_lessons(cards)
    first = cards[0]
    assert model.rowCount() == len(cards)
    assert model.columnCount() == len(Column)
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert model.index(0, Column.STUDENT).data() == first.student_name
    assert model.index(0, Column.WHEN).data() == "Mon 10 Mar, 09:00–09:45"
    assert model.index(0, Column.PRICE).data() == "€55.00"
    assert model.index(0, Column.STATUS).data() == "Completed"
    assert model.index(0, 0).data(LESSON_ROLE) is first
    assert model.index(0, Column.WHEN).data(SORT_ROLE) == first.start.timestamp()
    assert model.index(len(cards), 0).data() is None
    assert model.data(QModelIndex()) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(99, Qt.Orientation.Horizontal) is None
    pending = model.index(model.row_of("b15"), Column.STATUS)
    assert pending.data() == "Confirmed"
    assert "Waiting to sync" in pending.data(Qt.ItemDataRole.ToolTipRole)
    assert pending.data(Qt.ItemDataRole.DecorationRole) is not None


def test_model_updates_one_row_and_removes_rows(qtbot, cards):
    model = LessonTableModel(ZONE)
    model.set_lessons(cards)
    done = replace(cards[13], status="completed")
    with qtbot.waitSignal(model.dataChanged) as blocker:
        assert model.update_lesson(done)
    assert blocker.args[0].row() == blocker.args[1].row() == 13
    assert model.index(13, Column.STATUS).data() == "Completed"
    assert not model.update_lesson(replace(done, booking_id="nope"))
    with qtbot.waitSignal(model.rowsRemoved):
        assert model.remove_lesson("b14")
    assert model.row_of("b14") == -1
    model.set_time_zone("America/New_York")
    assert (
        model.index(0, Column.WHEN).data(Qt.ItemDataRole.ToolTipRole).split("\n")[1].endswith("EDT")
    )


def test_sorting_uses_real_values(qtbot, cards):
    view = LessonsView(time_zone=ZONE)
    qtbot.addWidget(view)
    view.set_lessons(Tab.UPCOMING, cards)
    table, proxy = view.tables[Tab.UPCOMING], view.proxies[Tab.UPCOMING]
    table.sortByColumn(Column.PRICE, Qt.SortOrder.AscendingOrder)
    prices = [proxy.index(r, 0).data(LESSON_ROLE).price_cents for r in range(proxy.rowCount())]
    assert prices == sorted(prices)
    table.sortByColumn(Column.WHEN, Qt.SortOrder.AscendingOrder)
    starts = [proxy.index(r, 0).data(LESSON_ROLE).start for r in range(proxy.rowCount())]
    assert starts == sorted(starts)


def test_selecting_a_row_asks_for_its_detail(qtbot):
    upcoming, past, cancelled = lesson_lists()
    view = LessonsView(time_zone=ZONE)
    qtbot.addWidget(view)
    view.set_lessons(Tab.UPCOMING, upcoming)
    view.set_lessons(Tab.PAST, past)
    view.set_lessons(Tab.CANCELLED, cancelled)
    assert view.tabs.tabText(Tab.PAST) == f"Past ({len(past)})"
    with qtbot.waitSignal(view.lessonSelected) as blocker:
        assert view.select_booking("b16")
    assert blocker.args == ["b16"]
    assert view.selected_booking() == "b16"
    # A fresh list keeps the selection.
    view.set_lessons(Tab.UPCOMING, list(reversed(upcoming)))
    assert view.selected_booking() == "b16"
    with qtbot.waitSignal(view.tabChanged) as blocker:
        view.show_tab(Tab.CANCELLED)
    assert blocker.args == [Tab.CANCELLED]
    assert not view.select_booking("b16")


def test_detail_pane_shows_both_zones_and_the_history(qtbot):
    pane = LessonDetailPane(time_zone=ZONE)
    qtbot.addWidget(pane)
    detail = lesson_detail("b14")  # Ben Okafor, Europe/London
    pane.set_detail(detail)
    assert pane.title.text() == "Ben Okafor"
    assert pane.your_time.text() == "Wed 12 Mar 2025, 15:00–15:45 CET"
    assert pane.student_time.text().startswith("Wed 12 Mar 2025, 14:00–14:45 GMT")
    assert "Europe/London" in pane.student_time.text()
    assert pane.price.text() == "€55.00"
    assert pane.history.count() == 3
    assert pane.complete_button.isHidden()  # not started yet: not offered
    assert not pane.cancel_button.isHidden()
    assert pane.note.toPlainText() == detail.lesson.note
    assert not pane.save_note_button.isEnabled()


def test_detail_pane_buttons_emit_signals(qtbot, monkeypatch):
    pane = LessonDetailPane(time_zone=ZONE)
    qtbot.addWidget(pane)
    detail = replace(lesson_detail("b14"), can_complete=True, can_no_show=True)
    pane.set_detail(detail)
    with qtbot.waitSignal(pane.completeRequested) as blocker:
        qtbot.mouseClick(pane.complete_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["b14"]
    with qtbot.waitSignal(pane.noShowRequested) as blocker:
        pane.no_show_button.click()
    assert blocker.args == ["b14"]
    monkeypatch.setattr(CancelLessonDialog, "ask", classmethod(lambda cls, *a: "I am ill"))
    with qtbot.waitSignal(pane.cancelRequested) as blocker:
        pane.cancel_button.click()
    assert blocker.args == ["b14", "I am ill"]
    monkeypatch.setattr(CancelLessonDialog, "ask", classmethod(lambda cls, *a: None))
    with qtbot.assertNotEmitted(pane.cancelRequested):
        pane.cancel_button.click()


def test_note_editing_saving_and_keeping_unsaved_text(qtbot):
    pane = LessonDetailPane(time_zone=ZONE)
    qtbot.addWidget(pane)
    detail = lesson_detail("b14")
    pane.set_detail(detail)
    pane.note.setPlainText("Arpeggios next time")
    assert pane.save_note_button.isEnabled()
    assert pane.note_state.text() == "Unsaved changes"
    # A fresher read of the same lesson arrives: the typed text survives.
    pane.set_detail(replace(detail, history=detail.history[:1]))
    assert pane.note.toPlainText() == "Arpeggios next time"
    with qtbot.waitSignal(pane.noteSaveRequested) as blocker:
        pane.save_note_button.click()
    assert blocker.args == ["b14", "Arpeggios next time"]
    assert not pane.save_note_button.isEnabled()
    pane.note.setPlainText("x" * 4001)
    assert not pane.save_note_button.isEnabled()
    # Another lesson replaces the text.
    pane.set_detail(lesson_detail("b16"))
    assert pane.note.toPlainText() == lesson_detail("b16").lesson.note


def test_detail_pane_empty_and_cancelled_states(qtbot):
    pane = LessonDetailPane(time_zone=ZONE)
    qtbot.addWidget(pane)
    assert pane.booking_id() is None
    cancelled = lesson_lists()[2][0]
    detail = replace(lesson_detail("b14"), lesson=cancelled, can_cancel=False)
    pane.set_detail(detail)
    assert pane.reason.text() == "Family emergency, sorry! (cancelled by the student)"
    assert pane.cancel_button.isHidden()
    pane.set_detail(None)
    assert pane.booking_id() is None


def test_cancel_dialog_requires_a_reason(qtbot):
    dialog = CancelLessonDialog(None, realistic_week().lessons[13], ZONE)
    qtbot.addWidget(dialog)
    assert not dialog.confirm.isEnabled()
    dialog.accept()
    assert dialog.result() == 0  # not accepted without a reason
    dialog.reason.setPlainText("   ")
    assert not dialog.confirm.isEnabled()
    dialog.reason.setPlainText("  Ill,\n sorry  ")
    assert dialog.confirm.isEnabled()
    assert dialog.reason_text() == "Ill, sorry"
    with qtbot.waitSignal(dialog.accepted):
        dialog.confirm.click()
    dialog.reason.setPlainText("x" * 501)
    assert not dialog.confirm.isEnabled()
    assert "500" in dialog.hint.text()


def test_cancel_dialog_ask_returns_the_reason_or_none(qtbot, monkeypatch):
    def fake_exec(self):
        self.reason.setPlainText("Travel")
        return CancelLessonDialog.DialogCode.Accepted

    monkeypatch.setattr(CancelLessonDialog, "exec", fake_exec)
    assert CancelLessonDialog.ask(None) == "Travel"
    monkeypatch.setattr(
        CancelLessonDialog, "exec", lambda self: CancelLessonDialog.DialogCode.Rejected
    )
    assert CancelLessonDialog.ask(None) is None
    dialog = CancelLessonDialog()
    qtbot.addWidget(dialog)
    roles = [dialog.buttons.buttonRole(b) for b in dialog.buttons.buttons()]
    assert QDialogButtonBox.ButtonRole.RejectRole in roles


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (5500, "EUR", "€55.00"),
        (0, "EUR", "Free"),
        (123456, "USD", "$1,234.56"),
        (990, "SEK", "SEK 9.90"),
        (-500, "GBP", "-£5.00"),
    ],
)
def test_money(cents, currency, text):
    assert fmt.money(cents, currency) == text


def test_theme_switch_keeps_the_lists(qtbot):
    from ui.appearance.theme import DARK

    upcoming, _past, _cancelled = lesson_lists()
    view = LessonsView(time_zone=ZONE)
    qtbot.addWidget(view)
    view.set_lessons(Tab.UPCOMING, upcoming)
    view.set_detail(lesson_detail("b14"))
    view.set_theme(DARK)
    assert view.models[Tab.UPCOMING].rowCount() == len(upcoming)
    assert not view.detail.complete_button.icon().isNull()
    view.set_time_zone("Asia/Tokyo")
    assert view.detail.your_time.text().endswith("JST")


def test_the_history_is_shown_whole_while_there_is_room(qtbot, save_shot):
    """The history used to be a box two rows tall, its text clipped behind a scroll bar while
    the pane was empty below it: every line is shown, wrapped, without scrolling."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QAbstractScrollArea, QLabel

    pane = LessonDetailPane(time_zone=ZONE)
    qtbot.addWidget(pane)
    detail = lesson_detail("b14")
    long = replace(
        detail.history[-1],
        summary="Reason: the student asked to move it to the afternoon; the room was free "
        "then, so the lesson now starts at 15:00 instead of 11:00.",
    )
    pane.set_detail(replace(detail, history=(*detail.history, long)))
    pane.resize(440, 1000)
    pane.show()
    qtbot.waitExposed(pane)
    save_shot(pane, "detail_history")
    history = pane.history
    assert history.count() == 4
    scrolling = [
        area for area in [history, *history.findChildren(QAbstractScrollArea)]
        if isinstance(area, QAbstractScrollArea) and area.verticalScrollBar().maximum() > 0
    ]
    assert scrolling == []  # nothing hidden behind a scroll bar
    shown = " ".join(label.text() for label in history.findChildren(QLabel))
    assert "starts at 15:00 instead of 11:00." in shown
    for label in history.findChildren(QLabel):
        assert label.height() >= label.heightForWidth(label.width())  # no line cut off
        place = label.geometry().translated(label.parentWidget().mapTo(history, QPoint(0, 0)))
        assert history.rect().contains(place)  # and none outside the box
