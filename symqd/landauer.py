r"""Landauer-Buttiker currents and Onsager coefficients — paper 2, Sec. 4 and Appendix C.

Conventions: spinless electrons, ``k_B = 1``, ``hbar = 1`` so ``h = 2 pi`` by default (pass ``h=1`` to absorb it);
reservoirs ``0 .. n-1`` in code are the paper's ``1 .. n``, the **last** one is the reference; a transmission
is a callable ``E -> (n, n)`` array with ``tau[i, j]`` = transmission from ``j`` to ``i`` (``tau_ij = tau_ji`` at
B = 0). Currents are positive from the reservoir into the system:

.. math:: J_i = \frac1h \sum_{j\ne i}\int dE\, \mathcal T_{ij}(E)[f_i(E) - f_j(E)],\qquad
          J^Q_i = \frac1h \sum_{j\ne i}\int dE\,(E-\mu_i)\,\mathcal T_{ij}(E)[f_i(E) - f_j(E)].

Linearising, ``f_i - f_n = (-df/dE) T [X^mu_i + (E - mu) X^T_i]``, so with the moments
``<eps^k>_ij = (T/h) int dE (-df/dE) tau_ij(E) (E - mu)^k`` (equations.md Sec. 3.11)

* ``L[(i,a),(i,b)] = sum_{j != i} <eps^(a+b)>_ij`` (diagonal blocks),
* ``L[(i,a),(j,b)] = -<eps^(a+b)>_ij`` (i != j, both non-reference),

``a, b in {0 (particle), 1 (heat)}``. :func:`onsager_from_moments` is the single place where this assembly is
written; it works on numbers and on sympy expressions alike. :func:`transmission_moments` uses ``scipy.integrate.quad``;
:func:`panel_moments` and :func:`currents` use fixed Gauss-Legendre panels on arrays (12- vs 24-point rules as the
error estimate); all with overflow-safe Fermi functions (``scipy.special.expit``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp
from scipy import integrate
from scipy.special import expit

from symqd.params import check_positive

__all__ = [
    "fermi",
    "minus_dfermi_dE",
    "onsager_from_moments",
    "transmission_moments",
    "onsager_matrix",
    "panel_breakpoints",
    "panel_moments",
    "IntegrationNotConverged",
    "currents",
    "onsager_by_differentiation",
]

H_DEFAULT = 2 * math.pi
#: half-width of the energy window in units of the largest temperature (-df/dE ~ e^-60 at the edges)
WINDOW = 60.0


def fermi(E, mu, T):
    """Fermi function ``1/(exp((E-mu)/T) + 1)``, overflow-free for any ``(E - mu)/T``.

    Parameters
    ----------
    E : float or array_like
        Energy.
    mu : float
        Chemical potential.
    T : float
        Temperature (k_B = 1), ``> 0`` (not checked).

    Returns
    -------
    numpy.ndarray or float
        Occupation, same shape as ``E``.

    Examples
    --------
    >>> from symqd import landauer
    >>> float(landauer.fermi(0.0, 0.0, 1.0)), landauer.fermi([-1e4, 1e4], 0.0, 1.0)
    (0.5, array([1., 0.]))
    """
    return expit(-(np.asarray(E, float) - mu) / T)


def minus_dfermi_dE(E, mu, T):
    """``-df/dE = f (1 - f) / T`` written with two ``expit`` so that it never overflows.

    Parameters
    ----------
    E : float or array_like
        Energy.
    mu : float
        Chemical potential.
    T : float
        Temperature (k_B = 1), ``> 0`` (not checked).

    Returns
    -------
    numpy.ndarray or float
        ``-df/dE``, same shape as ``E`` (integrates to 1 over ``E``).

    Examples
    --------
    >>> from symqd import landauer
    >>> float(landauer.minus_dfermi_dE(0.0, 0.0, 1.0))
    0.25
    """
    x = (np.asarray(E, float) - mu) / T
    return expit(x) * expit(-x) / T


def onsager_from_moments(moments: Sequence) -> np.ndarray | sp.Matrix:
    r"""Assemble the ``2(n-1)`` Onsager matrix from the moments ``<eps^k>_ij``, ``k = 0, 1, 2`` (Sec. 3.11).

    ``moments[k]`` is an ``(..., n, n)`` array (leading batch dimensions allowed) or an ``(n, n)`` sympy Matrix;
    only off-diagonal entries are used; the last reservoir is the reference. Returns a sympy Matrix if any moment
    is one, else a float array of shape ``(..., 2(n-1), 2(n-1))``.

    Parameters
    ----------
    moments : sequence of array_like or sympy.Matrix
        ``[<eps^0>, <eps^1>, <eps^2>]``, each ``(..., n, n)``.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``L`` ordered ``(X^mu_1, X^T_1, ..., X^mu_{n-1}, X^T_{n-1})`` (paper 2, Sec. 2).

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import landauer
    >>> off = np.array([[0., 1], [1, 0]])
    >>> landauer.onsager_from_moments([off, 0.2 * off, 3 * off])
    array([[1. , 0.2],
           [0.2, 3. ]])
    """
    symbolic = any(isinstance(m, sp.MatrixBase) for m in moments)
    n = moments[0].shape[-1]
    size = 2 * (n - 1)
    if symbolic:
        L = sp.zeros(size, size)
        get = lambda m, i, j: m[i, j]  # noqa: E731
    else:
        moments = [np.asarray(m, dtype=float) for m in moments]
        L = np.zeros(moments[0].shape[:-2] + (size, size))
        get = lambda m, i, j: m[..., i, j]  # noqa: E731
    for i in range(n - 1):
        for a in range(2):
            for j in range(n - 1):
                for b in range(2):
                    m = moments[a + b]
                    if i == j:
                        val = sum(get(m, i, k) for k in range(n) if k != i)
                    else:
                        val = -get(m, i, j)
                    if symbolic:
                        L[2 * i + a, 2 * j + b] = val
                    else:
                        L[..., 2 * i + a, 2 * j + b] = val
    return L


class IntegrationNotConverged(RuntimeError):
    """A quadrature did not reach its tolerance; the message says what to do instead.

    Raised by :func:`transmission_moments` and :func:`panel_moments`; a subclass of ``RuntimeError``.

    Examples
    --------
    >>> from symqd import landauer
    >>> issubclass(landauer.IntegrationNotConverged, RuntimeError)
    True
    """


def _quad(func, lo, hi, points, epsrel=1e-12):
    """``quad`` with break points; returns ``(value, error estimate)`` — callers check the estimate against the
    scale they care about (a QUADPACK warning is folded into a pessimistic estimate, never dropped)."""
    pts = None if not points else sorted(p for p in points if lo < p < hi) or None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", integrate.IntegrationWarning)
        val, err = integrate.quad(func, lo, hi, points=pts, epsabs=0.0, epsrel=epsrel, limit=2000)
    if any(issubclass(w.category, integrate.IntegrationWarning) for w in caught):
        err = max(err, 1e-8 * abs(val))
    return val, err


def transmission_moments(transmission: Callable, n: int, mu: float, T: float, *, h: float = H_DEFAULT,
                         points: Sequence[float] | None = None, kmax: int = 2,
                         rtol: float = 1e-10) -> list[np.ndarray]:
    """Moments ``<eps^k>_ij = (T/h) int dE (-df/dE) tau_ij(E) (E-mu)^k`` by adaptive quadrature (``k <= kmax``).

    ``points``: energies where the transmission is sharply peaked (resonances), passed to ``quad``. Raises
    :class:`IntegrationNotConverged` (a ``RuntimeError``) when an error estimate exceeds ``rtol`` of the moment's
    scale (``<eps^0>``, ``<eps^2>``, and ``sqrt(<eps^0><eps^2>)`` for ``k = 1``).

    Parameters
    ----------
    transmission : callable
        ``E -> (n, n)`` array, ``tau[i, j]`` = transmission from ``j`` to ``i`` (symmetric at B = 0; diagonal unused).
    n : int
        Number of reservoirs (the last one is the reference).
    mu : float
        Reference chemical potential.
    T : float
        Reference temperature (k_B = 1), ``> 0``.
    h : float, optional
        Planck constant (default ``2 pi``, i.e. hbar = 1), ``> 0``.
    points : sequence of float, optional
        Energies where the transmission is sharply peaked, passed to ``scipy.integrate.quad``.
    kmax : int, optional
        Highest moment (default 2).
    rtol : float, optional
        Relative tolerance of the quadrature error estimate.

    Returns
    -------
    list of numpy.ndarray
        ``kmax + 1`` symmetric ``(n, n)`` arrays with zero diagonal.

    Raises
    ------
    ValueError
        If ``T`` or ``h`` is not positive.
    IntegrationNotConverged
        If an error estimate exceeds ``rtol`` of the moment's scale.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import landauer
    >>> def tau(E):  # two terminals, Lorentzian transmission at E = 1
    ...     t = 0.5 / (1 + (np.asarray(E) - 1.0) ** 2)
    ...     return np.multiply.outer(t, 1 - np.eye(2))
    >>> [round(float(m[0, 1]), 4) for m in landauer.transmission_moments(tau, 2, 0.0, 1.0, h=1.0)]
    [0.2182, 0.1312, 0.326]
    """
    check_positive("T", T)
    check_positive("h", h)
    lo, hi = mu - WINDOW * T, mu + WINDOW * T
    out = [np.zeros((n, n)) for _ in range(kmax + 1)]
    errs = [np.zeros((n, n)) for _ in range(kmax + 1)]
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(kmax + 1):
                def integrand(E, i=i, j=j, k=k):
                    return minus_dfermi_dE(E, mu, T) * transmission(E)[i, j] * (E - mu) ** k
                val, err = _quad(integrand, lo, hi, points, epsrel=min(rtol, 1e-12))
                out[k][i, j] = out[k][j, i] = T / h * val
                errs[k][i, j] = errs[k][j, i] = T / h * err
    _check_converged(out, errs, rtol, "adaptive quadrature")
    return out


def _check_converged(moments, errs, rtol, what):
    scale = [np.abs(moments[0])]
    if len(moments) > 2:
        scale += [np.sqrt(np.abs(moments[0] * moments[2])), np.abs(moments[2])]
    for k in range(min(len(moments), len(scale))):
        bad = errs[k] > rtol * scale[k] + 1e-300
        if np.any(bad):
            i, j = np.argwhere(bad)[0]
            raise IntegrationNotConverged(
                f"{what} of the moment <eps^{k}>_{i + 1}{j + 1} did not converge (error estimate {errs[k][i, j]:.3g}"
                f" vs value {moments[k][i, j]:.3g}); use the closed form, or pass the resonances (position, width)")


#: Gauss-Legendre nodes and weights on [-1, 1] for the two panel rules compared by :func:`panel_moments`
_GL = {m: np.polynomial.legendre.leggauss(m) for m in (12, 24)}


def _gl_nodes(left: np.ndarray, right: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of the ``m``-point Gauss-Legendre rule on every panel ``[left_k, right_k]``, panel by
    panel (``m`` consecutive entries each)."""
    x, w = _GL[m]
    mid, half = (right + left) / 2, (right - left) / 2
    return (mid[:, None] + half[:, None] * x[None, :]).ravel(), (half[:, None] * w[None, :]).ravel()


