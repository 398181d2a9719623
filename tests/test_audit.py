"""audit(model): every example model passes, the report formats work, and a broken model fails."""

from __future__ import annotations

import math

import pytest

from symqd import BosonicBath, MasterEquation, Reservoir, System, spinful_level
from symqd.audit import AuditReport, audit

CHECKS = ["particle conservation", "energy conservation", "first law", "local detailed balance", "second law",
          "detailed balance at equilibrium", "Boltzmann occupations at equilibrium",
          "Kolmogorov cycle condition at equilibrium", "cycle affinities = thermodynamic forces", "Onsager symmetry",
          "Johnson-Nyquist c_2 = 2 L_ii", "TUR sigma Var(J)/J^2 >= 2"]


def single_level():
    return MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))


def anderson():
    dots, inter = spinful_level("d")
    return MasterEquation(System.build(dots, inter, [Reservoir("L", ("d_up", "d_dn"), coupling="g_L"),
                                                     Reservoir("R", ("d_up", "d_dn"), coupling="g_R")]))


def phonon_double_dot():
    return MasterEquation(System.build(
        ["A", "B"], {("A", "B"): math.inf},
        [Reservoir("L", "A"), Reservoir("R", "B"), BosonicBath("ph", between=("A", "B"))]))


@pytest.mark.parametrize("build", [single_level, anderson, phonon_double_dot], ids=lambda f: f.__name__)
def test_example_models_pass(build):
    rep = audit(build(), samples=2, tur_samples=100)
    assert [r["check"] for r in rep.rows] == CHECKS
    assert rep.passed, rep.table()
    proven = {r["check"] for r in rep.rows if r["status"] == "proven"}
    assert {"particle conservation", "second law", "detailed balance at equilibrium",
            "Kolmogorov cycle condition at equilibrium", "Johnson-Nyquist c_2 = 2 L_ii"} <= proven
    d = rep.as_dict()
    assert d["passed"] and len(d["checks"]) == len(CHECKS) and d["values"]["tur_violations"] == 0
    assert "all checks passed" in rep.table()
    tex = rep.latex()
    assert tex.startswith("\\subsection{Audit:") and "\\end{tabular}" in tex and "Johnson-Nyquist c\\_2" in tex


def test_thermocouple_passes():
    from symqd.models import thermocouple as tc

    rep = audit(tc.symbolic(uhc_infinite=False), samples=1, tur_samples=100)
    assert rep.passed, rep.table()


class _BrokenLead(Reservoir):
    """A lead whose rate law violates local detailed balance (gamma f(x/2) instead of gamma f(x))."""

    def rate(self, transition):
        from symqd.fermi import fermi

        return transition.gamma * fermi(transition.fermi_argument(self.temperature, self.mu) / 2)


def test_broken_rate_law_fails():
    """A model whose rates violate local detailed balance must fail the thermodynamic rows (the audit can fail)."""
    good = single_level()
    parts = (good.system.reservoirs[0], _BrokenLead("R", "D"))
    me = MasterEquation(System(good.system.dots, good.system.interactions, parts))
    rep = audit(me, samples=2, tur_samples=50)
    failed = {r["check"] for r in rep.rows if r["status"] == "FAILED"}
    assert not rep.passed
    assert {"local detailed balance", "detailed balance at equilibrium", "Boltzmann occupations at equilibrium"} <= failed
    assert "SOME CHECKS FAILED" in rep.table()


def test_bad_input():
    with pytest.raises(ValueError, match="reference"):
        audit(single_level(), reference="X")
    with pytest.raises(ValueError, match="MasterEquation"):
        audit("model")
    assert isinstance(AuditReport("x"), AuditReport)
