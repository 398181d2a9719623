"""Full counting statistics (symqd.fcs): proofs against independent routes.

* cumulant 1 == the current (Eqs. (7), (8)) exactly;
* single resonant level at large bias: Fano (G_L^2+G_R^2)/(G_L+G_R)^2, the known third cumulant, Poisson limit;
* exact implicit differentiation of det(W(chi) - lambda) (characteristic polynomial, no eigenvectors) at exact
  rational points == the Rayleigh-Schroedinger program, orders 1-4;
* 50-digit numerical derivatives (mpmath.diff) of the eigenvalue of W(chi) closest to 0 == compiled cumulants
  (mpmath backend), on random models with leads on several levels and bosonic baths;
* equilibrium: Johnson-Nyquist c_2 = 2 L_ii (X^mu = dmu/T, X^T = dT/T^2) and the Gallavotti-Cohen symmetry
  (odd cumulants vanish; det W(chi) = det W(-chi - A) at finite bias) as exact identities;
* TUR sigma c_2 / c_1^2 >= 2 at random physical points;
* bad input raises ValueError naming the parameter.
"""

from __future__ import annotations

import math
import random

import mpmath
import numpy as np
import pytest
import sympy as sp

from symqd import BosonicBath, CompiledModel, MasterEquation, Reservoir, System, fcs, spinful_level
from symqd.currents import currents
from symqd.graph import elimination_program, run_program
from symqd.linear_response import onsager_matrix


# ----------------------------------------------------------------------------------------------- model zoo
def single_level():
    return MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))


def spinful():
    dots, inter = spinful_level("d")
    return MasterEquation(System.build(dots, inter, [Reservoir("L", ("d_up", "d_dn"), coupling="g_L"),
                                                     Reservoir("R", ("d_up", "d_dn"), coupling="g_R")]))


def multilevel_bath():
    """Two dots, lead L on both levels (several levels), lead R on B, phonon bath between A and B."""
    return MasterEquation(System.build(
        ["A", "B"], {("A", "B"): "U"},
        [Reservoir("L", ("A", "B"), coupling={"A": "g_LA", "B": "g_LB"}), Reservoir("R", "B"),
         BosonicBath("ph", between=("A", "B"))]))


def phonon_double_dot():
    """Jiang-Entin-Wohlman-Imry three-terminal double dot: L on A, R on B, phonons between A and B."""
    return MasterEquation(System.build(
        ["A", "B"], {("A", "B"): math.inf},
        [Reservoir("L", "A"), Reservoir("R", "B"), BosonicBath("ph", between=("A", "B"))]))


def triple_occupation_dependent():
    return MasterEquation(System.build(
        ["M", "H"], {("M", "H"): "U"},
        [Reservoir("L", "M", depends_on=("H",)), Reservoir("R", "M"), Reservoir("H", "H", mu=0)]))


ZOO = {
    "single_level": single_level,
    "spinful": spinful,
    "multilevel_bath": multilevel_bath,
    "phonon_double_dot": phonon_double_dot,
    "occupation_dependent": triple_occupation_dependent,
}


@pytest.fixture(scope="module", params=sorted(ZOO))
def model(request):
    return ZOO[request.param]()


def rational(rng, lo=1, hi=97):
    return sp.Rational(rng.randint(lo, hi), rng.randint(lo, hi))


def random_rates(me, rng):
    return {k: rational(rng) for k in me.rate_symbols}


def exact_steady(me, kv):
    program, pis = elimination_program(me.n, sorted(me.edges), me.edge_weight)
    N = run_program(program, pis, kv)
    Z = sum(N)
    return [x / Z for x in N]


def parameter_symbols(me):
    out = set()
    for e in me.physical_rates().values():
        out |= e.free_symbols
    for t in me.transitions:
        out |= sp.sympify(t.dE).free_symbols
    return out


