"""Builds the object graph of a signed-in session: cache, API client, sync, services. No Qt.

The UI calls :func:`connect` off the UI thread (it opens files and may talk to the server) and
gets back a :class:`Core` whose ``services`` are what the views call. Offline start works: with
a remembered sign-in, the app opens the cache of the last account and syncs once the server is
reachable.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from instainstru_desktop.config import EMBEDDED, Settings
from instainstru_desktop.services import (
    AdminService,
    AttentionService,
    AvailabilityService,
    LessonService,
    StatusService,
)
from instainstru_desktop.services.profile import ProfileService
from instainstru_desktop.store import StorageError, Store, open_store
from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.credentials import CredentialStore
from instainstru_desktop.sync.engine import SyncEngine, SyncReport
from instainstru_desktop.sync.errors import ApiError, Offline, Unauthenticated
from instainstru_desktop.sync.live import LiveListener
from instainstru_desktop.sync.scheduler import SyncScheduler

log = logging.getLogger(__name__)


class SignInRequiredError(Exception):
    """No remembered sign-in for this server (or it expired): ask for email and password."""

    def __init__(self, message: str = "Please sign in.") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    """Who is signed in, where."""

    server: str  # the configured server URL, or "embedded"
    email: str
    user_id: str
    name: str
    role: str  # "instructor" | "admin" | "student"
    instructor_id: str | None
    time_zone: str

    @classmethod
    def of_user(cls, server: str, user: dict[str, Any]) -> Identity:
        return cls(
            server=server,
            email=str(user["email"]),
            user_id=str(user["id"]),
            name=str(user.get("name", "")),
            role=str(user.get("role", "")),
            instructor_id=user.get("instructor_id"),
            time_zone=str(user.get("time_zone") or "UTC"),
        )

    def as_user(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "id": self.user_id,
            "name": self.name,
            "role": self.role,
            "instructor_id": self.instructor_id,
            "time_zone": self.time_zone,
        }


@dataclass(frozen=True)
class Services:
    """The use cases the UI calls."""

    availability: AvailabilityService
    lessons: LessonService
    admin: AdminService
    attention: AttentionService
    status: StatusService
    profile: ProfileService


class Core:
    """A signed-in session: start the background sync with :meth:`start`, end with :meth:`close`."""

    def __init__(
        self,
        settings: Settings,
        identity: Identity,
        store: Store,
        api: ApiClient,
        *,
        on_report: Callable[[SyncReport], None] | None = None,
    ) -> None:
        self.settings = settings
        self.identity = identity
        self.store = store
        self.api = api
        self.engine = SyncEngine(store, api, pull_limit=settings.pull_page_rows)
        self.scheduler = SyncScheduler(
            self.engine, interval_seconds=settings.sync_interval_seconds, on_report=on_report
        )
        self.live = LiveListener(api, lambda reconnected: self.scheduler.poke(force=reconnected))
        poke = self.scheduler.poke
        self.services = Services(
            availability=AvailabilityService(store, on_change=poke),
            lessons=LessonService(store, on_change=poke),
            admin=AdminService(store, on_change=poke),
            attention=AttentionService(store, on_change=poke),
            status=StatusService(store),
            profile=ProfileService(store, on_change=poke),
        )

    def start(self) -> None:
        """Sync now and keep syncing in the background (thread + live stream)."""
        self.scheduler.start()
        self.live.start()

    def sync_now(self) -> SyncReport:
        """One blocking sync (for "sync now" and for tests); the scheduler keeps running.

        A storage failure comes back in the report, like a network one: the status bar shows
        it as the last sync error.
        """
        try:
            return self.engine.sync_once(force_push=True)
        except StorageError as error:
            return SyncReport(storage_error=error)

    def close(self) -> None:
        self.live.stop()
        self.scheduler.stop()
        self.api.close()
        self.store.close()


def _sessions(settings: Settings) -> dict[str, Any]:
    try:
        data = json.loads(settings.session_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(settings: Settings, identity: Identity) -> None:
    sessions = _sessions(settings)
    sessions[identity.server] = identity.as_user()
    settings.session_path.parent.mkdir(parents=True, exist_ok=True)
    settings.session_path.write_text(json.dumps(sessions, indent=2), encoding="utf-8")


def connect(
    settings: Settings,
    base_url: str,
    *,
    email: str | None = None,
    password: str | None = None,
    credentials: CredentialStore | None = None,
    on_report: Callable[[SyncReport], None] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Core:
    """Sign in (with ``email``/``password``, or the remembered token) and build the session.

    ``headers`` go with every request of the session, the live stream included: the embedded
    server's per-run secret, without which it refuses everything.

    Raises :class:`SignInRequiredError` when there is nothing to sign in with, and the API's
    typed errors (wrong password: ``Unauthenticated``; ``UpdateRequired``) as they come.
    Offline with a remembered sign-in, it opens the cache and leaves syncing for later.
    """
    server = settings.server_url or EMBEDDED
    credentials = credentials or CredentialStore(settings.credentials_path)
    api = ApiClient(
        base_url,
        device=settings.device_name,
        timeout=settings.request_timeout_seconds,
        headers=headers,
    )
    try:
        identity = _sign_in(settings, server, api, credentials, email, password)
        store = open_store(settings.cache_path(settings.server_url, identity.email))
    except BaseException:
        api.close()
        raise
    with store.uow() as uow:
        known = uow.sync_state.get().server_identity
        if known and known != f"{server} {identity.user_id}":
            # the same email is another account now (the server was replaced): its data is not
            # ours, download again; queued edits are kept and the server judges them
            log.warning("the account behind %s changed: downloading everything again", server)
            uow.pull.start_over()
        uow.sync_state.update(
            server_identity=f"{server} {identity.user_id}",
            user_id=identity.user_id,
            role=identity.role,
            instructor_id=identity.instructor_id,
        )
        uow.commit()
    return Core(settings, identity, store, api, on_report=on_report)


def _sign_in(
    settings: Settings,
    server: str,
    api: ApiClient,
    credentials: CredentialStore,
    email: str | None,
    password: str | None,
) -> Identity:
    if email and password:
        signed = api.sign_in(email, password)
        identity = Identity.of_user(server, signed.user)
        credentials.save(CredentialStore.account(server, identity.email), signed.token)
        _remember(settings, identity)
        return identity
    remembered = _sessions(settings).get(server)
    if not remembered:
        raise SignInRequiredError()
    known = Identity.of_user(server, remembered)
    token = credentials.load(CredentialStore.account(server, known.email))
    if not token:
        raise SignInRequiredError()
    api.token = token
    try:
        identity = Identity.of_user(server, api.me())
    except Offline:
        log.info("starting offline as %s", known.email)
        return known
    except Unauthenticated as error:
        credentials.delete(CredentialStore.account(server, known.email))
        raise SignInRequiredError(error.message) from error
    except ApiError:
        raise
    _remember(settings, identity)
    return identity


def sign_out(
    settings: Settings, identity: Identity, credentials: CredentialStore | None = None
) -> None:
    """Forget the sign-in on this computer (token and remembered account), keep the cache.

    The cache and its unsent changes stay: signing in again as the same person on the same
    server finds them, and nothing made offline is lost by signing out.
    """
    credentials = credentials or CredentialStore(settings.credentials_path)
    credentials.delete(CredentialStore.account(identity.server, identity.email))
    sessions = _sessions(settings)
    if sessions.pop(identity.server, None) is not None:
        settings.session_path.write_text(json.dumps(sessions, indent=2), encoding="utf-8")
