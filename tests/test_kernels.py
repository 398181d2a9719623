"""Compiled C kernels (symqd.kernels) against the numpy closed form, at random points of random models."""

import math
import warnings

import numpy as np
import pytest

import symqd.kernels as kernels
from symqd import BosonicBath, CompiledModel, MasterEquation, Reservoir, System, spinful_level

pytestmark = pytest.mark.skipif(kernels.compiler_available() is None, reason="no C compiler")


def models():
    dots, inter = spinful_level("d")
    yield MasterEquation(System.build(dots, inter, [Reservoir("L", ("d_up", "d_dn"), mu=0), Reservoir("R", ("d_up", "d_dn"))]))
    yield MasterEquation(System.build(["A", "B"], {("A", "B"): math.inf},
                                      [Reservoir("L", "A"), Reservoir("R", "B"), BosonicBath("ph", ("A", "B"))]))
    yield MasterEquation(System.build(["M", "H", "C"], {("M", "H"): None, ("M", "C"): None, ("H", "C"): None},
                                      [Reservoir("L", "M", mu=0, depends_on=("H", "C")), Reservoir("R", "M"),
                                       Reservoir("H", "H", mu=0), Reservoir("C", "C", mu=0)]))


@pytest.mark.parametrize("me", list(models()), ids=["spinful", "phonon", "thermocouple8"])
def test_kernel_agrees_with_numpy_closed_form_relative_to_gross_flux(me):
    cm = CompiledModel(me)
    km = kernels.KernelModel(cm, chunk_size=1000)
    rng = np.random.default_rng(11)
    N = 5000
    vals = {}
    for n in cm.parameter_names:
        if n.startswith("T_"):
            vals[n] = rng.uniform(0.2, 3.0, N)
        elif n.startswith(("gamma", "g_")):
            vals[n] = 10 ** rng.uniform(-3, 1, N)
        elif n.startswith("U_"):
            vals[n] = rng.uniform(0, 5, N)
        else:
            vals[n] = rng.uniform(-4, 4, N)
    a = km.evaluate(vals)
    b = cm.evaluate(vals)
    ks = cm.rates(vals)
    P = [b["p"][s] for s in me.states]
    shape, v = cm.validate(vals)
    gross = cm._fn("gross", "numpy")(*cm._args(v, "numpy"), *ks, *P)
    scale = np.max(np.stack([np.broadcast_to(g, (N,)) for g in gross]), axis=0)
    for s in me.states:
        assert np.max(np.abs(a["p"][s] - b["p"][s])) < 1e-13
    for name in cm.observable_names:
        if name.startswith(("IN_", "IE_", "J_")):
            assert np.max(np.abs(a[name] - b[name]) / scale) < 1e-13, name


def test_kernel_scalar_point_and_fallback_notice(monkeypatch):
    me = next(models())
    cm = CompiledModel(me)
    vals = dict(T_L=1.0, T_R=1.5, eps_d=0.2, U_d=2.0, gamma_L_d_up=1.0, gamma_L_d_dn=1.0, gamma_R_d_up=0.5,
                gamma_R_d_dn=0.5, mu_R=0.3)
    r = kernels.KernelModel(cm).evaluate(vals, outputs=["IN_R"])
    assert abs(float(r["IN_R"]) - float(cm.evaluate(vals)["IN_R"])) < 1e-15
    monkeypatch.setattr(kernels, "compiler_available", lambda: None)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        km = kernels.KernelModel(cm)
    assert not km.available and any("using the numpy backend" in str(x.message) for x in w)
    assert abs(float(km.evaluate(vals)["IN_R"]) - float(cm.evaluate(vals)["IN_R"])) == 0


