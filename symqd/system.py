"""Model description: single-level dots, pair interactions, reservoirs.

A :class:`System` is an immutable description of

* dots, each with one spinless level ``eps_<dot>`` (occupation 0 or 1);
* pair interactions ``U_<ab>``, **counted once per pair** (paper 1, ambiguity A1 of the spec); an interaction
  equal to ``sympy.oo`` excludes every state in which both dots are occupied (paper 1's ``U_HC -> oo`` limit);
* reservoirs, each tunnel-coupled to one dot, with temperature ``T``, electrochemical potential ``mu`` and a
  coupling ``gamma`` that may depend on the occupations of other dots (paper 1 Eq. (4): ``gamma_L(h, c)``).
  Several reservoirs may couple to the same dot (L, R and a probe P on dot M).

The energy of an occupation state ``n`` is ``E(n) = sum_i eps_i n_i + sum_{i<j} U_ij n_i n_j`` (paper 1 Eq. (1)).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Dot", "Reservoir", "System"]

State = tuple[int, ...]


def _sym(x, name_if_none: str | None = None, **assumptions):
    if x is None:
        return sp.Symbol(name_if_none, **assumptions)
    if isinstance(x, str):
        return sp.Symbol(x, **assumptions)
    return sp.sympify(x)


@dataclass(frozen=True)
class Dot:
    """A single spinless level ``level`` (default symbol ``eps_<name>``)."""

    name: str
    level: sp.Expr = None

    def __post_init__(self):
        if not self.name or not self.name.isidentifier():
            raise ValueError(f"dot name must be a non-empty identifier, got {self.name!r}")
        object.__setattr__(self, "level", _sym(self.level, f"eps_{self.name}", real=True))


@dataclass(frozen=True)
class Reservoir:
    """A fermionic reservoir tunnel-coupled to dot ``dot``.

    Parameters
    ----------
    name : str
        Reservoir label (``"L"``, ``"R"``, ``"H"``, ``"C"``, ``"P"``).
    dot : str
        Name of the dot it exchanges electrons with.
    temperature, mu : sympy expression or str, optional
        Default symbols ``T_<name>`` (positive) and ``mu_<name>`` (real); pass ``0`` for a grounded reservoir.
    coupling : expression, str or mapping, optional
        Tunnel rate ``gamma``. If ``depends_on`` names other dots, a mapping from their occupation tuple to a rate
        (paper 1 Eq. (4a,b): ``gamma_L(h, c)``); by default symbols ``gamma_<name>_<occupations>``.
    depends_on : tuple of str
        The other dots whose occupation the coupling depends on.
    """

    name: str
    dot: str
    temperature: sp.Expr = None
    mu: sp.Expr = None
    coupling: object = None
    depends_on: tuple = ()

    def __post_init__(self):
        if not self.name or not self.name.isidentifier():
            raise ValueError(f"reservoir name must be a non-empty identifier, got {self.name!r}")
        object.__setattr__(self, "temperature", _sym(self.temperature, f"T_{self.name}", positive=True))
        object.__setattr__(self, "mu", _sym(self.mu, f"mu_{self.name}", real=True))
        deps = tuple(self.depends_on)
        object.__setattr__(self, "depends_on", deps)
        if self.dot in deps:
            raise ValueError(f"reservoir {self.name!r}: coupling cannot depend on its own dot {self.dot!r}")
        if deps:
            keys = list(itertools.product((0, 1), repeat=len(deps)))
            table = self.coupling
            if table is None:
                table = {k: sp.Symbol(f"gamma_{self.name}_{''.join(map(str, k))}", nonnegative=True) for k in keys}
            if not isinstance(table, Mapping):
                raise ValueError(
                    f"reservoir {self.name!r}: coupling must map each occupation of {deps} to a rate, got {table!r}"
                )
            missing = [k for k in keys if k not in table]
            if missing:
                raise ValueError(f"reservoir {self.name!r}: coupling table misses occupation(s) {missing} of {deps}")
            extra = [k for k in table if k not in keys]
            if extra:
                raise ValueError(f"reservoir {self.name!r}: coupling table has invalid occupation key(s) {extra}")
            object.__setattr__(self, "coupling", tuple((k, sp.sympify(table[k])) for k in keys))
        else:
            object.__setattr__(self, "coupling", _sym(self.coupling, f"gamma_{self.name}", nonnegative=True))

    def rate_prefactor(self, occupations: Mapping[str, int]) -> sp.Expr:
        """The coupling ``gamma`` for the given occupations of the other dots."""
        if not self.depends_on:
            return self.coupling
        key = tuple(occupations[d] for d in self.depends_on)
        return dict(self.coupling)[key]


@dataclass(frozen=True)
class System:
    """Dots + pair interactions (once per pair) + reservoirs. See the module docstring.

    Examples
    --------
    >>> import sympy as sp
    >>> s = System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])
    >>> s.states()
    [(0,), (1,)]
    """

    dots: tuple
    interactions: tuple = ()
    reservoirs: tuple = ()
    _index: dict = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, dots: Iterable, interactions: Mapping | None = None, reservoirs: Iterable = ()) -> "System":
        """Convenience constructor: ``dots`` may be names or :class:`Dot`; ``interactions`` maps a pair of dot
        names to ``U`` (``None`` -> symbol ``U_<ab>``; ``sympy.oo`` or ``math.inf`` excludes the pair)."""
        dots = tuple(d if isinstance(d, Dot) else Dot(d) for d in dots)
        inter = []
        for pair, U in (interactions or {}).items():
            a, b = pair
            U = sp.Symbol(f"U_{a}{b}", nonnegative=True) if U is None else sp.sympify(U)
            inter.append(((a, b), U))
        return cls(dots, tuple(inter), tuple(reservoirs))

    def __post_init__(self):
        names = [d.name for d in self.dots]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate dot names in {names}")
        seen = set()
        for (a, b), U in self.interactions:
            for x in (a, b):
                if x not in names:
                    raise ValueError(f"interaction U_{a}{b} refers to non-existent dot {x!r}; dots are {names}")
            if a == b:
                raise ValueError(f"interaction U_{a}{b}: a pair needs two different dots")
            key = frozenset((a, b))
            if key in seen:
                raise ValueError(f"interaction between {a!r} and {b!r} given twice: each pair is counted once")
            seen.add(key)
        rnames = [r.name for r in self.reservoirs]
        if len(set(rnames)) != len(rnames):
            raise ValueError(f"duplicate reservoir names in {rnames}")
        for r in self.reservoirs:
            if r.dot not in names:
                raise ValueError(f"reservoir {r.name!r} couples to non-existent dot {r.dot!r}; dots are {names}")
            for d in r.depends_on:
                if d not in names:
                    raise ValueError(f"reservoir {r.name!r}: coupling depends on non-existent dot {d!r}")
        object.__setattr__(self, "_index", {n: i for i, n in enumerate(names)})

    # -- states and energies -------------------------------------------------------------------------------
    @property
    def dot_names(self) -> tuple:
        return tuple(d.name for d in self.dots)

    def dot_index(self, name: str) -> int:
        return self._index[name]

    def excluded_pairs(self) -> list:
        return [(self._index[a], self._index[b]) for (a, b), U in self.interactions if U is sp.oo]

    def states(self) -> list:
        """Allowed occupation tuples (dots in declaration order), lexicographic; excluded pairs removed."""
        excl = self.excluded_pairs()
        return [
            s
            for s in itertools.product((0, 1), repeat=len(self.dots))
            if not any(s[i] and s[j] for i, j in excl)
        ]

    def number(self, state: State) -> int:
        """Total electron number ``N = sum_i n_i``."""
        return sum(state)

    def energy(self, state: State) -> sp.Expr:
        """``E(n) = sum_i eps_i n_i + sum_{i<j} U_ij n_i n_j`` (paper 1 Eq. (1), each pair once)."""
        E = sum((d.level for d, n in zip(self.dots, state) if n), sp.S.Zero)
        for (a, b), U in self.interactions:
            if state[self._index[a]] and state[self._index[b]]:
                if U is sp.oo:
                    raise ValueError(f"state {state} is excluded by U_{a}{b} = oo")
                E += U
        return E

    def occupations(self, state: State) -> dict:
        return dict(zip(self.dot_names, state))

    # -- parameter classification (for validation of numeric input) ------------------------------------------
    def temperature_symbols(self) -> set:
        return set().union(*(r.temperature.free_symbols for r in self.reservoirs)) if self.reservoirs else set()

    def coupling_symbols(self) -> set:
        out = set()
        for r in self.reservoirs:
            vals = [v for _, v in r.coupling] if r.depends_on else [r.coupling]
            for v in vals:
                out |= v.free_symbols
        return out

    def reservoir(self, name: str) -> Reservoir:
        for r in self.reservoirs:
            if r.name == name:
                return r
        raise ValueError(f"no reservoir named {name!r}; reservoirs are {[r.name for r in self.reservoirs]}")
