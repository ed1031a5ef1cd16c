"""The Profile page, wired to its use cases: reads through the database executor, the booking
page's address through the network one, edits queued like every other edit (offline too).

Like the other pages it refreshes from what a change names (:meth:`on_changed`): a change to
the profile or a lesson type (``everything``) reads it all again; a change of hours or lessons
works the preview out again. The preview is worked out only while the page is on screen, and
again each time the page comes back (the minimum notice moves with the clock).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from instainstru_desktop.services.profile_checks import LessonTypeDraft
from instainstru_desktop.services.views import Changed, InstructorProfile, LessonTypeOption
from ui.profile.profile_view import ProfileView
from ui.shell.session import Session

if TYPE_CHECKING:
    from instainstru_desktop.services.preview import StudentWeek
    from instainstru_desktop.sync.booking_page import BookingPage
    from instainstru_desktop.sync.engine import SyncReport

Loaded = tuple[InstructorProfile, list[LessonTypeOption]]


class ProfilePage(QObject):
    """Feeds a :class:`ProfileView` and queues what it asks for."""

    changed = Signal(object)  # a Changed, for the other views (lesson colours on the week)
    loaded = Signal()  # the profile and lesson types were read and shown
    previewShown = Signal()  # noqa: N815 - a week of free times was worked out and shown

    def __init__(self, session: Session, view: ProfileView) -> None:
        super().__init__(view)
        self.session = session
        self.view = view
        self._preview_stale = True
        self._link_known = False
        self._zone_set = False
        self._select_next: str | None = None  # a lesson type just added: open it once listed
        view.about.saveRequested.connect(self.save_about)
        view.lesson_types.addRequested.connect(self.add_lesson_type)
        view.lesson_types.saveRequested.connect(self.save_lesson_type)
        view.preview.weekRequested.connect(self.work_out_week)
        view.shown.connect(self._on_shown)

    # -- refreshing -------------------------------------------------------------------------

    def start(self) -> None:
        """The session is up: read the profile and find the booking page."""
        self.refresh()
        self.find_booking_page()

    def on_changed(self, changed: Changed) -> None:
        if changed.everything:
            self.refresh()
        elif changed.dates or changed.template or changed.booking_ids:
            self._preview_stale = True
            self._work_out_if_shown()

    def on_synced(self, report: SyncReport) -> None:
        """A sync worked: the server is reachable, so an address not known yet can be asked."""
        if not self._link_known and report.ok:
            self.find_booking_page()

    def refresh(self) -> None:
        iid = self.session.instructor_id
        if iid is None:
            return
        services = self.session.services

        def read() -> Loaded:
            return services.profile.profile(iid), services.lesson_types.lesson_types(iid)

        self.session.ops.run_db(read, self._show, what="reading your profile")

    def _show(self, loaded: Loaded) -> None:
        profile, lesson_types = loaded
        self.view.about.show_profile(profile)
        self.view.lesson_types.show_lesson_types(lesson_types)
        if self._select_next is not None and any(t.id == self._select_next for t in lesson_types):
            self.view.lesson_types.select(self._select_next)
            self._select_next = None
        self.view.preview.set_lesson_types(lesson_types)
        if not self._zone_set:
            self.view.preview.set_zone(profile.time_zone)
            self._zone_set = True
        self._preview_stale = True
        self._work_out_if_shown()
        self.loaded.emit()

    def _on_shown(self) -> None:
        # Minimum notice moves with the clock: a preview is worked out again each time it is
        # looked at, not only when the data changed.
        self._preview_stale = True
        self._work_out_if_shown()

    def _work_out_if_shown(self) -> None:
        if self._preview_stale and self.view.isVisible() and self.session.is_ready:
            self._preview_stale = False
            self.view.preview.request()

    # -- the preview ------------------------------------------------------------------------

    def work_out_week(self, lesson_type_id: str, zone: str, first: date | None) -> None:
        iid = self.session.instructor_id
        if iid is None:
            return
        preview = self.session.services.preview
        self.session.ops.run_db(
            lambda: preview.week(iid, lesson_type_id, zone, first),
            self._show_week,
            self._week_failed,
            what="working out what students see",
        )

    def _show_week(self, shown: StudentWeek) -> None:
        self.view.preview.show_week(shown)
        self.previewShown.emit()

    def _week_failed(self, error: BaseException) -> None:
        from instainstru_desktop.services.errors import ServiceError

        if not isinstance(error, ServiceError):
            self.session.ops.present(error, "working out what students see")
            return
        self.view.preview.show_message(error.message, tone="warning")
        self.previewShown.emit()

    # -- the booking page -------------------------------------------------------------------

    def find_booking_page(self) -> None:
        """Say where students book: nowhere on the built-in server, else ask the server."""
        from instainstru_desktop.sync.booking_page import EMBEDDED_REASON, booking_page

        box = self.view.booking_link
        iid = self.session.instructor_id
        if self.session.settings.embedded:
            self._link_known = True
            box.show_no_page(EMBEDDED_REASON)
            return
        if iid is None or not self.session.is_ready:
            return
        api = self.session.core.api
        self.session.ops.run_net(
            lambda: booking_page(api, iid),
            self._show_booking_page,
            self._booking_page_failed,
            what="asking for your booking page",
        )

    def _show_booking_page(self, page: BookingPage) -> None:
        self._link_known = True
        box = self.view.booking_link
        if page.url:
            box.show_url(page.url)
        else:
            box.show_no_page(page.reason)

    def _booking_page_failed(self, error: BaseException) -> None:
        from instainstru_desktop.sync.errors import Offline
        from ui.ops import describe_error

        self._link_known = False
        if isinstance(error, Offline):
            self.view.booking_link.show_offline()
            return
        self.view.booking_link.show_no_page(describe_error(error)[1], tone="error")

    # -- edits ------------------------------------------------------------------------------

    def save_about(self, name: str, bio: str) -> None:
        iid = self.session.instructor_id
        if iid is None:
            return
        profile = self.session.services.profile
        self.session.ops.run_db(
            lambda: profile.edit_text(iid, name=name, bio=bio),
            self._edited,
            what="saving your name and bio",
        )

    def add_lesson_type(self, draft: LessonTypeDraft) -> None:
        iid = self.session.instructor_id
        if iid is None:
            return
        service = self.session.services.lesson_types
        self.session.ops.run_db(
            lambda: service.add(iid, draft), self._added, what="adding the lesson type"
        )

    def save_lesson_type(self, lesson_type_id: str, draft: LessonTypeDraft) -> None:
        service = self.session.services.lesson_types
        self.session.ops.run_db(
            lambda: service.edit(lesson_type_id, draft),
            self._edited,
            what="saving the lesson type",
        )

    def _added(self, result: tuple[str, Changed]) -> None:
        self._select_next, changed = result
        self._edited(changed)

    def _edited(self, changed: Changed) -> None:
        if not changed.everything:
            self.refresh()
        self.changed.emit(changed)
