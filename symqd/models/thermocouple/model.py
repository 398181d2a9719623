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
    """``functools.lru_cache(maxsize=None)`` registered in :data:`CACHES` (visible and clearable)."""
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
    """The triple-dot :class:`~symqd.system.System` of Eqs. (1)-(4) (and (20) with ``probe``).

    Symbols: ``eps_M, eps_H, eps_C, U_MH, U_MC, U_HC`` (absent if ``uhc_infinite``), ``T_L, T_R, T_H, T_C``,
    ``mu_R`` (``mu_L = mu_H = mu_C = 0``), ``gamma_L_hc, gamma_R_hc`` for the four ``(h, c)``, ``gamma_H``,
    ``gamma_C`` and, with a probe, ``gamma_P, T_P, mu_P``.

    Examples
    --------
    >>> from symqd.master import MasterEquation
    >>> MasterEquation(build_system(uhc_infinite=True)).n
    6
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
    """The symbolic model: master equation, closed-form steady state and currents.

    Attributes (all sympy):

    * ``me`` — :class:`~symqd.master.MasterEquation` (``me.states`` are ``(m, h, c)`` tuples).
    * ``steady`` — :class:`~symqd.graph.SteadyState` in transition-rate symbols ``k_<res>_<from>_<to>``.
    * ``currents`` — :class:`~symqd.currents.Currents` in rate symbols and ``p_<mhc>`` symbols.
    * ``rates`` / ``fermi_rates`` — substitutions rate symbol -> ``gamma fermi(...)`` / ``gamma f_res(eps - mu)``.

    Methods give closed forms in the chosen representation: ``probability(state, form)``, ``current(name, form)``
    with ``form`` in ``{"rates", "fermi", "physical"}``.

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
        return build_system(uhc_infinite=self.uhc_infinite, probe=self.probe)

    @cached_property
    def me(self) -> MasterEquation:
        return MasterEquation(self.system)

    @cached_property
    def steady(self):
        return steady_state(self.me, method="trees")

    @cached_property
    def currents(self):
        return currents(self.me)

    @cached_property
    def rates(self) -> dict:
        return self.me.physical_rates()

    @cached_property
    def fermi_rates(self) -> dict:
        return self.me.fermi_rates()

    def symbol(self, name: str) -> sp.Symbol:
        """The model's sympy symbol called ``name`` (e.g. ``"U_MH"``, ``"gamma_L_10"``, ``"T_H"``)."""
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
        """Every parameter symbol of the model (levels, interactions, temperatures, chemical potentials, couplings)."""
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
        """Closed-form ``p_{mhc}`` (ratio of spanning-tree sums, Kirchhoff / King-Altman)."""
        return self._form(self.steady.probability(tuple(state)), form)

    def current(self, name: str, form: str = "rates", *, closed: bool = True) -> sp.Expr:
        """``name`` in ``IN_<res>``, ``IE_<res>``, ``J_<res>``, ``P``, ``dS_dt`` (Eqs. (5)-(9)); with ``closed`` the
        steady state is substituted for the ``p`` symbols (a ratio: numerator over the tree normalization)."""
        d = self.currents.as_dict()
        if name not in d:
            raise ValueError(f"unknown current {name!r}; available: {sorted(d)}")
        expr = d[name]
        if closed:
            expr = expr.xreplace(dict(zip(self.me.probability_symbols(), self.steady.probabilities().values())))
        return self._form(expr, form)

    def addition_energy(self, h: int, c: int) -> sp.Expr:
        """``E_{1hc} - E_{0hc}`` (Eq. (1)): the energy an electron brings onto dot M with the upper dots in (h, c)."""
        return addition_energy(h, c, uhc_infinite=self.uhc_infinite)


@cached
def symbolic(uhc_infinite: bool = False, probe: bool = False) -> SymbolicThermocouple:
    """The symbolic thermocouple (8 states, or 6 with ``uhc_infinite``; optional probe P on dot M).

    Examples
    --------
    >>> symbolic(uhc_infinite=True).me.n
    6
    """
    return SymbolicThermocouple(bool(uhc_infinite), bool(probe))


@cached
def compiled(uhc_infinite: bool = False, probe: bool = False):
    """The :class:`~symqd.numeric.CompiledModel` of :func:`symbolic` (cached per ``(uhc_infinite, probe)``)."""
    from symqd.numeric import CompiledModel

    return CompiledModel(symbolic(bool(uhc_infinite), bool(probe)).me)


def addition_energy(h: int, c: int, *, uhc_infinite: bool = False) -> sp.Expr:
    """``E_{1hc} - E_{0hc} = eps_M + U_MH h + U_MC c`` from :meth:`System.energy` (Eq. (1); one source).

    Examples
    --------
    >>> addition_energy(1, 0)
    U_MH + eps_M
    """
    system = symbolic(bool(uhc_infinite), True).system
    return system.energy((1, h, c)) - system.energy((0, h, c))


@cached
def addition_energy_functions(uhc_infinite: bool) -> tuple:
    """``((h, c), names, f)`` per allowed ``(h, c)``: lambdified :func:`addition_energy` (numpy and mpmath)."""
    out = []
    for h, c in HC_KEYS:
        if uhc_infinite and (h, c) == (1, 1):
            continue
        dE = addition_energy(h, c, uhc_infinite=uhc_infinite)
        syms = sorted(dE.free_symbols, key=lambda s: s.name)
        out.append(((h, c), tuple(s.name for s in syms), sp.lambdify(syms, dE, modules="numpy")))
    return tuple(out)
