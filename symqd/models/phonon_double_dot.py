"""Three-terminal phonon-assisted double dot (Jiang, Entin-Wohlman, Imry, PRB 85, 075412 (2012)).

Dot 1 (level ``eps_1``) is tunnel-coupled to lead L, dot 2 (level ``eps_2``) to lead R; an electron hops between
the dots only by absorbing or emitting a phonon of the bath ``ph`` (temperature ``T_ph``), which supplies the
energy difference ``eps_2 - eps_1``. The inter-dot interaction is infinite (``U_12 = oo``): at most one electron,
states ``(n_1, n_2) = 00, 01, 10``. Phonon rate ``g_ph dE n_B(dE/T_ph)`` (ohmic), lead rates
``gamma f((E - mu)/T)``.

The transition graph is a single cycle ``00 -> 10 -> 01 -> 00`` (in through L, phonon hop, out through R), so every
electron that crosses takes exactly ``eps_2 - eps_1`` from the phonons: the phonon bath's energy (heat) current is
``J_ph = (eps_2 - eps_1) I^N_L`` -- heat from the third terminal converted into a particle current between L and
R, the paper's thermoelectric three-terminal device. The derivation ``engine_models`` proves this from the closed
form.

Example
-------
>>> from symqd.models.phonon_double_dot import phonon_double_dot
>>> me = phonon_double_dot()
>>> me.states
((0, 0), (0, 1), (1, 0))
>>> from symqd import CompiledModel
>>> v = {"eps_1": -0.5, "eps_2": 0.5, "gamma_L": 1.0, "gamma_R": 1.0, "g_ph": 0.1,
...      "T_L": 1.0, "T_R": 1.0, "T_ph": 2.0, "mu_L": 0.0, "mu_R": 0.0}
>>> r = CompiledModel(me).evaluate(v)
>>> abs(float(r["IE_ph"] - (0.5 - (-0.5)) * r["IN_L"])) < 1e-15
True
"""

from __future__ import annotations

import math

from symqd.baths import BosonicBath, Reservoir
from symqd.master import MasterEquation
from symqd.system import Dot, System

__all__ = ["phonon_double_dot", "phonon_double_dot_system"]


def phonon_double_dot_system(*, eps_1="eps_1", eps_2="eps_2", gamma_L="gamma_L", gamma_R="gamma_R",
                             g_ph="g_ph", T_ph="T_ph", mu_L="mu_L", mu_R="mu_R", T_L="T_L", T_R="T_R",
                             U_12=math.inf, spectral=None) -> System:
    r"""The :class:`~symqd.system.System` of :func:`phonon_double_dot`.

    Parameters
    ----------
    eps_1, eps_2 : str or number, optional
        Levels of dot 1 (on L) and dot 2 (on R).
    gamma_L, gamma_R : str or number, optional
        Tunnel rates.
    g_ph : str or number, optional
        Phonon coupling (ohmic rate ``g_ph dE n_B(dE/T_ph)``).
    T_ph : str or number, optional
        Phonon bath temperature.
    mu_L, mu_R : str or number, optional
        Electrochemical potentials of the leads.
    T_L, T_R : str or number, optional
        Temperatures of the leads (``k_B = 1``).
    U_12 : str, number or ``math.inf``, optional
        Inter-dot interaction (default infinite: at most one electron).
    spectral : callable, optional
        Odd ``J(dE, g)`` for a non-ohmic bath (see :class:`~symqd.baths.BosonicBath`).

    Returns
    -------
    System

    Raises
    ------
    ValueError
        For an invalid ``spectral`` (not odd in ``dE``) or invalid symbol names.

    Examples
    --------
    >>> s = phonon_double_dot_system(U_12="U")
    >>> s.states(), [p.name for p in s.baths]
    ([(0, 0), (0, 1), (1, 0), (1, 1)], ['ph'])
    """
    dots = [Dot("d1", eps_1), Dot("d2", eps_2)]
    parts = [Reservoir("L", "d1", temperature=T_L, mu=mu_L, coupling=gamma_L),
             Reservoir("R", "d2", temperature=T_R, mu=mu_R, coupling=gamma_R),
             BosonicBath("ph", between=("d1", "d2"), temperature=T_ph, coupling=g_ph, spectral=spectral)]
    return System.build(dots, {("d1", "d2"): U_12}, parts)


def phonon_double_dot(**parameters) -> MasterEquation:
    """Master equation of the phonon-assisted double dot (dot 1 on L, dot 2 on R, phonon bath between them).

    Parameters
    ----------
    **parameters
        See :func:`phonon_double_dot_system` (default symbols ``eps_1, eps_2, gamma_L, gamma_R, g_ph, T_ph, mu_L,
        mu_R, T_L, T_R``; ``U_12=math.inf``).

    Returns
    -------
    MasterEquation
        Observables ``IN_L``, ``IN_R``, ``IE_ph``, ``J_ph`` (= ``IE_ph``), ...

    Examples
    --------
    >>> me = phonon_double_dot(mu_L=0, mu_R=0)
    >>> [t.symbol for t in me.transitions if t.reservoir == "ph"]
    [k_ph_01_10, k_ph_10_01]
    """
    return MasterEquation(phonon_double_dot_system(**parameters))
