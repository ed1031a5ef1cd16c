"""Small pieces the parts of the Profile page share: headings, captions, hint lines."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


def label(text: str, role: str, name: str = "") -> QLabel:
    """A label styled by its role in the app's style sheet (title, subtitle, caption, ...)."""
    made = QLabel(text)
    made.setProperty("role", role)
    made.setWordWrap(role not in ("caption", "title"))
    if name:
        made.setObjectName(name)
    return made


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a hint line by its tone ("" plain, "error", "warning"); restyle only on change."""
    if widget.property("tone") == tone:
        return
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Card(QFrame):
    """A framed section of the page, which makes room for its contents when they change."""

    def refit(self, *changed: QWidget) -> None:
        """Lay the card out again after its contents changed height (``changed``: the parts
        whose height changed), and let the page make room.

        Qt passes a change of a minimum size up through the layouts, but not a change of a
        height that depends on the width (wrapped text, wrapped rows of times): without this,
        a card keeps its old height and spreads the difference between its labels.
        """
        for part in changed:
            part.updateGeometry()
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
        self.updateGeometry()


def card(frame: QFrame, name: str, title: str, subtitle: str = "") -> QVBoxLayout:
    """Make ``frame`` a framed section of the page with its heading; its layout, to fill."""
    frame.setObjectName(name)
    frame.setProperty("role", "card")
    # Wrapped text is measured at the narrowest width a card may take: too narrow a floor
    # makes every card as tall as its text would be there, with gaps inside it.
    frame.setMinimumWidth(440)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 16)
    layout.setSpacing(8)
    layout.addWidget(label(title, "title"))
    if subtitle:
        layout.addWidget(label(subtitle, "subtitle"))
    return layout
