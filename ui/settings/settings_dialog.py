"""Settings: account, home time zone, appearance and booking rules, built from forms/settings.ui.

The dialog writes nothing. It shows what the caller fetched first (an
:class:`~instainstru_desktop.services.views.InstructorProfile`, the theme, where the app is
connected) and answers a :class:`SettingsResult`; the caller saves what changed through
``ProfileService`` and the preferences. Values are checked as they are typed with the same
sentences the service would refuse them with (``services.profile``), and OK stays disabled
while anything is wrong.

"Change server…" and "Sign out" end the dialog too: they need the session to stop, which only
the caller can do. Unsaved edits are offered for saving first. The result then carries the
action (``account_action``) and the caller does it after saving; the signals
``changeServerRequested`` / ``signOutRequested`` say the same to whoever listens.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from string import Template
from typing import Any, Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.profile import zone_problem
from instainstru_desktop.services.views import POLICY_FIELDS, InstructorProfile, SyncMark
from ui.account.connection_dialog import palette_in_use, sharpen_controls
from ui.appearance import icons
from ui.appearance.theme import Palette, ThemeChoice, is_dark
from ui.forms.loader import form_child, load_form
from ui.settings.rules_page import RulesPage
from ui.widgets.zones import ZonePicker, offset_text, system_zone, zone_display

AccountAction = Literal["change_server", "sign_out"]
LeaveChoice = Literal["save", "discard", "cancel"]


class Section(enum.IntEnum):
    """The dialog's pages, in list order."""

    ACCOUNT = 0
    TIME_ZONE = 1
    APPEARANCE = 2
    BOOKING_RULES = 3


_SECTION_ICONS = {
    Section.ACCOUNT: "user",
    Section.TIME_ZONE: "globe",
    Section.APPEARANCE: "paint",
    Section.BOOKING_RULES: "calendar",
}


@dataclass(frozen=True, slots=True)
class SettingsResult:
    """Every value the dialog ended with, which of them changed, and the account action."""

    theme: str  # "light" | "dark" | "system"
    time_zone: str
    min_notice_minutes: int
    booking_horizon_days: int
    buffer_minutes: int
    slot_step_minutes: int
    daily_limit: int | None
    weekly_limit: int | None
    changed: frozenset[str] = frozenset()  # names of the fields above that differ from the start
    account_action: AccountAction | None = None  # what the caller does after saving

    def changed_fields(self) -> frozenset[str]:
        """Names of the fields that differ from what the dialog was opened with."""
        return self.changed

    def policy_changes(self) -> dict[str, int | None]:
        """The changed booking rules, ready for ``ProfileService.update_policy(id, **...)``."""
        return {name: getattr(self, name) for name in POLICY_FIELDS if name in self.changed}


