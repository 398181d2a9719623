"""Vectorized root finding and optimization for parameter sweeps (generic; no model knowledge).

Thin layers over :mod:`scipy.optimize.elementwise` (Chandrupatla's bracketing root finder and minimizer, and the
bracket searches), so that a model can solve one scalar equation or maximize one scalar function *per point of a
broadcast parameter array* in a single vectorized call. The one piece scipy does not have — a vectorized Newton
method for a 2x2 system, one system per array element — is :func:`newton2`.

Conventions: every callable is *elementwise*: ``f(x, idx)`` gets the active abscissae ``x`` (1-D) and the integer
indices ``idx`` of the points they belong to (use them to pick the matching parameters), and returns an array of
the same shape.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import elementwise as _el

__all__ = ["maximize", "find_root", "bracket_root", "newton2", "check_tolerance", "check_maxiter"]


def check_tolerance(name: str, value, *, upper: float = 1.0) -> float:
    r"""A tolerance must be a finite real number in ``(0, upper]``; ``ValueError`` naming ``name`` otherwise.

    Parameters
    ----------
    name : str
        Parameter name, for the message.
    value : float
        The tolerance.
    upper : float, optional
        Largest allowed value (default 1).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Naming ``name`` if ``value`` is not a finite real number in ``(0, upper]``.

    Examples
    --------
    >>> check_tolerance("xtol", 1e-9)
    1e-09
    >>> check_tolerance("xtol", 0)
    Traceback (most recent call last):
    ...
    ValueError: xtol must be a real number in (0, 1.0], got 0
    """
    if isinstance(value, (bool, np.bool_, str, bytes)) or not np.isscalar(value) and np.ndim(value) != 0:
        raise ValueError(f"{name} must be a real number in (0, {upper}], got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number in (0, {upper}], got {value!r}") from None
    if not (np.isfinite(v) and 0 < v <= upper):
        raise ValueError(f"{name} must be a real number in (0, {upper}], got {value!r}")
    return v


def check_maxiter(name: str, value) -> int:
    r"""An iteration limit must be a positive integer; ``ValueError`` naming ``name`` otherwise.

    Parameters
    ----------
    name : str
        Parameter name, for the message.
    value : int
        The limit.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        Naming ``name`` if ``value`` is not a positive integer (booleans are refused).

    Examples
    --------
    >>> check_maxiter("maxiter", 60)
    60
    >>> check_maxiter("maxiter", 2.5)
    Traceback (most recent call last):
    ...
    ValueError: maxiter must be a positive integer, got 2.5
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _idx(n: int) -> np.ndarray:
    return np.arange(n, dtype=float)


def _wrap(f):
    return lambda x, idx: f(x, np.asarray(idx).astype(np.intp))


def maximize(f, lo, mid, hi, *, xatol: float = 0.0, xrtol: float = 1e-9, maxiter: int = 200):
    r"""Maximize ``f(x, idx)`` in each bracket ``lo < mid < hi`` (``f(mid) >= f(lo), f(hi)``), elementwise.

    Chandrupatla's bracketing minimizer (:func:`scipy.optimize.elementwise.find_minimum`) on ``-f``.

    Parameters
    ----------
    f : callable ``f(x, idx) -> array``
        Elementwise objective; ``idx`` are the integer indices of the points of ``x``.
    lo, mid, hi : 1-D arrays
        Brackets, one per point.
    xatol, xrtol : float, optional
        Absolute and relative tolerances on ``x``.
    maxiter : int, optional
        Iteration limit.

    Returns
    -------
    x, fx, success : 1-D arrays

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([0.3, -1.2])
    >>> x, fx, ok = maximize(lambda x, i: -(x - c[i]) ** 2, np.full(2, -2.0), np.array([0.2, -1.0]), np.full(2, 2.0))
    >>> np.allclose(x, c), bool(ok.all())
    (True, True)
    """
    lo, mid, hi = (np.asarray(a, dtype=float) for a in (lo, mid, hi))
    g = _wrap(f)
    res = _el.find_minimum(lambda x, idx: -g(x, idx), (lo, mid, hi), args=(_idx(lo.size),),
                           tolerances={"xatol": xatol, "xrtol": xrtol}, maxiter=maxiter)
    return np.asarray(res.x), -np.asarray(res.f_x), np.asarray(res.success)


