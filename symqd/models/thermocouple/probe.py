"""The self-consistent probe of paper 1 (Secs. 6-7, Eqs. (20)-(23)): T_P, mu_P with I^N_P = J_P = 0, the effective
temperature T_M of dot M, the non-thermality D_hc (Eq. (22)) and the Carnot bound (Eq. (23)).

Numerics: a vectorized damped Newton method (:func:`symqd.solvers.newton2`) in ``(ln T_P/T_0, mu_P/T_0)`` with a
*scale-aware* convergence test (Newton step below ``tol``, or both residuals at the rounding level of the gross probe
flows they are differences of); points where it fails go, all together, to a bracketing fallback on scipy's
elementwise root finders (for each T_P the particle condition fixes mu_P by a bracketed root; the heat condition
is then a bracketed root in ln T_P within ``T_0 e^{+-ln 1e4}``). A point without a sign change there has no
positive-temperature solution (e.g. a population-inverted dot M) and raises :class:`ProbeNotConvergedError`.
With mpmath input everything is refined with :func:`mpmath.findroot` at the working precision (mpmath out).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import mpmath
import numpy as np

from symqd import solvers

from .model import cached, compiled
from .numerics import evaluate_validated, transition_energies
from .parameters import GAMMA_P_WEAK, Parameters, to_mpf, validate

__all__ = [
    "ProbeNotConvergedError",
    "self_consistent_probe",
    "effective_temperature",
    "nonthermality",
    "carnot_bound",
]

#: the search range of the probe temperature, T_0 * 1e-4 ... T_0 * 1e4 (a "runaway" beyond means no solution)
LOG_T_RANGE = math.log(1e4)
#: residuals at or below this multiple of their gross scale count as converged (rounding level of the closed form)
RESIDUAL_RTOL = 1e-13


class ProbeNotConvergedError(RuntimeError):
    r"""The self-consistency conditions I^N_P = J_P = 0 have no (unique) solution or the solver did not converge.

    A :class:`RuntimeError`; the message names the parameter point (index into the broadcast shape). It is
    constructed like any exception, from the message.

    Examples
    --------
    >>> issubclass(ProbeNotConvergedError, RuntimeError)
    True
    """


@cached
def _probe_transitions(uhc_infinite: bool) -> tuple:
    """``(rate index, source state index)`` of every probe transition of the compiled model."""
    cm = compiled(uhc_infinite, True)
    me = cm.me
    pos = {s: i for i, s in enumerate(me.rate_symbols)}
    return tuple((pos[t.symbol], me.index[t.source]) for t in me.transitions if t.reservoir == "P")


def _residuals(Pf: Parameters, x, y, idx, *, scales: bool = True):
    """``(IN_P/gamma_P, J_P/gamma_P, gross particle scale, gross heat scale)`` at ``T_P = T_0 e^x``,
    ``mu_P = T_0 y`` for the points ``idx`` of the flat set ``Pf``."""
    sub = Pf.take(idx)
    T0 = sub.values["T_0"]
    T = T0 * np.exp(x)
    mu = T0 * y
    Q = sub.with_values(T_P=T, mu_P=mu)
    out = evaluate_validated(Q, refine=False)  # a root finder driving I_P, J_P to zero: no mpmath recompute
    gP = Q.values["gamma_P"]
    if not scales:
        return out["IN_P"] / gP, out["J_P"] / gP, None, None
    cm = compiled(Q.uhc_infinite, True)
    ks = cm.rates(Q.model_values(cm.parameter_names))
    p = [out["p"][s] for s in cm.me.states]
    gross = sum(ks[k] * p[s] for k, s in _probe_transitions(Q.uhc_infinite)) / gP
    dE = transition_energies(Q)
    width = np.max(np.abs(np.stack([np.broadcast_to(v, np.shape(T)) for v in dE.values()])), axis=0)
    heat = gross * (width + np.abs(mu) + T)
    return out["IN_P"] / gP, out["J_P"] / gP, gross, heat


def _newton(Pf: Parameters, tol: float, maxiter: int):
    n = Pf.shape[0]

    def F(x, y, idx):
        # residuals at the base points and the two finite-difference points; gross scales at the base points only
        m = x.size // 3
        f1a, f2a, s1, s2 = _residuals(Pf, x[:m], y[:m], idx[:m])
        f1b, f2b, _, _ = _residuals(Pf, x[m:], y[m:], idx[m:], scales=False)
        pad = np.full(2 * m, np.nan)
        return (np.concatenate([f1a, f1b]), np.concatenate([f2a, f2b]), np.concatenate([s1, pad]),
                np.concatenate([s2, pad]))

    def converged(dx, dy, f1, f2, s1, s2, x, y):
        step = (np.abs(dx) <= tol) & (np.abs(dy) <= tol * np.exp(x))
        resid = (s1 > 0) & (np.abs(f1) <= RESIDUAL_RTOL * s1) & (np.abs(f2) <= RESIDUAL_RTOL * s2)
        return (step | resid) & (np.abs(x) <= LOG_T_RANGE)

    def step_limit(dx, dy, x, y):
        return np.maximum(1.0, np.maximum(np.abs(dx) / 0.5, np.abs(dy) / (2.0 * np.exp(x))))

    x, y, ok = solvers.newton2(F, np.zeros(n), np.zeros(n), converged=converged, step_limit=step_limit,
                               maxiter=maxiter)
    ok &= np.abs(x) <= LOG_T_RANGE
    return x, y, ok


def _bracketing(Pf: Parameters, idx: np.ndarray):
    """Fallback for the points ``idx``: nested bracketed roots (mu_P from I^N_P = 0 at each T_P, then T_P from
    J_P = 0). Returns ``(x, y, ok)`` for those points."""

    def mu_star(x, gi):
        y = np.full(x.shape, np.nan)
        live = np.isfinite(x)
        if not live.any():
            return y
        xs, gs = x[live], gi[live]

        def f_in(yy, li):
            return _residuals(Pf, xs[li], yy, gs[li], scales=False)[0]

        xl, xr, okb = solvers.bracket_root(f_in, -np.ones(xs.size), np.ones(xs.size))
        yl, _, okr = solvers.find_root(f_in, xl, xr, xrtol=1e-14)
        y[live] = np.where(okb & okr, yl, np.nan)
        return y

    def f_heat(x, li):
        gi = idx[li]
        y = mu_star(x, gi)
        good = np.isfinite(y)
        J = np.full(x.shape, np.nan)
        if good.any():
            with np.errstate(all="ignore"):
                J[good] = _residuals(Pf, x[good], y[good], gi[good], scales=False)[1]
        return J

    m = idx.size
    with np.errstate(all="ignore"):
        xl, xr, okb = solvers.bracket_root(f_heat, -0.1 * np.ones(m), 0.1 * np.ones(m), xmin=-LOG_T_RANGE,
                                           xmax=LOG_T_RANGE)
        x = np.full(m, np.nan)
        okr = np.zeros(m, dtype=bool)
        if okb.any():
            xr_, _, okr_ = solvers.find_root(lambda xx, li: f_heat(xx, np.nonzero(okb)[0][li]), xl[okb], xr[okb],
                                             xrtol=1e-13)
            x[okb], okr[okb] = xr_, okr_
        ok = okb & okr & np.isfinite(x)
        y = np.full(m, np.nan)
        if ok.any():
            y[ok] = mu_star(x[ok], idx[ok])
    ok &= np.isfinite(y)
    return x, y, ok


def solve_probe(P: Parameters, *, tol: float = 1e-11, maxiter: int = 60, strict: bool = True):
    r"""``(T_P, mu_P)`` with ``I^N_P = J_P = 0`` (paper 1 Eq. (20)) for a validated numpy-mode :class:`Parameters`.

    Arrays of shape ``P.shape``.

    Parameters
    ----------
    P : Parameters
        Validated, numpy mode, with ``gamma_P > 0`` at every point.
    tol : float, optional
        Newton step tolerance on ``ln T_P`` and ``mu_P/T_0``.
    maxiter : int, optional
        Newton iterations before the bracketing fallback.
    strict : bool, optional
        Raise at a point without solution (else NaN there).

    Returns
    -------
    T_P, mu_P : numpy.ndarray

    Raises
    ------
    ValueError
        If ``gamma_P`` is not ``> 0`` everywhere.
    ProbeNotConvergedError
        With ``strict``, at a point without a positive-temperature solution.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2, validate
    >>> T, mu = solve_probe(validate({**FIG2, "T_C": [4.0, 6.0], "gamma_P": 0.5}))
    >>> T.round(4).tolist(), mu.round(4).tolist()
    ([6.7422, 7.7891], [0.3708, 0.0658])
    """
    if not P.probe or not np.all(np.asarray(P.values["gamma_P"]) > 0):
        raise ValueError("parameter 'gamma_P' must be > 0 for a self-consistent probe (gamma_P = 0: no probe)")
    Pf = P.flat()
    x, y, ok = _newton(Pf, tol, maxiter)
    if not ok.all():
        bad = np.nonzero(~ok)[0]
        xb, yb, okb = _bracketing(Pf, bad)
        x[bad], y[bad], ok[bad] = xb, yb, okb
    T0 = np.broadcast_to(np.asarray(Pf.values["T_0"], dtype=float), x.shape)
    T, mu = T0 * np.exp(x), T0 * y
    if not ok.all():
        if strict:
            k = int(np.nonzero(~ok)[0][0])
            where = np.unravel_index(k, P.shape) if P.shape else ()
            raise ProbeNotConvergedError(
                "self-consistent probe: no solution of I^N_P = J_P = 0 with T_P in T_0 * [1e-4, 1e4] (no sign change "
                f"of the heat condition, or the conditions are degenerate) at parameter point {where} of shape "
                f"{P.shape}")
        T, mu = np.where(ok, T, np.nan), np.where(ok, mu, np.nan)
    return T.reshape(P.shape), mu.reshape(P.shape)


def _solve_probe_mp(P: Parameters, tol: float, maxiter: int):
    """mpmath refinement of the float solution with :func:`mpmath.findroot` (multidimensional Newton)."""
    Pfl = validate(P.source, mp=False)
    T_f, mu_f = solve_probe(Pfl, tol=tol, maxiter=maxiter)
    gP = P.values["gamma_P"]

    def F(T, mu):
        o = evaluate_validated(P.with_values(T_P=T, mu_P=mu))
        return [o["IN_P"] / gP, o["J_P"] / gP]

    T0 = P.values["T_0"]
    x = mpmath.findroot(lambda u, v: F(T0 * mpmath.exp(u), T0 * v),
                        (mpmath.log(mpmath.mpf(np.asarray(T_f).item()) / T0), mpmath.mpf(np.asarray(mu_f).item()) / T0),
                        tol=mpmath.mpf(10) ** (-2 * mpmath.mp.dps + 10), maxsteps=50)
    return T0 * mpmath.exp(x[0]), T0 * x[1]


def _scalar(x):
    return float(x) if np.ndim(x) == 0 else x


def self_consistent_probe(params: Mapping | Parameters | None = None, *, tol: float = 1e-11, maxiter: int = 60):
    r"""``(T_P, mu_P)`` with ``I^N_P = J_P = 0`` (Sec. 6, Eq. (20) with ``mu_P`` entering ``f_P`` like ``mu_R``).

    Parameters
    ----------
    params : mapping or Parameters
        Must have ``gamma_P > 0``; the given ``T_P``, ``mu_P`` are ignored (unknowns). Arrays give arrays; mpmath
        numbers give mpmath results at the working precision.
    tol : float in (0, 0.1]
        Newton step tolerance on ``ln T_P`` and ``mu_P/T_P``.
    maxiter : positive int
        Newton iterations before the bracketing fallback takes over.

    Returns
    -------
    T_P, mu_P : float, numpy.ndarray or mpmath.mpf
        Probe temperature and electrochemical potential (``k_B = 1``).

    Raises
    ------
    ValueError
        If ``gamma_P`` is not ``> 0``, or ``tol``/``maxiter`` or a parameter is invalid (the message names it).
    ProbeNotConvergedError
        A point has no positive-temperature (unique) solution; never returns an unconverged value.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2, self_consistent_probe
    >>> T, mu = self_consistent_probe({**FIG2, "T_C": 6.0, "gamma_P": 0.5})
    >>> 6.0 < T < 16.0
    True
    """
    tol = solvers.check_tolerance("tol", tol, upper=0.1)
    maxiter = solvers.check_maxiter("maxiter", maxiter)
    P = validate(params)
    if not P.probe:
        raise ValueError("parameter 'gamma_P' must be > 0 for a self-consistent probe (gamma_P = 0: no probe)")
    if P.mp:
        return _solve_probe_mp(P, tol, maxiter)
    T, mu = solve_probe(P, tol=tol, maxiter=maxiter)
    return _scalar(T), _scalar(mu)


def effective_temperature(params: Mapping | Parameters | None = None):
    r"""``T_M = T_P|_{I_P = J_P = 0}`` for a weakly coupled probe, ``gamma_P = 1e-3`` (paper 1 Sec. 7).

    Any ``gamma_P`` in ``params`` is replaced by 1e-3 (:data:`~.parameters.GAMMA_P_WEAK`, exact in mpmath);
    ``mu_R`` is taken from ``params``.

    Parameters
    ----------
    params : mapping or Parameters, optional
        Thermocouple parameters (missing ones: Fig. 2 values).

    Returns
    -------
    float, numpy.ndarray or mpmath.mpf
        The effective temperature of dot M (``k_B = 1``).

    Raises
    ------
    ValueError
        For an invalid parameter (the message names it).
    ProbeNotConvergedError
        If the weak probe has no self-consistent solution.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG3, effective_temperature
    >>> round(effective_temperature({**FIG3, "T_H": 5.0, "T_C": 5.0, "T_0": 5.0}), 9)
    5.0
    """
    P = validate(params)
    g = to_mpf(GAMMA_P_WEAK) if P.mp else float(GAMMA_P_WEAK)
    T, _ = self_consistent_probe(validate({**P.source, "gamma_P": g}, mp=P.mp))
    return T


def nonthermality(params: Mapping | Parameters | None = None) -> dict:
    r"""``{(h, c): D_hc}`` of paper 1 Eq. (22) at the self-consistent probe ``(T_P, mu_P)`` for the given ``gamma_P > 0``.

    ``D_hc = (p_1hc / p_0hc) exp[(E_1hc - E_0hc - mu_P)/T_P] - 1``; zero for a thermal state of dot M.
    With ``U_HC = math.inf`` the (1, 1) entry does not exist.

    Parameters
    ----------
    params : mapping or Parameters
        Thermocouple parameters with ``gamma_P > 0``.

    Returns
    -------
    dict of (int, int) to float, numpy.ndarray or mpmath.mpf

    Raises
    ------
    ValueError
        If ``gamma_P`` is not ``> 0`` or a parameter is invalid.
    ProbeNotConvergedError
        If the probe has no self-consistent solution.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG3, nonthermality
    >>> D = nonthermality({**FIG3, "T_H": 5.0, "T_C": 5.0, "T_0": 5.0, "gamma_P": 0.2})
    >>> max(abs(v) for v in D.values()) < 1e-9
    True
    """
    P = validate(params)
    T, mu = self_consistent_probe(P)
    Q = P.with_values(T_P=T, mu_P=mu)
    out = evaluate_validated(Q)
    dE = transition_energies(Q)
    if P.mp:
        return {hc: out["p"][(1, *hc)] / out["p"][(0, *hc)] * mpmath.exp((dE[hc] - mu) / T) - 1 for hc in dE}
    with np.errstate(over="ignore"):
        return {hc: _scalar(out["p"][(1, *hc)] / out["p"][(0, *hc)] * np.exp((dE[hc] - mu) / T) - 1.0) for hc in dE}


def carnot_bound(params: Mapping | Parameters | None = None):
    r"""``eta_Carnot J_in`` with ``eta_Carnot = 1 - T_0/T_M`` (paper 1 Eq. (23)), at the ``mu_R`` of ``params``.

    Without probe (``gamma_P = 0``): ``J_in`` of the bare thermocouple and ``T_M`` = :func:`effective_temperature`.
    With ``gamma_P > 0``: ``J_in`` with the self-consistent probe attached and ``T_M = T_P`` at that ``gamma_P``
    (Fig. 6, spec Sec. 2.8). ``J_in = J_H + J_C`` is positive into the system.

    Parameters
    ----------
    params : mapping or Parameters, optional
        Thermocouple parameters.

    Returns
    -------
    float, numpy.ndarray or mpmath.mpf
        The Carnot bound on the generated power (units of ``gamma`` x energy).

    Raises
    ------
    ValueError
        For an invalid parameter.
    ProbeNotConvergedError
        If the probe has no self-consistent solution.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2, carnot_bound
    >>> carnot_bound({**FIG2, "T_C": 2.4, "mu_R": 1.0}) > 0
    True
    """
    P = validate(params)
    if P.probe:
        T, mu = self_consistent_probe(P)
        J_in = evaluate_validated(P.with_values(T_P=T, mu_P=mu))["J_in"]
    else:
        J_in = evaluate_validated(P)["J_in"]
        T = effective_temperature(P)
    T0 = P.values["T_0"]
    if P.mp:
        return (1 - T0 / T) * J_in
    return _scalar((1.0 - np.asarray(T0, dtype=float) / T) * J_in)

