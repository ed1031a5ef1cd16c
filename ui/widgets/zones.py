"""Time zones as the app offers them: one list, one way to write a name, one picker widget.

The week's zone switcher and the settings' home zone both list one IANA name per place (the
database's table of places, and UTC) and accept what a person types: an old alias such as
``US/Eastern`` or ``Asia/Calcutta`` is not listed but is still understood, and a current value
that is an alias stays in the list.

A person looks for a city or an offset, not an IANA name: each zone is listed as
"UTC−05:00 · New York (America)", ordered by its offset now, the zones chosen lately first.
Searching matches any part of that line; what is typed is read back as a listed line, an IANA
name (spaces for underscores) or a city's name.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimeZone
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from instainstru_desktop.domain.zones import is_zone_name, listed_zone_names


def zone_names(current: str = "") -> list[str]:
    """The zones offered: one name per place, UTC, and ``current`` even if it is an alias."""
    names = list(listed_zone_names())
    if current and current not in names:
        names.append(current)
        names.sort()
    return names


def is_zone(name: str) -> bool:
    """Whether this computer knows ``name`` as a zone (aliases included), found without
    reading every zone file (the list of all of them is read when it is shown)."""
    return is_zone_name(name)


def zone_display(name: str) -> str:
    """How a zone is listed: "America/New York" reads better than "America/New_York"."""
    return name.replace("_", " ")


def zone_from_display(text: str) -> str:
    """The IANA name of a listed or typed zone (IANA names have no spaces)."""
    return text.strip().replace(" ", "_")


def utc_offset(name: str, now: datetime) -> timedelta:
    """How far a known zone's clocks are ahead of UTC at ``now``."""
    return now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta()


def offset_words(offset: timedelta) -> str:
    """“UTC+05:30”, “UTC−03:00” (a real minus sign, as the offsets are written elsewhere)."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def offset_text(name: str, now: datetime) -> str:
    """“14:32 there now · CET · UTC+01:00” for a known zone."""
    local = now.astimezone(zoneinfo.ZoneInfo(name))
    parts = [f"{local:%H:%M} there now"]
    abbreviation = local.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-" and abbreviation != "UTC":
        parts.append(abbreviation)
    parts.append(offset_words(utc_offset(name, now)))
    return " · ".join(parts)


def zone_city(name: str) -> str:
    """The place a zone is named after: "Buenos Aires" for America/Argentina/Buenos_Aires."""
    return zone_display(name.rsplit("/", 1)[-1])


def zone_label(name: str, now: datetime) -> str:
    """How a zone is listed: "UTC−05:00 · New York (America)"; the offset is the one at ``now``."""
    offset = offset_words(utc_offset(name, now)) if is_zone(name) else "UTC"
    area = name.rsplit("/", 1)[0] if "/" in name else ""
    place = f"{zone_city(name)} ({zone_display(area)})" if area else zone_city(name)
    return f"{offset} · {place}"


#: How many lately chosen zones are listed first.
RECENT_ZONES = 5


def remember_zone(recent: Iterable[str], zone: str) -> tuple[str, ...]:
    """The lately chosen zones with ``zone`` in front (once), the oldest dropped."""
    return tuple(dict.fromkeys([zone, *recent]))[:RECENT_ZONES]


def by_offset(names: Iterable[str], now: datetime) -> list[str]:
    """Zones west to east by their offset at ``now``, then by city (a person scanning the list
    finds their own offset's cities together)."""
    known = [n for n in names if is_zone(n)]
    return sorted(known, key=lambda n: (utc_offset(n, now), zone_city(n), n))


def system_zone() -> str | None:
    """This computer's IANA zone, when Qt can tell and Python knows it."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return name if is_zone(name) else None


class ZonePicker(QComboBox):
    """An editable box of the zones above: pick from the list or type, matching anywhere.

    Each listed zone carries its IANA name as item data; :meth:`zone` reads the text back as a
    name, so a typed zone that is not listed works the same as a picked one.
    """

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)

    def set_clock(self, clock: Callable[[], datetime]) -> None:
        """The time the listed offsets are taken at (tests and screenshots pin it)."""
        self._clock = clock

    def label(self, name: str) -> str:
        """The line a zone is listed as, with its offset now."""
        return zone_label(name, self._clock())

    def offer(
        self, current: str = "", *, recent: Iterable[str] = (), leave_out: str = ""
    ) -> None:
        """List the zones after the items already there: the ``recent`` ones first (as given),
        then every zone by offset (``current`` too, when it is an alias); ``leave_out``: a zone
        the box already stands for otherwise (the switcher's "My zone")."""
        now = self._clock()
        recent = [n for n in dict.fromkeys(recent) if is_zone(n) and n != leave_out]
        for name in recent:
            self.addItem(zone_label(name, now), name)
        if recent:
            self.insertSeparator(self.count())
        for name in by_offset(zone_names(current), now):
            if name != leave_out:
                self.addItem(zone_label(name, now), name)
        self._fit_popup()

    def _fit_popup(self) -> None:
        """The open list as wide as its longest line: a city cut short cannot be recognised."""
        view = self.view()
        width = view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width() + 24
        view.setMinimumWidth(max(self.width(), width))

    def zone(self) -> str:
        """The IANA name in the box, as typed or picked (a listed line, a name, a city)."""
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        data = self.itemData(index) if index >= 0 else None
        if isinstance(data, str) and is_zone(data):
            return data
        name = zone_from_display(text)
        if is_zone(name) or not text:
            return name
        return self._city(text) or name

    def _city(self, text: str) -> str | None:
        """The listed zone whose city is ``text`` (any case); of an old and a current name for
        the same clocks (America/Buenos_Aires, America/Argentina/Buenos_Aires), the longer."""
        wanted, now = text.casefold(), self._clock()
        found = {
            data
            for index in range(self.count())
            if isinstance(data := self.itemData(index), str)
            and is_zone(data)
            and zone_city(data).casefold() == wanted
        }
        if len({utc_offset(name, now) for name in found}) != 1:
            return None  # no such city, or two places of that name in different zones
        return max(found, key=lambda name: (len(name), name))

    def show_zone(self, name: str) -> None:
        """Put a zone in the box (selecting its item when it is listed); emits no choice."""
        index = self.findData(name)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setCurrentText(self.label(name) if is_zone(name) else zone_display(name))
