"""Two thin example models of the general engine, their closed forms and what the closed forms prove.

1. The spinful single-level thermoelectric dot (:mod:`symqd.models.spinful_dot`): a spin-degenerate level with
   on-site interaction between leads L and R, both coupled to both spins. Proven from the closed form: particle and
   energy conservation (identities in the rates), and that every current vanishes at equilibrium
   (``T_L = T_R``, ``mu_L = mu_R``; a rational identity in the Boltzmann factors), but not away from it.
2. The three-terminal phonon-assisted double dot of Jiang, Entin-Wohlman and Imry, PRB 85, 075412 (2012)
   (:mod:`symqd.models.phonon_double_dot`): dot 1 on lead L, dot 2 on lead R, ``U_12 = oo``, a phonon bath between
   the dots. Proven: the phonon bath's energy current is ``(eps_2 - eps_1)`` times the particle current from L
   (energy conservation on the single transport cycle), particle and energy conservation; checked at exact random
   rational rates and at a physical point with 50 digits.

The printed closed forms come from :func:`symqd.latex.closed_form` (the same sympy objects the proofs use).
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from symqd import CompiledModel
from symqd.fermi import fermi
from symqd.latex import Align, Equation, Prose, Section, Table, closed_form, render, tex
from symqd.models.phonon_double_dot import phonon_double_dot
from symqd.models.spinful_dot import spinful_dot

TITLE = "Example models: spinful dot and phonon-assisted double dot"
SECTION = "engine_models"


def _zero(expr) -> bool:
    """Exact proof that a rational expression vanishes identically: the numerator of ``together(expr)`` expands to
    the zero polynomial (no gcd computed, unlike ``cancel``)."""
    return sp.expand(sp.fraction(sp.together(expr))[0]) == 0


def _rational_point(symbols, rng):
    return {k: sp.Rational(rng.randint(1, 97), rng.randint(1, 97)) for k in symbols}


def _spinful(ctx):
    me = spinful_dot()
    cf = closed_form(me, ("IN_R", "J_R", "IE_R"))
    names = ("IN_L", "IN_R", "IE_L", "IE_R")
    full = closed_form(me, names)  # all currents, for the proofs
    I = {n: full.expression(n) for n in names}
    ctx.check("spinful dot: 4 states, 16 transitions, 4 spanning trees per numerator",
              me.n == 4 and len(me.transitions) == 16 and all(len(N.args) == 4 for N in cf.steady.numerators))
    ctx.check("spinful dot: I^N_L + I^N_R = 0 (rational identity in the 16 rates)", _zero(I["IN_L"] + I["IN_R"]))
    ctx.check("spinful dot: I^E_L + I^E_R = 0 (rational identity in the rates and energies)",
              _zero(I["IE_L"] + I["IE_R"]))
    rng = random.Random(91)
    ok = True
    for _ in range(3):
        pt = _rational_point(me.rate_symbols, rng)
        v = {n: e.xreplace(pt) for n, e in I.items()}
        ok &= v["IN_L"] + v["IN_R"] == 0 and v["IN_L"] != 0
    ctx.check("spinful dot: conservation exact at 3 random rational rate points (currents nonzero)", ok)

    # equilibrium: T_R = T_L = T, mu_R = mu_L = mu; Boltzmann factors a1 = e^{(eps-mu)/T}, a2 = e^{(eps+U-mu)/T}
    s = {n: sp.Symbol(n, **a) for n, a in (("T_L", dict(positive=True)), ("T_R", dict(positive=True)),
                                           ("mu_L", dict(real=True)), ("mu_R", dict(real=True)),
                                           ("eps_d", dict(real=True)), ("U_d", dict(nonnegative=True)))}
    a1, a2 = sp.symbols("a1 a2", positive=True)
    eq = {s["T_R"]: s["T_L"], s["mu_R"]: s["mu_L"]}
    boltz = {s["eps_d"]: s["mu_L"] + s["T_L"] * sp.log(a1), s["U_d"]: s["T_L"] * (sp.log(a2) - sp.log(a1))}

    def at_equilibrium(expr):
        e = expr.xreplace(me.physical_rates()).xreplace(eq).xreplace(boltz)
        e = e.replace(fermi, lambda x: 1 / (1 + sp.exp(sp.expand(x))))
        return sp.expand_log(e, force=True)

    IN_eq = at_equilibrium(I["IN_R"])
    IE_eq = at_equilibrium(I["IE_R"])
    ctx.check("spinful dot at equilibrium (T_L = T_R, mu_L = mu_R): I^N_R = 0 identically "
              "(rational function of gamma_L, gamma_R and the Boltzmann factors)", _zero(IN_eq))
    ctx.check("spinful dot at equilibrium: I^E_R = 0 identically", _zero(IE_eq))
    # negative control: a temperature difference drives a current (physical point, 50 digits)
    cm = CompiledModel(me)
    vals = {"eps_d": 1, "U_d": 3, "gamma_L": 1, "gamma_R": 2, "T_L": 2, "T_R": 1, "mu_L": 0, "mu_R": 0}
    with mpmath.workdps(50):
        r = cm.evaluate({k: mpmath.mpf(v) for k, v in vals.items()}, backend="mpmath")
        IN = r["IN_R"]
        vals_eq = {**vals, "T_L": 1}
        r_eq = cm.evaluate({k: mpmath.mpf(v) for k, v in vals_eq.items()}, backend="mpmath")
    ctx.record("spinful_IN_R_at_TL2_TR1", float(IN))
    ctx.check("spinful dot: T_L = 2 T_R drives I^N_R != 0 (50 digits), and I^N_R = 0 to 1e-45 at T_L = T_R",
              abs(IN) > 1e-3 and abs(r_eq["IN_R"]) < 1e-45, IN_R=float(IN))

    blocks = [Section("Spinful single-level dot", level=2),
              Prose("A spin-degenerate level $\\varepsilon_d$ with on-site interaction $U_d$ (dots "
                    "$d_{\\uparrow}$, $d_{\\downarrow}$) between leads $L$ and $R$ coupled to both spins with "
                    "$\\gamma_L$, $\\gamma_R$ (\\texttt{symqd.models.spinful\\_dot}). States $(n_\\uparrow,"
                    "n_\\downarrow)$.")]
    blocks += cf.blocks(level=3)
    blocks += [Prose("\\textbf{Proven} from this closed form: $I^N_L+I^N_R=0$ and $I^E_L+I^E_R=0$ as rational "
                     "identities in the rates (and exactly at random rational rates); at equilibrium, with "
                     "$a_1=e^{(\\varepsilon_d-\\mu)/T}$, $a_2=e^{(\\varepsilon_d+U_d-\\mu)/T}$, both currents cancel "
                     "identically:"),
               Equation(r"I^{N}_{R}\big|_{T_L=T_R,\ \mu_L=\mu_R}", sp.S.Zero),
               Prose("Away from equilibrium the dot is a thermoelectric: at $\\varepsilon_d=1$, $U_d=3$, "
                     "$\\gamma_L=1$, $\\gamma_R=2$, $T_L=2$, $T_R=1$, $\\mu_L=\\mu_R=0$: "
                     "$I^N_R=%s$ (50-digit evaluation)." % tex(sp.Float(float(IN), 6)))]
    ctx.write_tex("spinful_dot", render(blocks))


def _phonon(ctx):
    me = phonon_double_dot()
    names = ("IN_L", "IN_R", "IE_L", "IE_R", "IE_ph", "J_ph")
    cf = closed_form(me, names)
    I = {n: cf.expression(n) for n in names}
    e1, e2 = me.system.dots[0].level, me.system.dots[1].level
    ctx.check("phonon double dot: states 00, 01, 10 (U_12 = oo), 6 transitions, one cycle (3 spanning trees)",
              me.n == 3 and len(me.transitions) == 6 and all(len(N.args) == 3 for N in cf.steady.numerators))
    ctx.check("phonon double dot: I^E_ph = (eps_2 - eps_1) I^N_L (rational identity in the rates)",
              _zero(I["IE_ph"] - (e2 - e1) * I["IN_L"]))
    ctx.check("phonon double dot: J_ph = I^E_ph (a bath carries no particles)",
              _zero(I["J_ph"] - I["IE_ph"]))
    ctx.check("phonon double dot: I^N_L + I^N_R = 0", _zero(I["IN_L"] + I["IN_R"]))
    ctx.check("phonon double dot: I^E_L + I^E_R + I^E_ph = 0", _zero(I["IE_L"] + I["IE_R"] + I["IE_ph"]))
    rng = random.Random(2012)
    ok = True
    for _ in range(5):
        pt = _rational_point(me.rate_symbols, rng)
        pt.update({e1: sp.Rational(rng.randint(-50, 50), 7), e2: sp.Rational(rng.randint(-50, 50), 11)})
        v = {n: e.xreplace(pt) for n, e in I.items()}
        ok &= v["IE_ph"] == (pt[e2] - pt[e1]) * v["IN_L"] and v["IN_L"] != 0
        ok &= v["IN_L"] + v["IN_R"] == 0 and v["IE_L"] + v["IE_R"] + v["IE_ph"] == 0
    ctx.check("phonon double dot: the three identities exact at 5 random rational points (rates and levels)", ok)
    cm = CompiledModel(me)
    vals = {"eps_1": "-0.3", "eps_2": "0.7", "gamma_L": 1, "gamma_R": "0.5", "g_ph": "0.2", "T_L": 1, "T_R": 1,
            "T_ph": 3, "mu_L": 0, "mu_R": 0}
    with mpmath.workdps(50):
        r = cm.evaluate({k: mpmath.mpf(v) for k, v in vals.items()}, backend="mpmath")
        resid = abs(r["IE_ph"] - (mpmath.mpf("0.7") + mpmath.mpf("0.3")) * r["IN_L"])
    ctx.record("phonon_IN_L_at_Tph3", float(r["IN_L"]))
    ctx.check("phonon double dot, physical point (T_ph = 3 T_L, no bias): heat from the phonons drives "
              "I^N_L > 0 and |I^E_ph - (eps_2 - eps_1) I^N_L| < 1e-45 (50 digits)",
              r["IN_L"] > 0 and resid < 1e-45, IN_L=float(r["IN_L"]), residual=float(resid))

    shown = closed_form(me, ("IN_L", "IE_ph"))
    blocks = [Section("Phonon-assisted double dot (three terminals)", level=2),
              Prose("Jiang, Entin-Wohlman and Imry, PRB \\textbf{85}, 075412 (2012): dot 1 (level "
                    "$\\varepsilon_1$) on lead $L$, dot 2 ($\\varepsilon_2$) on lead $R$, $U_{12}=\\infty$, and a "
                    "phonon bath (temperature $T_{\\mathrm{ph}}$, ohmic coupling $g_{\\mathrm{ph}}$) that moves the "
                    "electron between the dots (\\texttt{symqd.models.phonon\\_double\\_dot}). States "
                    "$(n_1,n_2)$.")]
    blocks += shown.blocks(level=3)
    blocks += [Prose("\\textbf{Proven} from this closed form (rational identities in the six rates and the "
                     "levels, also exact at random rational points): the transition graph is the single cycle "
                     "$00\\to10\\to01\\to00$, so every electron that crosses from $L$ to $R$ takes "
                     "$\\varepsilon_2-\\varepsilon_1$ from the phonons:"),
               Equation(tex(sp.Symbol("IE_ph")), (e2 - e1) * sp.Symbol("IN_L")),
               Align([(r"I^{N}_{L}+I^{N}_{R}", sp.S.Zero),
                      (r"I^{E}_{L}+I^{E}_{R}+I^{E}_{\mathrm{ph}}", sp.S.Zero)]),
               Prose("A physical point (50 digits): the phonon bath hotter than the leads drives a current "
                     "without bias."),
               Table(["$\\varepsilon_1$", "$\\varepsilon_2$", "$T_{\\mathrm{ph}}$", "$I^N_L$",
                      "$|I^E_{\\mathrm{ph}}-(\\varepsilon_2-\\varepsilon_1)I^N_L|$"],
                     [[-0.3, 0.7, 3.0, float(r["IN_L"]), float(resid)]], spec="rrrrr")]
    ctx.write_tex("phonon_double_dot", render(blocks))


def run(ctx):
    _spinful(ctx)
    _phonon(ctx)