def energy_values(me, rng):
    """Random rational values of the level and interaction symbols (the counting weights dE)."""
    syms = set()
    for t in me.transitions:
        syms |= sp.sympify(t.dE).free_symbols
    return {s: rng.choice((-1, 1)) * rational(rng, 1, 30) for s in sorted(syms, key=str)}


def reservoirs_kinds(me):
    out = []
    for r in me.system.reservoirs:
        out.append((r.name, "E"))
        if r.counts_particles:
            out.append((r.name, "N"))
    return out


# ----------------------------------------------------------------------------------------------- c_1 = current
def test_first_cumulant_is_the_current_exactly(model):
    rng = random.Random(1)
    me = model
    cur = currents(me)
    for res, kind in reservoirs_kinds(me):
        c1 = fcs.cumulant_expressions(me, res, 1, kind)[0]
        ref = (cur.IN if kind == "N" else cur.IE)[res]
        assert sp.expand(c1 - ref) == 0, (res, kind)  # identity in rate and probability symbols
        # steady state computed inside the program (form="rates") vs the engine's steady state, exact point
        kv = random_rates(me, rng)
        ev = energy_values(me, rng)
        p = exact_steady(me, kv)
        got = fcs.cumulants(me, res, 1, kind, form="rates")[0].xreplace({**kv, **ev})
        want = ref.xreplace({**kv, **ev, **dict(zip(me.probability_symbols(), p))})
        assert sp.nsimplify(got - want) == 0 and got == want, (res, kind, got, want)


# ----------------------------------------------------------------------------------------------- resonant level
def _large_bias(me):
    GL, GR = sp.symbols("G_L G_R", positive=True)
    k = {s.name: s for s in me.rate_symbols}
    return GL, GR, {k["k_L_0_1"]: GL, k["k_R_1_0"]: GR, k["k_L_1_0"]: 0, k["k_R_0_1"]: 0}


def test_resonant_level_large_bias_fano_and_third_cumulant():
    me = single_level()
    GL, GR, sub = _large_bias(me)
    for res, sign in (("L", 1), ("R", -1)):
        c1, c2, c3 = [sp.factor(sp.cancel(c.xreplace(sub))) for c in fcs.cumulants(me, res, 3, form="rates")]
        assert sp.cancel(c1 - sign * GL * GR / (GL + GR)) == 0
        assert sp.cancel(c2 / c1 - sign * (GL**2 + GR**2) / (GL + GR) ** 2) == 0
        known = GL * GR * (GL**4 - 2 * GL**3 * GR + 6 * GL**2 * GR**2 - 2 * GL * GR**3 + GR**4) / (GL + GR) ** 5
        assert sp.cancel(c3 - sign * known) == 0


def test_resonant_level_physical_large_bias_numeric():
    """The same with the physical Fermi rates at mu_L - mu_R = 400 T (compiled numpy and mpmath)."""
    me = single_level()
    cm = CompiledModel(me, observables=fcs.observables(me, "L", 3))
    vals = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "mu_L": 200.0, "mu_R": -200.0, "gamma_L": 0.3, "gamma_R": 1.7}
    r = cm.evaluate(vals)
    gl, gr = 0.3, 1.7
    assert r["F_N_L"] == pytest.approx((gl**2 + gr**2) / (gl + gr) ** 2, rel=1e-13)
    c3 = gl * gr * (gl**4 - 2 * gl**3 * gr + 6 * gl**2 * gr**2 - 2 * gl * gr**3 + gr**4) / (gl + gr) ** 5
    assert r["C3_N_L"] == pytest.approx(c3, rel=1e-12)
    with mpmath.workdps(50):
        rm = cm.evaluate({k: mpmath.mpf(v) for k, v in vals.items()}, backend="mpmath")
        glm, grm = mpmath.mpf(gl), mpmath.mpf(gr)
        assert abs(rm["F_N_L"] / ((glm**2 + grm**2) / (glm + grm) ** 2) - 1) < mpmath.mpf(10) ** -40