def panel_breakpoints(mu: float, T: float, resonances: Sequence[tuple[float, float]] = ()) -> np.ndarray:
    """Panel edges on ``mu +- 60 T``: a uniform grid of spacing ``T/4``, plus edges at ``E_r +- w_r 3^j``
    (``j = 0, 1, ...``) around each resonance ``(E_r, w_r)`` (position, half-width) so that a peak of any width is
    resolved by panels of its own size.

    Parameters
    ----------
    mu : float
        Reference chemical potential (centre of the window).
    T : float
        Temperature (k_B = 1); the window is ``mu +- 60 T``.
    resonances : sequence of (float, float), optional
        ``(E_r, w_r)`` pairs; non-finite or non-positive widths are skipped.

    Returns
    -------
    numpy.ndarray
        Sorted unique panel edges.

    Examples
    --------
    >>> from symqd import landauer
    >>> len(landauer.panel_breakpoints(0.0, 1.0)), len(landauer.panel_breakpoints(0.0, 1.0, [(1.0, 1e-3)]))
    (481, 502)
    """
    lo, hi = mu - WINDOW * T, mu + WINDOW * T
    edges = [np.linspace(lo, hi, int(8 * WINDOW) + 1)]
    for E, w in resonances:
        if not (np.isfinite(E) and np.isfinite(w)) or w <= 0:
            continue
        jmax = int(np.ceil(np.log(max(2 * WINDOW * T + abs(E - mu), w) / w) / np.log(3))) + 1
        offs = w * 3.0 ** np.arange(jmax + 1)
        edges.append(E + np.concatenate([[0.0], offs, -offs]))
    e = np.unique(np.clip(np.concatenate(edges), lo, hi))
    return e


