"""Builds the object graph of a signed-in session: cache, API client, sync, services. No Qt.

The UI calls :func:`connect` off the UI thread (it opens files and may talk to the server) and
gets back a :class:`Core` whose ``services`` are what the views call. Offline start works: with
a remembered sign-in, the app opens the cache of the last account and syncs once the server is
reachable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from instainstru_desktop.config import EMBEDDED, Settings
from instainstru_desktop.services import (
    AdminService,
    AttentionService,
    AvailabilityService,
    LessonService,
    MessageService,
    ScheduleService,
    SeriesService,
    StatusService,
)
from instainstru_desktop.services.export import ExportService
from instainstru_desktop.services.lesson_types import LessonTypeService
from instainstru_desktop.services.preview import PreviewService
from instainstru_desktop.services.profile import ProfileService
from instainstru_desktop.services.reschedule import RescheduleService
from instainstru_desktop.services.review import ReviewService
from instainstru_desktop.store import StorageError, Store, open_store
from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.credentials import CredentialStore
from instainstru_desktop.sync.engine import SyncEngine, SyncReport
from instainstru_desktop.sync.live import LiveListener
from instainstru_desktop.sync.scheduler import SyncScheduler
from instainstru_desktop.sync.sign_in import Identity, RememberedSignIns, SignIn, claim_cache
from instainstru_desktop.sync.sign_in import sign_out as sync_sign_out


@dataclass(frozen=True)
class Services:
    """The use cases the UI calls."""

    availability: AvailabilityService
    lessons: LessonService
    admin: AdminService
    attention: AttentionService
    status: StatusService
    profile: ProfileService
    schedule: ScheduleService
    series: SeriesService
    review: ReviewService
    export: ExportService
    reschedule: RescheduleService
    messages: MessageService
    lesson_types: LessonTypeService
    preview: PreviewService


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
        self.live = LiveListener(
            api,
            lambda reconnected: self.scheduler.poke(force=reconnected),
            on_lost=self.scheduler.poke,  # sync now: it tells the status bar we are offline
        )
        poke = self.scheduler.poke
        self.services = Services(
            availability=AvailabilityService(store, on_change=poke),
            lessons=LessonService(store, on_change=poke),
            admin=AdminService(store, on_change=poke),
            attention=AttentionService(store, on_change=poke),
            status=StatusService(store),
            profile=ProfileService(store, on_change=poke),
            schedule=ScheduleService(store, on_change=poke),
            series=SeriesService(store, on_change=poke),
            review=ReviewService(store),
            export=ExportService(store),
            reschedule=RescheduleService(store, on_change=poke),
            messages=MessageService(store, on_change=poke),
            lesson_types=LessonTypeService(store, on_change=poke),
            preview=PreviewService(store),
        )

    def start(self) -> None:
        """Sync now and keep syncing in the background (thread + live stream)."""
        self.scheduler.start()
        self.live.start()

    def sync_now(self) -> SyncReport:
        """One blocking sync (for "sync now", the first download and tests); the scheduler
        keeps running, and runs the step after this sync on its thread (at once, or when it
        starts), so the caller has the report without waiting for it.

        A storage failure comes back in the report, like a network one: the status bar shows
        it as the last sync error.
        """
        try:
            return self.engine.sync_once(force_push=True)
        except StorageError as error:
            return SyncReport(storage_error=error)
        finally:
            self.scheduler.after_sync_soon()

    def close(self) -> None:
        self.live.stop()
        self.scheduler.stop()
        self.api.close()
        self.store.close()


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

    Raises :class:`~instainstru_desktop.sync.sign_in.SignInRequiredError` when there is nothing
    to sign in with, and the API's typed errors (wrong password: ``Unauthenticated``;
    ``UpdateRequired``) as they come. Offline with a remembered sign-in, it opens the cache
    and leaves syncing for later.
    """
    server = settings.server_url or EMBEDDED
    credentials = credentials or CredentialStore(settings.credentials_path)
    api = ApiClient(
        base_url,
        device=settings.device_name,
        timeout=settings.request_timeout_seconds,
        headers=headers,
    )
    sign_in = SignIn(server, api, credentials, RememberedSignIns(settings.session_path))
    try:
        identity = (
            sign_in.with_password(email, password)
            if email and password
            else sign_in.as_remembered()
        )
        store = open_store(settings.cache_path(settings.server_url, identity.email))
    except BaseException:
        api.close()
        raise
    try:
        claim_cache(store, identity)
    except BaseException:
        store.close()
        api.close()
        raise
    return Core(settings, identity, store, api, on_report=on_report)


def sign_out(
    settings: Settings, identity: Identity, credentials: CredentialStore | None = None
) -> None:
    """Forget the sign-in on this computer; the cache and its unsent changes stay (see
    :func:`instainstru_desktop.sync.sign_in.sign_out`)."""
    credentials = credentials or CredentialStore(settings.credentials_path)
    sync_sign_out(identity, credentials, RememberedSignIns(settings.session_path))


def remember_sign_in(
    settings: Settings,
    base_url: str,
    email: str,
    password: str,
    *,
    credentials: CredentialStore | None = None,
    headers: Mapping[str, str] | None = None,
) -> Identity:
    """Sign in as another account and remember it, leaving the running session untouched.

    A client of its own asks the server (so the running session's token never changes under
    its sync); the token and who it belongs to are kept as the next start's sign-in. Raises the
    API's typed errors (``Unauthenticated`` for a wrong password, ``Offline``).
    """
    server = settings.server_url or EMBEDDED
    credentials = credentials or CredentialStore(settings.credentials_path)
    with ApiClient(
        base_url,
        device=settings.device_name,
        timeout=settings.request_timeout_seconds,
        headers=headers,
    ) as api:
        sign_in = SignIn(server, api, credentials, RememberedSignIns(settings.session_path))
        return sign_in.with_password(email, password)
