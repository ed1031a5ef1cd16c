"""Feeds the lesson detail's conversation and carries out what is written in it.

The open lesson's conversation is read when the lesson is shown and again when a change names
it (a message pulled, one sent here reaching the server). Being in front of the person is
reading it -- on screen, in the active window (read again when the app becomes active): the
person's read marker moves to the newest message, which clears the lesson's unread badge. A
message goes through :class:`MessageService` on the database executor, so it is queued (and
shown "waiting to send") whether the server is reachable or not.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication

from instainstru_desktop.services.views import Changed, Conversation
from ui.lessons.conversation import ConversationView
from ui.shell.session import Session


class ConversationPanel(QObject):
    """The conversation of the lesson the detail pane shows."""

    def __init__(
        self,
        session: Session,
        view: ConversationView,
        on_changed: Callable[[Changed], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.view = view
        self._changed = on_changed
        self._booking: str | None = None
        view.sendRequested.connect(self.send)
        view.appeared.connect(self._mark_read_if_shown)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_app_state)

    def show(self, booking_id: str | None) -> None:
        """Show the conversation of ``booking_id`` (None: none)."""
        self._booking = booking_id or None
        if self._booking is None or not self.session.is_ready:
            self.view.set_conversation(None)
            return
        self._read(self._booking)

    def on_changed(self, changed: Changed) -> None:
        """Re-read the open conversation when a change may have touched it."""
        booking = self._booking
        if booking is None:
            return
        if changed.everything or changed.messages or booking in changed.booking_ids:
            self._read(booking)

    def send(self, booking_id: str, text: str) -> None:
        messages = self.session.services.messages

        def sent(changed: Changed) -> None:
            if self.view.booking_id() == booking_id:
                self.view.sent()
            self._changed(changed)

        self.session.ops.run_db(
            lambda: messages.send(booking_id, text),
            sent,
            self._refused,
            what="sending your message",
        )

    # -- inside -----------------------------------------------------------------------------

    def _read(self, booking_id: str) -> None:
        messages = self.session.services.messages
        self.session.ops.run_db(
            lambda: messages.conversation(booking_id),
            self._show,
            what="reading the lesson's messages",
        )

    def _show(self, conversation: Conversation) -> None:
        if conversation.booking_id != self._booking:
            return  # another lesson was opened meanwhile
        self.view.set_conversation(conversation)
        self._mark_read_if_shown()

    def _mark_read_if_shown(self) -> None:
        """Move the read marker when unread messages are in front of the person."""
        conversation = self.view.conversation()
        if conversation is None or not conversation.unread:
            return
        if not (self.view.isVisible() and self.view.isActiveWindow()):
            return  # read when it appears, or when the app is active again
        messages = self.session.services.messages
        booking = conversation.booking_id
        self.session.ops.run_db(
            lambda: messages.mark_read(booking), self._changed, what="marking messages read"
        )

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        # a window being replaced (another account) has stopped its session before it goes
        if state != Qt.ApplicationState.ApplicationActive or not self.session.is_ready:
            return
        if self._booking is not None:
            self._read(self._booking)

    def _refused(self, error: BaseException) -> None:
        from instainstru_desktop.services.errors import ServiceError  # the store: not at start

        if isinstance(error, ServiceError):
            self.view.show_problem(error.message)
        else:
            self.session.ops.present(error, "sending your message")
