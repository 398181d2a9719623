"""Paper 1, Eqs. (12)-(19): proofs on the symbolic thermocouple (symqd.models.thermocouple.theory).

Every identity is checked by exact arithmetic that can fail (polynomial ring over ZZ, ``cancel`` of a residual,
exact rational points, 40-digit physical points), and each has a negative control outside its conditions.
"""

from __future__ import annotations

import math
import random

import pytest
import sympy as sp

from symqd.currents import prove_conservation
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


def test_eq16_eq17_asymmetries_exact():
    # tables written from the paper's Eqs. (16), (17) with Kronecker deltas, independent of the presets
    eq16 = (_delta_table(lambda d: d), _delta_table(lambda d: 1 - d))
    eq17 = (_delta_table(lambda d: (2 + d) / 3), _delta_table(lambda d: (3 - d) / 3))
    assert th.asymmetries(*eq16) == {"H": -1, "C": -1}
    assert th.asymmetries(*eq17) == {"H": sp.Rational(-1, 5), "C": sp.Rational(-1, 5)}
    # the presets of the numeric model agree exactly
    assert th.asymmetries("eq16", "eq16") == {"H": -1, "C": -1}
    assert th.asymmetries("eq17", "eq17")["H"] == sp.Rational(-1, 5)
    # negative control: swapping the leads flips the sign
    assert th.asymmetries(eq17[1], eq17[0])["H"] == sp.Rational(1, 5)


def test_lambda_is_difference_of_lead_R_fractions():
    frac = lambda hc: th.gamma_symbol("R", *hc) / (th.gamma_symbol("L", *hc) + th.gamma_symbol("R", *hc))  # noqa
    assert zero(th.asymmetry("H") - frac((0, 0)) + frac((1, 0)))
    assert zero(th.asymmetry("C") - frac((0, 0)) + frac((0, 1)))
    assert not zero(th.asymmetry("H") - frac((0, 0)) + frac((0, 1)))


def test_bad_which_and_preset():
    with pytest.raises(ValueError, match="which"):
        th.asymmetry("X")
    with pytest.raises(ValueError, match="preset"):
        th.asymmetry("H", "nope", "eq16")


# -- the 6-state model at V = 0: closed form, cycles -------------------------------------------------------------------


def test_merged_rate_form_reproduces_model_closed_form(z):
    for s in z.states:
        assert zero(z.model.probability(s, "rates").xreplace(z.lead_split) - z.probability(s))


def test_merged_fermi_rates_are_total_rates(z):
    f_L = sp.Function("f_L")
    w = z.w[((0, 1, 0), (1, 1, 0))]
    G = th.gamma_symbol("L", 1, 0) + th.gamma_symbol("R", 1, 0)
    assert zero(z.w_fermi[w] - G * f_L(z.model.symbol("U_MH") + z.model.symbol("eps_M")))


def test_heat_currents_are_interaction_times_cycle_fluxes(z):
    U_MH, U_MC = z.model.symbol("U_MH"), z.model.symbol("U_MC")
    assert zero(z.current("J_H") - U_MH * z.chord_current("H"))
    assert zero(z.current("J_C") - U_MC * z.chord_current("C"))
    assert not zero(z.current("J_H") - U_MC * z.chord_current("H"))


def test_lead_split_gives_lambda_weighted_cycle_fluxes(z):
    LH, LC = th.asymmetry("H"), th.asymmetry("C")
    assert zero(z.current("IN_R") - LH * z.chord_current("H") - LC * z.chord_current("C"))
    assert not zero(z.current("IN_R") - LC * z.chord_current("H") - LH * z.chord_current("C"))


def test_hill_cycle_fluxes_decompose_chord_currents(z):
    F = {n: c.flux for n, c in z.hill_cycles.items()}
    assert z.hill_cycles["O"].feeding == 1
    assert len(z.hill_cycles["a"].feeding.args) == 3
    assert zero(z.chord_current("H") - F["a"] - F["O"])
    assert zero(z.chord_current("C") - F["b"] + F["O"])
    for (s, t) in z.w:
        if s < t:
            assert zero(z.edge_current(s, t) - sum(c.orientation(s, t) * F[n] for n, c in z.hill_cycles.items()))


# -- Eq. (13) ------------------------------------------------------------------------------------------------------


