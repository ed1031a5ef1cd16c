"""How long to wait before trying again: the one formula every retry of the sync layer uses.

Capped exponential growth with jitter. The n-th retry (``n`` from 0) waits a step of
``min(max_seconds, base_seconds * 2**n)``, of which the ``jitter`` fraction is random: 0 waits
exactly the step, 0.5 ("equal jitter") between half and the whole step, 1 ("full jitter")
anywhere up to it. Randomness keeps clients that lost the server together from coming back in
lockstep; it is injected (``rng`` returns a float in [0, 1)) so tests can pin it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

#: Beyond this exponent every sensible cap is reached; it keeps ``2**n`` from overflowing.
_MAX_EXPONENT = 62


@dataclass(frozen=True)
class Backoff:
    """Delay before retry ``n``: see the module's docstring for the formula."""

    base_seconds: float = 1.0
    max_seconds: float = 300.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter must lie in [0, 1], not {self.jitter}")
        if self.base_seconds < 0 or self.max_seconds < 0:
            raise ValueError("a backoff cannot wait a negative time")

    def step(self, n: int) -> float:
        """The longest wait before retry ``n``."""
        exponent = min(max(0, n), _MAX_EXPONENT)
        return min(self.max_seconds, self.base_seconds * float(2**exponent))

    def delay(self, n: int, rng: Callable[[], float] = random.random) -> float:
        """The wait before retry ``n``, between ``(1 - jitter) * step`` and ``step``."""
        step = self.step(n)
        return step * (1.0 - self.jitter) + rng() * step * self.jitter
