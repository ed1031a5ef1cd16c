"""The lesson's conversation, the unread badges and the new-message banner, as widgets: typing,
Enter and Shift+Enter, what a refresh keeps, and screenshots of each in both themes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from instainstru_desktop.services.views import ChatMessage, Conversation, MessageState
from tests.ui.sample_data import ZONE, lesson_detail, lesson_lists, now_in_week, realistic_week
from tests.ui.test_screenshots_panels import show, themed  # noqa: F401 - the fixture
from ui.appearance.theme import DARK, LIGHT
from ui.calendar.week_view import WeekView
from ui.lessons.conversation import ConversationView
from ui.lessons.lessons_view import LessonsView, Tab
from ui.lessons.model import LESSON_ROLE, Column
from ui.widgets.message_banner import MessageBanner

AT = datetime(2025, 3, 12, 9, 14, tzinfo=UTC)


def settled(qtbot, view: ConversationView) -> None:
    """Wait until the conversation has sized its list to the laid-out messages."""
    qtbot.waitUntil(lambda: not view._settle_later.isActive())
    QApplication.processEvents()


def chat(booking: str = "b14", *, unread: int = 1) -> Conversation:
    """Ben asks, the instructor answers (seen), one waiting to send, one refused; Ben again."""
    say = ChatMessage
    return Conversation(
        booking_id=booking,
        messages=(
            say(
                "m1",
                "Ben Okafor",
                "student",
                False,
                "Hi! I'm running about 10 minutes late today, the tram is stuck.",
                AT,
            ),
            say(
                "m2",
                "Maria Keller",
                "instructor",
                True,
                "No problem, see you at 15:10.",
                AT + timedelta(minutes=3),
                seen=True,
            ),
            say(
                "m3",
                "Ben Okafor",
                "student",
                False,
                "Should I bring the Clementi?\nAnd the scales book?",
                AT + timedelta(minutes=9),
            ),
            say(
                "m4",
                "",
                "instructor",
                True,
                "Yes, both please.",
                AT + timedelta(minutes=40),
                MessageState.WAITING,
            ),
        ),
        unread=unread,
        latest=3,
        other_name="Ben Okafor",
    )


def test_enter_sends_and_shift_enter_breaks_the_line(qtbot) -> None:
    view = ConversationView(time_zone=ZONE)
    show(qtbot, view, 420, 0)
    view.set_conversation(chat())
    editor = view.composer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "Bring the")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "sheet music")
    assert editor.toPlainText() == "Bring the\nsheet music"
    with qtbot.waitSignal(view.sendRequested) as sent:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert sent.args == ["b14", "Bring the\nsheet music"]
    view.sent()
    assert editor.toPlainText() == ""
    with qtbot.assertNotEmitted(view.sendRequested):
        qtbot.keyClicks(editor, "   ")
        qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert not view.composer.send_button.isEnabled()


def test_a_message_over_the_limit_cannot_be_sent_and_says_why(qtbot) -> None:
    view = ConversationView(time_zone=ZONE)
    show(qtbot, view, 420, 0)
    view.set_conversation(chat())
    view.composer.editor.setPlainText("x" * 4001)
    assert not view.composer.send_button.isEnabled()
    assert "at most 4,000 characters" in view.composer.hint.text()
    with qtbot.assertNotEmitted(view.sendRequested):
        view.composer.send()
    view.composer.editor.setPlainText("x" * 4000)
    assert view.composer.send_button.isEnabled()


def test_a_fresher_read_keeps_what_is_typed_and_another_lesson_does_not(qtbot) -> None:
    view = ConversationView(time_zone=ZONE)
    show(qtbot, view, 420, 0)
    view.set_conversation(chat())
    view.composer.editor.setPlainText("half a thought")
    newer = replace(
        chat(), messages=(*chat().messages, replace(chat().messages[0], message_id="m5"))
    )
    view.set_conversation(newer)
    assert view.composer.text() == "half a thought"
    assert len(view.bubbles()) == 5
    view.set_conversation(chat("b16"))
    assert view.composer.text() == ""


def test_each_message_says_who_when_and_where_it_stands(qtbot) -> None:
    view = ConversationView(time_zone=ZONE)
    show(qtbot, view, 420, 0)
    view.set_conversation(chat())
    headings = [b.header.text() for b in view.bubbles()]
    assert headings == [
        "Ben Okafor · Wed 12 Mar, 10:14",
        "You · Wed 12 Mar, 10:17 · Seen",
        "Ben Okafor · Wed 12 Mar, 10:23",
        "You · Waiting to send",
    ]
    assert [b.property("mine") for b in view.bubbles()] == ["false", "true", "false", "true"]
    assert view.caption.text() == "Messages (1 new)"
    view.set_conversation(replace(chat(), messages=(), unread=0))
    assert view.empty.isVisible()
    assert "No messages yet" in view.empty.text()


def test_the_lessons_list_shows_unread_counts(qtbot, save_shot, themed) -> None:  # noqa: F811
    upcoming, past, cancelled = lesson_lists()
    counts = {"b14": 2, "b16": 1, "b21": 12}
    upcoming = [replace(c, unread=counts.get(c.booking_id, 0)) for c in upcoming]
    view = LessonsView(time_zone=ZONE, palette=themed)
    view.set_lessons(Tab.UPCOMING, upcoming)
    view.set_lessons(Tab.PAST, past)
    view.set_lessons(Tab.CANCELLED, cancelled)
    show(qtbot, view, 1280, 760)
    view.select_booking("b14")
    view.set_detail(lesson_detail("b14"))
    view.detail.conversation.set_conversation(chat())
    settled(qtbot, view.detail.conversation)
    model = view.models[Tab.UPCOMING]
    index = model.index(model.row_of("b14"), Column.STUDENT)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == "Ben Okafor, 2 new messages"
    assert "2 new messages" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(LESSON_ROLE).unread == 2
    path = save_shot(view, f"lessons_messages_{themed.name}")
    table = view.tables[Tab.UPCOMING]
    image = table.viewport().grab().toImage()

    def cell_end(booking: str) -> list[QColor]:
        cell = table.visualRect(
            view.proxies[Tab.UPCOMING].mapFromSource(model.index(model.row_of(booking), 1))
        )
        return [
            image.pixelColor(x, cell.center().y()) for x in range(cell.right() - 24, cell.right())
        ]

    accent, on_accent = QColor(themed.accent), QColor(themed.accent_text)
    assert any(c == accent for c in cell_end("b21")), "no accent pill at the end of the cell"
    assert not any(c == accent for c in cell_end("b18")), "a pill on a lesson with nothing new"
    assert any(c == on_accent for c in cell_end("b14")), "no light pill on the selected row"
    assert path.exists()


def test_the_conversation_in_the_detail_pane(qtbot, save_shot, themed) -> None:  # noqa: F811
    view = LessonsView(time_zone=ZONE, palette=themed)
    show(qtbot, view, 520, 900)
    view.set_detail(lesson_detail("b14"))
    view.detail.conversation.set_conversation(chat())
    view.detail.conversation.composer.editor.setPlainText("See you then!")
    settled(qtbot, view.detail.conversation)
    save_shot(view.detail, f"conversation_{themed.name}")
    refused = replace(
        chat(),
        messages=(
            *chat().messages,
            ChatMessage(
                "m6",
                "",
                "",
                True,
                "Lesson moved?",
                AT + timedelta(hours=1),
                MessageState.REFUSED,
                refusal="This lesson is not yours any more.",
            ),
        ),
    )
    view.detail.conversation.set_conversation(refused)
    assert "Not sent" in view.detail.conversation.bubbles()[-1].header.text()


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_the_week_shows_unread_counts_on_lessons(qtbot, save_shot, palette) -> None:
    week = realistic_week()
    counts = {"b14": 2, "b16": 1, "b22": 3}
    lessons = tuple(replace(c, unread=counts.get(c.booking_id, 0)) for c in week.lessons)
    view = WeekView(palette=palette)
    qtbot.addWidget(view)
    view.resize(1280, 820)
    view.set_snapshot(replace(week, lessons=lessons))
    view.set_now(now_in_week())
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()  # window activation gives the view focus: take it back after
    view.clearFocus()  # (the keyboard cursor is drawn in the accent colour too)
    save_shot(view, f"week_messages_{palette.name}")
    image = view.grab().toImage()
    accent = QColor(palette.accent)
    for booking, rects in view.lesson_rects().items():
        rect = rects[0]  # the pill sits at the card's right end: bottom, or middle when short
        right_end = [
            image.pixelColor(int(rect.right()) - dx, y)
            for dx in range(4, 14)
            for y in range(int(rect.top()) + 14, int(rect.bottom()) - 3)
        ]
        assert any(c == accent for c in right_end) == (booking in counts), booking


def test_the_new_message_banner(qtbot, save_shot, themed) -> None:  # noqa: F811
    banner = MessageBanner(palette=themed)
    show(qtbot, banner, 900, 0)
    banner.announce(
        "Ben Okafor: “Should I bring the Clementi? And the scales book?” "
        "(lesson Wed 12 Mar, 15:00)",
        "b14",
    )
    save_shot(banner, f"message_banner_{themed.name}")
    with qtbot.waitSignal(banner.openRequested) as opened:
        banner.open_button.click()
    assert opened.args == ["b14"]
    assert not banner.isVisible()