def test_loading_a_kernel_keeps_subnormal_numbers_in_the_whole_process():
    """A shared object linked with -ffast-math would switch the process to flush-to-zero (crtfastmath.o)."""
    import subprocess
    import sys

    code = ("import numpy as np; from symqd import *; from symqd.kernels import KernelModel; "
            "me = MasterEquation(System.build(['D'], {}, [Reservoir('L', 'D'), Reservoir('R', 'D')])); "
            "km = KernelModel(CompiledModel(me)); assert km.available; "
            "x = np.array([1e-310]); print(float((x * 1.0)[0]) > 0 and float(np.float64(1e-300) * 1e-10) > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"


@pytest.mark.parametrize("name, bad, rule", [("T_R", 0.0, "temperature and must be > 0"),
                                              ("T_L", -1.0, "temperature and must be > 0"),
                                              ("mu_R", float("nan"), "must be finite"),
                                              ("eps_d", float("inf"), "must be finite"),
                                              ("gamma_R_d_up", -1e-3, "tunnel coupling and must be >= 0")])
def test_kernel_checks_the_value_rules_in_its_loop_and_names_the_parameter(name, bad, rule):
    """The kernel checks NaN/inf, T <= 0 and negative couplings in the same pass as the arithmetic; one bad point
    among 10^4 (in any chunk) gives the ValueError of CompiledModel.validate."""
    cm = CompiledModel(next(models()))
    km = kernels.KernelModel(cm, chunk_size=1000)
    N = 10_000
    vals = dict(T_L=1.0, T_R=np.full(N, 1.5), eps_d=np.linspace(-1, 1, N), U_d=2.0, gamma_L_d_up=1.0,
                gamma_L_d_dn=1.0, gamma_R_d_up=np.full(N, 0.5), gamma_R_d_dn=0.5, mu_R=np.zeros(N))
    assert np.isfinite(km.evaluate(vals, outputs=["IN_R"])["IN_R"]).all()
    v = np.broadcast_to(np.asarray(vals[name], dtype=float), (N,)).copy()
    v[7_777] = bad
    with pytest.raises(ValueError, match=f"'{name}'.*{rule}"):
        km.evaluate({**vals, name: v}, outputs=["IN_R"])


def test_kernel_refuses_zero_couplings_that_split_the_graph_and_accepts_those_that_do_not():
    cm = CompiledModel(next(models()))
    km = kernels.KernelModel(cm)
    vals = dict(T_L=1.0, T_R=1.5, eps_d=0.2, U_d=2.0, gamma_L_d_up=1.0, gamma_L_d_dn=1.0, gamma_R_d_up=0.5,
                gamma_R_d_dn=0.5, mu_R=0.3)
    one = km.evaluate({**vals, "gamma_R_d_up": np.array([0.5, 0.0])}, outputs=["IN_R"])["IN_R"]
    ref = cm.evaluate({**vals, "gamma_R_d_up": 0.0}, outputs=["IN_R"])["IN_R"]
    assert abs(one[1] - ref) < 1e-15  # the up level still couples to L: the graph stays connected
    with pytest.raises(ValueError, match="gamma_L_d_up.*gamma_R_d_up|gamma_R_d_up.*gamma_L_d_up"):
        km.evaluate({**vals, "gamma_L_d_up": np.array([1.0, 0.0]), "gamma_R_d_up": 0.0}, outputs=["IN_R"])


def test_kernel_refuses_strings_and_shapes_that_do_not_broadcast():
    cm = CompiledModel(next(models()))
    km = kernels.KernelModel(cm)
    vals = dict(T_L=1.0, T_R=1.5, eps_d=0.2, U_d=2.0, gamma_L_d_up=1.0, gamma_L_d_dn=1.0, gamma_R_d_up=0.5,
                gamma_R_d_dn=0.5, mu_R=0.3)
    with pytest.raises(ValueError, match="'mu_R' must be a real number"):
        km.evaluate({**vals, "mu_R": "__import__('os')"})
    with pytest.raises(ValueError, match="'mu_R' has shape .2,., which does not broadcast with shape .3,. .of parameter 'eps_d'."):
        km.evaluate({**vals, "mu_R": [0.0, 1.0], "eps_d": [0.0, 1.0, 2.0]})


def test_compiled_model_backend_c_is_the_kernel_and_agrees_with_the_solver():
    """``cm.evaluate(backend="c")`` (any model) against the independent GTH solver at random points, and the
    refine switch: with cancellation refinement on, an equilibrium point's currents are exact zeros as in numpy."""
    me = list(models())[1]
    cm = CompiledModel(me)
    rng = np.random.default_rng(5)
    N = 2000
    vals = {n: (rng.uniform(0.3, 3.0, N) if n.startswith(("T_", "g_", "gamma")) else rng.uniform(-3, 3, N))
            for n in cm.parameter_names}
    vals.update({n: rng.uniform(0, 4, N) for n in cm.parameter_names if n.startswith("U_")})
    c = cm.evaluate(vals, backend="c", outputs=["IN_R", "J_ph", "p"])
    s = cm.evaluate(vals, method="solver", outputs=["IN_R", "J_ph", "p"])
    for k in ("IN_R", "J_ph"):
        assert np.max(np.abs(c[k] - s[k])) < 1e-10, k
    assert cm.kernel() is cm.kernel()
    with pytest.raises(ValueError, match="method='closed_form'"):
        cm.evaluate(vals, backend="c", method="solver")
    eq = {n: 1.0 for n in cm.parameter_names}
    eq.update({n: 0.0 for n in cm.parameter_names if n.startswith(("mu_", "eps_"))})
    r = cm.evaluate(eq, backend="c", outputs=["IN_R"], refine=True)
    assert float(r["IN_R"]) == float(cm.evaluate(eq, outputs=["IN_R"])["IN_R"])


def test_kernel_refines_cancelling_currents_chunk_by_chunk():
    """Net currents 1e-13 of their gross flux, in the 3rd chunk of 5: recomputed in mpmath (exact to ~1e-15
    relative), as on the numpy path; with refine=False the kernel's double-precision cancellation shows."""
    import mpmath

    cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
    km = kernels.KernelModel(cm, chunk_size=7)
    mu = np.full(35, 0.5)
    mu[17] = 1e-13
    vals = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.3, "gamma_L": 1.0, "gamma_R": 2.0, "mu_R": mu}
    got = km.evaluate(vals, outputs=["IN_R"])["IN_R"]
    with mpmath.workdps(50):
        f = lambda x: 1 / (1 + mpmath.exp(x))  # noqa: E731
        exact = 2 * (f(mpmath.mpf("0.3") - mpmath.mpf(1e-13)) - f(mpmath.mpf("0.3"))) / 3
    assert abs(got[17] / float(exact) - 1) < 1e-14
    assert abs(got[3] / float(cm.evaluate({**vals, "mu_R": 0.5}, outputs=["IN_R"])["IN_R"]) - 1) < 1e-14
    raw = km.evaluate(vals, outputs=["IN_R"], refine=False)["IN_R"]
    assert abs(raw[17] / float(exact) - 1) > 1e-6


