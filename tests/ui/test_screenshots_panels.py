"""Screenshots of the lessons screen, the needs-attention list, the booking and cancel dialogs
and the status bar, in both themes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.sample_data import ZONE, lesson_detail, lesson_lists
from ui.appearance.theme import DARK, LIGHT, Palette, apply_theme
from ui.lessons.cancel_dialog import CancelLessonDialog
from ui.lessons.lessons_view import LessonsView, Tab


@pytest.fixture(params=[LIGHT, DARK], ids=["light", "dark"])
def themed(request, qapp):
    """Apply a theme to the application for one test, then put the defaults back."""
    style = qapp.style().name()
    palette: Palette = request.param
    apply_theme(qapp, palette.name)
    yield palette
    qapp.setStyleSheet("")
    if qapp.style().name() != style:
        qapp.setStyle(style)
    qapp.setPalette(QApplication.style().standardPalette())


def show(qtbot, widget: QWidget, width: int, height: int) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(width, height or widget.sizeHint().height())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_lessons_screenshot(qtbot, save_shot, themed):
    upcoming, past, cancelled = lesson_lists()
    view = LessonsView(time_zone=ZONE, palette=themed)
    view.set_lessons(Tab.UPCOMING, upcoming)
    view.set_lessons(Tab.PAST, past)
    view.set_lessons(Tab.CANCELLED, cancelled)
    show(qtbot, view, 1280, 760)
    view.select_booking("b14")
    view.set_detail(lesson_detail("b14"))
    save_shot(view, f"lessons_{themed.name}")
    view.show_tab(Tab.PAST)
    view.select_booking("b05")
    save_shot(view, f"lessons_past_{themed.name}")


def test_cancel_dialog_screenshot(qtbot, save_shot, themed):
    upcoming = lesson_lists()[0]
    dialog = CancelLessonDialog(None, upcoming[0], ZONE)
    show(qtbot, dialog, 460, 0)
    dialog.reason.setPlainText("I am ill and cannot teach this week, sorry.")
    save_shot(dialog, f"cancel_dialog_{themed.name}")


def test_attention_screenshot(qtbot, save_shot, themed):
    from datetime import UTC, datetime

    from tests.ui.sample_data import attention_items, realistic_week
    from ui.lessons.attention import AttentionList

    widget = AttentionList(
        time_zone=ZONE, palette=themed, clock=lambda: datetime(2025, 3, 12, 13, 20, tzinfo=UTC)
    )
    widget.set_items(attention_items())
    show(qtbot, widget, 720, 560)
    save_shot(widget, f"attention_{themed.name}")
    ended = [c for c in realistic_week().lessons if c.status == "completed"][:7]
    widget.set_to_mark(ended)  # as if never marked: the card the lessons to mark get
    assert widget.to_mark_card is not None
    assert widget.count() == len(attention_items()) + 7
    save_shot(widget, f"attention_to_mark_{themed.name}")
    widget.set_items(())
    widget.set_to_mark(())
    save_shot(widget, f"attention_empty_{themed.name}")


def test_attention_clash_screenshot(qtbot, save_shot, themed):
    """Two devices' clashing edits: both versions side by side, with "Use mine"."""
    from datetime import UTC, datetime

    from tests.ui.sample_data import attention_items, clash_items
    from ui.lessons.attention import AttentionList

    widget = AttentionList(
        time_zone=ZONE, palette=themed, clock=lambda: datetime(2025, 3, 12, 13, 20, tzinfo=UTC)
    )
    widget.set_items((*clash_items(), attention_items()[0]))
    show(qtbot, widget, 720, 640)
    save_shot(widget, f"attention_clashes_{themed.name}")


def test_booking_dialog_screenshot(qtbot, save_shot, themed):
    from tests.ui.test_attention_booking_status import POLICY, START, STUDENTS, TYPES
    from ui.lessons.booking_dialog import BookForStudentDialog

    dialog = BookForStudentDialog(
        None,
        start=START,
        instructor_zone=ZONE,
        students=STUDENTS,
        lesson_types=TYPES,
        policy_text=POLICY,
        student_id="s-ben",
    )
    show(qtbot, dialog, 500, 0)
    save_shot(dialog, f"book_for_student_{themed.name}")


def test_status_bar_screenshot(qtbot, save_shot, themed):
    from datetime import UTC, datetime

    from instainstru_desktop.services.views import SyncStatus
    from tests.ui.sample_data import sync_status
    from ui.widgets.status_bar import SyncStatusBar

    bar = SyncStatusBar(palette=themed, clock=lambda: datetime(2025, 3, 12, 13, 20, tzinfo=UTC))
    bar.set_status(sync_status())
    show(qtbot, bar, 900, 0)
    save_shot(bar, f"status_bar_{themed.name}")
    bar.set_status(
        SyncStatus(
            False,
            1,
            0,
            datetime(2025, 3, 12, 9, 0, tzinfo=UTC),
            last_error="The server could not be reached.",
        )
    )
    save_shot(bar, f"status_bar_offline_{themed.name}")
    bar.set_status(
        SyncStatus(
            True,
            0,
            1,
            datetime(2025, 3, 12, 13, 19, tzinfo=UTC),
            clock_skew_seconds=-7200.0,
        )
    )
    save_shot(bar, f"status_bar_clock_behind_{themed.name}")
