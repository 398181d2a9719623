"""Compiled numerics vs the independent solvers (numpy batched solve, mpmath at 50 digits); Fermi stability;
bad input."""

import mpmath
import numpy as np
import pytest

from symqd.fermi import mpmath_fermi, numpy_fermi
from symqd.master import MasterEquation
from symqd.numeric import CompiledModel
from symqd.system import Reservoir, System

OBS = ["IN_L", "IN_R", "IN_P", "J_L", "J_R", "J_H", "J_C", "J_P", "P"]


def random_params(cm, rng, n, *, hard=False):
    vals = {}
    for name in cm.parameter_names:
        if name.startswith("T_"):
            vals[name] = 10 ** rng.uniform(-2, 2, n) if hard else rng.uniform(0.3, 3, n)
        elif name.startswith("gamma"):
            vals[name] = 10 ** rng.uniform(-4, 2, n) if hard else rng.uniform(0.1, 2, n)
        elif name.startswith("U_"):
            vals[name] = rng.uniform(0, 5, n)
        else:
            vals[name] = rng.uniform(-3, 3, n)
    return vals


def point(vals, i):
    return {k: float(v[i]) for k, v in vals.items()}


def scale(res):
    return max(abs(float(res[k])) for k in OBS)


# -- Fermi function ----------------------------------------------------------------------------------------------
def test_numpy_fermi_is_overflow_free_and_accurate_at_extreme_arguments():
    x = np.concatenate([-np.logspace(-3, 4, 200), [0.0], np.logspace(-3, 4, 200)])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is correct
        f = numpy_fermi(x)
    assert np.all(np.isfinite(f)) and np.all((f >= 0) & (f <= 1))
    with mpmath.workdps(30):
        for xi, fi in zip(x, f):
            ref = mpmath_fermi(mpmath.mpf(xi))
            if ref > 1e-300:  # representable in double precision
                assert abs(fi - float(ref)) <= 1e-15 * float(ref)
            else:
                assert fi < 1e-290


# -- closed form vs solvers ---------------------------------------------------------------------------------------
def test_closed_form_equals_batched_solver_on_random_points(compiled_triple_dot):
    cm = compiled_triple_dot
    vals = random_params(cm, np.random.default_rng(0), 500)
    a = cm.evaluate(vals)
    b = cm.evaluate(vals, method="solver")
    for s in cm.me.states:
        np.testing.assert_allclose(a["p"][s], b["p"][s], rtol=0, atol=1e-12)
    for k in OBS:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-9, atol=1e-12)


def test_closed_form_matches_mpmath_solver_to_50_digits(compiled_triple_dot):
    cm = compiled_triple_dot
    vals = random_params(cm, np.random.default_rng(1), 3)
    with mpmath.workdps(50):
        for i in range(3):
            pt = {k: mpmath.mpf(v) for k, v in point(vals, i).items()}
            a = cm.evaluate(pt, backend="mpmath")
            b = cm.evaluate(pt, backend="mpmath", method="solver")
            for k in OBS:
                assert abs(a[k] - b[k]) <= mpmath.mpf(10) ** -45 * (1 + abs(b[k]))


def test_closed_form_numpy_is_accurate_at_hard_points(compiled_triple_dot):
    """T over 1e-2..1e2 relative to level spacings, couplings 1e-4..1e2: the subtraction-free closed form stays
    within 1e-8 of the 50-digit solver (relative to the largest current of the point)."""
    cm = compiled_triple_dot
    vals = random_params(cm, np.random.default_rng(2), 40, hard=True)
    a = cm.evaluate(vals)
    assert all(np.all(np.isfinite(a[k])) for k in OBS)
    for i in range(40):
        ref = cm.evaluate(point(vals, i), backend="mpmath", method="solver")
        s = scale(ref)
        for k in OBS:
            assert abs(a[k][i] - float(ref[k])) <= 1e-8 * s + 1e-300


