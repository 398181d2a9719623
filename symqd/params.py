"""Parameter validation shared by every numeric entry point.

Every function raises :class:`ValueError` whose message names the offending parameter and the rule it broke;
nothing here ever lets a NaN through silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import math

import numpy as np

__all__ = [
    "check_known_names",
    "check_positive",
    "check_nonnegative",
    "check_finite",
    "broadcast_parameters",
]


def _as_array(name: str, value: Any) -> np.ndarray:
    if isinstance(value, (str, bytes)) or isinstance(value, bool):
        raise ValueError(f"parameter {name!r} must be a real number or an array of real numbers, got {value!r}")
    if isinstance(value, (list, tuple)) and any(isinstance(v, (str, bytes)) for v in np.ravel(np.asarray(value, dtype=object))):
        raise ValueError(f"parameter {name!r} must be a real number or an array of real numbers, got {value!r}")
    if isinstance(value, np.ndarray) and value.dtype.kind not in "biuf":
        raise ValueError(f"parameter {name!r} must be an array of real numbers, got dtype {value.dtype}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"parameter {name!r} must be a real number or an array of real numbers, got {value!r}") from exc
    return arr


def _is_mp(value: Any) -> bool:
    return type(value).__module__.startswith("mpmath")


def check_known_names(params: Mapping[str, Any] | Iterable[str], allowed: Iterable[str], what: str = "parameter") -> None:
    r"""Raise ``ValueError`` naming every key of ``params`` that is not in ``allowed``.

    Parameters
    ----------
    params : mapping or iterable of str
        The names given by the user (a mapping's keys are used).
    allowed : iterable of str
        The accepted names.
    what : str, optional
        What the names are, for the message (default ``"parameter"``).

    Raises
    ------
    ValueError
        Listing the unknown name(s) and the allowed ones.

    Examples
    --------
    >>> check_known_names({"T_L": 1.0}, ["T_L", "T_R"])
    >>> check_known_names({"T_X": 1.0}, ["T_L", "T_R"])
    Traceback (most recent call last):
    ...
    ValueError: unknown parameter name(s) 'T_X'; allowed: T_L, T_R
    """
    allowed = set(allowed)
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValueError(
            f"unknown {what} name(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}"
        )


def check_finite(name: str, value: Any) -> None:
    r"""Reject NaN (and infinities) in ``value``.

    Parameters
    ----------
    name : str
        Parameter name, for the message.
    value : float, array_like or mpmath.mpf
        The value(s) to check.

    Raises
    ------
    ValueError
        Naming ``name`` if any element is NaN or infinite, or if ``value`` is not real-numeric.

    Examples
    --------
    >>> check_finite("mu_L", [0.0, 1.0])
    >>> check_finite("mu_L", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: parameter 'mu_L' must be finite (no NaN or inf)
    """
    if type(value) in (float, int, np.float64):
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int beyond the double range
            finite = False
        if not finite:
            raise ValueError(f"parameter {name!r} must be finite (no NaN or inf)")
        return
    if _is_mp(value):
        import mpmath

        if not mpmath.isfinite(value):
            raise ValueError(f"parameter {name!r} must be finite, got {value}")
        return
    arr = _as_array(name, value)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"parameter {name!r} must be finite (no NaN or inf)")


def check_positive(name: str, value: Any, rule: str = "must be > 0") -> None:
    r"""Require ``value > 0`` elementwise (temperatures: ``T > 0``).

    Parameters
    ----------
    name : str
        Parameter name, for the message.
    value : float, array_like or mpmath.mpf
        The value(s) to check.
    rule : str, optional
        The rule as stated in the message (default ``"must be > 0"``).

    Raises
    ------
    ValueError
        Naming ``name`` and the first offending value (NaN counts as offending).

    Examples
    --------
    >>> check_positive("T_L", [1.0, 2.0])
    >>> check_positive("T_L", [1.0, 0.0])
    Traceback (most recent call last):
    ...
    ValueError: parameter 'T_L' must be > 0, got 0.0
    """
    if type(value) in (float, int, np.float64):
        if not value > 0:
            raise ValueError(f"parameter {name!r} {rule}, got {value}")
        return
    if _is_mp(value):
        if not value > 0:
            raise ValueError(f"parameter {name!r} {rule}, got {value}")
        return
    arr = _as_array(name, value)
    if np.any(np.isnan(arr)) or not np.all(arr > 0):
        bad = arr[~(arr > 0)].ravel()[0]
        raise ValueError(f"parameter {name!r} {rule}, got {bad}")


def check_nonnegative(name: str, value: Any, rule: str = "must be >= 0") -> None:
    r"""Require ``value >= 0`` elementwise (couplings: ``gamma >= 0``).

    Parameters
    ----------
    name : str
        Parameter name, for the message.
    value : float, array_like or mpmath.mpf
        The value(s) to check.
    rule : str, optional
        The rule as stated in the message (default ``"must be >= 0"``).

    Raises
    ------
    ValueError
        Naming ``name`` and the first offending value (NaN counts as offending).

    Examples
    --------
    >>> check_nonnegative("gamma_L", 0.0)
    >>> check_nonnegative("gamma_L", -0.5)
    Traceback (most recent call last):
    ...
    ValueError: parameter 'gamma_L' must be >= 0, got -0.5
    """
    if type(value) in (float, int, np.float64):
        if not value >= 0:
            raise ValueError(f"parameter {name!r} {rule}, got {value}")
        return
    if _is_mp(value):
        if not value >= 0:
            raise ValueError(f"parameter {name!r} {rule}, got {value}")
        return
    arr = _as_array(name, value)
    if np.any(np.isnan(arr)) or not np.all(arr >= 0):
        bad = arr[~(arr >= 0)].ravel()[0]
        raise ValueError(f"parameter {name!r} {rule}, got {bad}")


def broadcast_parameters(values: Mapping[str, Any]) -> tuple[tuple[int, ...], dict[str, Any]]:
    r"""Broadcast all array-valued parameters together.

    mpmath numbers are passed through unchanged (shape ``()``); plain Python/numpy scalars become ``float64``.

    Parameters
    ----------
    values : mapping of str to float, array_like or mpmath.mpf
        Parameter values by name.

    Returns
    -------
    shape : tuple of int
        The common broadcast shape (``()`` for all scalars).
    arrays : dict of str to numpy.ndarray or mpmath.mpf
        The values as float arrays (not yet broadcast to ``shape``).

    Raises
    ------
    ValueError
        Naming the parameter whose shape does not broadcast with the others.

    Examples
    --------
    >>> shape, arrays = broadcast_parameters({"T_L": [1.0, 2.0, 3.0], "mu_L": 0.5})
    >>> shape, arrays["T_L"].tolist()
    ((3,), [1.0, 2.0, 3.0])
    >>> broadcast_parameters({"T_L": [1.0, 2.0], "mu_L": [0.0, 1.0, 2.0]})
    Traceback (most recent call last):
    ...
    ValueError: parameter 'mu_L' has shape (3,), which does not broadcast with shape (2,) (of parameter 'T_L')
    """
    if all(type(v) in (float, int, np.float64) for v in values.values()):
        return (), {n: np.float64(v) for n, v in values.items()}
    shape: tuple[int, ...] = ()
    owner: dict[tuple[int, ...], str] = {}
    for name, v in values.items():
        if _is_mp(v):
            continue
        s = np.shape(v)
        try:
            shape = np.broadcast_shapes(shape, s)
        except ValueError:
            others = [n for sh, n in owner.items() if sh != ()]
            raise ValueError(
                f"parameter {name!r} has shape {s}, which does not broadcast with shape {shape}"
                + (f" (of parameter {others[0]!r})" if others else "")
            ) from None
        owner.setdefault(s, name)
    out = {n: (v if _is_mp(v) else np.asarray(v, dtype=float)) for n, v in values.items()}
    return shape, out
