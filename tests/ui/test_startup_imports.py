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
