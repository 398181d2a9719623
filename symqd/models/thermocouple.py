"""Paper 1: the quantum-dot thermocouple (Whitney, Sanchez, Haupt, Splettstoesser, Physica E 75, 257 (2016)).

Dot M sits between leads L and R and is capacitively coupled (``U_MH``, ``U_MC``) to dots H and C, which exchange
electrons with a hot reservoir H and a cold reservoir C; ``U_HC`` couples H and C (``math.inf``: the 6-state
model of Sec. 4). An optional probe P on dot M (Eq. (20)) models thermalisation.

Conventions (spec Sec. 1-2): k_B = hbar = 1, energies and rates in units of gamma; every current is positive
from the reservoir into the dots; ``mu_L = mu_H = mu_C = 0`` and the bias is ``mu_R`` itself, of either sign;
``P_gen = -mu_R I^N_R`` (Eq. (10)); ``J_in = J_H + J_C``, ``J_trans = J_H - J_C`` (Eq. (14)).

Parameters (a mapping; missing keys take the Fig. 2 values, unknown keys raise ``ValueError``):
``eps_M, eps_H, eps_C, U_MH, U_MC, U_HC, T_H, T_C, T_0, T_L, T_R, mu_R, gamma_H, gamma_C, gamma_L, gamma_R,
gamma_P, T_P, mu_P``. ``gamma_L``/``gamma_R`` are ``{(h, c): value}`` tables or the preset names ``"eq16"`` /
``"eq17"`` (Eqs. (16), (17)); ``T_L``, ``T_R`` default to ``T_0``; ``gamma_P = 0`` means no probe.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import sympy as sp

from symqd.currents import currents
from symqd.graph import steady_state
from symqd.master import MasterEquation
from symqd.system import Reservoir, System

__all__ = [
    "PARAMETER_NAMES",
    "FIG2",
    "FIG3",
    "FIG4",
    "COUPLING_PRESETS",
    "HC_KEYS",
    "build_system",
    "resolve_parameters",
    "symbolic",
    "SymbolicThermocouple",
]

#: occupations (h, c) of the upper dots, in the order used for coupling tables
HC_KEYS = ((0, 0), (0, 1), (1, 0), (1, 1))

PARAMETER_NAMES = (
    "eps_M", "eps_H", "eps_C", "U_MH", "U_MC", "U_HC",
    "T_H", "T_C", "T_0", "T_L", "T_R", "mu_R",
    "gamma_H", "gamma_C", "gamma_L", "gamma_R",
    "gamma_P", "T_P", "mu_P",
)  # fmt: skip


def _eq16(which: str) -> dict:
    """Eq. (16): gamma_L(h,c) = delta_h0 delta_c0, gamma_R(h,c) = 1 - delta_h0 delta_c0 (units of gamma)."""
    d = {k: 1.0 if k == (0, 0) else 0.0 for k in HC_KEYS}
    return d if which == "L" else {k: 1.0 - v for k, v in d.items()}


def _eq17(which: str) -> dict:
    """Eq. (17): gamma_L = (2 + delta_h0 delta_c0)/3, gamma_R = (3 - delta_h0 delta_c0)/3."""
    d = {k: 1.0 if k == (0, 0) else 0.0 for k in HC_KEYS}
    if which == "L":
        return {k: (2.0 + v) / 3.0 for k, v in d.items()}
    return {k: (3.0 - v) / 3.0 for k, v in d.items()}


COUPLING_PRESETS = {"eq16": _eq16, "eq17": _eq17}

#: Fig. 2 parameters (T_C left at T_0; sweep it): k_B T_H = 16, k_B T_0 = 8, Eq. (16) couplings
FIG2 = {
    "eps_M": 0.0, "eps_H": 0.0, "eps_C": 0.0, "U_MH": 3.0, "U_MC": 6.0, "U_HC": 100.0,
    "T_H": 16.0, "T_C": 8.0, "T_0": 8.0, "mu_R": 0.0,
    "gamma_H": 1.0, "gamma_C": 0.5, "gamma_L": "eq16", "gamma_R": "eq16",
    "gamma_P": 0.0, "T_P": 8.0, "mu_P": 0.0,
}  # fmt: skip
#: Fig. 3 parameters (also Fig. 5)
FIG3 = {**FIG2, "eps_M": 7.0, "eps_H": 7.0, "eps_C": 7.0, "U_MH": 5.0, "U_MC": 6.0, "U_HC": 3.0,
        "gamma_H": 0.5, "gamma_C": 1.0}
#: Fig. 4 parameters (Eq. (17) couplings)
FIG4 = {**FIG2, "eps_M": 6.0, "eps_H": 6.0, "eps_C": 6.0, "U_MH": 1.0, "U_MC": 12.0, "U_HC": 100.0,
        "gamma_H": 1.0, "gamma_C": 1.0, "gamma_L": "eq17", "gamma_R": "eq17"}


def build_system(*, uhc_infinite: bool = False, probe: bool = False) -> System:
    """The triple-dot :class:`~symqd.system.System` of Eqs. (1)-(4) (and (20) with ``probe``).

    Symbols: ``eps_M, eps_H, eps_C, U_MH, U_MC, U_HC`` (absent if ``uhc_infinite``), ``T_L, T_R, T_H, T_C``,
    ``mu_R`` (``mu_L = mu_H = mu_C = 0``), ``gamma_L_hc, gamma_R_hc`` for the four ``(h, c)``, ``gamma_H``,
    ``gamma_C`` and, with a probe, ``gamma_P, T_P, mu_P``.
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


