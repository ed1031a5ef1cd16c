"""Time zones as the app offers them: one list, one way to write a name, one picker widget.

The week's zone switcher and the settings' home zone both list the canonical IANA names (the
areas below, and UTC) and accept what a person types: an old alias such as ``US/Eastern`` is
not listed but is still understood, and a current value that is an alias stays in the list.
Names are shown with spaces ("America/New York") and read back with underscores.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache

from PySide6.QtCore import Qt, QTimeZone
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from instainstru_desktop.domain.zones import iana_zone_names

#: The areas that hold the canonical IANA names; the others (US/, Etc/, ...) are old aliases.
ZONE_AREAS = frozenset(
    [
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ]
)


@cache
def _canonical_zones() -> tuple[str, ...]:
    """Listed once per run: reading the zone database walks it on disk (about 0.1 s)."""
    names = {n for n in iana_zone_names() if n.split("/")[0] in ZONE_AREAS}
    return tuple(sorted(names | {"UTC"}))


def zone_names(current: str = "") -> list[str]:
    """The zones offered: canonical IANA names, UTC, and ``current`` even if it is an alias."""
    names = list(_canonical_zones())
    if current and current not in names:
        names.append(current)
        names.sort()
    return names


def is_zone(name: str) -> bool:
    """Whether this computer knows ``name`` as a zone (aliases included)."""
    return name in iana_zone_names()


def zone_display(name: str) -> str:
    """How a zone is listed: "America/New York" reads better than "America/New_York"."""
    return name.replace("_", " ")


def zone_from_display(text: str) -> str:
    """The IANA name of a listed or typed zone (IANA names have no spaces)."""
    return text.strip().replace(" ", "_")


def offset_text(name: str, now: datetime) -> str:
    """“14:32 there now · CET · UTC+01:00” for a known zone."""
    local = now.astimezone(zoneinfo.ZoneInfo(name))
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    parts = [f"{local:%H:%M} there now"]
    abbreviation = local.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-" and abbreviation != "UTC":
        parts.append(abbreviation)
    parts.append(f"UTC{sign}{hours:02d}:{rest:02d}")
    return " · ".join(parts)


def system_zone() -> str | None:
    """This computer's IANA zone, when Qt can tell and Python knows it."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return name if is_zone(name) else None


class ZonePicker(QComboBox):
    """An editable box of the zones above: pick from the list or type, matching anywhere.

    Each listed zone carries its IANA name as item data; :meth:`zone` reads the text back as a
    name, so a typed zone that is not listed works the same as a picked one.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)

    def offer(self, current: str = "") -> None:
        """List every zone (``current`` too, when it is an alias), after the items already there."""
        for name in zone_names(current):
            self.addItem(zone_display(name), name)

    def zone(self) -> str:
        """The IANA name in the box, as typed or picked."""
        return zone_from_display(self.currentText())

    def show_zone(self, name: str) -> None:
        """Put a zone in the box (selecting its item when it is listed); emits no choice."""
        index = self.findData(name)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setCurrentText(zone_display(name))
