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
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import mpmath
import numpy as np
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
    "compiled",
    "evaluate",
    "optimal_bias",
    "self_consistent_probe",
    "effective_temperature",
    "nonthermality",
    "carnot_bound",
    "power_curve",
    "ProbeNotConvergedError",
    "RESERVOIRS",
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


# ---------------------------------------------------------------------------------------------------------------
# Numerics (generated from the symbolic model through :class:`symqd.numeric.CompiledModel`)
# ---------------------------------------------------------------------------------------------------------------

#: reservoir names in the output of :func:`evaluate` (P entries are zero without a probe)
RESERVOIRS = ("L", "R", "H", "C", "P")
#: all eight states (m, h, c); the 6-state model (U_HC = oo) reports p = 0 for (m, 1, 1)
STATES = tuple((m, h, c) for m in (0, 1) for h in (0, 1) for c in (0, 1))
#: the probe coupling the paper uses for "gamma_P -> 0" when it defines T_M (Sec. 7)
GAMMA_P_WEAK = 1e-3


class ProbeNotConvergedError(RuntimeError):
    """The self-consistency conditions I^N_P = J_P = 0 have no (unique) solution or the solver did not converge."""


@lru_cache(maxsize=None)
def compiled(uhc_infinite: bool = False, probe: bool = False):
    """The :class:`~symqd.numeric.CompiledModel` of :func:`symbolic` (cached per ``(uhc_infinite, probe)``)."""
    from symqd.numeric import CompiledModel

    return CompiledModel(symbolic(bool(uhc_infinite), bool(probe)).me)


def _is_mp(v) -> bool:
    return type(v).__module__.startswith("mpmath")


def _uhc_mode(value) -> bool:
    """``True`` for U_HC = +inf (6-state model); ``ValueError`` if an array mixes inf and finite values."""
    if _is_mp(value):
        return bool(mpmath.isinf(value) and value > 0)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"parameter 'U_HC' must be a real number (or math.inf), got {value!r}") from None
    inf = np.isposinf(arr)
    if inf.all():
        return True
    if inf.any():
        raise ValueError("parameter 'U_HC' mixes math.inf (6-state model) with finite values; evaluate them separately")
    return False


def _probe_on(gamma_P) -> bool:
    if _is_mp(gamma_P):
        return bool(gamma_P > 0)
    try:
        return bool(np.any(np.asarray(gamma_P, dtype=float) > 0))
    except (TypeError, ValueError):
        raise ValueError(f"parameter 'gamma_P' must be a real number or array, got {gamma_P!r}") from None


def _check_user_values(r: dict, probe: bool) -> None:
    """Value checks in the user's parameter names (``gamma_L[(1, 0)]`` rather than the symbol ``gamma_L_10``)."""
    from symqd.params import check_finite, check_nonnegative, check_positive

    temps = ("T_H", "T_C", "T_0", "T_L", "T_R") + (("T_P",) if probe else ())
    for n in temps:
        check_finite(n, r[n])
        check_positive(n, r[n], "is a temperature and must be > 0")
    for n in ("gamma_H", "gamma_C", "gamma_P"):
        check_finite(n, r[n])
        check_nonnegative(n, r[n], "is a tunnel coupling and must be >= 0")
    for which in ("L", "R"):
        for h, c in HC_KEYS:
            label = f"gamma_{which}[({h}, {c})]"
            v = r[f"gamma_{which}_{h}{c}"]
            check_finite(label, v)
            check_nonnegative(label, v, "(coupling table entry (h, c) = " f"({h}, {c})) must be >= 0")


_TABLE_SYMBOL = re.compile(r"gamma_([LR])_(\d)(\d)")


def _user_message(msg: str) -> str:
    return _TABLE_SYMBOL.sub(lambda m: f"gamma_{m[1]}[({m[2]}, {m[3]})]", msg)


