"""Paper 1, Secs. 3 and 5: the closed-form theory of the thermocouple — asymmetries, cycles, Eqs. (12)-(19).

Everything here is exact symbolic algebra on the master equation of :mod:`symqd.models.thermocouple`
(``symbolic(uhc_infinite=True)`` is the 6-state model of the limit ``U_HC -> oo``, Sec. 3).

**Why Eq. (13) holds.** At ``V = 0`` (``mu_R = mu_L = 0``) and ``T_L = T_R = T_0`` the L and R Fermi functions on
every M edge coincide, so on the M edge with upper dots in ``(h, c)`` both directions have the *same* L:R ratio
``gamma_L(h, c) : gamma_R(h, c)``. Write the total M-edge rates as :math:`w_{s\\to t}` (one symbol per directed
edge, :func:`ZeroBiasSixState`); the lead-resolved rates are then ``k^alpha = gamma_alpha/Gamma * w`` with
``Gamma(h, c) = gamma_L(h, c) + gamma_R(h, c)``, and the R part of the net current through an M edge is the fraction
``gamma_R/Gamma`` of it. The 6-state graph is a theta graph (two vertices ``000``, ``100`` joined by three paths):
the fundamental cycles for the chords ``100 -> 110`` (H) and ``100 -> 101`` (C) are Eqs. (11a), (11b), and with
the chord currents (cycle fluxes) ``Phi_H``, ``Phi_C``

* the H reservoir exchanges ``eps_H`` on ``000 <-> 010`` and ``eps_H + U_MH`` on ``100 <-> 110``, both carrying
  ``Phi_H`` in opposite senses: ``J_H = U_MH Phi_H``, and likewise ``J_C = U_MC Phi_C``;
* the M edges carry ``Phi_H + Phi_C`` (``000 -> 100``), ``-Phi_H`` (``010 -> 110``), ``-Phi_C`` (``001 -> 101``),
  so ``I^N_R = Lambda_H Phi_H + Lambda_C Phi_C`` with ``Lambda_H = gamma_R(0,0)/Gamma(0,0) - gamma_R(1,0)/Gamma(1,0)``,
  which is Eq. (12).

Together: Eq. (13) in particle-current form, ``I^N_R = Lambda_H J_H/U_MH + Lambda_C J_C/U_MC`` (with ``I_R = e I^N_R``
this is the paper's Eq. (13), sign included). It is an identity of the rate symbols ``w`` (no detailed balance
needed); it fails for finite ``U_HC`` (more cycles), at finite bias or for ``T_L != T_R`` (L and R edges no longer
proportional).

**Cycles from the generic basis.** :func:`symqd.graph.cycle_basis` of the transition multigraph (L and R
transitions on an M edge are separate edges) gives five fundamental cycles: three L/R cycles (in through one lead,
out through the other; zero affinity at ``V = 0``, ``T_L = T_R``) and the two with the chords above, which are
(11a) and (11b); the outer cycle is their integer combination ``O = (11a) - (11b)``. :data:`CYCLES`, :data:`CHORDS`
and :data:`M_EDGES` are read off that basis, and ``Phi_H``, ``Phi_C`` are its generic cycle fluxes.

**Hill's cycle fluxes.** The theta graph has exactly three cycles: (11a), (11b) and the outer cycle ``O``
``000 -> 001 -> 101 -> 100 -> 110 -> 010 -> 000``. Hill's one-way cycle fluxes
``F_c = (Pi^+_c - Pi^-_c) Sigma_c / Z`` (products of the rates around the cycle in both senses, ``Sigma_c`` the sum
over the spanning trees of the graph with the cycle contracted, directed into it, ``Z`` the tree normalization)
decompose the chord currents: ``Phi_H = F_a + F_O``, ``Phi_C = F_b - F_O``. With the cycle affinities
``A_c = ln(Pi^+_c / Pi^-_c)`` (``A_a = U_MH (1/T_0 - 1/T_H)``, ``A_b = U_MC (1/T_0 - 1/T_C)``, ``A_O = A_a - A_b``
by local detailed balance) the entropy production is ``dS/dt = sum_c F_c A_c``, each term
``(Pi^+ - Pi^-) ln(Pi^+/Pi^-) Sigma_c / Z >= 0`` (second law, structurally).

Conventions as in :mod:`symqd.models.thermocouple`: currents positive *into the dots*, ``mu_L = mu_H = mu_C = 0``,
``P_gen = -mu_R I^N_R``, ``J_in = J_H + J_C``, ``J_trans = J_H - J_C`` (Eq. (14)).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from symqd.graph import cycle_basis, tree_numerators
from symqd.master import state_label
from symqd.verify import fermi_symbols, ring_eval

from .model import cached, symbolic
from .parameters import HC_KEYS, coupling_preset

__all__ = [
    "gamma_symbol",
    "asymmetry",
    "asymmetries",
    "exact_coupling_table",
    "CYCLES",
    "HillCycle",
    "ZeroBiasSixState",
    "zero_bias_six_state",
    "eq13_rhs",
    "eq13_residual",
    "eq15_current",
    "current_in_heat_variables",
    "entropy_production_eq18",
    "power_bound_eq19",
    "local_affinity",
    "cycle_affinity",
    "eq13_numerator",
    "eq13_physical_residual",
    "asymmetry_parts",
]

# ``CYCLES`` (the three simple cycles (11a), (11b), O as closed state sequences), ``CHORDS`` (the chords whose
# currents are Phi_H, Phi_C) and ``M_EDGES`` (the M edges 0hc -> 1hc keyed by (h, c)) are not written out by hand:
# they are read off the generic Schnakenberg basis of the 6-state model (:func:`symqd.graph.cycle_basis`) on first
# access (module ``__getattr__``, see :class:`ZeroBiasSixState`).
_FROM_BASIS = {"CYCLES": "cycles", "CHORDS": "chords", "M_EDGES": "m_edges"}


def __getattr__(name):
    if name in _FROM_BASIS:
        return getattr(zero_bias_six_state(), _FROM_BASIS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def gamma_symbol(lead: str, h: int, c: int) -> sp.Symbol:
    """The model's coupling symbol ``gamma_<lead>_<h><c>`` (:math:`\\gamma_{lead}(h,c)`).

    Parameters
    ----------
    lead : str
        Reservoir name, ``"L"`` or ``"R"`` (rates in units of energy, ``hbar = 1``).
    h, c : int
        Occupations (0 or 1) of the upper dots H and C.

    Returns
    -------
    sympy.Symbol
        Nonnegative symbol ``gamma_<lead>_<h><c>``.

    Examples
    --------
    >>> gamma_symbol("R", 1, 0)
    gamma_R_10
    """
    return sp.Symbol(f"gamma_{lead}_{h}{c}", nonnegative=True)


def asymmetry(which: str, gamma_L=None, gamma_R=None) -> sp.Expr:
    """Asymmetry :math:`\\Lambda_H` (``which="H"``) or :math:`\\Lambda_C` (``"C"``) of Eq. (12).

    .. math:: \\Lambda_H = \\frac{\\gamma_L(1,0)\\gamma_R(0,0)-\\gamma_L(0,0)\\gamma_R(1,0)}
              {[\\gamma_L(0,0)+\\gamma_R(0,0)][\\gamma_L(1,0)+\\gamma_R(1,0)]}

    and :math:`\\Lambda_C` with :math:`(1,0)\\to(0,1)`. Equivalently
    :math:`\\Lambda_H = \\gamma_R(0,0)/\\Gamma(0,0) - \\gamma_R(1,0)/\\Gamma(1,0)`, the difference of the R fractions
    of the two M edges of cycle (11a).

    Parameters
    ----------
    which : ``"H"`` or ``"C"``
    gamma_L, gamma_R : mapping ``{(h, c): value}`` or preset name (``"eq16"``, ``"eq17"``), optional
        Default: the model's symbols ``gamma_L_hc``, ``gamma_R_hc``.

    Returns
    -------
    sympy.Expr
        :math:`\\Lambda_H` or :math:`\\Lambda_C` (dimensionless, in ``[-1, 1]``).

    Raises
    ------
    ValueError
        If ``which`` is not ``"H"`` or ``"C"``.

    Examples
    --------
    >>> sp.cancel(asymmetry("H", "eq17", "eq17"))
    -1/5
    """
    num, den = asymmetry_parts(which, _table("L", gamma_L), _table("R", gamma_R))
    return num / den


def asymmetry_parts(which: str, gL: dict, gR: dict) -> tuple:
    """``(numerator, denominator)`` of Eq. (12) for coupling tables ``gL``, ``gR`` (``{(h, c): value}``, any values
    that support ``*``, ``-``, ``+``): the single place where Lambda is written.

    Parameters
    ----------
    which : ``"H"`` or ``"C"``
        :math:`\\Lambda_H` (M edges ``(0,0)``, ``(1,0)``) or :math:`\\Lambda_C` (``(0,0)``, ``(0,1)``).
    gL, gR : dict
        Couplings ``{(h, c): gamma}`` of leads L and R (energy units, ``hbar = 1``).

    Returns
    -------
    tuple
        ``(numerator, denominator)`` with ``Lambda = numerator / denominator``.

    Raises
    ------
    ValueError
        If ``which`` is not ``"H"`` or ``"C"``.

    Examples
    --------
    >>> asymmetry_parts("H", {k: 1 for k in HC_KEYS}, {(0, 0): 0, (1, 0): 1, (0, 1): 1, (1, 1): 1})
    (-1, 2)
    """
    if which not in ("H", "C"):
        raise ValueError(f"which must be 'H' or 'C', got {which!r}")
    k = (1, 0) if which == "H" else (0, 1)
    return gL[k] * gR[(0, 0)] - gL[(0, 0)] * gR[k], (gL[(0, 0)] + gR[(0, 0)]) * (gL[k] + gR[k])


def asymmetries(gamma_L=None, gamma_R=None) -> dict:
    """``{"H": Lambda_H, "C": Lambda_C}`` (Eq. (12)); exact for preset names and rational tables.

    Parameters
    ----------
    gamma_L, gamma_R : mapping ``{(h, c): value}`` or preset name (``"eq16"``, ``"eq17"``), optional
        Default: the model's symbols ``gamma_L_hc``, ``gamma_R_hc``.

    Returns
    -------
    dict
        ``{"H": Lambda_H, "C": Lambda_C}``, each cancelled.

    Raises
    ------
    ValueError
        If a preset name is unknown (from :func:`~.parameters.coupling_preset`).

    Examples
    --------
    >>> asymmetries("eq17", "eq17")
    {'H': -1/5, 'C': -1/5}
    """
    return {w: sp.cancel(asymmetry(w, gamma_L, gamma_R)) for w in ("H", "C")}


def exact_coupling_table(preset: str, lead: str) -> dict:
    """The coupling preset ``"eq16"`` (Eq. (16)) / ``"eq17"`` (Eq. (17)) as sympy rationals (the presets are stored
    exactly, :func:`~.parameters.coupling_preset`).

    Parameters
    ----------
    preset : str
        ``"eq16"`` or ``"eq17"``.
    lead : str
        ``"L"`` or ``"R"``.

    Returns
    -------
    dict
        ``{(h, c): sympy.Rational}`` (couplings in energy units, ``hbar = 1``).

    Raises
    ------
    ValueError
        If ``preset`` or ``lead`` is unknown (from :func:`~.parameters.coupling_preset`).

    Examples
    --------
    >>> exact_coupling_table("eq17", "R")[(1, 0)]
    1
    """
    return {k: sp.Rational(v.numerator, v.denominator) for k, v in coupling_preset(preset, lead).items()}


def _table(lead: str, value) -> dict:
    if value is None:
        return {k: gamma_symbol(lead, *k) for k in HC_KEYS}
    if isinstance(value, str):
        return exact_coupling_table(value, lead)
    return {k: sp.sympify(value[k]) for k in HC_KEYS}


# ---------------------------------------------------------------------------------------------------------------
# Eqs. (13)-(15), (18), (19) as formulas
# ---------------------------------------------------------------------------------------------------------------

_s = sp.symbols
J_H, J_C, J_in, J_trans, P_gen = _s("J_H J_C J_in J_trans P_gen", real=True)
T_0 = sp.Symbol("T_0", positive=True)


def eq13_rhs(J_H, J_C, Lambda_H=None, Lambda_C=None, U_MH=None, U_MC=None) -> sp.Expr:
    """Right side of Eq. (13) in particle form: :math:`\\Lambda_H J_H/U_{MH} + \\Lambda_C J_C/U_{MC}`.

    The paper's charge current is ``I_R = e I^N_R``; the identity ``I^N_R = eq13_rhs`` holds in the 6-state model
    at ``mu_R = 0``, ``T_L = T_R`` (proven in ``tests/test_thermocouple_theory.py`` and the derivation
    ``paper1_closed_forms``). Defaults: Eq. (12) in the model's symbols and ``U_MH``, ``U_MC``.

    Parameters
    ----------
    J_H, J_C : sympy.Expr or number
        Heat currents from reservoirs H and C into the dots (energy per time, ``k_B = hbar = 1``).
    Lambda_H, Lambda_C : sympy.Expr or number, optional
        Asymmetries of Eq. (12); default :func:`asymmetry` in the model's symbols.
    U_MH, U_MC : sympy.Expr or number, optional
        Interaction energies; default symbols ``U_MH``, ``U_MC``.

    Returns
    -------
    sympy.Expr
        Predicted particle current ``I^N_R`` into the dots from R.

    Examples
    --------
    >>> eq13_rhs(2, 1, sp.Rational(1, 2), sp.Rational(-1, 2), 1, 1)
    1/2
    """
    Lambda_H = asymmetry("H") if Lambda_H is None else Lambda_H
    Lambda_C = asymmetry("C") if Lambda_C is None else Lambda_C
    U_MH = sp.Symbol("U_MH", nonnegative=True) if U_MH is None else U_MH
    U_MC = sp.Symbol("U_MC", nonnegative=True) if U_MC is None else U_MC
    return Lambda_H * J_H / U_MH + Lambda_C * J_C / U_MC


def current_in_heat_variables(J_in, J_trans, Lambda_H=None, Lambda_C=None, U_MH=None, U_MC=None) -> sp.Expr:
    """Eq. (13) rewritten with Eq. (14): :math:`\\tfrac12(\\Lambda_H/U_{MH}+\\Lambda_C/U_{MC})J_{in}
    + \\tfrac12(\\Lambda_H/U_{MH}-\\Lambda_C/U_{MC})J_{trans}` (particle form).

    Parameters
    ----------
    J_in, J_trans : sympy.Expr or number
        ``J_in = J_H + J_C`` and ``J_trans = J_H - J_C`` (Eq. (14); heat currents into the dots).
    Lambda_H, Lambda_C, U_MH, U_MC : optional
        As in :func:`eq13_rhs`.

    Returns
    -------
    sympy.Expr
        Particle current ``I^N_R``.

    Examples
    --------
    >>> current_in_heat_variables(sp.Integer(0), sp.Integer(2), 1, -1, 1, 1)
    2
    """
    return eq13_rhs((J_in + J_trans) / 2, (J_in - J_trans) / 2, Lambda_H, Lambda_C, U_MH, U_MC)


def eq15_current(J_trans, Lambda_H=None, Lambda_C=None, U_MH=None, U_MC=None) -> sp.Expr:
    """Eq. (15), particle form: :math:`I^{N*} = \\tfrac12(\\Lambda_H/U_{MH}-\\Lambda_C/U_{MC})J_{trans}` at
    :math:`J_{in}=0` (the paper's :math:`I^* = e I^{N*}`).

    Parameters
    ----------
    J_trans : sympy.Expr or number
        ``J_H - J_C`` (Eq. (14)), heat currents into the dots.
    Lambda_H, Lambda_C, U_MH, U_MC : optional
        As in :func:`eq13_rhs`.

    Returns
    -------
    sympy.Expr
        Particle current ``I^{N*}`` into the dots from R.

    Examples
    --------
    >>> eq15_current(sp.Integer(2), sp.Integer(1), sp.Integer(-1), 1, 1)
    2
    """
    Lambda_H = asymmetry("H") if Lambda_H is None else Lambda_H
    Lambda_C = asymmetry("C") if Lambda_C is None else Lambda_C
    U_MH = sp.Symbol("U_MH", nonnegative=True) if U_MH is None else U_MH
    U_MC = sp.Symbol("U_MC", nonnegative=True) if U_MC is None else U_MC
    return sp.Rational(1, 2) * (Lambda_H / U_MH - Lambda_C / U_MC) * J_trans


def entropy_production_eq18(J_in, J_trans, P_gen, T_0, T_H, T_C) -> sp.Expr:
    """Eq. (18): :math:`\\dot S = \\tfrac{J_{in}}2(\\tfrac2{T_0}-\\tfrac1{T_H}-\\tfrac1{T_C})
    + \\tfrac{J_{trans}}2(\\tfrac1{T_C}-\\tfrac1{T_H}) - P_{gen}/T_0` (``T_L = T_R = T_0``).

    Parameters
    ----------
    J_in, J_trans : sympy.Expr or number
        Eq. (14) heat-current combinations (currents into the dots, ``k_B = 1``).
    P_gen : sympy.Expr or number
        Generated power ``-mu_R I^N_R``.
    T_0, T_H, T_C : sympy.Expr or number
        Temperatures of the leads L, R (``T_0``) and of reservoirs H, C (energy units).

    Returns
    -------
    sympy.Expr
        Entropy production rate :math:`\\dot S` (``>= 0`` by the second law).

    Examples
    --------
    >>> entropy_production_eq18(2, 0, 0, *sp.symbols('T_0 T_H T_C')).subs({'T_0': 1, 'T_H': 2, 'T_C': 2})
    1
    """
    half = sp.Rational(1, 2)
    return half * J_in * (2 / T_0 - 1 / T_H - 1 / T_C) + half * J_trans * (1 / T_C - 1 / T_H) - P_gen / T_0


def power_bound_eq19(J_in, J_trans, T_0, T_H, T_C) -> sp.Expr:
    """Right side of Eq. (19): :math:`P_{gen} \\le \\tfrac{J_{in}}2(2-\\tfrac{T_0}{T_H}-\\tfrac{T_0}{T_C})
    + \\tfrac{J_{trans}}2(\\tfrac{T_0}{T_C}-\\tfrac{T_0}{T_H})`, equivalent to Eq. (18) ``>= 0``.

    Parameters
    ----------
    J_in, J_trans : sympy.Expr or number
        Eq. (14) heat-current combinations (currents into the dots).
    T_0, T_H, T_C : sympy.Expr or number
        Temperatures (``k_B = 1``), ``T_L = T_R = T_0``.

    Returns
    -------
    sympy.Expr
        Upper bound on ``P_gen``.

    Examples
    --------
    >>> power_bound_eq19(sp.Integer(2), 0, sp.Integer(1), sp.Integer(2), sp.Integer(2))
    1
    """
    half = sp.Rational(1, 2)
    return half * J_in * (2 - T_0 / T_H - T_0 / T_C) + half * J_trans * (T_0 / T_C - T_0 / T_H)


# ---------------------------------------------------------------------------------------------------------------
# local detailed balance and cycle affinities
# ---------------------------------------------------------------------------------------------------------------


def local_affinity(me, transition) -> sp.Expr:
    """:math:`\\ln(k_{s\\to t}/k_{t\\to s}) = -(\\Delta E - \\Delta N\\,\\mu_\\alpha)/T_\\alpha` for one transition
    (local detailed balance, the generic ``me.part(reservoir).affinity``).

    Parameters
    ----------
    me : MasterEquation
        The master equation holding ``transition``.
    transition : Transition
        One transition of ``me``.

    Returns
    -------
    sympy.Expr
        Log ratio of forward to backward rate.

    Examples
    --------
    >>> me = zero_bias_six_state().me
    >>> local_affinity(me, me.transitions[0])
    -eps_M/T_L
    """
    return me.part(transition.reservoir).affinity(transition)


def _steps(me, states, lead: str = "L") -> list:
    """The transitions along a closed state sequence; on M edges (parallel L and R transitions) the one of
    ``lead``."""
    out = []
    for s, t in zip(states[:-1], states[1:]):
        cands = [tr for tr in me.transitions if tr.source == s and tr.target == t]
        if not cands:
            raise ValueError(f"no transition {state_label(s)} -> {state_label(t)}")
        out.append(([tr for tr in cands if tr.reservoir == lead] or cands)[0])
    return out


def cycle_affinity(me, states, lead: str = "L") -> sp.Expr:
    """Affinity :math:`A_c = \\ln(\\Pi^+_c/\\Pi^-_c)` of a closed state sequence, the sum of
    :func:`local_affinity` over its steps; on M edges the transition of ``lead`` is used (at ``V = 0``,
    ``T_L = T_R`` both leads agree).

    Parameters
    ----------
    me : MasterEquation
        Master equation of the model.
    states : sequence of states
        Closed sequence ``(s0, s1, ..., s0)``.
    lead : str, optional
        Lead whose transition is used on M edges (default ``"L"``).

    Returns
    -------
    sympy.Expr
        Cycle affinity (dimensionless, ``k_B = 1``).

    Raises
    ------
    ValueError
        If two consecutive states of ``states`` are not joined by a transition.

    Examples
    --------
    >>> z = zero_bias_six_state()
    >>> cycle_affinity(z.me, z.cycles["a"])
    U_MH/T_L - U_MH/T_H
    """
    return sp.expand(sp.Add(*[local_affinity(me, tr) for tr in _steps(me, states, lead)]))


# ---------------------------------------------------------------------------------------------------------------
# the 6-state model at zero bias: merged M-edge rates, tree numerators, cycle fluxes
# ---------------------------------------------------------------------------------------------------------------


def _closed_sequence(steps) -> tuple:
    """Closed state sequence ``(s0, s1, ..., s0)`` of a list of directed steps ``(s, t)`` forming one simple cycle,
    started at its smallest state and leaving it along its first outgoing step in that order."""
    nxt = dict(steps)
    if len(nxt) != len(steps):
        raise ValueError("steps do not form a simple cycle")
    s0 = min(nxt)
    seq = [s0]
    while True:
        seq.append(nxt[seq[-1]])
        if seq[-1] == s0:
            return tuple(seq)
        if len(seq) > len(steps) + 1:
            raise ValueError("steps do not form a simple cycle")


def _edge_vector(seq) -> dict:
    """``{(s, t): +-1}`` (``s < t``) of a closed state sequence: the cycle as an integer edge vector."""
    out: dict = {}
    for s, t in zip(seq[:-1], seq[1:]):
        key, sign = ((s, t), 1) if s < t else ((t, s), -1)
        out[key] = out.get(key, 0) + sign
    return {k: v for k, v in out.items() if v}


def _from_edge_vector(vec) -> tuple:
    """The closed state sequence of a simple-cycle edge vector (inverse of :func:`_edge_vector`)."""
    steps = [(s, t) if v == 1 else (t, s) for (s, t), v in vec.items()]
    if any(abs(v) != 1 for v in vec.values()):
        raise ValueError("edge vector is not a simple cycle")
    return _closed_sequence(steps)


@dataclass(frozen=True)
class HillCycle:
    """One cycle of the graph with Hill's diagram quantities (in the merged rate symbols ``w``).

    ``forward``/``backward`` are :math:`\\Pi^\\pm_c` (products of the rates around the cycle in its two senses),
    ``feeding`` is :math:`\\Sigma_c` (sum over the spanning trees of the graph with the cycle contracted to a point,
    directed into it; ``1`` if the cycle visits every state), ``flux`` is
    :math:`F_c = (\\Pi^+_c-\\Pi^-_c)\\Sigma_c/Z`.

    Parameters
    ----------
    name : str
        Cycle name (``"a"``, ``"b"``, ``"O"``).
    states : tuple
        Closed state sequence.
    forward, backward, feeding, normalization : sympy.Expr
        :math:`\\Pi^+_c`, :math:`\\Pi^-_c`, :math:`\\Sigma_c`, :math:`Z`.

    Examples
    --------
    >>> c = zero_bias_six_state().hill_cycles["a"]
    >>> c.name, len(c.states)
    ('a', 5)
    """

    name: str
    states: tuple
    forward: sp.Expr
    backward: sp.Expr
    feeding: sp.Expr
    normalization: sp.Expr

    @property
    def flux(self) -> sp.Expr:
        """Hill's one-way cycle flux :math:`F_c = (\\Pi^+_c-\\Pi^-_c)\\Sigma_c/Z` (cycles per unit time).

        Examples
        --------
        >>> HillCycle("x", (0, 1, 0), sp.Integer(3), sp.Integer(1), sp.Integer(1), sp.Integer(4)).flux
        1/2
        """
        return (self.forward - self.backward) * self.feeding / self.normalization

    def orientation(self, s, t) -> int:
        """+1 if the cycle traverses ``s -> t``, -1 if ``t -> s``, 0 otherwise.

        Parameters
        ----------
        s, t : state
            The two ends of an edge.

        Returns
        -------
        int
            ``+1``, ``-1`` or ``0``.

        Examples
        --------
        >>> c = zero_bias_six_state().hill_cycles["a"]
        >>> c.orientation((0, 0, 0), (1, 0, 0)), c.orientation((1, 0, 0), (0, 0, 0))
        (1, -1)
        """
        steps = list(zip(self.states[:-1], self.states[1:]))
        return 1 if (s, t) in steps else (-1 if (t, s) in steps else 0)


@dataclass(frozen=True)
class ZeroBiasSixState:
    """The 6-state model (``U_HC -> oo``) at ``mu_R = 0``, ``T_L = T_R = T_0`` in merged edge rates.

    * ``w[(s, t)]`` — one symbol ``w_<s>_<t>`` per directed edge (total rate ``s -> t``);
    * ``lead_split`` — rate symbol ``k_<res>_<s>_<t>`` -> ``gamma_res(h,c)/Gamma(h,c) * w_<s>_<t>`` on the M edges
      (valid because ``f_L = f_R`` there) and ``-> w`` on the H and C edges;
    * ``w_fermi`` / ``w_physical`` — ``w`` -> Fermi-symbol / physical form (``f_R`` identified with ``f_L``,
      ``T_L = T_R = T_0``);
    * ``numerators`` — matrix-tree numerators ``N_s`` (15 spanning trees) in ``w``, ``normalization`` ``Z``;
    * ``basis`` — the generic Schnakenberg basis (:func:`symqd.graph.cycle_basis`) of the transition multigraph:
      three L/R cycles (in through one lead, out through the other on the same M edge; affinity and merged
      edge vector zero at ``V = 0``, ``T_L = T_R``) and the two fundamental cycles whose chords are the H and C
      transitions ``100 -> 110``, ``100 -> 101`` (``fundamental``, keyed ``"H"``, ``"C"``): Eqs. (11a), (11b);
    * ``cycles`` — (11a), (11b) and the outer cycle ``O`` = (11a) - (11b) (integer combination of the edge
      vectors) as closed state sequences (:data:`CYCLES`); ``chords`` (:data:`CHORDS`), ``m_edges``
      (:data:`M_EDGES`);
    * ``chord_current("H"|"C")`` — :math:`\\Phi_H`, :math:`\\Phi_C` (the generic cycle flux of the fundamental
      cycle); ``hill_cycles`` — (11a), (11b), O;
    * ``current(name)`` — the model's current ``name`` (``IN_R``, ``J_H``, ..., ``dS_dt``) in ``w``.

    Takes no parameters; use the cached instance :func:`zero_bias_six_state`.

    Examples
    --------
    >>> z = zero_bias_six_state()
    >>> len(z.states), len(z.edges), len(z.basis)
    (6, 7, 5)
    """

    @cached_property
    def model(self):
        """The symbolic 6-state model ``symbolic(uhc_infinite=True)``.

        Examples
        --------
        >>> zero_bias_six_state().model.uhc_infinite
        True
        """
        return symbolic(uhc_infinite=True)

    @property
    def me(self):
        """The model's :class:`~symqd.MasterEquation`.

        Examples
        --------
        >>> len(zero_bias_six_state().me.states)
        6
        """
        return self.model.me

    @cached_property
    def states(self) -> tuple:
        """The six states ``(m, h, c)`` in the master-equation order.

        Examples
        --------
        >>> zero_bias_six_state().states[:2]
        ((0, 0, 0), (0, 0, 1))
        """
        return tuple(self.me.states)

    @cached_property
    def edges(self) -> list:
        """Sorted undirected edges ``(i, j)`` (state indices) of the graph.

        Examples
        --------
        >>> len(zero_bias_six_state().edges)
        7
        """
        return sorted(self.me.edges)

    @cached_property
    def w(self) -> dict:
        """``{(s, t): w_<s>_<t>}``: one positive rate symbol per directed edge (total rate, energy units).

        Examples
        --------
        >>> zero_bias_six_state().w[((0, 0, 0), (1, 0, 0))]
        w_000_100
        """
        out = {}
        for i, j in self.edges:
            for a, b in ((i, j), (j, i)):
                s, t = self.states[a], self.states[b]
                out[(s, t)] = sp.Symbol(f"w_{state_label(s)}_{state_label(t)}", positive=True)
        return out

    @cached_property
    def T0(self) -> sp.Symbol:
        """The common lead temperature symbol ``T_0`` (``T_L = T_R = T_0``).

        Examples
        --------
        >>> zero_bias_six_state().T0
        T_0
        """
        return T_0

    def Gamma(self, hc) -> sp.Expr:
        """:math:`\\Gamma(h,c) = \\gamma_L(h,c)+\\gamma_R(h,c)`.

        Parameters
        ----------
        hc : tuple of int
            Occupations ``(h, c)`` of the upper dots.

        Returns
        -------
        sympy.Expr
            Total lead coupling of the M edge ``0hc <-> 1hc``.

        Examples
        --------
        >>> zero_bias_six_state().Gamma((1, 0))
        gamma_L_10 + gamma_R_10
        """
        return gamma_symbol("L", *hc) + gamma_symbol("R", *hc)

    @cached_property
    def zero_bias(self) -> dict:
        """``mu_R -> 0``, ``T_L, T_R -> T_0``.

        Examples
        --------
        >>> zero_bias_six_state().zero_bias
        {mu_R: 0, T_L: T_0, T_R: T_0}
        """
        m = self.model
        return {m.symbol("mu_R"): sp.S.Zero, m.symbol("T_L"): T_0, m.symbol("T_R"): T_0}

    # -- cycles: the generic basis, read in the paper's terms ---------------------------------------------------
    @cached_property
    def basis(self) -> list:
        """:func:`symqd.graph.cycle_basis` of the 6-state transition multigraph (5 :class:`~symqd.graph.MultiCycle`).

        Examples
        --------
        >>> len(zero_bias_six_state().basis)
        5
        """
        return cycle_basis(self.me)

    @cached_property
    def fundamental(self) -> dict:
        """``{"H": (11a), "C": (11b)}``: the generic basis cycles whose chord is an H or C transition.

        Raises
        ------
        RuntimeError
            If the basis does not have exactly one H and one C chord.

        Examples
        --------
        >>> sorted(zero_bias_six_state().fundamental)
        ['C', 'H']
        """
        out = {}
        for c in self.basis:
            res = c.steps[0].reservoir
            if res in ("H", "C"):
                if res in out:
                    raise RuntimeError(f"two basis cycles with a {res} chord")
                out[res] = c
        if set(out) != {"H", "C"}:
            raise RuntimeError(f"cycle basis has chords {sorted(out)}, expected H and C")
        return out

    @cached_property
    def chords(self) -> dict:
        """``{"H": (100, 110), "C": (100, 101)}``: the chords whose currents are :math:`\\Phi_H`, :math:`\\Phi_C`.

        Examples
        --------
        >>> zero_bias_six_state().chords["H"]
        ((1, 0, 0), (1, 1, 0))
        """
        return {k: (c.steps[0].source, c.steps[0].target) for k, c in self.fundamental.items()}

    @cached_property
    def cycles(self) -> dict:
        """``{"a": (11a), "b": (11b), "O": outer}`` as closed state sequences from ``000``; ``O = a - b``.

        Examples
        --------
        >>> zero_bias_six_state().cycles["a"]
        ((0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (0, 0, 0))
        """
        seq = {n: _closed_sequence([(t.source, t.target) for t in self.fundamental[k].steps])
               for n, k in (("a", "H"), ("b", "C"))}
        va, vb = _edge_vector(seq["a"]), _edge_vector(seq["b"])
        outer = {e: va.get(e, 0) - vb.get(e, 0) for e in set(va) | set(vb)}
        seq["O"] = _from_edge_vector({e: v for e, v in outer.items() if v})
        return seq

    @cached_property
    def m_edges(self) -> dict:
        """``{(h, c): (0hc, 1hc)}``: the M edges (the merged L/R transitions that fill dot M).

        Examples
        --------
        >>> zero_bias_six_state().m_edges[(0, 1)]
        ((0, 0, 1), (1, 0, 1))
        """
        return {tr.source[1:]: (tr.source, tr.target) for tr in self.me.transitions
                if tr.reservoir == "L" and tr.dN > 0}

    @cached_property
    def lead_split(self) -> dict:
        """``{k_<res>_<s>_<t>: ...}``: lead rates in merged rates, ``gamma_res/Gamma * w`` on M edges, ``w`` else.

        Examples
        --------
        >>> len(zero_bias_six_state().lead_split)
        20
        """
        out = {}
        for tr in self.me.transitions:
            w = self.w[(tr.source, tr.target)]
            if tr.reservoir in ("L", "R"):
                hc = tr.source[1:]
                out[tr.symbol] = tr.gamma / self.Gamma(hc) * w
            else:
                out[tr.symbol] = w
        return out

    def to_zero_bias_fermi(self, expr) -> sp.Expr:
        """Model expression in Fermi form -> ``mu_R = 0`` and ``f_R`` identified with ``f_L`` (valid iff
        ``T_L = T_R``, since ``f_alpha(x) = 1/(1 + e^{x/T_alpha})``).

        Parameters
        ----------
        expr : sympy.Expr
            Expression in the model's Fermi-symbol form.

        Returns
        -------
        sympy.Expr
            ``expr`` with ``mu_R = 0`` and ``f_R -> f_L``.

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> zero_bias_six_state().to_zero_bias_fermi(sp.Function("f_R")(x))
        f_L(x)
        """
        expr = expr.xreplace({self.model.symbol("mu_R"): sp.S.Zero})
        return expr.replace(sp.Function("f_R"), sp.Function("f_L"))

    def _merged(self, rates) -> dict:
        out = {}
        for (s, t), w in self.w.items():
            out[w] = sp.Add(*[rates[tr.symbol] for tr in self.me.transitions if tr.source == s and tr.target == t])
        return out

    @cached_property
    def w_fermi(self) -> dict:
        """``w`` -> total rate in Fermi-symbol form (``Gamma f_L(x)``, ``Gamma (1 - f_L(x))``, ``gamma_H f_H``...).

        Examples
        --------
        >>> len(zero_bias_six_state().w_fermi)
        14
        """
        return {w: sp.factor(self.to_zero_bias_fermi(tot)) for w, tot in self._merged(self.model.fermi_rates).items()}

    @cached_property
    def w_physical(self) -> dict:
        """``w`` -> total physical rate ``Gamma fermi(x/T_0)`` etc. at ``mu_R = 0``, ``T_L = T_R = T_0``.

        Examples
        --------
        >>> len(zero_bias_six_state().w_physical)
        14
        """
        return {w: tot.xreplace(self.zero_bias) for w, tot in self._merged(self.model.rates).items()}

    def _weight(self, i, j):
        return self.w[(self.states[i], self.states[j])]

    @cached_property
    def numerators(self) -> tuple:
        """Matrix-tree numerators ``N_s`` (one per state, in :attr:`states` order) in the merged rates ``w``.

        Examples
        --------
        >>> len(zero_bias_six_state().numerators)
        6
        """
        return tuple(tree_numerators(len(self.states), self.edges, self._weight))

    @cached_property
    def normalization(self) -> sp.Expr:
        """Tree normalization ``Z = sum_s N_s`` (so ``p_s = N_s/Z``).

        Examples
        --------
        >>> z = zero_bias_six_state()
        >>> z.normalization == sum(z.numerators)
        True
        """
        return sp.Add(*self.numerators)

    def probability(self, state) -> sp.Expr:
        """Closed-form :math:`p_{mhc} = N_{mhc}/Z` in the merged rates.

        Parameters
        ----------
        state : tuple of int
            State ``(m, h, c)``.

        Returns
        -------
        sympy.Expr
            Steady-state probability.

        Raises
        ------
        ValueError
            If ``state`` is not one of the six states.

        Examples
        --------
        >>> z = zero_bias_six_state()
        >>> sp.simplify(sum(z.probability(s) for s in z.states))
        1
        """
        return self.numerators[self.states.index(tuple(state))] / self.normalization

    @cached_property
    def probabilities(self) -> dict:
        """``{state: N_s/Z}``.

        Examples
        --------
        >>> len(zero_bias_six_state().probabilities)
        6
        """
        return {s: self.probability(s) for s in self.states}

    def edge_current(self, s, t) -> sp.Expr:
        """Net current :math:`w_{s\\to t}p_s - w_{t\\to s}p_t` on an edge.

        Parameters
        ----------
        s, t : tuple of int
            Source and target states of a directed edge.

        Returns
        -------
        sympy.Expr
            Net probability current ``s -> t`` (per unit time).

        Examples
        --------
        >>> z = zero_bias_six_state()
        >>> sp.simplify(z.edge_current((0, 0, 0), (1, 0, 0)) + z.edge_current((1, 0, 0), (0, 0, 0)))
        0
        """
        return self.w[(s, t)] * self.probability(s) - self.w[(t, s)] * self.probability(t)

    def chord_current(self, which: str) -> sp.Expr:
        """Fundamental cycle flux :math:`\\Phi_H` (chord ``100 -> 110``) or :math:`\\Phi_C` (chord ``100 -> 101``):
        the generic :meth:`~symqd.graph.MultiCycle.flux` of the basis cycle, in the merged rates.

        Parameters
        ----------
        which : ``"H"`` or ``"C"``
            The chord.

        Returns
        -------
        sympy.Expr
            Chord current (per unit time).

        Examples
        --------
        >>> z = zero_bias_six_state()
        >>> h = z.hill_cycles
        >>> sp.simplify(z.chord_current("H") - (h["a"].flux + h["O"].flux))
        0
        """
        return self.fundamental[which].flux(self.probabilities).xreplace(self.lead_split)

    @cached_property
    def hill_cycles(self) -> dict:
        """``{"a": (11a), "b": (11b), "O": outer}`` as :class:`HillCycle`.

        Examples
        --------
        >>> sorted(zero_bias_six_state().hill_cycles)
        ['O', 'a', 'b']
        """
        return {name: self._hill(name, seq) for name, seq in self.cycles.items()}

    def _hill(self, name, seq) -> HillCycle:
        steps = list(zip(seq[:-1], seq[1:]))
        fwd = sp.Mul(*[self.w[st] for st in steps])
        bwd = sp.Mul(*[self.w[(t, s)] for s, t in steps])
        # Sigma_c: trees of the graph with the cycle contracted to vertex 0, directed into it (matrix-tree
        # numerator of vertex 0; parallel edges into the contracted vertex merge by adding their rates)
        on = set(seq)
        outside = [s for s in self.states if s not in on]
        if not outside:
            return HillCycle(name, seq, fwd, bwd, sp.S.One, self.normalization)
        label = {s: (0 if s in on else 1 + outside.index(s)) for s in self.states}
        rate: dict = {}
        for (s, t), w in self.w.items():
            a, b = label[s], label[t]
            if a != b:
                rate[(a, b)] = rate.get((a, b), sp.S.Zero) + w
        cedges = sorted({(min(a, b), max(a, b)) for a, b in rate})
        feeding = tree_numerators(1 + len(outside), cedges, lambda i, j: rate[(i, j)])[0]
        return HillCycle(name, seq, fwd, bwd, feeding, self.normalization)

    def current(self, name: str) -> sp.Expr:
        """The model's current ``name`` at zero bias in the merged rates ``w`` (closed form, ``p = N/Z``).

        Parameters
        ----------
        name : str
            Current name (``"IN_R"``, ``"J_H"``, ...; currents positive into the dots).

        Returns
        -------
        sympy.Expr
            The current in the merged rates.

        Examples
        --------
        >>> z = zero_bias_six_state()
        >>> z.current("IN_R").has(z.w[((0, 0, 0), (1, 0, 0))])
        True
        """
        expr = self.model.currents.as_dict()[name]
        expr = expr.xreplace(self.lead_split).xreplace(self.zero_bias)
        ps = dict(zip(self.me.probability_symbols(), (self.probability(s) for s in self.states)))
        return expr.xreplace(ps)


@cached
def zero_bias_six_state() -> ZeroBiasSixState:
    """The cached :class:`ZeroBiasSixState`.

    Returns
    -------
    ZeroBiasSixState

    Examples
    --------
    >>> zero_bias_six_state() is zero_bias_six_state()
    True
    """
    return ZeroBiasSixState()


def eq13_residual(model, form: str = "fermi") -> sp.Expr:
    """``I^N_R - (Lambda_H J_H/U_MH + Lambda_C J_C/U_MC)`` of a :class:`SymbolicThermocouple` in ``form``
    (closed form, not simplified). Zero (as a rational function) exactly in the 6-state model at ``mu_R = 0``,
    ``f_R = f_L``; nonzero otherwise.

    Parameters
    ----------
    model : SymbolicThermocouple
        The symbolic thermocouple (:func:`~.model.symbolic`).
    form : str, optional
        Form of the currents passed to ``model.current`` (default ``"fermi"``).

    Returns
    -------
    sympy.Expr
        The residual (particle currents into the dots).

    Examples
    --------
    >>> from symqd.models.thermocouple.model import symbolic
    >>> eq13_residual(symbolic(uhc_infinite=True)).has(sp.Symbol("U_MH", nonnegative=True))
    True
    """
    U_MH, U_MC = model.symbol("U_MH"), model.symbol("U_MC")
    return model.current("IN_R", form) - eq13_rhs(model.current("J_H", form), model.current("J_C", form),
                                                   U_MH=U_MH, U_MC=U_MC)


# ---------------------------------------------------------------------------------------------------------------
# ring proof of Eq. (13) in the model's own Fermi form
# ---------------------------------------------------------------------------------------------------------------


def eq13_numerator(model, *, mu_R_zero: bool = True, same_lead_temperature: bool = True, couplings=None):
    """The numerator polynomial of the Eq. (13) residual in the model's Fermi form, over ``ZZ``.

    All steady-state currents share the tree normalization ``Z``, so with ``I^N_R = n_I/Z``, ``J_H = n_H/Z``,
    ``J_C = n_C/Z`` (``n`` = current with ``p_s`` replaced by the tree numerator ``N_s``) and
    ``Lambda_H = a_H/(Gamma_00 Gamma_10)``, ``Lambda_C = a_C/(Gamma_00 Gamma_01)`` the residual of Eq. (13) times
    ``Z U_MH U_MC Gamma_00 Gamma_10 Gamma_01`` is the polynomial

        U_MH U_MC G00 G10 G01 n_I - U_MC G01 a_H n_H - U_MH G10 a_C n_C,

    returned as an element of a sparse polynomial ring (``sympy.polys.rings``) in the couplings, interactions,
    levels and Fermi values (each ``f_res(x)`` one variable). ``mu_R_zero`` sets ``mu_R = 0``;
    ``same_lead_temperature`` identifies ``f_R`` with ``f_L`` (``T_L = T_R``). Returns ``(poly, ring)``; Eq. (13)
    holds iff ``poly == 0``. ``couplings`` (``{symbol: value}``) specializes coupling symbols first (e.g. the
    zeros of Eq. (16)).

    Parameters
    ----------
    model : SymbolicThermocouple
        The symbolic thermocouple.
    mu_R_zero : bool, optional
        Set ``mu_R = 0`` (zero bias). Default True.
    same_lead_temperature : bool, optional
        Identify ``f_R`` with ``f_L`` (``T_L = T_R``). Default True.
    couplings : dict, optional
        ``{symbol: value}`` substituted before expansion.

    Returns
    -------
    tuple
        ``(poly, ring)``.

    Examples
    --------
    >>> from symqd.models.thermocouple.model import symbolic
    >>> poly, R = eq13_numerator(symbolic(uhc_infinite=True))
    >>> print(poly == 0)
    True
    """
    from sympy.polys.rings import ring

    me = model.me
    nums = dict(zip(me.probability_symbols(), model.steady.numerators))
    U_MH, U_MC = model.symbol("U_MH"), model.symbol("U_MC")
    gL, gR = _table("L", None), _table("R", None)
    G = {hc: gL[hc] + gR[hc] for hc in HC_KEYS}
    aH, _ = asymmetry_parts("H", gL, gR)
    aC, _ = asymmetry_parts("C", gL, gR)
    fr = model.fermi_rates
    z = {model.symbol("mu_R"): sp.S.Zero} if mu_R_zero else {}
    fr = {k: v.xreplace(z) for k, v in fr.items()}
    if same_lead_temperature:
        fr = {k: v.replace(sp.Function("f_R"), sp.Function("f_L")) for k, v in fr.items()}
    d = model.currents.as_dict()
    n = {}
    for name in ("IN_R", "J_H", "J_C"):
        n[name] = d[name].xreplace(nums).xreplace(z)
    combo = (U_MH * U_MC * G[(0, 0)] * G[(1, 0)] * G[(0, 1)] * n["IN_R"]
             - U_MC * G[(0, 1)] * aH * n["J_H"] - U_MH * G[(1, 0)] * aC * n["J_C"])
    expr, fmap = fermi_symbols(sp.Tuple(*fr.values()))
    kvals = dict(zip(fr.keys(), expr.args))
    combo = combo.xreplace(kvals)
    if couplings:
        combo = combo.xreplace(couplings)  # nested (unexpanded) expression in Fermi values, couplings, energies
    gens = sorted(combo.free_symbols, key=lambda s: s.name)
    R, *_ = ring(tuple(gens), sp.ZZ)
    return ring_eval(R, combo), R


def eq13_physical_residual(model, params: dict, dps: int = 40) -> tuple:
    """``(I^N_R, Lambda_H J_H/U_MH + Lambda_C J_C/U_MC)`` at a physical point (Eq. (13) both sides).

    The currents are the model's closed form evaluated in mpmath at ``dps`` digits (the compiled closed form of
    :func:`~.model.compiled`, ``backend="mpmath"``: the same expressions as ``model.current``, evaluated as a
    straight-line program instead of by sympy ``Float`` arithmetic); ``Lambda`` is Eq. (12) at the same precision.

    Parameters
    ----------
    model : SymbolicThermocouple
        The symbolic thermocouple.
    params : dict
        ``{symbol: value}`` for every model parameter (energies and temperatures in units with ``k_B = 1``); exact
        rationals are converted at the working precision.
    dps : int, optional
        Decimal precision (default 40).

    Returns
    -------
    tuple
        ``(I^N_R, rhs)`` as ``mpmath.mpf``; equal in the 6-state model at ``mu_R = 0``, ``T_L = T_R``.

    Examples
    --------
    >>> import random
    >>> from symqd.models.thermocouple.model import symbolic
    >>> from symqd.verify import physical_point
    >>> m = symbolic(uhc_infinite=True)
    >>> lhs, rhs = eq13_physical_residual(m, physical_point(m, random.Random(1), mu_R=0, T_R="T_L"), dps=30)
    >>> print(abs(lhs - rhs) < 1e-25 * abs(lhs))
    True
    """
    import mpmath

    from .model import compiled

    cm = compiled(model.uhc_infinite, model.probe)
    with mpmath.workdps(dps):
        vals = {s.name: _mpf(x, dps) for s, x in params.items()}
        v = cm.evaluate({n: vals[n] for n in cm.parameter_names}, backend="mpmath", outputs=("IN_R", "J_H", "J_C"))
        m_edges = ((0, 0), (1, 0), (0, 1))  # the couplings Eq. (12) uses (gamma_11 is absent for U_HC -> oo)
        gL = {hc: vals[gamma_symbol("L", *hc).name] for hc in m_edges}
        gR = {hc: vals[gamma_symbol("R", *hc).name] for hc in m_edges}
        lam = {w: (lambda nd: nd[0] / nd[1])(asymmetry_parts(w, gL, gR)) for w in ("H", "C")}
        rhs = eq13_rhs(v["J_H"], v["J_C"], lam["H"], lam["C"], vals["U_MH"], vals["U_MC"])
        return +v["IN_R"], +rhs


def _mpf(x, dps: int):
    """An exact rational (or any sympy number) as ``mpmath.mpf`` at the working precision."""
    import mpmath

    x = sp.sympify(x)
    if x.is_Rational:
        return mpmath.mpf(int(x.p)) / int(x.q)
    return mpmath.mpf(sp.Float(x, dps + 10)._mpf_)
