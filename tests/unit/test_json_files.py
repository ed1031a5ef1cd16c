"""The side files' one writer and reader: a crash mid-write leaves a whole file, a damaged
file reads as missing."""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from instainstru_desktop.json_files import read_json, write_json

REPO = Path(__file__).resolve().parents[2]

#: Writes two big values in turn until a timer kills the process with SIGKILL (no clean-up,
#: no buffers flushed: what a power cut or a crash does to the app).
WRITER = """
import os, signal, sys, threading
sys.path.insert(0, {repo!r})
from pathlib import Path
from instainstru_desktop.json_files import write_json

path, delay, durable = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "durable"
values = [{{"fill": letter * 3_000_000}} for letter in "ab"]
write_json(path, values[0], indent=False, durable=durable)
threading.Timer(delay, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
turn = 1
while True:
    write_json(path, values[turn % 2], indent=False, durable=durable)
    turn += 1
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("durable", ["durable", "quick"])
def test_a_process_killed_while_writing_leaves_a_whole_file(tmp_path: Path, durable: str) -> None:
    path = tmp_path / "side.json"
    script = WRITER.format(repo=str(REPO))
    rng = random.Random(9)
    for _ in range(8):
        delay = str(rng.uniform(0.02, 0.25))
        done = subprocess.run(
            [sys.executable, "-c", script, str(path), delay, durable],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == -signal.SIGKILL, done.stderr
        value = read_json(path)
        assert value is not None, "the file was left half written"
        assert value["fill"] in ("a" * 3_000_000, "b" * 3_000_000)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["side.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "side.json"
    write_json(path, {"theme": "dark"})
    with pytest.raises(TypeError):
        write_json(path, {"theme": object()})  # not JSON: refused before anything is written
    assert read_json(path) == {"theme": "dark"}
    taken = tmp_path / "taken.json"
    (taken / "inside").mkdir(parents=True)  # a folder in the way: the rename itself fails
    with pytest.raises(IsADirectoryError):
        write_json(taken, {"theme": "light"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["side.json", "taken.json"]


def test_side_files_are_private_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "new" / "side.json"
    write_json(path, {"server": "https://studio.example.org"})
    assert path.read_text(encoding="utf-8").splitlines()[1].startswith("  ")  # indented
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("content", [b"", b"{broken", b"\xff\xfe", b'{"a": 1'])
@pytest.mark.expect_log("instainstru_desktop.json_files", "WARNING", match="not valid JSON")
def test_a_damaged_file_reads_as_missing_and_says_so(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "side.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="instainstru_desktop.json_files"):
        assert read_json(path) is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert str(path) in caplog.records[0].getMessage()
    assert read_json(tmp_path / "missing.json") is None
