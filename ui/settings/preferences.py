"""The person's choices that belong to this computer, not to the account: theme, display zone.

Kept as a small JSON file in the config folder; an unreadable file falls back to defaults
instead of stopping the app.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path

log = logging.getLogger(__name__)
FILE_NAME = "preferences.json"


@dataclass(frozen=True)
class Preferences:
    """Local display choices."""

    theme: str = "system"  # light | dark | system
    display_zone: str | None = None  # None: the instructor's own zone
    server: str | None = None  # "embedded" or a URL chosen in the app; None: never chosen
    path: Path | None = None

    @classmethod
    def load(cls, config_dir: Path) -> Preferences:
        path = config_dir / FILE_NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            theme = str(raw.get("theme", "system"))
            zone = raw.get("display_zone")
            server = raw.get("server")
            theme = theme if theme in {"light", "dark", "system"} else "system"
            return cls(theme, zone, server if isinstance(server, str) else None, path)
        except FileNotFoundError:
            return cls(path=path)
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("ignoring unreadable preferences %s: %s", path, exc)
            return cls(path=path)

    def with_theme(self, theme: str) -> Preferences:
        return replace(self, theme=theme)

    def with_server(self, server: str) -> Preferences:
        return replace(self, server=server)

    def with_display_zone(self, zone: str | None) -> Preferences:
        return replace(self, display_zone=zone)

    def save(self) -> None:
        if self.path is None:
            return
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        except OSError as exc:
            log.warning("could not save preferences: %s", exc)
