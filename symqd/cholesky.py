r"""Cholesky-based positivity proofs of paper 2 (Mazza et al., NJP 16, 085001 (2014)), Appendix B.

A positive semidefinite Onsager matrix is written ``L = R^T R`` with ``R`` **upper** triangular, entries
``rho_ij`` (i <= j; equivalently ``L = l l^T`` with ``l = R^T`` lower triangular as in the paper). Every
quantity of :mod:`symqd.onsager` then becomes a rational function of the ``rho_ij`` whose sign is manifest:

* ``M = u u^T + w w^T`` with ``u = (rho12, rho14)``, ``w = (rho22 rho23, rho23 rho24 + rho33 rho34)/sqrt(D)``,
  ``D = rho23^2 + rho33^2``  => ``a_1, a_2 >= 0`` and ``a_1 a_2 - b^2 >= 0`` (``M`` is PSD);
* ``T^2 K`` likewise => ``C_1, C_2 >= 0``; ``C_12`` has the sign of ``Kt_12 ∝ rho22 rho33 (rho24 rho33 - rho23 rho34)``
  and so does ``Z_12``; hence ``eta^(k)(W_max) <= eta^(k)_C/2`` in all three heat-flow cases.

:func:`sum_of_squares_forms` gives the manifestly non-negative forms; :func:`derived_forms` computes the same
quantities from :mod:`symqd.onsager` with ``L = R^T R`` substituted; the tests and ``derivations/paper2_onsager.py``
check that the two agree (``cancel`` of the difference is zero). :data:`SEED_C2` and :data:`SEED_C12` are the two
constants of the paper's Appendix B that survived in the seed text, quoted verbatim.
"""

from __future__ import annotations

import sympy as sp

from symqd import onsager

__all__ = ["rho", "cholesky_factor", "onsager_from_cholesky", "delta", "derived_forms", "sum_of_squares_forms",
           "SEED_C2", "SEED_C12", "verify"]

delta = sp.Symbol("delta", real=True)


def rho(i: int, j: int) -> sp.Symbol:
    """The Cholesky entry ``rho_ij`` (1-based, i <= j) as a real symbol.

    Parameters
    ----------
    i, j : int
        1-based row and column of ``R`` (``i <= j``; not checked).

    Returns
    -------
    sympy.Symbol
        The real symbol ``rho{i}{j}``.

    Examples
    --------
    >>> from symqd import cholesky
    >>> cholesky.rho(1, 2)
    rho12
    """
    return sp.Symbol(f"rho{i}{j}", real=True)


def cholesky_factor(n: int = 4) -> sp.Matrix:
    """Upper-triangular ``R`` with entries ``rho_ij``.

    Parameters
    ----------
    n : int, optional
        Size of the matrix, ``2(N-1)`` for ``N`` terminals (default 4: three terminals, App. B).

    Returns
    -------
    sympy.Matrix
        ``n x n`` upper-triangular ``R`` (``L = R^T R``).

    Examples
    --------
    >>> from symqd import cholesky
    >>> cholesky.cholesky_factor(2)
    Matrix([
    [rho11, rho12],
    [    0, rho22]])
    """
    return sp.Matrix(n, n, lambda i, j: rho(i + 1, j + 1) if j >= i else 0)


def onsager_from_cholesky(n: int = 4) -> sp.Matrix:
    """``L = R^T R`` — the most general positive semidefinite Onsager matrix.""

    Ordering of rows/columns as in paper 2, Sec. 2: ``(X^mu_1, X^T_1, X^mu_2, X^T_2)``, reservoir 3 the
    reference (App. B).

    Parameters
    ----------
    n : int, optional
        Size of ``L`` (default 4: three terminals).

    Returns
    -------
    sympy.Matrix
        Symmetric ``n x n`` matrix with expanded polynomial entries in the ``rho_ij``.

    Examples
    --------
    >>> from symqd import cholesky
    >>> cholesky.onsager_from_cholesky(2)
    Matrix([
    [  rho11**2,         rho11*rho12],
    [rho11*rho12, rho12**2 + rho22**2]])
    """
    R = cholesky_factor(n)
    return (R.T * R).applyfunc(sp.expand)


def _r(i, j):
    return rho(i, j)


D = _r(2, 3) ** 2 + _r(3, 3) ** 2
_P = _r(2, 4) * _r(3, 3) - _r(2, 3) * _r(3, 4)

#: paper 2, Appendix B (seed text), quoted verbatim (delta = X^T_1/X^T_2 in C_2, X^T_2/X^T_1 in C_12)
SEED_C2 = 2 * ((delta * _r(2, 2) * _r(3, 3) + _r(2, 4) * _r(3, 3) - _r(2, 3) * _r(3, 4)) ** 2
               + (_r(2, 3) ** 2 + _r(3, 3) ** 2) * _r(4, 4) ** 2) / \
    ((_r(2, 4) * _r(3, 3) - _r(2, 3) * _r(3, 4)) ** 2 + (_r(2, 3) ** 2 + _r(3, 3) ** 2) * _r(4, 4) ** 2)