def _model_for(r: dict) -> tuple[bool, bool]:
    return _uhc_mode(r["U_HC"]), _probe_on(r["gamma_P"])


def evaluate(params: Mapping | None = None, *, backend: str = "numpy", method: str = "closed_form") -> dict:
    """Steady state and currents of the thermocouple (Eqs. (2)-(10), (14), (18)).

    Parameters
    ----------
    params : mapping
        See the module docstring; values are floats or numpy arrays broadcast together (``backend="numpy"``), or
        scalars (``backend="mpmath"``, evaluated at the current ``mpmath.mp.dps``; the solver works at >= 50 digits).
    backend : ``"numpy"`` or ``"mpmath"``
    method : ``"closed_form"`` (lambdified matrix-tree / elimination closed form) or ``"solver"`` (independent
        linear solve of the rate matrix).

    Returns
    -------
    dict
        ``"p"``: ``{(m, h, c): probability}`` for all eight states (``p = 0`` for ``(m, 1, 1)`` when
        ``U_HC = math.inf``); for ``alpha`` in L, R, H, C, P: ``"IN_alpha"``, ``"IE_alpha"``, ``"J_alpha"``
        (particle, energy, heat current *into the dots*, units gamma and gamma^2; zero for P without probe);
        ``"P_gen" = -mu_R IN_R`` (Eq. (10)), ``"J_in" = J_H + J_C``, ``"J_trans" = J_H - J_C`` (Eq. (14)),
        ``"dS_dt" = -sum_alpha J_alpha/T_alpha`` (total entropy production, >= 0).

    The model is the 6-state one if ``U_HC == math.inf`` and the 8-state one otherwise; the probe is attached
    when ``gamma_P > 0`` anywhere (with the given ``T_P``, ``mu_P``; see :func:`self_consistent_probe`).
    """
    r = resolve_parameters(params)
    inf, probe = _model_for(r)
    _check_user_values(r, probe)
    cm = compiled(inf, probe)
    values = {n: r[n] for n in cm.parameter_names}
    try:
        out = cm.evaluate(values, backend=backend, method=method)
    except ValueError as exc:
        raise ValueError(_user_message(str(exc))) from None
    return _assemble(out, r["mu_R"], backend)


def _assemble(out: dict, mu_R, backend: str) -> dict:
    if backend == "numpy":
        shape = np.shape(out["IN_R"])
        zero = np.zeros(shape)

        def arr(v):
            a = np.array(np.broadcast_to(v, shape), dtype=float)
            return a[()] if shape == () else a  # numpy scalar (np.float64) for a scalar point

        mu = np.asarray(mu_R, dtype=float)
    else:
        shape, zero = (), mpmath.mpf(0)

        def arr(v):
            return v

        mu = mu_R if _is_mp(mu_R) else mpmath.mpf(float(mu_R))
    res = {"p": {s: arr(out["p"][s]) if s in out["p"] else zero for s in STATES}}
    for a in RESERVOIRS:
        for q in ("IN", "IE", "J"):
            key = f"{q}_{a}"
            res[key] = arr(out[key]) if key in out else zero
    res["P_gen"] = arr(-mu * res["IN_R"])
    res["J_in"] = res["J_H"] + res["J_C"]
    res["J_trans"] = res["J_H"] - res["J_C"]
    res["dS_dt"] = arr(out["dS_dt"])
    return res


# -- the self-consistent probe (Sec. 6-7, Eqs. (20)-(22)) -----------------------------------------------------------


def _broadcast_shape(params: Mapping) -> tuple:
    r = resolve_parameters(params)
    shapes = [np.shape(v) for v in r.values() if not isinstance(v, str) and not _is_mp(v)]
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        evaluate(params)  # raises the engine's message naming the parameter
        raise