def test_poisson_limit():
    """One rate dominating: all cumulants -> c_1 (Fano -> 1, c_3/c_1 -> 1), to first order in the small rate."""
    me = single_level()
    GL, GR, sub = _large_bias(me)
    eps = sp.Symbol("epsilon", positive=True)
    cs = [sp.cancel(c.xreplace(sub).xreplace({GL: eps})) for c in fcs.cumulants(me, "L", 3, form="rates")]
    for c in cs[1:]:
        ratio = sp.cancel(c / cs[0])
        assert sp.limit(ratio, eps, 0) == 1
        assert sp.limit((ratio - 1) / eps, eps, 0) != 0  # the leading correction is first order: the limit is sharp


# ----------------------------------------------------------------------------------------------- characteristic polynomial
def charpoly_cumulants(me, kv, weights, order):
    """Exact cumulants by implicit differentiation of det(W(chi) - lambda I) = 0 around (0, 0).

    Independent of fcs: builds W(chi) from the transitions, truncates exp(chi d) at chi^order (exact for the first
    ``order`` derivatives), and solves the series lambda(chi) = sum a_m chi^m order by order.
    """
    chi, lam = sp.symbols("chi lambda")
    n = me.n
    W = sp.zeros(n, n)
    for t in me.transitions:
        i, j = me.index[t.source], me.index[t.target]
        k = kv[t.symbol]
        d = weights.get(t.symbol, 0)
        W[j, i] += k * sum((chi * d) ** m / sp.factorial(m) for m in range(order + 1))
        W[i, i] -= k
    F = sp.expand((W - lam * sp.eye(n)).det(method="berkowitz"))
    a = sp.symbols(f"a1:{order + 1}")
    series = sum(a[m] * chi ** (m + 1) for m in range(order))
    G = sp.Poly(sp.expand(F.subs(lam, series)), chi)
    sol = {}
    for m in range(1, order + 1):
        eq = G.coeff_monomial(chi**m)
        eq = sp.expand(sp.sympify(eq).xreplace(sol))
        am = sp.solve(eq, a[m - 1])
        assert len(am) == 1
        sol[a[m - 1]] = am[0]
    return [sp.factorial(m + 1) * sol[a[m]] for m in range(order)]


@pytest.mark.parametrize("name", ["single_level", "spinful", "multilevel_bath", "phonon_double_dot"])
def test_against_characteristic_polynomial_exact(name):
    me = ZOO[name]()
    rng = random.Random(hash(name) % 1000)
    kv = random_rates(me, rng)
    ev = energy_values(me, rng)
    order = 4 if me.n <= 2 else 3
    for res, kind in reservoirs_kinds(me):
        w = {k: sp.sympify(d).xreplace(ev) for k, d in fcs.counting_weights(me, res, kind).items()}
        got = fcs.cumulant_program(me, w, order, steady="elimination").evaluate(kv)
        want = charpoly_cumulants(me, kv, w, order)
        assert got == want, (name, res, kind, got, want)


# ----------------------------------------------------------------------------------------------- 50-digit eigenvalue route
def random_physical_point(me, rng, *, equilibrium=False):
    vals = {}
    for s in sorted(parameter_symbols(me) | {sym for r in me.system.reservoirs for sym in
                                             r.temperature.free_symbols | r.mu.free_symbols}, key=str):
        nm = s.name
        if nm.startswith("T"):
            vals[nm] = 1.0 if equilibrium else rng.uniform(0.5, 3.0)
        elif nm.startswith("mu"):
            vals[nm] = 0.0 if equilibrium else rng.uniform(-2.0, 2.0)
        elif nm.startswith(("g", "gamma")):
            vals[nm] = rng.uniform(0.1, 2.0)
        else:
            vals[nm] = rng.uniform(-2.0, 3.0)
    return vals


