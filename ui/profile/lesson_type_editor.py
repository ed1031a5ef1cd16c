"""The form of one lesson type: name, length, price and currency, colour, offered or not.

It edits a new lesson type or an existing one, says under each field what is wrong with it as it
is typed (the sentences of ``profile_checks``, which hold the vocabulary's limits), and asks to
add or save only a lesson type the server would take.
"""

from __future__ import annotations

import re
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.protocol.fields import LESSON_MINUTES_MAX
from instainstru_desktop.services.profile_checks import (
    LessonTypeDraft,
    draft_of,
    lesson_type_problems,
    money_text,
)
from instainstru_desktop.services.views import LessonTypeOption
from ui.profile.widgets import label, set_tone

#: Colours offered with one click (any other through "Other…"); they read on both themes.
SWATCHES = ("#2563D9", "#0F9D8A", "#23863B", "#C77700", "#D9534F", "#B03A8C", "#6E56CF", "#5B6472")
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "JPY", "INR", "AUD", "CAD", "SEK", "PLN")
_PRICE = re.compile(r"^([0-9]{1,9})(?:[.,]([0-9]{1,2}))?$")
PRICE_HELP = "Enter the price as a number, such as 45 or 45.50."


def parse_price(text: str) -> int | None:
    """Cents of a price typed as ``45``, ``45.5`` or ``45,50`` (None: not a price)."""
    found = _PRICE.match(text.strip().replace(" ", ""))
    if found is None:
        return None
    whole, part = found.group(1), (found.group(2) or "0").ljust(2, "0")
    return int(whole) * 100 + int(part)


def _swatch_style(colour: str) -> str:
    """A round button filled with ``colour``; the chosen one ringed in the text colour."""
    return (
        f"QToolButton {{ background: {colour}; border: 2px solid {colour};"
        " border-radius: 12px; }"
        " QToolButton:checked { border: 3px solid palette(text); }"
        " QToolButton:focus { border: 3px solid palette(highlight); }"
    )


