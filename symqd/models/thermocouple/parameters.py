"""Parameters of the thermocouple: names, presets (Eqs. (16), (17), exact), figure sets, and validation *once*.

Paper 1 (Whitney, Sanchez, Haupt, Splettstoesser, Physica E 75, 257 (2016)). Every user mapping is turned into one
immutable :class:`Parameters` value by :func:`validate`; all numeric entry points (:func:`~.numerics.evaluate`,
:func:`~.probe.self_consistent_probe`, :func:`~.bias.optimal_bias`, ...) accept either a mapping or a
:class:`Parameters` and never re-validate the latter. Changing a few values (the bias during an optimization, the
probe's ``T_P, mu_P`` during a root search) goes through :meth:`Parameters.with_values`, which checks only the
changed entries.

Rules (each violation is a ``ValueError`` naming the parameter and the rule):

* ``params`` is a mapping (or ``None``); keys are in :data:`PARAMETER_NAMES`.
* values are real numbers, numpy arrays of real numbers, ``fractions.Fraction`` / sympy rationals, or mpmath
  numbers; strings are refused (except the preset names ``"eq16"``, ``"eq17"`` for ``gamma_L``, ``gamma_R``);
  NaN is refused, and so is ``inf`` except ``U_HC = math.inf`` (the 6-state model, Sec. 4);
* temperatures are ``> 0`` and not subnormal (``>= 2.2e-308`` in double precision: ``1/T`` overflows below);
* couplings are ``>= 0``; array values broadcast together; an mpmath value anywhere selects the mpmath backend,
  and then every value must be a scalar (it is converted to ``mpf`` *exactly*: floats are binary rationals,
  presets are exact rationals).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np

__all__ = [
    "HC_KEYS",
    "STATES",
    "RESERVOIRS",
    "PARAMETER_NAMES",
    "TEMPERATURES",
    "COUPLING_PRESETS",
    "coupling_preset",
    "FIG2",
    "FIG3",
    "FIG4",
    "GAMMA_P_WEAK",
    "Parameters",
    "validate",
    "resolve_parameters",
    "is_mp",
    "to_mpf",
    "user_name",
]

#: occupations (h, c) of the upper dots, in the order used for coupling tables
HC_KEYS = ((0, 0), (0, 1), (1, 0), (1, 1))
#: all eight states (m, h, c); the 6-state model (U_HC = oo) reports p = 0 for (m, 1, 1)
STATES = tuple((m, h, c) for m in (0, 1) for h in (0, 1) for c in (0, 1))
#: reservoir names in the output of ``evaluate`` (P entries are zero without a probe)
RESERVOIRS = ("L", "R", "H", "C", "P")
#: the probe coupling the paper uses for "gamma_P -> 0" when it defines T_M (Sec. 7)
GAMMA_P_WEAK = Fraction(1, 1000)

PARAMETER_NAMES = (
    "eps_M", "eps_H", "eps_C", "U_MH", "U_MC", "U_HC",
    "T_H", "T_C", "T_0", "T_L", "T_R", "mu_R",
    "gamma_H", "gamma_C", "gamma_L", "gamma_R",
    "gamma_P", "T_P", "mu_P",
)  # fmt: skip
TEMPERATURES = ("T_H", "T_C", "T_0", "T_L", "T_R", "T_P")
_COUPLINGS = ("gamma_H", "gamma_C", "gamma_P")


def _delta(hc) -> int:
    return 1 if hc == (0, 0) else 0


#: Eqs. (16), (17) as exact rationals (units of gamma): ``{preset: {lead: {(h, c): Fraction}}}``
_PRESETS = {
    # Eq. (16): gamma_L(h,c) = delta_h0 delta_c0, gamma_R(h,c) = 1 - delta_h0 delta_c0
    "eq16": {"L": {k: Fraction(_delta(k)) for k in HC_KEYS}, "R": {k: Fraction(1 - _delta(k)) for k in HC_KEYS}},
    # Eq. (17): gamma_L = (2 + delta_h0 delta_c0)/3, gamma_R = (3 - delta_h0 delta_c0)/3
    "eq17": {"L": {k: Fraction(2 + _delta(k), 3) for k in HC_KEYS},
             "R": {k: Fraction(3 - _delta(k), 3) for k in HC_KEYS}},
}


def coupling_preset(name: str, lead: str) -> dict:
    r"""The coupling table ``{(h, c): Fraction}`` of preset ``"eq16"`` (paper 1 Eq. (16)) or ``"eq17"`` (Eq. (17)).

    Units of ``gamma``; ``(h, c)`` are the occupations of dots H and C (paper 1 Eq. (4a,b)).

    Parameters
    ----------
    name : {"eq16", "eq17"}
        The preset.
    lead : {"L", "R"}
        Which lead's table.

    Returns
    -------
    dict of (int, int) to Fraction

    Raises
    ------
    ValueError
        For an unknown preset ``name`` or a ``lead`` other than ``"L"``/``"R"``.

    Examples
    --------
    >>> coupling_preset("eq17", "L")[(0, 0)]
    Fraction(1, 1)
    >>> coupling_preset("eq17", "R")[(0, 0)]
    Fraction(2, 3)
    >>> coupling_preset("eq16", "L")
    {(0, 0): Fraction(1, 1), (0, 1): Fraction(0, 1), (1, 0): Fraction(0, 1), (1, 1): Fraction(0, 1)}
    """
    if name not in _PRESETS:
        raise ValueError(f"unknown coupling preset {name!r}; presets are {sorted(_PRESETS)}")
    if lead not in ("L", "R"):
        raise ValueError(f"lead must be 'L' or 'R', got {lead!r}")
    return dict(_PRESETS[name][lead])


#: ``{name: f(lead) -> {(h, c): Fraction}}`` (kept for the old call style ``COUPLING_PRESETS["eq17"]("L")``)
COUPLING_PRESETS = {name: (lambda lead, _n=name: coupling_preset(_n, lead)) for name in _PRESETS}

#: Fig. 2 parameters (T_C left at T_0; sweep it): k_B T_H = 16, k_B T_0 = 8, Eq. (16) couplings
FIG2 = {
    "eps_M": 0.0, "eps_H": 0.0, "eps_C": 0.0, "U_MH": 3.0, "U_MC": 6.0, "U_HC": 100.0,
    "T_H": 16.0, "T_C": 8.0, "T_0": 8.0, "mu_R": 0.0,
    "gamma_H": 1.0, "gamma_C": 0.5, "gamma_L": "eq16", "gamma_R": "eq16",
    "gamma_P": 0.0, "T_P": 8.0, "mu_P": 0.0,
}  # fmt: skip
#: Fig. 3 parameters (also Fig. 5)
FIG3 = {**FIG2, "eps_M": 7.0, "eps_H": 7.0, "eps_C": 7.0, "U_MH": 5.0, "U_MC": 6.0, "U_HC": 3.0,
        "gamma_H": 0.5, "gamma_C": 1.0}
#: Fig. 4 parameters (Eq. (17) couplings)
FIG4 = {**FIG2, "eps_M": 6.0, "eps_H": 6.0, "eps_C": 6.0, "U_MH": 1.0, "U_MC": 12.0, "U_HC": 100.0,
        "gamma_H": 1.0, "gamma_C": 1.0, "gamma_L": "eq17", "gamma_R": "eq17"}


# -- value conversion ----------------------------------------------------------------------------------------------


def is_mp(value) -> bool:
    r"""``True`` for an mpmath number.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    bool

    Examples
    --------
    >>> import mpmath
    >>> is_mp(mpmath.mpf(1)), is_mp(1.0)
    (True, False)
    """
    return type(value).__module__.startswith("mpmath")


def to_mpf(value):
    r"""Exact conversion to ``mpmath.mpf`` at the working precision (rationals rounded once, floats exact).

    Parameters
    ----------
    value : int, float, Fraction, sympy Rational or mpmath number
        A scalar parameter value.

    Returns
    -------
    mpmath.mpf

    Raises
    ------
    TypeError
        For booleans and other types (the caller turns it into a ``ValueError`` naming the parameter).

    Examples
    --------
    >>> from fractions import Fraction
    >>> import mpmath
    >>> with mpmath.workdps(25):
    ...     print(to_mpf(Fraction(2, 3)), to_mpf(0.5))
    0.6666666666666666666666667 0.5
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("bool")
    from symqd.numeric import to_mpf as engine_to_mpf  # the one conversion rule of the package

    try:
        return engine_to_mpf("value", value)
    except ValueError as exc:
        raise TypeError(type(value).__name__) from exc


