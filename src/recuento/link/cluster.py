"""Clustering scored record pairs into persons, without chaining.

Connected components at a threshold merge two large groups through a single false link:
on lists of victims with many Marías and Garcías that turns several women into one. This
clusterer is average linkage restricted to the scored pairs: links are taken strongest
first, and two groups merge only when the average match probability over *all* pairs
between them (a pair that was never scored, or scored below the edge threshold, counts as
0) reaches ``min_average``. A single strong link can join two records, but a link between
two groups must be backed by most of their members. (Splink offers connected components
and one-to-one clustering; neither resists chaining, hence this module.)

Every person keeps the weakest link that holds it together: the probability of the
weakest merge that made it.

People's decisions override the model: pairs decided the same person (``must``) are joined
first, whatever the averages say, and two groups holding a pair decided different persons
(``cannot``) never merge, not even through other records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Clustering:
    """Persons found: a label per record and, per label, its weakest link."""

    labels: np.ndarray
    weakest_link: dict[int, float]
    #: ``must`` pairs left apart because joining them would join a ``cannot`` pair.
    conflicts: list[tuple[int, int]] = field(default_factory=list)

    @property
    def n_persons(self) -> int:
        return len(np.unique(self.labels)) if self.labels.size else 0


def cluster(
    n_records: int,
    pairs: Iterable[tuple[int, int, float]],
    *,
    min_edge: float = 0.3,
    min_average: float = 0.3,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """Cluster records 0..n_records-1 given scored pairs ``(a, b, probability)``.

    Args:
        n_records: the number of records.
        pairs: scored pairs (each pair once, either order).
        min_edge: links weaker than this never start a merge.
        min_average: two groups merge only if the mean probability over all pairs between
            them reaches this.
        must: pairs a person decided are the same person: joined first (a merge decided
            by a person has link strength 1).
        cannot: pairs a person decided are different persons: their groups never merge.

    Returns:
        Labels (the smallest record index of each person), weakest links, and the ``must``
        pairs that contradicted ``cannot`` decisions (left apart: a "different" decision
        wins, because a wrong merge hides a person and a wrong split only asks again).
    """
    members: dict[int, list[int]] = {u: [u] for u in range(n_records)}
    root = list(range(n_records))
    between: dict[int, dict[int, float]] = {}
    apart: dict[int, set[int]] = {}
    for a, b in cannot:
        if a != b:
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)

    def join(ra: int, rb: int, p: float) -> None:
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        for u in members[rb]:
            root[u] = ra
        members[ra].extend(members.pop(rb))
        weakest[ra] = min(p, weakest.get(ra, 1.0), weakest.pop(rb, 1.0))
        moved = between.pop(rb, {})
        mine = between.setdefault(ra, {})
        for other, value in moved.items():
            if other == ra:
                continue
            mine[other] = mine.get(other, 0.0) + value
            theirs = between[other]
            theirs.pop(rb, None)
            theirs[ra] = theirs.get(ra, 0.0) + value
        mine.pop(rb, None)
        kept_apart = apart.pop(rb, set())
        if kept_apart:
            mine_apart = apart.setdefault(ra, set())
            for other in kept_apart:
                mine_apart.add(other)
                apart[other].discard(rb)
                apart[other].add(ra)

    weakest: dict[int, float] = {}
    conflicts: list[tuple[int, int]] = []
    edges: list[tuple[float, int, int]] = []
    for a, b, p in pairs:
        if a == b:
            continue
        between.setdefault(a, {})[b] = between.get(a, {}).get(b, 0.0) + p
        between.setdefault(b, {})[a] = between.get(b, {}).get(a, 0.0) + p
        if p >= min_edge:
            edges.append((p, min(a, b), max(a, b)))
    for a, b in must:
        ra, rb = root[a], root[b]
        if ra == rb:
            continue
        if rb in apart.get(ra, ()):
            conflicts.append((min(a, b), max(a, b)))
            continue
        join(ra, rb, 1.0)
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    for p, a, b in edges:
        ra, rb = root[a], root[b]
        if ra == rb or rb in apart.get(ra, ()):
            continue
        total = between.get(ra, {}).get(rb, 0.0)
        if total / (len(members[ra]) * len(members[rb])) < min_average:
            continue
        join(ra, rb, p)
    labels = np.empty(n_records, dtype=np.int64)
    weakest_link: dict[int, float] = {}
    for r, group in members.items():
        label = min(group)
        labels[group] = label
        if r in weakest:
            weakest_link[label] = weakest[r]
    return Clustering(labels, weakest_link, conflicts)


def cluster_pairs(
    n_records: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    *,
    min_edge: float = 0.3,
    min_average: float = 0.3,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """:func:`cluster` on arrays, one connected component at a time.

    Merges only ever follow links of at least ``min_edge`` (or decided "same" pairs), so no
    person spans two components of the graph of those links, and pairs between components
    are never read. Clustering each component on its own gives the same persons as
    :func:`cluster` on everything while holding only one component's pairs in Python
    objects at a time (at a million records the whole graph's dictionaries alone took
    gigabytes).
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    probability = np.asarray(probability, dtype=np.float64)
    must = [(int(a), int(b)) for a, b in must]
    cannot = [(int(a), int(b)) for a, b in cannot]
    component = components(n_records, left, right, probability, min_edge=min_edge, must=must)
    labels = np.arange(n_records, dtype=np.int64)
    weakest_link: dict[int, float] = {}
    conflicts: list[tuple[int, int]] = []
    sizes = np.bincount(component)
    order = np.argsort(component, kind="stable")  # records of a component, ascending
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    inside = component[left] == component[right]
    pair_component = component[left[inside]]
    pair_order = np.argsort(pair_component, kind="stable")
    pair_bounds = np.searchsorted(pair_component[pair_order], np.arange(sizes.size + 1))
    in_left, in_right, in_p = (
        left[inside][pair_order],
        right[inside][pair_order],
        probability[inside][pair_order],
    )
    by_component: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for kind, decided in ((0, must), (1, cannot)):
        for a, b in decided:
            if component[a] == component[b]:
                by_component.setdefault(int(component[a]), ([], []))[kind].append((a, b))
    local = np.empty(n_records, dtype=np.int64)
    for c in np.flatnonzero(sizes > 1):
        members = order[bounds[c] : bounds[c + 1]]
        local[members] = np.arange(members.size)
        lo, hi = pair_bounds[c], pair_bounds[c + 1]
        decided_must, decided_cannot = by_component.get(int(c), ([], []))
        result = cluster(
            members.size,
            zip(
                local[in_left[lo:hi]].tolist(),
                local[in_right[lo:hi]].tolist(),
                in_p[lo:hi].tolist(),
                strict=True,
            ),
            min_edge=min_edge,
            min_average=min_average,
            must=[(int(local[a]), int(local[b])) for a, b in decided_must],
            cannot=[(int(local[a]), int(local[b])) for a, b in decided_cannot],
        )
        labels[members] = members[result.labels]
        for label, weakest in result.weakest_link.items():
            weakest_link[int(members[label])] = weakest
        conflicts.extend((int(members[a]), int(members[b])) for a, b in result.conflicts)
    return Clustering(labels, weakest_link, sorted(conflicts))


