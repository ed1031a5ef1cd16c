"""The one backoff formula of the sync layer: capped doubling, a jittered share of each step."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from instainstru_desktop.sync.backoff import Backoff


def test_steps_double_from_the_base_up_to_the_cap() -> None:
    backoff = Backoff(base_seconds=0.5, max_seconds=6.0)
    assert [backoff.step(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 6.0, 6.0]
    assert backoff.step(-3) == 0.5  # no retry waits less than the base
    assert backoff.step(10_000) == 6.0  # no overflow however long the outage


@pytest.mark.parametrize(
    ("jitter", "low", "high"),
    [(0.0, 4.0, 4.0), (0.5, 2.0, 4.0), (1.0, 0.0, 4.0)],
)
def test_jitter_is_the_random_share_of_the_step(jitter: float, low: float, high: float) -> None:
    backoff = Backoff(base_seconds=1.0, max_seconds=60.0, jitter=jitter)
    assert backoff.delay(2, rng=lambda: 0.0) == low
    assert backoff.delay(2, rng=lambda: 1.0) == high


def test_the_randomness_is_injected() -> None:
    draws = iter([0.25, 0.75])
    backoff = Backoff(base_seconds=8.0, max_seconds=8.0, jitter=1.0)
    assert [backoff.delay(0, rng=lambda: next(draws)) for _ in range(2)] == [2.0, 6.0]


@given(
    n=st.integers(min_value=0, max_value=200),
    draw=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    jitter=st.floats(min_value=0.0, max_value=1.0),
)
def test_a_delay_never_exceeds_its_step_nor_falls_below_the_fixed_share(
    n: int, draw: float, jitter: float
) -> None:
    backoff = Backoff(base_seconds=0.2, max_seconds=300.0, jitter=jitter)
    delay = backoff.delay(n, rng=lambda: draw)
    step = backoff.step(n)
    assert step * (1 - jitter) - 1e-9 <= delay <= step + 1e-9
    assert step <= 300.0


@pytest.mark.parametrize("bad", [{"jitter": -0.1}, {"jitter": 1.5}, {"base_seconds": -1.0}])
def test_a_meaningless_backoff_is_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"jitter|negative"):
        Backoff(**bad)
