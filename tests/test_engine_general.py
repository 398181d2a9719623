"""The general model language: leads on several levels, bosonic baths, refusals, names, cycles on any model.

Random models (hypothesis) are checked against the independent numeric solver (float, relative to the gross flux)
and at 50 digits (mpmath), for conservation, the second law, equilibrium (vanishing currents, Boltzmann
occupations) and detailed balance of the bath rates; cycle fluxes and affinities are proven to give the entropy
production exactly at finite bias; a zoo of small graphs checks the spanning-tree machinery against known counts.
"""

import math
import random

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symqd import BosonicBath, CompiledModel, MasterEquation, Reservoir, System, levels, spinful_level
from symqd.currents import currents, gross_fluxes, prove_conservation
from symqd.fermi import mpmath_xbose, numpy_xbose
from symqd.graph import count_spanning_trees, cycle_basis, prove_cycle_entropy_production, spanning_trees
from symqd.linear_response import boltzmann_state


# -- random models ---------------------------------------------------------------------------------------------
@st.composite
def models(draw):
    nd = draw(st.integers(1, 3))
    names = [f"D{i}" for i in range(nd)]
    inter = {}
    for i in range(nd):
        for j in range(i + 1, nd):
            kind = draw(st.sampled_from(["none", "sym", "num", "inf"]))
            if kind == "sym":
                inter[(names[i], names[j])] = None
            elif kind == "num":
                inter[(names[i], names[j])] = draw(st.integers(0, 3))
            elif kind == "inf":
                inter[(names[i], names[j])] = math.inf
    parts = []
    for lead in ("L", "R", "P")[: draw(st.integers(1, 3))]:
        dots = draw(st.lists(st.sampled_from(names), min_size=1, max_size=nd, unique=True))
        parts.append(Reservoir(lead, tuple(dots) if len(dots) > 1 else dots[0]))
    if nd > 1 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        parts.append(BosonicBath("ph", between=(a, b)))
    try:
        me = MasterEquation(System.build(names, inter, parts))
    except ValueError:
        assume(False)
    return me


def random_values(cm, rng, *, equilibrium=False, T0=1.0):
    vals = {}
    for name in cm.parameter_names:
        if name.startswith("T_"):
            vals[name] = T0 if equilibrium else rng.uniform(0.3, 3.0)
        elif name.startswith("mu_"):
            vals[name] = 0.0 if equilibrium else rng.uniform(-2, 2)
        elif name.startswith(("gamma", "g_")):
            vals[name] = 10 ** rng.uniform(-2, 1)
        elif name.startswith("U_"):
            vals[name] = rng.uniform(0, 4)
        else:
            vals[name] = rng.uniform(-3, 3)
    return vals


def current_names(me):
    return [f"{k}_{r.name}" for r in me.system.reservoirs for k in ("IN", "IE", "J")]


SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(models(), st.integers(0, 10**6))
def test_random_models_closed_form_equals_solver_and_conserves(me, seed):
    rng = random.Random(seed)
    cm = CompiledModel(me)
    vals = random_values(cm, rng)
    a = cm.evaluate(vals)
    b = cm.evaluate(vals, method="solver")
    ks = cm.rates(vals)
    P = np.array([float(a["p"][s]) for s in me.states])
    gross = cm._fn("gross", "numpy")(*cm._args(cm.validate(vals)[1], "numpy"), *ks, *P)
    scale = max(max(float(g) for g in gross), 1e-300)
    for name in current_names(me):
        assert abs(float(a[name]) - float(b[name])) <= 1e-10 * scale, name
    assert abs(sum(float(a[f"IN_{r.name}"]) for r in me.system.leads)) <= 1e-12 * scale
    assert abs(sum(float(a[f"IE_{r.name}"]) for r in me.system.reservoirs)) <= 1e-12 * scale
    assert float(a["dS_dt"]) >= -1e-12 * scale
    for r in me.system.baths:
        assert float(a[f"IN_{r.name}"]) == 0.0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.integers(0, 10**6))