def components(
    n_records: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    *,
    min_edge: float,
    must: Sequence[tuple[int, int]] = (),
) -> np.ndarray:
    """The connected component of each record in the graph of links of at least ``min_edge``
    (and of pairs decided the same person): no person found can span two of them."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    strong = probability >= min_edge
    must_l = np.array([a for a, _ in must], dtype=np.int64)
    must_r = np.array([b for _, b in must], dtype=np.int64)
    edges_l = np.concatenate([left[strong], must_l])
    edges_r = np.concatenate([right[strong], must_r])
    graph = coo_matrix(
        (np.ones(edges_l.size, dtype=np.int8), (edges_l, edges_r)), shape=(n_records, n_records)
    )
    return np.asarray(connected_components(graph, directed=False)[1], dtype=np.int64)


def unscored_pairs_within(
    n_records: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    *,
    min_edge: float,
    max_records: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records that could end up in one person but were never scored.

    :func:`cluster` counts a pair that was never scored as probability 0 when it weighs
    whether two groups belong together. When blocking compared only some of a person's
    pairs (on Splink's historical_50k, 63% of true pairs: dates of birth missing, names
    abbreviated), those zeros keep the parts of one person apart however well the compared
    pairs agree. Every merge happens inside a connected component of the links of at least
    ``min_edge``, so scoring the unscored pairs inside each component gives the averages
    the model's evidence instead of zeros, at a cost bounded by the components' sizes.

    Args:
        n_records: the number of records.
        left, right, probability: the scored pairs.
        min_edge: the clustering's edge threshold (the components are those of
            :func:`cluster_pairs`).
        max_records: components with more records than this are left as they are (a
            component of ``m`` records holds ``m (m - 1) / 2`` pairs).

    Returns:
        Left and right record numbers (left < right) of the pairs to score, sorted.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    component = components(
        n_records, left, right, np.asarray(probability, dtype=np.float64), min_edge=min_edge
    )
    sizes = np.bincount(component, minlength=1)
    # Components of two records have their only pair scored already.
    wanted = (sizes >= 3) & (sizes <= max_records)
    records = np.flatnonzero(wanted[component])
    records = records[np.argsort(component[records], kind="stable")]
    found_l, found_r = [], []
    # Components of one size at a time: their members form a matrix, one row per
    # component, and every pair of columns is a pair of records.
    record_sizes = sizes[component[records]]
    for size in np.unique(record_sizes):
        members = records[record_sizes == size].reshape(-1, size)
        i, j = np.triu_indices(int(size), k=1)
        found_l.append(members[:, i].ravel())
        found_r.append(members[:, j].ravel())
    if not found_l:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    a = np.concatenate(found_l)
    b = np.concatenate(found_r)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keys = lo * n_records + hi
    scored = np.minimum(left, right) * n_records + np.maximum(left, right)
    keys = np.setdiff1d(keys, scored)
    return keys // n_records, keys % n_records
