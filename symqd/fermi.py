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
    r"""Symbolic Fermi function ``f(x) = 1/(1+e^x)`` of a dimensionless argument ``x = (E - mu)/(k_B T)``.

    Stays unevaluated for symbolic arguments so closed forms keep the papers' structure (paper 1, the rates
    below Eq. (1) are ``Gamma f((E - mu)/T)``); ``rewrite(sp.exp)`` gives the explicit form, ``evalf`` a number.

    Parameters
    ----------
    x : sympy expression
        Dimensionless argument ``(E - mu)/T`` (``k_B = 1``); ``f(0) = 1/2``, ``f(oo) = 0``, ``f(-oo) = 1``.

    Returns
    -------
    sympy expression
        ``fermi(x)``; derivative ``f'(x) = -f(x)(1 - f(x))``.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> fermi(0), fermi(sp.oo)
    (1/2, 0)
    >>> fermi(x).rewrite(sp.exp)
    1/(exp(x) + 1)
    >>> sp.diff(fermi(x), x)
    -(1 - fermi(x))*fermi(x)
    >>> round(float(fermi(sp.Integer(1)).evalf()), 6)
    0.268941
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        r"""Automatic evaluation at the special points ``0``, ``+oo`` and ``-oo`` (sympy hook).

        Parameters
        ----------
        x : sympy expression
            The argument.

        Returns
        -------
        sympy number or None
            ``1/2``, ``0`` or ``1`` at the special points, else ``None`` (stays unevaluated).

        Examples
        --------
        >>> import sympy as sp
        >>> fermi.eval(sp.S.Zero), fermi.eval(sp.S.NegativeInfinity), fermi.eval(sp.Symbol("x")) is None
        (1/2, 1, True)
        """
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
        r"""Derivative ``f'(x) = -f(x)(1 - f(x))`` (sympy hook used by :func:`sympy.diff`).

        Parameters
        ----------
        argindex : int, optional
            Index of the argument (always 1).

        Returns
        -------
        sympy expression
            The derivative in terms of ``fermi``.

        Examples
        --------
        >>> import sympy as sp
        >>> fermi(sp.Symbol("x")).fdiff()
        -(1 - fermi(x))*fermi(x)
        """
        x = self.args[0]
        return -fermi(x) * (1 - fermi(x))

    def _eval_is_positive(self):
        if self.args[0].is_extended_real:
            return True

    def _latex(self, printer, exp=None):
        s = r"f\left(%s\right)" % printer._print(self.args[0])
        return s if exp is None else r"%s^{%s}" % (s, exp)


def numpy_fermi(x):
    r"""Overflow-free ``1/(1+exp(x))`` on arrays: ``exp(-x)/(1+exp(-x))`` for ``x>0``, ``1/(1+exp(x))`` else.

    Parameters
    ----------
    x : float or array_like
        Dimensionless argument ``(E - mu)/T``.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of ``x``, in ``[0, 1]``; never NaN for finite or infinite ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> numpy_fermi(np.array([-1000.0, 0.0, 1.0, 1000.0])).round(6)
    array([1.      , 0.5     , 0.268941, 0.      ])
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x > 0, e / (1.0 + e), 1.0 / (1.0 + e))


def mpmath_fermi(x):
    r"""``1/(1+exp(x))`` at the working mpmath precision (mpmath exponents do not overflow).

    Parameters
    ----------
    x : mpmath.mpf or number
        Dimensionless argument ``(E - mu)/T``.

    Returns
    -------
    mpmath.mpf
        The Fermi function at ``mpmath.mp.dps`` digits.

    Examples
    --------
    >>> import mpmath
    >>> with mpmath.workdps(30):
    ...     print(mpmath_fermi(mpmath.mpf(1)))
    0.268941421369995120748840...
    >>> mpmath_fermi(mpmath.mpf(10000)) > 0
    True
    """
    return 1 / (1 + mpmath.exp(x))


