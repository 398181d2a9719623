"""Model description: dots (levels), pair interactions, and their couplings (leads and baths).

A :class:`System` is an immutable description of

* dots, each one spinless level ``eps_<dot>`` (occupation 0 or 1); a spinful level is two dots sharing one level
  symbol with an on-site interaction (:func:`spinful_level`), a multi-level dot several dots (:func:`levels`);
* pair interactions ``U_<ab>``, **counted once per pair** (paper 1, ambiguity A1 of the spec); an interaction
  equal to ``sympy.oo`` (or ``math.inf``) excludes every state in which both dots are occupied (paper 1's
  ``U_HC -> oo`` limit);
* couplings (:mod:`symqd.baths`): fermionic :class:`~symqd.baths.Reservoir` leads (one dot or several levels,
  occupation-dependent tunnel rates, paper 1 Eq. (4)) and :class:`~symqd.baths.BosonicBath` baths (an electron
  hops between two dots, the energy difference exchanged with the bath).

The energy of an occupation state ``n`` is ``E(n) = sum_i eps_i n_i + sum_{i<j} U_ij n_i n_j`` (paper 1 Eq. (1)).
Every string is a symbol *name* (an identifier), never an expression; two different roles never share a
generated symbol, and one name with two different sympy assumptions is refused.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sympy as sp

from symqd.baths import BosonicBath, Reservoir, as_symbol

__all__ = ["Dot", "Reservoir", "BosonicBath", "System", "spinful_level", "levels"]

State = tuple[int, ...]


@dataclass(frozen=True)
class Dot:
    r"""A single spinless level ``level`` (default symbol ``eps_<name>``, real).

    Parameters
    ----------
    name : str
        Identifier of the dot (used in generated symbol names).
    level : str, number or sympy expression, optional
        The level energy (units of the model's energy scale; default the real symbol ``eps_<name>``).

    Raises
    ------
    ValueError
        If ``name`` is not an identifier.

    Examples
    --------
    >>> Dot("D").level
    eps_D
    >>> Dot("up", "eps_d").level
    eps_d
    """

    name: str
    level: sp.Expr = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"dot name must be a non-empty identifier, got {self.name!r}")
        object.__setattr__(self, "level", as_symbol(self.level, f"eps_{self.name}", f"dot {self.name!r}: level",
                                                    real=True))


def spinful_level(name: str, level=None, U=None) -> tuple:
    r"""A spin-degenerate level as two dots ``<name>_up``, ``<name>_dn`` with on-site interaction (Anderson model).

    Parameters
    ----------
    name : str
        Name of the level; the dots are ``<name>_up`` and ``<name>_dn``.
    level : str, number or expression, optional
        Shared level (default symbol ``eps_<name>``).
    U : str, number, expression or ``math.inf``, optional
        On-site interaction (default symbol ``U_<name>``; ``math.inf`` forbids double occupation).

    Returns
    -------
    (dots, interactions)
        To pass to :meth:`System.build` (merge with other dots/interactions).

    Examples
    --------
    >>> dots, inter = spinful_level("d")
    >>> [d.name for d in dots], list(inter.values())
    (['d_up', 'd_dn'], [U_d])
    """
    lev = as_symbol(level, f"eps_{name}", f"spinful level {name!r}: level", real=True)
    dots = [Dot(f"{name}_up", lev), Dot(f"{name}_dn", lev)]
    Uval = as_symbol(U, f"U_{name}", f"spinful level {name!r}: U", nonnegative=True)
    return dots, {(f"{name}_up", f"{name}_dn"): Uval}


def levels(name: str, n: int, *, U=None) -> tuple:
    r"""A dot with ``n`` spinless levels, every pair interacting with the same charging energy ``U``.

    The levels are dots ``<name>0 .. <name>{n-1}`` (level symbols ``eps_<name>0``...); ``U`` defaults to the
    symbol ``U_<name>``.

    Parameters
    ----------
    name : str
        Prefix of the level names.
    n : int
        Number of levels (>= 1).
    U : str, number, expression or ``math.inf``, optional
        Charging energy shared by every pair (default symbol ``U_<name>``).

    Returns
    -------
    (dots, interactions)
        To pass to :meth:`System.build`.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer.

    Examples
    --------
    >>> dots, inter = levels("d", 3)
    >>> [d.name for d in dots], len(inter)
    (['d0', 'd1', 'd2'], 3)
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"levels: n must be a positive integer, got {n!r}")
    dots = [Dot(f"{name}{i}") for i in range(n)]
    Uval = as_symbol(U, f"U_{name}", f"levels {name!r}: U", nonnegative=True)
    return dots, {(a.name, b.name): Uval for a, b in itertools.combinations(dots, 2)}