def panel_moments(transmission: Callable, n: int, mu: float, T: float, *, h: float = H_DEFAULT,
                  resonances: Sequence[tuple[float, float]] = (), rtol: float = 1e-10) -> list[np.ndarray]:
    """Moments ``<eps^k>_ij`` (k = 0, 1, 2) by fixed Gauss-Legendre panels (:func:`panel_breakpoints`).

    ``transmission`` must accept an array of energies and return ``E.shape + (n, n)``. The 12- and 24-point rules
    on the same panels are compared; a difference above ``rtol`` of the moment's scale raises
    :class:`IntegrationNotConverged`. Fast (one vectorised call of the transmission) and refined wherever a
    resonance is, however narrow.

    Parameters
    ----------
    transmission : callable
        Vectorised: energies of shape ``E.shape`` -> array ``E.shape + (n, n)``.
    n : int
        Number of reservoirs (the last one is the reference).
    mu : float
        Reference chemical potential.
    T : float
        Reference temperature (k_B = 1), ``> 0``.
    h : float, optional
        Planck constant (default ``2 pi``, i.e. hbar = 1), ``> 0``.
    resonances : sequence of (float, float), optional
        ``(position, half-width)`` of peaks of the transmission.
    rtol : float, optional
        Relative tolerance between the 12- and 24-point rules.

    Returns
    -------
    list of numpy.ndarray
        ``[<eps^0>, <eps^1>, <eps^2>]``, each ``(n, n)`` with zero diagonal.

    Raises
    ------
    ValueError
        If ``T`` or ``h`` is not positive.
    IntegrationNotConverged
        If the two rules differ by more than ``rtol`` of the moment's scale.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import landauer
    >>> def tau(E):  # two terminals, Lorentzian transmission at E = 1
    ...     t = 0.5 / (1 + (np.asarray(E) - 1.0) ** 2)
    ...     return np.multiply.outer(t, 1 - np.eye(2))
    >>> mom = landauer.panel_moments(tau, 2, 0.0, 1.0, h=1.0, resonances=[(1.0, 1.0)])
    >>> [round(float(m[0, 1]), 4) for m in mom]
    [0.2182, 0.1312, 0.326]
    """
    check_positive("T", T)
    check_positive("h", h)
    edges = panel_breakpoints(mu, T, resonances)
    results = []
    for m in (12, 24):
        E, W = _gl_nodes(edges[:-1], edges[1:], m)
        W = W * minus_dfermi_dE(E, mu, T)
        tau = np.asarray(transmission(E), dtype=float)
        results.append([T / h * np.einsum("e,eij->ij", W * (E - mu) ** k, tau) for k in range(3)])
    coarse, fine = results
    for k in range(3):
        np.fill_diagonal(fine[k], 0.0)
        np.fill_diagonal(coarse[k], 0.0)
    _check_converged(fine, [np.abs(f - c) for f, c in zip(fine, coarse)], rtol, "Gauss-Legendre panel quadrature")
    return fine


