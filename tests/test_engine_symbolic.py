"""The symbolic engine: model description, matrix-tree steady states, elimination, cycles, conservation laws.

The proofs on the generic 8-state triple dot with probe (matrix-tree theorem, elimination form, conservation laws)
are checks of the derivation ``engine_generic``, run by ``tests/test_derivations.py``; here: other models, other
points and the negative controls.
"""

import random

import pytest
import sympy as sp

from symqd.currents import currents
from symqd.graph import (
    count_spanning_trees,
    elimination_program,
    fundamental_cycles,
    prove_stationary,
    run_program,
    spanning_trees,
    steady_state,
)
from symqd.master import MasterEquation
from symqd.system import Reservoir, System


def two_dots():
    """Two interacting dots, each with its own pair of reservoirs, R couplings depending on the other dot."""
    return System.build(
        ["A", "B"],
        {("A", "B"): None},
        [
            Reservoir("L", "A", mu=0),
            Reservoir("R", "A", depends_on=("B",)),
            Reservoir("H", "B", mu=0),
        ],
    )


def rational_point(symbols, rng):
    return {s: sp.Rational(rng.randint(1, 89), rng.randint(1, 89)) for s in symbols}


# -- model description -------------------------------------------------------------------------------------------
def test_interactions_counted_once_per_pair_and_infinite_interaction_excludes_states():
    s = System.build(["M", "H", "C"], {("M", "H"): None, ("M", "C"): None, ("H", "C"): sp.oo})
    assert len(s.states()) == 6 and (0, 1, 1) not in s.states()
    U_MH = sp.Symbol("U_MH", nonnegative=True)
    eps = [d.level for d in s.dots]
    assert s.energy((1, 1, 0)) == eps[0] + eps[1] + U_MH


