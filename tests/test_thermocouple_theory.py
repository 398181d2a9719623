"""Paper 1, Eqs. (12)-(19): tests of symqd.models.thermocouple.theory beyond the derivation's proofs.

The identities themselves are proven once, as checks of the derivation ``paper1_closed_forms`` (run by
``tests/test_derivations.py``). Here: their negative controls (the same computation must fail outside the
identity's conditions), failures at other parameters, the structure of the cycle analysis on the generic cycle
basis, and cross-checks on the independent numeric solver.
"""

from __future__ import annotations

import math
import random

import mpmath
import pytest
import sympy as sp

from symqd.graph import prove_stationary
from symqd import verify
from symqd.models.thermocouple import theory as th
from symqd.models.thermocouple import HC_KEYS, symbolic


def zero(expr) -> bool:
    return sp.cancel(sp.together(expr)) == 0


@pytest.fixture(scope="module")
def z():
    return th.zero_bias_six_state()


@pytest.fixture(scope="module")
def m6():
    return symbolic(uhc_infinite=True)


@pytest.fixture(scope="module")
def m8():
    return symbolic()


# -- Eq. (12), (16), (17) --------------------------------------------------------------------------------------------


def _delta_table(f):
    return {(h, c): f(sp.S.One if (h, c) == (0, 0) else sp.S.Zero) for h, c in HC_KEYS}


def test_eq16_eq17_asymmetries_from_kronecker_delta_tables():
    """Tables written from the paper's Eqs. (16), (17) with Kronecker deltas, independent of the presets (the presets
    are checks #1, #2 of paper1_closed_forms)."""
    eq16 = (_delta_table(lambda d: d), _delta_table(lambda d: 1 - d))
    eq17 = (_delta_table(lambda d: (2 + d) / 3), _delta_table(lambda d: (3 - d) / 3))
    assert th.asymmetries(*eq16) == {"H": -1, "C": -1}
    assert th.asymmetries(*eq17) == {"H": sp.Rational(-1, 5), "C": sp.Rational(-1, 5)}
    # negative control: swapping the leads flips the sign
    assert th.asymmetries(eq17[1], eq17[0])["H"] == sp.Rational(1, 5)


def test_lambda_R_fraction_form_detects_wrong_m_edge():
    """Negative control of checks #3, #4: the R fraction of the C-cycle edge does not give Lambda_H."""
    frac = lambda hc: th.gamma_symbol("R", *hc) / (th.gamma_symbol("L", *hc) + th.gamma_symbol("R", *hc))  # noqa
    assert not zero(th.asymmetry("H") - frac((0, 0)) + frac((0, 1)))


def test_bad_which_and_preset():
    with pytest.raises(ValueError, match="which"):
        th.asymmetry("X")
    with pytest.raises(ValueError, match="preset"):
        th.asymmetry("H", "nope", "eq16")


# -- the 6-state model at V = 0: closed form, cycles -------------------------------------------------------------------


def test_merged_fermi_rates_are_total_rates(z):
    f_L = sp.Function("f_L")
    w = z.w[((0, 1, 0), (1, 1, 0))]
    G = th.gamma_symbol("L", 1, 0) + th.gamma_symbol("R", 1, 0)
    assert zero(z.w_fermi[w] - G * f_L(z.model.symbol("U_MH") + z.model.symbol("eps_M")))


def test_heat_current_cycle_flux_identity_detects_wrong_interaction(z):
    """Negative control of check #8 (J_H = U_MH Phi_H)."""
    U_MC = z.model.symbol("U_MC")
    assert not zero(z.current("J_H") - U_MC * z.chord_current("H"))


def test_lead_split_detects_swapped_asymmetries(z):
    """Negative control of check #11 (I^N_R = Lambda_H Phi_H + Lambda_C Phi_C)."""
    LH, LC = th.asymmetry("H"), th.asymmetry("C")
    assert not zero(z.current("IN_R") - LC * z.chord_current("H") - LH * z.chord_current("C"))


def test_paper_cycles_come_from_the_generic_cycle_basis(z):
    """The generic multigraph basis (symqd.graph.cycle_basis): three L/R cycles on the M edges and the two
    fundamental cycles with chords 100 -> 110 (H) and 100 -> 101 (C); read as the paper's Eqs. (11a), (11b) and the
    outer cycle O = (11a) - (11b), written out here from the paper."""
    assert len(z.basis) == 5
    lr = [c for c in z.basis if {t.reservoir for t in c.steps} == {"L", "R"}]
    assert len(lr) == 3 and all(len(c.steps) == 2 for c in lr)
    s = {label: tuple(int(x) for x in label) for label in ("000", "100", "110", "010", "001", "101")}
    seq = lambda *labels: tuple(s[x] for x in labels)  # noqa: E731
    assert th.CYCLES == {"a": seq("000", "100", "110", "010", "000"),
                         "b": seq("000", "100", "101", "001", "000"),
                         "O": seq("000", "001", "101", "100", "110", "010", "000")}
    assert th.CHORDS == {"H": seq("100", "110"), "C": seq("100", "101")}
    assert th.M_EDGES == {(0, 0): seq("000", "100"), (1, 0): seq("010", "110"), (0, 1): seq("001", "101")}
    # the generic cycle flux of the H chord is the merged edge current on 100 -> 110
    assert zero(z.chord_current("H") - z.edge_current(*th.CHORDS["H"]))
    # at V = 0, T_L = T_R the L/R cycles carry no affinity (so dS/dt = Phi_H A_a + Phi_C A_b, check #38)
    assert all(zero(c.affinity(z.me).xreplace(z.zero_bias)) for c in lr)
    assert all(c.affinity(z.me) != 0 for c in lr)  # ... but they do at finite bias
    with pytest.raises(AttributeError):
        th.NO_SUCH_TABLE


def test_hill_cycle_feeding_terms(z):
    """Sigma_c: 1 for the outer cycle (it visits every state), three directed trees for (11a) (the Hill identities
    themselves are checks #12-#14)."""
    assert z.hill_cycles["O"].feeding == 1
    assert len(z.hill_cycles["a"].feeding.args) == 3
    assert len(z.hill_cycles["b"].feeding.args) == 3


# -- Eq. (13) ------------------------------------------------------------------------------------------------------


def test_eq13_detects_wrong_sign(m6):
    """Negative control of checks #15, #16: with the sign of Eq. (13) flipped the residual is nonzero."""
    z = th.zero_bias_six_state()
    U_MH, U_MC = m6.symbol("U_MH"), m6.symbol("U_MC")
    assert not zero(z.current("IN_R") + th.eq13_rhs(z.current("J_H"), z.current("J_C"), U_MH=U_MH, U_MC=U_MC))


def test_eq13_fails_at_finite_bias_mu_R_3_4(m6):
    """At mu_R = 3/4 (the identity's failure is checks #17, #22 of paper1_closed_forms)."""
    pt = verify.physical_point(m6, random.Random(5), mu_R=sp.Rational(3, 4), T_R="T_L")
    a, b = th.eq13_physical_residual(m6, pt)
    assert verify.rel(a - b, a) > 1e-6


def test_eq13_fails_for_lead_temperatures_2_and_5(m6):
    """At T_L = 2, T_R = 5 (the identity's failure is checks #18, #23 of paper1_closed_forms)."""
    pt = verify.physical_point(m6, random.Random(6), mu_R=0, T_L=2, T_R=5)
    a, b = th.eq13_physical_residual(m6, pt)
    assert verify.rel(a - b, a) > 1e-6


def test_eq13_fails_for_finite_uhc(m8):
    """Exact rational point and U_HC = 5 (the derivation checks physical points at U_HC in [1, 8], 60, 400)."""
    rng = random.Random(8)
    # exact rational Fermi values (f_R = f_L, mu_R = 0): nonzero residual
    kv, gv = verify.fermi_point(m8, rng)
    exprs = verify.exprs_rates_form(m8, ("IN_R", "J_H", "J_C"))
    vals = {m8.symbol(n): sp.Rational(rng.randint(1, 40), 3) for n in ("U_MH", "U_MC", "U_HC")}
    vals.update({m8.symbol(n): sp.Rational(rng.randint(-30, 30), 11) for n in ("eps_H", "eps_C", "eps_M")})
    v = verify.evaluate_closed(m8, exprs, {**kv, **vals, m8.symbol("mu_R"): 0})
    rhs = th.eq13_rhs(v["J_H"], v["J_C"], th.asymmetry("H").xreplace(gv), th.asymmetry("C").xreplace(gv),
                      vals[m8.symbol("U_MH")], vals[m8.symbol("U_MC")])
    assert v["IN_R"] - rhs != 0
    # physical point, U_HC = 5: fails; U_HC = 400: the U_HC -> oo limit is approached
    pt = verify.physical_point(m8, rng, mu_R=0, T_R="T_L", U_HC=5)
    a, b = th.eq13_physical_residual(m8, pt)
    assert verify.rel(a - b, a) > 1e-6


@pytest.mark.slow
def test_eq13_numerator_nonzero_for_finite_uhc_ring(m8):
    P, _ = th.eq13_numerator(m8)
    assert P != 0


def test_eq13_against_independent_numeric_solver():
    """Eq. (13) on the numeric solver of symqd.models.thermocouple (U_HC = inf, Fig. 2 interactions
    U_MH = 3, U_MC = 6), Eq. (17) couplings (Lambda = -1/5): holds at V = 0, fails at finite bias."""
    from symqd.models.thermocouple import evaluate

    p = {"U_HC": math.inf, "T_C": 5.0, "eps_M": 0.7, "eps_H": -0.4, "eps_C": 1.1,
         "gamma_L": "eq17", "gamma_R": "eq17"}

    def rhs(out):
        return -0.2 * (out["J_H"] / 3.0 + out["J_C"] / 6.0)

    out = evaluate(p, method="solver")
    assert abs(out["IN_R"]) > 1e-6
    assert abs(out["IN_R"] - rhs(out)) < 1e-12 * max(1.0, abs(out["IN_R"]))
    out = evaluate({**p, "mu_R": 0.5}, method="solver")
    assert abs(out["IN_R"] - rhs(out)) > 1e-6


def test_eq13_with_one_lead_per_m_edge_holds_at_any_bias():
    """With Eq. (16) couplings each M edge couples to a single lead, so the L/R split needs no f_L = f_R:
    I^N_R = -(Phi_H + Phi_C) = -J_H/U_MH - J_C/U_MC at any bias and lead temperatures (6-state model)."""
    from symqd.models.thermocouple import evaluate

    for extra in ({"mu_R": 0.5}, {"mu_R": -1.3, "T_R": 3.0, "T_L": 11.0}):
        out = evaluate({"U_HC": math.inf, "T_C": 5.0, **extra}, method="solver")
        assert abs(out["IN_R"] - (-out["J_H"] / 3.0 - out["J_C"] / 6.0)) < 1e-12
        assert abs(out["IN_R"]) > 1e-6


# -- Eq. (15) -------------------------------------------------------------------------------------------------------


def test_eq15_heat_variables_detect_swapped_j_trans(z):
    """Negative control of check #28."""
    U_MH, U_MC = z.model.symbol("U_MH"), z.model.symbol("U_MC")
    JH, JC, IN = z.current("J_H"), z.current("J_C"), z.current("IN_R")
    assert not zero(IN - th.current_in_heat_variables(JH + JC, JC - JH, U_MH=U_MH, U_MC=U_MC))


def test_istar_nonzero_without_symmetric_couplings_or_equal_interactions():
    """Negative controls of checks #29, #30: each condition is needed."""
    sym = {th.gamma_symbol(a, 0, 1): th.gamma_symbol(a, 1, 0) for a in "LR"}
    assert not zero(th.asymmetry("H") - th.asymmetry("C"))
    assert not zero(th.eq15_current(1).xreplace(sym))  # U_MH != U_MC: I* generically nonzero


# -- Eqs. (18), (19), second law --------------------------------------------------------------------------------------


def test_eq18_algebra_detects_wrong_first_law_sign():
    """Negative control of check #32."""
    JL, JR, JH, JC, P = sp.symbols("J_L J_R J_H J_C P", real=True)
    T0, TH, TC = sp.symbols("T_0 T_H T_C", positive=True)
    dS = -(JL + JR) / T0 - JH / TH - JC / TC
    eq18 = th.entropy_production_eq18(JH + JC, JH - JC, P, T0, TH, TC)
    assert not zero(dS.xreplace({JL: -P - JR - JH - JC}) - eq18)


def test_eq18_on_generic_model_needs_stationarity(m8):
    """Negative control of check #34: without the E^T W p term the residual is not identically zero."""
    me, c, T0 = m8.me, m8.currents, th.T_0
    Tsub = {m8.symbol("T_L"): T0, m8.symbol("T_R"): T0}
    Jin, Jtr = c.J["H"] + c.J["C"], c.J["H"] - c.J["C"]
    P = -m8.symbol("mu_R") * c.IN["R"]
    EWp = (sp.Matrix([[me.system.energy(s) for s in me.states]]) * me.rate_matrix()
           * sp.Matrix(me.probability_symbols()))[0]
    eq18 = th.entropy_production_eq18(Jin, Jtr, P, T0, m8.symbol("T_H"), m8.symbol("T_C"))
    assert sp.expand((c.entropy_production - eq18).xreplace(Tsub) * T0) != 0
    assert sp.expand((c.entropy_production - eq18).xreplace(Tsub) * T0 + 2 * EWp) != 0


def test_entropy_decomposition_needs_the_outer_cycle(z):
    """Negative control of check #37 (dS/dt = sum_c F_c A_c over (11a), (11b), O)."""
    m6 = z.model
    A = {n: th.cycle_affinity(m6.me, seq).xreplace(z.zero_bias) for n, seq in th.CYCLES.items()}
    dS = z.current("dS_dt")
    F = {n: c.flux for n, c in z.hill_cycles.items()}
    assert not zero(dS - F["a"] * A["a"] - F["b"] * A["b"])  # the outer cycle is needed


def test_hill_terms_nonnegative_at_physical_points(z):
    """Each Hill term (Pi+ - Pi-) ln(Pi+/Pi-) Sigma_c / Z >= 0 and their sum equals -sum J/T (40 digits)."""
    rng = random.Random(23)
    m6 = z.model
    for _ in range(3):
        pt = verify.physical_point(m6, rng, mu_R=0)
        T0v = pt[m6.symbol("T_L")]
        wv = {w: sp.N(e.xreplace({**pt, th.T_0: T0v}).rewrite(sp.exp), 40) for w, e in z.w_physical.items()}
        terms = []
        for c in z.hill_cycles.values():
            fp, fm = c.forward.xreplace(wv), c.backward.xreplace(wv)
            terms.append((fp - fm) * sp.log(fp / fm) * c.feeding.xreplace(wv) / c.normalization.xreplace(wv))
        assert all(t >= 0 for t in terms)
        v = verify.physical_currents(m6, {**pt, m6.symbol("T_R"): T0v}, ("dS_dt",))
        assert abs(sum(terms) - v["dS_dt"]) < 1e-30


# -- conservation (Eqs. (9), (10)) -----------------------------------------------------------------------------------


def test_stationarity_proof_detects_a_perturbed_numerator():
    """Negative control of check #41 (W N = 0 for the 8-state model with probe)."""
    mp = symbolic(probe=True)
    bad = list(mp.steady.numerators)
    bad[0] = bad[0] + mp.me.rate_symbols[0]
    assert not prove_stationary(mp.me.rate_matrix(), bad, mp.me.rate_symbols)


# -- evaluation routes used by the derivation (issue 12: speed) -------------------------------------------------------


@pytest.mark.parametrize("which, fixed", [("m6", dict(mu_R=0, T_R="T_L")), ("m8", dict(mu_R=sp.Rational(1, 3)))])
def test_eq13_physical_residual_matches_the_sympy_float_closed_form(which, fixed, m6, m8):
    """eq13_physical_residual (compiled closed form, mpmath) == the closed form evaluated with sympy Floats
    (verify.physical_currents) and Eq. (12) from the symbolic asymmetry, both at 40 digits."""
    m = {"m6": m6, "m8": m8}[which]
    pt = verify.physical_point(m, random.Random(31), **fixed)
    a, b = th.eq13_physical_residual(m, pt)
    v = verify.physical_currents(m, pt, ("IN_R", "J_H", "J_C"), dps=40)
    sub = {s: sp.Float(x, 45) for s, x in pt.items()}
    rhs = th.eq13_rhs(v["J_H"], v["J_C"], th.asymmetry("H").xreplace(sub), th.asymmetry("C").xreplace(sub),
                      sub[m.symbol("U_MH")], sub[m.symbol("U_MC")])
    a, b = (sp.Float(mpmath.nstr(x, 45), 45) for x in (a, b))
    assert verify.rel(a - v["IN_R"], v["IN_R"]) < 1e-35
    assert verify.rel(b - rhs, rhs) < 1e-35


def _derivation_module(name):
    import importlib.util

    from symqd.derive import derivations_dir

    spec = importlib.util.spec_from_file_location(f"_test_{name}", derivations_dir() / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_random_point_checks_of_the_derivation_detect_wrong_identities(z):
    """Negative controls of paper1_closed_forms._vanishes (exact evaluation at seeded random rational points):
    wrong interaction in J_H = U_MH Phi_H, swapped asymmetries in the L/R split, missing outer cycle in
    dS/dt = sum_c F_c A_c; and a true identity (the split) passes."""
    van = _derivation_module("paper1_closed_forms")._vanishes
    m = z.model
    U_MC = m.symbol("U_MC")
    PhiH, PhiC = z.chord_current("H"), z.chord_current("C")
    LH, LC = th.asymmetry("H"), th.asymmetry("C")
    assert not van(z.current("J_H") - U_MC * PhiH, "neg1")
    assert not van(z.current("IN_R") - LC * PhiH - LH * PhiC, "neg2")
    assert van(z.current("IN_R") - LH * PhiH - LC * PhiC, "pos")
    A = {n: th.cycle_affinity(m.me, seq).xreplace(z.zero_bias) for n, seq in th.CYCLES.items()}
    F = {n: c.flux for n, c in z.hill_cycles.items()}
    assert not van(z.current("dS_dt") - F["a"] * A["a"] - F["b"] * A["b"], "neg3")