def test_random_models_at_50_digits_closed_form_equals_gth_solver(me, seed):
    rng = random.Random(seed)
    cm = CompiledModel(me)
    vals = {k: mpmath.mpf(v) for k, v in random_values(cm, rng).items()}
    with mpmath.workdps(50):
        a = cm.evaluate(vals, backend="mpmath")
        b = cm.evaluate(vals, backend="mpmath", method="solver")
        scale = max(abs(a[n]) for n in current_names(me)) + mpmath.mpf(10) ** -30
        for name in current_names(me):
            assert abs(a[name] - b[name]) <= mpmath.mpf(10) ** -40 * scale, name
        assert abs(mpmath.fsum(a["p"].values()) - 1) < mpmath.mpf(10) ** -45


@SETTINGS
@given(models(), st.integers(0, 10**6))
def test_random_models_at_equilibrium_have_no_currents_and_boltzmann_occupations(me, seed):
    rng = random.Random(seed)
    cm = CompiledModel(me)
    vals = random_values(cm, rng, equilibrium=True, T0=rng.uniform(0.5, 2.0))
    T0 = next(v for k, v in vals.items() if k.startswith("T_"))
    r = cm.evaluate(vals)
    for name in current_names(me) + ["dS_dt"]:
        assert abs(float(r[name])) < 1e-25, (name, r[name])
    # Boltzmann weights exp(-E_s/T) over the allowed states
    Tsym = sp.Symbol("T", positive=True)
    peq = boltzmann_state(me, Tsym)
    sub = {s: vals[s.name] for e in peq.values() for s in e.free_symbols if s.name in vals}
    sub[Tsym] = T0
    for s in me.states:
        assert abs(float(r["p"][s]) - float(peq[s].xreplace(sub))) < 1e-12


@SETTINGS
@given(models(), st.integers(0, 10**6))
def test_cycle_fluxes_times_affinities_equal_entropy_production_exactly_at_finite_bias(me, seed):
    assert prove_cycle_entropy_production(me, points=1, seed=seed)


def test_cycle_identity_fails_for_a_non_stationary_state():
    """Negative control: with probabilities that are not the steady state the cycle sum misses edge currents."""
    me = MasterEquation(System.build(["A", "B"], {("A", "B"): "U"},
                                     [Reservoir("L", ("A", "B")), Reservoir("R", "B"), BosonicBath("ph", ("A", "B"))]))
    cycles = cycle_basis(me)
    rng = random.Random(3)
    kv = {k: sp.Rational(rng.randint(1, 50), rng.randint(1, 50)) for k in me.rate_symbols}
    p = {s: sp.Rational(1, len(me.states)) for s in me.states}  # uniform, not stationary
    c = currents(me, p)
    lhs = c.IN["L"].xreplace(kv)  # L edges come first: they form the spanning tree
    rhs = sp.Add(*[cy.flux(p).xreplace(kv) * cy.counts("L") for cy in cycles])
    assert lhs != rhs


def test_parallel_leads_are_separate_cycle_edges():
    """A single level between L and R has one cycle (in through one lead, out through the other)."""
    me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    (cy,) = cycle_basis(me)
    assert {t.reservoir for t in cy.steps} == {"L", "R"}
    A = cy.affinity(me)
    T_L, T_R, mu_L, mu_R, eps = sp.symbols("T_L T_R mu_L mu_R eps_D", real=True)
    expected = (-(eps - mu_R) / T_R + (eps - mu_L) / T_L)
    names = {s.name: s for s in A.free_symbols}
    assert sp.simplify(A - expected.xreplace({v: names[v.name] for v in expected.free_symbols})) == 0