def _point(params: Mapping, shape: tuple, idx: tuple) -> dict:
    """The scalar parameter point ``idx`` of broadcast array parameters."""
    out = {}
    for k, v in params.items():
        if isinstance(v, Mapping):
            out[k] = {kk: float(np.broadcast_to(vv, shape)[idx]) for kk, vv in v.items()}
        elif isinstance(v, str) or _is_mp(v):
            out[k] = v
        else:
            out[k] = float(np.broadcast_to(np.asarray(v, dtype=float), shape)[idx])
    return out


def _probe_residual(params: Mapping, T_P, mu_P, gamma_P):
    out = evaluate({**params, "T_P": T_P, "mu_P": mu_P})
    return out["IN_P"] / gamma_P, out["J_P"] / gamma_P


def _solve_probe(params: Mapping, *, tol: float = 1e-11, maxiter: int = 60, strict: bool = True):
    """Vectorized damped Newton for ``I^N_P = J_P = 0`` in ``(log T_P, mu_P)``; returns arrays (NaN where failed
    if not ``strict``)."""
    params = dict(params or {})
    r = resolve_parameters(params)
    gP = np.asarray(r["gamma_P"], dtype=float)
    if not np.all(gP > 0):
        raise ValueError("parameter 'gamma_P' must be > 0 for a self-consistent probe (gamma_P = 0: no probe)")
    evaluate(params)  # validation of everything else, in the user's names
    shape = _broadcast_shape(params)
    T0 = np.broadcast_to(np.asarray(r["T_0"], dtype=float), shape)
    u = np.log(T0).copy()
    mu = np.zeros(shape)
    conv = np.zeros(shape, dtype=bool)
    bad = np.zeros(shape, dtype=bool)
    h = 1e-7
    with np.errstate(all="ignore"):
        for _ in range(maxiter):
            T = np.exp(u)
            Ts = np.stack([T, T * math.exp(h), T])
            ms = np.stack([mu, mu, mu + h * T])
            F1, F2 = _probe_residual(params, Ts, ms, gP)
            J11, J21 = (F1[1] - F1[0]) / h, (F2[1] - F2[0]) / h
            J12, J22 = (F1[2] - F1[0]) / (h * T), (F2[2] - F2[0]) / (h * T)
            det = J11 * J22 - J12 * J21
            du = -(J22 * F1[0] - J12 * F2[0]) / det
            dmu = -(-J21 * F1[0] + J11 * F2[0]) / det
            fail = ~(np.isfinite(du) & np.isfinite(dmu)) | (det == 0)
            # runaway: T_P -> oo or 0 means no positive-temperature solution (e.g. a population-inverted dot M)
            fail |= np.abs(u - np.log(T0)) > math.log(1e4)
            bad |= fail & ~conv
            now = (np.abs(du) <= tol) & (np.abs(dmu) <= tol * T) & ~bad
            scale = np.maximum(1.0, np.maximum(np.abs(du) / 0.5, np.abs(dmu) / (2.0 * T)))
            active = ~conv & ~bad
            u = np.where(active, u + du / scale, u)
            mu = np.where(active, mu + dmu / scale, mu)
            conv |= now
            if np.all(conv | bad):
                break
    T = np.exp(u)
    failed = ~conv
    if strict and np.any(failed):
        for idx in zip(*np.nonzero(failed)) if shape else [()]:
            sol = _solve_probe_scipy(_point(params, shape, idx))
            if sol is not None:
                if shape:
                    T[idx], mu[idx] = sol
                else:
                    T, mu = np.float64(sol[0]), np.float64(sol[1])
                failed[idx] = False
            else:
                raise ProbeNotConvergedError(
                    "self-consistent probe: no solution of I^N_P = J_P = 0 found (Newton and scipy.optimize.root "
                    f"did not converge; the conditions may be degenerate) at parameter point {idx} of shape {shape}"
                )
    if np.any(failed):
        T = np.where(failed, np.nan, T)
        mu = np.where(failed, np.nan, mu)
    return T, mu


