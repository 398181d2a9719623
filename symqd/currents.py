"""Particle, energy and heat currents, power and entropy production (paper 1 Eqs. (5)-(10)).

Sign convention (both papers): every current is positive when it flows **from the reservoir into the system**.
For reservoir ``alpha`` with steady-state probabilities ``p``:

* ``I^N_alpha = sum_{transitions via alpha} dN k p_source``           (Eq. (7))
* ``I^E_alpha = sum_{transitions via alpha} dE k p_source``           (Eq. (8))
* ``J_alpha  = I^E_alpha - mu_alpha I^N_alpha``  (heat current, Eq. (5b))
* power generated ``P = sum_alpha J_alpha = -sum_alpha mu_alpha I^N_alpha`` (Eq. (10), using Eq. (9))
* entropy production ``dS/dt = -sum_alpha J_alpha / T_alpha >= 0``   (Eq. (6) summed)

The expressions are built in the rate symbols ``k`` and probability symbols ``p_<state>`` (small, readable);
substitute the closed-form steady state and physical rates afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["Currents", "currents", "prove_conservation"]


@dataclass(frozen=True)
class Currents:
    r"""Symbolic currents per reservoir (dicts keyed by reservoir name) and totals (paper 1 Eqs. (5)-(10)).

    All currents are positive from the reservoir into the system; ``J = I^E - mu I^N``.

    Parameters
    ----------
    IN : dict of str to sympy expression
        Particle currents ``I^N_alpha`` (Eq. (7)).
    IE : dict of str to sympy expression
        Energy currents ``I^E_alpha`` (Eq. (8)).
    J : dict of str to sympy expression
        Heat currents ``J_alpha = I^E_alpha - mu_alpha I^N_alpha`` (Eq. (5b)).
    power : sympy expression
        Generated power ``P = -sum_alpha mu_alpha I^N_alpha`` (Eq. (10)).
    entropy_production : sympy expression
        ``dS/dt = -sum_alpha J_alpha / T_alpha``.

    Examples
    --------
    >>> from symqd.system import System, Reservoir
    >>> from symqd.master import MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> c = currents(me)
    >>> c.power
    -mu_L*(k_L_0_1*p_0 - k_L_1_0*p_1) - mu_R*(k_R_0_1*p_0 - k_R_1_0*p_1)
    """

    IN: dict
    IE: dict
    J: dict
    power: sp.Expr
    entropy_production: sp.Expr

    def as_dict(self) -> dict:
        r"""Flat ``{"IN_L": ..., "IE_L": ..., "J_L": ..., "P": ..., "dS_dt": ...}``.

        Returns
        -------
        dict of str to sympy expression

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> from symqd.master import MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> list(currents(me).as_dict())
        ['IN_L', 'IE_L', 'J_L', 'IN_R', 'IE_R', 'J_R', 'P', 'dS_dt']
        """
        out = {}
        for a in self.IN:
            out[f"IN_{a}"] = self.IN[a]
            out[f"IE_{a}"] = self.IE[a]
            out[f"J_{a}"] = self.J[a]
        out["P"] = self.power
        out["dS_dt"] = self.entropy_production
        return out


def currents(me, p=None) -> Currents:
    r"""Currents of the master equation ``me`` for probabilities ``p`` (paper 1 Eqs. (5)-(10)).

    Every lead and every bath gets ``IN``, ``IE`` and ``J`` (a bath exchanges no particles: ``IN = 0`` and
    ``J = IE``, its ``mu`` being 0); the entropy production ``-sum_alpha J_alpha/T_alpha`` includes the baths.
    Currents are positive from the reservoir into the system.

    Parameters
    ----------
    me : MasterEquation
        The master equation.
    p : mapping, optional
        State -> probability (default: the symbols ``p_<state>``); pass a closed-form steady state to get
        closed-form currents.

    Returns
    -------
    Currents

    Examples
    --------
    >>> from symqd.system import System, Reservoir
    >>> from symqd.master import MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> currents(me).IN["L"]
    k_L_0_1*p_0 - k_L_1_0*p_1
    """
    if p is None:
        p = dict(zip(me.states, me.probability_symbols()))
    IN, IE = {}, {}
    for r in me.system.reservoirs:
        IN[r.name] = sp.S.Zero
        IE[r.name] = sp.S.Zero
    for t in me.transitions:
        flow = t.symbol * p[t.source]
        IN[t.reservoir] += t.dN * flow
        IE[t.reservoir] += t.dE * flow
    J = {}
    power = sp.S.Zero
    dS = sp.S.Zero
    for r in me.system.reservoirs:
        J[r.name] = IE[r.name] - r.mu * IN[r.name]
        power -= r.mu * IN[r.name]
        dS -= J[r.name] / r.temperature
    return Currents(IN, IE, J, power, dS)


def gross_fluxes(me, p=None) -> dict:
    r"""One-way flux scales ``sum |dN| k p`` and ``sum |dE| k p`` per coupling, keyed like :meth:`Currents.as_dict`.

    A net current much smaller than its gross flux is the difference of nearly equal one-way flows: in floating
    point it has lost ``log10(gross/|net|)`` digits (:class:`~symqd.numeric.CompiledModel` uses this to detect
    cancellation and recompute those points at higher precision). ``|dE|`` is taken as ``sqrt(dE**2)``.

    Parameters
    ----------
    me : MasterEquation
        The master equation.
    p : mapping, optional
        State -> probability (default: the symbols ``p_<state>``).

    Returns
    -------
    dict of str to sympy expression
        Keys ``IN_<a>``, ``IE_<a>``, ``J_<a>`` for every coupling ``a``.

    Examples
    --------
    >>> from symqd.system import System, Reservoir
    >>> from symqd.master import MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> gross_fluxes(me)["IN_L"]
    k_L_0_1*p_0 + k_L_1_0*p_1
    """
    if p is None:
        p = dict(zip(me.states, me.probability_symbols()))
    GN = {r.name: sp.S.Zero for r in me.system.reservoirs}
    GE = {r.name: sp.S.Zero for r in me.system.reservoirs}
    for t in me.transitions:
        flow = t.symbol * p[t.source]
        GN[t.reservoir] += abs(t.dN) * flow
        GE[t.reservoir] += sp.Abs(t.dE) * flow
    out = {}
    for r in me.system.reservoirs:
        out[f"IN_{r.name}"] = GN[r.name]
        out[f"IE_{r.name}"] = GE[r.name]
        out[f"J_{r.name}"] = GE[r.name] + sp.Abs(r.mu) * GN[r.name]
    return out


def prove_conservation(me) -> dict:
    r"""Symbolic proof of paper 1 Eq. (9) and the first law for a generic model.

    With ``W`` the rate matrix, ``sum_alpha I^N_alpha = N^T W p`` and ``sum_alpha I^E_alpha = E^T W p`` hold as
    *identities* in the rate and probability symbols (checked here by expansion); since the steady state satisfies
    ``W p = 0`` (:func:`symqd.graph.prove_stationary`), both sums vanish, and ``sum_alpha J_alpha = P`` follows.

    Parameters
    ----------
    me : MasterEquation
        The master equation.

    Returns
    -------
    dict
        ``{"particle": bool, "energy": bool, "first_law": bool}``.

    Examples
    --------
    >>> from symqd.system import System, Reservoir
    >>> from symqd.master import MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> prove_conservation(me)
    {'particle': True, 'energy': True, 'first_law': True}
    """
    c = currents(me)
    ps = sp.Matrix(me.probability_symbols())
    Wp = me.rate_matrix() * ps
    Nvec = sp.Matrix([[me.system.number(s) for s in me.states]])
    Evec = sp.Matrix([[me.system.energy(s) for s in me.states]])
    particle = sp.expand(sum(c.IN.values()) - (Nvec * Wp)[0]) == 0
    energy = sp.expand(sum(c.IE.values()) - (Evec * Wp)[0]) == 0
    first_law = sp.expand(sum(c.J.values()) - c.power - sum(c.IE.values())) == 0
    return {"particle": particle, "energy": energy, "first_law": first_law}
