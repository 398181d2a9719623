r"""Paper 2's scattering models: a single level and a serial double dot, each coupled to three reservoirs.

Conventions: spinless, ``k_B = hbar = 1`` so ``h = 2 pi`` by default (``h`` is a keyword: with ``h=1`` the
integrals ``I_n`` below are the "T/h = 1" numbers of equations.md table 3.14, P2-10); wide-band couplings
``gamma_i`` (``Gamma_i = i(Sigma_i - Sigma_i^dagger) = gamma_i``); reservoir 3 is the reference; Onsager ordering of
:mod:`symqd.onsager`.

Single dot, Eqs. (eq:t_cd), (eq:l_ij_2b), (eq:1dotthermopower)
-------------------------------------------------------------
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
from symqd.params import check_nonnegative, check_positive

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
    ``psi'(w) = psi'(w+1) + 1/w^2``, then the asymptotic (Bernoulli) series to order ``w^-17`` (~1e-17 relative)."""
    w = np.asarray(w, dtype=complex)
    acc = np.zeros_like(w)
    for k in range(_SHIFT):
        acc += 1.0 / (w + k) ** 2
    x = w + _SHIFT
    series = 1.0 / x + 0.5 / x**2
    for k, b in enumerate(_BERNOULLI, start=1):
        series += float(b) / x ** (2 * k + 1)
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
    """Callable ``E -> tau (3x3)`` of Eq. (eq:t_cd): ``tau_ij = g_i g_j / ((E - Ed)^2 + (g1+g2+g3)^2/4)``."""
    g = np.array([g1, g2, g3], dtype=float)
    width = g.sum()

    def tau(E):
        return np.outer(g, g) / ((E - Ed) ** 2 + width**2 / 4)

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
    r"""Symbolic single-dot ``L`` (Eq. eq:l_ij_2b) in terms of couplings and the integrals ``I_0, I_1, I_2``.

    Returns ``(L, (I0, I1, I2))``: ``L = A (x) [[I0, I1], [I1, I2]]`` assembled by
    :func:`symqd.landauer.onsager_from_moments` from ``<eps^k>_ij = gamma_i gamma_j I_k``.
    """
    g = [x if x is not None else sp.Symbol(f"gamma_{i}", positive=True) for i, x in enumerate((g1, g2, g3), 1)]
    I = sp.symbols("I_0 I_1 I_2", real=True)
    P = _coupling_products(*g, symbolic=True)
    return landauer.onsager_from_moments([P * Ik for Ik in I]), I


def single_dot_onsager(g1, g2, g3, Ed, T=1, mu=0, *, h=H_DEFAULT, method: str = "closed_form"):
    r"""Single-dot three-terminal Onsager matrix (Eq. eq:l_ij_2b), numpy ``(..., 4, 4)``.

    ``method="closed_form"`` uses the polygamma ``I_n`` (vectorised over broadcast arrays of the arguments);
    ``"quadrature"`` integrates the transmission with :func:`symqd.landauer.onsager_matrix` (scalars only).
    Couplings ``g_i >= 0`` with ``g1 + g2 + g3 > 0``; ``T > 0``; energies in the same units as ``T`` (k_B = 1).
    """
    for name, val in (("g1", g1), ("g2", g2), ("g3", g3)):
        check_nonnegative(name, val)
    check_positive("g1 + g2 + g3", np.asarray(g1, float) + np.asarray(g2, float) + np.asarray(g3, float))
    check_positive("T", T)
    if method == "quadrature":
        return landauer.onsager_matrix(single_dot_transmission(g1, g2, g3, Ed), 3, mu, T, h=h, points=[Ed])
    if method != "closed_form":
        raise ValueError(f"method must be 'closed_form' or 'quadrature', got {method!r}")
    width = np.asarray(g1, float) + np.asarray(g2, float) + np.asarray(g3, float)
    I = lorentzian_integrals(Ed, width, T, mu, h=h)
    P = _coupling_products(g1, g2, g3)
    return landauer.onsager_from_moments([P * np.asarray(Ik)[..., None, None] for Ik in I])


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


#: transmissions as printed in the seed (Sec. 3.13), ``|det|^2`` written out in real form
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
    """Callable ``E -> tau (3x3)`` lambdified from :func:`double_dot_transmissions_symbolic`."""
    f = _double_dot_lambdified()

    def tau(E):
        t12, t13, t23 = f(E, g1, g2, g3, EL, ER, t)
        return np.array([[0.0, t12, t13], [t12, 0.0, t23], [t13, t23, 0.0]], dtype=float)

    return tau


def double_dot_levels(EL, ER, t):
    """Eigen-energies of the isolated double dot ``(EL+ER)/2 -+ sqrt(((EL-ER)/2)^2 + t^2)`` (resonances)."""
    c, r = (EL + ER) / 2, math.hypot((EL - ER) / 2, t)
    return c - r, c + r


def double_dot_onsager(g1, g2, g3, EL, ER, t, T=1, mu=0, *, h=H_DEFAULT):
    r"""Double-dot three-terminal Onsager matrix (numpy 4x4) by quadrature of the Fisher-Lee transmissions.

    Couplings ``g_i >= 0`` (``g1, g3 > 0``), ``T > 0``; the resonances (:func:`double_dot_levels`) are passed to the
    integrator as break points.
    """
    for name, val in (("g1", g1), ("g2", g2), ("g3", g3)):
        check_nonnegative(name, val)
    check_positive("g1", g1)
    check_positive("g3", g3)
    check_positive("T", T)
    tau = double_dot_transmission(g1, g2, g3, EL, ER, t)
    return landauer.onsager_matrix(tau, 3, mu, T, h=h, points=list(double_dot_levels(EL, ER, t)))
