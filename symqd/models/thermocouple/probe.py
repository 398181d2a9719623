"""The self-consistent probe of paper 1 (Secs. 6-7, Eqs. (20)-(23)): T_P, mu_P with I^N_P = J_P = 0, the effective
temperature T_M of dot M, the non-thermality D_hc (Eq. (22)) and the Carnot bound (Eq. (23)).

Numerics: a vectorized damped Newton method (:func:`symqd.solvers.newton2`) in ``(ln T_P/T_0, mu_P/T_0)`` with a
*scale-aware* convergence test (Newton step below ``tol``, or both residuals at the rounding level of the gross probe
flows they are differences of); the residuals come from the compiled closed form's C kernel
(:func:`~.numerics.evaluate_inner`). Iterates that run far out of the search range ``T_0 e^{+-ln 1e4}`` are
abandoned early. In scans (``scan_axis``) Newton failures are first retried from a converged neighbour. Points
still failing go, all together, to a bracketing fallback on scipy's elementwise root finders (for each T_P the
particle condition fixes mu_P by a bracketed root; the heat condition is then a bracketed root in ln T_P within
the range). That fallback first evaluates the heat condition (at the particle condition's mu_P) at the two ends of
the range only; where it has the same strict sign at both ends, the point is reported at once as having no
positive-temperature solution (e.g. a population-inverted dot M): :class:`ProbeNotConvergedError`. This is the
criterion the bracket search applied before, evaluated at its two decisive points instead of ~50 sampled ones per
side: an even number of roots strictly inside the range would be missed by both (the heat condition was monotone
in ln T_P wherever checked, and for a weak probe, whose state does not depend on T_P, it is monotone: the energy
of a fixed number of fermions rises with temperature).
With mpmath input everything is refined with :func:`mpmath.findroot` at the working precision (mpmath out).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import mpmath
import numpy as np

from symqd import solvers

from .model import cached, compiled
from .numerics import evaluate_inner, evaluate_validated, transition_energies
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
#: Newton iterations per attempt in a scan (solve_probe with scan_axis): the rest are continued from neighbours
SCAN_MAXITER = 10
#: mu_P - (addition energy) in units of T_P at which I^N_P is sampled to bracket its root
MU_STEPS = np.array([-12.0, 12.0])
#: Newton iterates with |ln T_P/T_0| beyond LOG_T_RANGE + this are abandoned to the bracketing fallback
RUNAWAY_MARGIN = 1.0


class ProbeNotConvergedError(ValueError, RuntimeError):
    r"""The self-consistency conditions I^N_P = J_P = 0 have no (unique) solution or the solver did not converge.

    A :class:`ValueError` (the parameters admit no positive-temperature probe: bad input, as everywhere in symqd)
    and, for code written against earlier versions, a :class:`RuntimeError`; the message names the parameter point
    (index into the broadcast shape). It is constructed like any exception, from the message.

    Examples
    --------
    >>> issubclass(ProbeNotConvergedError, ValueError), issubclass(ProbeNotConvergedError, RuntimeError)
    (True, True)
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
    ``mu_P = T_0 y`` for the points ``idx`` of the flat set ``Pf``.

    The gross scales (sum of the probe's rates times the occupation of their source states, over gamma_P, and that
    times the largest energy |E_1hc - E_0hc| + |mu_P| + T_P) are what the convergence test compares the residuals
    with. They are computed only where that test can pass, i.e. where the residuals are within RESIDUAL_RTOL of
    their upper bounds (each probe rate is at most gamma_P and the occupations sum to one: gross particle scale
    <= 1); elsewhere NaN (the test then fails there, as it would with the value)."""
    sub = Pf.take(idx)
    T0 = sub.values["T_0"]
    T = T0 * np.exp(x)
    mu = T0 * y
    Q = sub.with_values(T_P=T, mu_P=mu)
    # a root finder driving I_P, J_P to zero: only these outputs, C kernel, no mpmath recompute
    out = evaluate_inner(Q, ["p", "IN_P", "J_P"] if scales else ["IN_P", "J_P"])
    gP = Q.values["gamma_P"]
    f1, f2 = out["IN_P"] / gP, out["J_P"] / gP
    if not scales:
        return f1, f2, None, None
    dE = transition_energies(Q)
    width = np.max(np.abs(np.stack([np.broadcast_to(v, np.shape(T)) for v in dE.values()])), axis=0)
    energy = width + np.abs(mu) + T
    gross = np.full(np.shape(T), np.nan)
    k = np.nonzero((np.abs(f1) <= RESIDUAL_RTOL) & (np.abs(f2) <= RESIDUAL_RTOL * energy))[0]
    if k.size:
        Qk = Q.take(k)
        cm = compiled(Q.uhc_infinite, True)
        ks = cm.rates(Qk.model_values(cm.parameter_names))
        p = [np.broadcast_to(out["p"][s], np.shape(T))[k] for s in cm.me.states]
        gross[k] = sum(ks[r] * p[s] for r, s in _probe_transitions(Q.uhc_infinite)) / np.broadcast_to(gP, T.shape)[k]
    return f1, f2, gross, gross * energy


def _newton(Pf: Parameters, tol: float, maxiter: int, x0=None, y0=None):
    """Damped Newton from ``(x0, y0)`` (default ``(0, 0)``: ``T_P = T_0``, ``mu_P = 0``); ``(x, y, ok)``."""
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

    def runaway(x, y):
        # far outside the search range (a runaway T_P, typical where there is no solution): the fallback decides
        return ~(np.abs(x) <= LOG_T_RANGE + RUNAWAY_MARGIN)

    x0 = np.zeros(n) if x0 is None else np.where(np.isfinite(x0), x0, 0.0)
    y0 = np.zeros(n) if y0 is None else np.where(np.isfinite(y0), y0, 0.0)
    x, y, ok = solvers.newton2(F, x0, y0, converged=converged, step_limit=step_limit, maxiter=maxiter,
                               give_up=runaway)
    ok &= np.abs(x) <= LOG_T_RANGE
    return x, y, ok


def _bracketing(Pf: Parameters, idx: np.ndarray):
    """Fallback for the points ``idx``: nested bracketed roots (mu_P from I^N_P = 0 at each T_P, then T_P from
    J_P = 0). Returns ``(x, y, ok)`` for those points.

    First the heat condition is evaluated at the two ends ``x = +-LOG_T_RANGE`` of the search range only (points
    the bracket search of the full method also visits): where it has the same strict sign at both ends, the point
    is reported without solution at once (see the module docstring for what this can miss); the nested bracket
    search runs only on the other points, and a root it finds is a bracketed one.
    """

    def mu_star(x, gi):
        y = np.full(x.shape, np.nan)
        live = np.nonzero(np.isfinite(x))[0]
        if not live.size:
            return y
        xs, gs = x[live], gi[live]

        def f_in(yy, li):
            return _residuals(Pf, xs[li], yy, gs[li], scales=False)[0]

        # bracket: I^N_P at mu_P = (addition energy) + T_P * MU_STEPS for every addition energy, in one call (the
        # probe's Fermi function ranges from ~e^-12 to ~1 - e^-12 across them); the first - to + sign change
        sub = Pf.take(gs)
        T0 = np.broadcast_to(np.asarray(sub.values["T_0"], dtype=float), xs.shape)
        dE = np.stack([np.broadcast_to(v, xs.shape) for v in transition_energies(sub).values()], axis=1)
        cand = np.sort(((dE[:, :, None] + (T0 * np.exp(xs))[:, None, None] * MU_STEPS) / T0[:, None, None])
                       .reshape(xs.size, -1), axis=1)
        k = cand.shape[1]
        li = np.repeat(np.arange(xs.size), k)
        f = f_in(cand.ravel(), li).reshape(xs.size, k)
        change = (f[:, :-1] < 0) & (f[:, 1:] >= 0)
        has = change.any(axis=1)
        j = np.argmax(change, axis=1)
        rows = np.arange(xs.size)
        lo, hi = cand[rows, j], cand[rows, j + 1]
        yl = np.full(xs.size, np.nan)
        ok = np.zeros(xs.size, dtype=bool)
        h = np.nonzero(has)[0]
        if h.size:
            yl[h], _, ok[h] = solvers.find_root(lambda yy, i: f_in(yy, h[i]), lo[h], hi[h], xrtol=1e-14)
        r = np.nonzero(~has)[0]
        if r.size:  # no sign change among the candidates: grow a bracket from mu_P/T_0 = [-1, 1]
            xl, xr, okb = solvers.bracket_root(lambda yy, i: f_in(yy, r[i]), -np.ones(r.size), np.ones(r.size))
            yr, _, okr = solvers.find_root(lambda yy, i: f_in(yy, r[i]), xl, xr, xrtol=1e-14)
            yl[r], ok[r] = yr, okb & okr
        y[live] = np.where(ok, yl, np.nan)
        return y

    def heat(x, gi):
        y = mu_star(x, gi)
        good = np.isfinite(y)
        J = np.full(x.shape, np.nan)
        if good.any():
            with np.errstate(all="ignore"):
                J[good] = _residuals(Pf, x[good], y[good], gi[good], scales=False)[1]
        return J

    def f_heat(x, li):
        return heat(x, sub[li])

    m = idx.size
    x = np.full(m, np.nan)
    y = np.full(m, np.nan)
    ok = np.zeros(m, dtype=bool)
    with np.errstate(all="ignore"):
        J_ends = heat(np.repeat([-LOG_T_RANGE, LOG_T_RANGE], m), np.tile(idx, 2))
        J_lo, J_hi = J_ends[:m], J_ends[m:]
        search = ~(np.isfinite(J_lo) & np.isfinite(J_hi) & (J_lo * J_hi > 0))  # same strict sign: no solution
        if not search.any():
            return x, y, ok
        sub = idx[search]
        ms = sub.size
        xs = np.full(ms, np.nan)
        xl, xr, okb = solvers.bracket_root(f_heat, -0.1 * np.ones(ms), 0.1 * np.ones(ms), xmin=-LOG_T_RANGE,
                                           xmax=LOG_T_RANGE)
        okr = np.zeros(ms, dtype=bool)
        if okb.any():
            xr_, _, okr_ = solvers.find_root(lambda xx, li: f_heat(xx, np.nonzero(okb)[0][li]), xl[okb], xr[okb],
                                             xrtol=1e-13)
            xs[okb], okr[okb] = xr_, okr_
        oks = okb & okr & np.isfinite(xs)
        ys = np.full(ms, np.nan)
        if oks.any():
            ys[oks] = mu_star(xs[oks], sub[oks])
    oks &= np.isfinite(ys)
    x[search], y[search], ok[search] = xs, ys, oks
    return x, y, ok


def _continue_along(Pf: Parameters, shape: tuple, axis: int, x, y, ok, tol: float, maxiter: int):
    """Retry the Newton failures from a converged neighbour along ``axis`` of ``shape`` (the flat set ``Pf`` in C
    order), repeatedly while this converges new points; each point is tried at most once from each side.
    Updates ``x, y, ok`` in place."""
    n = x.size
    coord = np.unravel_index(np.arange(n), shape)[axis]
    stride = int(np.prod(shape[axis + 1:], dtype=int))
    length = shape[axis]
    tried = {-1: np.zeros(n, dtype=bool), 1: np.zeros(n, dtype=bool)}
    while True:
        new = False
        for side in (-1, 1):
            inside = (coord + side >= 0) & (coord + side < length)
            k = np.nonzero(~ok & inside & ~tried[side])[0]
            if k.size == 0:
                continue
            nb = k + side * stride
            k, nb = k[ok[nb]], nb[ok[nb]]
            if k.size == 0:
                continue
            tried[side][k] = True
            xk, yk, okk = _newton(Pf.take(k), tol, min(maxiter, SCAN_MAXITER), x[nb], y[nb])
            x[k[okk]], y[k[okk]], ok[k[okk]] = xk[okk], yk[okk], True
            new |= bool(okk.any())
        if not new:
            return


def solve_probe(P: Parameters, *, tol: float = 1e-11, maxiter: int = 60, strict: bool = True, guess=None,
                scan_axis: int | None = None):
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
    guess : tuple of two arrays, optional
        ``(T_P, mu_P)`` to start Newton from, broadcast to ``P.shape`` (e.g. the solution at a neighbouring
        bias in a scan); NaN entries start from ``(T_0, 0)``. Default: ``(T_0, 0)`` everywhere. Only the
        starting point changes, not what counts as converged.
    scan_axis : int, optional
        An axis of ``P.shape`` along which neighbouring points are close (a bias or temperature scan): Newton
        (at most ``min(maxiter, SCAN_MAXITER)`` iterations per attempt) failures are retried from a converged
        neighbour along it (continuation), and only the points still failing go to the bracketing fallback.
        Again only starting points change, not what counts as a solution.

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
    x0 = y0 = None
    if guess is not None:
        T0 = np.broadcast_to(np.asarray(P.values["T_0"], dtype=float), P.shape)
        with np.errstate(all="ignore"):
            x0 = np.log(np.broadcast_to(guess[0], P.shape) / T0).ravel()
            y0 = (np.broadcast_to(guess[1], P.shape) / T0).ravel()
    scan = scan_axis is not None and len(P.shape) > 0
    x, y, ok = _newton(Pf, tol, min(maxiter, SCAN_MAXITER) if scan else maxiter, x0, y0)
    if scan and not ok.all() and ok.any():
        _continue_along(Pf, P.shape, scan_axis % len(P.shape), x, y, ok, tol, maxiter)
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

