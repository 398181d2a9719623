"""The Fermi and Bose functions in three forms each: symbolic, numerically stable numpy, and mpmath.

Convention (both papers): ``f(x) = 1 / (1 + exp(x))`` with the argument already divided by ``k_B T``;
a reservoir at temperature ``T`` and electrochemical potential ``mu`` fills a level ``E`` with probability
``f((E - mu) / T)`` (``k_B = 1``).

The symbolic form is the sympy function :class:`fermi`, which stays unevaluated so that closed forms keep the
papers' structure; ``expr.rewrite(sp.exp)`` gives ``1/(exp(x)+1)``. :func:`numpy_fermi` never overflows and keeps
full relative precision for ``|x|`` up to ~700 on either side (and returns exactly 0 below that, never NaN):
it evaluates ``exp(-|x|)`` only.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

__all__ = [
    "fermi",
    "numpy_fermi",
    "mpmath_fermi",
    "bose",
    "numpy_bose",
    "mpmath_bose",
    "xbose",
    "numpy_xbose",
    "mpmath_xbose",
    "NUMPY_MODULE",
    "MPMATH_MODULE",
]


class fermi(sp.Function):
    """Symbolic Fermi function ``f(x) = 1/(1+e^x)`` of a dimensionless argument ``x = (E - mu)/(k_B T)``."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x is sp.S.Zero:
            return sp.S.Half
        if x is sp.S.Infinity:
            return sp.S.Zero
        if x is sp.S.NegativeInfinity:
            return sp.S.One

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (sp.exp(x) + 1)

    def _eval_evalf(self, prec):
        if self.args[0].is_number:
            return (1 / (sp.exp(self.args[0]) + 1))._eval_evalf(prec)

    def fdiff(self, argindex=1):
        x = self.args[0]
        return -fermi(x) * (1 - fermi(x))

    def _eval_is_positive(self):
        if self.args[0].is_extended_real:
            return True

    def _latex(self, printer, exp=None):
        s = r"f\left(%s\right)" % printer._print(self.args[0])
        return s if exp is None else r"%s^{%s}" % (s, exp)


def numpy_fermi(x):
    """Overflow-free ``1/(1+exp(x))`` on arrays: ``exp(-x)/(1+exp(-x))`` for ``x>0``, ``1/(1+exp(x))`` else."""
    x = np.asarray(x, dtype=float)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x > 0, e / (1.0 + e), 1.0 / (1.0 + e))


def mpmath_fermi(x):
    """``1/(1+exp(x))`` at the working mpmath precision (mpmath exponents do not overflow)."""
    return 1 / (1 + mpmath.exp(x))


