"""The LCMCR sweep compiled with numba (optional, about 10 times faster than numpy).

Same full conditionals, same order and same start as :mod:`recuento.estimate._lcmcr_kernel`
(see docs/lcmcr.md); written as explicit loops because each sweep handles arrays of a few
dozen numbers, where numpy's per-call overhead dominates. Draws come from the chain's own
``np.random.Generator``, which numba drives directly. The two kernels give the same posterior
but not the same draws for a seed, so a fit records which one ran (``settings["kernel"]``).

Importing this module raises ImportError when numba is not installed; the caller falls back
to the numpy kernel.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

_EPS = 1e-12

njit = numba.njit(cache=True, nogil=True)


@njit
def log_gamma_draw(rng: Any, shape: float) -> float:
    # Gamma(s) = Gamma(s + 1) U^(1/s) for s < 1, on the log scale (never rounds to 0).
    if shape < 1.0:
        return math.log(rng.standard_gamma(shape + 1.0)) + math.log(rng.random()) / shape
    return math.log(rng.standard_gamma(shape))


@njit
def multinomial(rng: Any, total: int, prob: np.ndarray, out: np.ndarray) -> None:
    # Conditional binomials, as numpy's own multinomial.
    left = total
    mass = 1.0
    k = prob.shape[0]
    for i in range(k):
        out[i] = 0
    for i in range(k - 1):
        if left <= 0:
            return
        share = prob[i] / mass if mass > 0.0 else 1.0
        share = min(max(share, 0.0), 1.0)
        draw = rng.binomial(left, share)
        out[i] = draw
        left -= draw
        mass -= prob[i]
    out[k - 1] = left


@njit
def truncated_negbin(rng: Any, size: int, p: float, cap: int) -> int:
    if p >= 1.0:
        return 0
    if p > 1e-9:
        for _ in range(20):
            x = rng.negative_binomial(size, p)
            if x <= cap:
                return x
    # Nearly all the mass is above the cap: the truncated law piles up just below it.
    # Walk down from the cap with pmf ratios P(x-1)/P(x) = x / ((x + size - 1)(1 - p)), on
    # the log scale, until the weights fall below 1e-15 of the largest.
    log_q = math.log1p(-p)
    log_w = np.empty(cap + 1)
    top = 0.0
    lw = 0.0
    x = cap
    while True:
        log_w[x] = lw
        top = max(top, lw)
        if x == 0 or lw < top - 34.6:
            break
        lw += math.log(x) - math.log(x + size - 1.0) - log_q
        x -= 1
    total = 0.0
    for y in range(x, cap + 1):
        total += math.exp(log_w[y] - top)
    u = rng.random() * total
    acc = 0.0
    for y in range(cap, x, -1):
        acc += math.exp(log_w[y] - top)
        if acc >= u:
            return y
    return x


@njit
def stick_breaking(rng: Any, sizes: np.ndarray, alpha: float, log_pi: np.ndarray) -> float:
    k = sizes.shape[0]
    tail = 0.0
    tails = np.empty(k)
    for i in range(k - 1, -1, -1):
        tails[i] = tail  # sum of sizes of the classes after i
        tail += sizes[i]
    cum = 0.0
    for i in range(k - 1):
        g1 = log_gamma_draw(rng, 1.0 + sizes[i])
        g2 = log_gamma_draw(rng, alpha + tails[i])
        top = max(g1, g2)
        norm = top + math.log(math.exp(g1 - top) + math.exp(g2 - top))
        log_pi[i] = g1 - norm + cum
        cum += g2 - norm
    log_pi[k - 1] = cum
    return cum


@njit
def normalise(prob: np.ndarray) -> float:
    # prob holds log weights; make it probabilities, return the log of the weights' sum.
    k = prob.shape[0]
    top = -np.inf
    for h in range(k):
        top = max(top, prob[h])
    total = 0.0
    for h in range(k):
        prob[h] = math.exp(prob[h] - top)
        total += prob[h]
    for h in range(k):
        prob[h] /= total
    return top + math.log(total)


@njit
def unobserved(rng: Any, prob: np.ndarray, n: int, cap: int, draw: np.ndarray) -> int:
    # Step 2. prob holds log(pi_k P(unseen | k)); n0, and its class counts into draw.
    log_pi0 = min(normalise(prob), 0.0)
    n0 = truncated_negbin(rng, n, -math.expm1(log_pi0), cap)
    multinomial(rng, n0, prob, draw)
    return n0


@njit
def weights_alpha_and_store(
    rng: Any,
    sizes: np.ndarray,
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
    # Steps 4 and 5, then n0 stored when sweep `done` is kept.
    sum_log_1mv = stick_breaking(rng, sizes, alpha, log_pi)
    if update_alpha:
        alpha = rng.gamma(a + log_pi.shape[0] - 1.0, 1.0 / (b - sum_log_1mv))
    if done % thin == 0:
        slot = done // thin - 1
        if 0 <= slot < out.shape[0]:
            out[slot] = n0
    return alpha


@njit
def sweeps(
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
    rng: Any,
) -> tuple[float, np.ndarray]:
    n_cells, n_lists = x.shape
    k = lam.shape[1]
    n = 0
    for c in range(n_cells):
        n += counts[c]
    log_lam = np.empty((n_lists, k))
    log_1mlam = np.empty((n_lists, k))
    prob = np.empty(k)
    cell_draw = np.zeros(k, dtype=np.int64)
    sizes = np.zeros(k)
    captured = np.zeros((n_lists, k))
    for it in range(n_sweeps):
        for j in range(n_lists):
            for h in range(k):
                log_lam[j, h] = math.log(lam[j, h])
                log_1mlam[j, h] = math.log1p(-lam[j, h])
        sizes[:] = 0.0
        captured[:, :] = 0.0
        # 1. class counts of the observed cells
        for c in range(n_cells):
            for h in range(k):
                s = log_pi[h]
                for j in range(n_lists):
                    s += log_lam[j, h] if x[c, j] else log_1mlam[j, h]
                prob[h] = s
            normalise(prob)
            multinomial(rng, counts[c], prob, cell_draw)
            for h in range(k):
                sizes[h] += cell_draw[h]
                for j in range(n_lists):
                    if x[c, j]:
                        captured[j, h] += cell_draw[h]
        # 2. unobserved people and their classes
        for h in range(k):
            s = log_pi[h]
            for j in range(n_lists):
                s += log_1mlam[j, h]
            prob[h] = s
        n0 = unobserved(rng, prob, n, cap, cell_draw)
        for h in range(k):
            sizes[h] += cell_draw[h]
        # 3. capture probabilities
        for j in range(n_lists):
            for h in range(k):
                v = rng.beta(1.0 + captured[j, h], 1.0 + sizes[h] - captured[j, h])
                lam[j, h] = min(max(v, _EPS), 1.0 - _EPS)
        # 4. class weights; 5. concentration
        alpha = weights_alpha_and_store(
            rng, sizes, log_pi, alpha, a, b, update_alpha, n0, out, start + it + 1, thin
        )
    return alpha, sizes


@njit
def block_sweeps(
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
    rng: Any,
    levels: np.ndarray,
) -> tuple[float, np.ndarray]:
    # The block model of _lcmcr_kernel.numpy_block_sweeps: a variable per group of lists,
    # with a Dirichlet(1, ..., 1) distribution over its levels in every class.
    n_cells, n_vars = codes.shape
    top_level = theta.shape[1]
    k = theta.shape[2]
    n = 0
    for c in range(n_cells):
        n += counts[c]
    log_theta = np.empty((n_vars, top_level, k))
    prob = np.empty(k)
    cell_draw = np.zeros(k, dtype=np.int64)
    sizes = np.zeros(k)
    level_counts = np.zeros((n_vars, top_level, k))
    gammas = np.empty(top_level)
    for it in range(n_sweeps):
        for v in range(n_vars):
            for lv in range(levels[v]):
                for h in range(k):
                    log_theta[v, lv, h] = math.log(theta[v, lv, h])
        sizes[:] = 0.0
        level_counts[:, :, :] = 0.0
        # 1. class counts of the observed cells
        for c in range(n_cells):
            for h in range(k):
                s = log_pi[h]
                for v in range(n_vars):
                    s += log_theta[v, codes[c, v], h]
                prob[h] = s
            normalise(prob)
            multinomial(rng, counts[c], prob, cell_draw)
            for h in range(k):
                sizes[h] += cell_draw[h]
                for v in range(n_vars):
                    level_counts[v, codes[c, v], h] += cell_draw[h]
        # 2. unobserved people (level 0 of every variable) and their classes
        for h in range(k):
            s = log_pi[h]
            for v in range(n_vars):
                s += log_theta[v, 0, h]
            prob[h] = s
        n0 = unobserved(rng, prob, n, cap, cell_draw)
        for h in range(k):
            sizes[h] += cell_draw[h]
            for v in range(n_vars):
                level_counts[v, 0, h] += cell_draw[h]
        # 3. level probabilities: Dirichlet(1 + counts) by normalised Gamma draws
        for v in range(n_vars):
            for h in range(k):
                total = 0.0
                for lv in range(levels[v]):
                    gammas[lv] = rng.standard_gamma(1.0 + level_counts[v, lv, h])
                    total += gammas[lv]
                for lv in range(levels[v]):
                    theta[v, lv, h] = max(gammas[lv] / total, _EPS)
        # 4. class weights; 5. concentration
        alpha = weights_alpha_and_store(
            rng, sizes, log_pi, alpha, a, b, update_alpha, n0, out, start + it + 1, thin
        )
    return alpha, sizes


def load() -> Callable[..., Any]:
    """The compiled sweep function (compiled on first use, then cached on disk)."""
    return sweeps


def load_blocks() -> Callable[..., Any]:
    """The compiled sweep of the block model (lists named as dependent)."""
    return block_sweeps