@pytest.mark.parametrize("stage", [3, 17])
def test_staged_kernel_agrees_with_the_single_loop_kernel(monkeypatch, stage):
    """Long bodies are cut into stages (one function each, values crossing a stage kept in reused work-buffer
    slots); forcing tiny stages on the 8-state model must not change a bit beyond rounding."""
    me = list(models())[2]
    cm = CompiledModel(me)
    rng = np.random.default_rng(3)
    N = 300  # several blocks of kernels.BLOCK points, the last one partial
    vals = {n: (rng.uniform(0.3, 3.0, N) if n.startswith(("T_", "gamma")) else rng.uniform(-3, 3, N))
            for n in cm.parameter_names}
    ref = kernels.KernelModel(cm).evaluate(vals)
    monkeypatch.setattr(kernels, "STAGE", stage)
    km = kernels.KernelModel(cm)
    src, _ = kernels.kernel_source(cm)
    assert src.count("symqd_stage") > 3
    got = km.evaluate(vals)
    for s in me.states:
        assert np.max(np.abs(got["p"][s] - ref["p"][s])) < 1e-14
    for name in cm.observable_names:
        assert np.allclose(got[name], ref[name], rtol=1e-12, atol=1e-14), name


@pytest.mark.parametrize("nd", [4, pytest.param(5, marks=pytest.mark.slow)])
def test_kernel_of_16_and_32_states_agrees_with_the_independent_solver(nd):
    from symqd.models.interacting_dots import interacting_dots

    me = interacting_dots(nd)
    cm = CompiledModel(me)
    rng = np.random.default_rng(nd)
    N = 500
    vals = {n: rng.uniform(0.4, 2.0, N) if n.startswith(("T", "gamma")) else rng.uniform(-2, 2, N)
            for n in cm.parameter_names}
    c = cm.evaluate(vals, backend="c", outputs=["p", "IN_R", "J_X1"])
    s = cm.evaluate(vals, method="solver", outputs=["p", "IN_R", "J_X1"])
    for st in me.states:
        assert np.max(np.abs(c["p"][st] - s["p"][st])) < 1e-13
    for k in ("IN_R", "J_X1"):
        assert np.max(np.abs(c[k] - s[k])) < 1e-12, k


def test_kernel_built_by_the_pip_installable_compiler_agrees(monkeypatch, tmp_path):
    """The optional extra ``symqd[kernel]`` (the ziglang wheel: clang with libmvec's SIMD exp) on a machine where
    it is the only compiler."""
    import importlib.util
    import sys

    if importlib.util.find_spec("ziglang") is None:
        pytest.skip("ziglang (pip install 'symqd[kernel]') not installed")
    monkeypatch.setenv("SYMQD_CACHE", str(tmp_path))
    monkeypatch.setattr(kernels.shutil, "which", lambda name: None)  # no cc, gcc or clang on the PATH
    assert kernels.compiler_available() == f"{sys.executable} -m ziglang cc"
    me = next(models())
    cm = CompiledModel(me)
    km = kernels.KernelModel(cm)
    rng = np.random.default_rng(2)
    N = 1000
    vals = dict(T_L=rng.uniform(0.3, 3, N), T_R=1.5, eps_d=rng.uniform(-3, 3, N), U_d=2.0, gamma_L_d_up=1.0,
                gamma_L_d_dn=rng.uniform(0.1, 2, N), gamma_R_d_up=0.5, gamma_R_d_dn=0.5, mu_R=rng.uniform(-2, 2, N))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback notice: the kernel really ran
        got = km.evaluate(vals, outputs=["IN_R", "J_L"])
    assert km.available and list(tmp_path.glob("*.so"))
    ref = cm.evaluate(vals, outputs=["IN_R", "J_L"])
    for k in ("IN_R", "J_L"):
        assert np.max(np.abs(got[k] - ref[k])) < 1e-13, k


def test_kernel_on_an_empty_array_returns_empty_outputs():
    cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
    v = {"T_L": 1.0, "T_R": 1.0, "eps_D": np.array([]), "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
    r = cm.evaluate(v, backend="c", outputs=["IN_R", "p"])
    assert r["IN_R"].shape == (0,) and r["p"][(0,)].shape == (0,)
