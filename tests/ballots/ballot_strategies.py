"""Hypothesis strategies for random elections, shared by the ballots property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from recuento.ballots import Candidate, Election


@st.composite
def elections(draw: st.DrawFn, *, groups: bool = False) -> Election:
    n = draw(st.integers(2, 7))
    seats = draw(st.integers(1, n))
    names = [f"C{i}" for i in range(n)]
    cands = [
        Candidate(name, frozenset({"g"}) if groups and draw(st.booleans()) else frozenset())
        for name in names
    ]
    sequence = st.permutations(range(n)).flatmap(
        lambda p: st.integers(0, n).map(lambda k: tuple(p[:k]))
    )
    ballots = draw(st.lists(st.tuples(sequence, st.integers(1, 30)), min_size=1, max_size=25))
    if all(not seq for seq, _ in ballots):
        ballots.append(((0,), 1))
    return Election.build(cands, ballots, seats=seats)