def onsager_matrix(transmission: Callable, n: int, mu: float = 0.0, T: float = 1.0, *, h: float = H_DEFAULT,
                   points: Sequence[float] | None = None) -> np.ndarray:
    """Linear-response Onsager matrix (ordering of :mod:`symqd.onsager`) from a transmission, by quadrature.

    Parameters
    ----------
    transmission : callable
        ``E -> (n, n)`` array, ``tau[i, j]`` = transmission from ``j`` to ``i`` (symmetric at B = 0; diagonal unused).
    n : int
        Number of reservoirs (the last one is the reference).
    mu : float, optional
        Reference chemical potential (default 0).
    T : float, optional
        Reference temperature (default 1), ``> 0``.
    h : float, optional
        Planck constant (default ``2 pi``, i.e. hbar = 1), ``> 0``.
    points : sequence of float, optional
        Energies where the transmission is sharply peaked, passed to ``scipy.integrate.quad``.

    Returns
    -------
    numpy.ndarray
        ``2(n-1) x 2(n-1)`` Onsager matrix, ordered ``(X^mu_1, X^T_1, ...)`` (paper 2, Sec. 2).

    Raises
    ------
    ValueError
        If ``T`` or ``h`` is not positive.
    IntegrationNotConverged
        If the quadrature does not converge.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import landauer
    >>> def tau(E):  # two terminals, Lorentzian transmission at E = 1
    ...     t = 0.5 / (1 + (np.asarray(E) - 1.0) ** 2)
    ...     return np.multiply.outer(t, 1 - np.eye(2))
    >>> landauer.onsager_matrix(tau, 2, h=1.0).round(4)
    array([[0.2182, 0.1312],
           [0.1312, 0.326 ]])
    """
    return onsager_from_moments(transmission_moments(transmission, n, mu, T, h=h, points=points))


