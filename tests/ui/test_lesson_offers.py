"""Every lesson menu offers only what the lesson's state and the time allow, and a refusal the
person is told about is not logged as an error."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QMenu

from tests.ui.sample_data import now_in_week, realistic_week
from tests.ui.test_week_view_actions import lesson_hit, trigger
from ui.calendar.week_view import WeekView


@pytest.fixture
def view(qtbot) -> WeekView:
    v = WeekView()
    qtbot.addWidget(v)
    v.resize(1100, 760)
    v.set_snapshot(realistic_week())
    v.set_now(now_in_week())  # Wednesday 14:20; Ben's lesson b14 starts at 15:00
    v.show()
    qtbot.waitExposed(v)
    return v


def offered(menu: QMenu | None) -> list[str]:
    assert menu is not None
    return [a.text() for a in menu.actions() if not a.isSeparator() and a.isEnabled()]


def test_a_lesson_still_to_come_offers_no_outcome(view):
    assert offered(view.context_menu_for(lesson_hit(view, "b14"))) == [
        "Details",
        "Move…",
        "Cancel…",
    ]
    shown = [a.text() for a in view.context_menu_for(lesson_hit(view, "b14")).actions()]
    assert "Mark completed" not in shown  # not even greyed out
    assert "Mark no-show" not in shown


def test_once_it_has_started_the_outcome_is_offered_and_each_entry_asks_for_it(qtbot, view):
    view.set_now(now_in_week() + timedelta(minutes=50))  # 15:10: Ben's lesson is under way
    menu = view.context_menu_for(lesson_hit(view, "b14"))
    assert offered(menu) == ["Details", "Mark completed", "Mark no-show", "Move…", "Cancel…"]
    for text, signal in [
        ("Details", view.lessonActivated),
        ("Mark completed", view.completeRequested),
        ("Mark no-show", view.noShowRequested),
        ("Move…", view.moveRequested),
        ("Cancel…", view.cancelRequested),
    ]:
        with qtbot.waitSignal(signal) as blocker:
            trigger(menu, text)
        assert blocker.args == ["b14"]


def test_a_recorded_outcome_offers_its_correction(qtbot, view):
    completed = view.context_menu_for(lesson_hit(view, "b01"))
    assert offered(completed) == ["Details", "Correct to no-show"]
    with qtbot.waitSignal(view.correctRequested) as blocker:
        trigger(completed, "Correct to no-show")
    assert blocker.args == ["b01", "no_show"]
    missed = view.context_menu_for(lesson_hit(view, "b05"))
    assert offered(missed) == ["Details", "Correct to completed"]


def test_the_detail_pane_shows_only_the_buttons_of_what_is_allowed(qtbot):
    from dataclasses import replace

    from tests.ui.sample_data import ZONE, lesson_detail
    from ui.lessons.detail import LessonDetailPane

    pane = LessonDetailPane(time_zone=ZONE)
    qtbot.addWidget(pane)
    pane.set_detail(lesson_detail("b14"))  # to come: move or cancel it
    shown = [b.text() for b in pane._buttons() if not b.isHidden()]
    assert shown == ["&Move…", "Cance&l…"]
    assert pane.outcome_hint.text() == (
        "You can record how it went once it starts (Wed 12 Mar, 15:00)."
    )
    completed = replace(
        lesson_detail("b01"),
        lesson=replace(lesson_detail("b01").lesson, status="completed"),
        can_cancel=False,
        can_move=False,
        correct_to="no_show",
    )
    pane.set_detail(completed)
    assert [b.text() for b in pane._buttons() if not b.isHidden()] == ["Correct to no-show"]
    assert pane.outcome_hint.isHidden()
    with qtbot.waitSignal(pane.correctRequested) as blocker:
        pane.correct_button.click()
    assert blocker.args == ["b01", "no_show"]


def test_the_lists_offer_the_same_entries_as_the_week(qtbot):
    from tests.ui.sample_data import ZONE, lesson_lists
    from ui.lessons.lessons_view import LessonsView, Tab

    upcoming, past, _ = lesson_lists()
    lists = LessonsView(time_zone=ZONE)
    qtbot.addWidget(lists)
    lists.set_clock(now_in_week)
    lists.set_lessons(Tab.UPCOMING, upcoming)
    lists.set_lessons(Tab.PAST, past)
    row = lists.proxies[Tab.UPCOMING].mapFromSource(
        lists.models[Tab.UPCOMING].index(lists.models[Tab.UPCOMING].row_of("b14"), 0)
    ).row()
    assert offered(lists.lesson_menu(Tab.UPCOMING, row)) == ["Details", "Move…", "Cancel…"]
    lists.show_tab(Tab.PAST)
    model, proxy = lists.models[Tab.PAST], lists.proxies[Tab.PAST]
    row = proxy.mapFromSource(model.index(model.row_of("b01"), 0)).row()
    menu = lists.lesson_menu(Tab.PAST, row)
    assert offered(menu) == ["Details", "Correct to no-show"]
    with qtbot.waitSignal(lists.correctRequested) as blocker:
        trigger(menu, "Correct to no-show")
    assert blocker.args == ["b01", "no_show"]


def test_a_refusal_is_shown_and_logged_without_an_error(qtbot, caplog):
    from instainstru_desktop.services.errors import ActionNotAllowedError
    from ui.ops import Ops

    shown: list[tuple[str, str]] = []
    ops = Ops(presenter=lambda title, text: shown.append((title, text)))

    def refuse() -> None:
        raise ActionNotAllowedError("A lesson can be marked only once it has started.")

    with caplog.at_level(logging.INFO, logger="ui.ops"):
        ops.run_db(refuse, what="marking the lesson completed")
        qtbot.waitUntil(lambda: bool(shown))
    assert shown == [("Not possible", "A lesson can be marked only once it has started.")]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert all(r.exc_info is None for r in caplog.records)  # no traceback for a refusal
    ops.shutdown()


@pytest.mark.expect_log("ui.ops", "ERROR", match="Failure while reading your week")
def test_a_bug_is_still_logged_as_an_error_with_its_traceback(qtbot, caplog):
    from ui.ops import Ops

    shown: list[tuple[str, str]] = []
    ops = Ops(presenter=lambda title, text: shown.append((title, text)))

    def broken() -> None:
        raise KeyError("oops")

    with caplog.at_level(logging.ERROR, logger="ui.ops"):
        ops.run_db(broken, what="reading your week")
        qtbot.waitUntil(lambda: bool(shown))
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None
    ops.shutdown()