# -- leads on several levels ----------------------------------------------------------------------------------------
def test_spinful_anderson_dot_lead_on_two_levels_sums_its_currents():
    dots, inter = spinful_level("d")
    one = System.build(dots, inter, [Reservoir("L", ("d_up", "d_dn"), coupling="g_L", mu=0),
                                     Reservoir("R", ("d_up", "d_dn"), coupling="g_R")])
    # the same physics with one reservoir per spin, currents summed by hand
    two = System.build(dots, inter, [
        Reservoir("Lu", "d_up", coupling="g_L", mu=0, temperature="T_L"),
        Reservoir("Ld", "d_dn", coupling="g_L", mu=0, temperature="T_L"),
        Reservoir("Ru", "d_up", coupling="g_R", mu="mu_R", temperature="T_R"),
        Reservoir("Rd", "d_dn", coupling="g_R", mu="mu_R", temperature="T_R")])
    vals = dict(T_L=1.0, T_R=1.7, eps_d=0.3, U_d=2.5, g_L=1.0, g_R=0.4, mu_R=0.6)
    a = CompiledModel(MasterEquation(one)).evaluate(vals)
    b = CompiledModel(MasterEquation(two)).evaluate(vals)
    assert abs(float(a["IN_R"]) - float(b["IN_Ru"] + b["IN_Rd"])) < 1e-15
    assert abs(float(a["J_L"]) - float(b["J_Lu"] + b["J_Ld"])) < 1e-15
    # U -> oo: the known closed form of the spin-degenerate level, I = 2 gL gR (fR - fL)/(gL(1+fL) + gR(1+fR))
    inf = System.build(dots, {("d_up", "d_dn"): math.inf},
                       [Reservoir("L", ("d_up", "d_dn"), coupling="g_L", mu=0),
                        Reservoir("R", ("d_up", "d_dn"), coupling="g_R")])
    vals.pop("U_d")
    r = CompiledModel(MasterEquation(inf)).evaluate(vals)
    fL = 1 / (1 + math.exp(vals["eps_d"] / vals["T_L"]))
    fR = 1 / (1 + math.exp((vals["eps_d"] - vals["mu_R"]) / vals["T_R"]))
    gL, gR = vals["g_L"], vals["g_R"]
    expected = 2 * gL * gR * (fR - fL) / (gL * (1 + fL) + gR * (1 + fR))
    assert abs(float(r["IN_R"]) - expected) < 1e-14  # IN_R: from R into the dot (mu_R > mu_L = 0)


def test_lead_coupling_per_level_mapping_and_defaults():
    L = Reservoir("L", ("a", "b"))
    assert [str(v) for _, v in L.coupling] == ["gamma_L_a", "gamma_L_b"]
    L2 = Reservoir("L", ("a", "b"), coupling={"a": "g1", "b": 0.5})
    assert dict(L2.coupling)["b"] == sp.Float(0.5)
    with pytest.raises(ValueError, match="misses dot"):
        Reservoir("L", ("a", "b"), coupling={"a": "g1"})
    with pytest.raises(ValueError, match="not in dot"):
        Reservoir("L", ("a", "b"), coupling={"a": "g1", "b": "g2", "c": "g3"})


def test_multi_level_dot_helper():
    dots, inter = levels("d", 3, U="U")
    me = MasterEquation(System.build(dots, inter, [Reservoir("L", tuple(d.name for d in dots), mu=0)]))
    assert me.n == 8 and len({str(U) for U in inter.values()}) == 1


# -- bosonic baths -------------------------------------------------------------------------------------------------
def phonon_double_dot(**kw):
    return MasterEquation(System.build(["A", "B"], {("A", "B"): math.inf},
                                       [Reservoir("L", "A"), Reservoir("R", "B"), BosonicBath("ph", ("A", "B"), **kw)]))


def test_bath_rates_obey_detailed_balance_and_the_ohmic_limit():
    me = phonon_double_dot()
    rates = me.physical_rates()
    bath = [t for t in me.transitions if t.reservoir == "ph"]
    assert len(bath) == 2
    f, b = bath
    T = me.part("ph").temperature
    ratio = (rates[f.symbol] / rates[b.symbol]).rewrite(sp.exp)
    assert sp.simplify(ratio - sp.exp(-f.dE / T)) == 0
    # g dE n_B(dE/T) -> g T at dE = 0, and the numeric forms agree with mpmath across 1e3 decades
    x = np.array([-700.0, -30.0, -1e-9, 0.0, 1e-9, 0.5, 30.0, 700.0])
    with mpmath.workdps(30):
        ref = [float(mpmath_xbose(mpmath.mpf(v))) for v in x]
    assert np.allclose(numpy_xbose(x), ref, rtol=1e-14, atol=0)


