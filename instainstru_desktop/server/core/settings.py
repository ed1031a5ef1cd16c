"""Server settings: one pydantic class, read from ``INSTAINSTRU_SERVER_*`` environment variables.

The embedded starter, the CLI and the tests build a :class:`Settings` explicitly; the environment
only fills in what they leave out, so an operator can tune a standalone server without code.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from instainstru_desktop import PROTOCOL_VERSION


class Settings(BaseSettings):
    """Everything the server needs to know that is not code."""

    model_config = SettingsConfigDict(env_prefix="INSTAINSTRU_SERVER_", frozen=True)

    database_url: str = "sqlite:///instainstru-server.sqlite3"
    token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)

    # Sign-in throttling: failed attempts per email, all attempts per client address.
    login_failures_per_email: int = Field(default=10, ge=1)
    login_attempts_per_address: int = Field(default=60, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    # New student accounts per client address (the pages' and the API's sign-up).
    signups_per_address: int = Field(default=10, ge=1)
    signup_window_seconds: int = Field(default=3600, ge=1)

    protocol_version: int = PROTOCOL_VERSION
    min_client_protocol: int = Field(default=1, ge=0)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    seed_demo: bool = False
    #: How long a verified token is trusted without a database read (0: never). Sign-out in
    #: this process is immediate; a revocation by another server process takes this long.
    token_cache_seconds: float = Field(default=5.0, ge=0)
    events_keepalive_seconds: float = Field(default=15.0, gt=0)
    pull_page_rows: int = Field(default=50_000, ge=1)
    pool_size: int = Field(default=20, ge=1)
    #: SQLite: a write returns once its commit is on disk (one flush shared by the writers of
    #: the moment, outside the write lock: ``core.group_commit``), so a confirmed booking
    #: survives a power cut. The server inside the app turns it off: there the app's own cache
    #: is the durable copy (its outbox keeps answered edits and sends again what a server that
    #: went back in time lacks), and students do not book on it.
    sqlite_durable_commits: bool = True
    #: Answers kept in memory until the data they were read from changes (0: keep none): slot
    #: windows; and other bodies (admin pages of all bookings, availability by date range); and
    #: how long one may be kept at most, as a bound should a change go unheard.
    slot_cache_entries: int = Field(default=128, ge=0)
    answer_cache_entries: int = Field(default=256, ge=0)
    answer_cache_seconds: float = Field(default=60.0, ge=0)
    #: When set, every request must carry it in ``X-InstaInstru-Secret`` (see ``local_guard``):
    #: the embedded server sets a fresh one per run so other local processes cannot use it.
    access_secret: SecretStr | None = Field(default=None, min_length=16)
    #: Proxies whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` headers are believed: a comma
    #: separated list of addresses or networks (``127.0.0.1``, ``10.0.0.0/8``; ``*`` for any).
    #: Empty: none, so every client is known by the address it connects from.
    forwarded_allow_ips: str = ""
    #: Serve the student pages (``/``, ``/<instructor>``, ``/lessons``): on for a standalone
    #: server, off for the one embedded in the app, which answers only the app (see ``web``).
    web_pages: bool = True
    #: The session cookie's Secure flag: None sets it when the request came over HTTPS (behind
    #: a reverse proxy that ends TLS: name it in ``forwarded_allow_ips``, or set this).
    cookie_secure: bool | None = None
    #: SQLite: hear commits other processes make to the same file (``--workers N``, or a second
    #: server on it), checked before every request and every ``commit_poll_seconds`` for streams.
    watch_other_writers: bool = True
    commit_poll_seconds: float = Field(default=0.2, gt=0)
    #: Open public live streams (``/instructors/{id}/live``) at most, per server process.
    public_streams_max: int = Field(default=1000, ge=0)
    #: Seconds between the passes that book the weekly-series lessons the booking window has
    #: reached (0: no pass; bookings and series changes still book them as they come).
    series_pass_seconds: float = Field(default=300.0, ge=0)
    #: Messages one person may write per ``message_window_seconds``, counted in the database so
    #: every server process shares the count (the API, the pages and pushed changes together; a
    #: push over it is answered 429 and sent again later, so nothing written offline is lost).
    messages_per_window: int = Field(default=60, ge=1)
    message_window_seconds: int = Field(default=60, ge=1)
