"""Graph theory of the master equation: matrix-tree steady states and Schnakenberg cycles.

**Matrix-tree theorem** (Kirchhoff; King-Altman; Hill's diagram method). For a master equation whose graph has
undirected edges ``{i, j}`` (with rates ``w(i -> j)`` and ``w(j -> i)``), the steady state is

    p_s = N_s / sum_r N_r,    N_s = sum over spanning trees T of prod_{v != s} w(v -> parent_T,s(v)),

where ``parent_T,s(v)`` is the neighbour of ``v`` on the tree path to ``s`` (the tree directed into ``s``). Every term
is a product of positive rates: no cancellation, no symbolic Gaussian elimination. The undirected spanning trees
are enumerated once and re-oriented for every root.

Enumeration grows like the number of spanning trees (384 for the 3-cube of the triple dot, 4.2e7 for the
4-cube); :func:`steady_state` switches to symbolic state elimination (:func:`elimination_numerators`, a
subtraction-free Schur-complement route of O(n^3) operations) above ``max_trees``.

**Schnakenberg cycles.** Choose a spanning tree; every other edge (a chord ``i -> j``) closes one fundamental cycle.
The net current on every edge is the signed sum of the chord currents of the fundamental cycles through it, so the
chord currents are the cycle fluxes ``Phi_c`` (used for paper 1 Eq. (11)-(13)).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

__all__ = [
    "spanning_trees",
    "count_spanning_trees",
    "tree_numerators",
    "elimination_program",
    "elimination_numerators",
    "run_program",
    "prove_stationary",
    "SteadyState",
    "steady_state",
    "fundamental_cycles",
    "Cycle",
    "MultiCycle",
    "cycle_basis",
    "prove_cycle_entropy_production",
    "prove_program_stationary",
]


def spanning_trees(n: int, edges: list) -> list:
    r"""All spanning trees of the undirected graph on ``range(n)`` with ``edges`` (list of ``(i, j)``).

    Backtracking with component labels; pruned when too few edges remain.

    Parameters
    ----------
    n : int
        Number of nodes (states).
    edges : list of (int, int)
        Undirected edges.

    Returns
    -------
    list of tuple of int
        Each tree as a tuple of ``n - 1`` edge indices.

    Examples
    --------
    >>> spanning_trees(3, [(0, 1), (1, 2), (0, 2)])
    [(0, 1), (0, 2), (1, 2)]
    """
    m = len(edges)
    comp = list(range(n))
    out: list = []
    chosen: list = []

    def rec(k: int) -> None:
        if len(chosen) == n - 1:
            out.append(tuple(chosen))
            return
        if m - k < n - 1 - len(chosen):
            return
        i, j = edges[k]
        ci, cj = comp[i], comp[j]
        if ci != cj:
            saved = comp[:]
            for v in range(n):
                if comp[v] == cj:
                    comp[v] = ci
            chosen.append(k)
            rec(k + 1)
            chosen.pop()
            comp[:] = saved
        rec(k + 1)

    if n == 1:
        return [()]
    rec(0)
    return out


def count_spanning_trees(n: int, edges: list) -> int:
    r"""Number of spanning trees (Kirchhoff: any cofactor of the unit-weight Laplacian), exact integer.

    Parameters
    ----------
    n : int
        Number of nodes.
    edges : list of (int, int)
        Undirected edges.

    Returns
    -------
    int

    Examples
    --------
    >>> cube = [(i, i ^ b) for i in range(8) for b in (1, 2, 4) if i < i ^ b]
    >>> count_spanning_trees(8, cube)
    384
    """
    if n == 1:
        return 1
    Lap = sp.zeros(n, n)
    for i, j in edges:
        Lap[i, i] += 1
        Lap[j, j] += 1
        Lap[i, j] -= 1
        Lap[j, i] -= 1
    return int(Lap[1:, 1:].det(method="bareiss"))


def _orient(n: int, tree_edges: list, root: int) -> list:
    """For a tree given as ``(i, j)`` pairs, return ``(v, parent)`` pairs of the tree directed into ``root``."""
    adj: dict = {v: [] for v in range(n)}
    for i, j in tree_edges:
        adj[i].append(j)
        adj[j].append(i)
    out, stack, seen = [], [root], {root}
    while stack:
        u = stack.pop()
        for v in adj[u]:
            if v not in seen:
                seen.add(v)
                out.append((v, u))
                stack.append(v)
    return out


def tree_numerators(n: int, edges: list, weight) -> list:
    r"""``N_s`` for every state ``s`` as sums over spanning trees; ``weight(i, j)`` is the rate ``i -> j``.

    The steady state is ``p_s = N_s / sum_r N_r`` (matrix-tree theorem, see the module docstring).

    Parameters
    ----------
    n : int
        Number of states.
    edges : list of (int, int)
        Undirected edges.
    weight : callable
        ``weight(i, j)`` -> rate ``i -> j`` (sympy expression).

    Returns
    -------
    list of sympy expression
        One numerator per state, a sum of products of rates.

    Examples
    --------
    >>> import sympy as sp
    >>> w = lambda i, j: sp.Symbol(f"w{i}{j}", positive=True)
    >>> edges = [(0, 1), (1, 2), (0, 2)]
    >>> tree_numerators(3, edges, w)[0]
    w10*w20 + w10*w21 + w12*w20
    """
    trees = spanning_trees(n, edges)
    w = {}
    for i, j in edges:
        w[(i, j)] = weight(i, j)
        w[(j, i)] = weight(j, i)
    nums = []
    for s in range(n):
        terms = []
        for T in trees:
            terms.append(sp.Mul(*[w[vp] for vp in _orient(n, [edges[k] for k in T], s)]))
        nums.append(sp.Add(*terms))
    return nums


def elimination_program(
    n: int, edges: list, weight, *, nested: bool = False, normalize: bool = False, guard=None
) -> tuple:
    r"""State elimination (Grassmann-Taksar-Heyman) as a straight-line program.

    Eliminating state ``k`` (from the last down to state 1) replaces every rate ``i -> j`` among the remaining
    states by ``w(i->j) + w(i->k) w(k->j) / S_k`` with ``S_k = sum_{j<k} w(k->j)`` — the stochastic complement
    (Schur complement of the rate matrix). No subtraction occurs, so every intermediate is a positive combination
    and the result is numerically stable. Back-substitution gives ``pi_0 = 1``,
    ``pi_k = sum_{i<k} pi_i w(i->k) / S_k``, proportional to the steady state. ``O(n^3)`` operations, so it
    scales where tree enumeration cannot; ``lambdify`` compiles it directly (no ``cse`` pass).

    Parameters
    ----------
    n : int
        Number of states.
    edges : list of (int, int)
        Undirected edges.
    weight : callable
        ``weight(i, j)`` -> rate ``i -> j``.
    nested : bool, optional
        If True no intermediate symbols are introduced (``assignments`` is empty and ``pis`` are nested
        expressions sharing subexpressions).
    normalize : bool, optional
        If True the partial vector ``pi_0..pi_k`` is rescaled to unit sum after every back-substitution step
        (still exact; keeps floating-point values bounded when rates span hundreds of decades) and the returned
        ``pis`` sum to one.
    guard : sympy function, optional
        Identity in exact arithmetic, wraps every exit-rate sum ``S_k``; the numeric layer maps it to a floor
        against underflow.

    Returns
    -------
    assignments : list of (sympy.Symbol, sympy expression)
        In evaluation order; each expression uses the rates and earlier symbols only.
    pis : list of sympy expression
        The ``n`` unnormalized probabilities in those symbols.

    Examples
    --------
    >>> import sympy as sp
    >>> w = lambda i, j: sp.Symbol(f"w{i}{j}", positive=True)
    >>> edges = [(0, 1), (1, 2), (0, 2)]
    >>> prog, pis = elimination_program(3, edges, w)
    >>> len(prog), pis[0]
    (5, 1)
    >>> vals = {w(i, j): sp.Integer(1 + i + 2 * j) for i in range(3) for j in range(3) if i != j}
    >>> N = tree_numerators(3, edges, w)
    >>> [x / run_program(prog, pis, vals)[0] for x in run_program(prog, pis, vals)] == [
    ...     (x / N[0]).xreplace(vals) for x in N]
    True
    """
    Q: dict = {}
    for i, j in edges:
        Q[(i, j)] = weight(i, j)
        Q[(j, i)] = weight(j, i)
    program: list = []
    S, col = {}, {}

    def define(name, expr):
        if nested or expr.is_Atom:
            return expr
        sym = sp.Symbol(name, positive=True)
        program.append((sym, expr))
        return sym

    for k in range(n - 1, 0, -1):
        exit_sum = sp.Add(*[Q[(k, j)] for j in range(k) if (k, j) in Q])
        S[k] = define(f"_S{k}", guard(exit_sum) if guard is not None else exit_sum)
        col[k] = {i: Q[(i, k)] for i in range(k) if (i, k) in Q}
        for i in col[k]:
            for j in range(k):
                if j != i and (k, j) in Q:
                    Q[(i, j)] = define(f"_q{k}_{i}_{j}", Q.get((i, j), sp.S.Zero) + Q[(i, k)] * Q[(k, j)] / S[k])
    pis = [sp.S.One]
    for k in range(1, n):
        pis.append(define(f"_pi{k}", sp.Add(*[pis[i] * w for i, w in col[k].items()]) / S[k]))
        if normalize:
            c = define(f"_c{k}", sp.Add(*pis))
            pis = [define(f"_p{k}_{i}", x / c) for i, x in enumerate(pis)]
    return program, pis


def run_program(program: list, outputs: list, values: dict) -> list:
    r"""Evaluate a straight-line program (from :func:`elimination_program`) exactly at ``values`` (symbol -> number).

    Parameters
    ----------
    program : list of (sympy.Symbol, sympy expression)
        The assignments, in evaluation order.
    outputs : list of sympy expression
        Expressions in the program's symbols to return.
    values : dict
        Rate symbol -> number (exact rationals give exact results).

    Returns
    -------
    list of sympy expression
        ``outputs`` evaluated.

    Examples
    --------
    >>> import sympy as sp
    >>> w = lambda i, j: sp.Symbol(f"w{i}{j}", positive=True)
    >>> edges = [(0, 1), (1, 2), (0, 2)]
    >>> prog, pis = elimination_program(3, edges, w, normalize=True)
    >>> out = run_program(prog, pis, {w(i, j): sp.Integer(1) for i in range(3) for j in range(3) if i != j})
    >>> out
    [1/3, 1/3, 1/3]
    """
    env = dict(values)
    for sym, expr in program:
        env[sym] = expr.xreplace(env)
    return [sp.sympify(o).xreplace(env) for o in outputs]


def elimination_numerators(n: int, edges: list, weight) -> list:
    r"""The unnormalized steady state of :func:`elimination_program` as nested sympy expressions.

    The expressions share subexpressions (a DAG) and are proportional to :func:`tree_numerators`.

    Parameters
    ----------
    n : int
        Number of states.
    edges : list of (int, int)
        Undirected edges.
    weight : callable
        ``weight(i, j)`` -> rate ``i -> j``.

    Returns
    -------
    list of sympy expression
        ``pi_0 = 1`` and the nested ``pi_k``.

    Examples
    --------
    >>> import sympy as sp
    >>> a, b = sp.symbols("a b", positive=True)
    >>> elimination_numerators(2, [(0, 1)], lambda i, j: a if i == 0 else b)
    [1, a/b]
    """
    return elimination_program(n, edges, weight, nested=True)[1]


def prove_stationary(W: sp.Matrix, numerators, symbols) -> bool:
    r"""Exact proof that ``W N = 0`` for polynomial numerators ``N`` (sparse polynomial arithmetic over ZZ).

    This is the matrix-tree theorem checked for the model at hand: each component of ``W N`` expands to the zero
    polynomial in the rate symbols. Sub-second for the 8-state triple dot (2304 monomials per numerator).

    Parameters
    ----------
    W : sympy.Matrix
        Rate matrix in rate symbols (:meth:`~symqd.master.MasterEquation.rate_matrix`).
    numerators : sequence of sympy expression
        Polynomial numerators ``N_s``.
    symbols : sequence of sympy.Symbol
        The rate symbols (generators of the polynomial ring).

    Returns
    -------
    bool
        True iff ``W N`` is identically zero.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> ss = steady_state(me)
    >>> prove_stationary(me.rate_matrix(), ss.numerators, me.rate_symbols)
    True
    """
    from sympy.polys.rings import ring

    R, *_ = ring(tuple(symbols), sp.ZZ)
    # sympy's sparse ring converts the factored numerators (products of sums of rates) efficiently; a polynomial
    # of R is a dict {exponent tuple: integer}
    N = [R(sp.expand(x)) if not x.is_Add else R(x) for x in numerators]
    n = W.shape[0]
    rows = [[(j, R(W[i, j])) for j in range(n) if W[i, j] != 0] for i in range(n)]
    # the products W_ij N_j on monomials packed into one integer each (a bit field per rate symbol, wide enough
    # that no product carries): one integer addition per monomial product (about 5x faster than ring products)
    top = max([e for poly in N for mono in poly for e in mono] + [e for row in rows for _, poly in row
                                                                  for mono in poly for e in mono] + [1])
    bits = (2 * top).bit_length() + 1

    def pack(mono):
        key = 0
        for k, e in enumerate(mono):
            key |= e << (bits * k)
        return key

    packed = [{pack(m): int(c) for m, c in poly.items()} for poly in N]
    for row in rows:
        acc: dict = {}
        get = acc.get
        for j, poly in row:
            for wm, wc in poly.items():
                wk, wc = pack(wm), int(wc)
                for nk, nc in packed[j].items():
                    k = nk + wk
                    acc[k] = get(k, 0) + wc * nc
        if any(acc.values()):
            return False
    return True


@dataclass(frozen=True)
class SteadyState:
    r"""Closed-form steady state ``p_s = numerators[s] / normalization`` (all terms positive).

    ``numerators`` are in the master equation's rate symbols; substitute physical rates late with
    :meth:`substitute`.

    Parameters
    ----------
    states : tuple of tuple of int
        Occupation states, in the master equation's order.
    numerators : tuple of sympy expression
        ``N_s``, one per state.
    method : str
        ``"trees"`` or ``"elimination"`` (how the numerators were obtained).

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> ss = steady_state(me)
    >>> ss.method, ss.numerators
    ('trees', (k_L_1_0 + k_R_1_0, k_L_0_1 + k_R_0_1))
    """

    states: tuple
    numerators: tuple
    method: str

    @cached_property
    def normalization(self) -> sp.Expr:
        r"""``D = sum_s N_s`` (the common denominator of the probabilities).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> steady_state(me).normalization
        k_L_0_1 + k_L_1_0 + k_R_0_1 + k_R_1_0
        """
        return sp.Add(*self.numerators)

    def probability(self, state) -> sp.Expr:
        r"""``p_state = N_state / D``.

        Parameters
        ----------
        state : tuple of int
            An occupation state.

        Returns
        -------
        sympy expression

        Raises
        ------
        ValueError
            If ``state`` is not a state of the model.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> steady_state(me).probability((1,))
        (k_L_0_1 + k_R_0_1)/(k_L_0_1 + k_L_1_0 + k_R_0_1 + k_R_1_0)
        """
        return self.numerators[self.states.index(tuple(state))] / self.normalization

    def probabilities(self) -> dict:
        r"""All probabilities, state -> ``N_s / D``.

        Returns
        -------
        dict of tuple to sympy expression

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> p = steady_state(me).probabilities()
        >>> sp.simplify(sum(p.values()))
        1
        """
        Z = self.normalization
        return {s: N / Z for s, N in zip(self.states, self.numerators)}

    def substitute(self, mapping) -> "SteadyState":
        r"""A new :class:`SteadyState` with ``mapping`` substituted into the numerators (e.g. physical rates).

        Parameters
        ----------
        mapping : dict
            Symbol -> expression, applied with ``xreplace``.

        Returns
        -------
        SteadyState

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> steady_state(me).substitute({s: 1 for s in me.rate_symbols}).numerators
        (2, 2)
        """
        return SteadyState(self.states, tuple(N.xreplace(mapping) for N in self.numerators), self.method)


def steady_state(me, *, method: str = "auto", max_trees: int = 20000) -> SteadyState:
    r"""Closed-form steady state of a :class:`~symqd.master.MasterEquation` in rate symbols (paper 1 Eq. (2)-(3)).

    Parameters
    ----------
    me : MasterEquation
        The master equation.
    method : {"auto", "trees", "elimination"}, optional
        ``"trees"`` (spanning-tree enumeration, products of edge-rate sums kept factored), ``"elimination"``
        (state elimination, nested but compact: :func:`elimination_numerators`), or ``"auto"`` (trees if the
        graph has at most ``max_trees`` spanning trees, else elimination).
    max_trees : int, optional
        Threshold of ``"auto"``.

    Returns
    -------
    SteadyState

    Raises
    ------
    ValueError
        If ``method`` is not one of the three.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> steady_state(me).probability((0,))
    (k_L_1_0 + k_R_1_0)/(k_L_0_1 + k_L_1_0 + k_R_0_1 + k_R_1_0)
    >>> steady_state(me, method="exact")
    Traceback (most recent call last):
    ...
    ValueError: method must be 'auto', 'trees' or 'elimination', got 'exact'
    """
    edges = sorted(me.edges)
    if method == "auto":
        method = "trees" if count_spanning_trees(me.n, edges) <= max_trees else "elimination"
    if method == "trees":
        nums = tree_numerators(me.n, edges, me.edge_weight)
    elif method == "elimination":
        nums = elimination_numerators(me.n, edges, me.edge_weight)
    else:
        raise ValueError(f"method must be 'auto', 'trees' or 'elimination', got {method!r}")
    return SteadyState(tuple(me.states), tuple(nums), method)


@dataclass(frozen=True)
class Cycle:
    r"""A fundamental cycle: the chord ``chord = (i, j)`` followed by the tree path ``j -> ... -> i``.

    ``steps`` is the closed list of directed steps ``(a, b)``; its net current is the chord current
    ``w(i->j) p_i - w(j->i) p_j``.

    Parameters
    ----------
    chord : (int, int)
        The chord (an edge not in the spanning tree).
    steps : tuple of (int, int)
        Directed steps around the cycle, the chord first.

    Examples
    --------
    >>> fundamental_cycles(3, [(0, 1), (1, 2), (0, 2)])
    [Cycle(chord=(0, 2), steps=((0, 2), (2, 1), (1, 0)))]
    """

    chord: tuple
    steps: tuple

    def orientation(self, i: int, j: int) -> int:
        r"""+1 if the cycle traverses ``i -> j``, -1 if ``j -> i``, 0 otherwise.

        Parameters
        ----------
        i, j : int
            An edge's end states.

        Returns
        -------
        int

        Examples
        --------
        >>> c = fundamental_cycles(3, [(0, 1), (1, 2), (0, 2)])[0]
        >>> c.orientation(1, 0), c.orientation(0, 1)
        (1, -1)
        """
        if (i, j) in self.steps:
            return 1
        if (j, i) in self.steps:
            return -1
        return 0


def fundamental_cycles(n: int, edges: list, tree: list | None = None) -> list:
    r"""Fundamental cycles of the graph for a spanning tree, one :class:`Cycle` per chord.

    Parameters
    ----------
    n : int
        Number of nodes.
    edges : list of (int, int)
        Undirected edges.
    tree : list of int, optional
        Edge indices of the spanning tree (default: the first tree found by a search that prefers edges in the
        given order).

    Returns
    -------
    list of Cycle

    Examples
    --------
    >>> [c.chord for c in fundamental_cycles(4, [(0, 1), (1, 2), (2, 3), (0, 3), (0, 2)])]
    [(0, 3), (0, 2)]
    """
    if tree is None:
        comp = list(range(n))
        tree = []
        for k, (i, j) in enumerate(edges):
            if comp[i] != comp[j]:
                old = comp[j]
                comp[:] = [comp[i] if c == old else c for c in comp]
                tree.append(k)
    tree_edges = [edges[k] for k in tree]
    cycles = []
    for k, (i, j) in enumerate(edges):
        if k in tree:
            continue
        # tree path from j back to i
        parent = dict(_orient(n, tree_edges, i))
        path, v = [], j
        while v != i:
            path.append((v, parent[v]))
            v = parent[v]
        cycles.append(Cycle((i, j), ((i, j), *path)))
    return cycles


# -- Schnakenberg / Hill cycles on the multigraph (any model) -------------------------------------------------------
@dataclass(frozen=True)
class MultiCycle:
    r"""A fundamental cycle of the transition multigraph (built by :func:`cycle_basis`).

    Parallel transitions through different leads or baths are different edges (so a cycle may run ``s -> t``
    through lead L and back ``t -> s`` through lead R).

    Parameters
    ----------
    chord : int
        Index (into ``me.multi_edges``) of the chord that closes the cycle.
    steps : tuple of :class:`~symqd.baths.Transition`
        The transitions in traversal order (the chord first, in its forward direction).
    reverse : tuple of :class:`~symqd.baths.Transition`
        The reverse transitions, step by step.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> c = cycle_basis(me)[0]
    >>> c.chord, [t.symbol for t in c.steps], [t.symbol for t in c.reverse]
    (1, [k_R_0_1, k_L_1_0], [k_R_1_0, k_L_0_1])
    """

    chord: int
    steps: tuple
    reverse: tuple

    def affinity(self, me) -> sp.Expr:
        r"""Cycle affinity ``A_c = sum_steps ln(k_forward/k_backward) = -sum_steps (dE - dN mu)/T``.

        Follows from local detailed balance of every lead and bath (Schnakenberg, Rev. Mod. Phys. 48, 571
        (1976)).

        Parameters
        ----------
        me : MasterEquation
            The master equation the cycle belongs to (for the couplings' temperatures and potentials).

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> T = {me.part("L").temperature: 1, me.part("R").temperature: 1}
        >>> sp.simplify(cycle_basis(me)[0].affinity(me).subs(T))
        -mu_L + mu_R
        """
        return sp.together(sp.expand(sp.Add(*[me.part(t.reservoir).affinity(t) for t in self.steps])))

    def rate_affinity(self) -> sp.Expr:
        r"""``ln(prod k_forward / prod k_backward)`` in rate symbols (equal to :meth:`affinity` for physical rates).

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> cycle_basis(me)[0].rate_affinity()
        -log(k_L_0_1*k_R_1_0) + log(k_L_1_0*k_R_0_1)
        """
        return sp.log(sp.Mul(*[t.symbol for t in self.steps])) - sp.log(sp.Mul(*[t.symbol for t in self.reverse]))

    def flux(self, p) -> sp.Expr:
        r"""Cycle flux ``F_c``: the net current on the chord, ``k_f p_source - k_b p_target``.

        Parameters
        ----------
        p : mapping
            State -> probability (symbols ``p_<state>`` or closed forms).

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> cycle_basis(me)[0].flux({(0,): sp.Symbol("p_0"), (1,): sp.Symbol("p_1")})
        k_R_0_1*p_0 - k_R_1_0*p_1
        """
        f, b = self.steps[0], self.reverse[0]
        return f.symbol * p[f.source] - b.symbol * p[b.source]

    def counts(self, reservoir: str, kind: str = "N") -> sp.Expr:
        r"""Particles (``kind="N"``) or energy (``"E"``) taken from ``reservoir`` in one turn of the cycle.

        Parameters
        ----------
        reservoir : str
            Lead or bath name.
        kind : {"N", "E"}, optional
            Particle number or energy.

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> c = cycle_basis(me)[0]
        >>> c.counts("R"), c.counts("L"), c.counts("R", "E")
        (1, -1, eps_D)
        """
        attr = "dN" if kind == "N" else "dE"
        return sp.Add(*[getattr(t, attr) for t in self.steps if t.reservoir == reservoir])


def cycle_basis(me) -> list:
    r"""Fundamental cycles of ``me``'s transition multigraph (every lead/bath transition pair is its own edge).

    A spanning tree is grown over ``me.multi_edges`` in order; each remaining edge (chord) closes one cycle. With
    ``F_c`` the chord currents, every edge current is ``j_e = sum_c F_c C_ce`` (Kirchhoff's current law in the
    steady state), hence every current is a sum of cycle fluxes, and the entropy production is
    ``dS/dt = sum_c F_c A_c`` (Schnakenberg; paper 1 Eqs. (11)-(13)) — proven by
    :func:`prove_cycle_entropy_production`.

    Parameters
    ----------
    me : MasterEquation
        The master equation.

    Returns
    -------
    list of :class:`MultiCycle`

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> [[(t.reservoir, t.source, t.target) for t in c.steps] for c in cycle_basis(me)]
    [[('R', (0,), (1,)), ('L', (1,), (0,))]]
    """
    n = me.n
    medges = list(me.multi_edges)
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    tree, chords = [], []
    for k, ((i, j), _, _, _) in enumerate(medges):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            tree.append(k)
        else:
            chords.append(k)
    adj: dict = {v: [] for v in range(n)}
    for k in tree:
        (i, j), _, fwd, back = medges[k]
        adj[i].append((j, fwd, back))  # i -> j is fwd (i < j)
        adj[j].append((i, back, fwd))
    out = []
    for k in chords:
        (i, j), _, fwd, back = medges[k]
        # tree path from j back to i: BFS from i recording the transition used to reach each node
        prev = {i: None}
        queue = [i]
        while queue:
            u = queue.pop(0)
            for v, t_uv, t_vu in adj[u]:
                if v not in prev:
                    prev[v] = (u, t_uv, t_vu)
                    queue.append(v)
        path_fwd, path_back = [], []
        v = j
        while v != i:
            u, t_uv, t_vu = prev[v]
            path_fwd.append(t_vu)  # we traverse v -> u
            path_back.append(t_uv)
            v = u
        out.append(MultiCycle(k, (fwd, *path_fwd), (back, *path_back)))
    return out


def prove_cycle_entropy_production(me, *, points: int = 2, seed: int = 0) -> bool:
    r"""Prove exactly that the entropy production and every current are sums over the cycle basis, at any bias.

    Checked at random rational points: ``sum_c F_c A_c = dS/dt = -sum_alpha J_alpha/T_alpha`` and every
    particle/energy current is the cycle sum ``I_alpha = sum_c F_c n_alpha(c)``.

    Rates are independent random rationals (the identities are linear algebra on the steady state, they do not need
    physical rates); energies, potentials and temperatures are random rationals too, so the cycle affinities
    ``-sum (dE - dN mu)/T`` are exact. The steady state is the exact tree/elimination closed form at those rates.

    Parameters
    ----------
    me : MasterEquation
        The master equation.
    points : int, optional
        Number of random points.
    seed : int, optional
        Seed of the random points.

    Returns
    -------
    bool
        True iff both identities hold exactly at every point.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> prove_cycle_entropy_production(me)
    True
    """
    import random

    from symqd.currents import currents

    rng = random.Random(seed)
    cycles = cycle_basis(me)
    prog, pis = elimination_program(me.n, sorted(me.edges), me.edge_weight)
    params = set()
    for t in me.transitions:
        params |= sp.sympify(t.dE).free_symbols
    for r in me.system.reservoirs:
        params |= r.temperature.free_symbols | r.mu.free_symbols
    for _ in range(points):
        kv = {k: sp.Rational(rng.randint(1, 999), rng.randint(1, 999)) for k in me.rate_symbols}
        pv = {s: sp.Rational(rng.randint(1, 999), rng.randint(1, 999)) * (1 if s.is_positive else rng.choice((-1, 1)))
              for s in params}
        N = run_program(prog, pis, kv)
        Z = sp.Add(*N)
        p = {s: x / Z for s, x in zip(me.states, N)}
        c = currents(me, p)
        env = {**kv, **pv}
        dS = sp.sympify(c.entropy_production).xreplace(env)
        cyc = sp.Add(*[cy.flux(p).xreplace(kv) * cy.affinity(me).xreplace(pv) for cy in cycles])
        if dS - cyc != 0:
            return False
        for r in me.system.reservoirs:
            for kind, table in (("N", c.IN), ("E", c.IE)):
                lhs = sp.sympify(table[r.name]).xreplace(env)
                rhs = sp.Add(*[cy.flux(p).xreplace(kv) * cy.counts(r.name, kind).xreplace(pv) for cy in cycles])
                if lhs - rhs != 0:
                    return False
    return True


#: a 61-bit Mersenne prime for modular identity checks
MODULUS = 2**61 - 1


def _eval_mod(expr, env: dict, p: int) -> int:
    """Evaluate a rational sympy expression modulo the prime ``p`` (``env``: symbol -> residue)."""
    if expr.is_Symbol:
        return env[expr]
    if expr.is_Integer:
        return int(expr) % p
    if expr.is_Rational:
        return int(expr.p) * pow(int(expr.q), -1, p) % p
    if expr.is_Add:
        return sum(_eval_mod(a, env, p) for a in expr.args) % p
    if expr.is_Mul:
        out = 1
        for a in expr.args:
            out = out * _eval_mod(a, env, p) % p
        return out
    if expr.is_Pow and expr.exp.is_Integer:
        base = _eval_mod(expr.base, env, p)
        e = int(expr.exp)
        return pow(base, e, p) if e >= 0 else pow(pow(base, -1, p), -e, p)
    if isinstance(expr, sp.Function) and len(expr.args) == 1 and type(expr).__name__ == "exit_rate_guard":
        return _eval_mod(expr.args[0], env, p)
    raise ValueError(f"cannot evaluate {type(expr).__name__} modulo p (only rational expressions)")


def prove_program_stationary(me, program=None, pis=None, *, points: int = 3, seed: int = 0,
                             modulus: int = MODULUS) -> bool:
    r"""Check exactly that an elimination program's steady state satisfies ``W pi = 0``.

    At random points modulo a 61-bit prime (Schwartz-Zippel: a false pass has probability ~ deg/2^61 per
    point).

    Works for models far past tree enumeration (16, 32 states): rational arithmetic would blow up, residues do
    not.

    Parameters
    ----------
    me : MasterEquation
        The master equation.
    program, pis : optional
        An elimination program and its outputs (default :func:`elimination_program` of ``me``).
    points : int, optional
        Number of random points.
    seed : int, optional
        Seed of the random points.
    modulus : int, optional
        The prime (default :data:`MODULUS` ``= 2**61 - 1``).

    Returns
    -------
    bool

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["A", "B"], {("A", "B"): None},
    ...                     [Reservoir("L", "A"), Reservoir("R", "B")]))
    >>> prove_program_stationary(me)
    True
    """
    import random

    if program is None:
        program, pis = elimination_program(me.n, sorted(me.edges), me.edge_weight)
    rng = random.Random(seed)
    idx = me.index
    for _ in range(points):
        env = {k: rng.randrange(1, modulus) for k in me.rate_symbols}
        for sym, expr in program:
            env[sym] = _eval_mod(expr, env, modulus)
        pi = [_eval_mod(sp.sympify(x), env, modulus) for x in pis]
        Wpi = [0] * me.n
        for t in me.transitions:
            k = env[t.symbol]
            s, u = idx[t.source], idx[t.target]
            Wpi[u] = (Wpi[u] + k * pi[s]) % modulus
            Wpi[s] = (Wpi[s] - k * pi[s]) % modulus
        if any(Wpi) or not any(pi):
            return False
    return True