def test_phonon_double_dot_heat_from_the_bath_is_level_spacing_times_particle_current():
    me = phonon_double_dot()
    cm = CompiledModel(me)
    rng = np.random.default_rng(1)
    vals = {n: rng.uniform(0.3, 2.0, 50) if n.startswith(("T", "g")) else rng.uniform(-2, 2, 50)
            for n in cm.parameter_names}
    r = cm.evaluate(vals)
    gap = vals["eps_B"] - vals["eps_A"]
    assert np.allclose(r["IE_ph"], gap * r["IN_L"], rtol=1e-12, atol=1e-15)
    assert np.all(r["IN_ph"] == 0) and np.allclose(r["J_ph"], r["IE_ph"])
    assert np.all(r["dS_dt"] >= -1e-15)


def test_custom_spectral_function_superohmic():
    me = phonon_double_dot(spectral=lambda E, g: g * E**3)
    cm = CompiledModel(me)
    vals = dict(T_L=1.0, T_R=1.0, T_ph=1.5, eps_A=0.0, eps_B=0.7, gamma_L=1.0, gamma_R=1.0, g_ph=0.3,
                mu_L=0.2, mu_R=-0.1)
    k = dict(zip([t.symbol for t in me.transitions], cm.rates(vals)))
    up = next(t for t in me.transitions if t.reservoir == "ph" and t.source == (1, 0))
    dE, T = 0.7, 1.5
    assert abs(float(k[up.symbol]) - 0.3 * dE**3 / math.expm1(dE / T)) < 1e-15
    with pytest.raises(ValueError, match="odd"):
        BosonicBath("ph", ("A", "B"), spectral=lambda E, g: g * E**2)


def test_linear_response_treats_the_bath_as_a_thermal_terminal():
    from symqd.linear_response import onsager_matrix

    lr = onsager_matrix(phonon_double_dot(), "L")
    assert lr.current_labels == ("IN_R", "J_R", "J_ph") and lr.force_labels == ("Xmu_R", "XT_R", "XT_ph")
    Lp = lr.physical()
    assert all(sp.simplify(Lp[i, j] - Lp[j, i]) == 0 for i in range(3) for j in range(i))


# -- refusals and names -------------------------------------------------------------------------------------------
def test_a_dot_nothing_can_change_is_refused_by_name():
    with pytest.raises(ValueError, match="dot\\(s\\) 'B' can be neither filled nor emptied"):
        MasterEquation(System.build(["A", "B"], {}, [Reservoir("L", "A")]))


def test_a_bath_alone_conserves_the_electron_number_and_is_refused():
    with pytest.raises(ValueError, match="not unique"):
        MasterEquation(System.build(["A", "B"], {}, [BosonicBath("ph", ("A", "B"))]))


