"""How long a charge point waits before it tries to connect again: exponential, with jitter.

After the n-th failed attempt in a row it waits ``initial * factor ** n`` seconds, at most
``maximum``, then takes away a random share of up to ``jitter`` of that, so that a fleet of
charge points dropped at the same moment does not come back at the same moment.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

__all__ = ["Backoff"]


@dataclass
class Backoff:
    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0
    jitter: float = 0.5  # share of the delay that is random
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        numbers = (self.initial, self.maximum, self.factor, self.jitter)
        if not all(math.isfinite(number) for number in numbers):
            raise ValueError("backoff needs finite numbers")
        if self.initial < 0 or self.maximum < self.initial or self.factor < 1:
            raise ValueError("backoff needs 0 <= initial <= maximum and factor >= 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter {self.jitter} is not a share between 0 and 1")

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts in a row (0: the first retry)."""
        ceiling = self.initial
        for _ in range(failures):  # step by step: a large factor must not overflow
            if ceiling >= self.maximum:
                break
            ceiling *= self.factor
        ceiling = min(self.maximum, ceiling)
        return ceiling * (1 - self.jitter * self.rng.random())
