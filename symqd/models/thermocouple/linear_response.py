r"""Linear response of the quantum-dot thermocouple: its 4x4 Onsager matrix (issue 5; paper 1, final section).

Binding API: :func:`onsager_matrix` ``(params, *, symbolic=False)`` — the Onsager matrix at the equilibrium point of
``params`` (all reservoirs at ``T_0``, ``mu_R = 0``; other parameters as given, ``U_HC = math.inf`` allowed),
reference reservoir L, ordering

    (I^N_R, J_R, J_H, J_C) = L (X^mu_R, X^T_R, X^T_H, X^T_C),   X^mu_R = mu_R/T_0,  X^T_a = (T_a - T_0)/T_0**2,

entropy production ``X^T L X``. H and C are energy-only reservoirs (dots H and C exchange electrons only with
them), so they have heat rows/columns only (see :mod:`symqd.linear_response`).

Closed form for ``U_HC -> oo`` (6 states; derived in :mod:`symqd.linear_response` terms and proven equal to the
generic network form by the tests). Equilibrium one-way fluxes ``phi_e = gamma_e f(dE_e/T_0) p_eq(source)`` with
``p_eq`` Boltzmann. For each upper-dot configuration ``hc in {00, 10, 01}`` of the M-dot edges:

    g_hc = phi_L,hc + phi_R,hc,   sigma_hc = phi_L,hc phi_R,hc / g_hc,   rho_hc = phi_R,hc/g_hc = gamma_R(hc)/(gamma_L(hc)+gamma_R(hc)),
    a_hc = (1, E_hc, 0, 0),        E_hc = eps_M + U_MH h + U_MC c          (drive of the R edge),

the two Schnakenberg loops of paper 1 Eq. (11) (H: 000-100-110-010, C: 000-100-101-001) have drive vectors

    b_H = rho_00 a_00 - rho_10 a_10 + U_MH e_H = (Lambda_H, rho_00 E_00 - rho_10 E_10, U_MH, 0),
    b_C = rho_00 a_00 - rho_01 a_01 + U_MC e_C = (Lambda_C, rho_00 E_00 - rho_01 E_01, 0, U_MC),

(``rho_00 - rho_10 = Lambda_H`` of Eq. (12)) and the loop-resistance matrix

    R = [[r_00 + r_10 + 1/phi_H0 + 1/phi_H1, r_00], [r_00, r_00 + r_01 + 1/phi_C0 + 1/phi_C1]],  r_hc = 1/g_hc.

Then

    L = sum_hc sigma_hc a_hc a_hc^T + B^T R^{-1} B,        B = [b_H; b_C],

a sum of positive semidefinite terms (``sigma_hc > 0``, ``R`` positive definite): **reciprocity and positivity are
manifest**. The loop currents are ``Psi = R^{-1} B X`` with ``J_H = U_MH Psi_H``, ``J_C = U_MC Psi_C`` and
``I^N_R = Lambda_H Psi_H + Lambda_C Psi_C + sum_hc sigma_hc a_hc.X`` — the linear-response Eq. (13).

For finite ``U_HC`` (8 states, cube graph with 5 independent loops) the generic network form is used
(:func:`symqd.linear_response.onsager_matrix`), evaluated numerically from its lambdified edge fluxes and the same
network matrices.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from symqd.fermi import MPMATH_MODULE, NUMPY_MODULE
from symqd.linear_response import LinearResponse, network, onsager_matrix as _generic_onsager

from .model import cached, symbolic
from .parameters import to_mpf, validate

__all__ = [
    "CURRENTS",
    "FORCES",
    "T0",
    "ClosedForm",
    "closed_form",
    "generic",
    "onsager_matrix",
    "drag_coefficients",
    "embed_for_onsager",
]

CURRENTS = ("IN_R", "J_R", "J_H", "J_C")
FORCES = ("Xmu_R", "XT_R", "XT_H", "XT_C")
T0 = sp.Symbol("T_0", positive=True)
_HC = ((0, 0), (1, 0), (0, 1))


@cached
def generic(uhc_infinite: bool) -> LinearResponse:
    r"""The generic network-form Onsager matrix of the thermocouple (symbols ``phi_...``), reference L; cached.

    Built by :func:`symqd.linear_response.onsager_matrix` with terminals R, H, C at temperature ``T_0``, entries
    left as cancelled quotients (``factor=False``: factoring them took ~8 s of ~9 s for the 6-state model); its
    reciprocity is proven on the exact numerator matrix (:attr:`~symqd.linear_response.LinearResponse.ring_form`).
    About 0.3 s for the 6-state model, minutes for the 8-state one: prefer :func:`closed_form` for ``U_HC -> oo``
    and :func:`onsager_matrix` for numbers.

    Parameters
    ----------
    uhc_infinite : bool
        The 6-state model (``U_HC = oo``) or the 8-state one.

    Returns
    -------
    LinearResponse

    Examples
    --------
    >>> lr = generic(True)
    >>> lr.current_labels
    ('IN_R', 'J_R', 'J_H', 'J_C')
    >>> num, den = lr.ring_form
    >>> num == num.transpose()
    True
    """
    return _generic_onsager(symbolic(uhc_infinite=uhc_infinite).me, "L", ["R", "H", "C"], T=T0, factor=False)


@dataclass(frozen=True)
class ClosedForm:
    r"""Structured closed form of the Onsager matrix for ``U_HC -> oo`` (module docstring); built by :func:`closed_form`.

    Parameters
    ----------
    L : sympy.Matrix
        4x4 matrix in the named intermediates (``sigma_hc``, ``rho_hc``, ``r_hc``, ``Lambda_H``, ``Lambda_C``,
        ``R_HH``, ``R_CC``).
    definitions : dict
        Each intermediate -> its expression in the earlier ones / the fluxes (``Lambda_H`` is paper 1 Eq. (12)).
    fluxes : dict
        ``phi_...`` -> physical equilibrium flux (Fermi functions, Boltzmann weights).
    symbols : dict
        Name -> intermediate symbol.

    Examples
    --------
    >>> cf = closed_form()
    >>> cf.L[0, 0]
    Lambda_C**2*R_HH/(R_CC*R_HH - r_00**2) - 2*Lambda_C*Lambda_H*r_00/(R_CC*R_HH - r_00**2) + Lambda_H**2*R_CC/(R_CC*R_HH - r_00**2) + sigma_00 + sigma_01 + sigma_10
    """

    L: sp.Matrix
    definitions: dict
    fluxes: dict
    symbols: dict

    def in_fluxes(self) -> sp.Matrix:
        r"""``L`` in the equilibrium fluxes ``phi_e`` (and gammas, energies).

        Returns
        -------
        sympy.Matrix

        Examples
        --------
        >>> L = closed_form().in_fluxes()
        >>> sorted({s.name[:4] for s in L.free_symbols})
        ['U_MC', 'U_MH', 'eps_', 'phi_']
        """
        out = self.L
        for s in reversed(list(self.definitions)):
            out = out.xreplace({s: self.definitions[s]})
        return out

    def physical(self) -> sp.Matrix:
        r"""``L`` in the model parameters at the equilibrium point (Fermi functions, Boltzmann weights).

        Returns
        -------
        sympy.Matrix

        Examples
        --------
        >>> L = closed_form().physical()
        >>> L.shape, L[1, 2] == L[2, 1]
        ((4, 4), True)
        """
        return self.in_fluxes().xreplace(self.fluxes)


def _lab(s):
    return "".join(map(str, s))


@cached
def closed_form() -> ClosedForm:
    r"""The ``U_HC -> oo`` closed form of the module docstring (cached).

    ``L = sum_hc sigma_hc a_hc a_hc^T + B^T R^{-1} B``: reciprocity and positivity are manifest; the loop
    currents reproduce the linear-response version of paper 1 Eq. (13).

    Returns
    -------
    ClosedForm

    Examples
    --------
    >>> cf = closed_form()
    >>> cf.definitions[cf.symbols["Lambda_H"]]
    rho_00 - rho_10
    """
    tc = symbolic(uhc_infinite=True)
    # fluxes (same symbols and physical values as the generic network form)
    fl = dict(network(tc.me, "L", ["R", "H", "C"], T=T0)["flux_values"])
    phi = {s.name: s for s in fl}

    def P(res, a, b):
        return phi[f"phi_{res}_{_lab(a)}_{_lab(b)}"]

    defs = {}
    sym = {}
    a = {}
    for h, c in _HC:
        E = tc.addition_energy(h, c)  # Eq. (1)
        pL, pR = P("L", (0, h, c), (1, h, c)), P("R", (0, h, c), (1, h, c))
        sig = sp.Symbol(f"sigma_{h}{c}", positive=True)
        rho = sp.Symbol(f"rho_{h}{c}", nonnegative=True)
        r = sp.Symbol(f"r_{h}{c}", positive=True)
        defs[sig] = pL * pR / (pL + pR)
        defs[rho] = pR / (pL + pR)  # = gamma_R(hc)/(gamma_L(hc)+gamma_R(hc)) at equilibrium
        defs[r] = 1 / (pL + pR)
        sym[f"sigma_{h}{c}"], sym[f"rho_{h}{c}"], sym[f"r_{h}{c}"] = sig, rho, r
        a[(h, c)] = sp.Matrix([1, E, 0, 0])
    LamH, LamC = sp.Symbol("Lambda_H", real=True), sp.Symbol("Lambda_C", real=True)
    RHH, RCC = sp.Symbol("R_HH", positive=True), sp.Symbol("R_CC", positive=True)
    defs[LamH] = sym["rho_00"] - sym["rho_10"]
    defs[LamC] = sym["rho_00"] - sym["rho_01"]
    defs[RHH] = sym["r_00"] + sym["r_10"] + 1 / P("H", (0, 0, 0), (0, 1, 0)) + 1 / P("H", (1, 0, 0), (1, 1, 0))
    defs[RCC] = sym["r_00"] + sym["r_01"] + 1 / P("C", (0, 0, 0), (0, 0, 1)) + 1 / P("C", (1, 0, 0), (1, 0, 1))
    sym.update(Lambda_H=LamH, Lambda_C=LamC, R_HH=RHH, R_CC=RCC)
    E00, E10, E01 = (tc.addition_energy(*hc) for hc in _HC)
    U_MH, U_MC = tc.symbol("U_MH"), tc.symbol("U_MC")
    rho00, rho10, rho01 = sym["rho_00"], sym["rho_10"], sym["rho_01"]
    bH = sp.Matrix([LamH, rho00 * E00 - rho10 * E10, U_MH, 0])
    bC = sp.Matrix([LamC, rho00 * E00 - rho01 * E01, 0, U_MC])
    Bm = sp.Matrix.hstack(bH, bC).T
    r00 = sym["r_00"]
    Rm = sp.Matrix([[RHH, r00], [r00, RCC]])
    Rinv = Rm.adjugate() / Rm.det()
    L = sp.zeros(4, 4)
    for hc in _HC:
        L += sym[f"sigma_{_lab(hc)}"] * a[hc] * a[hc].T
    L += Bm.T * Rinv * Bm
    L = L.applyfunc(sp.expand)
    return ClosedForm(L, defs, fl, sym)


def drag_coefficients() -> dict:
    r"""Closed-form non-local (drag) coefficients and the loop quantities (``U_HC -> oo``).

    ``L_{N,TH} = U_MH (Lambda_H R_CC - Lambda_C r_00)/det R``, ``L_{N,TC} = U_MC (Lambda_C R_HH - Lambda_H r_00)/det R``,
    ``det R = R_HH R_CC - r_00**2`` (``Lambda_H``, ``Lambda_C`` of paper 1 Eq. (12)).

    Returns
    -------
    dict of str to sympy expression
        Keys ``L_N_TH``, ``L_N_TC``, ``L_JH_TH``, ``L_JC_TC``, ``L_JH_TC``, ``det_R``, in the intermediates of
        :func:`closed_form`.

    Examples
    --------
    >>> drag_coefficients()["L_JH_TC"]
    -U_MC*U_MH*r_00/(R_CC*R_HH - r_00**2)
    """
    cf = closed_form()
    s = cf.symbols
    g = symbolic(uhc_infinite=True).symbol
    U_MH, U_MC = g("U_MH"), g("U_MC")
    detR = s["R_HH"] * s["R_CC"] - s["r_00"] ** 2
    return {
        "L_N_TH": U_MH * (s["Lambda_H"] * s["R_CC"] - s["Lambda_C"] * s["r_00"]) / detR,
        "L_N_TC": U_MC * (s["Lambda_C"] * s["R_HH"] - s["Lambda_H"] * s["r_00"]) / detR,
        "L_JH_TH": U_MH**2 * s["R_CC"] / detR,
        "L_JC_TC": U_MC**2 * s["R_HH"] / detR,
        "L_JH_TC": -U_MH * U_MC * s["r_00"] / detR,
        "det_R": detR,
    }


# ------------------------------------------------------------------------------------------------------------------
# numerics (generated from the symbolic forms)
# ------------------------------------------------------------------------------------------------------------------
@cached
def _compiled(uhc_infinite: bool, backend: str):
    """``(names, function)``: lambdified Onsager matrix (``U_HC = oo``: the closed form) or, for finite ``U_HC``,
    the lambdified network ingredients ``(Lg, W, DPD)`` of the generic form (solved numerically)."""
    modules = [NUMPY_MODULE, "numpy"] if backend == "numpy" else [MPMATH_MODULE, "mpmath"]
    if uhc_infinite:
        # the closed form as a straight-line program (fluxes -> intermediates in definition order -> L): the same
        # expressions as ClosedForm.physical(), without substituting and re-extracting common subexpressions
        # (``lambdify`` accepts the program as its ``cse``)
        cf = closed_form()
        flux_syms = list(cf.fluxes)
        shared, flux_exprs = sp.cse([cf.fluxes[f] for f in flux_syms], symbols=sp.numbered_symbols("_x"))
        program = list(shared) + list(zip(flux_syms, flux_exprs)) + list(cf.definitions.items())
        assigned = {s for s, _ in program}
        free = set().union(*(e.free_symbols for _, e in program), *(e.free_symbols for e in cf.L)) - assigned
        byname = {s.name: s for s in free}
        names = sorted(byname)
        args = [byname[n] for n in names]
        fn = sp.lambdify(args, list(cf.L), modules=modules, cse=lambda exprs: (program, list(exprs)))
        return names, args, fn, None
    me = symbolic(uhc_infinite=False).me
    lr = network(me, "L", ["R", "H", "C"], T=T0)
    edges = lr["edges"]
    n = me.n
    D = sp.Matrix([list(e.drive) for e in edges])
    B = sp.zeros(n, len(edges))
    for k, e in enumerate(edges):
        B[me.index[e.target], k] += 1
        B[me.index[e.source], k] -= 1
    Phi = sp.diag(*[e.flux for e in edges])
    W = (B * Phi * D)[1:, :]
    Lg = (B * Phi * B.T)[1:, 1:]
    DPD = D.T * Phi * D
    exprs = [x.xreplace(lr["flux_values"]) for x in list(Lg) + list(W) + list(DPD)]
    free = set().union(*(x.free_symbols for x in exprs))
    names = sorted({s.name for s in free})
    byname = {s.name: s for s in free}
    args = [byname[nm] for nm in names]
    fn = sp.lambdify(args, exprs, modules=modules, cse=True)
    return names, args, fn, (Lg.shape, W.shape, DPD.shape)


def _values(params) -> tuple:
    P = validate(params)
    if P.probe:
        raise ValueError(
            "parameter 'gamma_P': onsager_matrix describes the four-terminal device L, R, H, C; set gamma_P = 0 "
            "(no probe)"
        )
    return P, P.uhc_infinite


def onsager_matrix(params: Mapping | None = None, *, symbolic: bool = False):
    r"""The 4x4 Onsager matrix of the thermocouple at the equilibrium point of ``params`` (binding API).

    All reservoirs at ``T_0`` and ``mu_R = 0`` (the given ``T_H``, ``T_C``, ``T_L``, ``T_R``, ``mu_R`` are
    ignored); reference L; ordering ``(I^N_R, J_R, J_H, J_C) = L (X^mu_R, X^T_R, X^T_H, X^T_C)``,
    ``X^mu_R = mu_R/T_0``, ``X^T_a = (T_a - T_0)/T_0**2``; currents positive from the reservoir into the system.
    For finite ``U_HC`` the 8-state symbolic network form (5 independent loops) is not expanded (it takes
    minutes); ``symbolic=True`` then returns a sympy ``Matrix`` of the numeric values.

    Parameters
    ----------
    params : mapping, optional
        Thermocouple parameters (missing ones: Fig. 2 values); arrays broadcast, mpmath numbers give mpmath.
    symbolic : bool, optional
        Return a sympy ``Matrix`` with the parameter values substituted; with ``params=None`` the fully
        symbolic ``U_HC = oo`` closed form.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        Shape ``batch + (4, 4)`` for array parameters.

    Raises
    ------
    ValueError
        Naming the parameter for unknown names, ``T_0 <= 0``, negative couplings, a probe.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd.models.thermocouple import FIG2
    >>> L = onsager_matrix(FIG2)
    >>> bool(np.allclose(L, L.T)), bool(np.linalg.eigvalsh(L).min() > -1e-12), round(float(L[0, 0]), 6)
    (True, True, 0.029574)
    """
    if symbolic and params is None:
        return closed_form().physical()
    P, inf = _values(params)
    p = P.values
    if symbolic and not inf:
        # the fully symbolic 8-state network form is too large to build quickly (5 loops); give the exact-valued
        # sympy matrix of the numerically evaluated network form instead
        return sp.Matrix(onsager_matrix(params, symbolic=False).tolist())
    if symbolic:
        Lp = closed_form().physical()
        sub = {}
        for s in Lp.free_symbols:
            key = "T_0" if s.name == "T_0" else s.name
            if key in p:
                sub[s] = sp.nsimplify(p[key]) if isinstance(p[key], (int, float)) else sp.sympify(p[key])
        return Lp.xreplace(sub)
    if P.mp:
        return _onsager_mp(p, inf)
    names, args, fn, shapes = _compiled(inf, "numpy")
    vals = [np.asarray(p[nm], dtype=float) for nm in names]
    shape = np.broadcast_shapes(*(v.shape for v in vals))
    with np.errstate(all="ignore"):
        out = [np.broadcast_to(np.asarray(x, dtype=float), shape) for x in fn(*vals)]
    if inf:
        L = np.stack(out, axis=-1).reshape(shape + (4, 4))
        L = 0.5 * (L + np.swapaxes(L, -1, -2))
        _check_psd(L, p)
        return L
    (a, _), (_, w2), _ = shapes
    arr = np.stack(out, axis=-1)
    Lg = arr[..., : a * a].reshape(shape + (a, a))
    W = arr[..., a * a: a * a + a * w2].reshape(shape + (a, w2))
    DPD = arr[..., a * a + a * w2:].reshape(shape + (4, 4))
    with np.errstate(all="ignore"):
        try:
            U = np.linalg.solve(Lg, W)
        except np.linalg.LinAlgError:  # states with vanishing Boltzmann weight (huge U_HC) decouple
            U = np.linalg.pinv(Lg, hermitian=True) @ W
        WU = np.swapaxes(W, -1, -2) @ U
    L = DPD - WU
    L = 0.5 * (L + np.swapaxes(L, -1, -2))
    # Eq. L = D^T Phi D - W^T Lg^-1 W subtracts: where an entry lost more than ~6 of 16 digits (frozen dots: the
    # equilibrium fluxes span hundreds of decades), recompute that point in mpmath with enough digits
    lost = (np.abs(DPD) + np.abs(WU)) > CANCELLATION_LIMIT * np.abs(L)
    lost |= ~np.isfinite(L)
    bad = np.nonzero(lost.reshape(-1, 16).any(axis=1))[0] if shape else ([0] if lost.any() else [])
    if len(bad):
        Lf = L.reshape(-1, 4, 4)
        for k in bad:
            idx = np.unravel_index(k, shape) if shape else ()
            point = {nm: float(np.broadcast_to(np.asarray(p[nm], dtype=float), shape)[idx]) for nm in names}
            Lf[k] = _refine_point(point)
        L = Lf.reshape(shape + (4, 4))
    _check_psd(L, p)
    return L


#: an entry of the finite-U_HC network form whose subtracted terms exceed it by this factor is recomputed in mpmath
CANCELLATION_LIMIT = 1e6


def _network_mp(values: dict, dps: int):
    """The finite-U_HC network form at ``dps`` digits: ``(L, scale)`` as mpmath matrices (``scale`` = size of the
    subtracted terms)."""
    names, _, _, shapes = _compiled(False, "numpy")
    _, _, fn, _ = _compiled(False, "mpmath")
    (a, _), (_, w2), _ = shapes
    with mpmath.workdps(dps):
        out = fn(*(to_mpf(values[nm]) for nm in names))
        Lg = mpmath.matrix(a, a)
        W = mpmath.matrix(a, w2)
        DPD = mpmath.matrix(4, 4)
        for i in range(a):
            for j in range(a):
                Lg[i, j] = out[i * a + j]
            for j in range(w2):
                W[i, j] = out[a * a + i * w2 + j]
        for i in range(4):
            for j in range(4):
                DPD[i, j] = out[a * a + a * w2 + i * 4 + j]
        # symmetric diagonal scaling (Lg is a grounded Laplacian whose entries span many decades): exact
        S = [1 / mpmath.sqrt(Lg[i, i]) for i in range(a)]
        Ls = mpmath.matrix(a, a)
        for i in range(a):
            for j in range(a):
                Ls[i, j] = S[i] * Lg[i, j] * S[j]
        U = mpmath.matrix(a, w2)
        for j in range(w2):
            col = mpmath.lu_solve(Ls, mpmath.matrix([S[i] * W[i, j] for i in range(a)]))
            for i in range(a):
                U[i, j] = S[i] * col[i]
        WU = W.T * U
        L = DPD - WU
        L = (L + L.T) / 2
        scale = mpmath.matrix(4, 4)
        for i in range(4):
            for j in range(4):
                scale[i, j] = abs(DPD[i, j]) + abs(WU[i, j])
    return L, scale


def _refine_point(values: dict, target: float = 1e-15) -> np.ndarray:
    """One finite-U_HC point in mpmath, doubling the precision until two successive results agree to ``target``
    relative in every entry (at most 1280 digits)."""
    prev = None
    dps = 40
    while dps <= 1280:
        L, scale = _network_mp(values, dps)
        if prev is not None:
            ok = all(abs(L[i, j] - prev[i, j]) <= target * abs(L[i, j]) + mpmath.mpf(10) ** (10 - dps // 2)
                     * scale[i, j] for i in range(4) for j in range(4))
            if ok:
                return np.array([[float(L[i, j]) for j in range(4)] for i in range(4)])
        prev = L
        dps *= 2
    warnings.warn("onsager_matrix: the finite-U_HC network form did not reach relative accuracy 1e-15 within 1280 "
                  "digits at one parameter point; returned the 1280-digit value", RuntimeWarning, stacklevel=3)
    return np.array([[float(L[i, j]) for j in range(4)] for i in range(4)])


def _check_psd(L: np.ndarray, p: dict) -> None:
    """Warn (never silently) if a float Onsager matrix is not positive semidefinite beyond rounding."""
    with np.errstate(all="ignore"):
        Ls = np.asarray(L).reshape(-1, 4, 4)
        d = np.sqrt(np.abs(np.einsum("kii->ki", Ls)))
        Dinv = np.where(d > 0, 1.0 / np.where(d > 0, d, 1.0), 0.0)
        C = Ls * Dinv[:, :, None] * Dinv[:, None, :]  # correlation form: rounding is relative to the diagonal
        ev = np.linalg.eigvalsh(np.where(np.isfinite(C), C, 0.0))
    bad = (ev[:, 0] < -1e-9) | ~np.all(np.isfinite(Ls), axis=(1, 2)) | np.any(np.einsum("kii->ki", Ls) < 0, axis=1)
    if bad.any():
        warnings.warn(f"onsager_matrix: the result is not positive semidefinite at {int(bad.sum())} point(s) (lost "
                      "to rounding); evaluate those points with mpmath numbers (mpmath in -> mpmath out) for a "
                      "reliable matrix", RuntimeWarning, stacklevel=3)


def _onsager_mp(p: dict, inf: bool):
    """mpmath in -> mpmath out: the closed form (``U_HC = oo``) or the network form at the working precision
    (with guard digits for the subtraction)."""
    if inf:
        names, _, fn, _ = _compiled(True, "mpmath")
        out = fn(*(p[nm] for nm in names))
        L = mpmath.matrix(4, 4)
        for k, x in enumerate(out):
            L[k // 4, k % 4] = x
        return (L + L.T) / 2
    dps = mpmath.mp.dps
    prev = None
    while True:
        L, scale = _network_mp(p, dps)
        if prev is not None and all(abs(L[i, j] - prev[i, j]) <= mpmath.mpf(10) ** (-mpmath.mp.dps) * abs(L[i, j])
                                    + mpmath.mpf(10) ** (10 - dps // 2) * scale[i, j]
                                    for i in range(4) for j in range(4)):
            return mpmath.matrix([[+L[i, j] for j in range(4)] for i in range(4)])
        if dps > 40 * mpmath.mp.dps:
            return mpmath.matrix([[+L[i, j] for j in range(4)] for i in range(4)])
        prev = L
        dps *= 2


def embed_for_onsager(L4, eps=None):
    r"""Map the 4x4 device matrix onto the ``symqd.onsager`` layout ``(J_1, J^Q_1, J_2, J^Q_2, J_3, J^Q_3)``.

    ``symqd.onsager`` needs a ``(X^mu_i, X^T_i)`` pair for every terminal; H and C have no particle row (their
    ``I^N`` vanishes identically). We embed them with a *decoupled* fictitious particle channel of conductance ``eps``
    (zero off-diagonal): every quantity involving lead R's voltage (``S_{R,a}``, ``G_RR``, ``K``, ``M``, ``W_max``) is
    exactly independent of ``eps``, because ``L_mumu^{-1}`` is block diagonal and the H/C ``mu`` rows of ``L_muT`` are
    zero. The rows/columns of S and G that belong to the H/C "voltages" are meaningless and must be ignored.
    Terminal order: 1 = R, 2 = H, 3 = C (reference L).

    Parameters
    ----------
    L4 : array_like or sympy.Matrix, shape (..., 4, 4)
        The device matrix of :func:`onsager_matrix`.
    eps : float or sympy expression, optional
        Conductance of the fictitious channels (default ``L4[0, 0]``).

    Returns
    -------
    numpy.ndarray or sympy.Matrix, shape (..., 6, 6)

    Examples
    --------
    >>> import numpy as np
    >>> L6 = embed_for_onsager(np.diag([1.0, 2.0, 3.0, 4.0]))
    >>> np.diag(L6).tolist()
    [1.0, 2.0, 1.0, 3.0, 1.0, 4.0]
    """
    sym = isinstance(L4, sp.MatrixBase)
    if eps is None:
        eps = L4[0, 0]
    if sym:
        L6 = sp.zeros(6, 6)
    else:
        L4 = np.asarray(L4, dtype=float)
        L6 = np.zeros(L4.shape[:-2] + (6, 6))
    pos = {0: 0, 1: 1, 2: 3, 3: 5}
    for i in range(4):
        for j in range(4):
            L6[..., pos[i], pos[j]] = L4[..., i, j] if not sym else L4[i, j]
    for k in (2, 4):
        L6[..., k, k] = eps
    return L6


# ------------------------------------------------------------------------------------------------------------------
# device physics through symqd.onsager (paper 2 algebra)
# ------------------------------------------------------------------------------------------------------------------
def device_quantities(L4, T, XT, e=1) -> dict:
    r"""Paper-2 quantities of the thermocouple from its 4x4 matrix ``L4`` (numpy) via :mod:`symqd.onsager`.

    Parameters
    ----------
    L4 : array_like, shape (4, 4)
        The device matrix of :func:`onsager_matrix`.
    T : float
        Equilibrium temperature ``T_0`` (``k_B = 1``).
    XT : array_like, shape (3,)
        Thermal forces ``(X^T_R, X^T_H, X^T_C)``, ``X^T_a = (T_a - T_0)/T_0**2``.
    e : float, optional
        Electron charge (1 in the papers' units).

    Returns
    -------
    dict
        ``S_R`` (thermopowers ``S_{R,a}`` of lead R, ``a = R, H, C``), ``G_RR``, ``K`` (3x3 thermal conductance at
        ``I^N_R = 0``), ``W_max``, ``Xmu_opt``, heat currents at maximum power ``J_at_Wmax = (J_R, J_H, J_C)``,
        ``eta_C_multi`` (linear-response multi-terminal Carnot efficiency of that heat-flow configuration,
        ``T X^T.J / sum_+ J``) and ``eta_Wmax`` (``W_max / sum_+ J``).

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2
    >>> d = device_quantities(onsager_matrix(FIG2), 8.0, (0.0, 1 / 64, -1 / 64))
    >>> d["S_R"].round(4).tolist(), round(d["G_RR"], 6)
    ([0.5029, -0.2471, -0.2558], 0.003697)
    """
    from symqd import onsager as ons

    L6 = embed_for_onsager(np.asarray(L4, dtype=float))
    XT = np.asarray(XT, dtype=float)
    S = ons.thermopower(L6, T, e)
    G = ons.conductance(L6, T, e)
    K = ons.thermal_conductance(L6, T)
    W, Xmu = ons.max_power(L6, T, XT)
    L4 = np.asarray(L4, dtype=float)
    Mm = np.outer(L4[0, 1:], L4[0, 1:]) / L4[0, 0]  # = symqd.onsager.m_matrix restricted to the T block
    JQ = (L4[1:, 1:] - Mm / 2) @ XT  # heat currents (J_R, J_H, J_C) at maximum power
    pos = JQ[JQ > 0].sum()
    return {
        "S_R": np.asarray(S)[0, :],
        "G_RR": float(np.asarray(G)[0, 0]),
        "K": np.asarray(K),
        "W_max": float(W),
        "Xmu_opt": float(np.asarray(Xmu).reshape(-1)[0]),
        "J_at_Wmax": JQ,
        "eta_Wmax": float(W) / pos if pos > 0 else float("nan"),
        "eta_C_multi": float(T * XT @ JQ) / pos if pos > 0 else float("nan"),
    }


def power_at_zero_heat_input(params) -> float:
    r"""Linear-response maximum power on the ray ``J_in = J_H + J_C = 0`` (at maximum power), ``X^T_R = 0``.

    Normalised to ``X^T_H = 1`` (the power is ``W * (X^T_H)**2``). Zero iff the particle row is parallel to the
    ``J_in`` row, e.g. for ``Lambda_H/U_MH = Lambda_C/U_MC`` (``U_HC -> oo``; paper 1 Eq. (12)).

    Parameters
    ----------
    params : mapping
        Thermocouple parameters.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`onsager_matrix`.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2
    >>> round(power_at_zero_heat_input(FIG2), 6)
    0.182669
    """
    L = onsager_matrix(params)
    T = float(tcm_resolve(params)["T_0"])
    v = L[0, 1:]
    LTT = L[1:, 1:]
    Mx = np.outer(v, v) / L[0, 0]
    A = (LTT - Mx / 2)[1] + (LTT - Mx / 2)[2]  # J_in row at max power, columns (T_R, T_H, T_C)
    xT = np.array([0.0, 1.0, -A[1] / A[2]])
    return float(T / 4 * xT @ Mx @ xT)


def tcm_resolve(params) -> dict:
    r"""The validated flat parameter values (:func:`~.parameters.resolve_parameters`).

    Parameters
    ----------
    params : mapping or Parameters
        Thermocouple parameters.

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        For an invalid parameter (the message names it).

    Examples
    --------
    >>> tcm_resolve({"T_0": 5.0})["T_L"]
    5.0
    """
    return dict(validate(params).values)