def test_zero_couplings_that_split_the_graph_at_evaluation_time_name_the_coupling():
    me = MasterEquation(System.build(["M", "H"], {("M", "H"): "U"},
                                     [Reservoir("L", "M", mu=0), Reservoir("R", "M"), Reservoir("X", "H", mu=0)]))
    cm = CompiledModel(me)
    vals = dict(T_L=1.0, T_R=1.0, T_X=2.0, eps_M=0.0, eps_H=0.1, U=1.0, gamma_L=1.0, gamma_R=1.0, gamma_X=1.0,
                mu_R=0.1)
    cm.evaluate(vals)
    with pytest.raises(ValueError, match="'gamma_X' = 0 at index \\(2,\\)"):
        cm.evaluate({**vals, "gamma_X": np.array([1.0, 0.5, 0.0])})
    for backend in ("numpy", "mpmath"):
        for method in ("closed_form", "solver"):
            with pytest.raises(ValueError, match="gamma_X"):
                cm.evaluate({**vals, "gamma_X": 0.0}, backend=backend, method=method)


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: Reservoir("L", "A", coupling="__import__('os').system('true')"), "identifier"),
        (lambda: Reservoir("L", "A", temperature="1/0"), "identifier"),
        (lambda: System.build(["A"], {("A", "A"): "2*U"}), "identifier"),
        (lambda: BosonicBath("ph", ("A", "B"), coupling="g+1"), "identifier"),
        (lambda: System.build(["A_B", "C", "A", "B_C"], {("A_B", "C"): None, ("A", "B_C"): None}), "U_A_B_C"),
        (lambda: System.build(["L", "H"], {}, [Reservoir("L", "L", depends_on=("H",)), Reservoir("L_0", "L"),
                                                Reservoir("X", "H")]), "gamma_L_0"),
        (lambda: System.build(["A"], {}, [Reservoir("L", "A", temperature="x"), Reservoir("R", "A", mu="x")]),
         "'x' is used with different assumptions"),
        (lambda: System.build(["A"], {}, [Reservoir("L", "B")]), "non-existent dot 'B'"),
        (lambda: BosonicBath("ph", ("A", "A")), "two different dots"),
        (lambda: System.build(["A"], {}, [BosonicBath("ph", ("A", "B"))]), "non-existent dot 'B'"),
    ],
)
def test_bad_model_input_is_a_value_error_naming_the_culprit(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_distinct_pairs_get_distinct_interaction_symbols():
    s = System.build(["A", "BC", "AB", "C"], {("A", "BC"): None, ("AB", "C"): None})
    assert {str(U) for _, U in s.interactions} == {"U_A_BC", "U_AB_C"}


def test_strings_never_reach_eval_in_compiled_model():
    me = phonon_double_dot()
    with pytest.raises(ValueError):
        CompiledModel(me, fixed={"mu_L": "__import__('os')"})
    with pytest.raises(ValueError, match="unknown parameter name"):
        CompiledModel(me, fixed={"nope": 1})
    cm = CompiledModel(me, fixed={"mu_L": 0})
    assert "mu_L" not in cm.parameter_names
    vals = dict(T_L=1.0, T_R=1.0, T_ph=1.5, eps_A=0.0, eps_B=0.7, gamma_L=1.0, gamma_R=1.0, g_ph=0.3, mu_R=-0.1)
    with pytest.raises(ValueError, match="'eps_A' must be a real number"):
        cm.evaluate({**vals, "eps_A": "0.0"})


def test_open_observables_compile_beside_the_currents():
    me = phonon_double_dot()
    pA = [p for s, p in zip(me.states, me.probability_symbols()) if s[0] == 1]
    cm = CompiledModel(me, observables={"n_A": sp.Add(*pA)})
    vals = dict(T_L=1.0, T_R=1.0, T_ph=1.5, eps_A=0.0, eps_B=0.7, gamma_L=1.0, gamma_R=1.0, g_ph=0.3,
                mu_L=0.0, mu_R=-0.1)
    r = cm.evaluate(vals)
    assert abs(float(r["n_A"]) - float(r["p"][(1, 0)])) < 1e-16
    with pytest.raises(ValueError, match="already a default"):
        CompiledModel(me, observables={"IN_L": sp.S.Zero})


def test_cancellation_is_detected_and_recomputed_at_higher_precision():
    """Net current ~1e-19 of one-way fluxes ~1e-2: float alone returns noise; the refined value matches mpmath."""
    me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")]))
    cm = CompiledModel(me)
    vals = dict(T_L=1.0, T_R=1.0, eps_D=0.0, gamma_L=1.0, gamma_R=1.0, mu_R=1e-17)
    r = cm.evaluate(vals)
    with mpmath.workdps(60):
        ref = cm.evaluate({k: mpmath.mpf(v) for k, v in vals.items()}, backend="mpmath")["IN_R"]
    assert abs(float(r["IN_R"]) - float(ref)) <= 1e-12 * abs(float(ref))
    raw = CompiledModel(me, refine=False).evaluate(vals)["IN_R"]
    assert abs(float(raw) - float(ref)) > 1e-3 * abs(float(ref))  # the unrefined float result is wrong


# -- zoo of small graphs with known spanning-tree counts (KDA's test style) ----------------------------------------
def complete(n):
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


@pytest.mark.parametrize(
    "n, edges, count",
    [
        (4, complete(4), 16),  # Cayley n^(n-2)
        (5, complete(5), 125),
        (5, [(i, (i + 1) % 5) for i in range(5)], 5),  # cycle C_n: n
        (4, [(0, 1), (1, 2), (2, 3)], 1),  # path
        (5, [(0, i) for i in range(1, 5)] + [(1, 2), (2, 3), (3, 4), (4, 1)], 45),  # wheel W_5: 45
        (6, [(i, j) for i in range(3) for j in range(3, 6)], 81),  # K_{3,3}: 3^2 3^2
        (8, [(i, i ^ (1 << b)) for i in range(8) for b in range(3) if i < i ^ (1 << b)], 384),  # 3-cube
    ],
)
def test_spanning_tree_zoo(n, edges, count):
    assert count_spanning_trees(n, edges) == count
    assert len(spanning_trees(n, edges)) == count


def test_symbolic_conservation_on_a_bath_model():
    assert all(prove_conservation(phonon_double_dot()).values())
    g = gross_fluxes(phonon_double_dot())
    assert set(g) >= {"IN_ph", "IE_ph", "J_ph"}


def test_chunked_evaluation_equals_one_shot_and_selects_outputs():
    me = phonon_double_dot()
    cm = CompiledModel(me)
    rng = np.random.default_rng(7)
    vals = {n: rng.uniform(0.3, 2.0, (40, 3)) if n.startswith(("T", "g")) else rng.uniform(-2, 2, (40, 1))
            for n in cm.parameter_names}
    whole = cm.evaluate(vals)
    parts = cm.evaluate(vals, outputs=["IN_L", "p"], chunk_size=7)
    assert set(parts) == {"IN_L", "p"}
    assert np.array_equal(parts["IN_L"], whole["IN_L"])
    assert all(np.array_equal(parts["p"][s], whole["p"][s]) for s in me.states)
    with pytest.raises(ValueError, match="outputs: unknown"):
        cm.evaluate(vals, outputs=["IN_X"])


# -- past tree enumeration: 16 and 32 states ------------------------------------------------------------------------
from symqd.models.interacting_dots import interacting_dots  # noqa: E402


@pytest.mark.parametrize("nd", [4, 5])
def test_elimination_steady_state_of_16_and_32_states_is_proven_stationary_modulo_a_prime(nd):
    from symqd.graph import elimination_program, prove_program_stationary

    me = interacting_dots(nd)
    assert count_spanning_trees(me.n, sorted(me.edges)) > 10**6  # far past enumeration
    prog, pis = elimination_program(me.n, sorted(me.edges), me.edge_weight)
    assert prove_program_stationary(me, prog, pis, points=2)
    bad = list(pis)
    bad[1] = bad[1] + bad[2]  # negative control
    assert not prove_program_stationary(me, prog, bad, points=1)


def test_16_state_closed_form_agrees_with_the_solver():
    me = interacting_dots(4)
    cm = CompiledModel(me)
    rng = np.random.default_rng(4)
    vals = {n: rng.uniform(0.4, 2.0, 200) if n.startswith(("T", "gamma")) else rng.uniform(-2, 2, 200)
            for n in cm.parameter_names}
    a, b = cm.evaluate(vals), cm.evaluate(vals, method="solver")
    for s in me.states:
        assert np.max(np.abs(a["p"][s] - b["p"][s])) < 1e-13


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.integers(0, 10**6))
def test_random_models_c_kernel_equals_numpy_closed_form_and_gth_solver(me, seed):
    """``backend="c"`` (the SIMD C kernel; numpy with a notice where no compiler runs) on random models, 64 random
    points each, in several chunks: equal to the numpy closed form to 1e-13 and to the batched GTH solver to 1e-10
    of the gross flux."""
    import warnings

    rng = random.Random(seed)
    cm = CompiledModel(me)
    pts = [random_values(cm, rng) for _ in range(64)]
    vals = {n: np.array([p[n] for p in pts]) for n in cm.parameter_names}
    from symqd.kernels import KernelModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        c = cm.evaluate(vals, backend="c")
        chunked = KernelModel(cm, chunk_size=20).evaluate(vals, outputs=current_names(me))
    a = cm.evaluate(vals)
    b = cm.evaluate(vals, method="solver")
    ks = cm.rates(vals)
    P = [a["p"][s] for s in me.states]
    gross = cm._fn("gross", "numpy")(*cm._args(cm.validate(vals)[1], "numpy"), *ks, *P)
    scale = np.maximum(np.max(np.stack([np.broadcast_to(g, (64,)) for g in gross]), axis=0), 1e-300)
    for s in me.states:
        assert np.max(np.abs(c["p"][s] - a["p"][s])) < 1e-13
    for name in current_names(me):
        assert np.max(np.abs(c[name] - a[name]) / scale) < 1e-13, name
        assert np.max(np.abs(c[name] - b[name]) / scale) < 1e-10, name
        assert np.max(np.abs(chunked[name] - c[name]) / scale) < 1e-15, name
