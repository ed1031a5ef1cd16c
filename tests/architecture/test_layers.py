"""The layer rules of the design, enforced by import-linter contracts in pyproject.toml.

The contracts run on the real tree, and once more on a copy with a deliberately bad import, to
prove they can fail: a contract that cannot fail would hide a leaking layer.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "COLUMNS": "250"},
    )


def test_the_layer_contracts_hold() -> None:
    result = _lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", root)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("instainstru_desktop", "ui"):
        shutil.copytree(REPO_ROOT / package, root / package, ignore=ignore)
    return root


CLIENT = "Client layers"
SERVER = "Server layers"
APART = "The server never imports the client"


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("instainstru_desktop/domain/leak.py", "import sqlalchemy", "The domain is pure"),
        ("instainstru_desktop/domain/leak.py", "import httpx", "The domain is pure"),
        ("instainstru_desktop/domain/leak.py", "import PySide6.QtCore", "The domain is pure"),
        ("instainstru_desktop/leak.py", "import ui", "The core never imports the Qt front end"),
        ("instainstru_desktop/services/leak.py", "from sqlalchemy import select", "Only store"),
        ("instainstru_desktop/sync/leak.py", "import sqlalchemy.orm", "Only store"),
        ("ui/leak.py", "import instainstru_desktop.server", "The UI reaches the bundled server"),
        ("instainstru_desktop/sync/leak.py", "import instainstru_desktop.server", "client side"),
        ("instainstru_desktop/protocol/leak.py", "import pydantic", "change vocabulary"),
        ("instainstru_desktop/protocol/leak.py", "import sqlalchemy.orm", "change vocabulary"),
        ("instainstru_desktop/protocol/leak.py", "import fastapi", "change vocabulary"),
        (
            "instainstru_desktop/protocol/leak.py",
            "from instainstru_desktop.server.services import changes",
            "change vocabulary",
        ),
        (
            "instainstru_desktop/protocol/leak.py",
            "import instainstru_desktop.store.effects",
            "change vocabulary",
        ),
        ("instainstru_desktop/store/leak.py", "import instainstru_desktop.services", CLIENT),
        ("instainstru_desktop/services/leak.py", "import instainstru_desktop.sync", CLIENT),
        ("instainstru_desktop/sync/leak.py", "import instainstru_desktop.bootstrap", CLIENT),
        ("instainstru_desktop/domain/leak.py", "import instainstru_desktop.config", CLIENT),
        ("instainstru_desktop/config.py", "import instainstru_desktop.store", CLIENT),
        (
            "instainstru_desktop/server/core/leak.py",
            "import instainstru_desktop.server.services",
            SERVER,
        ),
        (
            "instainstru_desktop/server/repositories/leak.py",
            "from instainstru_desktop.server.api import deps",
            SERVER,
        ),
        # a new server package that does not say where it stands in the floor plan
        (
            "instainstru_desktop/server/leak.py",
            "import instainstru_desktop.server.core",
            SERVER,
        ),
        (
            "instainstru_desktop/server/services/leak.py",
            "import instainstru_desktop.store",
            APART,
        ),
        (
            "instainstru_desktop/server/api/leak.py",
            "from instainstru_desktop.sync import api",
            APART,
        ),
    ],
)
def test_a_bad_import_breaks_its_contract(
    tree_copy: Path, module: str, bad_import: str, contract: str
) -> None:
    path = tree_copy / module
    text = path.read_text() if path.exists() else '"""A deliberate layer leak."""\n'
    path.write_text(f"{text}{bad_import}\n")
    result = _lint_imports(tree_copy)
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout
