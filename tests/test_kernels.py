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