def _coupling_table(name: str, value) -> dict:
    which = name[-1]
    if isinstance(value, str):
        if value not in COUPLING_PRESETS:
            raise ValueError(f"parameter {name!r}: unknown preset {value!r}; presets are {sorted(COUPLING_PRESETS)}")
        return COUPLING_PRESETS[value](which)
    if not isinstance(value, Mapping):
        raise ValueError(f"parameter {name!r} must be a mapping {{(h, c): value}} or a preset name, got {value!r}")
    keys = {tuple(k) for k in value}
    missing = [k for k in HC_KEYS if k not in keys]
    if missing:
        raise ValueError(f"parameter {name!r} misses the (h, c) entr{'y' if len(missing) == 1 else 'ies'} {missing}")
    extra = sorted(keys - set(HC_KEYS))
    if extra:
        raise ValueError(f"parameter {name!r} has invalid (h, c) key(s) {extra}; keys are {list(HC_KEYS)}")
    return {k: value[k] for k in HC_KEYS}


def resolve_parameters(params: Mapping | None = None) -> dict:
    """Fill defaults (Fig. 2), expand presets, default ``T_L = T_R = T_0``; validate names.

    Returns a flat dict in the symbol names of :func:`build_system` plus ``"U_HC"`` (possibly ``math.inf``),
    ``"T_0"`` and ``"gamma_P"``. Value checks (T > 0, gamma >= 0, shapes) happen in the numeric layer.
    """
    params = dict(params or {})
    unknown = sorted(set(params) - set(PARAMETER_NAMES))
    if unknown:
        raise ValueError(
            f"unknown parameter name(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(PARAMETER_NAMES)}"
        )
    p = {**FIG2, **params}
    p.setdefault("T_L", p["T_0"])
    p.setdefault("T_R", p["T_0"])
    out = {k: v for k, v in p.items() if k not in ("gamma_L", "gamma_R")}
    for name in ("gamma_L", "gamma_R"):
        for (h, c), v in _coupling_table(name, p[name]).items():
            out[f"{name}_{h}{c}"] = v
    return out


def uhc_is_infinite(value) -> bool:
    try:
        return bool(value == math.inf)
    except (TypeError, ValueError):
        return False


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

    def _form(self, expr, form: str):
        if form == "rates":
            return expr
        if form == "fermi":
            return expr.xreplace(self.fermi_rates)
        if form == "physical":
            return expr.xreplace(self.rates)
        raise ValueError(f"form must be 'rates', 'fermi' or 'physical', got {form!r}")

    def probability(self, state, form: str = "rates") -> sp.Expr:
        """Closed-form ``p_{mhc}`` (ratio of spanning-tree sums)."""
        return self._form(self.steady.probability(tuple(state)), form)

    def current(self, name: str, form: str = "rates", *, closed: bool = True) -> sp.Expr:
        """``name`` in ``IN_<res>``, ``IE_<res>``, ``J_<res>``, ``P``, ``dS_dt``; with ``closed`` the steady state is
        substituted for the ``p`` symbols (a ratio: numerator over the tree normalization)."""
        d = self.currents.as_dict()
        if name not in d:
            raise ValueError(f"unknown current {name!r}; available: {sorted(d)}")
        expr = d[name]
        if closed:
            expr = expr.xreplace(dict(zip(self.me.probability_symbols(), self.steady.probabilities().values())))
        return self._form(expr, form)


@lru_cache(maxsize=None)
def symbolic(uhc_infinite: bool = False, probe: bool = False) -> SymbolicThermocouple:
    """The symbolic thermocouple (8 states, or 6 with ``uhc_infinite``; optional probe P on dot M)."""
    return SymbolicThermocouple(bool(uhc_infinite), bool(probe))
