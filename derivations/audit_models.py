"""audit(model) of every example model (issue 10): the thermocouple, a single level, a spinful Anderson dot and a
phonon-assisted double dot with a bosonic bath. Each audit row becomes a check; each report a LaTeX table."""

from __future__ import annotations

import math

from symqd import BosonicBath, MasterEquation, Reservoir, System, spinful_level
from symqd.audit import audit
from symqd.models import thermocouple as tc

TITLE = "Model audits: conservation laws, thermodynamics, Onsager, Johnson-Nyquist and the TUR"
SECTION = "audit"


def models():
    dots, inter = spinful_level("d")
    return {
        "single level": MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")])),
        "spinful Anderson dot": MasterEquation(System.build(
            dots, inter, [Reservoir("L", ("d_up", "d_dn"), coupling="g_L"),
                          Reservoir("R", ("d_up", "d_dn"), coupling="g_R")])),
        "phonon-assisted double dot": MasterEquation(System.build(
            ["A", "B"], {("A", "B"): math.inf},
            [Reservoir("L", "A"), Reservoir("R", "B"), BosonicBath("ph", between=("A", "B"))])),
        "thermocouple (8 states)": tc.symbolic(uhc_infinite=False),
    }


def run(ctx):
    body = ["\\subsection*{How to read the audits}",
            "Status \\emph{proven}: an exact identity (symbolic or exact rational arithmetic); \\emph{passed}: "
            "numeric at sampled parameter points (random, reproducible). Johnson--Nyquist in this package's "
            "conventions ($X^\\mu=\\delta\\mu/T$, $X^T=\\delta T/T^2$, $c_2$ the scaled second cumulant): "
            "$c_2=2L_{ii}$, i.e.\\ $S=2c_2=4TG$ for particles."]
    for i, (name, model) in enumerate(models().items()):
        rep = audit(model, name=name, samples=2, tur_samples=200, seed=i)
        print(rep.table())
        for row in rep.rows:
            ctx.check(f"{name}: {row['check']}", row["status"] != "FAILED", status=row["status"])
        ctx.record(f"{name}: TUR min", rep.values["tur_min"])
        body.append(rep.latex())
    ctx.write_tex("audits", "\n".join(body))