def eigenvalue_cumulants(me, rates, weights, order, dps=50):
    """c_n = d^n/dchi^n of the eigenvalue of W(chi) closest to 0 (mpmath.eig + mpmath.diff at ``dps`` digits)."""
    n = me.n
    trans = [(me.index[t.source], me.index[t.target], k, weights.get(t.symbol, 0))
             for t, k in zip(me.transitions, rates)]

    def lam(chi):
        A = mpmath.zeros(n, n)
        for i, j, k, d in trans:
            A[j, i] += k * mpmath.exp(chi * d)
            A[i, i] -= k
        ev = mpmath.eig(A, left=False, right=False)
        return mpmath.re(min(ev, key=abs))

    with mpmath.workdps(dps):
        return [mpmath.diff(lam, 0, m) for m in range(1, order + 1)]


@pytest.mark.parametrize("name", ["spinful", "multilevel_bath", "phonon_double_dot", "occupation_dependent"])
def test_against_eigenvalue_derivatives_50_digits(name):
    me = ZOO[name]()
    rng = random.Random(7 + len(name))
    obs = {}
    pairs = reservoirs_kinds(me)
    for res, kind in pairs:
        obs.update(fcs.observables(me, res, 3, kind))
    cm = CompiledModel(me, observables=obs)
    vals = random_physical_point(me, rng)
    with mpmath.workdps(50):
        mvals = {k: mpmath.mpf(v) for k, v in vals.items() if k in cm.parameter_names}
        r = cm.evaluate(mvals, backend="mpmath")
        rates = cm.rates(mvals, backend="mpmath")
        for res, kind in pairs:
            w = {}
            for k, d in fcs.counting_weights(me, res, kind).items():
                dv = sp.sympify(d).xreplace({s: sp.Float(mvals[s.name], 60) for s in sp.sympify(d).free_symbols})
                w[k] = mpmath.mpf(sp.Float(dv, 60)._to_mpmath(200))
            ref = eigenvalue_cumulants(me, rates, w, 3)
            for m, c in enumerate(ref, 1):
                got = r[f"C{m}_{kind}_{res}"]
                scale = max(abs(c), mpmath.mpf(10) ** -20)
                assert abs(got - c) / scale < mpmath.mpf(10) ** -25, (name, res, kind, m, got, c)


# ----------------------------------------------------------------------------------------------- equilibrium identities
def detailed_balance_point(me, rng):
    """Exact rational rates obeying detailed balance: random p_s > 0 and one-way edge fluxes phi_e,
    k_forward = phi/p_source, k_backward = phi/p_target (the general reversible network)."""
    p = [rational(rng) for _ in me.states]
    Z = sum(p)
    p = [x / Z for x in p]
    kv = {}
    for (i, j), _res, fwd, back in me.multi_edges:
        phi = rational(rng)
        kv[fwd.symbol] = phi / p[me.index[fwd.source]]
        kv[back.symbol] = phi / p[me.index[back.source]]
    return p, kv


def test_equilibrium_odd_cumulants_vanish_gallavotti_cohen(model):
    """CGF(chi) = CGF(-chi) at equilibrium (A = 0): c_1 = c_3 = c_5 = 0 exactly, even cumulants > 0."""
    me = model
    rng = random.Random(3)
    p, kv = detailed_balance_point(me, rng)
    ev = energy_values(me, rng)
    assert exact_steady(me, kv) == p
    for res, kind in reservoirs_kinds(me):
        w = {k: sp.sympify(d).xreplace(ev) for k, d in fcs.counting_weights(me, res, kind).items()}
        cs = fcs.cumulant_program(me, w, 5, steady="elimination").evaluate(kv)
        assert cs[0] == 0 and cs[2] == 0 and cs[4] == 0, (res, kind, cs)
        if kind == "N" and res in _energy_only(me):
            assert cs == [0] * 5, (res, cs)  # bounded transfer: every scaled cumulant vanishes
        else:
            assert cs[1] > 0, (res, kind, cs)