SEED_C12 = ((_r(2, 2) * _r(3, 3) + delta * _r(2, 4) * _r(3, 3) - delta * _r(2, 3) * _r(3, 4)) ** 2
            + delta**2 * (_r(2, 3) ** 2 + _r(3, 3) ** 2) * _r(4, 4) ** 2) / \
    (_r(2, 2) * _r(3, 3) * (_r(2, 4) * _r(3, 3) - _r(2, 3) * _r(3, 4)))


def sum_of_squares_forms() -> dict[str, sp.Expr]:
    r"""Manifestly signed forms in the ``rho_ij`` (equations.md Sec. 3.10): squares over squares.

    Paper 2, Appendix B: ``a_1, a_2, b, det M`` (Sec. 3, ``M = L_Tmu L_mumu^{-1} L_muT``), ``Kt = T^2 K``
    and the efficiency constants ``C_1, C_2, C_12`` with ``Z_12/C_12``.

    Returns
    -------
    dict of str to sympy.Expr
        Keys ``a_1, a_2, b, det_M, Kt_11, Kt_12, Kt_22, C_1, C_2, C_12, Z12_over_C12``.

    Examples
    --------
    >>> from symqd import cholesky
    >>> forms = cholesky.sum_of_squares_forms()
    >>> len(forms), forms["Kt_11"]
    (11, rho22**2*rho33**2/(rho23**2 + rho33**2))
    """
    r = _r
    w2 = r(2, 3) * r(2, 4) + r(3, 3) * r(3, 4)
    num1 = (r(2, 2) * r(3, 3) + delta * _P) ** 2 + delta**2 * D * r(4, 4) ** 2
    return {
        "a_1": r(1, 2) ** 2 + r(2, 2) ** 2 * r(2, 3) ** 2 / D,
        "a_2": r(1, 4) ** 2 + w2**2 / D,
        "b": r(1, 2) * r(1, 4) + r(2, 2) * r(2, 3) * w2 / D,
        "det_M": (r(1, 2) * w2 - r(1, 4) * r(2, 2) * r(2, 3)) ** 2 / D,
        "Kt_11": r(2, 2) ** 2 * r(3, 3) ** 2 / D,
        "Kt_12": r(2, 2) * r(3, 3) * _P / D,
        "Kt_22": (_P**2 + D * r(4, 4) ** 2) / D,
        "C_1": 2 * num1 / (r(2, 2) ** 2 * r(3, 3) ** 2),
        "C_2": SEED_C2,
        "C_12": SEED_C12,
        # Z_12 / C_12 = x^T M x / (2 x^T Kt x) >= 0 with x = (1, delta): same sign
        "Z12_over_C12": ((r(1, 2) + delta * r(1, 4)) ** 2 + (r(2, 2) * r(2, 3) + delta * w2) ** 2 / D)
        / (2 * num1 / D),
    }


def derived_forms() -> dict[str, sp.Expr]:
    """The same quantities computed by :mod:`symqd.onsager` from ``L = R^T R`` (not yet simplified).

    Returns
    -------
    dict of str to sympy.Expr
        Same keys as :func:`sum_of_squares_forms`.

    Examples
    --------
    >>> from symqd import cholesky
    >>> sorted(cholesky.derived_forms()) == sorted(cholesky.sum_of_squares_forms())
    True
    """
    L = onsager_from_cholesky()
    M = onsager.m_matrix(L)
    Kt = onsager.reduced_thermal_matrix(L)
    c = onsager.efficiency_constants(L, delta)
    return {
        "a_1": M[0, 0], "a_2": M[1, 1], "b": M[0, 1], "det_M": M.det(),
        "Kt_11": Kt[0, 0], "Kt_12": Kt[0, 1], "Kt_22": Kt[1, 1],
        "C_1": c["C_1"], "C_2": c["C_2"], "C_12": c["C_12"],
        "Z12_over_C12": c["Z_12"] / c["C_12"],
    }


def verify() -> dict[str, bool]:
    """``cancel(derived - sum_of_squares) == 0`` for every key (the proof), as a dict of booleans.

    Returns
    -------
    dict of str to bool
        ``True`` for each key of :func:`sum_of_squares_forms` whose derived and sum-of-squares forms agree.

    Examples
    --------
    >>> from symqd import cholesky
    >>> all(cholesky.verify().values())
    True
    """
    sos, der = sum_of_squares_forms(), derived_forms()
    return {k: sp.cancel(sp.together(der[k] - sos[k])) == 0 for k in sos}
