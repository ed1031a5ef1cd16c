"""The packaged executable is the app or the standalone server by the name it is started as.

The .deb installs one executable, ``/opt/instainstru/instainstru``, and the link
``instainstru-server`` beside it; ``packaging/check-installer`` runs both from a built package.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LAUNCHER = Path(__file__).resolve().parents[2] / "packaging" / "launcher.py"

PROBE = """
import runpy, sys
launcher = runpy.run_path({launcher!r})
main = launcher["entry_point"]({argv0!r})
loaded = [m for m in ("ui.app", "PySide6", "instainstru_desktop.server.cli") if m in sys.modules]
print(main.__module__, *loaded)
"""


SERVER = "instainstru_desktop.server.cli"


@pytest.mark.parametrize(
    ("argv0", "loaded"),
    [
        ("/usr/bin/instainstru-server", [SERVER, SERVER]),  # no Qt, no desktop app
        ("instainstru-server", [SERVER, SERVER]),
        ("/opt/InstaInstru/instainstru-server.exe", [SERVER, SERVER]),
        ("/opt/instainstru/instainstru", ["ui.app", "ui.app"]),  # no server until it starts one
        ("/usr/bin/instainstru", ["ui.app", "ui.app"]),
    ],
)
def test_the_name_picks_the_program(argv0: str, loaded: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(launcher=str(LAUNCHER), argv0=argv0)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == loaded
