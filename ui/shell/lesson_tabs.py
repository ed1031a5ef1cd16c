"""The Lessons and Needs-attention tabs, built just after the week's first paint.

Their tables, detail pane and conversation panel took about a third of the main window's
construction, all of it before the first painted week, for pages nobody sees at start. The tab
bar shows both tabs from the start (empty stand-ins); the pages are built and put in their
place right after the saved week is on screen, or at once when something asks for them
(a notice opening a lesson), and always before the session's first reads: the
counts on the tabs (unread messages, items that need attention) arrive as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTabWidget, QWidget

from ui.lessons.attention import AttentionList
from ui.lessons.lessons_page import AttentionPage, LessonsPage
from ui.lessons.lessons_view import LessonsView
from ui.shell.message_notices import MessageNotices

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow


@dataclass(frozen=True)
class LessonTabs:
    """The two pages, what feeds them, and the unread-messages count on the Lessons tab."""

    lessons_view: LessonsView
    lessons_page: LessonsPage
    attention_view: AttentionList
    attention_page: AttentionPage
    message_notices: MessageNotices


def put_in_place(tabs: QTabWidget, stand_in: QWidget, page: QWidget, icon: QIcon) -> None:
    """Swap a stand-in page for the real one, keeping its place, title and the current page."""
    index = tabs.indexOf(stand_in)
    current = tabs.currentIndex()
    title = tabs.tabText(index)
    tabs.blockSignals(True)  # the same tab stays current: nothing to announce
    tabs.removeTab(index)
    tabs.insertTab(index, page, icon, title)
    tabs.setCurrentIndex(current)
    tabs.blockSignals(False)
    stand_in.deleteLater()


def build_lesson_tabs(
    window: MainWindow, lessons_stand_in: QWidget, attention_stand_in: QWidget
) -> LessonTabs:
    """Build both pages into ``window``'s tabs in place of their stand-ins (the window wires
    their signals)."""
    from ui.appearance import icons
    from ui.shell.main_window import TAB_ICONS

    session, palette, tabs = window.session, window.palette_, window.tabs
    lessons_view = LessonsView(palette=palette)
    lessons_page = LessonsPage(session, window.actions_, lessons_view)
    attention_view = AttentionList(palette=palette)
    attention_page = AttentionPage(session, attention_view)
    put_in_place(tabs, lessons_stand_in, lessons_view, icons.icon(TAB_ICONS[1], palette))
    put_in_place(tabs, attention_stand_in, attention_view, icons.icon(TAB_ICONS[2], palette))
    notices = MessageNotices(
        session,
        tabs,
        lessons_view,
        window.message_banner,
        window.notices.tray,
        window.open_conversation,
    )
    return LessonTabs(lessons_view, lessons_page, attention_view, attention_page, notices)
