"""The first window must not wait for the database layer or the server to load.

The app draws the saved week before SQLAlchemy (~0.3 s) and FastAPI (~0.3 s) are imported; an
innocent top-level import in a window module would silently move them back onto the start-up
path, so this test imports what the first paint needs and checks neither came along.
"""

from __future__ import annotations

import subprocess
import sys

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
