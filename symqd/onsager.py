r"""Multi-terminal linear-response (Onsager) algebra — paper 2 (Mazza et al., NJP 16, 085001 (2014)).

Conventions (equations.md Sec. 3; citations are to the published paper's sections and appendices)
--------------------------------------------------------------------------------------------------
* ``n`` reservoirs; the **last** one (reservoir 3 for three terminals) is the reference at ``T``, ``mu``.
* Ordering (Sec. 2, the Onsager relation): ``(J_1, J^Q_1, J_2, J^Q_2, ...) = L (X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` with
  ``X^mu_i = Delta mu_i / T`` and ``X^T_i = Delta T_i / T**2``; currents positive from reservoir into the system.
  ``L`` is ``2(n-1) x 2(n-1)``; the "mu-block" are the even (0-based) indices, the "T-block" the odd ones.
* Units: ``k_B = 1``; ``e`` is a signed charge (default 1); ``S_ij``: first index = voltage lead,
  second = heated lead; ``Pi = T S^T`` (Onsager-Kelvin at B = 0).

One implementation, two backends
--------------------------------
Every function is written once in block-matrix operations. A sympy ``Matrix`` gives exact symbolic results
(rational functions of the ``L_ij``, passed through :func:`sympy.cancel`); a numpy array of shape
``(..., 2m, 2m)`` is validated (square, even size, symmetric and positive semidefinite up to round-off,
``T > 0``) and evaluated with batched ``numpy.linalg`` (leading batch dimensions broadcast with ``T`` and ``XT``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

__all__ = [
    "is_symmetric",
    "is_positive_semidefinite",
    "validate_onsager",
    "n_terminals",
    "thermopower",
    "conductance",
    "thermal_conductance",
    "peltier",
    "currents",
    "heat_currents",
    "power",
    "efficiency",
    "carnot_efficiency_linear",
    "m_matrix",
    "reduced_thermal_matrix",
    "optimal_potentials",
    "max_power",
    "heat_currents_at_max_power",
    "carnot_efficiency",
    "efficiency_at_max_power",
    "figure_of_merit",
    "generalized_figures_of_merit",
    "efficiency_constants",
    "power_factor",
    "two_terminal_limit",
    "two_terminal_coefficients",
]

# Relative tolerances for the numeric validity checks of L (round-off, not physics).
SYMMETRY_RTOL = 1e-9
PSD_RTOL = 1e-9


# --------------------------------------------------------------------------------------------------------------
# backends: the algebra below is written once in terms of these operations
# --------------------------------------------------------------------------------------------------------------
class _Sym:
    """Exact sympy backend (matrices are ``sympy.Matrix``)."""

    symbolic = True

    @staticmethod
    def blocks(L):
        return L[0::2, 0::2], L[0::2, 1::2], L[1::2, 0::2], L[1::2, 1::2]

    @staticmethod
    def solve(A, B):
        # adjugate / determinant keeps the closed forms of the paper (Delta = det L_mumu in the denominator)
        return (A.adjugate() * B) / A.det()

    @staticmethod
    def t(A):
        return A.T

    @staticmethod
    def col(x):
        return sp.Matrix(list(x))

    @staticmethod
    def scalar(x):
        return _sym_value("value", x)

    @staticmethod
    def mat_scalar(x):
        return _sym_value("value", x)

    @staticmethod
    def quad(x, A, y):
        return (x.T * A * y)[0, 0]

    @staticmethod
    def entry(v, i):
        return v[i, 0]

    @staticmethod
    def vec_out(v):
        return v

    @staticmethod
    def tidy(x):
        if isinstance(x, sp.MatrixBase):
            return x.applyfunc(sp.cancel)
        return sp.cancel(x)

    sqrt = staticmethod(sp.sqrt)
    atan2 = staticmethod(sp.atan2)


class _Num:
    """Batched numpy backend (matrices have shape ``(..., k, k)``, vectors ``(..., k, 1)``)."""

    symbolic = False

    @staticmethod
    def blocks(L):
        return L[..., 0::2, 0::2], L[..., 0::2, 1::2], L[..., 1::2, 0::2], L[..., 1::2, 1::2]

    @staticmethod
    def solve(A, B):
        # rescale both sides (entries near the float limits must not overflow inside LU)
        cA = np.max(np.abs(A), axis=(-1, -2), keepdims=True)
        cB = np.max(np.abs(B), axis=(-1, -2), keepdims=True)
        cA = np.where(cA > 0, cA, 1.0)
        cB = np.where(cB > 0, cB, 1.0)
        try:
            X = np.linalg.solve(A / cA, B / cB)
            with np.errstate(over="ignore"):
                return X * (cB / cA)
        except np.linalg.LinAlgError:
            raise ValueError("the particle block L_mumu of the Onsager matrix is singular (a reservoir is decoupled, "
                             "e.g. gamma_2 = 0); use the two-terminal block L[:2, :2] or take the limit") from None

    @staticmethod
    def t(A):
        return np.swapaxes(A, -1, -2)

    @staticmethod
    def col(x):
        return np.asarray(x, dtype=float)[..., :, None]

    @staticmethod
    def scalar(x):
        return np.asarray(x, dtype=float)

    @staticmethod
    def mat_scalar(x):
        return np.asarray(x, dtype=float)[..., None, None]

    @staticmethod
    def quad(x, A, y):
        return (np.swapaxes(x, -1, -2) @ A @ y)[..., 0, 0]

    @staticmethod
    def entry(v, i):
        return v[..., i, 0]

    @staticmethod
    def vec_out(v):
        return v[..., 0]

    @staticmethod
    def tidy(x):
        return x

    sqrt = staticmethod(np.sqrt)
    atan2 = staticmethod(np.arctan2)


def _backend(L):
    return _Sym if isinstance(L, sp.MatrixBase) else _Num


# --------------------------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------------------------
def _sym_value(name: str, x):
    """A sympy value from user input without ever parsing a string: numbers and sympy objects pass, a string must be
    a plain identifier (becomes a real ``Symbol`` of that name), anything else raises ``ValueError``."""
    if isinstance(x, str):
        if not x.isidentifier():
            raise ValueError(f"parameter {name!r}: a string is only accepted as a symbol name (an identifier), got "
                             f"{x!r}; pass a sympy expression instead")
        return sp.Symbol(x, real=True)
    if isinstance(x, (sp.Basic, int, float, np.number)) and not isinstance(x, bool):
        try:
            return sp.sympify(x, strict=True)
        except sp.SympifyError:
            pass
    if hasattr(x, "_mpf_"):
        return sp.Float(x)
    raise ValueError(f"parameter {name!r} must be a number, a sympy expression or a symbol name, got {x!r}")


def is_symmetric(L, rtol: float = SYMMETRY_RTOL) -> bool:
    """``L == L^T`` (exactly for sympy, by ``cancel`` of each difference; up to ``rtol * max|L|`` for numpy);
    Onsager reciprocity at B = 0.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    rtol : float, optional
        Relative tolerance (numpy only), scaled by ``max|L|``.

    Returns
    -------
    bool
        ``True`` if ``L`` is symmetric.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.is_symmetric(L)
    True
    >>> onsager.is_symmetric(np.array([[1., 2], [0, 1]]))
    False
    """
    if isinstance(L, sp.MatrixBase):
        return all(sp.cancel(sp.together(L[i, j] - L[j, i])) == 0
                   for i in range(L.rows) for j in range(i + 1, L.cols))
    L = np.asarray(L, dtype=float)
    scale = np.max(np.abs(L), axis=(-1, -2), keepdims=True)
    scale = np.where(scale > 0, scale, 1.0)
    Ls = L / scale
    return bool(np.all(np.abs(Ls - np.swapaxes(Ls, -1, -2)) <= rtol))


def is_positive_semidefinite(L, rtol: float = PSD_RTOL):
    """Second law ``Sdot = X^T L X >= 0``: all eigenvalues of the symmetric part ``>= -rtol * max|eig|``.

    The matrix is rescaled by its largest entry first (entries up to the float limit work). For a sympy matrix
    returns sympy's ``is_positive_semidefinite`` (``None`` when undecidable, e.g. free symbols).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    rtol : float, optional
        Relative eigenvalue tolerance (numpy only).

    Returns
    -------
    bool or None
        ``True`` if every eigenvalue of the symmetric part is ``>= 0`` up to round-off; ``None`` for an
        undecidable sympy matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.is_positive_semidefinite(L)
    True
    >>> onsager.is_positive_semidefinite(np.array([[1., 2], [2, 1]]))
    False
    """
    if isinstance(L, sp.MatrixBase):
        return L.is_positive_semidefinite
    L = np.asarray(L, dtype=float)
    scale = np.max(np.abs(L), axis=(-1, -2), keepdims=True)
    Ls = L / np.where(scale > 0, scale, 1.0)
    eig = np.linalg.eigvalsh(0.5 * (Ls + np.swapaxes(Ls, -1, -2)))
    top = np.max(np.abs(eig), axis=-1)
    return bool(np.all(eig.min(axis=-1) >= -rtol * top))


def validate_onsager(L, T=None):
    """Return ``L`` as a float array (or sympy Matrix) after the physical checks; ``ValueError`` says which failed.

    numpy: finite, shape ``(..., 2m, 2m)``, symmetric and positive semidefinite up to round-off (after rescaling by
    the largest entry). sympy: square of even size, **exactly** symmetric (``cancel`` of every ``L_ij - L_ji``);
    positive semidefinite is decided exactly when ``L`` has no free symbols; with free symbols only what is
    decidable cheaply is checked (a diagonal entry that is provably negative is rejected) -- the positivity of a
    symbolic ``L`` is the caller's assumption (e.g. ``L = R^T R``, :mod:`symqd.cholesky`).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression, optional
        Reference temperature, checked ``> 0`` and finite when given.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``L`` as a float array (numpy) or unchanged (sympy).

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite (beyond round-off), contains NaN/inf, or if ``T`` is not positive and finite.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.validate_onsager(L).shape
    (4, 4)
    >>> onsager.validate_onsager(np.array([[1., 2], [0, 1]]))
    Traceback (most recent call last):
    ...
    ValueError: Onsager matrix L is not symmetric ...
    """
    if isinstance(L, sp.MatrixBase):
        if L.rows != L.cols or L.rows % 2 or L.rows == 0:
            raise ValueError(f"Onsager matrix L must be square with even size 2(n-1), got shape {L.shape}")
        if not is_symmetric(L):
            raise ValueError("Onsager matrix L is not symmetric (L_ij != L_ji exactly; Onsager reciprocity at B = 0)")
        if any(L[i, i].is_negative for i in range(L.rows)):
            raise ValueError("Onsager matrix L has a negative diagonal entry (second law X^T L X >= 0 violated)")
        if not L.free_symbols:
            if any(not x.is_real for x in L):
                raise ValueError("Onsager matrix L must be real")
            if L.is_positive_semidefinite is False:
                raise ValueError("Onsager matrix L is not positive semidefinite (second law X^T L X >= 0 violated)")
        if T is not None:
            Ts = _sym_value("T", T)
            if Ts.is_positive is False or Ts.is_finite is False:
                raise ValueError(f"reference temperature T must be > 0 and finite, got {T}")
        return L
    try:
        L = np.asarray(L, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("Onsager matrix L must be a real numeric array or a sympy Matrix") from exc
    if L.ndim < 2 or L.shape[-1] != L.shape[-2] or L.shape[-1] % 2 or L.shape[-1] == 0:
        raise ValueError(f"Onsager matrix L must have shape (..., 2m, 2m) with m >= 1, got shape {L.shape}")
    if not np.all(np.isfinite(L)):
        raise ValueError("Onsager matrix L contains NaN or inf")
    if not is_symmetric(L):
        raise ValueError("Onsager matrix L is not symmetric (L_ij != L_ji beyond round-off; Onsager reciprocity)")
    if not is_positive_semidefinite(L):
        raise ValueError("Onsager matrix L is not positive semidefinite (negative eigenvalue beyond round-off; "
                         "second law X^T L X >= 0 violated)")
    if T is not None:
        if isinstance(T, str):
            raise ValueError(f"reference temperature T must be a number for a numeric L, got {T!r}")
        try:
            T_arr = np.asarray(T, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"reference temperature T must be a real number or array, got {T!r}") from None
        if np.any(np.isnan(T_arr)) or not np.all(T_arr > 0) or not np.all(np.isfinite(T_arr)):
            raise ValueError(f"reference temperature T must be > 0 and finite, got {T}")
    return L


def _check_e(B, e):
    """``e`` (signed charge): nonzero and finite; a sympy value for a sympy L."""
    if B.symbolic:
        es = _sym_value("e", e)
        if es.is_zero or es.is_finite is False:
            raise ValueError(f"parameter 'e' (the charge) must be nonzero and finite, got {e}")
        return es
    if isinstance(e, str):
        raise ValueError(f"parameter 'e' must be a number for a numeric L, got {e!r}")
    try:
        ea = np.asarray(e, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"parameter 'e' must be a real number, got {e!r}") from None
    if not np.all(np.isfinite(ea)) or np.any(ea == 0):
        raise ValueError(f"parameter 'e' (the charge) must be nonzero and finite, got {e}")
    return ea


def _check_forces(B, L, name, X):
    """Forces ``X^mu`` / ``X^T``: ``n - 1`` finite entries (last axis) for numpy, sympy values for sympy."""
    m = L.shape[-1] // 2
    if B.symbolic:
        try:
            vals = list(X)
        except TypeError:
            raise ValueError(f"parameter {name!r} must be a sequence of {m} forces, got {X!r}") from None
        if len(vals) != m:
            raise ValueError(f"parameter {name!r} must have {m} entries (one per non-reference reservoir), got "
                             f"{len(vals)}")
        return [_sym_value(name, x) for x in vals]
    if isinstance(X, str) or (isinstance(X, (list, tuple)) and any(isinstance(x, str) for x in X)):
        raise ValueError(f"parameter {name!r} must be numeric for a numeric L, got {X!r}")
    try:
        Xa = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"parameter {name!r} must be a real array of forces, got {X!r}") from None
    if Xa.ndim == 0 or Xa.shape[-1] != m:
        raise ValueError(f"parameter {name!r} must have last dimension {m} (one force per non-reference reservoir),"
                         f" got shape {Xa.shape}")
    if not np.all(np.isfinite(Xa)):
        raise ValueError(f"parameter {name!r} must be finite (no NaN or inf)")
    return Xa


def _check_case(L, case):
    """``case``: a non-empty tuple of distinct reservoir numbers ``1 .. n`` (``n`` = the reference)."""
    if case is None:
        return None
    n = L.shape[-1] // 2 + 1
    try:
        items = tuple(case)
    except TypeError:
        raise ValueError(f"parameter 'case' must be a tuple of reservoir numbers 1..{n}, got {case!r}") from None
    ok = len(items) > 0 and all(isinstance(c, (int, np.integer)) and not isinstance(c, bool) and 1 <= c <= n
                                for c in items) and len(set(items)) == len(items)
    if not ok:
        raise ValueError(f"parameter 'case' must be a non-empty tuple of distinct reservoir numbers 1..{n} (the "
                         f"reservoirs whose heat counts as absorbed; {n} is the reference), got {case!r}")
    return tuple(int(c) for c in items)


def _require_three_terminal(L, what):
    if L.shape[-1] != 4:
        raise ValueError(f"{what} is defined for three terminals (a 4x4 Onsager matrix); got shape {L.shape}. "
                         "For more terminals use figure_of_merit(L, XT), max_power, efficiency_at_max_power, which "
                         "hold for any number of terminals")


def _setup(L, T=None):
    B = _backend(L)
    L = validate_onsager(L, T)
    return B, L


def n_terminals(L) -> int:
    """Number of reservoirs ``n`` (including the reference) of an Onsager matrix of size ``2(n-1)``.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.

    Returns
    -------
    int
        ``n = size/2 + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.n_terminals(L)
    3
    """
    size = L.shape[-1]
    return size // 2 + 1


# --------------------------------------------------------------------------------------------------------------
# transport coefficients (paper 2 Sec. 2; equations.md Secs. 3.2-3.5)
# --------------------------------------------------------------------------------------------------------------
def thermopower(L, T, e=1):
    r"""Thermopower matrix of paper 2, Sec. 2 (definition and closed form; Appendix A).

    ``S_ij = -(V_i - V_3)/(T_j - T_3)`` at ``J_k = 0`` for all k and ``T_k = T_3`` for k != j, i.e.
    ``S = L_mumu^{-1} L_muT / (e T)`` (units k_B/e). First index: voltage lead, second: heated lead.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    e : float or sympy expression, optional
        Signed charge (default 1), nonzero.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``S``, shape ``(..., n-1, n-1)`` (units k_B/e).

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T`` or ``e`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.thermopower(L, 1.0).round(3)
    array([[ 0.493, -0.027],
           [ 0.027,  0.507]])
    """
    B, L = _setup(L, T)
    e = _check_e(B, e)
    Lmm, LmT, _, _ = B.blocks(L)
    return B.tidy(B.solve(Lmm, LmT) / (B.mat_scalar(e) * B.mat_scalar(T)))


def conductance(L, T, e=1):
    r"""Conductance matrix ``G_ij = e J_i / (V_j - V_3)`` at equal temperatures: ``G = (e^2/T) L_mumu`` (Sec. 3.3).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    e : float or sympy expression, optional
        Signed charge (default 1), nonzero.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``G``, shape ``(..., n-1, n-1)``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T`` or ``e`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.conductance(L, 1.0)
    array([[2. , 0.5],
           [0.5, 2. ]])
    """
    B, L = _setup(L, T)
    e = _check_e(B, e)
    Lmm = B.blocks(L)[0]
    return B.tidy(Lmm * (B.mat_scalar(e) ** 2 / B.mat_scalar(T)))


def reduced_thermal_matrix(L):
    r"""``T^2 K = L_TT - L_Tmu L_mumu^{-1} L_muT`` (Schur complement; the paper's Cholesky appendix uses it).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``T^2 K``, shape ``(..., n-1, n-1)``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.reduced_thermal_matrix(L).round(3)
    array([[2.499, 0.275],
           [0.275, 2.499]])
    """
    B, L = _setup(L)
    Lmm, LmT, LTm, LTT = B.blocks(L)
    return B.tidy(LTT - LTm @ B.solve(Lmm, LmT))


def thermal_conductance(L, T):
    r"""Thermal-conductance matrix ``K_ij = J^Q_i/(T_j - T_3)`` at zero particle currents (Sec. 3.4).

    ``K = (L_TT - L_Tmu L_mumu^{-1} L_muT) / T^2`` (units k_B x rate); symmetric and positive semidefinite.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``K``, shape ``(..., n-1, n-1)``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.thermal_conductance(L, 2.0).round(3)
    array([[0.625, 0.069],
           [0.069, 0.625]])
    """
    B, L = _setup(L, T)
    return B.tidy(reduced_thermal_matrix(L) / B.mat_scalar(T) ** 2)


def peltier(L, T, e=1):
    r"""Peltier matrix ``Pi_ij = J^Q_i/(e J_j)`` at equal temperatures and ``J_k = 0`` (k != j) (Sec. 3.5).

    ``Pi = L_Tmu L_mumu^{-1} / e``; the Onsager-Kelvin relation ``Pi = T S^T`` is a theorem (tested).
    ``T`` is accepted for API symmetry and validated (``Pi`` itself does not depend on it).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    e : float or sympy expression, optional
        Signed charge (default 1), nonzero.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``Pi``, shape ``(..., n-1, n-1)``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T`` or ``e`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> bool(np.allclose(onsager.peltier(L, 2.0), 2.0 * onsager.thermopower(L, 2.0).T))
    True
    """
    B, L = _setup(L, T)
    e = _check_e(B, e)
    Lmm, _, LTm, _ = B.blocks(L)
    return B.tidy(B.t(B.solve(B.t(Lmm), B.t(LTm))) / B.mat_scalar(e))


# --------------------------------------------------------------------------------------------------------------
# currents, power, efficiency (Sec. 3.6-3.7)
# --------------------------------------------------------------------------------------------------------------
def _forces(B, Xmu, XT):
    """Interleave ``(X^mu_1, X^T_1, X^mu_2, ...)`` as a column vector."""
    if B.symbolic:
        xs = []
        for m, t in zip(Xmu, XT):
            xs += [m, t]
        return sp.Matrix(xs)
    Xmu, XT = np.broadcast_arrays(np.asarray(Xmu, float), np.asarray(XT, float))
    X = np.empty(Xmu.shape[:-1] + (2 * Xmu.shape[-1],))
    X[..., 0::2], X[..., 1::2] = Xmu, XT
    return X[..., :, None]


def currents(L, Xmu, XT):
    r"""Particle and heat currents ``(J, J^Q)`` of the non-reference reservoirs (Onsager relation, paper 2 Sec. 2).

    Returns two vectors of length ``n - 1`` (sympy column matrices, or arrays ``(..., n-1)``).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    Xmu : array_like or sequence of sympy expressions
        Chemical-potential forces ``X^mu_i = Delta mu_i / T``, one per non-reference reservoir (last axis).
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).

    Returns
    -------
    J, JQ : numpy.ndarray or sympy.Matrix
        Particle and heat currents of reservoirs ``1..n-1`` (positive into the system).

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``Xmu``/``XT`` have the wrong length or are not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> J, JQ = onsager.currents(L, [-0.1, -0.1], [0.2, 0.1])
    >>> J.round(3), JQ.round(3)
    (array([-0.03, -0.09]), array([0.51, 0.26]))
    """
    B, L = _setup(L)
    Xmu, XT = _check_forces(B, L, "Xmu", Xmu), _check_forces(B, L, "XT", XT)
    out = L @ _forces(B, Xmu, XT)
    if B.symbolic:
        return out[0::2, 0], out[1::2, 0]
    return out[..., 0::2, 0], out[..., 1::2, 0]


def heat_currents(L, Xmu, XT):
    r"""All ``n`` heat currents, the reference one to leading order: ``J^Q_n = -sum_i J^Q_i`` (Sec. 3.6).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    Xmu : array_like or sequence of sympy expressions
        Chemical-potential forces ``X^mu_i = Delta mu_i / T``, one per non-reference reservoir (last axis).
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``(J^Q_1, ..., J^Q_n)``, last axis of length ``n``; they sum to zero.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if the forces are invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.heat_currents(L, [-0.1, -0.1], [0.2, 0.1]).round(3)
    array([ 0.51,  0.26, -0.77])
    """
    B, L = _setup(L)
    _, JQ = currents(L, Xmu, XT)
    if B.symbolic:
        return sp.Matrix(list(JQ) + [-sum(JQ)])
    return np.concatenate([JQ, -JQ.sum(axis=-1, keepdims=True)], axis=-1)


def power(L, T, Xmu, XT):
    r"""Output power ``W = sum_i J^Q_i = -T sum_i X^mu_i J_i``, paper 2 Sec. 3 (positive = work produced).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    Xmu : array_like or sequence of sympy expressions
        Chemical-potential forces ``X^mu_i = Delta mu_i / T``, one per non-reference reservoir (last axis).
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).

    Returns
    -------
    float, numpy.ndarray or sympy expression
        ``W`` (positive = work produced).

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T`` or the forces are invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> round(float(onsager.power(L, 1.0, [-0.1, -0.1], [0.2, 0.1])), 3)   # driven: work is consumed
    -0.012
    >>> W_max, Xmu_opt = onsager.max_power(L, 1.0, [0.2, 0.1])
    >>> bool(np.isclose(onsager.power(L, 1.0, Xmu_opt, [0.2, 0.1]), W_max))
    True
    """
    B, L = _setup(L, T)
    Xmu, XT = _check_forces(B, L, "Xmu", Xmu), _check_forces(B, L, "XT", XT)
    J, _ = currents(L, Xmu, XT)
    if B.symbolic:
        return B.tidy(-B.scalar(T) * sum(x * j for x, j in zip(Xmu, J)))
    return -np.asarray(T, float) * np.sum(np.asarray(Xmu, float) * J, axis=-1)


def _absorbed_heat(B, JQ_all, case):
    """``sum^+ J^Q``: numerically over positive entries; symbolically over the reservoirs named in ``case``."""
    if case is not None:
        idx = [int(c) - 1 for c in case]
        if B.symbolic:
            return sum(JQ_all[i] for i in idx)
        return sum(JQ_all[..., i] for i in idx)
    if B.symbolic:
        raise ValueError("symbolic efficiencies need case=(1,), (2,) or (1, 2): the reservoirs that absorb heat")
    return np.sum(np.where(JQ_all > 0, JQ_all, 0.0), axis=-1)


def efficiency(L, T, Xmu, XT, case=None):
    r"""Efficiency over the positive heat currents (paper 2 Sec. 3): ``eta = W / sum^+ J^Q``.

    ``case`` (tuple of reservoir numbers, e.g. ``(1,)``, ``(1, 2)``) fixes which heat currents count as absorbed;
    by default (numeric only) every positive one, including the reference ``J^Q_n = -sum J^Q_i``.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    Xmu : array_like or sequence of sympy expressions
        Chemical-potential forces ``X^mu_i = Delta mu_i / T``, one per non-reference reservoir (last axis).
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).
    case : tuple of int, optional
        Reservoirs (1..n) whose heat counts as absorbed; required for sympy ``L``, default (numeric) every
        positive heat current.

    Returns
    -------
    float, numpy.ndarray or sympy expression
        ``eta = W / sum^+ J^Q``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, if the forces are invalid, if ``case`` is not a tuple of distinct reservoir numbers, or if ``case``
        is missing for a sympy ``L``.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> round(float(onsager.efficiency(L, 1.0, [-0.048, -0.028], [0.2, 0.1])), 4)
    0.0081
    """
    B, L = _setup(L, T)
    Xmu, XT = _check_forces(B, L, "Xmu", Xmu), _check_forces(B, L, "XT", XT)
    case = _check_case(L, case)
    Q = _absorbed_heat(B, heat_currents(L, Xmu, XT), case)
    return B.tidy(power(L, T, Xmu, XT) / Q)


def carnot_efficiency_linear(L, T, Xmu, XT, case=None):
    r"""Linear-response Carnot efficiency of a heat-flow configuration (paper 2 Sec. 3, the three cases).

    Zero entropy production gives ``W_rev = sum_i J^Q_i (1 - T_n/T_i) -> T sum_i X^T_i J^Q_i``, so
    ``eta_C = T X^T . J^Q / sum^+ J^Q``: case (a) only ``J^Q_1 > 0``, (c) only ``J^Q_2 > 0`` ("hybrid"),
    (b) both positive.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    Xmu : array_like or sequence of sympy expressions
        Chemical-potential forces ``X^mu_i = Delta mu_i / T``, one per non-reference reservoir (last axis).
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).
    case : tuple of int, optional
        Reservoirs (1..n) whose heat counts as absorbed; required for sympy ``L``, default (numeric) every
        positive heat current.

    Returns
    -------
    float, numpy.ndarray or sympy expression
        ``eta_C = T X^T . J^Q / sum^+ J^Q``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, if the forces or ``case`` are invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> round(float(onsager.carnot_efficiency_linear(L, 1.0, [-0.1, -0.1], [0.2, 0.1])), 4)
    0.1662
    """
    B, L = _setup(L, T)
    Xmu, XT = _check_forces(B, L, "Xmu", Xmu), _check_forces(B, L, "XT", XT)
    case = _check_case(L, case)
    _, JQ = currents(L, Xmu, XT)
    Q = _absorbed_heat(B, heat_currents(L, Xmu, XT), case)
    if B.symbolic:
        return B.tidy(B.scalar(T) * sum(x * q for x, q in zip(XT, JQ)) / Q)
    return np.asarray(T, float) * np.sum(np.asarray(XT, float) * JQ, axis=-1) / Q


# --------------------------------------------------------------------------------------------------------------
# maximum power (Sec. 3.8) and efficiency at maximum power (Sec. 3.9)
# --------------------------------------------------------------------------------------------------------------
def m_matrix(L):
    r"""``M = L_Tmu L_mumu^{-1} L_muT = T^3 S^T G S`` (paper 2 Sec. 3), positive semidefinite; ``M = [[a1, b], [b, a2]]``.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``M``, shape ``(..., n-1, n-1)``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.m_matrix(L).round(3)
    array([[0.501, 0.125],
           [0.125, 0.501]])
    """
    B, L = _setup(L)
    Lmm, LmT, LTm, _ = B.blocks(L)
    return B.tidy(LTm @ B.solve(Lmm, LmT))


def optimal_potentials(L, XT):
    r"""Forces maximising ``W`` at fixed ``X^T``: ``X^mu* = -(1/2) L_mumu^{-1} L_muT X^T`` (Sec. 3.8).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        ``X^mu*``, one entry per non-reference reservoir.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``XT`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.optimal_potentials(L, [0.2, 0.1]).round(3)
    array([-0.048, -0.028])
    """
    B, L = _setup(L)
    XT = _check_forces(B, L, "XT", XT)
    Lmm, LmT, _, _ = B.blocks(L)
    return B.tidy(B.vec_out(-B.solve(Lmm, LmT @ B.col(XT)) / 2))


def max_power(L, T, XT):
    r"""Maximum output power at fixed temperature forces (paper 2 Sec. 3).

    Returns ``(W_max, Xmu_opt)`` with ``W_max = (T/4) X^T^T M X^T = (1/4) dT^T (S^T G S) dT`` and
    ``Xmu_opt = -(1/2) L_mumu^{-1} L_muT X^T`` (maximum over ``X^mu`` because ``L_mumu`` is positive definite).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).

    Returns
    -------
    W_max : float, numpy.ndarray or sympy expression
        Maximum power.
    Xmu_opt : numpy.ndarray or sympy.Matrix
        The optimal forces (:func:`optimal_potentials`).

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T`` or ``XT`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> W, Xmu = onsager.max_power(L, 1.0, [0.2, 0.1])
    >>> round(float(W), 5), Xmu.round(3)
    (0.00752, array([-0.048, -0.028]))
    """
    B, L = _setup(L, T)
    XT = _check_forces(B, L, "XT", XT)
    x = B.col(XT)
    W = B.scalar(T) * B.quad(x, m_matrix(L), x) / 4
    return B.tidy(W), optimal_potentials(L, XT)


def heat_currents_at_max_power(L, XT):
    r"""``J^Q(W_max) = (L_TT - M/2) X^T`` — computed from the Onsager relation (Sec. 2) at the optimal potentials.""

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).

    Returns
    -------
    numpy.ndarray or sympy.Matrix
        All ``n`` heat currents at maximum power.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``XT`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> onsager.heat_currents_at_max_power(L, [0.2, 0.1]).round(3)
    array([ 0.584,  0.342, -0.926])
    """
    Xmu = optimal_potentials(L, XT)
    return heat_currents(L, Xmu, XT)


def carnot_efficiency(L, T, XT, case=None):
    r"""Three-terminal Carnot efficiency of the heat-flow configuration at maximum power (paper 2 Sec. 3).

    Which heat currents are positive at the max-power potentials decides the case (numeric), or ``case`` fixes it.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).
    case : tuple of int, optional
        Reservoirs (1..n) whose heat counts as absorbed; required for sympy ``L``, default (numeric) every
        positive heat current.

    Returns
    -------
    float, numpy.ndarray or sympy expression
        ``eta_C`` of the configuration at maximum power.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T``, ``XT`` or ``case`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> round(float(onsager.carnot_efficiency(L, 1.0, [0.2, 0.1])), 3)
    0.163
    """
    return carnot_efficiency_linear(L, T, optimal_potentials(L, XT), XT, case=case)


def efficiency_at_max_power(L, T, XT, case=None):
    r"""``eta(W_max) = W_max / sum^+ J^Q(W_max)`` in the three heat-flow cases (paper 2, Sec. 3).

    Equals ``(eta_C/2) Z/(Z+2)`` (:func:`figure_of_merit`) with ``eta_C`` from :func:`carnot_efficiency`; hence
    ``eta(W_max) <= eta_C/2`` (proved in :mod:`symqd.cholesky`).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).
    case : tuple of int, optional
        Reservoirs (1..n) whose heat counts as absorbed; required for sympy ``L``, default (numeric) every
        positive heat current.

    Returns
    -------
    float, numpy.ndarray or sympy expression
        ``eta(W_max)``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``T``, ``XT`` or ``case`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> eta = onsager.efficiency_at_max_power(L, 1.0, [0.2, 0.1])
    >>> Z = onsager.figure_of_merit(L, [0.2, 0.1])
    >>> etaC = onsager.carnot_efficiency(L, 1.0, [0.2, 0.1])
    >>> bool(np.isclose(eta, etaC / 2 * Z / (Z + 2)))
    True
    """
    return efficiency(L, T, optimal_potentials(L, XT), XT, case=case)


def figure_of_merit(L, XT):
    r"""Direction-dependent figure of merit ``Z = X^T M X / X^T (L_TT - M) X = T dT^T S^T G S dT / dT^T K dT``.

    Boxed law of Sec. 3.9: ``eta^(k)(W_max) = (eta^(k)_C / 2) Z/(Z+2)`` for every heat-flow case ``k``.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 2(n-1), 2(n-1))``, ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    XT : array_like or sequence of sympy expressions
        Temperature forces ``X^T_i = Delta T_i / T**2``, one per non-reference reservoir (last axis).

    Returns
    -------
    float, numpy.ndarray or sympy expression
        ``Z`` (>= 0) for the direction ``X^T``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, or if ``XT`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> round(float(onsager.figure_of_merit(L, [0.2, 0.1])), 4)
    0.2213
    """
    B, L = _setup(L)
    XT = _check_forces(B, L, "XT", XT)
    x = B.col(XT)
    return B.tidy(B.quad(x, m_matrix(L), x) / B.quad(x, reduced_thermal_matrix(L), x))


def generalized_figures_of_merit(L, normalization: str = "11"):
    r"""Generalised figures of merit (paper 2 Sec. 3): ``(ZT_1, ZT_12, ZT_2) = (a_1, b, a_2) / N``.

    ``N = T^2 K_11`` (``normalization="11"``, configuration with only ``J^Q_1 > 0``; the paper's plotted ZTs),
    ``T^2 K_22`` (``"22"``) or ``2 T^2 K_12`` (``"12"``). Equivalently ``ZT_1 = T (S^T G S)_11 / K_11`` etc.;
    in the two-terminal limit ``ZT_1 -> ZT = L_12^2 / det L^(2)``.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 4, 4)`` (three terminals), ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    normalization : {'11', '22', '12'}, optional
        Which ``T^2 K`` element normalises (default ``'11'``).

    Returns
    -------
    dict
        Keys ``'ZT_1'``, ``'ZT_12'``, ``'ZT_2'``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, if ``L`` is not 4x4, or if ``normalization`` is not
        one of ``'11'``, ``'22'``, ``'12'``.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> {k: round(float(v), 4) for k, v in onsager.generalized_figures_of_merit(L).items()}
    {'ZT_1': 0.2006, 'ZT_12': 0.0502, 'ZT_2': 0.2006}
    """
    B, L = _setup(L)
    _require_three_terminal(L, "generalized_figures_of_merit (paper 2 Sec. 3)")
    M, Kt = m_matrix(L), reduced_thermal_matrix(L)
    pick = {"11": lambda k: k[0, 0] if B.symbolic else k[..., 0, 0],
            "22": lambda k: k[1, 1] if B.symbolic else k[..., 1, 1],
            "12": lambda k: 2 * (k[0, 1] if B.symbolic else k[..., 0, 1])}
    if normalization not in pick:
        raise ValueError(f"normalization must be '11', '22' or '12', got {normalization!r}")
    N = pick[normalization](Kt)
    el = (lambda i, j: M[i, j]) if B.symbolic else (lambda i, j: M[..., i, j])
    return {"ZT_1": B.tidy(el(0, 0) / N), "ZT_12": B.tidy(el(0, 1) / N), "ZT_2": B.tidy(el(1, 1) / N)}


def efficiency_constants(L, delta):
    r"""Paper-style constants ``C_1, C_2, C_12`` (paper 2 Sec. 3, Appendix B) and the matching combinations of figures of merit.

    With ``Kt = T^2 K`` and ``M = [[a1, b], [b, a2]]``:

    * case 1, ``delta = X^T_2/X^T_1``: ``Z_1 = (a1 + 2 delta b + delta^2 a2)/Kt11``,
      ``C_1 = 2 (Kt11 + 2 delta Kt12 + delta^2 Kt22)/Kt11``;
    * case 2, ``delta = X^T_1/X^T_2`` (the paper's C_2 convention, Appendix B): ``Z_2 = (a2 + 2 delta b + delta^2 a1)/Kt22``,
      ``C_2 = 2 (Kt22 + 2 delta Kt12 + delta^2 Kt11)/Kt22``;
    * case 12, ``delta = X^T_2/X^T_1``: ``Z_12 = (a1 + 2 delta b + delta^2 a2)/(2 Kt12)``,
      ``C_12 = (Kt11 + 2 delta Kt12 + delta^2 Kt22)/Kt12``;

    so that ``eta^(k)(W_max) = (eta^(k)_C/2) Z_k/(Z_k + C_k)``. Returns a dict with keys
    ``Z_1, C_1, Z_2, C_2, Z_12, C_12``.

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 4, 4)`` (three terminals), ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    delta : float, array_like or sympy expression
        Ratio of temperature forces (see above for each case).

    Returns
    -------
    dict
        Keys ``Z_1, C_1, Z_2, C_2, Z_12, C_12``.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, if ``L`` is not 4x4, or if ``delta`` is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> c = onsager.efficiency_constants(L, 0.5)
    >>> round(float(c['Z_1']), 3), round(float(c['C_1']), 3)
    (0.301, 2.72)
    """
    B, L = _setup(L)
    _require_three_terminal(L, "efficiency_constants (paper 2 Sec. 3, App. B)")
    if B.symbolic:
        delta = _sym_value("delta", delta)
    else:
        delta = _check_forces(B, np.zeros((2, 2)), "delta", np.asarray(delta, dtype=float)[..., None]
                              if not isinstance(delta, str) else delta)[..., 0]
    M, Kt = m_matrix(L), reduced_thermal_matrix(L)
    el = (lambda A, i, j: A[i, j]) if B.symbolic else (lambda A, i, j: A[..., i, j])
    a1, b, a2 = el(M, 0, 0), el(M, 0, 1), el(M, 1, 1)
    k11, k12, k22 = el(Kt, 0, 0), el(Kt, 0, 1), el(Kt, 1, 1)
    d = delta
    out = {
        "Z_1": (a1 + 2 * d * b + d**2 * a2) / k11,
        "C_1": 2 * (k11 + 2 * d * k12 + d**2 * k22) / k11,
        "Z_2": (a2 + 2 * d * b + d**2 * a1) / k22,
        "C_2": 2 * (k22 + 2 * d * k12 + d**2 * k11) / k22,
        "Z_12": (a1 + 2 * d * b + d**2 * a2) / (2 * k12),
        "C_12": (k11 + 2 * d * k12 + d**2 * k22) / k12,
    }
    return {k: B.tidy(v) for k, v in out.items()}


def power_factor(L, T):
    r"""Three-terminal power factor (paper 2 Sec. 3): eigen-decomposition of ``S^T G S = M/T^3``.

    Returns ``(lam_minus, lam_plus, theta)``: ``lam_pm = (A + C)/2 +- sqrt(((A - C)/2)^2 + B^2)`` for
    ``M/T^3 = [[A, B], [B, C]]`` and ``theta = atan2(2B, A - C)/2`` the angle of the ``lam_plus`` eigenvector in the
    ``(dT_1, dT_2)`` plane, so ``W_max = (Qbar/4)(dT_1^2 + dT_2^2)`` with
    ``Qbar = lam_plus cos^2(phi - theta) + lam_minus sin^2(phi - theta)``, ``phi = atan2(dT_2, dT_1)``.
    Only for three terminals (``L`` 4x4).

    Parameters
    ----------
    L : numpy.ndarray or sympy.Matrix
        Onsager matrix, shape ``(..., 4, 4)`` (three terminals), ordered ``(X^mu_1, X^T_1, X^mu_2, X^T_2, ...)`` (Sec. 2);
        reservoir ``n`` (3 for three terminals) is the reference.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.

    Returns
    -------
    lam_minus, lam_plus, theta : float, numpy.ndarray or sympy expression
        Eigenvalues of ``S^T G S`` and the angle of the ``lam_plus`` eigenvector.

    Raises
    ------
    ValueError
        If ``L`` is not square of even size, not symmetric or not positive semidefinite, if ``L`` is not 4x4, or if ``T`` is invalid.

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import onsager
    >>> L = np.array([[2., 1, .5, .2], [1, 3, .3, .4], [.5, .3, 2, 1], [.2, .4, 1, 3]])
    >>> [round(float(x), 4) for x in onsager.power_factor(L, 1.0)]
    [0.376, 0.6267, 0.7854]
    """
    B, L = _setup(L, T)
    _require_three_terminal(L, "power_factor (paper 2 Sec. 3)")
    P = m_matrix(L) / B.mat_scalar(T) ** 3
    el = (lambda i, j: P[i, j]) if B.symbolic else (lambda i, j: P[..., i, j])
    A, Bq, C = el(0, 0), el(0, 1), el(1, 1)
    root = B.sqrt(((A - C) / 2) ** 2 + Bq**2)
    return (A + C) / 2 - root, (A + C) / 2 + root, B.atan2(2 * Bq, A - C) / 2


# --------------------------------------------------------------------------------------------------------------
# two-terminal limit (Sec. 3.1-3.2), taken as a limit
# --------------------------------------------------------------------------------------------------------------
def two_terminal_limit(quantity, L: sp.MatrixBase, *args, **kwargs):
    r"""Limit of ``quantity(L, *args)`` when reservoir 2 is disconnected (sympy only).

    Every element coupling to reservoir 2 (rows/columns 3, 4) is scaled by ``epsilon`` and ``epsilon -> 0+``:
    this is the physical limit (``gamma_2 -> 0``), not the formal 0/0 substitution. Gives
    ``S_11 -> L_12/(e T L_11)``, ``S_12 -> 0`` while ``S_21`` stays finite (equations.md Sec. 3.2).

    Parameters
    ----------
    quantity : callable
        A function of this module taking ``L`` first (e.g. :func:`thermopower`).
    L : sympy.Matrix
        Symbolic 4x4 Onsager matrix (three terminals).
    *args, **kwargs
        Passed on to ``quantity``.

    Returns
    -------
    sympy expression, sympy.Matrix or dict
        The limit ``epsilon -> 0+``, same structure as ``quantity``'s result.

    Raises
    ------
    ValueError
        If ``L`` is not a 4x4 sympy Matrix.

    Examples
    --------
    >>> import sympy as sp
    >>> from symqd import onsager
    >>> L = sp.Matrix(4, 4, lambda i, j: sp.Symbol(f'L{min(i, j) + 1}{max(i, j) + 1}'))
    >>> onsager.two_terminal_limit(onsager.thermopower, L, sp.Symbol('T', positive=True))[0, :]
    Matrix([[L12/(L11*T), 0]])
    """
    if not isinstance(L, sp.MatrixBase) or L.shape != (4, 4):
        raise ValueError("two_terminal_limit needs a symbolic 4x4 sympy Matrix L")
    eps = sp.Symbol("epsilon", positive=True)
    scaled = sp.Matrix(4, 4, lambda i, j: L[i, j] * (eps if (i >= 2 or j >= 2) else 1))
    value = quantity(scaled, *args, **kwargs)
    lim = lambda x: sp.limit(sp.cancel(x), eps, 0, "+")  # noqa: E731
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(lim)
    if isinstance(value, dict):
        return {k: (v.applyfunc(lim) if isinstance(v, sp.MatrixBase) else lim(v)) for k, v in value.items()}
    return lim(value)


def two_terminal_coefficients(L2, T, e=1) -> dict[str, Any]:
    r"""Two-terminal ``G, S, K, ZT`` of a 2x2 Onsager matrix, from the same n-terminal functions (n = 2).

    ``G = e^2 L_11/T``, ``S = L_12/(e T L_11)``, ``K = det L / (T^2 L_11)``, ``ZT = L_12^2/det L`` (Benenti et al.).

    Parameters
    ----------
    L2 : numpy.ndarray or sympy.Matrix
        2x2 Onsager matrix ``(J, J^Q) = L2 (X^mu, X^T)``.
    T : float or sympy expression
        Reference temperature (k_B = 1), ``> 0``.
    e : float or sympy expression, optional
        Signed charge (default 1), nonzero.

    Returns
    -------
    dict
        Keys ``'G'``, ``'S'``, ``'K'``, ``'ZT'``.

    Raises
    ------
    ValueError
        If ``L2`` is not a valid Onsager matrix, or if ``T`` or ``e`` is invalid.

    Examples
    --------
    >>> import sympy as sp
    >>> from symqd import onsager
    >>> L11, L12, L22 = sp.symbols('L11 L12 L22')
    >>> onsager.two_terminal_coefficients(sp.Matrix([[L11, L12], [L12, L22]]), sp.Symbol('T'))['ZT']
    L12**2/(L11*L22 - L12**2)
    """
    B = _backend(L2)
    sc = (lambda A: A[0, 0]) if B.symbolic else (lambda A: A[..., 0, 0])
    G, S, K = sc(conductance(L2, T, e)), sc(thermopower(L2, T, e)), sc(thermal_conductance(L2, T))
    return {"G": G, "S": S, "K": K, "ZT": B.tidy(G * S**2 * B.scalar(T) / K)}