#: Gauss-Legendre panel widths for :func:`currents`, in units of the temperature of the Fermi function that varies
#: there (its poles lie ``pi T`` off the real axis, so 12 nodes per panel of width ``T/2`` are exact to ~1e-20)
_CURRENT_PANEL = 0.5
#: geometric grading towards every ``points`` energy: panels ``p +- s 3^-j``, ``j = 0 .. _GRADING`` (``s`` the panel
#: width), so that a peak of any half-width down to ``s 3^-_GRADING ~ 1e-13 s`` centred there is resolved
_GRADING = 27
#: relative tolerance of the 12- vs 24-point comparison in :func:`currents`
_CURRENT_RTOL = 1e-10
#: rounds of halving the panels where the 12- and 24-point rules disagree, before IntegrationNotConverged
_MAX_REFINE = 40
#: at most this many panels (24 + 12 nodes each) in the adaptive refinement
_MAX_PANELS = 20_000


def _current_panel_edges(lo: float, hi: float, mus: np.ndarray, Ts: np.ndarray, points) -> np.ndarray:
    """Panel edges on ``[lo, hi]``: uniform of spacing ``<= max(T)/2``, refined to ``<= T_i/2`` on
    ``mu_i +- 60 T_i`` (where ``f_i`` is not constant to ``e^-60``), graded geometrically towards ``points``."""
    def grid(a, b, w):  # lo + k w covering [a, b]: grids of equal spacing coincide (no sliver panels)
        return lo + w * np.arange(np.floor((a - lo) / w), np.ceil((b - lo) / w) + 1)
    edges = [np.array([lo, hi]), grid(lo, hi, _CURRENT_PANEL * Ts.max())]
    edges += [grid(m - WINDOW * t, m + WINDOW * t, _CURRENT_PANEL * t) for m, t in zip(mus, Ts)]
    width = _CURRENT_PANEL * Ts.min()
    offs = width * 3.0 ** -np.arange(_GRADING + 1)
    for p in points or ():
        p = float(p)
        if np.isfinite(p) and lo < p < hi:
            edges.append(p + np.concatenate([[0.0], offs, -offs]))
    return np.unique(np.clip(np.concatenate(edges), lo, hi))


def _transmission_on(transmission: Callable, E: np.ndarray, n: int) -> np.ndarray:
    """``transmission`` at all energies ``E`` (1-d) as an ``(len(E), n, n)`` array: one vectorised call when the
    callable supports it (returns ``E.shape + (n, n)``), else one call per energy."""
    try:
        with np.errstate(all="ignore"):
            tau = np.asarray(transmission(E), dtype=float)
        if tau.shape == E.shape + (n, n):
            return tau
    except Exception:  # noqa: BLE001 - a scalar-only callable: evaluate point by point below
        pass
    return np.array([np.asarray(transmission(e), dtype=float) for e in E]).reshape(E.shape + (n, n))


