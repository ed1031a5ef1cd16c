"""Settings and paths of the desktop app.

Folders come from platformdirs (the platform's user data and config folders), unless a
*profile* folder is given: then everything lives under it, which is how a second copy of the app
(a second "device" in a demo, or a test) keeps its own cache, outbox and sign-in.

There is one cache file per server and account: signing in elsewhere never mixes two servers'
data, and switching back finds the old cache (and its unsynced edits) where it was left.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "InstaInstru"
PROFILE_ENV = "INSTAINSTRU_PROFILE"
SERVER_ENV = "INSTAINSTRU_SERVER_URL"
EMBEDDED = "embedded"


@dataclass(frozen=True)
class Settings:
    """Where things are and how the client behaves; build it with :func:`load_settings`."""

    data_dir: Path
    config_dir: Path
    server_url: str | None = None  # None: the bundled server on loopback
    device_name: str = field(default_factory=lambda: socket.gethostname() or "desktop")
    sync_interval_seconds: float = 60.0  # pull at least this often, stream or not
    request_timeout_seconds: float = 15.0
    pull_page_rows: int | None = None  # None: the server's default page size

    @property
    def embedded(self) -> bool:
        return self.server_url is None

    @property
    def embedded_database_path(self) -> Path:
        """The bundled server's own database file (the server side, not the cache)."""
        return self.data_dir / "server.sqlite3"

    @property
    def credentials_path(self) -> Path:
        """The fallback token file, used only where no OS keyring works."""
        return self.config_dir / "credentials.json"

    @property
    def session_path(self) -> Path:
        """Who signed in last, where (no secrets), so the app can start offline."""
        return self.config_dir / "session.json"

    def cache_path(self, server_url: str | None, account: str) -> Path:
        """The cache file of one account on one server."""
        import hashlib  # OpenSSL's library loads once the core opens its cache, not at start-up

        where = server_url or EMBEDDED
        digest = hashlib.sha256(f"{where}\n{account.lower()}".encode()).hexdigest()[:16]
        return self.data_dir / "caches" / f"cache-{digest}.sqlite3"


def load_settings(
    *,
    profile: Path | None = None,
    server_url: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """Settings from the arguments, then the environment, then the platform's defaults.

    ``INSTAINSTRU_PROFILE`` and ``INSTAINSTRU_SERVER_URL`` stand in for the two arguments.
    """
    chosen = profile or (Path(environ[PROFILE_ENV]) if environ.get(PROFILE_ENV) else None)
    if chosen is not None:
        data_dir, config_dir = chosen / "data", chosen / "config"
    else:
        import platformdirs  # only for the platform's own folders (a profile names its own)

        data_dir = platformdirs.user_data_path(APP_NAME, appauthor=False)
        config_dir = platformdirs.user_config_path(APP_NAME, appauthor=False)
    url = server_url or environ.get(SERVER_ENV) or None
    return Settings(
        data_dir=data_dir,
        config_dir=config_dir,
        server_url=url.rstrip("/") if url else None,
    )