class bose(sp.Function):
    r"""Symbolic Bose function ``n_B(x) = 1/(e^x - 1)`` of a dimensionless argument ``x = E/(k_B T)``.

    Singular at ``x = 0``; rates use the regular product :class:`xbose` ``= x n_B(x)``. ``n_B(-x) = -1 - n_B(x)``.

    Parameters
    ----------
    x : sympy expression
        Dimensionless argument ``E/T`` (``k_B = 1``); ``n_B(oo) = 0``, ``n_B(-oo) = -1``.

    Returns
    -------
    sympy expression
        ``bose(x)``, unevaluated for symbolic ``x``; derivative ``-n_B(x)(1 + n_B(x))``.

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
        r"""Automatic evaluation at ``+oo`` (0) and ``-oo`` (-1) (sympy hook).

        Parameters
        ----------
        x : sympy expression
            The argument.

        Returns
        -------
        sympy number or None
            The value at the special points, else ``None`` (stays unevaluated).

        Examples
        --------
        >>> import sympy as sp
        >>> bose.eval(sp.S.Infinity), bose.eval(sp.S.NegativeInfinity)
        (0, -1)
        """
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
        r"""Derivative ``n_B'(x) = -n_B(x)(1 + n_B(x))`` (sympy hook used by :func:`sympy.diff`).

        Parameters
        ----------
        argindex : int, optional
            Index of the argument (always 1).

        Returns
        -------
        sympy expression
            The derivative in terms of ``bose``.

        Examples
        --------
        >>> import sympy as sp
        >>> bose(sp.Symbol("x")).fdiff()
        -(bose(x) + 1)*bose(x)
        """
        x = self.args[0]
        return -bose(x) * (1 + bose(x))

    def _latex(self, printer, exp=None):
        s = r"n_B\left(%s\right)" % printer._print(self.args[0])
        return s if exp is None else r"%s^{%s}" % (s, exp)


class xbose(sp.Function):
    r"""``x n_B(x) = x/(e^x - 1)``, regular everywhere (value 1 at ``x = 0``, ``-x`` for ``x -> -oo``).

    The ohmic bosonic rate is ``g dE n_B(dE/T) = g T xbose(dE/T)`` (finite limit ``g T`` at ``dE = 0``);
    detailed balance: ``xbose(x) / xbose(-x) = e^{-x}``.

    Parameters
    ----------
    x : sympy expression
        Dimensionless argument ``E/T`` (``k_B = 1``).

    Returns
    -------
    sympy expression
        ``xbose(x)``, unevaluated for symbolic ``x``; ``xbose(0) = 1``, ``xbose(oo) = 0``.

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
        r"""Automatic evaluation at ``0`` (1) and ``+oo`` (0) (sympy hook).

        Parameters
        ----------
        x : sympy expression
            The argument.

        Returns
        -------
        sympy number or None
            The value at the special points, else ``None`` (stays unevaluated).

        Examples
        --------
        >>> import sympy as sp
        >>> xbose.eval(sp.S.Zero), xbose.eval(sp.S.Infinity)
        (1, 0)
        """
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
        r"""Derivative ``(xbose(x) - xbose(x)^2 e^x)/x`` of ``x n_B(x)`` (sympy hook used by :func:`sympy.diff`).

        Parameters
        ----------
        argindex : int, optional
            Index of the argument (always 1).

        Returns
        -------
        sympy expression
            The derivative in terms of ``xbose``.

        Examples
        --------
        >>> import sympy as sp
        >>> x = sp.Symbol("x", positive=True)
        >>> d = sp.diff(xbose(x), x).rewrite(sp.exp)
        >>> sp.simplify(d - sp.diff(x / (sp.exp(x) - 1), x))
        0
        """
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
    r"""``1/(e^x - 1)`` on arrays without overflow (``inf`` at ``x = 0``, as the function).

    Parameters
    ----------
    x : float or array_like
        Dimensionless argument ``E/T``.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of ``x``; negative for ``x < 0`` (``n_B(-x) = -1 - n_B(x)``).

    Examples
    --------
    >>> import numpy as np
    >>> numpy_bose(np.array([-1.0, 1.0, 800.0])).round(6)
    array([-1.581977,  0.581977,  0.      ])
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(under="ignore", over="ignore", divide="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x > 0, e / -np.expm1(-np.abs(x)), 1.0 / np.expm1(x))


def mpmath_bose(x):
    r"""``1/(e^x - 1)`` at the working mpmath precision.

    Parameters
    ----------
    x : mpmath.mpf or number
        Dimensionless argument ``E/T`` (nonzero).

    Returns
    -------
    mpmath.mpf
        The Bose function.

    Examples
    --------
    >>> import mpmath
    >>> print(mpmath.nstr(mpmath_bose(mpmath.mpf(1)), 12))
    0.581976706869
    """
    return 1 / mpmath.expm1(x)


def numpy_xbose(x):
    r"""``x/(e^x - 1)`` on arrays: exact 1 at ``x = 0``, no overflow, full relative precision on both sides.

    Parameters
    ----------
    x : float or array_like
        Dimensionless argument ``E/T``.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of ``x``, positive; ``-x`` asymptotically for ``x -> -oo``.

    Examples
    --------
    >>> import numpy as np
    >>> numpy_xbose(np.array([-1000.0, 0.0, 1.0, 1000.0])).round(6).tolist()
    [1000.0, 1.0, 0.581977, 0.0]
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(under="ignore", over="ignore", divide="ignore", invalid="ignore"):
        ax = np.abs(x)
        pos = x * np.exp(-ax) / -np.expm1(-ax)  # x > 0
        neg = x / np.expm1(x)  # x < 0 (expm1 in (-1, 0))
        out = np.where(x > 0, pos, neg)
        return np.where(x == 0, 1.0, out)


