"""The run-mode plugin: which mode it picks, that it says so, and that ``sequential`` holds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.runner.plugin import SEQUENTIAL_GROUP, RunMode, choose_mode

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"numprocesses": None, "force_sequential": False, "ci": None, "cpus": 2}, 2),
        ({"numprocesses": None, "force_sequential": False, "ci": None, "cpus": 1}, 0),
        ({"numprocesses": None, "force_sequential": False, "ci": "true", "cpus": 8}, 0),
        ({"numprocesses": 3, "force_sequential": False, "ci": "true", "cpus": 2}, 3),
        ({"numprocesses": "auto", "force_sequential": False, "ci": "true", "cpus": 4}, 4),
        ({"numprocesses": 4, "force_sequential": True, "ci": None, "cpus": 4}, 0),
        ({"numprocesses": None, "force_sequential": True, "ci": None, "cpus": 4}, 0),
    ],
)
def test_choose_mode(kwargs: dict[str, object], expected: int) -> None:
    mode = choose_mode(**kwargs)  # type: ignore[arg-type]
    assert mode.workers == expected
    assert mode.reason


def test_mode_line_names_the_mode_and_the_reason() -> None:
    assert RunMode(2, "2 CPUs available").line.endswith("parallel on 2 workers (2 CPUs available)")
    assert RunMode(0, "CI is set").line.endswith("sequential (CI is set)")


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytest project of its own that loads this repository's runner plugin."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("INSTAINSTRU_TEST_LOCK_DIR", raising=False)
    pythonpath = os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    pytester.makeini("[pytest]\naddopts = -p tests.runner.plugin -p no:cacheprovider\n")
    pytester.makepyfile(test_one="def test_one():\n    assert True\n")
    return pytester


def _mode_line(result: pytest.RunResult) -> str:
    lines = [line for line in result.outlines if line.startswith("instainstru test runner:")]
    assert lines, result.stdout.str()
    return lines[0]


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs a machine with 2 CPUs or more")
def test_plain_run_is_parallel_on_a_multi_cpu_machine(inner: pytest.Pytester) -> None:
    result = inner.runpytest_subprocess("-q")
    result.assert_outcomes(passed=1)
    assert "parallel on" in _mode_line(result)


def test_ci_variable_makes_it_sequential(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = inner.runpytest_subprocess("-q")
    result.assert_outcomes(passed=1)
    assert "sequential (CI is set" in _mode_line(result)


def test_force_sequential_wins_over_n(inner: pytest.Pytester) -> None:
    result = inner.runpytest_subprocess("-n", "2", "--force-sequential")
    result.assert_outcomes(passed=1)
    assert "sequential (--force-sequential given)" in _mode_line(result)
    assert "workers" not in result.stdout.str().split("instainstru test runner:")[1].splitlines()[0]


def test_explicit_n_is_parallel_even_in_ci(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = inner.runpytest_subprocess("-n", "2")
    result.assert_outcomes(passed=1)
    assert "parallel on 2 workers (-n given)" in _mode_line(result)


SPAN_TESTS = """
import json, os, time
import pytest

LOG = os.environ["SPAN_LOG"]

def _span(name):
    start = time.monotonic()
    time.sleep(0.15)
    end = time.monotonic()
    with open(LOG, "a") as f:
        f.write(json.dumps({"name": name, "start": start, "end": end,
                            "worker": os.environ.get("PYTEST_XDIST_WORKER", "")}) + "\\n")

@pytest.mark.parametrize("i", range(8))
def test_ordinary(i):
    _span(f"ordinary{i}")

@pytest.mark.sequential
@pytest.mark.parametrize("i", range(3))
def test_alone(i):
    _span(f"alone{i}")
"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def test_sequential_tests_never_run_beside_another(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = tmp_path / "spans.jsonl"
    monkeypatch.setenv("SPAN_LOG", str(log))
    inner.makepyfile(test_spans=SPAN_TESTS)
    result = inner.runpytest_subprocess("-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=12)
    spans = [json.loads(line) for line in log.read_text().splitlines()]
    alone = [s for s in spans if s["name"].startswith("alone")]
    others = [s for s in spans if s not in alone and s["name"] != "test_one"]
    assert len(alone) == 3
    # grouped on one worker (xdist's loadgroup), so they never hold up both workers at once
    assert len({s["worker"] for s in alone}) == 1, alone
    for sequential in alone:
        for other in spans:
            if other is not sequential:
                assert not _overlap(sequential, other), (sequential, other)
    # the run really was parallel: ordinary tests did overlap each other on two workers
    assert {s["worker"] for s in spans} == {"gw0", "gw1"}
    assert any(_overlap(a, b) for a in others for b in others if a is not b)


MIXED_TESTS = """
import pytest

def test_plain():
    pass

@pytest.mark.parametrize("path", ["GET /api/v1/meta", "POST /api/v1/auth/token", "a b/c"])
def test_parametrized(path):
    assert path

class TestGroup:
    @pytest.mark.parametrize("n", range(4))
    def test_method(self, n):
        assert n < 4

@pytest.mark.sequential
@pytest.mark.parametrize("n", range(2))
def test_alone(n):
    pass
"""


def _passed_ids(result: pytest.RunResult) -> list[str]:
    """The ids the summary reports passed (xdist's group suffix of sequential tests dropped)."""
    suffix = f"@{SEQUENTIAL_GROUP}"
    lines = [line for line in result.outlines if line.startswith("PASSED ")]
    return sorted(line.split(" ", 1)[1].strip().removesuffix(suffix) for line in lines)


def test_parallel_and_sequential_runs_count_the_same(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_mixed=MIXED_TESTS)
    parallel = inner.runpytest_subprocess("-n", "2", "-rA")
    sequential = inner.runpytest_subprocess("--force-sequential", "-rA")
    assert parallel.parseoutcomes() == sequential.parseoutcomes() == {"passed": 11}
    assert _passed_ids(parallel) == _passed_ids(sequential)
    assert len(set(_passed_ids(parallel))) == 11


REPEATING_CONFTEST = """
import pytest

def pytest_pycollect_makeitem(collector, name, obj):
    if name == "test_generated":  # a collector that gives three tests one id
        return [pytest.Function.from_parent(collector, name=name, callobj=obj) for _ in range(3)]
"""


@pytest.mark.parametrize("mode", [("-n", "2"), ("--force-sequential",)])
def test_tests_sharing_an_id_stop_the_run_in_every_mode(
    inner: pytest.Pytester, mode: tuple[str, ...]
) -> None:
    inner.makeconftest(REPEATING_CONFTEST)
    inner.makepyfile(test_generated="def test_generated():\n    pass\n")
    result = inner.runpytest_subprocess(*mode)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*3 tests share 1 test ids, so a parallel run would run only one of each*",
            "*3 tests: test_generated.py::test_generated",
        ]
    )
    assert "passed" not in result.stdout.str()
