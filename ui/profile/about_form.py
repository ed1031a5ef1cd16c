"""About you: the name and the bio students read on the booking page.

The fields are checked as they are typed, with the sentences the service refuses bad values with
(``profile_checks``), and Save stays off while anything is wrong or nothing changed. A refresh
from a sync never overwrites what is being typed: the fields follow the stored profile only
while they hold what was last shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from instainstru_desktop.protocol.fields import BIO_MAX_CHARS
from instainstru_desktop.services.profile_checks import bio_problem, name_problem
from instainstru_desktop.services.views import InstructorProfile, SyncMark
from ui.profile.widgets import Card, card, label, set_tone


class AboutForm(Card):
    """Name and bio; ``saveRequested(name, bio)`` when the person saves valid changes."""

    saveRequested = Signal(str, str)  # noqa: N815 - Qt signal

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shown = InstructorProfile()
        layout = card(self, "aboutCard", "About you", "Students read this on your booking page.")
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        self.name = QLineEdit()
        self.name.setObjectName("profileName")
        self.name.setAccessibleName("Your name")
        self.name_hint = label("", "help", "nameHint")
        self.bio = QPlainTextEdit()
        self.bio.setObjectName("profileBio")
        self.bio.setAccessibleName("Bio")
        self.bio.setPlaceholderText(
            "What you teach, how you teach it, who your lessons are for.\n"
            "Line breaks are kept; a blank line starts a new paragraph."
        )
        self.bio.setTabChangesFocus(True)
        self.bio.setMinimumHeight(130)
        self.bio_hint = label("", "help", "bioHint")
        form.addRow(_buddy("&Name", self.name), self.name)
        form.addRow("", self.name_hint)
        form.addRow(_buddy("&Bio", self.bio), self.bio)
        form.addRow("", self.bio_hint)
        layout.addLayout(form)
        layout.addLayout(self._buttons())
        self.name.textChanged.connect(self._check)
        self.bio.textChanged.connect(self._check)
        self._check()

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.mark = label("", "subtitle", "aboutMark")
        self.discard = QPushButton("&Discard changes")
        self.discard.setObjectName("discardAbout")
        self.save = QPushButton("&Save")
        self.save.setObjectName("saveAbout")
        self.save.setProperty("role", "primary")
        self.discard.clicked.connect(lambda: self._fill(self._shown))
        self.save.clicked.connect(self._save)
        row.addWidget(self.mark, 1)
        row.addWidget(self.discard)
        row.addWidget(self.save)
        return row

    # -- showing ----------------------------------------------------------------------------

    def show_profile(self, profile: InstructorProfile) -> None:
        """Show the stored profile; fields being edited keep what the person typed."""
        edited = self.is_edited()
        previous, self._shown = self._shown, profile
        typed = (self.name.text().strip(), self.bio.toPlainText())
        if not edited or typed == (profile.name, profile.bio):
            self._fill(profile)
        elif previous != profile:
            self._check()
        self._show_mark(profile)

    def _fill(self, profile: InstructorProfile) -> None:
        if self.name.text() != profile.name:
            self.name.setText(profile.name)
        if self.bio.toPlainText() != profile.bio:
            self.bio.setPlainText(profile.bio)
        self._check()

    def _show_mark(self, profile: InstructorProfile) -> None:
        if profile.mark is SyncMark.PENDING:
            text, tone = "Saved here; it goes to the server with the next sync.", ""
        elif profile.mark is SyncMark.REJECTED:
            text, tone = f"The server refused your last change: {profile.mark_message}", "error"
        else:
            text, tone = "", ""
        self.mark.setText(text)
        set_tone(self.mark, tone)

    # -- checking ---------------------------------------------------------------------------

    def is_edited(self) -> bool:
        """Whether the fields hold something other than what is stored."""
        return (self.name.text().strip(), self.bio.toPlainText()) != (
            self._shown.name,
            self._shown.bio,
        )

    def problems(self) -> dict[str, str]:
        found = {
            "name": name_problem(self.name.text()),
            "bio": bio_problem(self.bio.toPlainText()),
        }
        return {field: text for field, text in found.items() if text}

    def _check(self) -> None:
        problems = self.problems()
        self.name_hint.setText(problems.get("name", ""))
        self.name_hint.setVisible("name" in problems)
        set_tone(self.name_hint, "error")
        length = len(self.bio.toPlainText())
        self.bio_hint.setText(problems.get("bio", f"{length:,} of {BIO_MAX_CHARS:,} characters"))
        set_tone(self.bio_hint, "error" if "bio" in problems else "")
        edited = self.is_edited()
        self.save.setEnabled(edited and not problems)
        self.discard.setEnabled(edited)
        self.refit(self.name_hint, self.bio_hint)

    def _save(self) -> None:
        if self.problems() or not self.is_edited():
            return
        self.saveRequested.emit(self.name.text().strip(), self.bio.toPlainText())


def _buddy(text: str, field: QWidget) -> QLabel:
    """A field's label whose mnemonic (Alt+letter) moves the focus to the field."""
    made = QLabel(text)
    made.setBuddy(field)
    return made