def _interaction_name(a: str, b: str) -> str:
    return f"U_{a}{b}" if len(a) == 1 and len(b) == 1 else f"U_{a}_{b}"


@dataclass(frozen=True)
class System:
    """Dots + pair interactions (once per pair) + couplings (leads and baths). See the module docstring.

    Parameters
    ----------
    dots : tuple of :class:`Dot`
        The dots in declaration order (occupation tuples follow it).
    interactions : tuple of ``((a, b), U)``
        Pair interactions, each pair once (paper 1 Eq. (1)); ``U = sympy.oo`` excludes the pair.
    reservoirs : tuple of :class:`~symqd.baths.Reservoir` and :class:`~symqd.baths.BosonicBath`
        All couplings in declaration order (:attr:`leads` and :attr:`baths` split them).

    Examples
    --------
    >>> s = System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])
    >>> s.states()
    [(0,), (1,)]
    >>> a = System.build(["A", "B"], {("A", "B"): "U"},
    ...                  [Reservoir("L", "A"), Reservoir("R", "B"), BosonicBath("ph", between=("A", "B"))])
    >>> [p.name for p in a.baths], a.energy((1, 1))
    (['ph'], U + eps_A + eps_B)
    """

    dots: tuple
    interactions: tuple = ()
    reservoirs: tuple = ()
    _index: dict = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, dots: Iterable, interactions: Mapping | None = None, parts: Iterable = (), *,
              reservoirs: Iterable | None = None) -> "System":
        r"""Convenience constructor.

        Parameters
        ----------
        dots : iterable of str or :class:`Dot`
            Names (level symbol ``eps_<name>``) or :class:`Dot` objects.
        interactions : mapping, optional
            ``{(a, b): U}`` with ``U`` a symbol name, a number, ``math.inf``/``sympy.oo`` (excludes the pair) or
            ``None`` (symbol ``U_<ab>`` for one-letter names, ``U_<a>_<b>`` otherwise).
        parts : iterable
            :class:`~symqd.baths.Reservoir` and :class:`~symqd.baths.BosonicBath` objects.
        reservoirs : iterable, optional
            Alias of ``parts`` (keyword only; wins if given).

        Returns
        -------
        System

        Raises
        ------
        ValueError
            For a malformed ``interactions`` mapping, a non-coupling in ``parts``, duplicate or unknown dot names,
            or clashing symbol names.

        Examples
        --------
        >>> import math
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): math.inf}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.states()
        [(0, 0), (0, 1), (1, 0)]
        >>> System.build(["A"], {("A", "Z"): 1}, [])
        Traceback (most recent call last):
        ...
        ValueError: interaction U_AZ refers to non-existent dot 'Z'; dots are ['A']
        """
        if reservoirs is not None:
            parts = reservoirs
        dots = tuple(d if isinstance(d, Dot) else Dot(d) for d in dots)
        inter = []
        if interactions is not None and not isinstance(interactions, Mapping):
            raise ValueError(f"interactions must be a mapping {{(a, b): U}}, got {interactions!r}")
        for pair, U in (interactions or {}).items():
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise ValueError(f"interactions: keys must be pairs of dot names (a, b), got {pair!r}")
            a, b = pair
            U = as_symbol(U, _interaction_name(a, b), f"interaction {pair}", nonnegative=True)
            inter.append(((a, b), U))
        parts = tuple(parts)
        for p in parts:
            if not isinstance(p, (Reservoir, BosonicBath)):
                raise ValueError(f"parts must be Reservoir or BosonicBath objects, got {p!r}")
        return cls(dots, tuple(inter), parts)

    def __post_init__(self):
        names = [d.name for d in self.dots]
        if not names:
            raise ValueError("a system needs at least one dot")
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
            raise ValueError(f"duplicate reservoir/bath names in {rnames}")
        for r in self.reservoirs:
            kind = "bath" if isinstance(r, BosonicBath) else "reservoir"
            for d in r.dots:
                if d not in names:
                    raise ValueError(f"{kind} {r.name!r} couples to non-existent dot {d!r}; dots are {names}")
            for d in getattr(r, "depends_on", ()):
                if d not in names:
                    raise ValueError(f"reservoir {r.name!r}: coupling depends on non-existent dot {d!r}")
        object.__setattr__(self, "_index", {n: i for i, n in enumerate(names)})
        self._check_symbols()

    def _check_symbols(self) -> None:
        """One name, one symbol: refuse generated-name collisions and one name with two sets of assumptions."""
        roles: dict = {}

        def add(expr, role):
            for sym in sp.sympify(expr).free_symbols:
                roles.setdefault(sym.name, []).append((sym, role))

        for d in self.dots:
            add(d.level, f"level of dot {d.name!r}")
        for (a, b), U in self.interactions:
            if U is not sp.oo:
                add(U, f"interaction ({a!r}, {b!r})")
        generated = {}
        for r in self.reservoirs:
            kind = "bath" if isinstance(r, BosonicBath) else "reservoir"
            add(r.temperature, f"temperature of {kind} {r.name!r}")
            add(r.mu, f"mu of {kind} {r.name!r}")
            for v in r.coupling_values():
                add(v, f"coupling of {kind} {r.name!r}")
            for nm, role in r.default_names().items():
                generated.setdefault(nm, []).append(role)
        for (a, b), U in self.interactions:
            generated.setdefault(_interaction_name(a, b), []).append(f"interaction ({a!r}, {b!r})")
        for d in self.dots:
            generated.setdefault(f"eps_{d.name}", []).append(f"level of dot {d.name!r}")
        for name, uses in roles.items():
            syms = {s for s, _ in uses}
            if len(syms) > 1:
                def kind(sym):
                    for a in ("positive", "nonnegative", "real"):
                        if sym.assumptions0.get(a):
                            return a
                    return "no assumptions"

                desc = "; ".join(f"{role} ({kind(s)})" for s, role in uses)
                raise ValueError(
                    f"symbol name {name!r} is used with different assumptions: {desc}; use different names"
                )
            # a generated default name that coincides with the symbol of a different role is a silent merge
            gen_roles = generated.get(name, [])
            user_roles = sorted({role for _, role in uses})
            if len(gen_roles) > 1 and len(user_roles) > 1:
                raise ValueError(
                    f"default symbol name {name!r} would be shared by: {', '.join(user_roles)}; "
                    "give these parameters explicit, different names"
                )

    # -- parts ------------------------------------------------------------------------------------------------
    @property
    def parts(self) -> tuple:
        r"""All couplings (leads and baths) in declaration order.

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> [p.name for p in s.parts]
        ['L', 'R']
        """
        return self.reservoirs

    @property
    def leads(self) -> tuple:
        r"""The fermionic leads.

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> [p.name for p in s.leads]
        ['L', 'R']
        """
        return tuple(r for r in self.reservoirs if isinstance(r, Reservoir))

    @property
    def baths(self) -> tuple:
        r"""The bosonic baths.

        Examples
        --------
        >>> from symqd.baths import Reservoir, BosonicBath
        >>> s = System.build(["A", "B"], {}, [Reservoir("L", "A"), BosonicBath("ph", between=("A", "B"))])
        >>> [p.name for p in s.baths]
        ['ph']
        """
        return tuple(r for r in self.reservoirs if isinstance(r, BosonicBath))

    # -- states and energies -------------------------------------------------------------------------------
    @property
    def dot_names(self) -> tuple:
        r"""The dot names in declaration order.

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.dot_names
        ('A', 'B')
        """
        return tuple(d.name for d in self.dots)

    def dot_index(self, name: str) -> int:
        r"""Position of dot ``name`` in the occupation tuples.

        Parameters
        ----------
        name : str
            A dot name.

        Returns
        -------
        int

        Raises
        ------
        ValueError
            If there is no dot ``name``.

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.dot_index("B")
        1
        """
        try:
            return self._index[name]
        except KeyError:
            raise ValueError(f"no dot named {name!r}; dots are {list(self._index)}") from None

    def excluded_pairs(self) -> list:
        r"""Index pairs of dots whose interaction is infinite (never both occupied).

        Returns
        -------
        list of (int, int)

        Examples
        --------
        >>> import math
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): math.inf}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.excluded_pairs()
        [(0, 1)]
        """
        return [(self._index[a], self._index[b]) for (a, b), U in self.interactions if U is sp.oo]

    def states(self) -> list:
        r"""Allowed occupation tuples (dots in declaration order), lexicographic; excluded pairs removed.

        Returns
        -------
        list of tuple of int

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.states()
        [(0, 0), (0, 1), (1, 0), (1, 1)]
        """
        excl = self.excluded_pairs()
        return [
            s
            for s in itertools.product((0, 1), repeat=len(self.dots))
            if not any(s[i] and s[j] for i, j in excl)
        ]

    def number(self, state: State) -> int:
        r"""Total electron number ``N = sum_i n_i``.

        Parameters
        ----------
        state : tuple of int
            Occupation tuple.

        Returns
        -------
        int

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.number((1, 1))
        2
        """
        return sum(state)

    def energy(self, state: State) -> sp.Expr:
        r"""``E(n) = sum_i eps_i n_i + sum_{i<j} U_ij n_i n_j`` (paper 1 Eq. (1), each pair once).

        Parameters
        ----------
        state : tuple of int
            Occupation tuple (dots in declaration order).

        Returns
        -------
        sympy expression

        Raises
        ------
        ValueError
            If ``state`` is excluded by an infinite interaction.

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.energy((1, 1))
        U + eps_A + eps_B
        """
        E = sum((d.level for d, n in zip(self.dots, state) if n), sp.S.Zero)
        for (a, b), U in self.interactions:
            if state[self._index[a]] and state[self._index[b]]:
                if U is sp.oo:
                    raise ValueError(f"state {state} is excluded by U_{a}{b} = oo")
                E += U
        return E

    def occupations(self, state: State) -> dict:
        r"""The occupation of each dot in ``state``, by dot name.

        Parameters
        ----------
        state : tuple of int
            Occupation tuple.

        Returns
        -------
        dict of str to int

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.occupations((0, 1))
        {'A': 0, 'B': 1}
        """
        return dict(zip(self.dot_names, state))

    # -- parameter classification (for validation of numeric input) ------------------------------------------
    def temperature_symbols(self) -> set:
        r"""The free symbols of all reservoir and bath temperatures (validated as ``> 0`` by numeric entry points).

        Returns
        -------
        set of sympy.Symbol

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> sorted(map(str, s.temperature_symbols()))
        ['T_L', 'T_R']
        """
        return set().union(*(r.temperature.free_symbols for r in self.reservoirs)) if self.reservoirs else set()

    def coupling_symbols(self) -> set:
        r"""The free symbols of all coupling strengths (validated as ``>= 0`` by numeric entry points).

        Returns
        -------
        set of sympy.Symbol

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> sorted(map(str, s.coupling_symbols()))
        ['gamma_L', 'gamma_R']
        """
        out = set()
        for r in self.reservoirs:
            out |= r.coupling_symbols()
        return out

    def reservoir(self, name: str):
        r"""The lead or bath called ``name``.

        Parameters
        ----------
        name : str
            Name of a lead or bath.

        Returns
        -------
        Reservoir or BosonicBath

        Raises
        ------
        ValueError
            If there is none called ``name``.

        Examples
        --------
        >>> from symqd.baths import Reservoir
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [Reservoir("L", "A"), Reservoir("R", "B")])
        >>> s.reservoir("R").dots
        ('B',)
        """
        for r in self.reservoirs:
            if r.name == name:
                return r
        raise ValueError(f"no reservoir or bath named {name!r}; they are {[r.name for r in self.reservoirs]}")
