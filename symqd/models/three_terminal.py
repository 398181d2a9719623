r"""Paper 2's scattering models: a single level and a serial double dot, each coupled to three reservoirs.

Conventions: spinless, ``k_B = hbar = 1`` so ``h = 2 pi`` by default (``h`` is a keyword: with ``h=1`` the
integrals ``I_n`` below are the "T/h = 1" numbers of equations.md table 3.14, P2-10); wide-band couplings
``gamma_i`` (``Gamma_i = i(Sigma_i - Sigma_i^dagger) = gamma_i``); reservoir 3 is the reference; Onsager ordering of
:mod:`symqd.onsager`.

Single dot (paper 2, Sec. 4 and Appendix C)
-------------------------------------------
``tau_ij(E) = gamma_i gamma_j / ((E - E_d)^2 + Gamma^2/4)``, ``Gamma = gamma_1 + gamma_2 + gamma_3``, so
``<eps^k>_ij = gamma_i gamma_j I_k`` with

.. math:: I_n = \frac{T}{h}\int dE\,\Big(-\frac{\partial f}{\partial E}\Big)\frac{(E-\mu)^n}{(E-E_d)^2+\Gamma^2/4}.

Closed form (derived here from the Matsubara expansion ``-f'(E) = -T sum_n (E - i omega_n)^-2`` and closing the
contour in the lower half plane): with ``a = Gamma/2``, ``z = E_d - mu + i a`` and ``w = 1/2 - i z/(2 pi T)``,

.. math:: G(z)\equiv\int dE\,\frac{-f'(E)}{E-z} = \frac{i}{2\pi T}\,\psi'(w),\qquad
          I_0 = \frac{T}{h}\frac{\operatorname{Im}G}{a},\quad I_1 = \frac{T}{h}\frac{\operatorname{Im}(zG)}{a},\quad
          I_2 = \frac{T}{h}\Big(1 + \frac{\operatorname{Im}(z^2G)}{a}\Big).

The sympy expression (:func:`lorentzian_integrals_symbolic`) is the single source: it is lambdified to mpmath
(arbitrary precision) and to numpy (complex trigamma by recurrence + asymptotic series, :func:`trigamma`).

Double dot in series (Sec. 3.13)
--------------------------------
``H = E_L d_L^+ d_L + E_R d_R^+ d_R - t (d_L^+ d_R + h.c.)``; dot L couples to lead 1, dot R to lead 3, both to lead
2. Transmissions by Fisher-Lee ``tau_ij = Tr[Gamma_i G Gamma_j G^+]`` from the 2x2 retarded Green's function, derived
symbolically (:func:`double_dot_transmissions_symbolic`), lambdified for the numeric Onsager matrix (quadrature).
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from symqd import landauer
from symqd.params import check_finite, check_nonnegative, check_positive

__all__ = [
    "trigamma",
    "lorentzian_integrals_symbolic",
    "lorentzian_integrals",
    "single_dot_transmission",
    "single_dot_onsager",
    "single_dot_onsager_symbolic",
    "double_dot_transmissions_symbolic",
    "SEED_DOUBLE_DOT_TRANSMISSIONS",
    "double_dot_transmission",
    "double_dot_levels",
    "double_dot_onsager",
    "rational_onsager_moments",
]

H_DEFAULT = 2 * math.pi

# ---------------------------------------------------------------------------------------------------------------
# complex trigamma for numpy
# ---------------------------------------------------------------------------------------------------------------
_SHIFT = 16
# asymptotic psi'(w) ~ 1/w + 1/(2w^2) + sum_k B_2k / w^(2k+1)
_BERNOULLI = [sp.bernoulli(2 * k) for k in range(1, 9)]


def trigamma(w):
    r"""``psi'(w)`` for complex numpy arrays with ``Re w > 0``: shift ``w -> w + 16`` by the recurrence
    ``psi'(w) = psi'(w+1) + 1/w^2``, then the asymptotic (Bernoulli) series to order ``w^-17`` (~1e-17 relative).

    Written in powers of ``u = 1/w`` so that it neither overflows nor divides inf by inf for ``|w|`` up to the
    float range (``psi'(w) -> 1/w``).

    Parameters
    ----------
    w : complex or array_like
        Argument(s), ``Re w > 0``.

    Returns
    -------
    numpy.ndarray
        Complex ``psi'(w)``, same shape as ``w``.

    Examples
    --------
    >>> bool(abs(trigamma(1.0) - 3.14159265358979**2 / 6) < 1e-14)
    True
    """
    w = np.asarray(w, dtype=complex)
    acc = np.zeros_like(w)
    for k in range(_SHIFT):
        acc += (1.0 / (w + k)) ** 2
    u = 1.0 / (w + _SHIFT)
    u2 = u * u
    series = np.zeros_like(w)
    for b in reversed(_BERNOULLI):  # Horner in u^2: sum_k B_2k u^(2k+1)
        series = (series + float(b)) * u2
    series = u * (1.0 + 0.5 * u + series)
    return acc + series


def _numpy_polygamma(order, w):
    if order != 1:
        raise NotImplementedError("only the trigamma (order 1) is needed")
    return trigamma(w)


# ---------------------------------------------------------------------------------------------------------------
# single dot: closed-form Lorentzian integrals
# ---------------------------------------------------------------------------------------------------------------
Ed_s, mu_s = sp.symbols("E_d mu", real=True)
Gamma_s, T_s, h_s = sp.symbols("Gamma T h", positive=True)


@lru_cache(maxsize=None)
def lorentzian_integrals_symbolic():
    r"""``(I_0, I_1, I_2)`` as sympy expressions in ``E_d, mu, Gamma, T, h`` via ``polygamma(1, w)``.

    ``w = 1/2 + (Gamma/2 - i (E_d - mu))/(2 pi T)``; ``G = i psi'(w)/(2 pi T)``; see the module docstring.

    Returns
    -------
    tuple of sympy.Expr
        ``(I_0, I_1, I_2)`` (paper 2, Appendix C), cached.

    Examples
    --------
    >>> from symqd.models import three_terminal
    >>> I0, I1, I2 = three_terminal.lorentzian_integrals_symbolic()
    >>> sorted(str(s) for s in I0.free_symbols)
    ['E_d', 'Gamma', 'T', 'h', 'mu']
    """
    a = Gamma_s / 2
    z = Ed_s - mu_s + sp.I * a
    w = sp.Rational(1, 2) - sp.I * z / (2 * sp.pi * T_s)
    G = sp.I * sp.polygamma(1, sp.expand(w)) / (2 * sp.pi * T_s)
    pref = T_s / h_s
    I0 = pref * sp.im(G) / a
    I1 = pref * sp.im(sp.expand(z * G)) / a
    I2 = pref * (1 + sp.im(sp.expand(z**2 * G)) / a)
    return I0, I1, I2


@lru_cache(maxsize=None)
def _lorentzian_functions(backend: str):
    args = (Ed_s, Gamma_s, T_s, mu_s, h_s)
    exprs = list(lorentzian_integrals_symbolic())
    if backend == "mpmath":
        return sp.lambdify(args, exprs, modules="mpmath", cse=True)
    return sp.lambdify(args, exprs, modules=[{"polygamma": _numpy_polygamma}, "numpy"], cse=True)


def lorentzian_integrals(Ed, Gamma, T=1.0, mu=0.0, *, h=None, backend: str = "numpy"):
    r"""Closed-form ``(I_0, I_1, I_2)`` (see module docstring), lambdified from :func:`lorentzian_integrals_symbolic`.

    ``backend="numpy"`` broadcasts over arrays; ``backend="mpmath"`` evaluates at ``mpmath.mp.dps`` precision.
    Units: ``I_n`` has units energy^(n-2) x (T/h); ``Gamma > 0`` (full width), ``T > 0``; ``h=None`` means
    ``2 pi`` at the working precision of the backend.

    Parameters
    ----------
    Ed : float or array_like
        Level energy.
    Gamma : float or array_like
        Full width ``gamma_1 + gamma_2 + gamma_3``, ``> 0``.
    T : float or array_like, optional
        Temperature (default 1), ``> 0``.
    mu : float or array_like, optional
        Reference chemical potential (default 0).
    h : float, optional
        Planck constant (default ``2 pi``, i.e. hbar = 1).
    backend : {"numpy", "mpmath"}, optional
        Evaluation backend.

    Returns
    -------
    tuple
        ``(I_0, I_1, I_2)``: real arrays (numpy) or ``mpmath.mpf`` (mpmath).

    Raises
    ------
    ValueError
        If ``Gamma`` or ``T`` is not positive, or ``backend`` is unknown.

    Examples
    --------
    >>> from symqd.models import three_terminal
    >>> [round(float(x), 6) for x in three_terminal.lorentzian_integrals(2.0, 0.2, h=1.0)]   # P2-10
    [3.307242, 6.189203, 12.494771]
    """
    check_positive("Gamma", Gamma)
    check_positive("T", T)
    if backend not in ("numpy", "mpmath"):
        raise ValueError(f"backend must be 'numpy' or 'mpmath', got {backend!r}")
    f = _lorentzian_functions(backend)
    if backend == "mpmath":
        h = 2 * mpmath.pi if h is None else h
        vals = f(mpmath.mpf(Ed), mpmath.mpf(Gamma), mpmath.mpf(T), mpmath.mpf(mu), mpmath.mpf(h))
        return tuple(mpmath.re(v) for v in vals)
    h = H_DEFAULT if h is None else h
    vals = f(np.asarray(Ed, float), np.asarray(Gamma, float), np.asarray(T, float), np.asarray(mu, float),
             np.asarray(h, float))
    return tuple(np.real(v) for v in vals)


def single_dot_transmission(g1, g2, g3, Ed):
    """Callable ``E -> tau`` (paper 2, Appendix C): ``tau_ij = g_i g_j / ((E - Ed)^2 + (g1+g2+g3)^2/4)``.

    ``E`` scalar gives a ``(3, 3)`` array, an array ``E`` gives ``E.shape + (3, 3)`` (diagonal unused).

    Parameters
    ----------
    g1, g2, g3 : float
        Wide-band couplings ``gamma_i`` to reservoirs 1, 2, 3 (reservoir 3 the reference).
    Ed : float
        Level energy.

    Returns
    -------
    callable
        ``tau(E)``, symmetric ``(3, 3)`` per energy.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd.models import three_terminal
    >>> tau = three_terminal.single_dot_transmission(0.1, 0.1, 0.1, 0.0)
    >>> round(float(tau(0.0)[0, 2]), 4), tau(np.zeros(5)).shape
    (0.4444, (5, 3, 3))
    """
    g = np.array([g1, g2, g3], dtype=float)
    width = g.sum()
    gg = np.outer(g, g)

    def tau(E):
        E = np.asarray(E, dtype=float)
        return gg / ((E - Ed) ** 2 + width**2 / 4)[..., None, None]

    return tau


def _coupling_products(g1, g2, g3, symbolic=False):
    g = [g1, g2, g3]
    if symbolic:
        return sp.Matrix(3, 3, lambda i, j: g[i] * g[j] if i != j else 0)
    g = np.broadcast_arrays(*[np.asarray(x, float) for x in g])
    P = np.zeros(g[0].shape + (3, 3))
    for i in range(3):
        for j in range(3):
            if i != j:
                P[..., i, j] = g[i] * g[j]
    return P


def single_dot_onsager_symbolic(g1=None, g2=None, g3=None):
    r"""Symbolic single-dot ``L`` (paper 2, Appendix C) in terms of couplings and the integrals ``I_0, I_1, I_2``.

    Returns ``(L, (I0, I1, I2))``: ``L = A (x) [[I0, I1], [I1, I2]]`` assembled by
    :func:`symqd.landauer.onsager_from_moments` from ``<eps^k>_ij = gamma_i gamma_j I_k``.

    Parameters
    ----------
    g1, g2, g3 : sympy expression, optional
        Couplings; ``None`` (default) gives positive symbols ``gamma_1, gamma_2, gamma_3``.

    Returns
    -------
    L : sympy.Matrix
        4x4, ordering ``(J_1, J^Q_1, J_2, J^Q_2)`` of :mod:`symqd.onsager` (paper 2, Sec. 2).
    I : tuple of sympy.Symbol
        ``(I_0, I_1, I_2)``.

    Examples
    --------
    >>> from symqd.models import three_terminal
    >>> L, I = three_terminal.single_dot_onsager_symbolic()
    >>> L.shape, L[0, 0]
    ((4, 4), I_0*gamma_1*gamma_2 + I_0*gamma_1*gamma_3)
    """
    g = [x if x is not None else sp.Symbol(f"gamma_{i}", positive=True) for i, x in enumerate((g1, g2, g3), 1)]
    I = sp.symbols("I_0 I_1 I_2", real=True)
    P = _coupling_products(*g, symbolic=True)
    return landauer.onsager_from_moments([P * Ik for Ik in I]), I


def single_dot_onsager(g1, g2, g3, Ed, T=1, mu=0, *, h=H_DEFAULT, method: str = "closed_form"):
    r"""Single-dot three-terminal Onsager matrix, paper 2 Sec. 4 and Appendix C, numpy ``(..., 4, 4)``.

    ``L = A (x) [[I_0, I_1], [I_1, I_2]]`` with ``<eps^k>_ij = gamma_i gamma_j I_k``. ``method="closed_form"``
    evaluates the polygamma ``I_n`` of the module docstring through the pole/residue engine
    :func:`rational_onsager_moments` (rescaled, with an error bound per point and an mpmath fallback where float
    arithmetic would lose accuracy), vectorised over broadcast arrays; ``"quadrature"`` integrates on
    Gauss-Legendre panels refined around the resonance and raises ``RuntimeError`` if unconverged.

    Parameters
    ----------
    g1, g2, g3 : float or array
        Couplings ``gamma_i >= 0`` with ``g1 + g2 + g3 > 0``.
    Ed, mu : float or array
        Level and reference chemical potential (finite).
    T : float or array
        ``k_B T``, ``0 < T < inf``.
    h : float
        Planck's constant (default ``2 pi``; ``h=1`` gives the "T/h = 1" numbers of table 3.14, P2-10).
    method : {"closed_form", "quadrature"}
        Closed form (default) or Gauss-Legendre panel quadrature (:func:`symqd.landauer.panel_moments`).

    Returns
    -------
    numpy.ndarray
        Shape ``broadcast shape + (4, 4)``, positive semidefinite.

    Raises
    ------
    ValueError
        A parameter is NaN/inf, a string, or breaks its rule (named in the message, e.g. ``'g1'`` negative or
        ``'g1 + g2 + g3'`` zero), or ``method`` is unknown.

    Examples
    --------
    >>> from symqd import onsager
    >>> L = single_dot_onsager(0.1, 0.1, 0.1, 2.0)
    >>> round(float(onsager.figure_of_merit(L, [0.01, 0.0])), 5)   # P2-10: ZT = 8.2990871
    8.29909
    """
    _check_model_inputs(dict(g1=g1, g2=g2, g3=g3), dict(Ed=Ed), T, mu, h)
    check_positive("g1 + g2 + g3", np.asarray(g1, float) + np.asarray(g2, float) + np.asarray(g3, float),
                   "must be > 0 (the level must couple to some lead)")
    if method == "quadrature":
        return _quadrature_onsager("single", (g1, g2, g3, Ed), T, mu, h)
    if method != "closed_form":
        raise ValueError(f"method must be 'closed_form' or 'quadrature', got {method!r}")
    return rational_onsager_moments("single", (g1, g2, g3, Ed), T, mu, h=h)[0]


# ---------------------------------------------------------------------------------------------------------------
# input validation shared by both models
# ---------------------------------------------------------------------------------------------------------------
def _check_model_inputs(couplings, energies, T, mu, h, positive=()):
    """ValueError naming the parameter and the rule: couplings finite and >= 0 (``positive`` ones > 0), energies
    and ``mu`` finite, ``0 < T < inf``, ``0 < h < inf``, all broadcastable. Strings are refused (never parsed)."""
    for name, val in {**couplings, **energies, "T": T, "mu": mu, "h": h}.items():
        if isinstance(val, (str, bytes)) or (isinstance(val, np.ndarray) and val.dtype.kind in "USO"):
            raise ValueError(f"parameter {name!r} must be a real number or array of real numbers, got {val!r}")
        check_finite(name, val)
        if np.iscomplexobj(np.asarray(val)):
            raise ValueError(f"parameter {name!r} must be real, got {val!r}")
    for name, val in couplings.items():
        check_nonnegative(name, val, "must be >= 0 (a coupling rate)")
    for name in positive:
        check_positive(name, couplings[name], "must be > 0 (the dot must couple to its lead)")
    check_positive("T", T, "must be > 0 (a temperature)")
    check_positive("h", h, "must be > 0 (Planck's constant in the chosen units)")
    try:
        np.broadcast_shapes(*[np.shape(v) for v in (*couplings.values(), *energies.values(), T, mu)])
    except ValueError:
        raise ValueError("parameters " + ", ".join(map(repr, [*couplings, *energies, "T", "mu"]))
                         + " must broadcast together, got shapes "
                         + str([np.shape(v) for v in (*couplings.values(), *energies.values(), T, mu)])) from None
    if np.ndim(h):
        raise ValueError(f"parameter 'h' must be a scalar, got shape {np.shape(h)}")


def _resonances(model, p, mu):
    """``(position, half-width)`` of each pole (energies relative to ``mu``), in float."""
    if model == "single":
        g1, g2, g3, ed = p
        return [(ed - mu, (g1 + g2 + g3) / 2)]
    with mpmath.workdps(30):
        vals = [mpmath.mpf(float(x)) for x in p]
        vals[3], vals[4] = vals[3] - mpmath.mpf(float(mu)), vals[4] - mpmath.mpf(float(mu))
        poles, *_ = _poles_and_numerators("double", vals, _MpOps(), min_split=mpmath.mpf(0))
        return [(float(mpmath.re(lam)), float(-mpmath.im(lam))) for lam, _ in poles]


def _quadrature_onsager(model, params, T, mu, h, rtol=1e-10):
    """Onsager matrix by Gauss-Legendre panels refined geometrically around each resonance (scalars or arrays,
    looped); ``RuntimeError`` when the two panel rules disagree beyond ``rtol``."""
    arrs = np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in (*params, T, mu)])
    out = np.zeros(arrs[0].shape + (4, 4))
    for idx in np.ndindex(arrs[0].shape):
        *p, T0, mu0 = (float(a[idx]) for a in arrs)
        tau = single_dot_transmission(*p) if model == "single" else double_dot_transmission(*p)
        res = [(e + mu0, g) for e, g in _resonances(model, p, mu0)]
        moments = landauer.panel_moments(tau, 3, mu0, T0, h=h, resonances=res, rtol=rtol)
        out[idx] = landauer.onsager_from_moments(moments)
    return out


# ---------------------------------------------------------------------------------------------------------------
# double dot
# ---------------------------------------------------------------------------------------------------------------
E_s, EL_s, ER_s, t_s = sp.symbols("E E_L E_R t", real=True)
g_s = sp.symbols("gamma_1 gamma_2 gamma_3", positive=True)


def _double_dot_green():
    g1, g2, g3 = g_s
    Ginv = sp.Matrix([[E_s - EL_s + sp.I * (g1 + g2) / 2, t_s], [t_s, E_s - ER_s + sp.I * (g3 + g2) / 2]])
    Gammas = [sp.diag(g1, 0), sp.diag(g2, g2), sp.diag(0, g3)]
    return Ginv, Gammas


@lru_cache(maxsize=None)
def double_dot_transmissions_symbolic():
    r"""``{(1,2): tau_12, (1,3): tau_13, (2,3): tau_23}`` by Fisher-Lee from the 2x2 Green's function (sympy).

    ``G = [[E - E_L + i(g1+g2)/2, t], [t, E - E_R + i(g3+g2)/2]]^-1`` (hopping ``-t`` in ``H``),
    ``tau_ij = Tr[Gamma_i G Gamma_j G^+]`` simplified to a real rational function of ``E``.

    Returns
    -------
    dict
        ``{(i, j): tau_ij}`` for ``(1, 2), (1, 3), (2, 3)``, sympy expressions in ``E, E_L, E_R, t, gamma_1..3``
        (paper 2, Sec. 4 and Appendix C); cached.

    Examples
    --------
    >>> from symqd.models import three_terminal
    >>> taus = three_terminal.double_dot_transmissions_symbolic()
    >>> sorted(taus), sorted(str(s) for s in taus[(1, 3)].free_symbols)
    ([(1, 2), (1, 3), (2, 3)], ['E', 'E_L', 'E_R', 'gamma_1', 'gamma_2', 'gamma_3', 't'])
    """
    Ginv, Gammas = _double_dot_green()
    # G = adj(G^-1)/det, so Tr[Gamma_i G Gamma_j G^+] = Tr[Gamma_i adj Gamma_j adj^+] / |det|^2
    det = sp.expand(Ginv.det())
    adj = Ginv.adjugate()
    den = sp.expand(det * sp.conjugate(det))
    out = {}
    for i, j in ((1, 2), (1, 3), (2, 3)):
        num = sp.expand((Gammas[i - 1] * adj * Gammas[j - 1] * adj.H).trace())
        out[(i, j)] = sp.factor(sp.cancel(sp.expand_complex(num) / den))
    return out


def _abs_det2():
    g1, g2, g3 = g_s
    return ((E_s - EL_s) * (E_s - ER_s) - (g1 + g2) * (g3 + g2) / 4 - t_s**2) ** 2 + \
        ((E_s - EL_s) * (g3 + g2) / 2 + (E_s - ER_s) * (g1 + g2) / 2) ** 2


#: transmissions as printed in paper 2, Sec. 4 (seed text; equations.md Sec. 3.13), ``|det|^2`` written out in real form
SEED_DOUBLE_DOT_TRANSMISSIONS = {
    (1, 3): g_s[0] * g_s[2] * t_s**2 / _abs_det2(),
    (1, 2): g_s[0] * g_s[1] * ((E_s - ER_s) ** 2 + ((g_s[1] + g_s[2]) / 2) ** 2 + t_s**2) / _abs_det2(),
    (2, 3): g_s[1] * g_s[2] * ((E_s - EL_s) ** 2 + ((g_s[0] + g_s[1]) / 2) ** 2 + t_s**2) / _abs_det2(),
}


@lru_cache(maxsize=None)
def _double_dot_lambdified():
    taus = double_dot_transmissions_symbolic()
    args = (E_s, *g_s, EL_s, ER_s, t_s)
    return sp.lambdify(args, [taus[(1, 2)], taus[(1, 3)], taus[(2, 3)]], modules="numpy", cse=True)


def double_dot_transmission(g1, g2, g3, EL, ER, t):
    """Callable ``E -> tau`` of :func:`double_dot_transmissions_symbolic` (``E`` scalar: ``(3, 3)``; array:
    ``E.shape + (3, 3)``).

    Evaluated in factored form ``tau_ij = N_ij(E) / |(E - lambda_+)(E - lambda_-)|^2`` with the poles of
    :func:`rational_onsager_moments` (accurate widths), not from the expanded quartic ``|D(E)|^2``, which loses
    all digits near a narrow resonance (``|D|^2 ~ width^2`` from ``O(1)`` coefficients).

    Parameters
    ----------
    g1, g2, g3 : float
        Couplings: dot L to lead 1, both dots to lead 2, dot R to lead 3.
    EL, ER, t : float
        Dot levels and hopping.

    Returns
    -------
    callable
        ``tau(E)``, symmetric with zero diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd.models import three_terminal
    >>> tau = three_terminal.double_dot_transmission(0.1, 0.05, 0.1, 0.0, 0.0, 0.2)
    >>> round(float(tau(0.2)[0, 2]), 4), tau(np.zeros(5)).shape
    (0.4294, (5, 3, 3))
    """
    p = [float(x) for x in (g1, g2, g3, EL, ER, t)]
    with np.errstate(all="ignore"):
        poles, nums, _, _ = _poles_and_numerators("double", p, _NumpyOps())
    (lp, _), (lm, _) = poles

    def tau(E):
        E = np.asarray(E, dtype=float)
        den = np.abs((E - lp) * (E - lm)) ** 2
        out = np.zeros(E.shape + (3, 3))
        for (i, j), num in nums.items():
            out[..., i, j] = out[..., j, i] = np.real(num(E)[0]) / den
        return out

    return tau


def double_dot_levels(EL, ER, t):
    """Eigen-energies of the isolated double dot ``(EL+ER)/2 -+ sqrt(((EL-ER)/2)^2 + t^2)`` (resonances).

    Parameters
    ----------
    EL, ER : float
        Dot levels.
    t : float
        Hopping.

    Returns
    -------
    tuple of float
        ``(E_-, E_+)``.

    Examples
    --------
    >>> from symqd.models import three_terminal
    >>> [round(x, 4) for x in three_terminal.double_dot_levels(0.0, 0.0, 0.2)]
    [-0.2, 0.2]
    """
    c, r = (EL + ER) / 2, math.hypot((EL - ER) / 2, t)
    return c - r, c + r


def double_dot_onsager(g1, g2, g3, EL, ER, t, T=1, mu=0, *, h=H_DEFAULT, method: str = "closed_form"):
    r"""Double-dot three-terminal Onsager matrix, paper 2 Sec. 4 (serial double dot), numpy ``(..., 4, 4)``.

    The transmissions of the serial double dot (:func:`double_dot_transmissions_symbolic`; paper 2 Sec. 4,
    equations.md Sec. 3.13) are rational in ``E``: ``tau_ij = N_ij(E) / |D(E)|^2`` with ``D(E) = (E - lambda_+)(E - lambda_-)``,
    ``lambda_pm`` the (lower half-plane) eigenvalues of ``H - i Gamma/2``. The Onsager moments of the Landauer-Buttiker
    currents linearised (paper 2 Sec. 4 and Appendix C) are therefore sums over the four
    poles ``lambda_pm, lambda_pm^*`` of the residues times ``G(z) = int dE (-f'(E))/(E - z)`` (complex trigamma),
    see :func:`rational_onsager_moments`. This closed form is the default; points where the float evaluation would
    lose accuracy (narrow resonances far from ``mu``, near-degenerate poles, extreme ``T``/energy ratios) are
    recomputed from the same formula in ``mpmath`` at the precision they need, so the result is accurate to about
    ``1e-13`` relative (``1e-13 * sqrt(L_ii L_jj)`` for an entry) and positive semidefinite.

    Parameters
    ----------
    g1, g2, g3 : float or array
        Wide-band couplings of dot L to lead 1, both dots to lead 2, dot R to lead 3; ``g_i >= 0``, ``g1, g3 > 0``.
    EL, ER, t : float or array
        Dot levels and hopping (``H = E_L n_L + E_R n_R - t (d_L^+ d_R + h.c.)``); finite.
    T : float or array
        Reference temperature ``k_B T > 0`` (finite).
    mu : float or array
        Reference chemical potential (finite).
    h : float
        Planck's constant in the units used (default ``2 pi``, i.e. ``hbar = 1``); ``h > 0``.
    method : {"closed_form", "quadrature"}
        ``"quadrature"`` integrates the transmissions numerically on Gauss-Legendre panels refined around the
        resonances (:func:`symqd.landauer.panel_moments`) and raises ``RuntimeError`` if it has not converged.

    Returns
    -------
    numpy.ndarray
        ``L`` of shape ``broadcast shape + (4, 4)``, ordering ``(J_1, J^Q_1, J_2, J^Q_2)`` of :mod:`symqd.onsager`.

    Raises
    ------
    ValueError
        A parameter is NaN/inf or breaks its rule (named in the message), or ``L`` is not representable in float64.

    Examples
    --------
    >>> L = double_dot_onsager(0.2, 0.1, 0.2, 2.0, 3.0, 0.5)
    >>> from symqd import onsager
    >>> round(float(onsager.thermopower(L, 1.0)[0, 1]), 3)   # paper 2, P2-9 (gamma_2 = 0.1): e T S_12
    0.346
    """
    _check_model_inputs(dict(g1=g1, g2=g2, g3=g3), dict(EL=EL, ER=ER, t=t), T, mu, h, positive=("g1", "g3"))
    if method == "quadrature":
        return _quadrature_onsager("double", (g1, g2, g3, EL, ER, t), T, mu, h)
    if method != "closed_form":
        raise ValueError(f"method must be 'closed_form' or 'quadrature', got {method!r}")
    return rational_onsager_moments("double", (g1, g2, g3, EL, ER, t), T, mu, h=h)[0]


# ---------------------------------------------------------------------------------------------------------------
# closed form for rational transmissions: partial fractions over the poles + complex trigamma
# ---------------------------------------------------------------------------------------------------------------
_PAIRS = ((0, 1), (0, 2), (1, 2))
#: relative accuracy promised by the closed form (the float path hands over to mpmath beyond this)
CLOSED_FORM_RTOL = 1e-13
#: highest mpmath precision tried before refusing
MAX_DPS = 2000


class _NumpyOps:
    sqrt = staticmethod(np.sqrt)
    conj = staticmethod(np.conj)
    re = staticmethod(np.real)
    im = staticmethod(np.imag)
    abs = staticmethod(np.abs)
    where = staticmethod(np.where)
    eps = np.finfo(float).eps

    @staticmethod
    def trigamma(w):
        return trigamma(w)

    @staticmethod
    def pi():
        return np.pi


class _MpOps:
    sqrt = staticmethod(mpmath.sqrt)
    conj = staticmethod(mpmath.conj)
    re = staticmethod(mpmath.re)
    im = staticmethod(mpmath.im)

    @staticmethod
    def abs(x):
        return abs(x)

    @staticmethod
    def where(c, x, y):
        return x if c else y

    @staticmethod
    def trigamma(w):
        return mpmath.psi(1, w)

    @staticmethod
    def pi():
        return +mpmath.pi

    @property
    def eps(self):
        return mpmath.mpf(2) ** (-mpmath.mp.prec)


def _poles_and_numerators(model, p, ops, min_split=None):
    """Lower half-plane poles ``lambda`` (accurate imaginary parts), ``Q'(lambda)`` with ``Q = |D|^2``, and for
    each pair ``(i, j)`` a function ``E -> (N_ij(E), bound)`` (``bound >= |N_ij|`` term by term, for the
    error estimate). Energies are measured from ``mu``. Returns also a relative-error factor for ``Q'``."""
    if model == "single":
        g1, g2, g3, ed = p
        gs = (g1, g2, g3)
        lam = ed - 1j * (g1 + g2 + g3) / 2
        qprime = 2j * ops.im(lam)          # (lam - lam^*)
        nums = {pq: (lambda E, c=gs[pq[0]] * gs[pq[1]]: (c + 0 * E, ops.abs(c) + 0 * ops.abs(E))) for pq in _PAIRS}
        consts = {pq: gs[pq[0]] * gs[pq[1]] for pq in _PAIRS}
        return [(lam, qprime)], nums, consts, 1.0
    g1, g2, g3, eL, eR, t = p
    a, b = (g1 + g2) / 2, (g2 + g3) / 2
    d = (eL - eR) / 2 - 1j * (a - b) / 2
    c = (eL + eR) / 2 - 1j * (a + b) / 2
    s2 = d * d + t * t
    s = ops.sqrt(s2)
    # relative error of s from the cancellation in d^2 + t^2 (near an exceptional point of H - i Gamma/2)
    s_cond = (ops.abs(d) ** 2 + t * t) / ops.abs(s2) if min_split is None else 1.0
    if min_split is not None and ops.abs(s) < min_split:   # confluent poles: split them symmetrically (O(s^2))
        s = mpmath.mpc(min_split, 0)
    poles = []
    for sig in (1, -1):
        lam = c + sig * s
        u1, u2 = sig * s - d, sig * s + d      # right eigenvector (t, u1) or (u2, t): take the larger one
        big1 = ops.abs(u1) >= ops.abs(u2)
        n1 = ops.where(big1, t * t, ops.abs(u2) ** 2)
        n2 = ops.where(big1, ops.abs(u1) ** 2, t * t)
        # Im lambda = -<psi|Gamma/2|psi>/<psi|psi>: a sum of positive terms (accurate however narrow the level)
        den = n1 + n2      # den = 0 only for H - i Gamma/2 = c * identity (both poles equal c)
        pos = den > 0
        im = ops.where(pos, -(a * n1 + b * n2) / ops.where(pos, den, 1.0), ops.im(c))
        poles.append(ops.re(lam) + 1j * im)
    lp, lm = poles
    two_s = 2 * s
    cross = 2 * ops.re(s) + 1j * (ops.im(lp) + ops.im(lm))   # lam_+ - lam_-^*
    qp = two_s * (2j * ops.im(lp)) * cross
    qm = (-two_s) * (2j * ops.im(lm)) * (-ops.conj(cross))   # lam_- - lam_+^* = -(lam_+ - lam_-^*)^*
    nums = {
        (0, 1): lambda E: (g1 * g2 * ((E - eR) ** 2 + b * b + t * t),
                           g1 * g2 * (ops.abs(E - eR) ** 2 + b * b + t * t)),
        (0, 2): lambda E: (g1 * g3 * t * t + 0 * E, g1 * g3 * t * t + 0 * ops.abs(E)),
        (1, 2): lambda E: (g2 * g3 * ((E - eL) ** 2 + a * a + t * t),
                           g2 * g3 * (ops.abs(E - eL) ** 2 + a * a + t * t)),
    }
    consts = {(0, 1): g1 * g2, (0, 2): 0 * g1, (1, 2): g2 * g3}
    return [(lp, qp), (lm, qm)], nums, consts, s_cond


def _dimensionless_moments(model, p, T, ops, min_split=None):
    r"""``m_k[ij] = int dE (-f'(E)) tau_ij(E) E^k`` (energies from ``mu``) and an error bound for each.

    ``int (-f') R = C + 2 Re sum_{lambda} Res_lambda R * G(lambda)`` over the lower half-plane poles, with
    ``G(lambda) = -i conj(psi'(w)) / (2 pi T)``, ``w = 1/2 - i conj(lambda)/(2 pi T)`` (``Re w > 1/2``).
    """
    poles, nums, consts, s_cond = _poles_and_numerators(model, p, ops, min_split)
    twopiT = 2 * ops.pi() * T
    Gs = []
    for lam, _ in poles:
        w = 0.5 - 1j * ops.conj(lam) / twopiT
        Gs.append(-1j * ops.conj(ops.trigamma(w)) / twopiT)
    m, err = {}, {}
    for pq in _PAIRS:
        for k in range(3):
            C = consts[pq] if k == 2 else 0 * consts[pq]
            total, bound = C, ops.abs(C)
            for (lam, qprime), G in zip(poles, Gs):
                N, Nb = nums[pq](lam)
                term = N * lam**k / qprime * G
                total = total + 2 * ops.re(term)
                bound = bound + 2 * Nb * ops.abs(lam) ** k / ops.abs(qprime) * ops.abs(G) * s_cond
            m[pq, k], err[pq, k] = total, 16 * ops.eps * bound
    return m, err


def _moments_need_more(m, err, rtol):
    """Boolean mask: the error bound exceeds ``rtol`` of the moment's natural scale (Cauchy-Schwarz for k = 1)."""
    bad = False
    for pq in _PAIRS:
        m0, m1, m2 = (m[pq, k] for k in range(3))
        scale1 = np.sqrt(np.abs(m0 * m2)) if isinstance(m0, np.ndarray) else mpmath.sqrt(abs(m0 * m2))
        for k, scale in ((0, m0), (1, scale1), (2, m2)):
            if isinstance(scale, np.ndarray):
                ok = np.isfinite(m[pq, k]) & np.isfinite(err[pq, k]) & (err[pq, k] <= rtol * np.abs(scale))
                ok |= (m[pq, 0] == 0) & (err[pq, k] == 0)          # a pair that does not couple at all
                bad = bad | ~ok
            else:
                coupled = not (m[pq, 0] == 0 and err[pq, k] == 0)
                bad = bad or (coupled and not err[pq, k] <= rtol * abs(scale))
    return bad


def _mp_moments(model, p, T, mu, rtol):
    """One point in mpmath from the exact float inputs, raising the precision until the error bound is met."""
    dps = 30
    while True:
        with mpmath.workdps(dps):
            vals = [mpmath.mpf(x) for x in p]
            Tm, mum = mpmath.mpf(T), mpmath.mpf(mu)
            if model == "single":
                vals[3] = vals[3] - mum
            else:
                vals[3], vals[4] = vals[3] - mum, vals[4] - mum
            scale = max(abs(v) for v in vals + [Tm])
            split = scale * mpmath.mpf(10) ** (-(dps // 2))
            m, err = _dimensionless_moments(model, vals, Tm, _MpOps(), min_split=split)
            if not _moments_need_more(m, err, rtol):
                return m, Tm
        if dps >= MAX_DPS:
            raise ValueError(f"the closed-form Onsager moments at {model}-dot parameters {p}, T={T}, mu={mu} need "
                             f"more than {MAX_DPS} digits (extreme ratio of T to the energies); rescale the "
                             "energies or use method='quadrature'")
        tiny = mpmath.mpf(10) ** (-10 * dps)
        worst = max((err[k] / (abs(m[k]) + tiny) for k in m), default=mpmath.mpf(1))
        gain = int(mpmath.ceil(mpmath.log10(max(worst, tiny) / rtol))) if mpmath.isfinite(worst) else 2 * dps
        dps = min(MAX_DPS, max(2 * dps, dps + gain + 20))


def rational_onsager_moments(model: str, params, T=1.0, mu=0.0, *, h=H_DEFAULT, rtol: float = CLOSED_FORM_RTOL):
    r"""Closed-form Onsager matrix and moments ``<eps^k>_ij`` of a rational (Breit-Wigner type) transmission.

    ``model`` is ``"single"`` (``params = (g1, g2, g3, Ed)``, paper 2 Appendix C) or ``"double"``
    (``params = (g1, g2, g3, EL, ER, t)``, paper 2 Sec. 4). With ``tau_ij = N_ij/Q``, ``Q(E) = prod_p (E - p)`` over the
    poles ``p = lambda, lambda^*``, partial fractions give (paper 2 Appendix C, equations.md Sec. 3.11)

    .. math:: \langle\epsilon^k\rangle_{ij} = \frac Th\Big[C_{ijk} + 2\,\mathrm{Re}\sum_{\mathrm{Im}\lambda<0}
              \frac{N_{ij}(\lambda)(\lambda-\mu)^k}{Q'(\lambda)}\,G(\lambda)\Big],\qquad
              G(\lambda) = \int dE\,\frac{-f'(E)}{E-\lambda} = \frac{-i\,\overline{\psi'(w)}}{2\pi T},\quad
              w = \frac12 - \frac{i(\bar\lambda-\mu)}{2\pi T},

    (``C_ijk`` the polynomial part). Energies are rescaled to the largest of ``|E|, t, gamma, T`` (no overflow);
    every point carries a rigorous-in-spirit float error bound (round-off of each term, cancellation in ``d^2 +
    t^2`` near an exceptional point); points whose bound exceeds ``rtol`` of the moment are recomputed in mpmath
    at the precision they need (confluent poles are split by ``10^(-dps/2)``, an ``O(10^-dps)`` change).

    Parameters
    ----------
    model : {"single", "double"}
        Which model ``params`` describes.
    params : tuple of float or array_like
        ``(g1, g2, g3, Ed)`` or ``(g1, g2, g3, EL, ER, t)``, broadcast together with ``T`` and ``mu``.
    T : float or array_like, optional
        Reference temperature (default 1), ``> 0``.
    mu : float or array_like, optional
        Reference chemical potential (default 0).
    h : float, optional
        Planck constant (default ``2 pi``, i.e. hbar = 1).
    rtol : float, optional
        Relative accuracy; points beyond it are recomputed in mpmath.

    Returns
    -------
    L : numpy.ndarray
        Onsager matrix, shape ``(..., 4, 4)``, ordering of :mod:`symqd.onsager`.
    moments : list of numpy.ndarray
        ``moments[k]`` of shape ``(..., 3, 3)``, ``k = 0, 1, 2``.

    Raises
    ------
    ValueError
        If an energy minus ``mu`` (named, e.g. ``'Ed'``) or the result overflows float64.

    Examples
    --------
    >>> L, mom = rational_onsager_moments("single", (0.1, 0.0, 0.1, 2.0), h=1.0)   # Gamma = 0.2, T/h = 1
    >>> bool(abs(L[0, 0] / (0.1 * 0.1) - 3.3072425) < 1e-6)   # P2-10: I_0 = 3.3072425
    True
    """
    arrs = np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in (*params, T, mu)])
    shape = arrs[0].shape
    flat = [x.ravel() for x in arrs]
    *pf, Tf, muf = flat
    npar = len(pf)
    energies = [3] if model == "single" else [3, 4]
    with np.errstate(all="ignore"):
        shifted = list(pf)
        for k in energies:
            shifted[k] = pf[k] - muf
        for k in energies:
            if not np.all(np.isfinite(shifted[k])):
                raise ValueError(f"parameter {('EL', 'ER')[k - 3] if model == 'double' else 'Ed'!r} minus 'mu' "
                                 "overflows float64; use smaller energy units")
        scale = np.max(np.abs(np.stack(shifted + [Tf])), axis=0)
        scaled = [x / scale for x in shifted]
        Ts = Tf / scale
        m, err = _dimensionless_moments(model, scaled, Ts, _NumpyOps())
        need = np.asarray(_moments_need_more(m, err, rtol), bool) & np.ones(Ts.shape, bool)
        tiny = np.zeros_like(need)
        for x in scaled + [Ts]:
            tiny |= (x != 0) & (np.abs(x) < 1e-250)     # subnormal-risk after scaling: mpmath
        need |= tiny
        moments = [np.zeros(Ts.shape + (3, 3)) for _ in range(3)]
        pref = Tf / h
        for (i, j), k in m:
            val = pref * scale**k * np.real(m[(i, j), k])
            moments[k][:, i, j] = moments[k][:, j, i] = val
        for k in range(3):   # T/h * scale^k * m overflowed in an intermediate: exact exponents in mpmath
            need |= ~np.all(np.isfinite(moments[k]), axis=(-1, -2))
    for idx in np.flatnonzero(need):
        pm, _ = _mp_moments(model, [float(x[idx]) for x in pf], float(Tf[idx]), float(muf[idx]), rtol)
        Tm = mpmath.mpf(float(Tf[idx]))
        for (i, j), k in pm:
            val = float(Tm / mpmath.mpf(h) * pm[(i, j), k])
            moments[k][idx, i, j] = moments[k][idx, j, i] = val
    for k in range(3):
        if not np.all(np.isfinite(moments[k])):
            raise ValueError("the Onsager matrix overflows float64 at these parameters (energies or T too large "
                             "for the chosen units); rescale the energies and T")
    del npar
    moments = [mk.reshape(shape + (3, 3)) for mk in moments]
    return landauer.onsager_from_moments(moments), moments
