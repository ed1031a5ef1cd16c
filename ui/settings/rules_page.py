"""The booking-rules page of the settings: its fields, read back as the rules, and what is wrong.

The fields live in ``forms/settings.ui``; this class finds them there, fills them from a profile,
reads them as the wire's ``Policy`` fields, and says under each field what is wrong with it as
it is typed, in the sentences the service would refuse the value with (``policy_problems``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox

from instainstru_desktop.services.profile import policy_problems
from instainstru_desktop.services.views import POLICY_FIELDS, InstructorProfile

STEP_CHOICES = (15, 30, 60)
#: The line under each rule, by rule (the two limits share one).
RULE_HELP = {
    "min_notice_minutes": "noticeHelp",
    "booking_horizon_days": "horizonHelp",
    "buffer_minutes": "bufferHelp",
    "daily_limit": "limitsHelp",
    "weekly_limit": "limitsHelp",
}
HELP_LABELS = ("noticeHelp", "horizonHelp", "bufferHelp", "stepHelp", "limitsHelp")
#: Shown in a limit's box when it starts unlimited, for when the person sets one.
LIMIT_SUGGESTIONS = {"daily_limit": 6, "weekly_limit": 25}

Rules = dict[str, int | None]
FindChild = Callable[[type[Any], str], Any]


class RulesPage:
    """The rule fields of the settings form."""

    def __init__(self, child: FindChild) -> None:
        self.notice_hours: QSpinBox = child(QSpinBox, "noticeHours")
        self.notice_minutes: QSpinBox = child(QSpinBox, "noticeMinutes")
        self.horizon_days: QSpinBox = child(QSpinBox, "horizonDays")
        self.buffer_minutes: QSpinBox = child(QSpinBox, "bufferMinutes")
        self.slot_step: QComboBox = child(QComboBox, "slotStep")
        self.daily_limit: QSpinBox = child(QSpinBox, "dailyLimit")
        self.daily_unlimited: QCheckBox = child(QCheckBox, "dailyUnlimited")
        self.weekly_limit: QSpinBox = child(QSpinBox, "weeklyLimit")
        self.weekly_unlimited: QCheckBox = child(QCheckBox, "weeklyUnlimited")
        #: The line under each rule: help text, or what is wrong with the value (in red).
        self.rule_help: dict[str, QLabel] = {
            name: child(QLabel, label) for name, label in RULE_HELP.items()
        }
        self._help_texts = {label: label.text() for label in self.rule_help.values()}
        for name in HELP_LABELS:
            label = child(QLabel, name)
            label.setProperty("role", "help")
            label.setAccessibleName("Help")

    def _limits(self) -> tuple[tuple[str, QSpinBox, QCheckBox], ...]:
        return (
            ("daily_limit", self.daily_limit, self.daily_unlimited),
            ("weekly_limit", self.weekly_limit, self.weekly_unlimited),
        )

    def fill(self, profile: InstructorProfile) -> None:
        hours, minutes = divmod(profile.min_notice_minutes, 60)
        self.notice_hours.setValue(hours)
        self.notice_minutes.setValue(minutes)
        self.horizon_days.setValue(profile.booking_horizon_days)
        self.buffer_minutes.setValue(profile.buffer_minutes)
        steps = sorted({*STEP_CHOICES, profile.slot_step_minutes})
        for step in steps:
            self.slot_step.addItem("hour" if step == 60 else f"{step} minutes", step)
        self.slot_step.setCurrentIndex(steps.index(profile.slot_step_minutes))
        for name, spin, box in self._limits():
            value = getattr(profile, name)
            spin.setValue(LIMIT_SUGGESTIONS[name] if value is None else value)
            box.setChecked(value is None)
            spin.setEnabled(value is not None)

    def connect(self, edited: Callable[[], None]) -> None:
        """Call ``edited`` on every keystroke and toggle of the page."""
        for spin in (
            self.notice_hours,
            self.notice_minutes,
            self.horizon_days,
            self.buffer_minutes,
            self.daily_limit,
            self.weekly_limit,
        ):
            spin.textChanged.connect(edited)
            # QSpinBox.textChanged is silent while the text is not a number (emptied, half
            # typed), which is exactly when the hint must appear: the editor's own signal tells
            editor = spin.findChild(QLineEdit)
            if editor is not None:
                editor.textChanged.connect(edited)
        for _name, spin, box in self._limits():
            box.toggled.connect(lambda on, s=spin: s.setEnabled(not on))
            box.toggled.connect(edited)

    def read(self) -> tuple[Rules, dict[str, str]]:
        """The booking rules as entered, and a sentence per rule that is wrong."""
        empty: dict[str, str] = {}
        entries = (
            ("min_notice_minutes", (self.notice_hours, self.notice_minutes), "the minimum notice"),
            ("booking_horizon_days", (self.horizon_days,), "the booking window"),
            ("buffer_minutes", (self.buffer_minutes,), "the buffer between lessons"),
            ("daily_limit", (self.daily_limit,), "the daily limit"),
            ("weekly_limit", (self.weekly_limit,), "the weekly limit"),
        )
        for name, spins, words in entries:
            if any(s.isEnabled() and not s.hasAcceptableInput() for s in spins):
                empty[name] = f"Enter {words} as a number."
        values: Rules = {
            "min_notice_minutes": self.notice_hours.value() * 60 + self.notice_minutes.value(),
            "booking_horizon_days": self.horizon_days.value(),
            "buffer_minutes": self.buffer_minutes.value(),
            "slot_step_minutes": int(self.slot_step.currentData()),
        }
        for name, spin, box in self._limits():
            values[name] = None if box.isChecked() else spin.value()
        problems = {**policy_problems(values), **empty}
        return values, {name: problems[name] for name in POLICY_FIELDS if name in problems}

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each rule's line says what is wrong with it, or goes back to its help text."""
        wrong: dict[QLabel, list[str]] = {}
        for name, message in problems.items():
            wrong.setdefault(self.rule_help[name], []).append(message)
        for label, help_text in self._help_texts.items():
            messages = wrong.get(label, [])
            label.setText(" ".join(messages) or help_text)
            if label.property("tone") != ("error" if messages else ""):
                label.setProperty("tone", "error" if messages else "")
                label.style().unpolish(label)
                label.style().polish(label)
