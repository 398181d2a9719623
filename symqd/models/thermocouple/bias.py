"""The optimal bias of paper 1 (Figs. 2-6): ``mu_R`` maximizing the generated power ``P_gen = -mu_R I^N_R``
(Eq. (10)), and the curves the paper plots against ``T_C`` at that bias.

Numerics: a coarse scan of ``mu_R`` on a common grid (vectorized over all parameter points at once), then
Chandrupatla's bracketing maximization (:func:`symqd.solvers.maximize`, scipy) in the grid bracket around the best
grid point. With mpmath input the optimum is refined by :func:`mpmath.findroot` on ``dP_gen/dmu_R = 0``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import mpmath
import numpy as np

from symqd import solvers

from .numerics import evaluate_inner, evaluate_validated, transition_energies
from .parameters import Parameters, validate
from .probe import effective_temperature, self_consistent_probe, solve_probe

__all__ = ["optimal_bias", "power_curve", "NoGeneratedPowerWarning"]

#: P_gen / |mu_R| (the current I^N_R) below this multiple of the largest lead-R coupling counts as rounding noise
NOISE_RTOL = 256 * np.finfo(float).eps


class NoGeneratedPowerWarning(UserWarning):
    r"""P_gen <= 0 (up to rounding) at every bias: the device generates no power; ``(0, 0)`` is returned there.

    Issued by :func:`optimal_bias` (and :func:`power_curve`); constructed like any warning, from the message.

    Examples
    --------
    At equal temperatures there is nothing to convert:

    >>> import warnings
    >>> from symqd.models.thermocouple import FIG2
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     result = optimal_bias({**FIG2, "T_H": 8.0, "T_C": 8.0})
    >>> result, w[0].category.__name__
    ((0.0, 0.0), 'NoGeneratedPowerWarning')
    """


def _power(P: Parameters, probe: str):
    """``(power, scan)`` on the flat set ``P``, the probe re-solved if self-consistent.

    ``power(mu, idx, strict)``: ``P_gen`` at the biases ``mu`` of the points ``idx``; ``scan(grid)``: ``P_gen`` at
    every bias of ``grid`` for every point, shape ``(grid.size, n)``, ``-inf`` where the probe has no solution.
    The probe's Newton iteration starts from the last solution found for the same point (the scan's best grid
    bias, then the previous evaluation of the maximizer), and the scan continues Newton failures from the
    neighbouring bias (:func:`~.probe.solve_probe` ``scan_axis``); only starting points change, not the solution.
    ``P_gen`` comes from the closed form (:func:`~.numerics.evaluate_inner`): ``power`` takes the backend (the C
    kernel for the bracketing maximizer, numpy for the final polish); the scan (only its argmax is used) runs on
    the C kernel.
    """
    self_consistent = P.probe and probe == "self_consistent"
    n = P.shape[0]
    last = {"T": np.full(n, np.nan), "mu": np.full(n, np.nan)}

    def at_probe(sub, T, m, backend):
        ok = np.isfinite(T)
        sub = sub.with_values(T_P=np.where(ok, T, 1.0), mu_P=np.where(ok, m, 0.0))
        return np.where(ok, evaluate_inner(sub, ["P_gen"], backend=backend)["P_gen"], -np.inf)

    def power(mu, idx, strict=True, backend="numpy"):
        sub = P.take(idx).with_values(mu_R=mu)
        if self_consistent:
            T, m = solve_probe(sub, strict=strict, guess=(last["T"][idx], last["mu"][idx]))
            ok = np.isfinite(T)
            last["T"][idx[ok]], last["mu"][idx[ok]] = T[ok], m[ok]
            return at_probe(sub, T, m, backend)
        return evaluate_inner(sub, ["P_gen"], backend=backend)["P_gen"]

    def scan(grid):
        sub = P.with_values(mu_R=grid[:, None])
        if self_consistent:
            T, m = solve_probe(sub, strict=False, scan_axis=0)
            Pg = at_probe(sub, T, m, "c")
            best = np.argmax(Pg, axis=0)
            last["T"], last["mu"] = T[best, np.arange(n)], m[best, np.arange(n)]
            return Pg
        return np.broadcast_to(evaluate_inner(sub, ["P_gen"], backend="c")["P_gen"], (grid.size, n))

    return power, scan


#: Newton polish of the maximizer: finite-difference step, as a fraction of the bias-grid step min(T_L, T_R)/4
POLISH_STEP = 4e-3


def _newton_polish(power, mu, idx, h):
    r"""One Newton step on ``dP_gen/dmu_R = 0`` from ``mu`` (points ``idx``), with Richardson-extrapolated central
    differences of step ``h`` and ``2h`` (both derivatives to O(h^4)); returns ``(mu, P_gen(mu))``.

    A bracketing maximizer places a flat maximum only to about sqrt(rounding) of its scale (~1e-8); the Newton step
    on the derivative places it to about rounding x scale^2 / h (~1e-12 for h ~ 1e-3 of the temperature). The step
    is taken only where the curvature is negative, the step is shorter than ``h`` and the power does not drop.
    """
    offsets = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    F = power((mu[None, :] + offsets[:, None] * h).ravel(), np.tile(idx, offsets.size), strict=False)
    m2, m1, f0, p1, p2 = np.asarray(F, dtype=float).reshape(offsets.size, mu.size)
    with np.errstate(all="ignore"):
        slope = (4.0 * (p1 - m1) / (2.0 * h) - (p2 - m2) / (4.0 * h)) / 3.0
        curv = (4.0 * (p1 - 2.0 * f0 + m1) / h**2 - (p2 - 2.0 * f0 + m2) / (4.0 * h**2)) / 3.0
        step = -slope / curv
    good = np.isfinite(step) & (curv < 0) & (np.abs(step) < h)
    if not good.any():
        return mu, f0
    new = mu.copy()
    new[good] = mu[good] + step[good]
    fn = np.full(mu.size, -np.inf)
    fn[good] = power(new[good], idx[good], strict=False)
    keep = good & (fn >= f0)
    return np.where(keep, new, mu), np.where(keep, fn, f0)


def _bias_grid(P: Parameters, max_points: int = 2001) -> np.ndarray:
    """Common scan grid for mu_R: step min(T_L, T_R)/4, half-width (largest addition energy (Eq. (1)) + 8 max T)."""
    dE = transition_energies(P)
    spread = max(float(np.max(np.abs(v))) for v in dE.values())
    tmax = max(float(np.max(P.values[n])) for n in ("T_L", "T_R", "T_H", "T_C"))
    step = min(float(np.min(P.values["T_L"])), float(np.min(P.values["T_R"]))) / 4.0
    half = spread + 8.0 * tmax
    n = int(min(math.ceil(half / step), (max_points - 1) // 2))
    return np.linspace(-half, half, 2 * n + 1)


def _scalar(x):
    return float(x) if np.ndim(x) == 0 else x


def optimal_bias(params: Mapping | Parameters | None = None, *, probe: str = "self_consistent",
                 xtol: float = 1e-9):
    """``(mu_R_opt, P_max)``: the bias maximizing ``P_gen = -mu_R I^N_R`` (Eq. (10)) over ``mu_R`` of either sign.

    Parameters
    ----------
    params : mapping or Parameters
        ``mu_R`` is ignored (it is the unknown). Arrays (e.g. a sweep of ``T_C``) give arrays; mpmath numbers give
        mpmath results.
    probe : ``"self_consistent"`` or ``"fixed"``
        With ``gamma_P > 0``: re-solve the probe's ``(T_P, mu_P)`` at every ``mu_R`` (default; spec assumption A4)
        or keep the given ``T_P``, ``mu_P``.
    xtol : float in (0, 0.1]
        Relative tolerance on ``mu_R_opt``.

    Returns
    -------
    mu_R_opt, P_max
        Where no bias generates power (``P_gen <= 0`` up to rounding everywhere), ``(0, 0)`` with a
        :class:`NoGeneratedPowerWarning`.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2, optimal_bias
    >>> mu, P = optimal_bias({**FIG2, "T_C": 4.0})
    >>> bool(P > 0)
    True
    """
    xtol = solvers.check_tolerance("xtol", xtol, upper=0.1)
    if probe not in ("self_consistent", "fixed"):
        raise ValueError(f"probe must be 'self_consistent' or 'fixed', got {probe!r}")
    P = validate(params)
    if P.mp:
        return _optimal_bias_mp(P, probe, xtol)
    Pf = P.flat()
    n = Pf.shape[0]
    power, scan = _power(Pf, probe)
    grid = _bias_grid(P)
    idx_all = np.arange(n)
    with np.errstate(all="ignore"):
        Pg = scan(grid)
    i = np.argmax(Pg, axis=0)
    x_grid, P_grid = grid[i], Pg[i, idx_all]
    interior = (i > 0) & (i < grid.size - 1)
    lo, hi = grid[np.maximum(i - 1, 0)], grid[np.minimum(i + 1, grid.size - 1)]
    mu_opt, P_max = x_grid.copy(), P_grid.copy()
    k = np.nonzero(interior)[0]
    if k.size:
        # bracketing maximizer on the C kernel, then one Newton step on the numpy closed form
        xs, fs, ok = solvers.maximize(lambda x, j: power(x, k[j], backend="c"), lo[k], x_grid[k], hi[k],
                                      xrtol=xtol, xatol=xtol)
        h = POLISH_STEP * (grid[1] - grid[0])
        xs, fs = _newton_polish(power, np.where(ok, xs, x_grid[k]), k, h)
        better = np.isfinite(fs) & (fs >= P_grid[k])
        mu_opt[k[better]], P_max[k[better]] = xs[better], fs[better]
    # no generated power: the current at the optimum is below rounding of the gross lead-R flow
    gR = max(float(np.max(Pf.values[f"gamma_R_{h}{c}"])) for h in (0, 1) for c in (0, 1))
    noise = ~(P_max > NOISE_RTOL * np.abs(mu_opt) * gR)
    if noise.any():
        warnings.warn(f"optimal_bias: no generated power at {int(noise.sum())} of {n} parameter point(s) "
                      "(P_gen <= 0 up to rounding for every mu_R); returning mu_R_opt = 0, P_max = 0 there",
                      NoGeneratedPowerWarning, stacklevel=2)
        mu_opt[noise], P_max[noise] = 0.0, 0.0
    return _scalar(mu_opt.reshape(P.shape)), _scalar(P_max.reshape(P.shape))


def _optimal_bias_mp(P: Parameters, probe: str, xtol: float):
    """mpmath: float optimum, then ``dP/dmu = 0`` by :func:`mpmath.findroot` (secant) at the working precision."""
    mu_f, P_f = optimal_bias(validate(P.source, mp=False), probe=probe, xtol=xtol)
    if P_f == 0.0:
        return mpmath.mpf(0), mpmath.mpf(0)
    self_consistent = P.probe and probe == "self_consistent"

    def power(mu):
        Q = P.with_values(mu_R=mu)
        if self_consistent:
            T, m = self_consistent_probe(Q)
            Q = Q.with_values(T_P=T, mu_P=m)
        return evaluate_validated(Q)["P_gen"]

    with mpmath.workdps(mpmath.mp.dps + 10):
        mu0 = mpmath.mpf(mu_f)
        mu = mpmath.findroot(lambda m: mpmath.diff(power, m), (mu0, mu0 * (1 + mpmath.mpf(10) ** -6)),
                             tol=mpmath.mpf(10) ** (-2 * mpmath.mp.dps + 30))
        Pm = power(mu)
    return +mu, +Pm


def power_curve(params: Mapping | Parameters | None, T_C, *, probe: str = "self_consistent",
                with_T_M: bool = True) -> dict:
    r"""Everything the paper plots against ``T_C`` (Figs. 2-6), at the optimal bias ``V_opt(T_C)``.

    Parameters
    ----------
    params : mapping or Parameters or None
        Thermocouple parameters (``T_C`` and ``mu_R`` are replaced).
    T_C : array_like
        Cold-reservoir temperatures (``k_B = 1``).
    probe : {"self_consistent", "fixed"}, optional
        As in :func:`optimal_bias`.
    with_T_M : bool, optional
        Also compute ``T_M``, ``eta_Carnot`` and ``carnot_bound``.

    Returns
    -------
    dict of numpy.ndarray
        ``T_C``, ``mu_R_opt``, all :func:`~.numerics.evaluate` currents at ``mu_R_opt`` (``P_gen``, ``J_in``,
        ``J_trans``, ``IE_alpha``, ``J_alpha``, ``IN_alpha``, ``dS_dt``; positive into the system), ``p``, with a
        self-consistent probe ``T_P``, ``mu_P``, and with ``with_T_M``: ``T_M``, ``eta_Carnot = 1 - T_0/T_M`` and
        ``carnot_bound = eta_Carnot J_in`` (Eq. (23); ``T_M`` from :func:`~.probe.effective_temperature` without
        probe, the self-consistent ``T_P`` with ``gamma_P > 0``).

    Raises
    ------
    ValueError
        For an invalid parameter or ``probe``.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd.models.thermocouple import FIG2, power_curve
    >>> c = power_curve(FIG2, np.array([4.0, 6.0]), with_T_M=False)
    >>> c["P_gen"].shape, bool((c["P_gen"] > 0).all())
    ((2,), True)
    """
    base = validate(params)
    P = base.with_values(T_C=np.asarray(T_C, dtype=float))
    mu_opt, _ = optimal_bias(P, probe=probe)
    at = P.with_values(mu_R=np.asarray(mu_opt))
    probe_on = P.probe and probe == "self_consistent"
    res = {"T_C": np.asarray(T_C, dtype=float), "mu_R_opt": np.asarray(mu_opt)}
    if probe_on:
        T, m = self_consistent_probe(at)
        at = at.with_values(T_P=T, mu_P=m)
        res["T_P"], res["mu_P"] = np.asarray(T), np.asarray(m)
    out = evaluate_validated(at)
    res.update({k: v for k, v in out.items() if k != "p"})
    res["p"] = out["p"]
    if with_T_M:
        T_M = res["T_P"] if probe_on else np.asarray(effective_temperature(at))
        res["T_M"] = T_M
        res["eta_Carnot"] = 1.0 - np.asarray(P.values["T_0"], dtype=float) / T_M
        res["carnot_bound"] = res["eta_Carnot"] * res["J_in"]
    return res
