"""Pauli master equation of a :class:`~symqd.system.System` (paper 1 Eqs. (2)-(4)).

Every coupling (lead or bath, :mod:`symqd.baths`) contributes its :class:`~symqd.baths.Transition` objects
``(source, target, reservoir, dN, dE)`` and owns their rate law:

* lead: ``k = gamma f((dE - dN mu)/T)``, ``f(x) = 1/(1 + e^x)`` (paper 1 Eq. (4));
* bosonic bath: ``k = J(dE) n_B(dE/T)`` (ohmic ``J = g dE``), ``dN = 0``.

``dN = +1`` when an electron enters the dots from the lead, ``dE = E(target) - E(source)`` is the energy taken from
the coupling.

Closed forms are built in terms of one **rate symbol** per transition (``k_<res>_<source>_<target>``,
printed :math:`k^{L}_{000\to100}`); :meth:`MasterEquation.physical_rates` maps them to the couplings' rate laws
(a separate, late substitution step), :meth:`MasterEquation.fermi_rates` to ``gamma f_L(eps-mu)`` /
``gamma (1 - f_L(eps-mu))`` with one Fermi symbol per lead and addition energy.

A model whose steady state is not unique is refused: if a dot can be neither filled nor emptied, or the couplings
split the states into disconnected sets, :class:`MasterEquation` raises a ``ValueError`` naming the dot(s).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from symqd.baths import BosonicBath, Transition, state_label
from symqd.fermi import fermi
from symqd.system import System

__all__ = ["Transition", "MasterEquation", "state_label", "connected_components"]


def connected_components(n: int, pairs) -> list:
    r"""Connected components (lists of node indices) of the undirected graph on ``range(n)`` with edges ``pairs``.

    Parameters
    ----------
    n : int
        Number of nodes.
    pairs : iterable of (int, int)
        Undirected edges.

    Returns
    -------
    list of list of int
        Components, each sorted, in order of their smallest node.

    Examples
    --------
    >>> connected_components(4, [(0, 1), (2, 3)])
    [[0, 1], [2, 3]]
    """
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
    comps: dict = {}
    for v in range(n):
        comps.setdefault(find(v), []).append(v)
    return sorted(comps.values())


@dataclass(frozen=True)
class MasterEquation:
    r"""States, transitions and rate matrix of a :class:`System`.

    The rate matrix ``W`` (paper 1 Eq. (3)) has ``W[t, s]`` = total rate ``s -> t`` for ``t != s`` and
    ``W[s, s] = -sum_t W[t, s]``, so ``dp/dt = W p`` and the steady state solves ``W p = 0``, ``sum p = 1``.

    Parameters
    ----------
    system : System
        The model; its leads and baths supply the transitions and rate laws.

    Raises
    ------
    ValueError
        If ``system`` is not a :class:`System`, or the steady state is not unique (a dot nothing can fill or
        empty; a disconnected state graph).

    Examples
    --------
    >>> from symqd.system import System, Reservoir
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> me.n, len(me.transitions), me.rate_symbols[0]
    (2, 4, k_L_0_1)
    """

    system: System
    states: tuple = field(init=False)
    transitions: tuple = field(init=False)

    def __post_init__(self):
        if not isinstance(self.system, System):
            raise ValueError(f"MasterEquation needs a System, got {type(self.system).__name__}")
        states = tuple(self.system.states())
        trans = []
        for part in self.system.reservoirs:
            trans.extend(part.transitions(self.system, states))
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "transitions", tuple(trans))
        self._check_unique_steady_state()

    def _check_unique_steady_state(self) -> None:
        idx = {s: i for i, s in enumerate(self.states)}
        comps = connected_components(len(self.states), [(idx[t.source], idx[t.target]) for t in self.transitions])
        if len(comps) == 1:
            return
        changed = set()
        for t in self.transitions:
            changed |= {d for d, (x, y) in zip(self.system.dot_names, zip(t.source, t.target)) if x != y}
        frozen = [d for d in self.system.dot_names if d not in changed]
        if frozen:
            raise ValueError(
                f"dot(s) {', '.join(map(repr, frozen))} can be neither filled nor emptied by any lead or bath "
                "(no coupling, or all its couplings are zero): the steady state is not unique"
            )
        no_lead = [d for d in self.system.dot_names if not any(d in r.dots for r in self.system.leads)]
        example = [state_label(self.states[c[0]]) for c in comps[:2]]
        raise ValueError(
            f"the couplings split the {len(self.states)} states into {len(comps)} disconnected sets "
            f"(e.g. states {example[0]} and {example[1]} are not connected)"
            + (f"; dots without a lead: {', '.join(map(repr, no_lead))}" if no_lead else "")
            + ": the steady state is not unique"
        )

    # -- indexing -----------------------------------------------------------------------------------------
    @cached_property
    def index(self) -> dict:
        r"""State -> its index in :attr:`states`.

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.index
        {(0,): 0, (1,): 1}
        """
        return {s: i for i, s in enumerate(self.states)}

    @property
    def n(self) -> int:
        r"""Number of states.

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.n
        2
        """
        return len(self.states)

    @cached_property
    def rate_symbols(self) -> tuple:
        r"""One rate symbol ``k_<reservoir>_<source>_<target>`` per transition, in transition order.

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.rate_symbols
        (k_L_0_1, k_L_1_0, k_R_0_1, k_R_1_0)
        """
        return tuple(t.symbol for t in self.transitions)

    @cached_property
    def edges(self) -> dict:
        r"""Undirected edges ``(i, j)`` (i < j, state indices) -> list of transitions in either direction.

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> {e: len(ts) for e, ts in me.edges.items()}
        {(0, 1): 4}
        """
        out: dict = {}
        for t in self.transitions:
            i, j = self.index[t.source], self.index[t.target]
            out.setdefault((min(i, j), max(i, j)), []).append(t)
        return out

    def edge_weight(self, i: int, j: int) -> sp.Expr:
        r"""Total rate ``i -> j`` (sum over reservoirs) in rate symbols.

        Parameters
        ----------
        i, j : int
            Source and target state indices.

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.edge_weight(0, 1)
        k_L_0_1 + k_R_0_1
        """
        return sp.Add(*[t.symbol for t in self.transitions if self.index[t.source] == i and self.index[t.target] == j])

    # -- rate substitutions ---------------------------------------------------------------------------------
    def physical_rates(self) -> dict:
        r"""Rate symbol -> the coupling's rate law (``gamma f((dE - dN mu)/T)``, ``J(dE) n_B(dE/T)``; paper 1 Eq. (4)).

        Returns
        -------
        dict of sympy.Symbol to sympy expression

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.physical_rates()[me.rate_symbols[1]]
        gamma_L*fermi((-eps_D + mu_L)/T_L)
        """
        res = {r.name: r for r in self.system.reservoirs}
        return {t.symbol: res[t.reservoir].rate(t) for t in self.transitions}

    def part(self, name: str):
        r"""The lead or bath called ``name``.

        Parameters
        ----------
        name : str
            Name of a lead or bath.

        Returns
        -------
        Reservoir or BosonicBath

        Raises
        ------
        ValueError
            If there is none called ``name``.

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.part("R").temperature
        T_R
        """
        return self.system.reservoir(name)

    @cached_property
    def multi_edges(self) -> tuple:
        r"""Undirected multigraph edges ``((i, j), reservoir, forward, backward)``, one per lead or bath.

        ``i < j`` are state indices, ``forward``/``backward`` the two opposite transitions through the same lead
        or bath (different reservoirs are different edges).

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> [(e, r) for e, r, fwd, back in me.multi_edges]
        [((0, 1), 'L'), ((0, 1), 'R')]
        """
        by = {(t.source, t.target, t.reservoir): t for t in self.transitions}
        out = []
        for t in self.transitions:
            i, j = self.index[t.source], self.index[t.target]
            if i < j:
                back = by.get((t.target, t.source, t.reservoir))
                out.append(((i, j), t.reservoir, t, back))
        return tuple(out)

    def fermi_rates(self) -> dict:
        r"""Rate symbol -> ``gamma f_res(eps - mu)`` (in) or ``gamma (1 - f_res(eps - mu))`` (out) for leads.

        ``f_res`` is an undefined sympy function per lead whose argument is the addition energy minus the lead's
        potential; ``substitute_fermi`` turns it into :class:`~symqd.fermi.fermi`. Bath rates are given by their
        rate law (:meth:`physical_rates`).

        Returns
        -------
        dict of sympy.Symbol to sympy expression

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> r = me.fermi_rates()
        >>> r[me.rate_symbols[0]], r[me.rate_symbols[1]]
        (gamma_L*f_L(eps_D - mu_L), gamma_L*(1 - f_L(eps_D - mu_L)))
        """
        res = {r.name: r for r in self.system.reservoirs}
        out = {}
        for t in self.transitions:
            r = res[t.reservoir]
            if isinstance(r, BosonicBath):
                out[t.symbol] = r.rate(t)
                continue
            f = sp.Function(f"f_{t.reservoir}")
            add_energy = t.dE if t.dN > 0 else -t.dE
            x = sp.expand(add_energy - r.mu)
            out[t.symbol] = t.gamma * (f(x) if t.dN > 0 else 1 - f(x))
        return out

    def substitute_fermi(self, expr):
        r"""Replace ``f_res(x)`` by ``fermi(x / T_res)``.

        Parameters
        ----------
        expr : sympy expression
            An expression in the undefined functions of :meth:`fermi_rates`.

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.substitute_fermi(me.fermi_rates()[me.rate_symbols[0]])
        gamma_L*fermi((eps_D - mu_L)/T_L)
        """
        repl = {}
        for r in self.system.leads:
            x = sp.Dummy("x")
            repl[sp.Function(f"f_{r.name}")] = sp.Lambda(x, fermi(x / r.temperature))
        for f, lam in repl.items():
            expr = expr.replace(f, lam)
        return expr

    # -- rate matrix ----------------------------------------------------------------------------------------
    def rate_matrix(self) -> sp.Matrix:
        r"""``W`` in rate symbols (paper 1 Eq. (3); see the class docstring): columns sum to zero.

        Returns
        -------
        sympy.Matrix
            ``n x n``.

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.rate_matrix()
        Matrix([
        [-k_L_0_1 - k_R_0_1,  k_L_1_0 + k_R_1_0],
        [ k_L_0_1 + k_R_0_1, -k_L_1_0 - k_R_1_0]])
        """
        W = sp.zeros(self.n, self.n)
        for t in self.transitions:
            i, j = self.index[t.source], self.index[t.target]
            W[j, i] += t.symbol
            W[i, i] -= t.symbol
        return W

    def probability_symbols(self) -> tuple:
        r"""``p_<state>`` symbols, one per state.

        Returns
        -------
        tuple of sympy.Symbol

        Examples
        --------
        >>> from symqd.system import System, Reservoir
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> me.probability_symbols()
        (p_0, p_1)
        """
        return tuple(sp.Symbol(f"p_{state_label(s)}", nonnegative=True) for s in self.states)
