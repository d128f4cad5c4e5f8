"""A synthetic research landscape: configurations of knobs, a true quality, noisy experiments.

A *configuration* sets each of ``n_knobs`` knobs to one of ``n_levels`` levels (an int array of
shape ``(n_knobs,)``). Its true quality has three parts:

* **known pieces** — an additive effect per knob level and a few pairwise interactions. This
  smooth part is what combining known good settings can reach; its best configuration is the
  *gap-filling optimum*;
* **spikes** — a few isolated configurations whose quality is ``spike_gap`` above the
  gap-filling optimum. Their neighbours carry no hint of them, and a judge that knows only the
  known pieces cannot see them: they stand for a discovery beyond the closure of what is known.

An *experiment* on a configuration costs one unit of compute and returns the true quality plus
Gaussian noise of standard deviation ``noise``. The smooth part is scaled to standard deviation 1
over all configurations, so ``noise`` is in units of the spread of ideas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, product

import numpy as np


@dataclass
class ResearchLandscape:
    """One seeded landscape.

    Parameters
    ----------
    seed
        Draws the effects, interactions and spikes.
    n_knobs, n_levels
        The space has ``n_levels ** n_knobs`` configurations.
    interaction_share
        Share of knob pairs that interact.
    n_spikes, spike_gap
        Number of isolated spikes and how far (in quality units) they stand above the
        gap-filling optimum.
    """

    seed: int
    n_knobs: int = 6
    n_levels: int = 4
    interaction_share: float = 0.3
    n_spikes: int = 2
    spike_gap: float = 1.5
    additive: np.ndarray = field(init=False, repr=False)
    interactions: dict = field(init=False, repr=False)
    spikes: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.n_knobs < 2 or self.n_levels < 2:
            raise ValueError("a landscape needs at least 2 knobs with at least 2 levels each")
        if self.n_levels**self.n_knobs > 200_000:
            raise ValueError("keep n_levels ** n_knobs under 200,000 configurations")
        if not 0.0 <= self.interaction_share <= 1.0:
            raise ValueError(f"interaction_share must lie in [0, 1], got {self.interaction_share}")
        if self.n_spikes < 0 or self.spike_gap < 0:
            raise ValueError("n_spikes and spike_gap must be non-negative")
        rng = np.random.default_rng([self.seed, 11])
        self.additive = rng.normal(0.0, 1.0, (self.n_knobs, self.n_levels))
        self.interactions = {
            pair: rng.normal(0.0, 0.7, (self.n_levels, self.n_levels))
            for pair in combinations(range(self.n_knobs), 2)
            if rng.random() < self.interaction_share
        }
        every = self.all_configs()
        raw = self._raw_smooth(every)
        self._center, self._scale = raw.mean(), raw.std()
        smooth = (raw - self._center) / self._scale
        self._smooth_best = float(smooth.max())
        self._smooth_argmax = every[int(smooth.argmax())]
        # Spikes: isolated configurations, never the gap-filling optimum itself.
        candidates = np.flatnonzero(smooth < np.quantile(smooth, 0.9))
        chosen = rng.choice(candidates, size=self.n_spikes, replace=False)
        self.spikes = every[np.sort(chosen)]

    @property
    def n_configs(self) -> int:
        return self.n_levels**self.n_knobs

    def all_configs(self) -> np.ndarray:
        """Every configuration, shape ``(n_configs, n_knobs)``."""
        return np.array(list(product(range(self.n_levels), repeat=self.n_knobs)), dtype=int)

    def random_configs(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` configurations drawn uniformly, shape ``(n, n_knobs)``."""
        return rng.integers(0, self.n_levels, (n, self.n_knobs))

    def _check(self, configs: np.ndarray) -> np.ndarray:
        configs = np.asarray(configs)
        if configs.ndim == 1:
            configs = configs[None, :]
        if configs.ndim != 2 or configs.shape[1] != self.n_knobs:
            raise ValueError(
                f"configurations must have shape (n, {self.n_knobs}), got {configs.shape}"
            )
        if (
            not np.issubdtype(configs.dtype, np.integer)
            or configs.min() < 0
            or configs.max() >= self.n_levels
        ):
            raise ValueError(f"every knob level must be an integer in 0..{self.n_levels - 1}")
        return configs

    def _raw_smooth(self, configs: np.ndarray) -> np.ndarray:
        knobs = np.arange(self.n_knobs)
        value = self.additive[knobs, configs].sum(axis=1)
        for (i, j), table in self.interactions.items():
            value = value + table[configs[:, i], configs[:, j]]
        return value

    def known_quality(self, configs: np.ndarray) -> np.ndarray:
        """The part of the quality that known pieces explain (no spikes), shape ``(n,)``."""
        configs = self._check(configs)
        return (self._raw_smooth(configs) - self._center) / self._scale

    def is_spike(self, configs: np.ndarray) -> np.ndarray:
        """Whether each configuration is a spike, bool array of shape ``(n,)``."""
        configs = self._check(configs)
        return (configs[:, None, :] == self.spikes[None, :, :]).all(axis=2).any(axis=1)

    def quality(self, configs: np.ndarray) -> np.ndarray:
        """True quality of each configuration, shape ``(n,)``."""
        configs = self._check(configs)
        known = self.known_quality(configs)
        spike_value = self._smooth_best + self.spike_gap
        return np.where(self.is_spike(configs), spike_value, known)

    @property
    def gap_filling_optimum(self) -> float:
        """The best quality reachable by combining known pieces (the smooth part's maximum)."""
        return self._smooth_best

    @property
    def gap_filling_config(self) -> np.ndarray:
        """The configuration of the gap-filling optimum, shape ``(n_knobs,)``."""
        return self._smooth_argmax.copy()

    def experiment(
        self, configs: np.ndarray, noise: float, rng: np.random.Generator, replicates: int = 1
    ) -> np.ndarray:
        """Noisy measurements: shape ``(n, replicates)``; each one costs one unit of compute."""
        if noise < 0:
            raise ValueError(f"noise must be non-negative, got {noise}")
        if replicates < 1:
            raise ValueError(f"replicates must be at least 1, got {replicates}")
        truth = self.quality(configs)
        return truth[:, None] + rng.normal(0.0, noise, (len(truth), replicates))

    def judge(self, configs: np.ndarray, rho: float, rng: np.random.Generator) -> np.ndarray:
        """A cheap proxy score correlated ``rho`` with the known quality, shape ``(n,)``.

        The judge sees only the known pieces: ``rho * known + sqrt(1 - rho²) * N(0, 1)``. Over
        uniformly drawn configurations its correlation with the known quality is ``rho``; it
        cannot see a spike.
        """
        if not -1.0 <= rho <= 1.0:
            raise ValueError(f"rho must lie in [-1, 1], got {rho}")
        known = self.known_quality(configs)
        return rho * known + np.sqrt(1.0 - rho**2) * rng.normal(0.0, 1.0, len(known))