def find_root(f, lo, hi, *, xatol: float = 0.0, xrtol: float = 4e-16, fatol: float = 0.0, maxiter=None):
    r"""Root of ``f(x, idx)`` in each bracket ``[lo, hi]`` (sign change), elementwise.

    Chandrupatla's bracketing root finder (:func:`scipy.optimize.elementwise.find_root`).

    Parameters
    ----------
    f : callable ``f(x, idx) -> array``
        Elementwise function; ``idx`` are the integer indices of the points of ``x``.
    lo, hi : 1-D arrays
        Brackets with a sign change of ``f``.
    xatol, xrtol, fatol : float, optional
        Tolerances on ``x`` (absolute, relative) and on ``f`` (absolute).
    maxiter : int, optional
        Iteration limit (scipy's default if None).

    Returns
    -------
    x, fx, success : 1-D arrays

    Examples
    --------
    >>> import numpy as np
    >>> x, _, ok = find_root(lambda x, i: x**3 - 2.0, np.zeros(1), np.full(1, 3.0))
    >>> bool(abs(float(x[0]) ** 3 - 2.0) < 1e-12 and ok[0])
    True
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    res = _el.find_root(_wrap(f), (lo, hi), args=(_idx(lo.size),),
                        tolerances={"xatol": xatol, "xrtol": xrtol, "fatol": fatol}, maxiter=maxiter)
    return np.asarray(res.x), np.asarray(res.f_x), np.asarray(res.success)


def bracket_root(f, xl0, xr0, *, xmin=-np.inf, xmax=np.inf, factor: float = 2.0, maxiter: int = 1000):
    r"""Grow ``[xl0, xr0]`` (within ``[xmin, xmax]``) until ``f(x, idx)`` changes sign, elementwise.

    A thin layer over :func:`scipy.optimize.elementwise.bracket_root`.

    Parameters
    ----------
    f : callable ``f(x, idx) -> array``
        Elementwise function.
    xl0, xr0 : 1-D arrays
        Initial brackets.
    xmin, xmax : float or array, optional
        Limits of the search.
    factor : float, optional
        Growth factor of the bracket.
    maxiter : int, optional
        Iteration limit.

    Returns
    -------
    xl, xr, success : 1-D arrays

    Examples
    --------
    >>> import numpy as np
    >>> xl, xr, ok = bracket_root(lambda x, i: x - 10.0, np.zeros(1), np.ones(1))
    >>> bool(ok[0] and xl[0] <= 10.0 <= xr[0])
    True
    """
    xl0, xr0 = np.asarray(xl0, dtype=float), np.asarray(xr0, dtype=float)
    res = _el.bracket_root(_wrap(f), xl0, xr0, xmin=xmin, xmax=xmax, factor=factor, args=(_idx(xl0.size),),
                           maxiter=maxiter)
    return np.asarray(res.bracket[0]), np.asarray(res.bracket[1]), np.asarray(res.success)


def newton2(F, x, y, *, converged, step_limit, maxiter: int = 60, h: float = 1e-7, give_up=None):
    """Vectorized damped Newton method for one 2x2 system per element (scipy has no vectorized multivariate root).

    Parameters
    ----------
    F : callable ``F(x, y, idx) -> (f1, f2, scale1, scale2)``
        Residuals and their *scales* (e.g. the gross flows whose difference the residual is) at the points
        ``idx``; arrays broadcast with ``x``. Called on the active points only, with ``x, y, idx`` the
        concatenation of the base points and the two finite-difference copies (``x + h``, then ``y + h``); the
        scales are only read at the base points.
    x, y : 1-D arrays
        Starting values.
    converged : callable ``converged(dx, dy, f1, f2, s1, s2, x, y) -> bool array``
        Scale-aware convergence test (on the Newton step and/or the residual relative to its scale).
    step_limit : callable ``step_limit(dx, dy, x, y) -> factor >= 1``
        Damping: the step is divided by this factor.
    maxiter : int
        Iteration limit.
    h : float
        Forward-difference step for the Jacobian (relative to the variable's natural scale: ``x`` and ``y``
        are assumed O(1)).
    give_up : callable ``give_up(x, y) -> bool array``, optional
        Checked on the iterates after every step: where True the iteration stops as failed (``ok`` False), e.g.
        for a runaway out of the range where a solution is sought, so that it does not spend ``maxiter`` steps
        there. None (default): never.

    Returns
    -------
    x, y, ok : arrays (``ok`` False where the iteration failed or did not converge; the caller decides).

    Examples
    --------
    Solve ``x^2 + y^2 = a``, ``x = y`` for two values of ``a`` at once:

    >>> import numpy as np
    >>> a = np.array([2.0, 8.0])
    >>> F = lambda x, y, i: (x**2 + y**2 - a[i], x - y, a[i], 1.0)
    >>> conv = lambda dx, dy, f1, f2, s1, s2, x, y: (abs(dx) < 1e-10) & (abs(dy) < 1e-10)
    >>> no_damping = lambda dx, dy, x, y: np.ones_like(x)
    >>> x, y, ok = newton2(F, np.ones(2), np.full(2, 0.5), converged=conv, step_limit=no_damping)
    >>> x.round(6).tolist(), bool(ok.all())
    ([1.0, 2.0], True)
    """
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    n = x.size
    ok = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(maxiter):
            act = np.nonzero(~ok & ~bad)[0]
            if act.size == 0:
                break
            xa, ya = x[act], y[act]
            X = np.concatenate([xa, xa + h, xa])
            Y = np.concatenate([ya, ya, ya + h])
            f1, f2, s1, s2 = (np.broadcast_to(np.asarray(v, dtype=float), X.shape)
                              for v in F(X, Y, np.concatenate([act, act, act])))
            m = act.size
            F1, F2 = f1[:m], f2[:m]
            J11, J21 = (f1[m:2 * m] - F1) / h, (f2[m:2 * m] - F2) / h
            J12, J22 = (f1[2 * m:] - F1) / h, (f2[2 * m:] - F2) / h
            det = J11 * J22 - J12 * J21
            dx = -(J22 * F1 - J12 * F2) / det
            dy = -(-J21 * F1 + J11 * F2) / det
            fail = ~(np.isfinite(dx) & np.isfinite(dy)) | (det == 0)
            done = ~fail & converged(dx, dy, F1, F2, s1[:m], s2[:m], xa, ya)
            scale = step_limit(dx, dy, xa, ya)
            upd = ~fail & ~done
            x[act[upd]] = xa[upd] + dx[upd] / scale[upd]
            y[act[upd]] = ya[upd] + dy[upd] / scale[upd]
            x[act[done]] = xa[done] + dx[done]
            y[act[done]] = ya[done] + dy[done]
            ok[act[done]] = True
            bad[act[fail]] = True
            if give_up is not None:
                u = act[upd]
                bad[u[np.asarray(give_up(x[u], y[u]), dtype=bool)]] = True
    return x, y, ok
