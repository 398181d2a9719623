"""Cholesky appendix of paper 2 (P2-4, P2-5): sums of squares and the seed's C_2, C_12."""
import numpy as np
import pytest
import sympy as sp

from symqd import cholesky as ch
from symqd import onsager as o

SOS = ch.sum_of_squares_forms()
DER = ch.derived_forms()


@pytest.mark.parametrize("key", sorted(SOS))
def test_onsager_quantity_equals_cholesky_sum_of_squares_form(key):
    assert sp.cancel(sp.together(DER[key] - SOS[key])) == 0


def test_P2_5_seed_C2_and_C12_reproduced_exactly():
    assert sp.cancel(sp.together(DER["C_2"] - ch.SEED_C2)) == 0
    assert sp.cancel(sp.together(DER["C_12"] - ch.SEED_C12)) == 0


def test_a_wrong_constant_is_detected():
    wrong = ch.SEED_C2.subs(ch.delta, 2 * ch.delta)
    assert sp.cancel(sp.together(DER["C_2"] - wrong)) != 0


def _is_manifestly_nonnegative(expr):
    """numerator and denominator are sums of (products of) even powers with positive coefficients."""
    num, den = sp.fraction(sp.together(expr))
    def ok(p):
        terms = sp.Add.make_args(p)
        for t in terms:
            c, factors = t.as_coeff_mul()
            if c < 0:
                return False
            for f in factors:
                if isinstance(f, sp.Add) and ok(f):
                    continue
                base, ex = f.as_base_exp()
                if not (ex.is_even or (isinstance(base, sp.Add) and ok(base))):
                    return False
        return True
    return ok(num) and ok(den)


@pytest.mark.parametrize("key", ["a_1", "a_2", "det_M", "Kt_11", "Kt_22", "C_1", "C_2", "Z12_over_C12"])
def test_sign_definite_forms_are_manifest_sums_of_squares(key):
    assert _is_manifestly_nonnegative(SOS[key])


def test_Kt12_and_C12_have_undefined_sign_but_equal_sign_as_Z12():
    assert not _is_manifestly_nonnegative(SOS["Kt_12"])
    rng = np.random.default_rng(0)
    L = ch.onsager_from_cholesky()
    syms = sorted(L.free_symbols, key=str)
    f = sp.lambdify(syms + [ch.delta], [DER["C_12"], o.efficiency_constants(L, ch.delta)["Z_12"]])
    signs = set()
    for _ in range(200):
        c12, z12 = f(*rng.normal(size=len(syms)), rng.normal())
        assert np.sign(c12) == np.sign(z12)
        signs.add(np.sign(c12))
    assert signs == {-1.0, 1.0}


def test_eta_below_half_carnot_every_case_from_sos():
    # eta/eta_C = (1/2) Z/(Z + C) = (1/2)/(1 + C/Z) with C/Z >= 0 (C_1, C_2, Z_1, Z_2 >= 0; Z_12/C_12 >= 0)
    for key in ("C_1", "C_2", "Z12_over_C12"):
        assert _is_manifestly_nonnegative(SOS[key])