def _solve_probe_scipy(point: dict):
    """Scalar fallback: ``scipy.optimize.root`` (hybr) from T_P = T_0, mu_P = 0; ``None`` unless converged."""
    from scipy.optimize import root

    r = resolve_parameters(point)
    gP, T0 = float(r["gamma_P"]), float(r["T_0"])

    def F(x):
        with np.errstate(all="ignore"):
            f1, f2 = _probe_residual(point, T0 * math.exp(x[0]), T0 * x[1], gP)
        return [float(f1), float(f2) / T0]

    try:
        sol = root(F, [0.0, 0.0], method="hybr", options={"xtol": 1e-13})
    except (ValueError, FloatingPointError):
        return None
    if not sol.success or not np.all(np.isfinite(sol.x)):
        return None
    res = F(sol.x)
    if max(abs(res[0]), abs(res[1])) > 1e-9:
        return None
    return T0 * math.exp(sol.x[0]), T0 * sol.x[1]


def _scalar(x):
    return float(x) if np.ndim(x) == 0 else x


def self_consistent_probe(params: Mapping | None = None, *, tol: float = 1e-11, maxiter: int = 60):
    """``(T_P, mu_P)`` with ``I^N_P = J_P = 0`` (Sec. 6, Eq. (20) with ``mu_P`` entering ``f_P`` like ``mu_R``).

    ``params`` must have ``gamma_P > 0``; the given ``T_P``, ``mu_P`` are ignored (unknowns). Vectorized damped
    Newton in ``(log T_P, mu_P)`` from ``T_P = T_0, mu_P = 0`` on the compiled closed form, with a
    ``scipy.optimize.root`` fallback per point. Raises :class:`ProbeNotConvergedError` if a point has no
    (unique) solution or does not converge — never returns an unconverged value.
    """
    T, mu = _solve_probe(params, tol=tol, maxiter=maxiter, strict=True)
    return _scalar(T), _scalar(mu)


def effective_temperature(params: Mapping | None = None):
    """``T_M = T_P|_{I_P = J_P = 0}`` for a weakly coupled probe, ``gamma_P = 1e-3`` (paper Sec. 7).

    Any ``gamma_P`` in ``params`` is replaced by :data:`GAMMA_P_WEAK`; ``mu_R`` is taken from ``params``.
    """
    T, _ = self_consistent_probe({**dict(params or {}), "gamma_P": GAMMA_P_WEAK})
    return T


@lru_cache(maxsize=None)
def _dot_m_energies(uhc_infinite: bool):
    """``E_{1hc} - E_{0hc}`` lambdified from :meth:`System.energy` (one source of truth for the energies)."""
    system = build_system(uhc_infinite=uhc_infinite, probe=True)
    out = []
    for h, c in HC_KEYS:
        if uhc_infinite and (h, c) == (1, 1):
            continue
        dE = system.energy((1, h, c)) - system.energy((0, h, c))
        syms = sorted(dE.free_symbols, key=lambda s: s.name)
        out.append(((h, c), [s.name for s in syms], sp.lambdify(syms, dE, modules="numpy")))
    return tuple(out)


def transition_energies(params: Mapping | None = None) -> dict:
    """``{(h, c): E_{1hc} - E_{0hc}}`` (the addition energies of dot M, Eq. (1))."""
    r = resolve_parameters(params)
    return {hc: f(*(r[n] for n in names)) for hc, names, f in _dot_m_energies(_uhc_mode(r["U_HC"]))}