def test_several_reservoirs_on_one_dot_give_parallel_transitions():
    me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D"), Reservoir("P", "D")]))
    assert len(me.transitions) == 6 and len(me.edges) == 1


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: System.build(["A"], {}, [Reservoir("L", "B")]), "non-existent dot 'B'"),
        (lambda: System.build(["A", "B"], {("A", "B"): 1, ("B", "A"): 2}), "counted once"),
        (lambda: System.build(["A"], {("A", "Z"): 1}), "non-existent dot 'Z'"),
        (lambda: Reservoir("L", "A", depends_on=("B",), coupling={(0,): 1}), r"misses occupation"),
        (lambda: Reservoir("L", "A", depends_on=("A",)), "its own dot"),
        (lambda: System.build(["A", "A"]), "duplicate dot"),
    ],
)
def test_bad_model_descriptions_raise_value_errors_naming_the_problem(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_transition_rates_follow_eq4_for_both_directions():
    s = System.build(["D"], {}, [Reservoir("R", "D")])
    me = MasterEquation(s)
    rates = me.physical_rates()
    into, out = me.transitions
    assert into.dN == 1 and out.dN == -1
    eps, mu, T = s.dots[0].level, s.reservoirs[0].mu, s.reservoirs[0].temperature
    x = (eps - mu) / T
    # in: gamma f(x), out: gamma (1 - f(x))
    assert sp.simplify(rates[into.symbol].rewrite(sp.exp) - s.reservoirs[0].coupling / (sp.exp(x) + 1)) == 0
    assert sp.simplify(rates[out.symbol].rewrite(sp.exp) - s.reservoirs[0].coupling * (1 - 1 / (sp.exp(x) + 1))) == 0


# -- steady state ----------------------------------------------------------------------------------------------
def test_tree_steady_state_equals_sympy_linear_solve_on_four_state_model():
    me = MasterEquation(two_dots())
    ss = steady_state(me, method="trees")
    W = me.rate_matrix()
    p = sp.symbols("q0:%d" % me.n)
    eqs = list(W * sp.Matrix(p))[:-1] + [sum(p) - 1]
    sol = sp.solve(eqs, p, dict=True)[0]
    for i, s in enumerate(me.states):
        assert sp.cancel(sol[p[i]] - ss.probability(s)) == 0


def test_ring_proof_detects_a_wrong_numerator(triple_dot_6):
    ss = steady_state(triple_dot_6, method="trees")
    bad = list(ss.numerators)
    bad[2] = bad[2] + triple_dot_6.rate_symbols[0] ** 5
    assert not prove_stationary(triple_dot_6.rate_matrix(), bad, triple_dot_6.rate_symbols)


def test_spanning_tree_enumeration_matches_kirchhoff_count():
    cube = [(i, j) for i in range(8) for j in range(i + 1, 8) if bin(i ^ j).count("1") == 1]
    assert len(spanning_trees(8, cube)) == count_spanning_trees(8, cube) == 384
    hyper = [(i, j) for i in range(16) for j in range(i + 1, 16) if bin(i ^ j).count("1") == 1]
    assert count_spanning_trees(16, hyper) == 42467328


def test_elimination_form_equals_tree_form_at_exact_rational_points_six_state(triple_dot_6):
    """The 6-state model (the 8-state model with probe is check #5 of the derivation engine_generic)."""
    me = triple_dot_6
    ss = steady_state(me, method="trees")
    program, pis = elimination_program(me.n, sorted(me.edges), me.edge_weight)
    rng = random.Random(7)
    for _ in range(2):
        pt = rational_point(me.rate_symbols, rng)
        e = run_program(program, pis, pt)
        t = [N.xreplace(pt) for N in ss.numerators]
        assert [x / sum(e) for x in e] == [x / sum(t) for x in t]


def test_auto_method_uses_elimination_beyond_tree_enumeration_and_is_stationary():
    system = System.build(list("ABCD"), {}, [Reservoir(x, x) for x in "ABCD"])
    me = MasterEquation(system)
    ss = steady_state(me)  # 4-cube: 4.2e7 spanning trees -> elimination
    assert ss.method == "elimination"
    rng = random.Random(3)
    pt = rational_point(me.rate_symbols, rng)
    program, pis = elimination_program(me.n, sorted(me.edges), me.edge_weight)
    p = sp.Matrix(run_program(program, pis, pt))
    assert me.rate_matrix().xreplace(pt) * p == sp.zeros(me.n, 1)


# -- cycles ------------------------------------------------------------------------------------------------------
def test_schnakenberg_fundamental_cycles_decompose_every_edge_current(triple_dot_6):
    me = triple_dot_6
    edges = sorted(me.edges)
    cycles = fundamental_cycles(me.n, edges)
    assert len(cycles) == len(edges) - me.n + 1  # cyclomatic number
    rng = random.Random(11)
    pt = rational_point(me.rate_symbols, rng)
    ss = steady_state(me, method="trees").substitute(pt)
    p = [ss.probability(s) for s in me.states]
    w = {(i, j): me.edge_weight(i, j).xreplace(pt) for a, b in edges for i, j in ((a, b), (b, a))}
    current = lambda i, j: w[(i, j)] * p[i] - w[(j, i)] * p[j]
    flux = [current(*c.chord) for c in cycles]
    for i, j in edges:
        assert current(i, j) == sum(c.orientation(i, j) * f for c, f in zip(cycles, flux))


# -- conservation ------------------------------------------------------------------------------------------------
def test_conservation_proof_would_catch_a_wrong_current(triple_dot_6):
    c = currents(triple_dot_6)
    ps = sp.Matrix(triple_dot_6.probability_symbols())
    Nvec = sp.Matrix([[sum(s) for s in triple_dot_6.states]])
    wrong = sum(c.IN.values()) + triple_dot_6.transitions[0].symbol * ps[0]  # one flow counted twice
    assert sp.expand(wrong - (Nvec * triple_dot_6.rate_matrix() * ps)[0]) != 0


def test_exact_steady_state_conserves_particles_and_energy_at_rational_point(triple_dot):
    rng = random.Random(5)
    pt = rational_point(triple_dot.rate_symbols, rng)
    program, pis = elimination_program(triple_dot.n, sorted(triple_dot.edges), triple_dot.edge_weight)
    vals = run_program(program, pis, pt)
    p = {s: v / sum(vals) for s, v in zip(triple_dot.states, vals)}
    c = currents(triple_dot, p)
    assert sp.expand(sum(c.IN.values()).xreplace(pt)) == 0
    assert sp.expand(sum(c.IE.values()).xreplace(pt)) == 0