def test_conservation_and_second_law_hold_numerically(compiled_triple_dot):
    cm = compiled_triple_dot
    vals = random_params(cm, np.random.default_rng(3), 2000)
    r = cm.evaluate(vals)
    IN = sum(r[f"IN_{a}"] for a in "LRHCP")
    IE = sum(r[f"IE_{a}"] for a in "LRHCP")
    J = sum(r[f"J_{a}"] for a in "LRHCP")
    np.testing.assert_allclose(IN, 0, atol=1e-13)
    np.testing.assert_allclose(IE, 0, atol=1e-12)
    np.testing.assert_allclose(J, r["P"], atol=1e-12)
    assert np.all(r["dS_dt"] >= -1e-13)


def test_low_temperature_gives_no_nan_and_matches_mpmath():
    """|x/T| up to 1e4: levels of order 1, T = 1e-4."""
    me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")]))
    cm = CompiledModel(me)
    vals = {"T_L": 1e-4, "T_R": 2e-4, "eps_D": np.array([-1.0, -1e-3, 0.0, 0.5, 1.0]), "gamma_L": 1.0,
            "gamma_R": 0.3, "mu_R": 0.2}
    r = cm.evaluate(vals)
    assert np.all(np.isfinite(r["IN_R"]))
    for i, eps in enumerate(vals["eps_D"]):
        ref = cm.evaluate({**vals, "eps_D": eps}, backend="mpmath", method="solver")
        assert abs(r["IN_R"][i] - float(ref["IN_R"])) <= 1e-14


def test_vectorized_evaluation_broadcasts(compiled_triple_dot):
    cm = compiled_triple_dot
    base = point(random_params(cm, np.random.default_rng(4), 1), 0)
    vals = {**base, "T_H": np.linspace(1, 2, 5)[:, None], "mu_R": np.linspace(-1, 1, 3)[None, :]}
    r = cm.evaluate(vals)
    assert r["IN_R"].shape == (5, 3) and r["p"][(0, 0, 0)].shape == (5, 3)
    single = cm.evaluate({**base, "T_H": 1.25, "mu_R": 0.0})
    assert r["IN_R"][1, 1] == pytest.approx(float(single["IN_R"]), rel=1e-12)


# -- bad input ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change, match",
    [
        ({"T_H": 0.0}, "'T_H' is a temperature and must be > 0"),
        ({"T_C": -1.0}, "'T_C' is a temperature and must be > 0"),
        ({"gamma_C": -0.1}, "'gamma_C' is a tunnel coupling and must be >= 0"),
        ({"gamma_L_10": np.array([1.0, -1.0])}, "'gamma_L_10'"),
        ({"eps_Q": 1.0}, "unknown parameter name.*'eps_Q'"),
        ({"eps_M": np.nan}, "'eps_M' must be finite"),
        ({"T_H": np.ones(3), "T_C": np.ones(4)}, "does not broadcast"),
    ],
)
def test_bad_input_raises_value_error_naming_the_parameter(compiled_triple_dot, change, match):
    cm = compiled_triple_dot
    vals = {**point(random_params(cm, np.random.default_rng(5), 1), 0), **change}
    with pytest.raises(ValueError, match=match):
        cm.evaluate(vals)


def test_missing_parameter_is_named(compiled_triple_dot):
    cm = compiled_triple_dot
    vals = point(random_params(cm, np.random.default_rng(6), 1), 0)
    del vals["U_MC"]
    with pytest.raises(ValueError, match="missing parameter.*'U_MC'"):
        cm.evaluate(vals)


def test_unknown_backend_and_method_are_rejected(compiled_triple_dot):
    vals = point(random_params(compiled_triple_dot, np.random.default_rng(7), 1), 0)
    with pytest.raises(ValueError, match="backend"):
        compiled_triple_dot.evaluate(vals, backend="torch")
    with pytest.raises(ValueError, match="method"):
        compiled_triple_dot.evaluate(vals, method="guess")


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_an_int_beyond_the_double_range_is_a_value_error_naming_the_parameter(backend):
    from symqd import CompiledModel, MasterEquation, Reservoir, System

    cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
    v = {"T_L": 1.0, "T_R": 1, "eps_D": 10**400, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
    with pytest.raises(ValueError, match="'eps_D' must be finite"):
        cm.evaluate(v, backend=backend)