class LessonTypeEditor(QWidget):
    """One lesson type's fields; ``addRequested`` / ``saveRequested`` with a valid draft."""

    addRequested = Signal(object)  # noqa: N815 - a LessonTypeDraft
    saveRequested = Signal(str, object)  # noqa: N815 - lesson type id, LessonTypeDraft
    checked = Signal()  # the hints under the fields were brought up to date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editing: LessonTypeOption | None = None
        self._color = SWATCHES[0]
        self._start = LessonTypeDraft("", 60, 0, "EUR", SWATCHES[0])  # what the form began with
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.heading = label("New lesson type", "caption", "editorHeading")
        layout.addWidget(self.heading)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        self.hints: dict[str, QLabel] = {}
        self._add_fields(form)
        layout.addLayout(form)
        layout.addLayout(self._buttons())
        self.new()

    # -- building ---------------------------------------------------------------------------

    def _add_fields(self, form: QFormLayout) -> None:
        self.name = QLineEdit()
        self.name.setObjectName("lessonTypeName")
        self.name.setPlaceholderText("Piano, 45 minutes")
        self.length = QSpinBox()
        self.length.setObjectName("lessonTypeLength")
        self.length.setRange(0, LESSON_MINUTES_MAX * 2)
        self.length.setSingleStep(5)
        self.length.setSuffix(" minutes")
        self.length.setMaximumWidth(160)
        self.price = QLineEdit()
        self.price.setObjectName("lessonTypePrice")
        self.price.setMaximumWidth(120)
        self.currency = QComboBox()
        self.currency.setObjectName("lessonTypeCurrency")
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.currency.setMaximumWidth(90)
        money = QHBoxLayout()
        money.addWidget(self.price)
        money.addWidget(self.currency)
        money.addStretch(1)
        self.offered = QCheckBox("&Offered: students can book it")
        self.offered.setObjectName("lessonTypeOffered")
        rows: list[tuple[str, QWidget | QHBoxLayout, str]] = [
            ("Na&me", self.name, "name"),
            ("&Length", self.length, "duration_minutes"),
            ("&Price", money, "price_cents"),
            ("Colo&ur", self._colours(), "color"),
        ]
        for text, field, key in rows:
            caption = QLabel(text)
            caption.setBuddy(field if isinstance(field, QWidget) else self.price)
            form.addRow(caption, field)
            self.hints[key] = label("", "help", f"{key}Hint")
            set_tone(self.hints[key], "error")
            form.addRow("", self.hints[key])
        self.hints["currency"] = self.hints["price_cents"]
        form.addRow("", self.offered)
        for edit in (self.name, self.price):
            edit.textChanged.connect(self._check)
        self.length.valueChanged.connect(self._check)
        self.currency.currentTextChanged.connect(self._check)
        self.offered.toggled.connect(self._check)

    def _colours(self) -> QWidget:
        row = QWidget()
        row.setObjectName("colourRow")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.swatches: list[QToolButton] = []
        for colour in SWATCHES:
            button = QToolButton()
            button.setObjectName("swatch")
            button.setCheckable(True)
            button.setAccessibleName(f"Colour {colour}")
            button.setToolTip(colour)
            button.setFixedSize(24, 24)
            button.setStyleSheet(_swatch_style(colour))
            button.clicked.connect(partial(self.set_color, colour))
            self.swatches.append(button)
            layout.addWidget(button)
        self.other_colour = QPushButton("Other…")
        self.other_colour.setObjectName("otherColour")
        self.other_colour.clicked.connect(self._pick_colour)
        layout.addWidget(self.other_colour)
        self.colour_chip = QLabel()
        self.colour_chip.setObjectName("colourChip")
        self.colour_chip.setFixedSize(18, 18)
        self.colour_value = QLabel()
        self.colour_value.setObjectName("colourValue")
        layout.addWidget(self.colour_chip)
        layout.addWidget(self.colour_value)
        layout.addStretch(1)
        return row

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.discard = QPushButton("D&iscard")
        self.discard.setObjectName("discardLessonType")
        self.discard.clicked.connect(self._discard)
        self.submit = QPushButton("&Add lesson type")
        self.submit.setObjectName("submitLessonType")
        self.submit.setProperty("role", "primary")
        self.submit.clicked.connect(self._submit)
        row.addWidget(self.discard)
        row.addWidget(self.submit)
        return row

    # -- what is edited ---------------------------------------------------------------------

    @property
    def editing(self) -> LessonTypeOption | None:
        """The lesson type being edited (None: a new one)."""
        return self._editing

    def new(self, currency: str = "EUR") -> None:
        """Start a new lesson type (in ``currency``, the one the others use)."""
        self._editing = None
        self.heading.setText("New lesson type")
        self.submit.setText("&Add lesson type")
        self._fill(LessonTypeDraft("", 60, 0, currency, SWATCHES[0], True))

    def edit(self, option: LessonTypeOption) -> None:
        self._editing = option
        self.heading.setText(f"Editing “{option.name}”")
        self.submit.setText("&Save changes")
        self._fill(draft_of(option))

    def _fill(self, draft: LessonTypeDraft) -> None:
        self._start = draft
        self.name.setText(draft.name)
        self.length.setValue(draft.duration_minutes)
        self.price.setText(money_text(draft.price_cents))
        self.currency.setCurrentText(draft.currency)
        self.offered.setChecked(draft.active)
        self.set_color(draft.color)

    def set_color(self, colour: str) -> None:
        self._color = colour.upper()
        for button, swatch in zip(self.swatches, SWATCHES, strict=True):
            button.setChecked(swatch == self._color)
        self.colour_value.setText(self._color)
        valid = QColor.isValidColorName(self._color)
        self.colour_chip.setStyleSheet(
            f"background: {self._color if valid else 'transparent'}; border-radius: 4px;"
        )
        self._check()

    def _pick_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Colour of the lesson type")
        if chosen.isValid():
            self.set_color(chosen.name())

    # -- checking ---------------------------------------------------------------------------

    def draft(self) -> tuple[LessonTypeDraft | None, dict[str, str]]:
        """The lesson type as entered (None when the price is not a number), and what is wrong."""
        cents = parse_price(self.price.text())
        draft = LessonTypeDraft(
            self.name.text(),
            self.length.value(),
            cents if cents is not None else 0,
            self.currency.currentText(),
            self._color,
            self.offered.isChecked(),
        )
        problems = lesson_type_problems(draft)
        if cents is None:
            problems["price_cents"] = PRICE_HELP
        return (draft.normalized() if cents is not None else None), problems

    def is_changed(self) -> bool:
        """Whether the form holds something other than what it began with."""
        return not self.holds(self._start)

    def holds(self, other: LessonTypeDraft) -> bool:
        """Whether the form holds exactly ``other``."""
        draft, _ = self.draft()
        return draft == other.normalized()

    def _check(self) -> None:
        _, problems = self.draft()
        shown = dict(problems)
        if self._editing is None and not self.name.text():
            shown.pop("name", None)  # a new, untouched form is not wrong yet, only unfinished
        for key in ("name", "duration_minutes", "color"):
            self.hints[key].setText(shown.get(key, ""))
            self.hints[key].setVisible(key in shown)
        money = " ".join(shown[k] for k in ("price_cents", "currency") if k in shown)
        self.hints["price_cents"].setText(money)
        self.hints["price_cents"].setVisible(bool(money))
        changed = self.is_changed()
        self.submit.setEnabled(not problems and (changed or self._editing is None))
        self.discard.setEnabled(changed)
        for hint in self.hints.values():
            hint.updateGeometry()
        self.checked.emit()

    def _submit(self) -> None:
        draft, problems = self.draft()
        if draft is None or problems:
            return
        if self._editing is None:
            self.addRequested.emit(draft)
        else:
            self.saveRequested.emit(self._editing.id, draft)

    def _discard(self) -> None:
        if self._editing is None:
            self.new(self._start.currency)
        else:
            self.edit(self._editing)