def currents(transmission: Callable, mus: Sequence[float], Ts: Sequence[float], *, h: float = H_DEFAULT,
             points: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Nonlinear particle and heat currents ``(J, J^Q)`` into the system from every reservoir (paper 2, Sec. 4).

    ``mus``, ``Ts``: potentials and temperatures of all ``n`` reservoirs (``T_i > 0``).

    The integrals over ``E in [min mu - 60 max T, max mu + 60 max T]`` (where ``f_i - f_j`` falls below
    ``e^-60``) use fixed Gauss-Legendre panels on arrays: panels of width ``<= max(T)/2``, refined to
    ``<= T_i/2`` on ``mu_i +- 60 T_i``, and graded geometrically (ratio 3, down to ``1e-13`` of ``min(T)/2``)
    towards every energy in ``points``, so that a resonance of any width centred there is resolved. The 12- and
    24-point rules on the same panels are compared, and the panels where they disagree are halved (adaptively,
    only those re-evaluated) until the returned (24-point) currents carry a discretisation error below ``1e-10``
    of ``sum_j int |T_ij (f_i - f_j)|`` (times ``|E - mu_i|`` for ``J^Q``); if that fails within
    ``_MAX_REFINE`` rounds and ``_MAX_PANELS`` panels, :class:`IntegrationNotConverged` is raised. As for any
    quadrature, a peak much narrower than ``min(T)/2`` that is not listed in ``points`` and falls between the
    nodes of both rules can be missed by both; and since the energies handed to
    ``transmission`` are doubles, a peak of half-width ``w`` at ``E_r`` is resolved only to
    ``~ eps |E_r| / w`` relative (conditioning of the input, not covered by the rule comparison).

    Parameters
    ----------
    transmission : callable
        ``E -> (n, n)`` array, ``tau[i, j]`` = transmission from ``j`` to ``i`` (symmetric at B = 0; diagonal unused).
        Vectorised callables (energies ``E.shape`` -> ``E.shape + (n, n)``) are evaluated in one call; others once
        per node.
    mus : sequence of float
        Chemical potentials of all ``n`` reservoirs.
    Ts : sequence of float
        Temperatures of all ``n`` reservoirs, ``> 0``.
    h : float, optional
        Planck constant (default ``2 pi``, i.e. hbar = 1), ``> 0``.
    points : sequence of float, optional
        Energies where the transmission is sharply peaked (resonances); the panels are graded towards them.

    Returns
    -------
    J, JQ : numpy.ndarray
        Particle and heat currents, each of length ``n`` (positive into the system).

    Raises
    ------
    ValueError
        If ``Ts`` or ``h`` is not positive.
    IntegrationNotConverged
        If the 12- and 24-point panel rules still differ by more than ``1e-10`` of the scale above after the
        adaptive refinement.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import landauer
    >>> def tau(E):  # two terminals, Lorentzian transmission at E = 1
    ...     t = 0.5 / (1 + (np.asarray(E) - 1.0) ** 2)
    ...     return np.multiply.outer(t, 1 - np.eye(2))
    >>> J, JQ = landauer.currents(tau, [0.1, 0.0], [1.0, 1.0], h=1.0)
    >>> J.round(4), bool(abs(J.sum()) < 1e-12)
    (array([ 0.0221, -0.0221]), True)
    """
    mus, Ts = np.asarray(mus, float), np.asarray(Ts, float)
    check_positive("Ts", Ts)
    check_positive("h", h)
    n = len(mus)
    lo, hi = mus.min() - WINDOW * Ts.max(), mus.max() + WINDOW * Ts.max()
    edges = _current_panel_edges(lo, hi, mus, Ts, points)
    offdiag = ~np.eye(n, dtype=bool)

    def panels(left, right):
        """Per-panel contributions (panel, i) of the 24- and 12-point rules and of the |integrand| scales."""
        out = {}
        for m in (12, 24):
            E, W = _gl_nodes(left, right, m)
            tau = np.where(offdiag, _transmission_on(transmission, E, n), 0.0)  # (e, i, j), diagonal unused
            f = fermi(E[:, None], mus[None, :], Ts[None, :])                 # (e, i)
            dn = W[:, None, None] * tau * (f[:, :, None] - f[:, None, :])    # (e, i, j): T_ij (f_i - f_j) dE
            dq = (E[:, None] - mus[None, :])[:, :, None] * dn                # (E - mu_i) T_ij (f_i - f_j) dE
            shape = (left.size, m, n, n)
            out[m] = [a.reshape(shape).sum(axis=(1, 3)) for a in (dn, dq, np.abs(dn), np.abs(dq))]
        return out

    # adaptive: the panels where the two rules disagree are halved (only those are evaluated again) until the
    # totals agree; rows of ``parts`` follow the panels (left, right)
    left, right = edges[:-1], edges[1:]
    parts = panels(left, right)
    for _ in range(_MAX_REFINE + 1):
        (J12, Q12, _, _), (J24, Q24, Jabs, Qabs) = parts[12], parts[24]
        J, JQ, Jscale, Qscale = J24.sum(0), Q24.sum(0), Jabs.sum(0), Qabs.sum(0)
        bad_total = (np.abs(J - J12.sum(0)) > _CURRENT_RTOL * Jscale + 1e-300) | \
            (np.abs(JQ - Q12.sum(0)) > _CURRENT_RTOL * Qscale + 1e-300)
        if not bad_total.any():
            return J / h, JQ / h
        npan = left.size
        split = ((np.abs(J24 - J12) > 0.1 * _CURRENT_RTOL * Jscale / npan)
                 | (np.abs(Q24 - Q12) > 0.1 * _CURRENT_RTOL * Qscale / npan)).any(axis=1)
        if not split.any() or left.size + split.sum() > _MAX_PANELS:
            break
        mid = (left[split] + right[split]) / 2
        new_left, new_right = np.concatenate([left[split], mid]), np.concatenate([mid, right[split]])
        new = panels(new_left, new_right)
        keep = ~split
        left, right = np.concatenate([left[keep], new_left]), np.concatenate([right[keep], new_right])
        parts = {m: [np.concatenate([a[keep], b]) for a, b in zip(parts[m], new[m])] for m in (12, 24)}
    i = int(np.argmax(bad_total))
    raise IntegrationNotConverged(
        f"Gauss-Legendre panel quadrature of the currents of reservoir {i + 1} did not converge by adaptive panel "
        f"halving ({left.size} panels; at most {_MAX_REFINE} rounds and {_MAX_PANELS} panels); the transmission "
        f"is not resolved: pass its resonance energies as points, or check that it is a smooth function of E")


def onsager_by_differentiation(transmission: Callable, n: int, mu: float = 0.0, T: float = 1.0, *,
                               h: float = H_DEFAULT, points: Sequence[float] | None = None,
                               step: float = 1e-4) -> np.ndarray:
    """Independent check: ``L_ab = dJ_a/dX_b`` by central differences of the nonlinear :func:`currents`.

    Forces are applied exactly as ``mu_i = mu + T X^mu_i`` and ``1/T_i = 1/T - X^T_i`` (exact affinities).

    Parameters
    ----------
    transmission : callable
        ``E -> (n, n)`` array, ``tau[i, j]`` = transmission from ``j`` to ``i`` (symmetric at B = 0; diagonal unused).
    n : int
        Number of reservoirs (the last one is the reference).
    mu : float, optional
        Reference chemical potential (default 0).
    T : float, optional
        Reference temperature (default 1), ``> 0``.
    h : float, optional
        Planck constant (default ``2 pi``, i.e. hbar = 1), ``> 0``.
    points : sequence of float, optional
        Energies where the transmission is sharply peaked, passed to :func:`currents`.
    step : float, optional
        Finite-difference step in the forces.

    Returns
    -------
    numpy.ndarray
        ``2(n-1) x 2(n-1)`` Onsager matrix, same ordering as :func:`onsager_matrix`.

    Raises
    ------
    ValueError
        If a temperature or ``h`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import landauer
    >>> def tau(E):  # two terminals, Lorentzian transmission at E = 1
    ...     t = 0.5 / (1 + (np.asarray(E) - 1.0) ** 2)
    ...     return np.multiply.outer(t, 1 - np.eye(2))
    >>> L = landauer.onsager_by_differentiation(tau, 2, h=1.0)
    >>> bool(np.allclose(L, landauer.onsager_matrix(tau, 2, h=1.0), rtol=1e-5))
    True
    """
    size = 2 * (n - 1)
    L = np.zeros((size, size))
    for b in range(size):
        cols = []
        for sign in (+1, -1):
            X = np.zeros(size)
            X[b] = sign * step
            mus = np.full(n, float(mu))
            Ts = np.full(n, float(T))
            mus[:-1] += T * X[0::2]
            Ts[:-1] = 1.0 / (1.0 / T - X[1::2])
            J, JQ = currents(transmission, mus, Ts, h=h, points=points)
            flux = np.empty(size)
            flux[0::2], flux[1::2] = J[:-1], JQ[:-1]
            cols.append(flux)
        L[:, b] = (cols[0] - cols[1]) / (2 * step)
    return L