def test_eq13_proven_in_fermi_form_ring(m6):
    P, R = th.eq13_numerator(m6)
    assert P == 0
    assert len(R.gens) >= 15


def test_eq13_numerator_detects_wrong_sign(m6):
    """Negative control: with the sign of Eq. (13) flipped the same ring computation is nonzero."""
    P, _ = th.eq13_numerator(m6)
    assert P == 0
    z = th.zero_bias_six_state()
    U_MH, U_MC = m6.symbol("U_MH"), m6.symbol("U_MC")
    assert not zero(z.current("IN_R") + th.eq13_rhs(z.current("J_H"), z.current("J_C"), U_MH=U_MH, U_MC=U_MC))


def test_eq13_exact_random_rational_points(m6):
    rng = random.Random(7)
    exprs = verify.exprs_rates_form(m6, ("IN_R", "J_H", "J_C"))
    for _ in range(4):
        kv, gv = verify.fermi_point(m6, rng)
        U = {m6.symbol("U_MH"): sp.Rational(rng.randint(1, 40), 3), m6.symbol("U_MC"): sp.Rational(rng.randint(1, 40), 7)}
        eps = {m6.symbol(n): sp.Rational(rng.randint(-30, 30), 11) for n in ("eps_H", "eps_C", "eps_M")}
        v = verify.evaluate_closed(m6, exprs, {**kv, **U, **eps, m6.symbol("mu_R"): 0})
        rhs = th.eq13_rhs(v["J_H"], v["J_C"], th.asymmetry("H").xreplace(gv), th.asymmetry("C").xreplace(gv),
                          U[m6.symbol("U_MH")], U[m6.symbol("U_MC")])
        assert v["IN_R"] != 0
        assert v["IN_R"] == rhs


def test_eq13_physical_point_40_digits(m6):
    rng = random.Random(11)
    for _ in range(2):
        pt = verify.physical_point(m6, rng, mu_R=0, T_R="T_L")
        a, b = th.eq13_physical_residual(m6, pt)
        assert verify.rel(a - b, a) < 1e-30


def test_eq13_fails_at_finite_bias(m6):
    P, _ = th.eq13_numerator(m6, mu_R_zero=False)
    assert P != 0
    pt = verify.physical_point(m6, random.Random(5), mu_R=sp.Rational(3, 4), T_R="T_L")
    a, b = th.eq13_physical_residual(m6, pt)
    assert verify.rel(a - b, a) > 1e-6


def test_eq13_fails_for_different_lead_temperatures(m6):
    P, _ = th.eq13_numerator(m6, same_lead_temperature=False)
    assert P != 0
    pt = verify.physical_point(m6, random.Random(6), mu_R=0, T_L=2, T_R=5)
    a, b = th.eq13_physical_residual(m6, pt)
    assert verify.rel(a - b, a) > 1e-6


def test_eq13_fails_for_finite_uhc(m8):
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
    pt = verify.physical_point(m8, rng, mu_R=0, T_R="T_L", U_HC=400)
    a, b = th.eq13_physical_residual(m8, pt)
    assert verify.rel(a - b, a) < 1e-20


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


def test_eq15_from_eq13_and_eq14(z):
    assert zero(th.current_in_heat_variables(0, th.J_trans) - th.eq15_current(th.J_trans))
    U_MH, U_MC = z.model.symbol("U_MH"), z.model.symbol("U_MC")
    JH, JC, IN = z.current("J_H"), z.current("J_C"), z.current("IN_R")
    assert zero(IN - th.current_in_heat_variables(JH + JC, JH - JC, U_MH=U_MH, U_MC=U_MC))
    assert not zero(IN - th.current_in_heat_variables(JH + JC, JC - JH, U_MH=U_MH, U_MC=U_MC))


def test_symmetric_couplings_and_equal_interactions_give_zero_istar(z):
    U_MH, U_MC = z.model.symbol("U_MH"), z.model.symbol("U_MC")
    sym = {th.gamma_symbol(a, 0, 1): th.gamma_symbol(a, 1, 0) for a in "LR"}
    LH, LC = th.asymmetry("H"), th.asymmetry("C")
    assert zero((LH - LC).xreplace(sym))
    assert not zero(LH - LC)
    assert zero(th.eq15_current(1).xreplace({**sym, U_MC: U_MH}))
    assert not zero(th.eq15_current(1).xreplace(sym))  # U_MH != U_MC: I* generically nonzero
    IN, Jin = z.current("IN_R"), z.current("J_H") + z.current("J_C")
    assert zero((IN - LH / U_MH * Jin).xreplace({**sym, U_MC: U_MH}))


