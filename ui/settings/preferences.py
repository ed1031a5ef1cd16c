"""The person's choices that belong to this computer, not to the account: theme, display zone,
the zones chosen lately, where the window was.

Kept as a small JSON side file in the config folder (written atomically, see
:mod:`instainstru_desktop.json_files`); an unreadable file falls back to defaults instead of
stopping the app. It is read before Qt loads: the server chosen here decides what starts.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from instainstru_desktop.json_files import read_json, write_json

log = logging.getLogger(__name__)
FILE_NAME = "preferences.json"


@dataclass(frozen=True)
class Preferences:
    """Local display choices."""

    theme: str = "system"  # light | dark | system
    display_zone: str | None = None  # None: the instructor's own zone
    server: str | None = None  # "embedded" or a URL chosen in the app; None: never chosen
    recent_zones: tuple[str, ...] = ()  # zones chosen lately, the latest first
    window: tuple[int, int, int, int] | None = None  # x, y, width, height when last closed
    window_maximized: bool = False
    path: Path | None = None

    @classmethod
    def load(cls, config_dir: Path) -> Preferences:
        path = config_dir / FILE_NAME
        raw = read_json(path)
        if not isinstance(raw, dict):
            return cls(path=path)
        theme = raw.get("theme")
        zone, server = raw.get("display_zone"), raw.get("server")
        return cls(
            theme=theme if theme in {"light", "dark", "system"} else "system",
            display_zone=zone if isinstance(zone, str) else None,
            server=server if isinstance(server, str) else None,
            recent_zones=_names(raw.get("recent_zones")),
            window=_box(raw.get("window")),
            window_maximized=raw.get("window_maximized") is True,
            path=path,
        )

    def with_theme(self, theme: str) -> Preferences:
        return replace(self, theme=theme)

    def with_server(self, server: str) -> Preferences:
        return replace(self, server=server)

    def with_display_zone(self, zone: str | None) -> Preferences:
        return replace(self, display_zone=zone)

    def with_recent_zones(self, zones: tuple[str, ...]) -> Preferences:
        return replace(self, recent_zones=zones)

    def with_window(self, box: tuple[int, int, int, int], *, maximized: bool) -> Preferences:
        return replace(self, window=box, window_maximized=maximized)

    def save(self) -> None:
        if self.path is None:
            return
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        try:
            write_json(self.path, data)
        except OSError as exc:
            log.warning("could not save preferences: %s", exc)


def _names(value: object) -> tuple[str, ...]:
    """Saved zone names, if they are a list of strings (else none)."""
    if not isinstance(value, list):
        return ()
    return tuple(name for name in value if isinstance(name, str))[:10]


def _box(value: object) -> tuple[int, int, int, int] | None:
    """A saved window place, if it is four whole numbers with a size (else none)."""
    if not isinstance(value, list) or len(value) != 4:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        return None
    x, y, width, height = value
    return (x, y, width, height) if width > 0 and height > 0 else None
