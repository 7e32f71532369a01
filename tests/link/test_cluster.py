"""Clustering: links join records, but one false link does not merge two groups."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.link.cluster import cluster, cluster_pairs


def test_a_strong_link_joins_two_records_and_is_their_weakest_link() -> None:
    result = cluster(3, [(0, 1, 0.9)])
    assert result.labels.tolist() == [0, 0, 2]
    assert result.weakest_link == {0: 0.9}
    assert result.n_persons == 2


def test_a_single_false_link_does_not_chain_two_groups() -> None:
    # Two people with three records each, fully linked inside (0.99); one false link of
    # 0.95 between records 2 and 3. Merging the groups would need the average over the
    # 3 x 3 = 9 pairs between them to reach 0.3: it is 0.95 / 9 = 0.106.
    inside = [(a, b, 0.99) for a, b in [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]]
    result = cluster(6, [*inside, (2, 3, 0.95)])
    assert result.labels.tolist() == [0, 0, 0, 3, 3, 3]


def test_connected_links_backed_by_most_members_do_merge() -> None:
    # Record 2 links to both 0 and 1 (0.8 and 0.7): the average to the group {0, 1} is
    # (0.8 + 0.7) / 2 = 0.75 >= 0.3, so it joins.
    result = cluster(3, [(0, 1, 0.95), (0, 2, 0.8), (1, 2, 0.7)])
    assert result.labels.tolist() == [0, 0, 0]
    assert result.weakest_link == {0: 0.8}


def test_links_below_the_edge_threshold_never_start_a_merge() -> None:
    result = cluster(2, [(0, 1, 0.29)], min_edge=0.3)
    assert result.labels.tolist() == [0, 1]


def test_labels_do_not_depend_on_the_order_of_pairs() -> None:
    rng = np.random.default_rng(7)
    pairs = [
        (int(a), int(b), float(p))
        for a, b, p in zip(
            rng.integers(0, 40, 120), rng.integers(0, 40, 120), rng.random(120), strict=True
        )
        if a != b
    ]
    unique = {(min(a, b), max(a, b)): p for a, b, p in pairs}
    items = [(a, b, p) for (a, b), p in unique.items()]
    first = cluster(40, items).labels
    second = cluster(40, list(reversed(items))).labels
    assert first.tolist() == second.tolist()


def test_a_same_person_decision_joins_records_the_model_kept_apart() -> None:
    result = cluster(3, [(0, 1, 0.9), (1, 2, 0.1)], min_edge=0.5, min_average=0.4, must=[(1, 2)])
    assert len(set(result.labels.tolist())) == 1


def test_a_different_persons_decision_splits_a_pair_the_model_joined() -> None:
    result = cluster(2, [(0, 1, 0.99)], min_edge=0.5, min_average=0.4, cannot=[(0, 1)])
    assert result.labels[0] != result.labels[1]


def test_a_different_persons_decision_holds_against_chains_through_other_records() -> None:
    # 0-1 and 1-2 are strong; 0 and 2 were decided different: 1 may join only one of them.
    result = cluster(
        3,
        [(0, 1, 0.95), (1, 2, 0.9), (0, 2, 0.8)],
        min_edge=0.5,
        min_average=0.4,
        cannot=[(0, 2)],
    )
    labels = result.labels.tolist()
    assert labels[0] != labels[2]
    assert labels[1] == labels[0]  # the stronger link wins


def test_a_same_decision_that_contradicts_a_different_one_is_reported_and_left_apart() -> None:
    result = cluster(3, [], min_edge=0.5, min_average=0.4, must=[(0, 1), (1, 2)], cannot=[(0, 2)])
    labels = result.labels.tolist()
    assert labels[0] == labels[1] and labels[2] != labels[0]
    assert result.conflicts == [(1, 2)]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=25).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(
                    st.integers(0, n - 1),
                    st.integers(0, n - 1),
                    st.floats(0.0, 1.0, allow_nan=False),
                ),
                max_size=60,
                unique_by=lambda t: (min(t[0], t[1]), max(t[0], t[1])),
            ),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3),
        )
    )
)
def test_clustering_component_by_component_gives_the_same_persons(case) -> None:
    n, pairs, must, cannot = case
    pairs = [(a, b, p) for a, b, p in pairs if a != b]
    whole = cluster(n, pairs, min_edge=0.5, min_average=0.4, must=must, cannot=cannot)
    split = cluster_pairs(
        n,
        np.array([a for a, _, _ in pairs], dtype=np.int64),
        np.array([b for _, b, _ in pairs], dtype=np.int64),
        np.array([p for _, _, p in pairs]),
        min_edge=0.5,
        min_average=0.4,
        must=must,
        cannot=cannot,
    )
    assert split.labels.tolist() == whole.labels.tolist()
    assert split.weakest_link == whole.weakest_link
    assert split.conflicts == sorted(whole.conflicts)


def test_pairs_inside_a_group_of_links_that_were_never_scored_are_listed() -> None:
    from recuento.link.cluster import unscored_pairs_within

    # 0-1-2 linked in a chain (0-2 never scored); 3-4 a pair; 5-6 scored below the edge.
    left = np.array([0, 1, 3, 5])
    right = np.array([1, 2, 4, 6])
    probability = np.array([0.9, 0.8, 0.95, 0.1])
    a, b = unscored_pairs_within(7, left, right, probability, min_edge=0.3, max_records=10)
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 2)]


def test_a_pair_scored_low_inside_a_group_is_not_listed_again() -> None:
    from recuento.link.cluster import unscored_pairs_within

    left, right = np.array([0, 1, 2]), np.array([1, 2, 0])
    probability = np.array([0.9, 0.9, 0.02])
    a, _ = unscored_pairs_within(3, left, right, probability, min_edge=0.3, max_records=10)
    assert a.size == 0


def test_groups_larger_than_the_limit_are_left_as_they_are() -> None:
    from recuento.link.cluster import unscored_pairs_within

    chain = np.arange(5)
    a, _ = unscored_pairs_within(
        6, chain[:-1], chain[1:], np.full(4, 0.9), min_edge=0.3, max_records=4
    )
    assert a.size == 0
    a, _ = unscored_pairs_within(
        6, chain[:-1], chain[1:], np.full(4, 0.9), min_edge=0.3, max_records=5
    )
    assert a.size == 10 - 4


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.0, 1.0)).filter(
                    lambda t: t[0] != t[1]
                ),
                max_size=30,
                unique_by=lambda t: (min(t[0], t[1]), max(t[0], t[1])),
            ),
            st.integers(0, 12),
        )
    )
)
def test_the_unscored_pairs_are_those_of_small_components_not_yet_scored(case) -> None:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from recuento.link.cluster import unscored_pairs_within

    n, pairs, limit = case
    left = np.array([a for a, _, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b, _ in pairs], dtype=np.int64)
    probability = np.array([p for _, _, p in pairs])
    a, b = unscored_pairs_within(n, left, right, probability, min_edge=0.5, max_records=limit)
    strong = [(x, y) for x, y, p in pairs if p >= 0.5]
    graph = coo_matrix(
        ([1] * len(strong), ([x for x, _ in strong], [y for _, y in strong])), shape=(n, n)
    )
    label = connected_components(graph, directed=False)[1]
    size = np.bincount(label)
    scored = {(min(x, y), max(x, y)) for x, y, _ in pairs}
    expected = sorted(
        (x, y)
        for x in range(n)
        for y in range(x + 1, n)
        if label[x] == label[y] and 3 <= size[label[x]] <= limit and (x, y) not in scored
    )
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == expected
