"""Paper 1: the quantum-dot thermocouple (Whitney, Sanchez, Haupt, Splettstoesser, Physica E 75, 257 (2016)).

Dot M sits between leads L and R and is capacitively coupled (``U_MH``, ``U_MC``) to dots H and C, which exchange
electrons with a hot reservoir H and a cold reservoir C; ``U_HC`` couples H and C (``math.inf``: the 6-state
model of Sec. 4). An optional probe P on dot M (Eq. (20)) models thermalisation.

Conventions (spec Sec. 1-2): k_B = hbar = 1, energies and rates in units of gamma; every current is positive
from the reservoir into the dots; ``mu_L = mu_H = mu_C = 0`` and the bias is ``mu_R`` itself, of either sign;
``P_gen = -mu_R I^N_R`` (Eq. (10)); ``J_in = J_H + J_C``, ``J_trans = J_H - J_C`` (Eq. (14)).

Parameters (a mapping; missing keys take the Fig. 2 values, unknown keys raise ``ValueError``):
``eps_M, eps_H, eps_C, U_MH, U_MC, U_HC, T_H, T_C, T_0, T_L, T_R, mu_R, gamma_H, gamma_C, gamma_L, gamma_R,
gamma_P, T_P, mu_P``. ``gamma_L``/``gamma_R`` are ``{(h, c): value}`` tables or the preset names ``"eq16"`` /
``"eq17"`` (Eqs. (16), (17), stored as exact rationals); ``T_L``, ``T_R`` default to ``T_0``; ``gamma_P = 0``
means no probe. Values: floats, numpy arrays (broadcast together) or mpmath numbers (mpmath in, mpmath out).

The package, one concern per module (imports flow downwards only):

* :mod:`.parameters` — names, presets, figure sets, :func:`validate` (once) -> :class:`Parameters`;
* :mod:`.model` — the symbolic model (:func:`symbolic`, :func:`build_system`), compiled numerics, addition
  energies, caches (:data:`CACHES`, :func:`clear_caches`);
* :mod:`.numerics` — :func:`evaluate`;
* :mod:`.probe` — :func:`self_consistent_probe`, :func:`effective_temperature`, :func:`nonthermality`,
  :func:`carnot_bound`;
* :mod:`.bias` — :func:`optimal_bias`, :func:`power_curve`;
* :mod:`.theory` — Eqs. (12)-(19), cycles, proofs (Secs. 3, 5);
* :mod:`.linear_response` — the 4x4 Onsager matrix (:func:`onsager_matrix`).

Examples
--------
>>> import numpy as np
>>> from symqd.models import thermocouple as tc
>>> r = tc.evaluate({**tc.FIG2, "T_C": np.linspace(1.6, 9.6, 5), "mu_R": 0.4})
>>> r["P_gen"].shape
(5,)
"""

from __future__ import annotations

from .bias import NoGeneratedPowerWarning, optimal_bias, power_curve
from .linear_response import onsager_matrix
from .model import CACHES, SymbolicThermocouple, addition_energy, build_system, clear_caches, compiled, symbolic
from .numerics import evaluate, transition_energies
from .parameters import (
    COUPLING_PRESETS,
    FIG2,
    FIG3,
    FIG4,
    GAMMA_P_WEAK,
    HC_KEYS,
    PARAMETER_NAMES,
    RESERVOIRS,
    STATES,
    Parameters,
    coupling_preset,
    is_infinite as uhc_is_infinite,
    resolve_parameters,
    validate,
)
from .probe import ProbeNotConvergedError, carnot_bound, effective_temperature, nonthermality, self_consistent_probe

__all__ = [
    "PARAMETER_NAMES",
    "FIG2",
    "FIG3",
    "FIG4",
    "COUPLING_PRESETS",
    "coupling_preset",
    "HC_KEYS",
    "STATES",
    "RESERVOIRS",
    "GAMMA_P_WEAK",
    "Parameters",
    "validate",
    "resolve_parameters",
    "build_system",
    "symbolic",
    "SymbolicThermocouple",
    "compiled",
    "addition_energy",
    "transition_energies",
    "evaluate",
    "optimal_bias",
    "power_curve",
    "NoGeneratedPowerWarning",
    "self_consistent_probe",
    "effective_temperature",
    "nonthermality",
    "carnot_bound",
    "ProbeNotConvergedError",
    "onsager_matrix",
    "CACHES",
    "clear_caches",
    "uhc_is_infinite",
]