def nonthermality(params: Mapping | None = None) -> dict:
    """``{(h, c): D_hc}`` of Eq. (22) at the self-consistent probe ``(T_P, mu_P)`` for the given ``gamma_P > 0``.

    ``D_hc = (p_1hc / p_0hc) exp[(E_1hc - E_0hc - mu_P)/T_P] - 1``; zero for a thermal state of dot M.
    With ``U_HC = math.inf`` the (1, 1) entry does not exist.
    """
    params = dict(params or {})
    T, mu = self_consistent_probe(params)
    out = evaluate({**params, "T_P": T, "mu_P": mu})
    dE = transition_energies(params)
    with np.errstate(over="ignore"):
        return {
            hc: _scalar(out["p"][(1, *hc)] / out["p"][(0, *hc)] * np.exp((dE[hc] - mu) / T) - 1.0) for hc in dE
        }


def carnot_bound(params: Mapping | None = None):
    """``eta_Carnot J_in`` with ``eta_Carnot = 1 - T_0/T_M`` (Eq. (23)), at the ``mu_R`` of ``params``.

    Without probe (``gamma_P = 0``): ``J_in`` of the bare thermocouple and ``T_M`` = :func:`effective_temperature`.
    With ``gamma_P > 0``: ``J_in`` with the self-consistent probe attached and ``T_M = T_P`` at that ``gamma_P``
    (Fig. 6, spec Sec. 2.8).
    """
    params = dict(params or {})
    r = resolve_parameters(params)
    if _probe_on(r["gamma_P"]):
        T, mu = self_consistent_probe(params)
        J_in = evaluate({**params, "T_P": T, "mu_P": mu})["J_in"]
    else:
        J_in = evaluate(params)["J_in"]
        T = effective_temperature(params)
    return _scalar((1.0 - np.asarray(r["T_0"], dtype=float) / T) * J_in)


# -- optimal bias ---------------------------------------------------------------------------------------------------


def _power_function(params: dict, probe: str):
    r = resolve_parameters(params)
    if _probe_on(r["gamma_P"]) and probe == "self_consistent":

        def power(mu, strict=True):
            p = {**params, "mu_R": mu}
            T, m = _solve_probe(p, strict=strict)
            ok = np.isfinite(T)
            P = evaluate({**p, "T_P": np.where(ok, T, 1.0), "mu_P": np.where(ok, m, 0.0)})["P_gen"]
            return np.where(ok, P, -np.inf)

        return power
    if probe not in ("self_consistent", "fixed"):
        raise ValueError(f"probe must be 'self_consistent' or 'fixed', got {probe!r}")

    def power(mu, strict=True):
        return evaluate({**params, "mu_R": mu})["P_gen"]

    return power