class SettingsDialog(QDialog):
    """The person's settings; see the module docstring for what it does and does not do."""

    changeServerRequested = Signal()  # noqa: N815 - Qt signal
    signOutRequested = Signal()  # noqa: N815 - Qt signal
    validityChanged = Signal(bool)  # noqa: N815 - Qt signal: OK became enabled / disabled

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        profile: InstructorProfile,
        theme: str,
        server_label: str,
        account_label: str,
        recent_zones: Sequence[str] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        open_terms: Callable[[QWidget], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.resize(760, 520)
        self._profile = profile
        themes = [t.value for t in ThemeChoice]
        self._theme = theme if theme in themes else ThemeChoice.SYSTEM.value
        self._clock = clock
        self._recent_zones = tuple(recent_zones)
        self._action: AccountAction | None = None
        self._keep_edits = True
        self._valid = True
        self._palette = palette_in_use()
        self.form = load_form("settings", self, custom=[ZonePicker])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self._find_children()
        self._style()
        self._fill(server_label, account_label or f"{profile.name} ({profile.email})")
        self._connect()
        self.terms_button = QPushButton("&Terms…")
        self.terms_button.setObjectName("openTerms")
        self.terms_button.setToolTip("The terms weekly lessons can run to, with their breaks")
        if open_terms is not None:  # the terms are the instructor's: only with an account
            self._child(QWidget, "rulesPage").layout().addWidget(self.terms_button)
            self.terms_button.clicked.connect(lambda: open_terms(self))
        self.sections.setCurrentRow(Section.ACCOUNT)
        self._validate()

    # -- building ---------------------------------------------------------------------------

    def _child(self, kind: type[Any], name: str) -> Any:
        return form_child(self.form, kind, name)

    def _find_children(self) -> None:
        c = self._child
        self.sections: QListWidget = c(QListWidget, "sections")
        self.pages: QStackedWidget = c(QStackedWidget, "pages")
        self.server_value: QLabel = c(QLabel, "serverValue")
        self.account_value: QLabel = c(QLabel, "accountValue")
        self.change_server: QPushButton = c(QPushButton, "changeServer")
        self.sign_out: QPushButton = c(QPushButton, "signOut")
        self.zone: ZonePicker = c(ZonePicker, "zone")
        self.zone_offset: QLabel = c(QLabel, "zoneOffset")
        self.zone_hint: QLabel = c(QLabel, "zoneHint")
        self.use_system_zone: QPushButton = c(QPushButton, "useSystemZone")
        self.theme_buttons: dict[str, QRadioButton] = {
            ThemeChoice.LIGHT.value: c(QRadioButton, "themeLight"),
            ThemeChoice.DARK.value: c(QRadioButton, "themeDark"),
            ThemeChoice.SYSTEM.value: c(QRadioButton, "themeSystem"),
        }
        self.rules = RulesPage(c)
        self.zone_form: QFormLayout = c(QFormLayout, "zoneForm")
        self.sync_note: QLabel = c(QLabel, "syncNote")
        self.buttons: QDialogButtonBox = c(QDialogButtonBox, "buttons")
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)

    def _style(self) -> None:
        p = self._palette
        for page in ("account", "zone", "appearance", "rules"):
            self._child(QLabel, f"{page}Title").setProperty("role", "title")
            self._child(QWidget, f"{page}Page").layout().setContentsMargins(24, 18, 24, 12)
        for name in ("zoneIntro", "appearanceIntro", "rulesIntro", "accountNote", "zoneOffset"):
            self._child(QLabel, name).setProperty("role", "subtitle")
        self._child(QLabel, "zoneNote").setProperty("role", "notice")
        self.zone_hint.setProperty("role", "error")
        self.use_system_zone.setProperty("role", "link")
        self.use_system_zone.setCursor(Qt.CursorShape.PointingHandCursor)
        self.sign_out.setProperty("role", "danger")
        for section, name in _SECTION_ICONS.items():
            self.sections.item(section).setIcon(icons.icon(name, p, "text_secondary"))
        self.setStyleSheet(_style_sheet(p))
        sharpen_controls(self, p)

    def _fill(self, server_label: str, account_label: str) -> None:
        profile = self._profile
        self.server_value.setText(server_label)
        self.account_value.setText(account_label)
        self.zone.set_clock(self._clock)
        self.zone.offer(profile.time_zone, recent=self._recent_zones)
        self.zone.show_zone(profile.time_zone)
        shade = "dark" if is_dark(ThemeChoice.SYSTEM) else "light"
        self.theme_buttons["system"].setText(f"Same as &system (currently {shade})")
        self.theme_buttons[self._theme].setChecked(True)
        self.rules.fill(profile)
        self._show_mark()

    def _show_mark(self) -> None:
        mark = self._profile.mark
        if mark is SyncMark.PENDING:
            text, role = "Your last change to these settings has not reached the server yet.", ""
        elif mark is SyncMark.REJECTED:
            why = self._profile.mark_message or "no reason was given"
            text, role = f"The server refused your last change: {why}", "error"
        else:
            text, role = "", ""
        self.sync_note.setText(text)
        self.sync_note.setProperty("role", role or "subtitle")

    def _connect(self) -> None:
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.change_server.clicked.connect(lambda: self._leave_for("change_server"))
        self.sign_out.clicked.connect(lambda: self._leave_for("sign_out"))
        self.use_system_zone.clicked.connect(self._use_system_zone)
        self.zone.currentTextChanged.connect(self._validate)
        self.rules.connect(self._validate)

    # -- reading and checking ---------------------------------------------------------------

    def show_section(self, section: Section) -> None:
        """Open on one page (e.g. straight to the booking rules)."""
        self.sections.setCurrentRow(section)

    def time_zone(self) -> str:
        """The IANA name in the zone box, as typed or picked."""
        return self.zone.zone()

    def theme(self) -> str:
        return next(t for t, button in self.theme_buttons.items() if button.isChecked())

    def zone_problem(self) -> str | None:
        """Why the zone box's text cannot be saved, in the words typed (None: it can)."""
        typed, name = self.zone.currentText().strip(), self.time_zone()
        problem = zone_problem(name)
        return problem.replace(f"“{name}”", f"“{typed}”") if problem else None

    def problems(self) -> dict[Section, list[str]]:
        """What keeps OK disabled, by page (empty when everything can be saved)."""
        found: dict[Section, list[str]] = {}
        zone = self.zone_problem()
        if zone:
            found[Section.TIME_ZONE] = [zone]
        _, rules = self.rules.read()
        if rules:
            found[Section.BOOKING_RULES] = list(rules.values())
        return found

    def is_valid(self) -> bool:
        return not self.problems()

    def _validate(self) -> None:
        problems = self.problems()
        self._show_zone(problems.get(Section.TIME_ZONE, []))
        self.rules.show_problems(self.rules.read()[1])
        for section, name in _SECTION_ICONS.items():
            item = self.sections.item(section)
            bad = section in problems
            item.setIcon(
                icons.icon("warning", self._palette, "error")
                if bad
                else icons.icon(name, self._palette, "text_secondary")
            )
            item.setToolTip(" ".join(problems[section]) if bad else "")
        valid = not problems
        self.ok.setEnabled(valid)
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)

    def _show_zone(self, problems: list[str]) -> None:
        self.zone_hint.setText(problems[0] if problems else "")
        self.zone_form.setRowVisible(self.zone_hint, bool(problems))
        offset = "" if problems else offset_text(self.time_zone(), self._clock())
        self.zone_offset.setText(offset)
        self.zone_form.setRowVisible(self.zone_offset, not problems)
        system = system_zone()
        offer = system is not None and system != self.time_zone()
        self.use_system_zone.setText(f"Use this computer's zone ({zone_display(system or '')})")
        self.zone_form.setRowVisible(self.use_system_zone, offer)

    def _use_system_zone(self) -> None:
        system = system_zone()
        if system:
            self.zone.show_zone(system)

    # -- answering --------------------------------------------------------------------------

    def result(self) -> SettingsResult:  # type: ignore[override]  # QDialog.result() is the exit code
        """The values entered, which changed, and the account action (if one ended the dialog).

        Raises :class:`ValueError` while a value is invalid (OK is disabled then). After an
        account action whose edits were discarded, the values are the starting ones.
        """
        start = self._start()
        if self._action is not None and not self._keep_edits:
            return SettingsResult(**start, account_action=self._action)
        problems = self.problems()
        if problems:
            raise ValueError(" ".join(m for msgs in problems.values() for m in msgs))
        policy, _ = self.rules.read()
        values: dict[str, Any] = {"theme": self.theme(), "time_zone": self.time_zone(), **policy}
        changed = frozenset(name for name, value in values.items() if start[name] != value)
        return SettingsResult(**values, changed=changed, account_action=self._action)

    def has_changes(self) -> bool:
        """Whether anything differs from what the dialog was opened with (valid or not)."""
        if not self.is_valid():
            return True
        return bool(self.result().changed)

    def _start(self) -> dict[str, Any]:
        profile = self._profile
        return {"theme": self._theme, "time_zone": profile.time_zone, **profile.policy()}

    def confirm_leaving(self, can_save: bool) -> LeaveChoice:
        """Ask what to do with unsaved edits before an account action (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved changes")
        box.setText("Save your changes to the settings first?")
        if not can_save:
            box.setInformativeText("Some values are not valid, so they cannot be saved.")
        buttons = QMessageBox.StandardButton
        shown = buttons.Discard | buttons.Cancel | (buttons.Save if can_save else buttons.NoButton)
        box.setStandardButtons(shown)
        box.setDefaultButton(buttons.Save if can_save else buttons.Cancel)
        answer = box.exec()
        if answer == buttons.Save:
            return "save"
        return "discard" if answer == buttons.Discard else "cancel"

    def _leave_for(self, action: AccountAction) -> None:
        keep = False
        if self.has_changes():
            choice = self.confirm_leaving(self.is_valid())
            if choice == "cancel":
                return
            keep = choice == "save"
        self._action, self._keep_edits = action, keep
        if action == "change_server":
            self.changeServerRequested.emit()
        else:
            self.signOutRequested.emit()
        super().accept()

    def accept(self) -> None:
        if self.ok.isEnabled():
            super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        profile: InstructorProfile,
        theme: str,
        server_label: str,
        account_label: str,
        recent_zones: Sequence[str] = (),
        section: Section = Section.ACCOUNT,
        open_terms: Callable[[QWidget], None] | None = None,
    ) -> SettingsResult | None:
        """Show the dialog; the result, or ``None`` when the person cancels."""
        dialog = cls(
            parent,
            profile=profile,
            theme=theme,
            server_label=server_label,
            account_label=account_label,
            recent_zones=recent_zones,
            open_terms=open_terms,
        )
        dialog.show_section(section)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result()
            return None
        finally:
            dialog.deleteLater()


_STYLE = Template(
    """
    QListWidget#sections {
        background: $surface; border: none; border-right: 1px solid $border;
        padding: 10px 0; outline: none;
    }
    QListWidget#sections::item {
        padding: 7px 8px; margin: 1px 8px; border-radius: 6px; color: $text;
    }
    QListWidget#sections::item:selected { background: $accent; color: $accent_text; }
    QListWidget#sections::item:hover:!selected { background: $raised; }
    QFrame#footerLine { background: $border; min-height: 1px; max-height: 1px; }
    QLabel[role="help"] { color: $text_secondary; font-size: 11px; margin-bottom: 4px; }
    QLabel[role="help"][tone="error"] { color: $error; }
    QPushButton[default="true"]:disabled {
        background: $surface; border-color: $border; color: $text_disabled;
    }
    """
)


def _style_sheet(palette: Palette) -> str:
    """The dialog's own look on top of the application's style sheet (sidebar, footer)."""
    return _STYLE.substitute({f.name: str(getattr(palette, f.name)) for f in fields(palette)})