def _energy_only(me):
    from symqd.linear_response import energy_only_reservoirs

    return energy_only_reservoirs(me)


def test_johnson_nyquist_exact(model):
    """c_2 = 2 L_ii at equilibrium, exactly: particles 2 L[IN, Xmu], energy 2 L[J, XT] (X^mu = dmu/T, X^T = dT/T^2).

    L from symqd.linear_response (network form in the one-way fluxes phi_e), c_2 from the counting program; both at
    the same exact detailed-balance point. Energy-only leads: zero particle noise (bounded transfer).
    """
    me = model
    rng = random.Random(11)
    p, kv = detailed_balance_point(me, rng)
    ev = energy_values(me, rng)
    names = [r.name for r in me.system.reservoirs]
    for res in names:
        ref = next(x for x in names if x != res)
        lr = onsager_matrix(me, ref, [res])
        phi = {e.flux: kv[e.rate_in] * p[me.index[e.source]] for e in lr.edges}
        L = lr.L.xreplace(phi).xreplace(ev)
        for kind in ("N", "E"):
            w = {k: sp.sympify(d).xreplace(ev) for k, d in fcs.counting_weights(me, res, kind).items()}
            if not w:
                continue
            c2 = fcs.cumulant_program(me, w, 2, steady="elimination").evaluate(kv)[1]
            label = f"IN_{res}" if kind == "N" else f"J_{res}"
            if label not in lr.current_labels:
                assert kind == "N" and c2 == 0, (res, c2)
                continue
            i = lr.current_labels.index(label)
            assert c2 == 2 * sp.nsimplify(L[i, i]), (res, kind, c2, L[i, i])


def test_johnson_nyquist_physical_symbolic_single_level():
    """Symbolically, in the physical parameters: c_2 of I^N_R at mu = 0, T_L = T_R = T is 2 T G."""
    me = single_level()
    T = sp.Symbol("T", positive=True)
    eq = {sp.Symbol("T_L", positive=True): T, sp.Symbol("T_R", positive=True): T,
          sp.Symbol("mu_L", real=True): 0, sp.Symbol("mu_R", real=True): 0}
    c2 = fcs.noise(me, "R").xreplace(eq)
    L = onsager_matrix(me, "L", ["R"], T=T).physical()
    assert sp.simplify((c2 - 2 * L[0, 0]).rewrite(sp.exp)) == 0
    assert sp.simplify((fcs.noise(me, "R", "E").xreplace(eq) - 2 * L[1, 1]).rewrite(sp.exp)) == 0


def test_gallavotti_cohen_finite_bias_characteristic_polynomial():
    """Away from equilibrium (one affinity A = (mu_R - mu_L)/T): det(W(chi) - lambda) is invariant under
    chi -> -chi - A, exactly in the physical rates (so CGF(chi) = CGF(-chi - A), all orders)."""
    me = single_level()
    T = sp.Symbol("T", positive=True)
    sub = {sp.Symbol("T_L", positive=True): T, sp.Symbol("T_R", positive=True): T}
    rates = {k: v.xreplace(sub).rewrite(sp.exp) for k, v in me.physical_rates().items()}
    x, lam = sp.symbols("x lambda", positive=True)
    muL, muR = sp.Symbol("mu_L", real=True), sp.Symbol("mu_R", real=True)
    w = fcs.counting_weights(me, "R", "N")

    def charpoly(z):
        W = sp.zeros(2, 2)
        for t in me.transitions:
            i, j = me.index[t.source], me.index[t.target]
            W[j, i] += rates[t.symbol] * z ** w.get(t.symbol, 0)
            W[i, i] -= rates[t.symbol]
        return (W - lam * sp.eye(2)).det()

    eA = sp.exp((muR - muL) / T)
    assert sp.simplify(charpoly(x) - charpoly(1 / (x * eA))) == 0