# -- Eqs. (18), (19), second law --------------------------------------------------------------------------------------


def test_eq18_eq19_algebra():
    JL, JR, JH, JC, P = sp.symbols("J_L J_R J_H J_C P", real=True)
    T0, TH, TC = sp.symbols("T_0 T_H T_C", positive=True)
    dS = -(JL + JR) / T0 - JH / TH - JC / TC
    eq18 = th.entropy_production_eq18(JH + JC, JH - JC, P, T0, TH, TC)
    assert zero(dS.xreplace({JL: P - JR - JH - JC}) - eq18)
    assert not zero(dS.xreplace({JL: -P - JR - JH - JC}) - eq18)
    assert zero(th.power_bound_eq19(JH + JC, JH - JC, T0, TH, TC) - P - T0 * eq18)


def test_eq18_on_generic_model(m8):
    me, c, T0 = m8.me, m8.currents, th.T_0
    Tsub = {m8.symbol("T_L"): T0, m8.symbol("T_R"): T0}
    Jin, Jtr = c.J["H"] + c.J["C"], c.J["H"] - c.J["C"]
    P = -m8.symbol("mu_R") * c.IN["R"]
    EWp = (sp.Matrix([[me.system.energy(s) for s in me.states]]) * me.rate_matrix()
           * sp.Matrix(me.probability_symbols()))[0]
    eq18 = th.entropy_production_eq18(Jin, Jtr, P, T0, m8.symbol("T_H"), m8.symbol("T_C"))
    assert sp.expand((c.entropy_production - eq18).xreplace(Tsub) * T0 + EWp) == 0
    assert sp.expand((c.entropy_production - eq18).xreplace(Tsub) * T0) != 0  # needs stationarity
    assert prove_stationary(me.rate_matrix(), m8.steady.numerators, me.rate_symbols)


def test_cycle_affinities_and_entropy_decomposition(z):
    m6 = z.model
    A = {n: th.cycle_affinity(m6.me, seq).xreplace(z.zero_bias) for n, seq in th.CYCLES.items()}
    U_MH, U_MC, TH, TC = (m6.symbol(n) for n in ("U_MH", "U_MC", "T_H", "T_C"))
    assert zero(A["a"] - U_MH * (1 / th.T_0 - 1 / TH))
    assert zero(A["b"] - U_MC * (1 / th.T_0 - 1 / TC))
    assert zero(A["O"] - A["a"] + A["b"])
    dS = z.current("dS_dt")
    F = {n: c.flux for n, c in z.hill_cycles.items()}
    assert zero(dS - sum(F[n] * A[n] for n in F))
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


def test_second_law_random_points_generic_model():
    mp = symbolic(probe=True)
    rng = random.Random(31)
    for _ in range(3):
        pt = verify.physical_point(mp, rng)
        v = verify.physical_currents(mp, pt, ("dS_dt", "P", "J_L", "J_R", "J_H", "J_C", "J_P", "IN_L", "IN_R", "IN_P"),
                                 dps=30)
        assert v["dS_dt"] > 0
        assert abs(sum(v[f"J_{a}"] for a in "LRHCP") - v["P"]) < 1e-20
        assert abs(v["IN_L"] + v["IN_R"] + v["IN_P"]) < 1e-20


# -- conservation (Eqs. (9), (10)) -----------------------------------------------------------------------------------


def test_conservation_generic_model_with_probe():
    mp = symbolic(probe=True)
    assert prove_conservation(mp.me) == {"particle": True, "energy": True, "first_law": True}
    assert prove_stationary(mp.me.rate_matrix(), mp.steady.numerators, mp.me.rate_symbols)
    # negative control: a perturbed numerator is not stationary
    bad = list(mp.steady.numerators)
    bad[0] = bad[0] + mp.me.rate_symbols[0]
    assert not prove_stationary(mp.me.rate_matrix(), bad, mp.me.rate_symbols)
