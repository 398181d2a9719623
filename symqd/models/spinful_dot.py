"""Spinful single-level thermoelectric dot (Anderson level between two leads).

One orbital level ``eps_d`` with spin up/down (two dots ``d_up``, ``d_dn`` sharing the level) and the on-site
Coulomb energy ``U_d``; leads L and R tunnel-couple to both spins with spin-independent rates ``gamma_L``,
``gamma_R`` (sequential tunnelling, Pauli master equation). States ``(n_up, n_dn)``: ``00, 01, 10, 11`` with
energies ``0, eps_d, eps_d, 2 eps_d + U_d``. The transition graph is a 4-cycle (both spin orders of filling), so
the steady state has four spanning trees per state.

A temperature or bias difference between the leads drives particle and heat currents (thermoelectric
conversion, e.g. Beenakker, PRB 44, 1646 (1991)); at equilibrium (``T_L = T_R``, ``mu_L = mu_R``) all currents
vanish, which the derivation ``engine_models`` proves from the closed form.

Example
-------
>>> from symqd.models.spinful_dot import spinful_dot
>>> me = spinful_dot()
>>> me.states, len(me.transitions)
(((0, 0), (0, 1), (1, 0), (1, 1)), 16)
>>> from symqd import CompiledModel
>>> r = CompiledModel(me).evaluate({"eps_d": 0.5, "U_d": 2.0, "gamma_L": 1.0, "gamma_R": 1.0,
...                                  "T_L": 1.5, "T_R": 1.0, "mu_L": 0.0, "mu_R": 0.0})
>>> float(r["IN_L"]) > 0, abs(float(r["IN_L"] + r["IN_R"])) < 1e-15
(True, True)
"""

from __future__ import annotations

from symqd.baths import Reservoir
from symqd.master import MasterEquation
from symqd.system import System, spinful_level

__all__ = ["spinful_dot", "spinful_system"]


def spinful_system(*, level="eps_d", U="U_d", gamma_L="gamma_L", gamma_R="gamma_R", mu_L="mu_L", mu_R="mu_R",
                   T_L="T_L", T_R="T_R") -> System:
    r"""The :class:`~symqd.system.System` of :func:`spinful_dot`.

    Parameters
    ----------
    level : str or number, optional
        Shared level of both spins (default symbol ``eps_d``).
    U : str, number or ``math.inf``, optional
        On-site interaction (default ``U_d``; ``math.inf`` forbids double occupation).
    gamma_L, gamma_R : str or number, optional
        Spin-independent tunnel rates of leads L and R.
    mu_L, mu_R : str or number, optional
        Electrochemical potentials of the leads.
    T_L, T_R : str or number, optional
        Temperatures of the leads (``k_B = 1``).

    Returns
    -------
    System
        Dots ``d_up``, ``d_dn``; leads ``L``, ``R`` on both.

    Examples
    --------
    >>> import math
    >>> s = spinful_system(U=math.inf)
    >>> s.dot_names, s.states()
    (('d_up', 'd_dn'), [(0, 0), (0, 1), (1, 0)])
    """
    dots, inter = spinful_level("d", level, U)
    spins = tuple(d.name for d in dots)
    leads = [Reservoir("L", spins, temperature=T_L, mu=mu_L, coupling=gamma_L),
             Reservoir("R", spins, temperature=T_R, mu=mu_R, coupling=gamma_R)]
    return System.build(dots, inter, leads)


def spinful_dot(**parameters) -> MasterEquation:
    """Master equation of a spin-degenerate level (level ``eps_d``, on-site ``U_d``) between leads L and R.

    Parameters
    ----------
    **parameters
        ``level``, ``U``, ``gamma_L``, ``gamma_R``, ``mu_L``, ``mu_R``, ``T_L``, ``T_R``: symbol names (default
        as listed in :func:`spinful_system`) or numbers.

    Returns
    -------
    MasterEquation
        Observables ``IN_L``, ``IE_L``, ``J_L``, ... (positive from the lead into the dot).

    Examples
    --------
    >>> me = spinful_dot(mu_L=0)
    >>> sorted(s.name for s in me.system.temperature_symbols())
    ['T_L', 'T_R']
    """
    return MasterEquation(spinful_system(**parameters))
