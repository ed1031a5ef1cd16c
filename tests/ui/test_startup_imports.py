"""The first window must not wait for the database layer or the server to load.

The app draws the saved week before SQLAlchemy (~0.3 s) and FastAPI (~0.3 s) are imported; an
innocent top-level import in a window module would silently move them back onto the start-up
path, so this test imports what the first paint needs and checks neither came along.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
import ui.app, ui.shell.main_window, ui.calendar.week_page
import ui.lessons.actions, ui.lessons.lessons_page
import ui.profile.profile_page, ui.profile.profile_view, ui.profile.actions
heavy = sorted(m for m in ("sqlalchemy", "fastapi", "uvicorn", "alembic") if m in sys.modules)
print(",".join(heavy))
"""


def test_the_first_window_loads_without_the_database_layer_or_the_server() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.strip() == ""


#: What the first painted week needs and what the main window builds after it (or the core
#: loads): the lesson pages, the Profile page, the vocabulary of changes and the zones list.
FIRST_PAINT_PROBE = """
import sys
import ui.app, ui.shell.host, ui.shell.main_window
later = ("ui.lessons.lessons_view", "ui.lessons.attention", "ui.lessons.conversation_panel",
         "ui.profile.profile_view", "instainstru_desktop.protocol", "instainstru_desktop.server",
         "instainstru_desktop.services.review_views", "pydantic", "httpx")
print(",".join(sorted(m for m in later if m in sys.modules)))
"""


def test_the_first_paint_loads_only_the_week_and_its_window() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_PROBE],
        capture_output=True, text=True, timeout=120, check=True,
    )
    assert proc.stdout.strip() == ""


#: The window built and painted as at start-up (before the session starts), then which of the
#: modules only later work needs came along (the lesson actions' dialogs, the sign-in form, the
#: read models other than the week's), and whether Qt classes it does not use were created.
PAINTED_WINDOW_PROBE = """
import enum, sys

made = set()  # the enums PySide6 makes as it creates the Python side of Qt's classes
create = enum.EnumType._create_

def noting(cls, class_name, *args, **kwargs):
    made.add(class_name)
    return create(cls, class_name, *args, **kwargs)

enum.EnumType._create_ = noting
from PySide6.QtCore import QEvent, QObject
from instainstru_desktop.config import load_settings
from ui.appearance.theme import new_application
from ui.settings.preferences import Preferences
from ui.shell.main_window import MainWindow

at_paint = {}

class Painted(QObject):
    def eventFilter(self, _watched, event):
        if event.type() == QEvent.Type.Paint and not at_paint:  # as they are at the first paint
            at_paint.update(modules=set(sys.modules), made=set(made))
            app.quit()
        return False

app = new_application(sys.argv[0])  # as the app makes it
settings = load_settings(profile=__import__("pathlib").Path(sys.argv[1]), environ={})
window = MainWindow(settings, Preferences.load(settings.config_dir))
painted = Painted()
window.week_page.view.viewport().installEventFilter(painted)
window.show()
app.exec()
later = ("instainstru_desktop.services.views", "ui.lessons.actions", "ui.lessons.booking_dialog",
         "ui.lessons.cancel_dialog", "ui.lessons.series_flow", "ui.account.sign_in",
         "ui.forms.loader", "instainstru_desktop.domain.series", "hashlib",
         # the domain's other rules (slots, availability), orjson with uuid and platform
         "instainstru_desktop.domain.slots", "instainstru_desktop.domain.availability",
         "instainstru_desktop.domain.hour_edits", "orjson", "uuid", "platform",
         # the week's context menus and the rules of a lesson's life (a press on a card)
         "ui.calendar.menus", "ui.lessons.lesson_menu", "instainstru_desktop.domain.bookings",
         # the list of every zone (some 600 files): the week checks its own zone alone
         "importlib.resources")
print("loaded:" + ",".join(sorted(m for m in later if m in at_paint["modules"])))
# enums of widget classes the window does not use (a multi-document window's, a QStyle's): made
# only when PySide6 creates every widget class at once, or the style's classes are loaded; and of
# classes only later work uses (a screen reader's QAccessible, the export's file dialog, the tray)
unused = {"SubWindowOption", "SegmentStyle", "PixelMetric", "TextBoundaryType",
          "AnnouncementPoliteness", "DialogLabel", "LocateOption", "ActivationReason"}
print("made:" + ",".join(sorted(at_paint["made"] & unused)))
"""


def test_the_painted_window_leaves_later_work_for_later(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", PAINTED_WINDOW_PROBE, str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=True, env=env,
    )
    assert proc.stdout.split() == ["loaded:", "made:"]
