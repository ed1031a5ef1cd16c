"""Settings and account, from the window: read the profile, show the dialog, save what changed.

The dialog writes nothing (see :mod:`ui.settings.settings_dialog`); this is the caller that
does: the theme through the window, the home zone and the booking rules through the profile use
cases (queued like every edit), and the account actions: connecting to another server ends in
an offer to restart (the session must stop), signing out in the window built anew for whoever
signs in next.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from instainstru_desktop.services.views import Changed, InstructorProfile, TermDetail
    from ui.shell.main_window import MainWindow


class SettingsFlow:
    """Opens the settings of one window and carries out what the person chose."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def open(self) -> None:
        """Read the profile first, then open the dialog with it."""
        session = self._window.session
        iid = session.instructor_id
        if iid is None:
            return
        profile = session.services.profile
        session.ops.run_db(lambda: profile.profile(iid), self._show, what="opening settings")

    def _show(self, profile: InstructorProfile) -> None:
        from ui.account.connection_dialog import server_label
        from ui.settings.settings_dialog import SettingsDialog

        window = self._window
        identity = window.session.core.identity
        result = SettingsDialog.ask(
            window,
            profile=profile,
            theme=window.preferences.theme,
            server_label=server_label(window.settings.server_url),
            account_label=f"{identity.name} ({identity.email})",
            recent_zones=window.preferences.recent_zones,
            open_terms=lambda parent: self.open_terms(parent, profile.instructor_id),
        )
        if result is None:
            return
        if result.theme != window.preferences.theme:
            window.set_theme(result.theme)
        services, iid, page = window.session.services, profile.instructor_id, window.week_page
        if "time_zone" in result.changed:
            zone = result.time_zone
            page.run_edit(
                lambda: services.profile.set_time_zone(iid, zone), "saving your time zone"
            )
        rules = result.policy_changes()
        if rules:
            page.run_edit(
                lambda: services.profile.update_policy(iid, **rules), "saving your booking rules"
            )
        if result.account_action == "change_server":
            self.change_server()
        elif result.account_action == "sign_out":
            self._sign_out()

    def open_terms(self, parent: QWidget, instructor_id: str) -> None:
        """Read the terms, then show the editor; each save or removal is queued at once."""
        from ui.settings.terms_dialog import TermsDialog

        session, page = self._window.session, self._window.week_page
        series = session.services.series

        def show(terms: list[TermDetail]) -> None:
            dialog = TermsDialog(parent, terms=terms, today=date.today())

            def saved(term: TermDetail) -> None:
                def save() -> Changed:
                    _term_id, changed = series.set_term(
                        instructor_id,
                        term.name,
                        term.first,
                        term.last,
                        term.breaks,
                        term_id=term.term_id or None,
                    )
                    return changed

                page.run_edit(save, "saving the term")  # a new break frees lessons in the week
                reread()

            def removed(term_id: str) -> None:
                page.run_edit(
                    lambda: series.delete_term(instructor_id, term_id), "removing the term"
                )
                reread()

            def reread() -> None:
                session.ops.run_db(
                    lambda: series.term_details(instructor_id),
                    dialog.set_terms,
                    what="reading the terms",
                )

            dialog.saveRequested.connect(saved)
            dialog.deleteRequested.connect(removed)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        session.ops.run_db(
            lambda: series.term_details(instructor_id), show, what="reading the terms"
        )

    def change_server(self) -> None:
        from ui.account.connection_dialog import BUILT_IN, ConnectionDialog

        window = self._window
        current = window.settings.server_url or BUILT_IN
        chosen = ConnectionDialog.ask(window, current)
        if chosen is None or chosen == current:
            return
        window.preferences = window.preferences.with_server(chosen)
        window.preferences.save()
        self._offer_restart("InstaInstru will connect to the new server when it starts again.")

    def _sign_out(self) -> None:
        self._window.account.sign_out()  # the window is then built again, for who signs in

    def _offer_restart(self, message: str) -> None:
        window = self._window
        answer = QMessageBox.question(
            window,
            "Restart InstaInstru?",
            f"{message}\n\nRestart now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            window.restart_requested = True
            window.close()