def mpmath_xbose(x):
    r"""``x/(e^x - 1)`` at the working mpmath precision (1 at ``x = 0``).

    Parameters
    ----------
    x : mpmath.mpf or number
        Dimensionless argument ``E/T``.

    Returns
    -------
    mpmath.mpf
        ``x n_B(x)``.

    Examples
    --------
    >>> import mpmath
    >>> print(mpmath_xbose(0), mpmath.nstr(mpmath_xbose(mpmath.mpf(1)), 12))
    1.0 0.581976706869
    """
    if x == 0:
        return mpmath.mpf(1)
    return x / mpmath.expm1(x)


def math_fermi(x):
    r"""Scalar ``1/(1+e^x)`` with :mod:`math` (no overflow).

    Parameters
    ----------
    x : float
        Dimensionless argument ``(E - mu)/T``.

    Returns
    -------
    float
        The Fermi function.

    Examples
    --------
    >>> round(math_fermi(1.0), 6), math_fermi(1e4), math_fermi(-1e4)
    (0.268941, 0.0, 1.0)
    """
    e = math.exp(-abs(x))
    return (e if x > 0 else 1.0) / (1.0 + e)


def math_xbose(x):
    r"""Scalar ``x/(e^x - 1)`` with :mod:`math` (1 at 0, no overflow).

    Parameters
    ----------
    x : float
        Dimensionless argument ``E/T``.

    Returns
    -------
    float
        ``x n_B(x)``.

    Examples
    --------
    >>> math_xbose(0.0), round(math_xbose(1.0), 6), math_xbose(-1e4)
    (1.0, 0.581977, 10000.0)
    """
    if x == 0:
        return 1.0
    if x > 0:
        return x * math.exp(-x) / -math.expm1(-x)
    return x / math.expm1(x)


def math_bose(x):
    r"""Scalar ``1/(e^x - 1)`` with :mod:`math`.

    Parameters
    ----------
    x : float
        Dimensionless argument ``E/T``.

    Returns
    -------
    float
        The Bose function.

    Raises
    ------
    ZeroDivisionError
        At ``x = 0``.

    Examples
    --------
    >>> round(math_bose(1.0), 6), round(math_bose(-1.0), 6)
    (0.581977, -1.581977)
    """
    return 1.0 / math.expm1(x)


#: ``modules`` entries for :func:`sympy.lambdify`
MATH_MODULE = {"fermi": math_fermi, "bose": math_bose, "xbose": math_xbose}
NUMPY_MODULE = {"fermi": numpy_fermi, "bose": numpy_bose, "xbose": numpy_xbose}
MPMATH_MODULE = {"fermi": mpmath_fermi, "bose": mpmath_bose, "xbose": mpmath_xbose}
