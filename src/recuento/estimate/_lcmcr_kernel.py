"""One chain of the LCMCR Gibbs sampler, on the aggregated table.

Hand-written because no maintained Python library implements this model (the reference
implementation is the R package LCMCR, whose GPL source is not used here: everything below
follows the full conditionals derived in docs/lcmcr.md from Manrique-Vallier (2016)).

The state of a chain is the list-capture probabilities ``lam`` (J x K), the log class
weights ``log_pi`` (K) and the concentration ``alpha``. One sweep draws, in this order:

1. the class counts of every observed cell, a multinomial per cell;
2. jointly, the number of people no list recorded, ``n0`` (negative binomial, truncated at
   ``N0_CAP_RATIO`` times the number observed) and their class counts (a multinomial);
3. ``lam`` from Beta distributions;
4. the stick-breaking weights, in log space so that tiny classes never underflow;
5. ``alpha`` from its Gamma conditional.

The cost of a sweep depends on the number of distinct observed patterns, the number of
classes and the number of lists, never on the number of people.

Lists named as dependent (``fit_lcmcr(dependent=...)``, docs/lcmcr.md "Lists that depend
on one another") are merged into one variable per group, with 2^|group| levels and, within a
class, a free distribution over them (Dirichlet(1, ..., 1) prior) instead of independent
Bernoulli draws. :func:`numpy_block_sweeps` and :func:`initial_block_state` are the sweep and
start of that model; the state's ``lam`` is then ``theta``, shaped (variables, levels, K).
With every group of one list the block model is LCMCR itself (a Dirichlet(1, 1) is a
Beta(1, 1)), drawn in a different order, so not with the same draws for a seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

#: The number of people no list recorded is truncated at this multiple of the number
#: recorded (N <= (1 + N0_CAP_RATIO) * n), as in the reference implementation. Posterior
#: mass close to the cap is reported as a warning by :func:`recuento.estimate.lcmcr.fit_lcmcr`.
N0_CAP_RATIO = 20

#: Sweeps at the start of the burn-in that keep alpha fixed and, at their end, relabel the
#: classes by decreasing size (a start-up device only: it is never used after burn-in).
WARMUP_SWEEPS = 500

_EPS = 1e-12


def _log_gamma_draws(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """Draw log(G) for G ~ Gamma(shape, 1), stable for very small shapes.

    For shape < 1 it uses Gamma(s) = Gamma(s + 1) * U^(1/s) (Marsaglia & Tsang 2000), on the
    log scale, so that a draw is never rounded to zero.
    """
    small = shape < 1.0
    g = rng.standard_gamma(shape + small)
    out = np.log(g)
    if small.any():
        u = rng.random(shape.shape)
        out = out + np.where(small, np.log(u) / np.where(small, shape, 1.0), 0.0)
    return out


def _stick_breaking(
    rng: np.random.Generator, class_sizes: np.ndarray, alpha: float
) -> tuple[np.ndarray, float]:
    """Draw the log class weights given the class sizes (step 4).

    V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l) for k < K, V_K = 1,
    pi_k = V_k prod_{l<k} (1 - V_l). Returns (log pi, sum_{k<K} log(1 - V_k)).
    """
    k = class_sizes.shape[0]
    if k == 1:
        return np.zeros(1), 0.0
    tail = np.cumsum(class_sizes[::-1])[::-1]  # tail[k] = sum_{l>=k} n_l
    shape1 = 1.0 + class_sizes[:-1]
    shape2 = alpha + tail[1:]
    lg = _log_gamma_draws(rng, np.concatenate([shape1, shape2]))
    g1, g2 = lg[: k - 1], lg[k - 1 :]
    norm = np.logaddexp(g1, g2)
    log_v = g1 - norm
    log_1mv = g2 - norm
    cum = np.concatenate([[0.0], np.cumsum(log_1mv)])
    log_pi = np.concatenate([log_v + cum[:-1], [cum[-1]]])
    return log_pi, float(cum[-1])


def _truncated_negbin(rng: np.random.Generator, size: int, p: float, cap: int) -> int:
    """Draw from NegBin(size, p) (failures before ``size`` successes) restricted to <= cap."""
    if p >= 1.0:
        return 0
    if p > 1e-9:
        for _ in range(20):
            x = int(rng.negative_binomial(size, p))
            if x <= cap:
                return x
    # Nearly all the mass is above the cap, so the truncated law piles up just below it.
    # Walk down from the cap with the pmf ratios P(x-1)/P(x) = x / ((x + size - 1)(1 - p)),
    # over a window that doubles until the weights have fallen below 1e-15 of the top.
    log_q = np.log1p(-p)
    window = 256
    while True:
        below = np.arange(cap, max(cap - window, 0), -1, dtype=float)  # cap, cap-1, ...
        log_ratio = np.log(below) - np.log(below + size - 1.0) - log_q
        log_w = np.concatenate([[0.0], np.cumsum(log_ratio)])  # cap .. cap - len(below)
        if log_w.max() > 0.0:
            log_w -= log_w.max()
        if cap - window <= 0 or log_w[-1] < np.log(1e-15):
            break
        window *= 2
    w = np.exp(log_w)
    pick = int(np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right"))
    return cap - min(pick, w.size - 1)


def _normalise_rows(log_w: np.ndarray) -> np.ndarray:
    w = np.exp(log_w - log_w.max(axis=-1, keepdims=True))
    return w / w.sum(axis=-1, keepdims=True)


def _unobserved(
    rng: np.random.Generator, log_miss: np.ndarray, n: int, cap: int
) -> tuple[int, np.ndarray]:
    """Step 2: n0 and the class counts of the unobserved, given log(pi_k P(unseen | k))."""
    top = log_miss.max()
    log_pi0 = top + np.log(np.exp(log_miss - top).sum())
    n0 = _truncated_negbin(rng, n, float(-np.expm1(min(log_pi0, 0.0))), cap)
    return n0, rng.multinomial(n0, _normalise_rows(log_miss))


def _weights_alpha_and_store(
    rng: np.random.Generator,
    class_sizes: np.ndarray,
    log_pi: np.ndarray,
    alpha: float,
    a: float,
    b: float,
    update_alpha: bool,
    n0: int,
    out: np.ndarray,
    done: int,
    thin: int,
) -> float:
    """Steps 4 and 5 (``log_pi`` in place), then n0 stored when sweep ``done`` is kept."""
    new_log_pi, sum_log_1mv = _stick_breaking(rng, class_sizes, alpha)
    log_pi[:] = new_log_pi
    if update_alpha:
        alpha = float(rng.gamma(a + log_pi.shape[0] - 1, 1.0 / (b - sum_log_1mv)))
    if done % thin == 0:
        slot = done // thin - 1
        if 0 <= slot < out.shape[0]:
            out[slot] = n0
    return alpha


def initial_state(
    x: np.ndarray, counts: np.ndarray, n_classes: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, float]:
    """A dispersed start: capture probabilities scattered around each list's share of the
    observed people, class weights drawn from the prior with alpha = 1."""
    share = (x * counts[:, None]).sum(axis=0) / counts.sum()
    lam = np.clip(share[:, None] * rng.uniform(0.5, 1.5, size=(x.shape[1], n_classes)), 0.02, 0.98)
    log_pi, _ = _stick_breaking(rng, np.zeros(n_classes), 1.0)
    return lam, log_pi, 1.0


def numpy_sweeps(
    x: np.ndarray,
    counts: np.ndarray,
    lam: np.ndarray,
    log_pi: np.ndarray,
    alpha: float,
    a: float,
    b: float,
    n_sweeps: int,
    update_alpha: bool,
    thin: int,
    out: np.ndarray,
    start: int,
    cap: int,
    rng: np.random.Generator,
) -> tuple[float, np.ndarray]:
    """``n_sweeps`` sweeps with numpy; same arguments and effects as the compiled ``sweeps``.

    ``lam`` (J x K) and ``log_pi`` (K) are updated in place; the draw of n0 after sweep
    ``start + it + 1`` is stored in ``out[(start + it + 1) // thin - 1]`` when that sweep
    count is a multiple of ``thin`` and the slot exists. Returns (alpha, class sizes of the
    last sweep).
    """
    not_x = 1.0 - x
    n = int(counts.sum())
    k = lam.shape[1]
    class_sizes = np.zeros(k)
    for it in range(n_sweeps):
        log_lam = np.log(lam)
        log_1mlam = np.log1p(-lam)
        # 1. class counts of the observed cells
        prob = _normalise_rows(x @ log_lam + not_x @ log_1mlam + log_pi)
        cell_class = rng.multinomial(counts, prob)
        # 2. unobserved people and their classes
        n0, miss_class = _unobserved(rng, log_pi + log_1mlam.sum(axis=0), n, cap)
        # 3. capture probabilities
        class_sizes = (cell_class.sum(axis=0) + miss_class).astype(float)
        captured = x.T @ cell_class
        lam[:, :] = np.clip(rng.beta(1.0 + captured, 1.0 + class_sizes - captured), _EPS, 1 - _EPS)
        # 4. class weights; 5. concentration
        alpha = _weights_alpha_and_store(
            rng, class_sizes, log_pi, alpha, a, b, update_alpha, n0, out, start + it + 1, thin
        )
    return alpha, class_sizes


def block_variables(n_lists: int, groups: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
    """The variables of :func:`encode_blocks`: each group (its lists in increasing order)
    and each other list, in the order of their first list."""
    of_list = {j: tuple(sorted(g)) for g in groups for j in g}
    out: list[tuple[int, ...]] = []
    for j in range(n_lists):
        v = of_list.get(j, (j,))
        if v not in out:
            out.append(v)
    return out


def encode_blocks(x: np.ndarray, groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """The capture patterns as one code per variable: a group of lists is one variable.

    Args:
        x: (C, J) 0/1 capture patterns.
        groups: disjoint groups of list columns (each of two lists or more); every other
            list is a variable of its own.

    Returns:
        (codes, levels): ``codes`` (C, V) with the level of each variable, in the order of
        each variable's first list; a group's level is ``sum_i x[:, g_i] << i`` over its
        lists in increasing order, so level 0 is "on none of the group's lists";
        ``levels`` (V,) is 2^|variable|.
    """
    x = np.asarray(x).astype(np.int64)
    variables = block_variables(x.shape[1], groups)
    codes = np.stack([sum(x[:, j] << i for i, j in enumerate(v)) for v in variables], axis=1)
    levels = np.array([1 << len(v) for v in variables], dtype=np.int64)
    return np.ascontiguousarray(codes, dtype=np.int64), levels


def initial_block_state(
    codes: np.ndarray,
    levels: np.ndarray,
    counts: np.ndarray,
    n_classes: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, float]:
    """A dispersed start of the block model, as :func:`initial_state`: each variable's level
    shares among the observed people, scattered per class, at least 0.02 before
    normalising; class weights from the prior with alpha = 1. ``theta`` is (V, max L, K),
    zero past a variable's own levels."""
    n_vars, top = codes.shape[1], int(levels.max())
    theta = np.zeros((n_vars, top, n_classes))
    for v in range(n_vars):
        share = np.bincount(codes[:, v], weights=counts, minlength=levels[v]) / counts.sum()
        scattered = share[:, None] * rng.uniform(0.5, 1.5, size=(levels[v], n_classes))
        scattered = np.maximum(scattered, 0.02)
        theta[v, : levels[v]] = scattered / scattered.sum(axis=0)
    log_pi, _ = _stick_breaking(rng, np.zeros(n_classes), 1.0)
    return theta, log_pi, 1.0


def numpy_block_sweeps(
    codes: np.ndarray,
    counts: np.ndarray,
    theta: np.ndarray,
    log_pi: np.ndarray,
    alpha: float,
    a: float,
    b: float,
    n_sweeps: int,
    update_alpha: bool,
    thin: int,
    out: np.ndarray,
    start: int,
    cap: int,
    rng: np.random.Generator,
    levels: np.ndarray,
) -> tuple[float, np.ndarray]:
    """``n_sweeps`` sweeps of the block model with numpy (as :func:`numpy_sweeps`).

    The same five steps, with step 3 drawing each variable's level probabilities in each
    class from Dirichlet(1 + the class's count of each level), by normalised Gamma draws.
    ``theta`` (V, max L, K) is updated in place.
    """
    n = int(counts.sum())
    n_vars = codes.shape[1]
    k = theta.shape[2]
    one_hot = [np.eye(int(levels[v]))[codes[:, v]] for v in range(n_vars)]  # (C, L_v)
    class_sizes = np.zeros(k)
    for it in range(n_sweeps):
        with np.errstate(divide="ignore"):
            log_theta = np.log(theta)
        # 1. class counts of the observed cells
        log_cell = log_pi + sum(log_theta[v, codes[:, v], :] for v in range(n_vars))
        cell_class = rng.multinomial(counts, _normalise_rows(log_cell))
        # 2. unobserved people (level 0 of every variable) and their classes
        n0, miss_class = _unobserved(rng, log_pi + log_theta[:, 0, :].sum(axis=0), n, cap)
        # 3. level probabilities of every variable in every class
        class_sizes = (cell_class.sum(axis=0) + miss_class).astype(float)
        for v in range(n_vars):
            level_counts = one_hot[v].T @ cell_class  # (L_v, K)
            level_counts[0] += miss_class
            g = rng.standard_gamma(1.0 + level_counts)
            theta[v, : levels[v]] = np.maximum(g / g.sum(axis=0), _EPS)
        # 4. class weights; 5. concentration
        alpha = _weights_alpha_and_store(
            rng, class_sizes, log_pi, alpha, a, b, update_alpha, n0, out, start + it + 1, thin
        )
    return alpha, class_sizes


class Chain:
    """One chain of the sampler: its state, and sweeps that continue from it.

    The state is the capture probabilities ``lam``, the log class weights ``log_pi`` and
    alpha (the class counts are redrawn from them at every sweep). :meth:`burn_in` runs the
    warm-up and burn-in; every call of :meth:`draw` continues the same chain, so a chain
    that mixed too slowly can be run longer without starting again.

    Args:
        patterns: (C, J) 0/1 array of observed, distinct, non-zero capture patterns.
        counts: (C,) positive integer counts of those patterns.
        n_classes: K*, the truncation level of the stick-breaking prior.
        a: Shape of the Gamma prior on alpha.
        b: Rate of the Gamma prior on alpha.
        rng: The chain's own generator.
        sweeps: The compiled sweep function of :mod:`._lcmcr_numba`, or None for numpy
            (with ``groups``: its block sweep).
        tick: Called with the number of sweeps done since the previous call, now and then.
        block: Sweeps between calls of ``tick``.
        groups: Groups of dependent list columns (see :func:`encode_blocks`); with them
            the chain samples the block model and ``lam`` is its ``theta``.
    """

    def __init__(
        self,
        patterns: np.ndarray,
        counts: np.ndarray,
        *,
        n_classes: int,
        a: float,
        b: float,
        rng: np.random.Generator,
        sweeps: Callable[..., Any] | None = None,
        tick: Callable[[int], None] | None = None,
        block: int = 1000,
        groups: Sequence[Sequence[int]] = (),
    ) -> None:
        self._counts = np.ascontiguousarray(counts, dtype=np.int64)
        self._levels: np.ndarray | None = None
        self._sweeps: Callable[..., Any]
        if groups:
            self._x, self._levels = encode_blocks(patterns, groups)
            self._sweeps = numpy_block_sweeps if sweeps is None else sweeps
            lam, log_pi, self.alpha = initial_block_state(
                self._x, self._levels, self._counts, n_classes, rng
            )
        else:
            if sweeps is None:
                self._x = np.asarray(patterns, dtype=float)
                self._sweeps = numpy_sweeps
            else:
                self._x = np.ascontiguousarray(patterns, dtype=np.int64)
                self._sweeps = sweeps
            lam, log_pi, self.alpha = initial_state(
                np.asarray(patterns, dtype=float), self._counts, n_classes, rng
            )
        self._cap = N0_CAP_RATIO * int(self._counts.sum())
        self._a, self._b = float(a), float(b)
        self._rng = rng
        self._tick = tick
        self._block = max(1, int(block))
        self.lam = np.ascontiguousarray(lam)
        self.log_pi = np.ascontiguousarray(log_pi)

    def _run(self, n_sweeps: int, update_alpha: bool, thin: int, out: np.ndarray) -> np.ndarray:
        done = 0
        sizes = np.zeros(self.lam.shape[-1])
        extra = () if self._levels is None else (self._levels,)
        while done < n_sweeps:
            step = min(self._block, n_sweeps - done)
            self.alpha, sizes = self._sweeps(
                self._x,
                self._counts,
                self.lam,
                self.log_pi,
                self.alpha,
                self._a,
                self._b,
                step,
                update_alpha,
                thin,
                out,
                done,
                self._cap,
                self._rng,
                *extra,
            )
            done += step
            if self._tick is not None:
                self._tick(step)
        return np.asarray(sizes)

    def burn_in(self, burnin: int) -> None:
        """Warm-up (alpha held, then classes relabelled by size) and the rest of the burn-in."""
        warm = min(WARMUP_SWEEPS, burnin)
        nothing = np.empty(0, dtype=np.int64)
        if warm > 0:
            sizes = self._run(warm, False, 1, nothing)
            order = np.argsort(-sizes, kind="stable")
            self.lam[...] = self.lam[..., order]
            self.log_pi[:] = self.log_pi[order]
        if burnin > warm:
            self._run(burnin - warm, True, 1, nothing)

    def draw(self, samples: int, thin: int) -> np.ndarray:
        """Continue the chain for ``samples * thin`` sweeps; the n0 of every ``thin``-th."""
        out = np.empty(samples, dtype=np.int64)
        self._run(samples * thin, True, thin, out)
        return out
