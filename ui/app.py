"""``instainstru``: the desktop app's entry point.

Order matters for how fast the app feels: options are checked before Qt loads (a typo ends in a
sentence, not a traceback), the window is shown with the last week it displayed before the ORM
and the server load, and the core comes up on a worker thread behind it.
"""

from __future__ import annotations

import gc
import logging
import logging.handlers
import os
import sys
import tempfile
from pathlib import Path

from ui.cli import AppOptions, UsageError, parse_options
from ui.embedded import CHILD_FLAG
from ui.import_scan import skip_httpx_command_line
from ui.quit_signals import QuitOnSignals
from ui.quit_signals import hold as hold_signals

log = logging.getLogger("instainstru")


def _setup_logging(log_dir: Path) -> Path | None:
    """Log to a rotating file in the data folder: the place a support person asks for.

    A data folder that cannot be written (read-only disk, no permission) must not stop the app
    before its window exists: it logs to stderr then, and the window tells the person about the
    folder when the core fails to open its files there. Returns the log file (None: stderr).
    """
    path = log_dir / "instainstru.log"
    handler: logging.Handler
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3)
    except OSError as error:
        handler, where = logging.StreamHandler(sys.stderr), None
        problem = f"cannot write the log file {path} ({error.strerror or error}): logging to stderr"
    else:
        where, problem = path, ""
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if problem:
        log.warning(problem)
    return where


def main(argv: list[str] | None = None) -> int:
    """Run the app; returns the process exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == [CHILD_FLAG]:  # this run is the bundled server's process, not the app
        from ui.embedded_child import serve

        return serve()
    # Cycles are collected on the UI thread once it runs (ui.main_thread_gc); until then none
    # at all: start-up allocates hundreds of thousands of long-lived objects (modules, classes,
    # Qt's enums), and each collection on the way to the first paint would walk them all again.
    gc.disable()
    try:
        options = parse_options(args)
    except UsageError as error:
        print(f"instainstru: {error}", file=sys.stderr)
        return 2
    if options.self_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    hold_signals()  # Ctrl+C while loading is acted on once the window exists
    skip_httpx_command_line()
    return _run(options, self_test=options.self_test)


def _run(options: AppOptions, *, self_test: bool) -> int:
    from instainstru_desktop.config import load_settings

    temp_profile: tempfile.TemporaryDirectory[str] | None = None
    profile = options.profile
    if self_test and profile is None:
        # the self-test must not touch (or be fooled by) the person's own data
        temp_profile = tempfile.TemporaryDirectory(prefix="instainstru-self-test-")
        profile = Path(temp_profile.name)
    settings = load_settings(profile=profile, server_url=options.server_url)
    from ui.settings.preferences import Preferences

    preferences = Preferences.load(settings.config_dir)
    if options.server_url is None and preferences.server and preferences.server != "embedded":
        settings = load_settings(profile=profile, server_url=preferences.server)
    log_path = _setup_logging(settings.data_dir / "logs")
    where = settings.server_url or "built-in"
    log.info("starting (server: %s, data: %s)", where, settings.data_dir)
    if settings.embedded:  # its process loads on the other core while the window is built
        from ui.embedded import launch_early

        launch_early(settings.embedded_database_path)

    from PySide6.QtCore import Qt

    from ui import import_scan

    import_scan.lighten()  # before the bulk of the app (and the server) is imported
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    from ui.appearance.theme import new_application

    app = new_application(sys.argv[0])
    app.setApplicationName("InstaInstru")
    app.setApplicationDisplayName("InstaInstru")
    app.setOrganizationName("InstaInstru")
    app.setDesktopFileName("instainstru")
    from ui.main_thread_gc import MainThreadCollector

    collector = MainThreadCollector(app)  # widgets are never freed on a worker thread

    from ui.shell.host import WindowHost

    if options.theme:
        preferences = preferences.with_theme(options.theme)
    host = WindowHost(settings, preferences, log_path=log_path)  # the window for the role
    quit_on_signals = QuitOnSignals(app, host.close)
    if self_test:
        from ui.self_test import SelfTest
        from ui.shell.main_window import MainWindow

        window = MainWindow(settings, preferences, log_path=log_path)
        host.window = window
        test = SelfTest(window)
        window.start()
        code = test.run(app)
    else:
        host.open()
        code = app.exec()
    host.shutdown()
    quit_on_signals.stop()
    collector.stop()
    if temp_profile is not None:
        temp_profile.cleanup()
    if host.restart_requested:
        _restart()
    return code


def _restart() -> None:
    """Start a fresh copy with the same arguments (after a change of server or account)."""
    import subprocess

    subprocess.Popen([sys.executable, *sys.argv] if not getattr(sys, "frozen", False)
                     else [sys.executable, *sys.argv[1:]], start_new_session=True)


if __name__ == "__main__":
    sys.exit(main())
