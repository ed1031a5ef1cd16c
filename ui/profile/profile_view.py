"""The Profile page's widgets, side by side: what students read and book on the left, where
they find it and what they see on the right. It holds no data of its own; ``ProfilePage``
fills it and turns its requests into use cases."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from ui.profile.about_form import AboutForm
from ui.profile.booking_link import BookingLinkBox
from ui.profile.lesson_types_panel import LessonTypesPanel
from ui.profile.preview_view import StudentPreview


class ProfileView(QScrollArea):
    """About you and lesson types | booking page and preview."""

    shown = Signal()  # the page came on screen (its preview may need working out again)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilePage")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.about = AboutForm()
        self.lesson_types = LessonTypesPanel()
        self.booking_link = BookingLinkBox()
        self.preview = StudentPreview()
        content = QWidget()
        content.setObjectName("profileContent")
        row = QHBoxLayout(content)
        row.setContentsMargins(18, 16, 18, 16)
        row.setSpacing(16)
        row.addLayout(self._column(self.about, self.lesson_types), 5)
        row.addLayout(self._column(self.booking_link, self.preview), 6)
        self.setWidget(content)

    @staticmethod
    def _column(*parts: QWidget) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(16)
        for part in parts:
            column.addWidget(part)
        column.addStretch(1)
        return column

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()