def user_name(name: str) -> str:
    r"""The user's spelling of a symbol name: ``gamma_L_10`` -> ``gamma_L[(1, 0)]`` (for error messages).

    Parameters
    ----------
    name : str
        A flat symbol name.

    Returns
    -------
    str

    Examples
    --------
    >>> user_name("gamma_L_10"), user_name("T_C")
    ('gamma_L[(1, 0)]', 'T_C')
    """
    if len(name) == 10 and name[:8] in ("gamma_L_", "gamma_R_") and name[8:].isdigit():
        return f"{name[:7]}[({name[8]}, {name[9]})]"
    return name


def _real(name: str, value, mp: bool):
    """One numeric value -> float / ndarray (numpy mode) or mpf (mpmath mode); strings and non-reals refused."""
    if type(value) is float and not mp:
        return value
    label = user_name(name)
    if isinstance(value, (str, bytes)):
        raise ValueError(f"parameter {label!r} must be a number, not the string {value!r} (strings are never parsed)")
    if mp:
        if np.ndim(value) != 0 and not is_mp(value):
            raise ValueError(f"parameter {label!r}: the mpmath backend evaluates one parameter point, all parameters "
                             f"must be scalars, got shape {np.shape(value)}")
        try:
            v = to_mpf(value.item() if isinstance(value, np.ndarray) else value)
        except TypeError:
            raise ValueError(f"parameter {label!r} must be a real number, got {value!r}") from None
        if not isinstance(v, mpmath.mpf):
            raise ValueError(f"parameter {label!r} must be real, got {value!r}")
        return v
    if isinstance(value, (Fraction, numbers.Rational)) and not isinstance(value, numbers.Integral):
        return float(value)
    if type(value).__module__.startswith("sympy"):
        import sympy as sp

        if isinstance(value, sp.Rational):
            return float(value)
        raise ValueError(f"parameter {label!r} must be a number, got the sympy expression {value!r}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "O":
            try:
                arr = np.asarray([float(x) if isinstance(x, (Fraction, numbers.Real)) and not isinstance(x, str)
                                  else _bad(label, value) for x in arr.ravel()], dtype=float).reshape(arr.shape)
            except TypeError:
                _bad(label, value)
        else:
            _bad(label, value)
    arr = arr.astype(float, copy=False)
    return arr if arr.ndim else float(arr)


def _bad(label, value):
    raise ValueError(f"parameter {label!r} must be a real number or an array of real numbers, got {value!r}")


_TINY = float(np.finfo(float).tiny)


def _check(name: str, v, *, mp: bool, rule: str | None = None, allow_inf: bool = False) -> None:
    if type(v) is float and (math.isfinite(v) or (allow_inf and v == math.inf)):  # fast path for scalars
        if rule is None or (rule == "temperature" and v >= _TINY) or (rule == "coupling" and v >= 0):
            return
    label = user_name(name)
    if mp:
        bad_finite = mpmath.isnan(v) or (mpmath.isinf(v) and not (allow_inf and v > 0))
    else:
        a = np.asarray(v)
        bad_finite = bool(np.any(np.isnan(a)) or np.any(np.isinf(a) & ~(allow_inf & (a > 0))))
    if bad_finite:
        extra = " (only U_HC may be +inf)" if not allow_inf else " (+inf is allowed)"
        raise ValueError(f"parameter {label!r} must be finite{extra}, got {v!r}")
    if rule == "temperature":
        tiny = 0 if mp else np.finfo(float).tiny
        ok = (v > 0) if mp else np.all(np.asarray(v) >= tiny)
        if not ok:
            bad = v if mp else np.asarray(v)[~(np.asarray(v) >= tiny)].ravel()[0]
            raise ValueError(f"parameter {label!r} is a temperature and must be > 0 and not subnormal "
                             f"(>= {np.finfo(float).tiny:.3g} in double precision), got {bad!r}")
    elif rule == "coupling":
        ok = (v >= 0) if mp else np.all(np.asarray(v) >= 0)
        if not ok:
            bad = v if mp else np.asarray(v)[~(np.asarray(v) >= 0)].ravel()[0]
            raise ValueError(f"parameter {label!r} is a tunnel coupling and must be >= 0, got {bad!r}")


def _shape_of(values: dict, names) -> tuple:
    shape: tuple = ()
    owner = None
    for n in names:
        s = np.shape(values[n]) if not is_mp(values[n]) else ()
        try:
            shape = np.broadcast_shapes(shape, s)
        except ValueError:
            raise ValueError(f"parameter {user_name(n)!r} has shape {s}, which does not broadcast with shape {shape}"
                             + (f" (of parameter {user_name(owner)!r})" if owner else "")) from None
        if s != () and owner is None:
            owner = n
    return shape


def _rule(name: str):
    if name in TEMPERATURES:
        return "temperature"
    if name.startswith("gamma_"):
        return "coupling"
    return None


def _table(name: str, value, mp: bool) -> dict:
    if isinstance(value, str):
        if value not in _PRESETS:
            raise ValueError(f"parameter {name!r}: unknown preset {value!r}; presets are {sorted(_PRESETS)}")
        return coupling_preset(value, name[-1])
    if not isinstance(value, Mapping):
        raise ValueError(f"parameter {name!r} must be a mapping {{(h, c): value}} or a preset name, got {value!r}")
    try:
        keys = {tuple(k): k for k in value}
    except TypeError:
        raise ValueError(f"parameter {name!r} must have (h, c) tuple keys, got {list(value)!r}") from None
    missing = [k for k in HC_KEYS if k not in keys]
    if missing:
        raise ValueError(f"parameter {name!r} misses the (h, c) entr{'y' if len(missing) == 1 else 'ies'} {missing}")
    extra = sorted(set(keys) - set(HC_KEYS))
    if extra:
        raise ValueError(f"parameter {name!r} has invalid (h, c) key(s) {extra}; keys are {list(HC_KEYS)}")
    return {k: value[keys[k]] for k in HC_KEYS}


@dataclass(frozen=True)
class Parameters:
    r"""A validated parameter point (or broadcast array of points) of the thermocouple (built by :func:`validate`).

    Energies, temperatures and rates in units of ``gamma`` (``k_B = hbar = 1``), as in the paper.

    Parameters
    ----------
    values : dict
        Flat ``{symbol name: value}`` in the names of :func:`~.model.build_system` (``gamma_L_10`` for
        ``gamma_L[(1, 0)]``) plus ``U_HC`` (possibly ``inf``), ``T_0`` and ``gamma_P``; floats / arrays, or ``mpf``.
    uhc_infinite : bool
        ``U_HC = +inf``: the 6-state model (Sec. 4).
    probe : bool
        ``gamma_P > 0`` somewhere: the probe P is attached (Eq. (20)).
    mp : bool
        mpmath backend (some input was an mpmath number).
    shape : tuple
        Broadcast shape of the array values.
    source : dict
        The user's mapping merged with the Fig. 2 defaults (for re-validation with changes).

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2, validate
    >>> P = validate({**FIG2, "T_C": 4.0})
    >>> P.values["gamma_R_10"], P.uhc_infinite, P.probe
    (1.0, False, False)
    >>> P["T_C"]
    4.0
    """

    values: dict
    uhc_infinite: bool
    probe: bool
    mp: bool
    shape: tuple
    source: dict = field(repr=False)

    def __getitem__(self, name):
        return self.values[name]

    def with_values(self, **changes) -> "Parameters":
        r"""A copy with some *scalar-named* parameters (``mu_R``, ``T_P``, ``mu_P``, ``T_C``, ...) changed.

        Only the changed values are validated; ``gamma_L``/``gamma_R``/``U_HC``/``gamma_P`` changes (or unknown
        names) re-validate fully.

        Parameters
        ----------
        **changes
            New values by parameter name.

        Returns
        -------
        Parameters

        Raises
        ------
        ValueError
            Naming a changed parameter that breaks its rule (e.g. a temperature ``<= 0``).

        Examples
        --------
        >>> from symqd.models.thermocouple import FIG2, validate
        >>> P = validate(FIG2).with_values(mu_R=0.4, T_C=[4.0, 6.0])
        >>> P["mu_R"], P.shape
        (0.4, (2,))
        >>> validate(FIG2).with_values(T_C=-1.0)
        Traceback (most recent call last):
        ...
        ValueError: parameter 'T_C' is a temperature and must be > 0 and not subnormal (>= 2.23e-308 in double precision), got ...
        """
        if any(k in ("gamma_L", "gamma_R", "U_HC", "gamma_P") or k not in PARAMETER_NAMES for k in changes):
            return validate({**self.source, **changes})
        vals = dict(self.values)
        for k, v in changes.items():
            v = _real(k, v, self.mp)
            _check(k, v, mp=self.mp, rule=_rule(k))
            vals[k] = v
        if "T_0" in changes:
            for k in ("T_L", "T_R"):
                if k not in self.source:
                    vals[k] = vals["T_0"]
        shape = _shape_of(vals, list(vals)) if not self.mp else ()
        return Parameters(vals, self.uhc_infinite, self.probe, self.mp, shape, {**self.source, **changes})

    def model_values(self, names) -> dict:
        r"""``{name: value}`` for the compiled model's parameter names.

        Parameters
        ----------
        names : iterable of str
            Parameter names of a compiled model.

        Returns
        -------
        dict

        Examples
        --------
        >>> from symqd.models.thermocouple import FIG2, validate
        >>> validate(FIG2).model_values(["T_H", "gamma_L_00"])
        {'T_H': 16.0, 'gamma_L_00': 1.0}
        """
        return {n: self.values[n] for n in names}

    def array(self, name) -> np.ndarray:
        r"""``values[name]`` broadcast to :attr:`shape` (numpy mode).

        Parameters
        ----------
        name : str
            A flat parameter name.

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> from symqd.models.thermocouple import FIG2, validate
        >>> validate({**FIG2, "T_C": [4.0, 6.0]}).array("T_H").tolist()
        [16.0, 16.0]
        """
        return np.broadcast_to(np.asarray(self.values[name], dtype=float), self.shape)

    def flat(self) -> "Parameters":
        r"""Array values broadcast to :attr:`shape` and raveled to shape ``(n,)`` (numpy mode).

        A scalar set: every value becomes a length-1 array.

        Returns
        -------
        Parameters

        Examples
        --------
        >>> from symqd.models.thermocouple import FIG2, validate
        >>> validate({**FIG2, "T_C": [[4.0], [6.0]], "mu_R": [0.0, 0.1]}).flat().shape
        (4,)
        """
        if not self.shape:
            vals = {k: np.full(1, v, dtype=float) for k, v in self.values.items()}
            return Parameters(vals, self.uhc_infinite, self.probe, False, (1,), self.source)
        vals = {k: (np.broadcast_to(np.asarray(v, dtype=float), self.shape).ravel() if np.ndim(v) else v)
                for k, v in self.values.items()}
        return Parameters(vals, self.uhc_infinite, self.probe, False, (int(np.prod(self.shape)),), self.source)

    def take(self, idx) -> "Parameters":
        r"""The points ``idx`` of a :meth:`flat` set.

        Parameters
        ----------
        idx : array_like of int
            Indices into the flat set.

        Returns
        -------
        Parameters

        Examples
        --------
        >>> from symqd.models.thermocouple import FIG2, validate
        >>> P = validate({**FIG2, "T_C": [4.0, 5.0, 6.0]}).flat()
        >>> P.take([0, 2])["T_C"].tolist()
        [4.0, 6.0]
        """
        idx = np.asarray(idx, dtype=np.intp)
        vals = {k: (v[idx] if np.ndim(v) else v) for k, v in self.values.items()}
        return Parameters(vals, self.uhc_infinite, self.probe, self.mp, idx.shape, self.source)

    def point(self, idx) -> "Parameters":
        r"""The scalar point ``idx`` of an array parameter set (numpy mode).

        Parameters
        ----------
        idx : int or tuple of int
            Index into :attr:`shape`.

        Returns
        -------
        Parameters
            With ``shape == ()``.

        Examples
        --------
        >>> from symqd.models.thermocouple import FIG2, validate
        >>> P = validate({**FIG2, "T_C": [4.0, 5.0, 6.0]})
        >>> P.point(1)["T_C"], P.point(1).shape
        (5.0, ())
        """
        vals = {k: float(np.broadcast_to(v, self.shape)[idx]) if np.ndim(v) else v for k, v in self.values.items()}
        return Parameters(vals, self.uhc_infinite, self.probe, False, (), self.source)


def validate(params=None, *, mp: bool | None = None) -> Parameters:
    r"""Validate a parameter mapping once (module docstring) and return :class:`Parameters`.

    Missing parameters take the Fig. 2 values (:data:`FIG2`); ``T_L`` and ``T_R`` default to ``T_0``.

    Parameters
    ----------
    params : mapping or Parameters, optional
        ``{name: value}`` with names in :data:`PARAMETER_NAMES`; a :class:`Parameters` is returned unchanged
        unless ``mp`` asks for the other backend.
    mp : bool, optional
        ``True`` forces the mpmath backend (exact conversion of floats and presets), ``None`` detects it.

    Returns
    -------
    Parameters

    Raises
    ------
    ValueError
        Naming the parameter and the rule it broke (unknown name, string value, NaN/inf, temperature ``<= 0``,
        negative coupling, bad coupling table, shapes that do not broadcast, ``U_HC`` mixing ``inf`` and finite).

    Examples
    --------
    >>> import math
    >>> validate({"U_HC": math.inf}).uhc_infinite
    True
    >>> validate({"T_C": "4"})
    Traceback (most recent call last):
    ...
    ValueError: parameter 'T_C' must be a number, not the string '4' (strings are never parsed)
    """
    if isinstance(params, Parameters):
        if mp is None or mp == params.mp:
            return params
        params = params.source
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise ValueError(f"params must be a mapping {{parameter name: value}} (or None), got {type(params).__name__} "
                         f"{params!r}")
    unknown = sorted(set(params) - set(PARAMETER_NAMES), key=str)
    if unknown:
        raise ValueError(
            f"unknown parameter name(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(PARAMETER_NAMES)}"
        )
    src = {**FIG2, **params}
    flat = {k: v for k, v in src.items() if k not in ("gamma_L", "gamma_R")}
    flat.setdefault("T_L", src["T_0"])
    flat.setdefault("T_R", src["T_0"])
    for name in ("gamma_L", "gamma_R"):
        for (h, c), v in _table(name, src[name], False).items():
            flat[f"{name}_{h}{c}"] = v
    if mp is None:
        mp = any(is_mp(v) for v in flat.values())
    vals = {}
    for k, v in flat.items():
        if isinstance(v, str) and k not in ("gamma_L", "gamma_R"):
            _real(k, v, mp)  # raises
        vals[k] = _real(k, v, mp)
    # U_HC: all +inf (6-state model) or all finite
    u = vals["U_HC"]
    if mp:
        uhc_inf = bool(mpmath.isinf(u) and u > 0)
    else:
        ua = np.asarray(u)
        inf = np.isposinf(ua)
        uhc_inf = bool(inf.all())
        if inf.any() and not uhc_inf:
            raise ValueError("parameter 'U_HC' mixes math.inf (6-state model) with finite values; evaluate them "
                             "separately")
    probe = bool(vals["gamma_P"] > 0) if mp else bool(np.any(np.asarray(vals["gamma_P"]) > 0))
    for k, v in vals.items():
        if k in ("T_P", "mu_P") and not probe:
            continue
        _check(k, v, mp=mp, rule=_rule(k), allow_inf=(k == "U_HC"))
    if not probe:
        for k in ("T_P", "mu_P"):
            if not mp and np.ndim(vals[k]):
                vals[k] = float(np.ravel(vals[k])[0]) if np.size(vals[k]) else 0.0
    shape = () if mp else _shape_of(vals, list(vals))
    return Parameters(vals, uhc_inf, probe, mp, shape, src)


def resolve_parameters(params=None) -> dict:
    r"""The flat validated values ``{symbol name: value}`` (see :class:`Parameters`), e.g. ``gamma_L_10``.

    Parameters
    ----------
    params : mapping or Parameters, optional
        As for :func:`validate`.

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        As :func:`validate`.

    Examples
    --------
    >>> v = resolve_parameters({"gamma_L": "eq17"})
    >>> round(v["gamma_L_00"], 6), round(v["gamma_L_11"], 6), v["T_L"]
    (1.0, 0.666667, 8.0)
    """
    return dict(validate(params).values)


def is_infinite(value) -> bool:
    r"""``True`` iff ``value`` is ``+inf`` (scalar or all entries).

    Parameters
    ----------
    value : float, array_like or mpmath number
        A parameter value (``U_HC``).

    Returns
    -------
    bool

    Examples
    --------
    >>> import math
    >>> is_infinite(math.inf), is_infinite([math.inf, 1.0]), is_infinite("x")
    (True, False, False)
    """
    if is_mp(value):
        return bool(mpmath.isinf(value) and value > 0)
    try:
        return bool(np.all(np.isposinf(np.asarray(value, dtype=float))))
    except (TypeError, ValueError):
        return False


_ = math  # (math.inf is the documented 6-state switch)
