"""PySide6's per-import check, made light: same answers, no module sources kept in memory.

Each probe runs in a fresh interpreter: the check is installed once per process, for good.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

PROBE = """
import json, linecache, sys
sys.path.insert(0, sys.argv[2])
import PySide6.QtCore
from ui import import_scan
swapped = import_scan.lighten() if sys.argv[1] == "light" else False
import uses_qt, plain
features = sys.modules["shibokensupport.feature"].pyside_feature_dict
kept = [name for name in linecache.cache if name.endswith(("uses_qt.py", "plain.py"))]
print(json.dumps({"swapped": swapped, "kept": kept,
                  "uses_qt": features.get("uses_qt"), "plain": features.get("plain")}))
"""


def probe(tmp_path: Path, mode: str) -> dict[str, Any]:
    (tmp_path / "uses_qt.py").write_text("from PySide6.QtCore import QObject\n" * 500)
    (tmp_path / "plain.py").write_text("VALUE = 1\n" * 500)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_modules_imported_after_qt_keep_no_source_lines_and_get_the_same_answer(
    tmp_path: Path,
) -> None:
    plain_qt = probe(tmp_path, "plain")
    assert plain_qt["swapped"] is False
    assert len(plain_qt["kept"]) == 2, "shiboken keeps each module's source (what this saves)"
    light = probe(tmp_path, "light")
    assert light["swapped"] is True
    assert light["kept"] == []
    assert (light["uses_qt"], light["plain"]) == (plain_qt["uses_qt"], plain_qt["plain"]) == (0, -1)


CLI_PROBE = """
import sys
from ui.import_scan import skip_httpx_command_line
skip_httpx_command_line()
import httpx
print(httpx.Client.__name__, "click" in sys.modules, "rich" in sys.modules)
"""


def test_the_app_loads_httpx_without_its_command_line_tool() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CLI_PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["Client", "False", "False"]