class bose(sp.Function):
    r"""Symbolic Bose function ``n_B(x) = 1/(e^x - 1)`` of a dimensionless argument ``x = E/(k_B T)``.

    Singular at ``x = 0``; rates use the regular product :class:`xbose` ``= x n_B(x)``. ``n_B(-x) = -1 - n_B(x)``.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", positive=True)
    >>> bose(x).rewrite(sp.exp)
    1/(exp(x) - 1)
    >>> sp.simplify((bose(-x) + 1 + bose(x)).rewrite(sp.exp))
    0
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x is sp.S.Infinity:
            return sp.S.Zero
        if x is sp.S.NegativeInfinity:
            return -sp.S.One

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (sp.exp(x) - 1)

    def _eval_evalf(self, prec):
        if self.args[0].is_number:
            return (1 / (sp.exp(self.args[0]) - 1))._eval_evalf(prec)

    def fdiff(self, argindex=1):
        x = self.args[0]
        return -bose(x) * (1 + bose(x))

    def _latex(self, printer, exp=None):
        s = r"n_B\left(%s\right)" % printer._print(self.args[0])
        return s if exp is None else r"%s^{%s}" % (s, exp)


class xbose(sp.Function):
    r"""``x n_B(x) = x/(e^x - 1)``, regular everywhere (value 1 at ``x = 0``, ``-x`` for ``x -> -oo``).

    The ohmic bosonic rate is ``g dE n_B(dE/T) = g T xbose(dE/T)`` (finite limit ``g T`` at ``dE = 0``);
    detailed balance: ``xbose(x) / xbose(-x) = e^{-x}``.

    Examples
    --------
    >>> import sympy as sp
    >>> xbose(0)
    1
    >>> x = sp.Symbol("x", positive=True)
    >>> sp.simplify((xbose(x) / xbose(-x)).rewrite(sp.exp) - sp.exp(-x))
    0
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x is sp.S.Zero:
            return sp.S.One
        if x is sp.S.Infinity:
            return sp.S.Zero

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return x / (sp.exp(x) - 1)

    def _eval_evalf(self, prec):
        if self.args[0].is_number and self.args[0] != 0:
            return (self.args[0] / (sp.exp(self.args[0]) - 1))._eval_evalf(prec)

    def _eval_rewrite_as_bose(self, x, **kwargs):
        return x * bose(x)

    def fdiff(self, argindex=1):
        x = self.args[0]
        # d/dx [x n_B(x)] = n_B(x) - x n_B(x) (1 + n_B(x)) = xbose(x) (1/x - 1 - n_B(x)) ; written regularly:
        return (xbose(x) - xbose(x) ** 2 * sp.exp(x)) / x

    def _eval_is_positive(self):
        if self.args[0].is_extended_real:
            return True

    def _latex(self, printer, exp=None):
        a = printer._print(self.args[0])
        s = r"\left(%s\right) n_B\left(%s\right)" % (a, a)
        return s if exp is None else r"\left[%s\right]^{%s}" % (s, exp)


def numpy_bose(x):
    """``1/(e^x - 1)`` on arrays without overflow (``inf`` at ``x = 0``, as the function)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(under="ignore", over="ignore", divide="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x > 0, e / -np.expm1(-np.abs(x)), 1.0 / np.expm1(x))


def mpmath_bose(x):
    """``1/(e^x - 1)`` at the working mpmath precision."""
    return 1 / mpmath.expm1(x)


def numpy_xbose(x):
    """``x/(e^x - 1)`` on arrays: exact 1 at ``x = 0``, no overflow, full relative precision on both sides."""
    x = np.asarray(x, dtype=float)
    with np.errstate(under="ignore", over="ignore", divide="ignore", invalid="ignore"):
        ax = np.abs(x)
        pos = x * np.exp(-ax) / -np.expm1(-ax)  # x > 0
        neg = x / np.expm1(x)  # x < 0 (expm1 in (-1, 0))
        out = np.where(x > 0, pos, neg)
        return np.where(x == 0, 1.0, out)


def mpmath_xbose(x):
    """``x/(e^x - 1)`` at the working mpmath precision (1 at ``x = 0``)."""
    if x == 0:
        return mpmath.mpf(1)
    return x / mpmath.expm1(x)


def math_fermi(x):
    """Scalar ``1/(1+e^x)`` with :mod:`math` (no overflow)."""
    e = math.exp(-abs(x))
    return (e if x > 0 else 1.0) / (1.0 + e)


def math_xbose(x):
    """Scalar ``x/(e^x - 1)`` with :mod:`math` (1 at 0, no overflow)."""
    if x == 0:
        return 1.0
    if x > 0:
        return x * math.exp(-x) / -math.expm1(-x)
    return x / math.expm1(x)


def math_bose(x):
    """Scalar ``1/(e^x - 1)`` with :mod:`math`."""
    return 1.0 / math.expm1(x)


#: ``modules`` entries for :func:`sympy.lambdify`
MATH_MODULE = {"fermi": math_fermi, "bose": math_bose, "xbose": math_xbose}
NUMPY_MODULE = {"fermi": numpy_fermi, "bose": numpy_bose, "xbose": numpy_xbose}
MPMATH_MODULE = {"fermi": mpmath_fermi, "bose": mpmath_bose, "xbose": mpmath_xbose}
