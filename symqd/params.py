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
    """Raise ``ValueError`` naming every key of ``params`` that is not in ``allowed``."""
    allowed = set(allowed)
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValueError(
            f"unknown {what} name(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}"
        )


def check_finite(name: str, value: Any) -> None:
    """Reject NaN (and infinities) in ``value``."""
    if type(value) in (float, int, np.float64):
        if not math.isfinite(value):
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
    """Require ``value > 0`` elementwise (temperatures: ``T > 0``)."""
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
    """Require ``value >= 0`` elementwise (couplings: ``gamma >= 0``)."""
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
    """Broadcast all array-valued parameters together.

    Returns ``(shape, arrays)``; raises ``ValueError`` naming the parameters whose shapes do not broadcast.
    mpmath numbers are passed through unchanged (shape ``()``).
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
