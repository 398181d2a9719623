"""Pauli master equation of a :class:`~symqd.system.System` (paper 1 Eqs. (2)-(4)).

Each allowed change of one dot's occupation by one reservoir is a :class:`Transition` carrying
``(source, target, reservoir, dN, dE)`` and a rate

    k = gamma * f((dE - dN * mu) / T),        f(x) = 1/(1 + e^x),

where ``dN = +1`` when an electron tunnels *from the reservoir into the dots* and ``dE = E(target) - E(source)``
is the energy taken from the reservoir. For ``dN = +1`` this is ``gamma f(eps - mu)`` and for ``dN = -1`` it is
``gamma [1 - f(eps - mu)]`` with ``eps`` the addition energy (paper 1 Eq. (4)).

Closed forms are built in terms of one **rate symbol** per transition (``k_<res>_<source>_<target>``,
printed :math:`k^{L}_{000\\to100}`); :meth:`MasterEquation.physical_rates` maps them to ``gamma * fermi(...)``
(a separate, late substitution step), :meth:`MasterEquation.fermi_rates` to ``gamma f_L(eps-mu)`` /
``gamma (1 - f_L(eps-mu))`` with one Fermi symbol per reservoir and addition energy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from symqd.fermi import fermi
from symqd.system import System

__all__ = ["Transition", "MasterEquation", "state_label"]


def state_label(state) -> str:
    """``(1, 0, 1) -> "101"``."""
    return "".join(map(str, state))


@dataclass(frozen=True)
class Transition:
    """One tunnelling process ``source -> target`` through ``reservoir`` (paper 1 Eq. (4))."""

    source: tuple
    target: tuple
    reservoir: str
    dN: int
    dE: sp.Expr
    gamma: sp.Expr
    symbol: sp.Symbol

    def fermi_argument(self, T, mu) -> sp.Expr:
        """Dimensionless ``(dE - dN mu)/T``."""
        return (self.dE - self.dN * mu) / T


@dataclass(frozen=True)
class MasterEquation:
    """States, transitions and rate matrix of a :class:`System`.

    The rate matrix ``W`` (paper 1 Eq. (3)) has ``W[t, s]`` = total rate ``s -> t`` for ``t != s`` and
    ``W[s, s] = -sum_t W[t, s]``, so ``dp/dt = W p`` and the steady state solves ``W p = 0``, ``sum p = 1``.
    """

    system: System
    states: tuple = field(init=False)
    transitions: tuple = field(init=False)

    def __post_init__(self):
        states = tuple(self.system.states())
        allowed = set(states)
        trans = []
        for s in states:
            for r in self.system.reservoirs:
                i = self.system.dot_index(r.dot)
                t = s[:i] + (1 - s[i],) + s[i + 1:]
                if t not in allowed:
                    continue
                gamma = r.rate_prefactor(self.system.occupations(s))
                if gamma == 0:
                    continue
                dN = t[i] - s[i]
                dE = sp.expand(self.system.energy(t) - self.system.energy(s))
                sym = sp.Symbol(f"k_{r.name}_{state_label(s)}_{state_label(t)}", positive=True)
                trans.append(Transition(s, t, r.name, dN, dE, gamma, sym))
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "transitions", tuple(trans))

    # -- indexing -----------------------------------------------------------------------------------------
    @cached_property
    def index(self) -> dict:
        return {s: i for i, s in enumerate(self.states)}

    @property
    def n(self) -> int:
        return len(self.states)

    @cached_property
    def rate_symbols(self) -> tuple:
        return tuple(t.symbol for t in self.transitions)

    @cached_property
    def edges(self) -> dict:
        """Undirected edges ``(i, j)`` (i < j, state indices) -> list of transitions in either direction."""
        out: dict = {}
        for t in self.transitions:
            i, j = self.index[t.source], self.index[t.target]
            out.setdefault((min(i, j), max(i, j)), []).append(t)
        return out

    def edge_weight(self, i: int, j: int) -> sp.Expr:
        """Total rate ``i -> j`` (sum over reservoirs) in rate symbols."""
        return sp.Add(*[t.symbol for t in self.transitions if self.index[t.source] == i and self.index[t.target] == j])

    # -- rate substitutions ---------------------------------------------------------------------------------
    def physical_rates(self) -> dict:
        """Rate symbol -> ``gamma * fermi((dE - dN mu)/T)`` in the system's physical parameters."""
        res = {r.name: r for r in self.system.reservoirs}
        return {
            t.symbol: t.gamma * fermi(t.fermi_argument(res[t.reservoir].temperature, res[t.reservoir].mu))
            for t in self.transitions
        }

    def fermi_rates(self) -> dict:
        """Rate symbol -> ``gamma f_res(eps - mu)`` (in) or ``gamma (1 - f_res(eps - mu))`` (out).

        ``f_res`` is an undefined sympy function per reservoir whose argument is the addition energy minus the
        reservoir's potential; ``substitute_fermi`` turns it into :class:`~symqd.fermi.fermi`.
        """
        res = {r.name: r for r in self.system.reservoirs}
        out = {}
        for t in self.transitions:
            f = sp.Function(f"f_{t.reservoir}")
            add_energy = t.dE if t.dN > 0 else -t.dE
            x = sp.expand(add_energy - res[t.reservoir].mu)
            out[t.symbol] = t.gamma * (f(x) if t.dN > 0 else 1 - f(x))
        return out

    def substitute_fermi(self, expr):
        """Replace ``f_res(x)`` by ``fermi(x / T_res)``."""
        repl = {}
        for r in self.system.reservoirs:
            x = sp.Dummy("x")
            repl[sp.Function(f"f_{r.name}")] = sp.Lambda(x, fermi(x / r.temperature))
        for f, lam in repl.items():
            expr = expr.replace(f, lam)
        return expr

    # -- rate matrix ----------------------------------------------------------------------------------------
    def rate_matrix(self) -> sp.Matrix:
        """``W`` in rate symbols (see class docstring)."""
        W = sp.zeros(self.n, self.n)
        for t in self.transitions:
            i, j = self.index[t.source], self.index[t.target]
            W[j, i] += t.symbol
            W[i, i] -= t.symbol
        return W

    def probability_symbols(self) -> tuple:
        """``p_<state>`` symbols, one per state."""
        return tuple(sp.Symbol(f"p_{state_label(s)}", nonnegative=True) for s in self.states)
