"""A test that logs a warning or an error fails, unless it says it expects that line.

A warning in the log is one of two things: a problem of the code, which a test that merely
passes would hide, or part of what the test checks, which the test should then say. So every
record at WARNING or above that reaches the root logger while a test runs -- from any thread:
the app logs from its sync, live and server threads -- fails the phase (setup, call, teardown)
in which it was logged, unless the test carries a matching mark::

    @pytest.mark.expect_log("instainstru_desktop.sync.live", "WARNING", match="stopped")

``logger`` matches that logger and its children; ``level`` is the highest level allowed (an
ERROR still fails a test that expects a WARNING); ``match`` is a regular expression searched in
the message. An expected line must appear, so a mark cannot outlive the log line it was written
for; where a line depends on timing (a thread that may or may not get to log before the test
ends), ``required=False`` says so. Tests that check the wording use ``caplog`` as usual.

Lines the test environment itself causes in many tests are allowed once, with the reason, in
the ``logfail_allow`` ini option: one ``<logger> <LEVEL> <regular expression>`` per line.

Loggers that do not propagate to the root (uvicorn's own) are not seen, nor are lines logged
between two tests (by a thread a test left running): they belong to no test.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Generator
from dataclasses import dataclass

import pytest

MARK = "expect_log"
_LOGFAIL_KEY = pytest.StashKey["LogFail"]()  # the run's handler
_EVERYWHERE_KEY = pytest.StashKey[list["Expected"]]()  # logfail_allow
_EXPECTED_KEY = pytest.StashKey[list["Expected"]]()  # a test's marks
_SEEN_KEY = pytest.StashKey[set[int]]()  # which of them a line has met
_FAILED_KEY = pytest.StashKey[bool]()  # a phase of the test failed


@dataclass(frozen=True)
class Expected:
    """One ``expect_log`` mark."""

    logger: str
    level: int
    pattern: re.Pattern[str] | None
    required: bool

    @classmethod
    def from_mark(cls, mark: pytest.Mark) -> Expected:
        def arg(index: int, name: str, default: object) -> object:
            return mark.args[index] if len(mark.args) > index else mark.kwargs.get(name, default)

        level_name = str(arg(1, "level", "WARNING")).upper()
        level = logging.getLevelName(level_name)
        if not isinstance(level, int) or level < logging.WARNING:
            raise ValueError(f"level must be WARNING, ERROR or CRITICAL, not {level_name!r}")
        match = arg(2, "match", None)
        unknown = set(mark.kwargs) - {"logger", "level", "match", "required"}
        if unknown or len(mark.args) > 3:
            raise ValueError(
                f"it takes logger, level, match= and required=, not {sorted(unknown) or mark.args}"
            )
        return cls(
            logger=str(arg(0, "logger", "")),
            level=level,
            pattern=re.compile(str(match)) if match is not None else None,
            required=bool(mark.kwargs.get("required", True)),
        )

    def allows(self, record: logging.LogRecord) -> bool:
        name = record.name
        if self.logger and name != self.logger and not name.startswith(self.logger + "."):
            return False
        if record.levelno > self.level:
            return False
        return self.pattern is None or self.pattern.search(record.getMessage()) is not None

    def __str__(self) -> str:
        pattern = f", match={self.pattern.pattern!r}" if self.pattern else ""
        return f"{logging.getLevelName(self.level)} from {self.logger or 'any logger'}{pattern}"


def describe(record: logging.LogRecord) -> str:
    text = f"{record.levelname} {record.name} ({record.threadName}): {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        text += f"\n    {type(error).__name__}: {error}"
    return text


class LogFail(logging.Handler):
    """Collects the WARNING-and-above records of the test that is running."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._records: list[logging.LogRecord] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._guard:
            self._records.append(record)

    def take(self) -> list[logging.LogRecord]:
        with self._guard:
            records, self._records = self._records, []
        return records


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "logfail_allow",
        "log lines (WARNING or above) any test may log: '<logger> <LEVEL> <regular expression>'",
        type="linelist",
        default=[],
    )


def _allowed_everywhere(config: pytest.Config) -> list[Expected]:
    allowed = []
    for line in config.getini("logfail_allow"):
        parts = str(line).split(None, 2)
        try:
            if len(parts) < 2:
                raise ValueError("write '<logger> <LEVEL> <regular expression>'")
            pattern = parts[2] if len(parts) == 3 else None
            mark = pytest.mark.expect_log(parts[0], parts[1], match=pattern, required=False)
            allowed.append(Expected.from_mark(mark.mark))
        except ValueError as error:
            raise pytest.UsageError(f"logfail_allow: {line!r}: {error}") from error
    return allowed


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_EVERYWHERE_KEY] = _allowed_everywhere(config)
    config.addinivalue_line(
        "markers",
        f"{MARK}(logger, level='WARNING', match=None, required=True): the test logs this line "
        "(WARNING or above) on purpose; any other such line fails it (tests/runner/logfail.py)",
    )
    handler = LogFail()
    config.stash[_LOGFAIL_KEY] = handler
    logging.getLogger().addHandler(handler)


def pytest_unconfigure(config: pytest.Config) -> None:
    handler = config.stash.get(_LOGFAIL_KEY, None)
    if handler is not None:
        logging.getLogger().removeHandler(handler)


def _read_marks(item: pytest.Item) -> None:
    item.stash[_EXPECTED_KEY] = []
    try:
        item.stash[_EXPECTED_KEY] = [Expected.from_mark(m) for m in item.iter_markers(MARK)]
    except ValueError as error:
        item.stash[_FAILED_KEY] = True
        pytest.fail(f"@pytest.mark.{MARK}: {error}", pytrace=False)


def _check(item: pytest.Item, phase: str) -> None:
    """Fail the phase for each record no mark allows; note which marks were met."""
    records = item.config.stash[_LOGFAIL_KEY].take()
    expected = item.stash.get(_EXPECTED_KEY, []) + item.config.stash[_EVERYWHERE_KEY]
    seen = item.stash.setdefault(_SEEN_KEY, set())
    unexpected = []
    for record in records:
        allowing = [i for i, rule in enumerate(expected) if rule.allows(record)]
        seen.update(allowing)
        if not allowing:
            unexpected.append(record)
    if unexpected:
        item.stash[_FAILED_KEY] = True
        lines = "\n".join(f"  {describe(record)}" for record in unexpected)
        pytest.fail(
            f"{len(unexpected)} unexpected log line(s) at WARNING or above during {phase}:\n"
            f"{lines}\nFix the cause, or mark the test with "
            f'@pytest.mark.{MARK}("<logger>", "<LEVEL>", match="...") if it expects them.',
            pytrace=False,
        )
    if phase == "teardown" and not item.stash.get(_FAILED_KEY, False):
        missing = [rule for i, rule in enumerate(expected) if rule.required and i not in seen]
        if missing:
            pytest.fail(
                "expected log line(s) never came: "
                + "; ".join(str(rule) for rule in missing)
                + " (required=False if it depends on timing)",
                pytrace=False,
            )


def _phase(item: pytest.Item, phase: str) -> Generator[None, None, None]:
    try:
        yield
    except BaseException:
        item.config.stash[_LOGFAIL_KEY].take()  # the phase failed already: that is the news
        item.stash[_FAILED_KEY] = True
        raise
    _check(item, phase)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    item.config.stash[_LOGFAIL_KEY].take()  # lines logged between tests belong to no test
    _read_marks(item)
    yield from _phase(item, "setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    yield from _phase(item, "call")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    yield from _phase(item, "teardown")
