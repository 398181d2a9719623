"""Numerics of the thermocouple: steady state and currents (Eqs. (2)-(10), (14), (18)) from the compiled model.

Generated from the symbolic model through :class:`symqd.numeric.CompiledModel` (lambdified closed form, or the
engine's independent solver with ``method="solver"``); nothing here re-implements a rate or a current.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import mpmath
import numpy as np

from .model import addition_energy_functions, compiled
from .parameters import RESERVOIRS, STATES, Parameters, validate

__all__ = ["evaluate", "evaluate_validated", "evaluate_inner", "transition_energies", "user_message"]

_TABLE_SYMBOL = re.compile(r"gamma_([LR])_(\d)(\d)")


def user_message(msg: str) -> str:
    """An engine message in the user's parameter names (``gamma_L_10`` -> ``gamma_L[(1, 0)]``).

    Parameters
    ----------
    msg : str
        Message of the numeric engine, naming model symbols.

    Returns
    -------
    str
        The message with every coupling-table symbol ``gamma_<lead>_<h><c>`` written ``gamma_<lead>[(h, c)]``.

    Examples
    --------
    >>> user_message("gamma_L_10 must be > 0")
    'gamma_L[(1, 0)] must be > 0'
    """
    return _TABLE_SYMBOL.sub(lambda m: f"gamma_{m[1]}[({m[2]}, {m[3]})]", msg)


def evaluate(params: Mapping | Parameters | None = None, *, backend: str | None = None,
             method: str = "closed_form") -> dict:
    """Steady state and currents of the thermocouple (Eqs. (2)-(10), (14), (18)).

    Parameters
    ----------
    params : mapping or :class:`~.parameters.Parameters`
        See :mod:`symqd.models.thermocouple`; values are floats or numpy arrays broadcast together, or mpmath
        numbers (then the mpmath backend is used).
    backend : ``"numpy"``, ``"mpmath"`` or None
        ``None``: mpmath if any value is an mpmath number, else numpy. ``"mpmath"`` evaluates at the current
        ``mpmath.mp.dps`` (the solver at >= 50 digits); presets and floats enter exactly.
    method : ``"closed_form"`` (lambdified matrix-tree / elimination closed form) or ``"solver"`` (independent
        linear solve of the rate matrix).

    Returns
    -------
    dict
        ``"p"``: ``{(m, h, c): probability}`` for all eight states (``p = 0`` for ``(m, 1, 1)`` when
        ``U_HC = math.inf``); for ``alpha`` in L, R, H, C, P: ``"IN_alpha"``, ``"IE_alpha"``, ``"J_alpha"``
        (particle, energy, heat current *into the dots*, units gamma and gamma^2; zero for P without probe);
        ``"P_gen" = -mu_R IN_R`` (Eq. (10)), ``"J_in" = J_H + J_C``, ``"J_trans" = J_H - J_C`` (Eq. (14)),
        ``"dS_dt" = -sum_alpha J_alpha/T_alpha`` (total entropy production, >= 0).

    Raises
    ------
    ValueError
        If ``backend`` or ``method`` is not one of the values above, if ``backend="mpmath"`` gets array
        parameters or ``backend="numpy"`` gets mpmath numbers, if ``params`` is invalid (the message names the
        parameter), or if the point has no unique steady state.

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2, evaluate
    >>> r = evaluate({**FIG2, "T_C": 4.0, "mu_R": 0.4})
    >>> bool(r["dS_dt"] > 0)
    True
    """
    if backend not in (None, "numpy", "mpmath"):
        raise ValueError(f"backend must be 'numpy' or 'mpmath', got {backend!r}")
    if method not in ("closed_form", "solver"):
        raise ValueError(f"method must be 'closed_form' or 'solver', got {method!r}")
    P = validate(params)
    if backend == "mpmath" and not P.mp:
        if P.shape != ():
            raise ValueError("backend 'mpmath' evaluates one parameter point: all parameters must be scalars")
        P = validate(P.source, mp=True)  # presets and floats enter exactly
    if backend == "numpy" and P.mp:
        raise ValueError("backend 'numpy' got mpmath numbers; use backend='mpmath' (or None)")
    return evaluate_validated(P, method=method)


def evaluate_validated(P: Parameters, *, method: str = "closed_form", refine: bool | None = None) -> dict:
    """:func:`evaluate` of an already validated :class:`~.parameters.Parameters` (no re-validation here).

    ``refine=False`` skips the engine's mpmath recomputation of cancelling net currents: for inner loops of root
    finders that drive a current to zero (accurate to ~1e-16 of the gross flux is all they need); the results
    handed to users keep the default.

    Parameters
    ----------
    P : :class:`~.parameters.Parameters`
        Validated parameters (:func:`~.parameters.validate`); mpmath values select the mpmath backend.
    method : ``"closed_form"`` or ``"solver"``, optional
        As in :func:`evaluate`.
    refine : bool or None, optional
        ``None`` (default): the engine's default; ``False`` skips the mpmath refinement (numpy backend only).

    Returns
    -------
    dict
        As :func:`evaluate` (currents positive into the dots, ``k_B = hbar = 1``).

    Raises
    ------
    ValueError
        If the engine rejects the point (message in the user's parameter names) or the point has no unique
        steady state (a zero coupling decouples part of the state graph).

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2
    >>> from symqd.models.thermocouple.parameters import validate
    >>> r = evaluate_validated(validate(FIG2))
    >>> round(float(r["P_gen"]), 6)
    0.0
    """
    backend = "mpmath" if P.mp else "numpy"
    cm = compiled(P.uhc_infinite, P.probe)
    try:
        kw = {} if refine is None or backend == "mpmath" else {"refine": refine}
        out = cm.evaluate(P.model_values(cm.parameter_names), backend=backend, method=method, **kw)
    except ValueError as exc:
        raise ValueError(user_message(str(exc))) from None
    except ZeroDivisionError as exc:  # mpmath with couplings that split the state graph
        raise ValueError(f"the parameter point has no unique steady state (a zero coupling decouples part of the "
                         f"state graph): {exc}") from None
    return _assemble(out, P.values["mu_R"], backend)


def evaluate_inner(P: Parameters, outputs, *, backend: str = "c") -> dict:
    """Only the ``outputs`` of the compiled closed form, for inner loops of root finders and maximizers.

    The same compiled model as :func:`evaluate_validated`, run through its C kernel (``backend="c"``; the numpy
    closed form, with a one-line ``RuntimeWarning``, where no C compiler runs) without the mpmath refinement of
    cancelling currents (``refine=False``): accurate to ~1e-16 of the gross flows, which is all a solver driving a
    current to zero or comparing powers needs. Results handed to users come from :func:`evaluate_validated`.

    Parameters
    ----------
    P : :class:`~.parameters.Parameters`
        Validated parameters, numpy mode.
    outputs : list of str
        Engine keys: ``"p"`` (``{state: probability}`` of the model's states) and observable names such as
        ``"IN_P"``, ``"J_P"``, ``"P_gen"``.
    backend : {"c", "numpy"}, optional
        The C kernel (default) or the numpy closed form (bit-for-bit what :func:`evaluate_validated` gives with
        ``refine=False``).

    Returns
    -------
    dict
        ``{key: array}`` for the requested keys (shape ``P.shape``, broadcast as the engine returns it).

    Raises
    ------
    ValueError
        If the engine rejects the point (message in the user's parameter names).

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2
    >>> from symqd.models.thermocouple.parameters import validate
    >>> P = validate({**FIG2, "T_C": 4.0, "mu_R": 0.4})
    >>> a = evaluate_inner(P, ["P_gen"])["P_gen"]
    >>> b = evaluate_validated(P)["P_gen"]
    >>> bool(abs(a - b) <= 1e-14 * abs(b))
    True
    """
    cm = compiled(P.uhc_infinite, P.probe)
    try:
        return cm.evaluate(P.model_values(cm.parameter_names), backend=backend, outputs=list(outputs), refine=False)
    except ValueError as exc:
        raise ValueError(user_message(str(exc))) from None


def _assemble(out: dict, mu_R, backend: str) -> dict:
    if backend == "numpy":
        shape = np.shape(out["IN_R"])
        zero = np.zeros(shape)

        def arr(v):
            a = np.array(np.broadcast_to(v, shape), dtype=float)
            return a[()] if shape == () else a  # numpy scalar (np.float64) for a scalar point

    else:
        zero = mpmath.mpf(0)

        def arr(v):
            return v

    # every key comes from the engine's observables (currents, dS_dt and the paper's P_gen, J_in, J_trans compiled
    # in model.compiled); only the reservoirs a model does not have (P without probe) and the excluded state
    # (m, 1, 1) of the 6-state model are filled with exact zeros. The engine's "P" (-sum mu I^N) equals P_gen
    # only without a probe, so it is not reported.
    res = {"p": {s: arr(out["p"][s]) if s in out["p"] else zero for s in STATES}}
    for a in RESERVOIRS:
        for q in ("IN", "IE", "J"):
            key = f"{q}_{a}"
            res[key] = arr(out[key]) if key in out else zero
    for key in ("P_gen", "J_in", "J_trans", "dS_dt"):
        res[key] = arr(out[key])
    return res


def transition_energies(params: Mapping | Parameters | None = None) -> dict:
    """``{(h, c): E_{1hc} - E_{0hc}}``, the addition energies of dot M (Eq. (1)); no (1, 1) entry if
    ``U_HC = math.inf``.

    Parameters
    ----------
    params : mapping or :class:`~.parameters.Parameters`, optional
        Thermocouple parameters (energies in units with ``k_B = 1``; see :mod:`symqd.models.thermocouple`).

    Returns
    -------
    dict
        ``{(h, c): addition energy}`` (floats or arrays).

    Raises
    ------
    ValueError
        If ``params`` is invalid (the message names the parameter).

    Examples
    --------
    >>> from symqd.models.thermocouple import FIG2
    >>> transition_energies(FIG2)[(1, 0)]
    3.0
    """
    P = validate(params)
    return {hc: f(*(P.values[n] for n in names)) for hc, names, f in addition_energy_functions(P.uhc_infinite)}
