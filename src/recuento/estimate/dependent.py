"""Lists named as dependent on one another: from the names an analyst gives to LCMCR's groups.

An analyst often knows that two lists feed one another: families who report a
disappearance to the prosecutor and also to an NGO that keeps its own list. LCMCR assumes
that, within a latent class, lists record people independently; such a pair breaks that
assumption, and the estimate comes out too low with an interval too narrow
(``recuento.estimate.fit_check`` warns when the data show it). Naming the pair, e.g.
``recuento count ... --dependent ong+familias``, lets the model give the pair a free
joint distribution in every class (``fit_lcmcr(dependent=...)``, docs/lcmcr.md).

Names are checked against the table's lists once, with every problem reported together
(:func:`check_dependent`); a stratum where a named list has no records drops it from its
group with a warning (:func:`resolve_dependent`).

``--dependent auto`` (:func:`parse_dependent_option`) asks the data instead: see
:mod:`recuento.estimate.dependent_choice`. It cannot be combined with named lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from recuento.errors import EstimationError, ProblemsError
from recuento.estimate.messages import Text

Groups = tuple[tuple[str, ...], ...]

#: The ``--dependent`` value that chooses the dependent lists from the data.
AUTO = "auto"


class DependentListsError(ProblemsError, EstimationError):
    """The lists named as dependent do not fit the table's lists."""


def parse_dependent(specs: Iterable[str]) -> Groups:
    """``["ong+familias", "prensa+fiscalia"]`` -> ``(("ong", "familias"), ...)``.

    Names are stripped of surrounding spaces; empty names are dropped (and then reported
    by :func:`check_dependent` as a group that is too small); blank specs are skipped (a
    trailing comma in the web form's field).
    """
    return tuple(
        tuple(n.strip() for n in spec.split("+") if n.strip()) for spec in specs if spec.strip()
    )


def parse_dependent_option(specs: Iterable[str]) -> tuple[Groups, bool]:
    """The values of ``--dependent``: the named groups, and whether ``auto`` was given.

    Raises:
        DependentListsError: ``auto`` given together with named lists.
    """
    specs = list(specs)
    auto = any(spec.strip().lower() == AUTO for spec in specs)
    groups = parse_dependent(spec for spec in specs if spec.strip().lower() != AUTO)
    check_auto(groups, auto)
    return groups, auto


def check_auto(groups: Groups, auto: bool) -> None:
    """Raise :class:`DependentListsError` when lists are both named and chosen from the data."""
    if auto and groups:
        named = ", ".join("+".join(g) for g in groups)
        raise DependentListsError(
            "The lists named as dependent are not usable:",
            [
                Text(
                    f"'{AUTO}' chooses the dependent lists from the data; it cannot be "
                    f"combined with lists named as dependent ({named}): give one or the other.",
                    f"'{AUTO}' elige las listas dependientes a partir de los datos; no se puede "
                    "combinar con listas indicadas como dependientes "
                    f"({named}): indique una cosa o la otra.",
                )
            ],
        )


def check_dependent(groups: Groups, lists: Sequence[str]) -> None:
    """Raise :class:`DependentListsError` listing every problem with ``groups``.

    Problems: a name that is not one of ``lists``, a group of fewer than two distinct
    lists, a list in two groups, and groups that leave fewer than two separate variables
    (nothing left to compare them with). Each problem is a :class:`Text` (English, with
    its Spanish version in ``.es``), so that the web site can show it in either language.
    """
    problems: list[Text] = []
    known = set(lists)
    seen: dict[str, int] = {}
    for number, group in enumerate(groups, start=1):
        label = "+".join(group) or "(empty)"
        unknown = ", ".join(repr(n) for n in group if n not in known)
        if unknown:
            problems.append(
                Text(
                    f"dependent group {number} ({label}): no list is called {unknown}; the "
                    f"lists are {', '.join(lists)}.",
                    f"grupo de listas dependientes {number} ({label}): ninguna lista se llama "
                    f"{unknown}; las listas son {', '.join(lists)}.",
                )
            )
        distinct = len(set(group))
        if distinct < 2:
            problems.append(
                Text(
                    f"dependent group {number} ({label}) names {distinct} distinct list(s); "
                    "name two lists or more, joined by '+', e.g. ong+familias.",
                    f"el grupo de listas dependientes {number} ({label}) nombra {distinct} "
                    "lista(s) distinta(s); nombre dos listas o más, unidas por '+', p. ej. "
                    "ong+familias.",
                )
            )
        for name in sorted(set(group)):
            if name in seen:
                problems.append(
                    Text(
                        f"list {name!r} is in dependent groups {seen[name]} and {number}; a "
                        "list can be in one group only (put the lists in one group instead).",
                        f"la lista {name!r} está en los grupos de listas dependientes "
                        f"{seen[name]} y {number}; una lista puede estar en un solo grupo "
                        "(ponga esas listas en un solo grupo).",
                    )
                )
            seen[name] = number
    if not problems and groups:
        variables = len(lists) - sum(len(set(g)) - 1 for g in groups)
        if variables < 2:
            problems.append(
                Text(
                    "with these dependent groups the lists make fewer than two separate "
                    "variables, and nothing is left to compare them with: name fewer lists.",
                    "con estos grupos de listas dependientes quedan menos de dos variables "
                    "separadas y nada con qué compararlas: nombre menos listas.",
                )
            )
    if problems:
        raise DependentListsError("The lists named as dependent are not usable:", problems)


def resolve_dependent(
    groups: Groups, lists: Sequence[str]
) -> tuple[tuple[tuple[int, ...], ...], list[Text]]:
    """Column groups for ``fit_lcmcr(dependent=...)`` among ``lists``, and warnings.

    A named list absent from ``lists`` (a stratum where it has no records, so the table
    left it out) is dropped from its group; a group left with one list is dropped. Each
    drop gets a warning in English and Spanish.
    """
    out: list[tuple[int, ...]] = []
    warnings: list[Text] = []
    position = {name: j for j, name in enumerate(lists)}
    for group in groups:
        present = tuple(sorted({position[n] for n in group if n in position}))
        absent = [n for n in group if n not in position]
        if not absent:
            out.append(present)
            continue
        missing = ", ".join(absent)
        if len(present) >= 2:
            out.append(present)
            warnings.append(
                Text(
                    f"{missing} has no records here: the dependence named as "
                    f"{'+'.join(group)} is modelled among the other lists only.",
                    f"{missing} no tiene registros aquí: la dependencia indicada como "
                    f"{'+'.join(group)} se modela solo entre las demás listas.",
                )
            )
        else:
            warnings.append(
                Text(
                    f"{missing} has no records here: the dependence named as "
                    f"{'+'.join(group)} is not modelled.",
                    f"{missing} no tiene registros aquí: la dependencia indicada como "
                    f"{'+'.join(group)} no se modela.",
                )
            )
    return tuple(out), warnings
