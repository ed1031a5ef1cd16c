"""The run fails when it leaves untracked files in the checkout, and only then."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

WRITING_TESTS = """
from pathlib import Path

def test_writes_into_the_checkout():
    Path("reports").mkdir(exist_ok=True)
    Path("reports/result.json").write_text("{}")

def test_writes_into_its_temporary_folder(tmp_path):
    (tmp_path / "result.json").write_text("{}")
"""


@pytest.fixture
def checkout(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytest project in a git checkout of its own, loading the clean-tree check."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("needs git")
    subprocess.run([git, "init", "-q", str(pytester.path)], check=True)
    pythonpath = os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    pytester.makeini("[pytest]\naddopts = -p tests.runner.clean_tree -p no:cacheprovider\n")
    # pytester puts the inner run's temporary folders beside it: ignored, like a real cache
    (pytester.path / ".gitignore").write_text("__pycache__/\nrunpytest-*/\n")
    return pytester


def test_a_file_left_in_the_checkout_fails_the_run(checkout: pytest.Pytester) -> None:
    checkout.makepyfile(test_writing=WRITING_TESTS)
    result = checkout.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*the run left files in the checkout*", "  reports/result.json"])


def test_output_in_temporary_folders_and_files_there_before_are_fine(
    checkout: pytest.Pytester,
) -> None:
    checkout.makepyfile(
        test_writing=WRITING_TESTS.replace("def test_writes_into_the_checkout", "def _unused")
    )
    (checkout.path / "notes.txt").write_text("the developer's own untracked file\n")
    result = checkout.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
    assert "left files" not in result.stdout.str()
