"""The status bar's warning that this computer's clock is not the server's.

The app judges lesson times by the server's clock (corrected by the skew the sync measured), so
a wrong clock no longer breaks marking a lesson; but the person should know their clock is off,
because everything else on the computer still believes it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from instainstru_desktop.clocks import CLOCK_SKEW_WARNING_SECONDS
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette

ICON = QSize(16, 16)
TOOLTIP = (
    "InstaInstru uses the server's time for your lessons, so they are marked and shown at the "
    "right time. Other programs still use this computer's clock: set it to update automatically "
    "in your system's date and time settings."
)


def amount(seconds: float) -> str:
    """ "5 min", "2 h", "2 h 15 min", "3 days" (rounded to the minute)."""
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{round(minutes / (24 * 60))} days"


def skew_text(skew_seconds: float) -> str:
    """The warning for a skew of this computer's clock minus the server's."""
    where = "behind" if skew_seconds < 0 else "ahead of"
    return f"Your computer's clock is {amount(skew_seconds)} {where} the server's"


class ClockSkewWarning(QWidget):
    """Hidden while the clocks agree to within a minute; otherwise a warning icon and words."""

    def __init__(self, parent: QWidget | None = None, *, palette: Palette = LIGHT) -> None:
        super().__init__(parent)
        self.setObjectName("clockWarning")
        self._palette = palette
        self._skew: float | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        self.icon = QLabel()
        self.text = QLabel()
        self.text.setProperty("role", "warning")
        layout.addWidget(self.icon)
        layout.addWidget(self.text)
        self.setToolTip(TOOLTIP)
        self.set_skew(None)

    def set_skew(self, skew_seconds: float | None) -> None:
        """Show the last measured skew (ours minus the server's; None: never measured)."""
        self._skew = skew_seconds
        off = skew_seconds is not None and abs(skew_seconds) > CLOCK_SKEW_WARNING_SECONDS
        self.text.setText(skew_text(skew_seconds) if off and skew_seconds is not None else "")
        self.icon.setPixmap(icon("clock", self._palette, "warning").pixmap(ICON))
        self.setAccessibleName(self.text.text())
        self.setVisible(off)

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        self.set_skew(self._skew)
