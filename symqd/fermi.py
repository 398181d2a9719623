"""The Fermi function in three forms: symbolic, numerically stable numpy, and mpmath.

Convention (both papers): ``f(x) = 1 / (1 + exp(x))`` with the argument already divided by ``k_B T``;
a reservoir at temperature ``T`` and electrochemical potential ``mu`` fills a level ``E`` with probability
``f((E - mu) / T)`` (``k_B = 1``).

The symbolic form is the sympy function :class:`fermi`, which stays unevaluated so that closed forms keep the
papers' structure; ``expr.rewrite(sp.exp)`` gives ``1/(exp(x)+1)``. :func:`numpy_fermi` never overflows and keeps
full relative precision for ``|x|`` up to ~700 on either side (and returns exactly 0 below that, never NaN):
it evaluates ``exp(-|x|)`` only.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

__all__ = ["fermi", "numpy_fermi", "mpmath_fermi", "NUMPY_MODULE", "MPMATH_MODULE"]


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


#: ``modules`` entries for :func:`sympy.lambdify`
NUMPY_MODULE = {"fermi": numpy_fermi}
MPMATH_MODULE = {"fermi": mpmath_fermi}
