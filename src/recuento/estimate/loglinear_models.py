"""Hierarchical log-linear models for capture histories: naming, enumeration, designs.

A hierarchical model for J lists is given by its *generating class*: the maximal
interaction terms it contains. Every model here contains the intercept and all main
effects; the J-way interaction is never included (it is not estimable, since the cell
that would identify it is the unobserved one). Rcapture's notation is used for names:
``[123,14,34]`` is the model whose generators are lists {1,2,3}, {1,4} and {3,4} (lists
numbered from 1 in column order); a main effect that is in no interaction is written
alone (``[12,3]``). With 10 or more lists the list numbers are separated by dots
(``[1.10,2,...]``).

Terms are bit masks (list *j* is bit *j*), as are cells (see :mod:`.histories`). The
design column of term *t* is 1 on cell *c* when every list of *t* recorded the cell's
people, i.e. ``c & t == t``.

Enumeration follows the search of Rcapture's ``closedpMS.t``: every hierarchical model
with interactions up to order J - 1 (113 models for 4 lists, 6,893 for 5). The number
grows super-exponentially (it is a Dedekind-type count), so beyond
:data:`MAX_EXHAUSTIVE_LISTS` lists recuento searches stepwise instead (see
:mod:`.loglinear_search`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

import numpy as np

from recuento.errors import EstimationError

MAX_EXHAUSTIVE_LISTS = 5


def popcount(x: int) -> int:
    """Number of lists in a term (bits set in a mask)."""
    return bin(x).count("1")


@dataclass(frozen=True)
class HierarchicalModel:
    """A hierarchical log-linear model with all main effects.

    Attributes:
        n_lists: J.
        interactions: the interaction terms (masks with 2 or more bits), closed under
            taking subsets of size >= 2, sorted by (order, mask).
    """

    n_lists: int
    interactions: tuple[int, ...]

    @classmethod
    def from_generators(
        cls, n_lists: int, generators: Sequence[Sequence[int]]
    ) -> HierarchicalModel:
        """Build a model from generators given as 0-based list indices."""
        terms: set[int] = set()
        for g in generators:
            members = sorted(set(g))
            if any(j < 0 or j >= n_lists for j in members):
                raise EstimationError(f"model term {list(g)} names a list outside 1..{n_lists}")
            for k in range(2, len(members) + 1):
                for sub in combinations(members, k):
                    terms.add(sum(1 << j for j in sub))
        full = (1 << n_lists) - 1
        if full in terms and n_lists > 1:
            raise EstimationError(
                f"the {n_lists}-way interaction cannot be estimated (it would need the "
                "unobserved cell); leave it out of the model"
            )
        return cls(n_lists, tuple(sorted(terms, key=lambda t: (popcount(t), t))))

    @property
    def terms(self) -> tuple[int, ...]:
        """All columns of the design: intercept (0), main effects, then interactions."""
        return (0, *(1 << j for j in range(self.n_lists)), *self.interactions)

    @property
    def n_params(self) -> int:
        """Number of parameters (columns of the design)."""
        return 1 + self.n_lists + len(self.interactions)

    def generators(self) -> list[int]:
        """Maximal terms (including main effects in no interaction), in name order."""
        return list(self._generators)

    @cached_property
    def _generators(self) -> tuple[int, ...]:
        inter = self.interactions
        mains = [1 << j for j in range(self.n_lists) if not any(u & (1 << j) for u in inter)]
        maximal = mains + [t for t in inter if not any(t != u and t & u == t for u in inter)]
        return tuple(sorted(maximal, key=lambda t: (-popcount(t), _digits(t))))

    @cached_property
    def name(self) -> str:
        """Rcapture-style name, e.g. ``[123,14,34]``."""
        sep = "." if self.n_lists >= 10 else ""
        parts = [sep.join(str(j + 1) for j in _digits(t)) for t in self.generators()]
        return "[" + ",".join(parts) + "]"

    def describe(self, lists: Sequence[str]) -> str:
        """The model with list names, e.g. ``EXH*ABA*OSCE + EXH*HRW + OSCE*HRW``."""
        parts = ["*".join(lists[j] for j in _digits(t)) for t in self.generators()]
        return " + ".join(parts)


def _digits(t: int) -> list[int]:
    return [j for j in range(t.bit_length()) if t >> j & 1]


def parse_model_name(name: str, n_lists: int) -> HierarchicalModel:
    """Read an Rcapture-style model name such as ``[123,14,34]`` (lists numbered from 1).

    Raises:
        EstimationError: the name is not of that form or names a list that does not exist.
    """
    text = name.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    generators: list[list[int]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            idx = (
                [int(d) - 1 for d in part.split(".")]
                if "." in part or n_lists >= 10
                else [int(d) - 1 for d in part]
            )
        except ValueError as e:
            raise EstimationError(
                f"model {name!r}: {part!r} is not a term; write terms as list numbers, "
                "e.g. [123,14,34]"
            ) from e
        generators.append(idx)
    return HierarchicalModel.from_generators(n_lists, generators)


def enumerate_hierarchical(
    n_lists: int, max_order: int | None = None
) -> Iterator[HierarchicalModel]:
    """Yield every hierarchical model with all main effects and interactions up to max_order.

    ``max_order`` defaults to J - 1, as in Rcapture's ``closedpMS.t``. The search decides,
    for each candidate interaction in order of increasing size, whether to include it;
    a term of order 3 or more is allowed only when all its sub-terms of order >= 2 are
    in, so every leaf of the search is a distinct hierarchical model.

    Raises:
        EstimationError: more than :data:`MAX_EXHAUSTIVE_LISTS` lists (the count explodes:
            J = 6 already has millions of models).
    """
    if n_lists > MAX_EXHAUSTIVE_LISTS:
        raise EstimationError(
            f"an exhaustive search over hierarchical models is not feasible for {n_lists} "
            f"lists; recuento searches stepwise beyond {MAX_EXHAUSTIVE_LISTS} lists"
        )
    top = n_lists - 1 if max_order is None else min(max_order, n_lists - 1)
    candidates = [
        sum(1 << j for j in c) for k in range(2, top + 1) for c in combinations(range(n_lists), k)
    ]
    subterms = {
        t: [t & ~(1 << j) for j in _digits(t)] if popcount(t) >= 3 else [] for t in candidates
    }
    chosen: list[int] = []
    chosen_set: set[int] = set()

    def walk(i: int) -> Iterator[HierarchicalModel]:
        if i == len(candidates):
            yield _with_terms(n_lists, chosen_set)
            return
        t = candidates[i]
        yield from walk(i + 1)
        if all(s in chosen_set for s in subterms[t]):
            chosen.append(t)
            chosen_set.add(t)
            yield from walk(i + 1)
            chosen.pop()
            chosen_set.discard(t)

    yield from walk(0)


def design_matrix(
    terms: Sequence[int], n_lists: int, *, include_unobserved: bool = False
) -> np.ndarray:
    """The 0/1 design of a set of terms on the cells (rows: cells in bit-mask order).

    Args:
        terms: term masks (0 is the intercept).
        n_lists: J.
        include_unobserved: include cell 0 (the all-zero pattern) as the first row.
    """
    cells = np.arange(0 if include_unobserved else 1, 1 << n_lists)
    t = np.asarray(terms, dtype=np.int64)
    return ((cells[:, None] & t[None, :]) == t[None, :]).astype(np.float64)


def independence(n_lists: int) -> HierarchicalModel:
    """The model of independent lists (main effects only)."""
    return HierarchicalModel(n_lists, ())


def neighbours(model: HierarchicalModel, max_order: int | None = None) -> list[HierarchicalModel]:
    """Models one term away that stay hierarchical: add a term whose sub-terms are all in,
    or remove a term that no larger term contains (used by the stepwise search)."""
    J = model.n_lists
    top = J - 1 if max_order is None else min(max_order, J - 1)
    have = set(model.interactions)
    out: list[HierarchicalModel] = []
    for k in range(2, top + 1):
        for c in combinations(range(J), k):
            t = sum(1 << j for j in c)
            if t in have:
                continue
            subs = [t & ~(1 << j) for j in c] if k >= 3 else []
            if all(s in have for s in subs):
                out.append(_with_terms(J, have | {t}))
    for t in model.interactions:
        if not any(u != t and u & t == t for u in have):
            out.append(_with_terms(J, have - {t}))
    return out


def _with_terms(n_lists: int, terms: set[int]) -> HierarchicalModel:
    return HierarchicalModel(n_lists, tuple(sorted(terms, key=lambda t: (popcount(t), t))))