# ----------------------------------------------------------------------------------------------- TUR
def test_tur_at_random_points():
    """sigma c_2/c_1^2 >= 2 for every particle and energy current of every zoo model at random physical points.

    (Heat currents of the zoo's leads with mu != 0 are covered by the audit tests.) A violation would be a bug or a
    discovery; the minimum is printed.
    """
    rng = random.Random(5)
    worst = (np.inf, None)
    for name, build in ZOO.items():
        me = build()
        obs = {}
        pairs = [(r, k) for r, k in reservoirs_kinds(me) if not (k == "N" and r in _energy_only(me))]
        for res, kind in pairs:
            obs.update(fcs.observables(me, res, 2, kind))
        cm = CompiledModel(me, observables=obs)
        pts = [random_physical_point(me, rng) for _ in range(200)]
        vals = {k: np.array([pt[k] for pt in pts]) for k in cm.parameter_names}
        r = cm.evaluate(vals)
        for res, kind in pairs:
            c1, c2 = r[f"C1_{kind}_{res}"], r[f"C2_{kind}_{res}"]
            ok = np.abs(c1) > 1e-9 * np.sqrt(np.abs(c2))
            Q = fcs.tur_ratio(c1[ok], c2[ok], r["dS_dt"][ok])
            assert np.all(Q >= 2 * (1 - 1e-9)), (name, res, kind, Q.min())
            if Q.min() < worst[0]:
                worst = (Q.min(), (name, res, kind))
    print("TUR: smallest sigma Var/J^2 =", worst)


# ----------------------------------------------------------------------------------------------- compiled == exact
def test_compiled_numpy_matches_exact_program():
    me = multilevel_bath()
    cm = CompiledModel(me, observables={**fcs.observables(me, "R", 3, "N"), **fcs.observables(me, "ph", 3, "E")})
    rng = random.Random(9)
    pt = random_physical_point(me, rng)
    vals = {k: v for k, v in pt.items() if k in cm.parameter_names}
    r = cm.evaluate(vals)
    with mpmath.workdps(40):
        rm = cm.evaluate({k: mpmath.mpf(v) for k, v in vals.items()}, backend="mpmath")
    for key in ("C1_N_R", "C2_N_R", "C3_N_R", "C2_E_ph", "C3_E_ph", "F_N_R"):
        assert float(r[key]) == pytest.approx(float(rm[key]), rel=1e-9, abs=1e-14), key


def test_bath_particle_counting_is_zero_and_inline_equals_function():
    me = multilevel_bath()
    assert fcs.cumulants(me, "ph", 3, "N") == [0, 0, 0]
    rng = random.Random(2)
    kv = random_rates(me, rng)
    p = exact_steady(me, kv)
    env = {**kv, **dict(zip(me.probability_symbols(), p))}
    inl = fcs.observables(me, "L", 2, "N", inline=True)
    prog = fcs.cumulant_program(me, fcs.counting_weights(me, "L", "N"), 2).evaluate(env)
    assert [inl["C1_N_L"].xreplace(env), inl["C2_N_L"].xreplace(env)] == prog


# ----------------------------------------------------------------------------------------------- bad input
def test_bad_input():
    me = single_level()
    with pytest.raises(ValueError, match="reservoir"):
        fcs.cumulants(me, "X")
    with pytest.raises(ValueError, match="order"):
        fcs.cumulants(me, "L", order=0)
    with pytest.raises(ValueError, match="order"):
        fcs.cumulants(me, "L", order=2.0)
    with pytest.raises(ValueError, match="kind"):
        fcs.cumulants(me, "L", kind="Q")
    with pytest.raises(ValueError, match="form"):
        fcs.cumulants(me, "L", form="latex")
    with pytest.raises(ValueError, match="me"):
        fcs.cumulants("not a model", "L")
    with pytest.raises(ValueError, match="name"):
        fcs.observables(me, None, weights=fcs.counting_weights(me, "L"))