def _bias_grid(r: dict, shape: tuple, max_points: int = 2001) -> np.ndarray:
    """Common scan grid for mu_R: step min(T_L, T_R)/4, half-width (largest addition energy + 8 max T)."""
    A = lambda n: np.broadcast_to(np.asarray(r[n], dtype=float), shape)  # noqa: E731
    eps, umh, umc = A("eps_M"), A("U_MH"), A("U_MC")
    spread = np.max(np.abs(np.stack([eps, eps + umh, eps + umc, eps + umh + umc])))
    tmax = max(float(np.max(A(n))) for n in ("T_L", "T_R", "T_H", "T_C"))
    step = min(float(np.min(A("T_L"))), float(np.min(A("T_R")))) / 4.0
    half = spread + 8.0 * tmax
    n = int(min(math.ceil(half / step), (max_points - 1) // 2))
    return np.linspace(-half, half, 2 * n + 1)


def optimal_bias(params: Mapping | None = None, *, probe: str = "self_consistent", xtol: float = 1e-9):
    """``(mu_R_opt, P_max)``: the bias maximizing ``P_gen = -mu_R I^N_R`` over ``mu_R`` of either sign.

    Vectorized: array parameters (e.g. a sweep of ``T_C``) give arrays. Method: a coarse scan of ``mu_R`` on a
    common grid (step ``min(T_L, T_R)/4``, range beyond all addition energies + 8 max T) on the compiled closed
    form, then vectorized golden-section refinement in the bracket around the best grid point to ``xtol``
    (relative). With ``gamma_P > 0`` and ``probe="self_consistent"`` (default; spec assumption A4) the probe's
    ``(T_P, mu_P)`` are re-solved at every ``mu_R``; ``probe="fixed"`` uses the given ``T_P``, ``mu_P``.
    """
    params = dict(params or {})
    params.pop("mu_R", None)
    r = resolve_parameters(params)
    evaluate(params)  # validation
    shape = _broadcast_shape(params)
    power = _power_function(params, probe)
    grid = _bias_grid(r, shape)
    G = grid.reshape((-1,) + (1,) * len(shape))
    with np.errstate(all="ignore"):
        Pg = power(G, strict=False)
    i = np.argmax(Pg, axis=0)
    lo = grid[np.maximum(i - 1, 0)]
    hi = grid[np.minimum(i + 1, grid.size - 1)]
    x_grid, P_grid = grid[i], np.take_along_axis(Pg, i[None], axis=0)[0]
    g = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    f = power(np.stack([c, d]))
    fc, fd = f[0], f[1]
    for _ in range(200):
        if np.all(hi - lo <= xtol * (1.0 + np.abs(lo) + np.abs(hi))):
            break
        left = fc > fd
        hi, lo = np.where(left, d, hi), np.where(left, lo, c)
        x = np.where(left, hi - g * (hi - lo), lo + g * (hi - lo))
        fx = power(x)
        c, fc, d, fd = (np.where(left, x, d), np.where(left, fx, fd), np.where(left, c, x), np.where(left, fc, fx))
    best_x = np.where(fc >= fd, c, d)
    best_P = np.maximum(fc, fd)
    use_grid = P_grid > best_P
    mu_opt = np.where(use_grid, x_grid, best_x)
    P_max = np.where(use_grid, P_grid, best_P)
    return _scalar(mu_opt), _scalar(P_max)


def power_curve(params: Mapping | None, T_C, *, probe: str = "self_consistent", with_T_M: bool = True) -> dict:
    """Everything the paper plots against ``T_C`` (Figs. 2-6), at the optimal bias ``V_opt(T_C)``.

    Returns arrays: ``T_C``, ``mu_R_opt``, all :func:`evaluate` currents at ``mu_R_opt`` (``P_gen``, ``J_in``,
    ``J_trans``, ``IE_alpha``, ``J_alpha``, ``IN_alpha``, ``dS_dt``), and with ``with_T_M``: ``T_M``,
    ``eta_Carnot = 1 - T_0/T_M`` and ``carnot_bound = eta_Carnot J_in`` (Eq. (23); ``T_M`` from
    :func:`effective_temperature` without probe, the self-consistent ``T_P`` with ``gamma_P > 0``).
    """
    params = {**dict(params or {}), "T_C": np.asarray(T_C, dtype=float)}
    r = resolve_parameters(params)
    mu_opt, _ = optimal_bias(params, probe=probe)
    at = {**params, "mu_R": np.asarray(mu_opt)}
    probe_on = _probe_on(r["gamma_P"]) and probe == "self_consistent"
    res = {"T_C": params["T_C"], "mu_R_opt": np.asarray(mu_opt)}
    if probe_on:
        T, m = self_consistent_probe(at)
        at = {**at, "T_P": T, "mu_P": m}
        res["T_P"], res["mu_P"] = np.asarray(T), np.asarray(m)
    out = evaluate(at)
    res.update({k: v for k, v in out.items() if k != "p"})
    res["p"] = out["p"]
    if with_T_M:
        T_M = res["T_P"] if probe_on else np.asarray(effective_temperature(at))
        res["T_M"] = T_M
        res["eta_Carnot"] = 1.0 - np.asarray(r["T_0"], dtype=float) / T_M
        res["carnot_bound"] = res["eta_Carnot"] * res["J_in"]
    return res
from symqd.models.thermocouple_bridge import onsager_matrix  # noqa: E402,F401
