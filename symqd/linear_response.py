r"""Linear response of a master-equation model around equilibrium: its Onsager matrix, in closed form.

The problem
-----------
A :class:`~symqd.master.MasterEquation` has transitions ``s -> t`` through reservoir ``alpha`` with rates
``k = gamma f((dE - dN mu_alpha)/T_alpha)``. At the *equilibrium point* every reservoir is at the same ``T`` and
``mu = 0``. We drive it with small forces relative to a **reference reservoir** ``ref`` (``X = 0`` for it):

    X^mu_alpha = Delta mu_alpha / T,      X^T_alpha = Delta T_alpha / T**2,

and want ``L`` in ``(..., I^N_alpha, J_alpha, ...) = L (..., X^mu_alpha, X^T_alpha, ...)`` (currents positive from the
reservoir into the system, heat current ``J = I^E - mu I^N``), so that the entropy production is ``X^T L X``.

Derivation (the network / Schnakenberg-Hill form)
-------------------------------------------------
1. *Equilibrium.* Each reservoir obeys detailed balance on its own: ``f(x)/f(-x) = e^{-x}`` gives
   ``k_{s->t}/k_{t->s} = exp(-(E_t - E_s)/T)`` at ``mu = 0``; hence ``p_eq(s) = exp(-E_s/T)/Z`` over the *allowed*
   states, and every transition pair ``e = (s -> t, alpha)`` (oriented with ``dN = +1``, an electron entering from
   ``alpha``) carries the same one-way equilibrium flux ``phi_e = k_{s->t} p_eq(s) = k_{t->s} p_eq(t)`` in both
   directions. (:func:`boltzmann_state`; the tests check it against the matrix-tree form.)
2. *Linearization.* Write ``p = p_eq (1 + u)``. The net current on edge ``e`` is, to first order,

       j_e = phi_e [ F_e - (u_t - u_s) ],      F_e = delta ln(k_{s->t}/k_{t->s}) = d_e . X,

   with the edge's **drive vector** ``d_e``: ``dN_e = 1`` in the ``X^mu_alpha`` slot and ``dE_e`` in the
   ``X^T_alpha`` slot of its reservoir (zero for the reference). This is Ohm's law on a resistor network: edge
   conductance ``phi_e``, electromotive force ``F_e``, node potentials ``u``.
3. *Steady state.* Kirchhoff's current law at every state, ``B j = 0`` (``B`` the node-edge incidence matrix),
   fixes ``u``: ``(B Phi B^T) u = B Phi D X`` (a weighted graph Laplacian; ground one node).
4. *Currents.* ``I^N_alpha = sum_{e in alpha} j_e`` and ``J_alpha = I^E_alpha + O(X^2) = sum_{e in alpha} dE_e j_e``: the
   current vector is ``D^T j`` with the *same* ``d_e``. Therefore

       L = D^T Phi D - (B Phi D)^T (B Phi B^T)^+ (B Phi D)  =  D^T Phi^{1/2} P Phi^{1/2} D,

   with ``P`` an orthogonal projector (onto the weighted cycle space). ``L`` is **manifestly symmetric** (Onsager
   reciprocity) and **positive semidefinite**: ``X^T L X = min_u sum_e phi_e (d_e.X - (u_t-u_s))**2
   = sum_e j_e**2/phi_e`` (the dissipation), a sum of squares. Equivalently, in a cycle basis ``C``,
   ``L = D^T C (C^T Phi^{-1} C)^{-1} C^T D`` (Schnakenberg / Hill: cycle fluxes driven by cycle affinities).

Energy-only reservoirs (the reduction)
--------------------------------------
A reservoir that is the *only* one tunnel-coupled to its dot (paper 1's H and C) cannot carry a steady particle
current: the dot's occupation changes only through it, so ``I^N_alpha = 0`` identically in every steady state.
Its ``I^N`` row of ``L`` vanishes, and by reciprocity so does its ``X^mu`` column (physically: ``mu_alpha`` enters the
rates only as ``eps - mu_alpha`` of that dot, i.e. it shifts a level that no other reservoir sees, which keeps the
system at equilibrium). Such reservoirs are therefore given only a heat row/column ``(J_alpha, X^T_alpha)``.
:func:`onsager_matrix` detects them structurally and verifies the vanishing row exactly (``ValueError`` otherwise
would mean an engine inconsistency). The reference's currents follow from particle and energy conservation.

Reservoirs not listed in ``terminals`` (e.g. a probe) are held at the equilibrium point (``X = 0``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from symqd.master import connected_components


__all__ = [
    "Edge",
    "LinearResponse",
    "boltzmann_state",
    "energy_only_reservoirs",
    "equilibrium_point",
    "onsager_matrix",
    "onsager_by_differentiation",
    "network",
]


@dataclass(frozen=True)
class Edge:
    r"""One transition pair ``source -> target`` (``dN = +1``) through ``reservoir``.

    Parameters
    ----------
    source, target : tuple of int
        Occupation states (an electron enters from ``reservoir`` going ``source -> target``).
    reservoir : str
        Lead or bath name.
    dE : sympy expression
        Energy taken from the reservoir on ``source -> target``.
    gamma : sympy expression
        Coupling prefactor.
    rate_in, rate_out : sympy.Symbol
        Rate symbols of the two directions.
    flux : sympy.Symbol
        Symbol of its equilibrium one-way flux ``phi_e`` (``phi_<res>_<source>_<target>``).
    drive : tuple
        Its drive vector ``d_e`` over the force ordering (``dN`` in the ``X^mu`` slot, ``dE`` in the ``X^T`` slot
        of its reservoir; zero for the reference).

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> e = onsager_matrix(me, "L").edges[1]
    >>> e.reservoir, e.flux, e.drive
    ('R', phi_R_0_1, (1, eps_D))
    """

    source: tuple
    target: tuple
    reservoir: str
    dE: sp.Expr
    gamma: sp.Expr
    rate_in: sp.Symbol
    rate_out: sp.Symbol
    flux: sp.Symbol
    drive: tuple


@dataclass(frozen=True)
class LinearResponse:
    r"""Result of :func:`onsager_matrix`: ``(..., I^N_alpha, J_alpha, ...) = L (..., X^mu_alpha, X^T_alpha, ...)``.

    Forces ``X^mu = Delta mu / T`` and ``X^T = Delta T / T^2`` relative to the reference; currents positive from
    the reservoir into the system, ``J = I^E - mu I^N``.

    Parameters
    ----------
    L : sympy.Matrix
        Onsager matrix in the equilibrium-flux symbols ``phi_e`` (see ``flux_values``); :meth:`physical` gives it
        in the model's parameters at the equilibrium point.
    current_labels, force_labels : tuple of str
        e.g. ``("IN_R", "J_R", "J_H", "J_C")`` and ``("Xmu_R", "XT_R", "XT_H", "XT_C")``.
    edges : tuple of :class:`Edge`
        The linearized network's edges.
    flux_values : dict
        ``phi_e -> gamma_e f(dE_e/T) exp(-E_source/T)/Z`` (physical value at equilibrium).
    rate_values : dict
        Rate symbol ``k_...`` -> equilibrium rate ``gamma f(+-dE/T)``.
    T : sympy.Symbol
        Equilibrium temperature.
    equilibrium : dict
        Substitution ``{T_alpha: T, mu_alpha: 0}`` defining the equilibrium point.
    energy_only : tuple of str
        Reservoirs reduced to a heat row/column.
    reference : str
        Reference reservoir.
    terminals : tuple of str
        Driven reservoirs, in row order.
    me : MasterEquation, optional
        The model.
    ring_form : tuple, optional
        ``(numerator, denominator)`` with ``L = numerator / denominator`` exactly: ``numerator`` a
        :class:`~sympy.polys.matrices.DomainMatrix` over ``ZZ[phi_e, ...]`` (the polynomial ring of the flux and
        energy symbols), ``denominator`` the spanning-tree polynomial of the grounded Laplacian (an element of that
        ring). Exact polynomial identities (e.g. reciprocity, ``numerator == numerator.transpose()``) are checked on
        it without any rational-function simplification.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> lr = onsager_matrix(me, "L")
    >>> num, den = lr.ring_form
    >>> num == num.transpose()
    True
    >>> lr.current_labels, lr.force_labels
    (('IN_R', 'J_R'), ('Xmu_R', 'XT_R'))
    >>> lr.L[0, 0]
    phi_L_0_1*phi_R_0_1/(phi_L_0_1 + phi_R_0_1)
    """

    L: sp.Matrix
    current_labels: tuple
    force_labels: tuple
    edges: tuple
    flux_values: dict
    rate_values: dict
    T: sp.Symbol
    equilibrium: dict
    energy_only: tuple
    reference: str
    terminals: tuple
    me: object = field(repr=False, default=None)
    ring_form: tuple | None = field(repr=False, default=None)

    def physical(self) -> sp.Matrix:
        r"""``L`` with ``phi_e`` replaced by its physical equilibrium value (Fermi functions and Boltzmann weights).

        Returns
        -------
        sympy.Matrix

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> import sympy as sp
        >>> L = onsager_matrix(me, "L").physical()
        >>> L.subs({s: 0 if s.name == "eps_D" else 1 for s in L.free_symbols})
        Matrix([
        [1/8, 0],
        [  0, 0]])
        """
        return self.L.xreplace(self.flux_values)

    def drive_matrix(self) -> sp.Matrix:
        r"""``D`` (edges x forces): row ``e`` is ``d_e``.

        Returns
        -------
        sympy.Matrix

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> onsager_matrix(me, "L").drive_matrix()
        Matrix([
        [0,     0],
        [1, eps_D]])
        """
        return sp.Matrix([list(e.drive) for e in self.edges])


def equilibrium_point(me, T=None) -> tuple:
    r"""``(T, {T_alpha: T, mu_alpha: 0})`` for every lead and bath of ``me`` whose T/mu are symbols.

    Parameters
    ----------
    me : MasterEquation
        The model.
    T : sympy.Symbol, optional
        Equilibrium temperature (default ``Symbol("T", positive=True)``).

    Returns
    -------
    T : sympy.Symbol
    sub : dict
        The substitution defining the equilibrium point.

    Raises
    ------
    ValueError
        Naming a reservoir whose temperature is not a plain symbol (e.g. ``2*T0``).

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> equilibrium_point(me)
    (T, {T_L: T, mu_L: 0, T_R: T, mu_R: 0})
    """
    if T is None:
        T = sp.Symbol("T", positive=True)
    sub = {}
    for r in me.system.reservoirs:
        sub.update(r.equilibrium_substitution(T))
    # a reservoir temperature that is not a bare symbol (e.g. 2*T0) cannot be set to T by substitution
    for r in me.system.reservoirs:
        if r.temperature.xreplace(sub) != T:
            raise ValueError(f"reservoir {r.name!r}: temperature {r.temperature} must be a plain symbol")
    return T, sub


def boltzmann_state(me, T) -> dict:
    r"""``state -> exp(-E_s/T)/Z`` over the allowed states (the equilibrium state at ``mu = 0``).

    Parameters
    ----------
    me : MasterEquation
        The model.
    T : sympy expression
        Equilibrium temperature.

    Returns
    -------
    dict of tuple to sympy expression

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> import sympy as sp
    >>> boltzmann_state(me, sp.Symbol("T", positive=True))[(1,)]
    exp(-eps_D/T)/(1 + exp(-eps_D/T))
    """
    w = {s: sp.exp(-me.system.energy(s) / T) for s in me.states}
    Z = sp.Add(*w.values())
    return {s: v / Z for s, v in w.items()}


def energy_only_reservoirs(me) -> tuple:
    r"""Find the couplings that cannot carry a steady particle current.

    Every bath, and every lead that is the only lead on the set of dots its levels are connected to through
    baths (the electron number there changes only through it).

    Parameters
    ----------
    me : MasterEquation
        The model.

    Returns
    -------
    tuple of str
        Names, in declaration order.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["A", "B"], {("A", "B"): "U"},
    ...                     [Reservoir("L", "A"), Reservoir("R", "A"), Reservoir("H", "B")]))
    >>> energy_only_reservoirs(me)
    ('H',)
    """
    dots = me.system.dot_names
    index = {d: i for i, d in enumerate(dots)}
    bath_pairs = [(index[b.between[0]], index[b.between[1]]) for b in me.system.baths]
    component = {}
    for k, comp in enumerate(connected_components(len(dots), bath_pairs)):
        component.update({dots[i]: k for i in comp})
    out = []
    for r in me.system.reservoirs:
        if not r.counts_particles:
            out.append(r.name)
            continue
        island = {d for d in dots if component[d] in {component[x] for x in r.dots}}
        others = [o for o in me.system.leads if o.name != r.name and island & set(o.dots)]
        if not others:
            out.append(r.name)
    return tuple(out)


def _labels(me, reference, terminals):
    names = [r.name for r in me.system.reservoirs]
    if reference not in names:
        raise ValueError(f"reference: no reservoir named {reference!r}; reservoirs are {names}")
    if terminals is None:
        terminals = [n for n in names if n != reference]
    terminals = tuple(terminals)
    for t in terminals:
        if t not in names:
            raise ValueError(f"terminals: no reservoir named {t!r}; reservoirs are {names}")
        if t == reference:
            raise ValueError(f"terminals: the reference reservoir {reference!r} cannot be a terminal")
    if len(set(terminals)) != len(terminals):
        raise ValueError(f"terminals: duplicate entries in {terminals}")
    if not terminals:
        raise ValueError("terminals: need at least one non-reference reservoir")
    eonly = energy_only_reservoirs(me)
    cur, frc, slots = [], [], {}
    for t in terminals:
        if t not in eonly:
            slots[(t, "mu")] = len(frc)
            cur.append(f"IN_{t}")
            frc.append(f"Xmu_{t}")
        slots[(t, "T")] = len(frc)
        cur.append(f"J_{t}")
        frc.append(f"XT_{t}")
    return terminals, eonly, tuple(cur), tuple(frc), slots


def _edges(me, T, slots, nforces):
    """Transition pairs as linear-response edges, oriented with ``dN = +1`` for leads and from the lower to the
    higher state index for baths; drive vectors and equilibrium rates come from the couplings themselves."""
    p_eq = boltzmann_state(me, T)
    rates = me.physical_rates()
    edges, flux_values, rate_values = [], {}, {}
    for (i, j), name, fwd, back in me.multi_edges:
        part = me.part(name)
        if back is None:  # pragma: no cover - every coupling gives both directions
            raise ValueError(f"transition {fwd.source} -> {fwd.target} of {name!r} has no reverse")
        t, b = (fwd, back) if fwd.dN >= 0 else (back, fwd)
        eq = part.equilibrium_substitution(T)
        drive = [sp.S.Zero] * nforces
        for slot, value in part.drive(t).items():
            if (name, slot) in slots:
                drive[slots[(name, slot)]] = value
        lab = f"{''.join(map(str, t.source))}_{''.join(map(str, t.target))}"
        phi = sp.Symbol(f"phi_{name}_{lab}", positive=True)
        k_in = rates[t.symbol].xreplace(eq)
        k_out = rates[b.symbol].xreplace(eq)
        rate_values[t.symbol] = k_in
        rate_values[b.symbol] = k_out
        flux_values[phi] = k_in * p_eq[t.source]
        edges.append(Edge(t.source, t.target, name, t.dE, t.gamma, t.symbol, b.symbol, phi, tuple(drive)))
    return edges, flux_values, rate_values


def network(me, reference: str, terminals=None, *, T=None) -> dict:
    r"""The linearized network without solving it: ``edges``, ``flux_values``, ``rate_values``, labels, ``T``.

    Parameters
    ----------
    me : MasterEquation
        The model.
    reference : str
        Reference reservoir.
    terminals : sequence of str, optional
        Driven reservoirs (default all but ``reference``).
    T : sympy.Symbol, optional
        Equilibrium temperature.

    Returns
    -------
    dict
        Keys ``edges``, ``flux_values``, ``rate_values``, ``current_labels``, ``force_labels``, ``T``,
        ``equilibrium``, ``energy_only``, ``terminals``.

    Raises
    ------
    ValueError
        For an unknown ``reference`` or terminal, a duplicate terminal, or the reference among the terminals.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> net = network(me, "L")
    >>> [e.flux for e in net["edges"]], net["force_labels"]
    ([phi_L_0_1, phi_R_0_1], ('Xmu_R', 'XT_R'))
    """
    T, eq = equilibrium_point(me, T)
    terminals, eonly, cur, frc, slots = _labels(me, reference, terminals)
    edges, flux_values, rate_values = _edges(me, T, slots, len(frc))
    return dict(edges=tuple(edges), flux_values=flux_values, rate_values=rate_values, current_labels=cur,
                force_labels=frc, T=T, equilibrium=eq, energy_only=eonly, terminals=terminals)


def onsager_matrix(me, reference: str, terminals=None, *, T=None, check: bool = True,
                   factor: bool = True) -> LinearResponse:
    r"""Onsager matrix of ``me`` at equilibrium (all reservoirs at ``T``, ``mu = 0``), in closed form.

    The network form ``L = D^T Phi D - (B Phi D)^T Lg^{-1} (B Phi D)`` (module docstring) is solved fraction-free over
    the polynomial ring ``ZZ[phi_e, ...]`` with the grounded Laplacian ``Lg`` (first state grounded):
    ``L = numerator/den`` with ``den = det Lg`` (kept in :attr:`LinearResponse.ring_form`); each entry is then the
    cancelled quotient, factored if ``factor``.

    Parameters
    ----------
    me : MasterEquation
        The model.
    reference : str
        Reference reservoir (its forces are zero; its currents follow from conservation).
    terminals : sequence of str, optional
        Driven reservoirs, in the order of the rows; default all but ``reference``. Each contributes
        ``(I^N, J)`` rows and ``(X^mu, X^T)`` columns, or only ``(J, X^T)`` if it is energy-only (module docstring).
    T : sympy.Symbol, optional
        Equilibrium temperature (default ``Symbol("T", positive=True)``).
    check : bool
        Prove exactly, as polynomial identities over ``ZZ`` (no simplification), that the numerator matrix is
        symmetric (Onsager reciprocity of the network form) and that the dropped ``I^N`` rows of energy-only
        reservoirs vanish.
    factor : bool, optional
        Factor every entry (``sympy.factor``; readable, but multivariate factorization dominates the cost for
        models with several loops: about 8 s of 9 s for the 6-state thermocouple). ``False`` keeps the cancelled
        quotient ``numerator/denominator`` (same rational function).

    Returns
    -------
    LinearResponse
        ``L`` in the equilibrium edge fluxes ``phi_e`` (``.physical()`` for the model's parameters).

    Raises
    ------
    ValueError
        For an unknown or duplicate ``reference``/``terminals`` entry, or a reservoir with a non-symbol
        temperature.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> lr = onsager_matrix(me, "L")
    >>> lr.L[0, 1] == lr.L[1, 0]
    True
    >>> lr.L[0, 0] == onsager_matrix(me, "L", factor=False).L[0, 0]
    True
    >>> onsager_matrix(me, "X")
    Traceback (most recent call last):
    ...
    ValueError: reference: no reservoir named 'X'; reservoirs are ['L', 'R']
    """
    T, eq = equilibrium_point(me, T)
    terminals, eonly, cur, frc, slots = _labels(me, reference, terminals)
    edges, flux_values, rate_values = _edges(me, T, slots, len(frc))
    n, m, nf = me.n, len(edges), len(frc)
    idx = me.index
    D = sp.Matrix([list(e.drive) for e in edges]) if m else sp.zeros(0, nf)
    B = sp.zeros(n, m)
    for k, e in enumerate(edges):
        B[idx[e.target], k] += 1
        B[idx[e.source], k] -= 1
    Phi = sp.diag(*[e.flux for e in edges])
    BPD = (B * Phi * D)[1:, :]
    Lg = (B * Phi * B.T)[1:, 1:]
    Unum, den, num, dom = _network_solve(Lg, BPD, D.T * Phi * D, D)
    if check:
        # reciprocity of the network form: the numerator matrix over the common denominator det(Lg) is symmetric
        # as a matrix of polynomials over ZZ (an exact ring identity)
        if num != num.transpose():
            raise ArithmeticError("network form not symmetric; this is a bug")
        # the particle current of an energy-only reservoir vanishes identically: den * (sum of its edge currents)
        # j_e = phi_e (d_e - (u_t - u_s)), u = Unum/den (grounded state 0: u = 0), is the zero polynomial
        U = [[dom.zero] * nf] + (Unum.to_list() if n > 1 else [])
        for r in eonly:
            if not me.part(r).counts_particles:
                continue  # a bath exchanges no particles by construction
            row = [dom.zero] * nf
            for k, e in enumerate(edges):
                if e.reservoir != r:
                    continue
                phi = dom.from_sympy(e.flux)
                ut, us = U[idx[e.target]], U[idx[e.source]]
                for j in range(nf):
                    row[j] += phi * (dom.from_sympy(D[k, j]) * den - (ut[j] - us[j]))
            if any(x != 0 for x in row):
                raise ValueError(f"reservoir {r!r} was classified energy-only but carries a particle current")
    K = dom.get_field()
    den_K = K.convert_from(den, dom)
    L = sp.zeros(nf, nf)
    for i in range(nf):
        for j in range(i, nf):
            q = K.to_sympy(K.convert_from(num[i, j].element, dom) / den_K)
            L[i, j] = L[j, i] = sp.factor(q) if factor else q
    return LinearResponse(L, cur, frc, tuple(edges), flux_values, rate_values, T, eq, eonly, reference, terminals, me,
                          (num, den))


def _network_solve(Lg, W, DPD, D):
    """``(Unum, den, num, dom)``: ``Lg Unum = den W`` and ``L = num/den`` with ``num = DPD den - W^T Unum``, exactly
    and fraction-free over the polynomial ring ``dom`` of the symbols.

    ``Lg`` is a grounded weighted Laplacian (its determinant ``den`` is the spanning-tree polynomial); the solve uses
    :meth:`DomainMatrix.solve_den`.
    """
    from sympy.polys.matrices import DomainMatrix

    nf = DPD.shape[0]
    gens = sorted(set().union(*(x.free_symbols for x in list(Lg) + list(W) + list(DPD) + list(D))), key=str)
    dom = sp.ZZ[tuple(gens)] if gens else sp.ZZ
    num = DomainMatrix.from_Matrix(DPD).convert_to(dom)
    if Lg.shape[0] == 0:
        return DomainMatrix.zeros((0, nf), dom), dom.one, num, dom
    A = DomainMatrix.from_Matrix(Lg).convert_to(dom)
    b = DomainMatrix.from_Matrix(W).convert_to(dom)
    Unum, den = A.solve_den(b)
    num = num * den - b.transpose() * Unum
    return Unum, den, num, dom


def onsager_by_differentiation(me, currents_closed, reference: str, terminals=None, *, T=None) -> sp.Matrix:
    r"""Independent route: ``L_ij = dJ_i/dX_j`` of the closed-form (matrix-tree) currents at equilibrium.

    Uses the chain rule through the rates: ``dk/dX = gamma f'(x) dx/dX`` with ``x = (dE - dN mu)/T_res``, i.e.
    ``dx/dX^mu = -dN``, ``dx/dX^T = -dE``; ``f' = -f(1-f)``. Heat and energy currents agree to first order
    (``mu I^N`` is second order).

    Parameters
    ----------
    me : MasterEquation
        The model.
    currents_closed : mapping
        ``"IN_<res>"`` / ``"IE_<res>"`` -> closed-form expressions in the rate symbols ``k_<res>_<from>_<to>``
        (e.g. ``SymbolicThermocouple.current(name, "rates")``).
    reference : str
        Reference reservoir.
    terminals : sequence of str, optional
        Driven reservoirs (default all but ``reference``).
    T : sympy.Symbol, optional
        Equilibrium temperature.

    Returns
    -------
    sympy.Matrix
        In the ``fermi``/Boltzmann representation at the equilibrium point (``rate_values`` substituted after
        differentiation), in the ordering of :func:`onsager_matrix`.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> import sympy as sp
    >>> from symqd.currents import currents
    >>> from symqd.graph import steady_state
    >>> c = currents(me, steady_state(me).probabilities())
    >>> Ld = onsager_by_differentiation(me, {"IN_R": c.IN["R"], "IE_R": c.IE["R"]}, "L")
    >>> diff = Ld - onsager_matrix(me, "L").physical()
    >>> diff.applyfunc(lambda x: sp.simplify(x.rewrite(sp.exp))) == sp.zeros(2, 2)
    True
    """
    T, eq = equilibrium_point(me, T)
    terminals, eonly, cur, frc, slots = _labels(me, reference, terminals)
    _, _, rate_values = _edges(me, T, slots, len(frc))
    rates = me.physical_rates()
    dk = {}
    for t in me.transitions:
        part = me.part(t.reservoir)
        eq = part.equilibrium_substitution(T)
        v = [sp.S.Zero] * len(frc)
        # X^mu = d mu / T and X^T = d T / T**2: dk/dX^mu = T dk/dmu, dk/dX^T = T**2 dk/dT (at equilibrium)
        if (t.reservoir, "mu") in slots:
            v[slots[(t.reservoir, "mu")]] = sum((T * sp.diff(rates[t.symbol], m)).xreplace(eq)
                                                for m in part.mu.free_symbols)
        if (t.reservoir, "T") in slots:
            v[slots[(t.reservoir, "T")]] = sum((T**2 * sp.diff(rates[t.symbol], x)).xreplace(eq)
                                               for x in part.temperature.free_symbols)
        dk[t.symbol] = v
    out = sp.zeros(len(cur), len(frc))
    for i, lab in enumerate(cur):
        name = lab if lab.startswith("IN_") else "IE_" + lab[2:]
        expr = currents_closed[name]
        for k, v in dk.items():
            if all(c == 0 for c in v):
                continue
            g = sp.diff(expr, k).xreplace(rate_values)
            for j in range(len(frc)):
                if v[j] != 0:
                    out[i, j] += g * v[j]
    return out
