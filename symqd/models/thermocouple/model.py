"""The symbolic thermocouple: system of Eqs. (1)-(4) (and (20) with a probe), master equation, closed forms.

Also the addition energies of dot M (one source: :meth:`symqd.system.System.energy`) and the registry of this
package's caches (:func:`clear_caches`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import sympy as sp

from symqd.currents import currents
from symqd.graph import steady_state
from symqd.master import MasterEquation
from symqd.system import Reservoir, System

from .parameters import HC_KEYS

__all__ = [
    "build_system",
    "SymbolicThermocouple",
    "symbolic",
    "compiled",
    "addition_energy",
    "addition_energy_functions",
    "cached",
    "clear_caches",
    "CACHES",
]

#: every memoized function of the package (symbolic models, compiled numerics, Onsager closed forms); see
#: :func:`clear_caches`
CACHES: list = []


def cached(fn):
    r"""``functools.lru_cache(maxsize=None)`` registered in :data:`CACHES` (visible and clearable).

    Parameters
    ----------
    fn : callable
        A function of hashable arguments.

    Returns
    -------
    callable
        The memoized function (with ``cache_info`` / ``cache_clear``).

    Examples
    --------
    >>> @cached
    ... def square(x):
    ...     return x * x
    >>> square(3), square.cache_info().hits, square in CACHES
    (9, 0, True)
    >>> CACHES.remove(square)
    """
    c = lru_cache(maxsize=None)(fn)
    CACHES.append(c)
    return c


def clear_caches() -> None:
    """Empty every cache of :mod:`symqd.models.thermocouple` (models are rebuilt and recompiled on next use).

    Examples
    --------
    >>> from symqd.models import thermocouple as tc
    >>> tc.clear_caches()
    >>> [f.cache_info().currsize for f in tc.CACHES]  # doctest: +ELLIPSIS
    [0, ...]
    """
    for c in CACHES:
        c.cache_clear()


def build_system(*, uhc_infinite: bool = False, probe: bool = False) -> System:
    r"""The triple-dot :class:`~symqd.system.System` of paper 1 Eqs. (1)-(4) (and (20) with ``probe``).

    Symbols: ``eps_M, eps_H, eps_C, U_MH, U_MC, U_HC`` (absent if ``uhc_infinite``), ``T_L, T_R, T_H, T_C``,
    ``mu_R`` (``mu_L = mu_H = mu_C = 0``), ``gamma_L_hc, gamma_R_hc`` for the four ``(h, c)`` (Eq. (4a,b)),
    ``gamma_H``, ``gamma_C`` and, with a probe, ``gamma_P, T_P, mu_P``.

    Parameters
    ----------
    uhc_infinite : bool, optional
        ``U_HC = oo``: the 6-state model (Sec. 4), states with ``h = c = 1`` excluded.
    probe : bool, optional
        Attach the probe lead P to dot M (Eq. (20)).

    Returns
    -------
    System

    Examples
    --------
    >>> from symqd.master import MasterEquation
    >>> MasterEquation(build_system(uhc_infinite=True)).n
    6
    >>> [r.name for r in build_system(probe=True).leads]
    ['L', 'R', 'H', 'C', 'P']
    """
    U_HC = sp.oo if uhc_infinite else None
    res = [
        Reservoir("L", "M", mu=0, depends_on=("H", "C")),
        Reservoir("R", "M", depends_on=("H", "C")),
        Reservoir("H", "H", mu=0),
        Reservoir("C", "C", mu=0),
    ]
    if probe:
        res.append(Reservoir("P", "M"))
    return System.build(["M", "H", "C"], {("M", "H"): None, ("M", "C"): None, ("H", "C"): U_HC}, res)


@dataclass(frozen=True)
class SymbolicThermocouple:
    r"""The symbolic model: master equation, closed-form steady state and currents (paper 1 Eqs. (1)-(9)).

    Attributes (all sympy):

    * ``me`` — :class:`~symqd.master.MasterEquation` (``me.states`` are ``(m, h, c)`` tuples).
    * ``steady`` — :class:`~symqd.graph.SteadyState` in transition-rate symbols ``k_<res>_<from>_<to>``.
    * ``currents`` — :class:`~symqd.currents.Currents` in rate symbols and ``p_<mhc>`` symbols.
    * ``rates`` / ``fermi_rates`` — substitutions rate symbol -> ``gamma fermi(...)`` / ``gamma f_res(eps - mu)``.

    Methods give closed forms in the chosen representation: ``probability(state, form)``, ``current(name, form)``
    with ``form`` in ``{"rates", "fermi", "physical"}``. Use :func:`symbolic` (cached) rather than the constructor.

    Parameters
    ----------
    uhc_infinite : bool
        The 6-state model (``U_HC = oo``).
    probe : bool
        With the probe lead P on dot M.

    Examples
    --------
    >>> m = symbolic(uhc_infinite=True)
    >>> m.current("IN_R", form="fermi", closed=False).has(m.symbol("gamma_R_10"))
    True
    """

    uhc_infinite: bool
    probe: bool

    @cached_property
    def system(self) -> System:
        r"""The :class:`~symqd.system.System` (:func:`build_system`).

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.system.dot_names
        ('M', 'H', 'C')
        """
        return build_system(uhc_infinite=self.uhc_infinite, probe=self.probe)

    @cached_property
    def me(self) -> MasterEquation:
        r"""The :class:`~symqd.master.MasterEquation`; states are ``(m, h, c)`` tuples.

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.me.states[:3]
        ((0, 0, 0), (0, 0, 1), (0, 1, 0))
        """
        return MasterEquation(self.system)

    @cached_property
    def steady(self):
        r"""The closed-form steady state (spanning-tree sums, :func:`symqd.graph.steady_state`) in rate symbols.

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.steady.method, len(m.steady.numerators)
        ('trees', 6)
        """
        return steady_state(self.me, method="trees")

    @cached_property
    def currents(self):
        r"""The :class:`~symqd.currents.Currents` in rate symbols and ``p_<mhc>`` symbols (positive into the system).

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.currents.IN["H"]
        k_H_000_010*p_000 - k_H_010_000*p_010 + k_H_100_110*p_100 - k_H_110_100*p_110
        """
        return currents(self.me)

    @cached_property
    def rates(self) -> dict:
        r"""Rate symbol -> physical rate ``gamma fermi((dE - dN mu)/T)`` (paper 1 Eq. (4)).

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> len(m.rates)
        20
        """
        return self.me.physical_rates()

    @cached_property
    def fermi_rates(self) -> dict:
        r"""Rate symbol -> ``gamma f_res(eps - mu)`` (in) or ``gamma (1 - f_res(eps - mu))`` (out).

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.fermi_rates[m.me.rate_symbols[0]]
        gamma_L_00*f_L(eps_M)
        """
        return self.me.fermi_rates()

    def symbol(self, name: str) -> sp.Symbol:
        r"""The model's sympy symbol called ``name`` (e.g. ``"U_MH"``, ``"gamma_L_10"``, ``"T_H"``).

        Parameters
        ----------
        name : str
            A symbol name.

        Returns
        -------
        sympy.Symbol
            With the model's assumptions (e.g. positive temperatures).

        Raises
        ------
        ValueError
            If the model has no such symbol.

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.symbol("T_H").is_positive
        True
        >>> m.symbol("U_HC")
        Traceback (most recent call last):
        ...
        ValueError: the model has no symbol 'U_HC'
        """
        for s in self._all_symbols:
            if s.name == name:
                return s
        raise ValueError(f"the model has no symbol {name!r}")

    @cached_property
    def _all_symbols(self) -> set:
        out = set()
        for e in self.rates.values():
            out |= e.free_symbols
        for r in self.system.reservoirs:
            out |= r.mu.free_symbols | r.temperature.free_symbols
        return out

    @property
    def all_symbols(self) -> set:
        r"""Every parameter symbol of the model (levels, interactions, temperatures, chemical potentials, couplings).

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> len(m.all_symbols)
        18
        """
        return set(self._all_symbols)

    def _form(self, expr, form: str):
        if form == "rates":
            return expr
        if form == "fermi":
            return expr.xreplace(self.fermi_rates)
        if form == "physical":
            return expr.xreplace(self.rates)
        raise ValueError(f"form must be 'rates', 'fermi' or 'physical', got {form!r}")

    def probability(self, state, form: str = "rates") -> sp.Expr:
        r"""Closed-form ``p_{mhc}`` (ratio of spanning-tree sums, Kirchhoff / King-Altman).

        Parameters
        ----------
        state : tuple of int
            ``(m, h, c)``.
        form : {"rates", "fermi", "physical"}, optional
            Representation of the rates.

        Returns
        -------
        sympy expression

        Raises
        ------
        ValueError
            For an unknown ``form`` or state.

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> import sympy as sp
        >>> p = m.probability((0, 0, 0))
        >>> p.is_Mul and p.has(m.me.rate_symbols[0])
        True
        """
        return self._form(self.steady.probability(tuple(state)), form)

    def current(self, name: str, form: str = "rates", *, closed: bool = True) -> sp.Expr:
        r"""A current of paper 1 Eqs. (5)-(9) in closed form.

        Parameters
        ----------
        name : str
            ``IN_<res>``, ``IE_<res>``, ``J_<res>``, ``P`` or ``dS_dt`` (``res`` in L, R, H, C[, P]); currents are
            positive from the reservoir into the system, ``J = I^E - mu I^N``.
        form : {"rates", "fermi", "physical"}, optional
            Representation of the rates.
        closed : bool, optional
            Substitute the steady state for the ``p`` symbols (a ratio: numerator over the tree normalization).

        Returns
        -------
        sympy expression

        Raises
        ------
        ValueError
            For an unknown ``name`` or ``form``.

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.current("IN_H", closed=False)
        k_H_000_010*p_000 - k_H_010_000*p_010 + k_H_100_110*p_100 - k_H_110_100*p_110
        >>> m.current("IN_X")
        Traceback (most recent call last):
        ...
        ValueError: unknown current 'IN_X'; available: [...]
        """
        d = self.currents.as_dict()
        if name not in d:
            raise ValueError(f"unknown current {name!r}; available: {sorted(d)}")
        expr = d[name]
        if closed:
            expr = expr.xreplace(dict(zip(self.me.probability_symbols(), self.steady.probabilities().values())))
        return self._form(expr, form)

    def addition_energy(self, h: int, c: int) -> sp.Expr:
        r"""``E_{1hc} - E_{0hc}`` (paper 1 Eq. (1)): the energy an electron brings onto dot M.

        The upper dots H and C are in the occupation ``(h, c)``.

        Parameters
        ----------
        h, c : int
            Occupations of dots H and C.

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> m = symbolic(uhc_infinite=True)
        >>> m.addition_energy(0, 1)
        U_MC + eps_M
        """
        return addition_energy(h, c, uhc_infinite=self.uhc_infinite)


@cached
def symbolic(uhc_infinite: bool = False, probe: bool = False) -> SymbolicThermocouple:
    r"""The symbolic thermocouple (8 states, or 6 with ``uhc_infinite``; optional probe P on dot M); cached.

    Parameters
    ----------
    uhc_infinite : bool, optional
        ``U_HC = oo`` (paper 1 Sec. 4).
    probe : bool, optional
        Attach the probe lead P (Eq. (20)).

    Returns
    -------
    SymbolicThermocouple

    Examples
    --------
    >>> symbolic(uhc_infinite=True).me.n
    6
    """
    return SymbolicThermocouple(bool(uhc_infinite), bool(probe))


@cached
def compiled(uhc_infinite: bool = False, probe: bool = False):
    r"""The :class:`~symqd.numeric.CompiledModel` of :func:`symbolic` (cached per ``(uhc_infinite, probe)``).

    Parameters
    ----------
    uhc_infinite : bool, optional
        ``U_HC = oo`` (paper 1 Sec. 4).
    probe : bool, optional
        Attach the probe lead P (Eq. (20)).

    Returns
    -------
    CompiledModel

    Examples
    --------
    >>> cm = compiled(uhc_infinite=True)
    >>> cm.parameter_names[:4], len(cm.parameter_names)
    (('T_C', 'T_H', 'T_L', 'T_R'), 18)
    """
    from symqd.currents import currents
    from symqd.numeric import CompiledModel

    me = symbolic(bool(uhc_infinite), bool(probe)).me
    c = currents(me)
    mu_R = me.part("R").mu
    # the paper's combinations (Eqs. (10), (14)) are observables of the engine like the currents themselves
    paper = {"P_gen": -mu_R * c.IN["R"], "J_in": c.J["H"] + c.J["C"], "J_trans": c.J["H"] - c.J["C"]}
    return CompiledModel(me, observables=paper)


def addition_energy(h: int, c: int, *, uhc_infinite: bool = False) -> sp.Expr:
    r"""``E_{1hc} - E_{0hc} = eps_M + U_MH h + U_MC c`` from :meth:`System.energy` (paper 1 Eq. (1); one source).

    Parameters
    ----------
    h, c : int
        Occupations of dots H and C.
    uhc_infinite : bool, optional
        Use the 6-state model (``(1, 1)`` is then excluded).

    Returns
    -------
    sympy expression

    Raises
    ------
    ValueError
        For ``h = c = 1`` with ``uhc_infinite`` (the state is excluded).

    Examples
    --------
    >>> addition_energy(1, 0)
    U_MH + eps_M
    """
    system = symbolic(bool(uhc_infinite), True).system
    return system.energy((1, h, c)) - system.energy((0, h, c))


@cached
def addition_energy_functions(uhc_infinite: bool) -> tuple:
    r"""``((h, c), names, f)`` per allowed ``(h, c)``: lambdified :func:`addition_energy` (numpy); cached.

    Parameters
    ----------
    uhc_infinite : bool
        Leave out ``(1, 1)``.

    Returns
    -------
    tuple of ((int, int), tuple of str, callable)
        ``f(*values of names)`` gives the addition energy.

    Examples
    --------
    >>> hc, names, f = addition_energy_functions(True)[2]
    >>> hc, names, f(3.0, 0.5)
    ((1, 0), ('U_MH', 'eps_M'), 3.5)
    """
    out = []
    for h, c in HC_KEYS:
        if uhc_infinite and (h, c) == (1, 1):
            continue
        dE = addition_energy(h, c, uhc_infinite=uhc_infinite)
        syms = sorted(dE.free_symbols, key=lambda s: s.name)
        out.append(((h, c), tuple(s.name for s in syms), sp.lambdify(syms, dE, modules="numpy")))
    return tuple(out)
