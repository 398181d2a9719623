"""Counting statistics of the thermocouple (issue 10): noise, Fano factors and the TUR along the Fig. 2 curve.

1. Scaled cumulants c_1..c_3 of the particle current into R and c_1, c_2 of the heat currents J_H, J_C
   (symqd.fcs, recursive Rayleigh-Schroedinger program compiled through CompiledModel(observables=...)) along the
   Fig. 2 curve (8 states, U_HC = 100, Eq. (16) couplings, V_opt(T_C)); c_1 = current; numpy == mpmath 50 digits;
   a 50-digit eigenvalue-derivative cross-check.
2. The TUR ratio sigma c_2/c_1^2 for the power (P_gen = -mu_R I^N_R: same relative fluctuation as I^N_R) and the
   heat currents; a figure.
3. The zero-bias noise in the U_HC -> oo limit with Eq. (16) couplings: the closed form as a straight-line
   program in the Fermi-function rates (LaTeX), checked against the compiled numerics.
"""

from __future__ import annotations

import dataclasses

import mpmath
import numpy as np
import sympy as sp

from symqd import CompiledModel, MasterEquation, System, fcs
from symqd.latex import align, tex
from symqd.models import thermocouple as tc

TITLE = "Counting statistics: noise, Fano factors and the thermodynamic uncertainty relation of the thermocouple"
SECTION = "fcs"

X = np.linspace(0.2, 1.2, 41)


def _observables(me):
    obs = {}
    obs.update(fcs.observables(me, "R", 3, "N"))
    obs.update(fcs.observables(me, "H", 2, "E"))
    obs.update(fcs.observables(me, "C", 2, "E"))
    return obs


def _eig_cumulants(me, rates, weights, order):
    n = me.n
    trans = [(me.index[t.source], me.index[t.target], k, weights.get(t.symbol, 0))
             for t, k in zip(me.transitions, rates)]

    def lam(chi):
        A = mpmath.zeros(n, n)
        for i, j, k, d in trans:
            A[j, i] += k * mpmath.exp(chi * d)
            A[i, i] -= k
        return mpmath.re(min(mpmath.eig(A, left=False, right=False), key=abs))

    return [mpmath.diff(lam, 0, m) for m in range(1, order + 1)]


def _curve(ctx):
    me = tc.symbolic(uhc_infinite=False).me
    cm = CompiledModel(me, observables=_observables(me))
    T0 = tc.FIG2["T_0"]
    curve = tc.power_curve(tc.FIG2, X * T0, with_T_M=False)
    vals = tc.resolve_parameters({**tc.FIG2, "T_C": X * T0, "mu_R": curve["mu_R_opt"]})
    r = cm.evaluate({k: vals[k] for k in cm.parameter_names})
    ctx.check("c_1 of I^N_R and of J_H = the compiled currents along the Fig. 2 curve",
              np.allclose(r["C1_N_R"], r["IN_R"], rtol=1e-12, atol=0)
              and np.allclose(r["C1_E_H"], r["IE_H"], rtol=1e-12, atol=0)
              and np.allclose(r["IN_R"], curve["IN_R"], rtol=1e-10, atol=0))
    # mpmath 50 digits at three points, and the independent eigenvalue route at one
    worst, eig = 0.0, 0.0
    with mpmath.workdps(50):
        for i in (0, 20, 40):
            pm = tc.resolve_parameters({**tc.FIG2, "T_C": mpmath.mpf(X[i] * T0), "mu_R": mpmath.mpf(curve["mu_R_opt"][i])})
            rm = cm.evaluate({k: pm[k] for k in cm.parameter_names}, backend="mpmath")
            for key in ("C2_N_R", "C3_N_R", "C2_E_H", "C2_E_C"):
                worst = max(worst, abs(float(rm[key]) / float(r[key][i]) - 1))
            if i == 20:
                rates = cm.rates({k: pm[k] for k in cm.parameter_names}, backend="mpmath")
                ref = _eig_cumulants(me, rates, fcs.counting_weights(me, "R", "N"), 3)
                eig = max(float(abs(rm[f"C{m}_N_R"] / ref[m - 1] - 1)) for m in (1, 2, 3))
    ctx.check("numpy == mpmath (50 digits) for c_2, c_3 of I^N_R and c_2 of J_H, J_C", worst < 1e-9, max_rel=worst)
    ctx.check("c_1..c_3 of I^N_R == 50-digit derivatives of the eigenvalue of W(chi) closest to 0 (T_C/T_0 = 0.7)",
              eig < 1e-25, max_rel=eig)
    sigma = r["dS_dt"]
    tur = {"P": fcs.tur_ratio(r["C1_N_R"], r["C2_N_R"], sigma), "J_H": fcs.tur_ratio(r["C1_E_H"], r["C2_E_H"], sigma),
           "J_C": fcs.tur_ratio(r["C1_E_C"], r["C2_E_C"], sigma)}
    fin = {k: v[np.isfinite(v)] for k, v in tur.items()}
    mins = {k: float(np.min(v)) for k, v in fin.items()}
    ctx.check("TUR: sigma Var/<J>^2 >= 2 along the Fig. 2 curve (power, J_H, J_C)", all(m >= 2 for m in mins.values()),
              **{f"min_{k}": v for k, v in mins.items()})
    for k, v in mins.items():
        ctx.record(f"tur_min_{k}", v)
    i07 = 20
    ctx.record("fano_IN_R_at_0.7", float(r["F_N_R"][i07]))
    ctx.record("fano_J_H_over_T0_at_0.7", float(r["F_E_H"][i07] / T0))
    ctx.record("c3_IN_R_at_0.7", float(r["C3_N_R"][i07]))
    return r, tur, curve


def _figure(ctx, r, tur):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    T0 = tc.FIG2["T_0"]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(5.2, 6.4), sharex=True)
    ax1.semilogy(X, np.abs(r["F_N_R"]), "r-", label=r"$|F|$ of $I^N_R$: $c_2/|c_1|$")
    ax1.semilogy(X, np.abs(r["F_E_H"]) / T0, "b-", label=r"$|F|$ of $J_H$: $c_2/(|c_1| T_0)$")
    ax1.semilogy(X, r["C2_N_R"] / np.max(r["C2_N_R"]), "r:", label=r"noise $c_2$ of $I^N_R$ (normalized)")
    ax1.semilogy(X, r["C2_E_H"] / np.max(r["C2_E_H"]), "b:", label=r"noise $c_2$ of $J_H$ (normalized)")
    ax1.set_ylabel("Fano factor / noise")
    ax1.legend(frameon=False, fontsize=8)
    ax2.semilogy(X, tur["P"], "k-", label=r"power $P_{\rm gen}$")
    ax2.semilogy(X, tur["J_H"], "b-", label=r"$J_H$")
    ax2.semilogy(X, tur["J_C"], "g-", label=r"$J_C$")
    ax2.axhline(2, color="0.4", ls="--", lw=0.8, label="TUR bound 2")
    ax2.set_ylabel(r"$\sigma\,{\rm Var}(J)/\langle J\rangle^2$")
    ax2.set_xlabel(r"$T_C/T_0$")
    ax2.set_xlim(X[0], X[-1])
    ax2.set_ylim(bottom=1.0)  # keep the TUR bound 2 in view
    ax2.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    ctx.save_figure(fig, "fcs_fig2_noise",
                    r"Fig.~2 parameters ($T_H=16$, $T_0=8$, $U_{MH}=3$, $U_{MC}=6$, Eq.~(16) couplings) at the "
                    r"optimal bias $V_{\rm opt}(T_C)$: Fano factors and noise of $I^N_R$ and $J_H$ (top); TUR ratios "
                    r"$\sigma\,{\rm Var}(J)/\langle J\rangle^2$ of the power and the heat currents (bottom; the "
                    r"power's Fano factor and TUR ratio diverge where $V_{\rm opt}$ changes sign).")
    plt.close(fig)


def _eq16_model():
    """The U_HC -> oo model with the Eq. (16) couplings fixed (vanishing couplings drop their transitions)."""
    me = tc.symbolic(uhc_infinite=True).me
    sysm = me.system
    hc = [(0, 0), (0, 1), (1, 0), (1, 1)]
    parts = []
    for r in sysm.reservoirs:
        if r.name in ("L", "R"):
            table = tc.coupling_preset("eq16", r.name)
            r = dataclasses.replace(r, coupling={k: sp.Rational(table[k].numerator, table[k].denominator)
                                                 for k in hc})
        parts.append(r)
    return MasterEquation(System(sysm.dots, sysm.interactions, tuple(parts)))


def _zero_bias(ctx):
    me = _eq16_model()
    prog = fcs.cumulant_program(me, fcs.counting_weights(me, "R", "N"), 2, steady="elimination", prefix="u_")
    fr = {k: v.xreplace({sp.Symbol("mu_R", real=True): 0}) for k, v in me.fermi_rates().items()}
    # check against the compiled model at mu_R = 0 (Fig. 2 parameters, T_C = 0.7 T_0), 40 digits
    cm = CompiledModel(tc.symbolic(uhc_infinite=True).me, observables=fcs.observables(
        tc.symbolic(uhc_infinite=True).me, "R", 2))
    with mpmath.workdps(40):
        pm = tc.resolve_parameters({**tc.FIG2, "U_HC": mpmath.inf, "T_C": mpmath.mpf("5.6"), "mu_R": mpmath.mpf(0)})
        rm = cm.evaluate({k: pm[k] for k in cm.parameter_names}, backend="mpmath")
        phys = {k: v.xreplace({sp.Symbol("mu_R", real=True): 0}) for k, v in me.physical_rates().items()}
        env = {s: sp.Float(str(pm[s.name]), 40) for v in phys.values() for s in v.free_symbols}
        kv = {k: sp.Float(v.xreplace(env).evalf(40), 40) for k, v in phys.items()}
        c1, c2 = prog.evaluate(kv)
        dev = float(max(abs(mpmath.mpf(c1._to_mpmath(133)) / rm["C1_N_R"] - 1),
                        abs(mpmath.mpf(c2._to_mpmath(133)) / rm["C2_N_R"] - 1)))
    ctx.check("U_HC -> oo, Eq. (16), zero bias: program closed form == compiled general 6-state model (40 digits)",
              dev < 1e-30, max_rel=dev)
    ctx.record("zero_bias_c2_IN_R_at_TC_5.6", float(c2))
    ctx.record("zero_bias_fano_IN_R_at_TC_5.6", float(c2 / c1))
    rows = [(s, e) for s, e in prog.assignments]
    body = [
        "\\subsection{Zero-bias noise of the thermocouple in the $U_{HC}\\to\\infty$ limit}",
        "Counting field on the transitions through lead $R$ (Eq.~(FCS) of \\texttt{symqd.fcs}: recursive "
        "Rayleigh--Schr\\\"odinger expansion, Flindt \\emph{et al.}, PRB 82, 155407 (2010)). Six states, Eq.~(16) "
        "couplings, $\\mu_R=0$. The closed form of the scaled cumulants $c_1=I^N_R$ and $c_2$ (zero-frequency "
        "noise, $S=2c_2$) as a straight-line program in the transition rates "
        "$k^\\alpha_{s\\to s'}$, which are $\\gamma_\\alpha f_\\alpha$ or $\\gamma_\\alpha(1-f_\\alpha)$ of the "
        "addition energies:",
        align([(k, v) for k, v in fr.items()]),
        "Elimination ($S_k$: exit sums of the censored chains; $x_{1,s}$: the Drazin inverse applied to "
        "$(c_1-L_1)p$):",
        "{\\small",
        align(rows),
        "}",
        f"with $c_1 = {tex(prog.outputs[0])}$ and $c_2 = {tex(prog.outputs[1])}$. "
        f"At the Fig.~2 parameters with $T_C=0.7\\,T_0$: $c_2 = {float(c2):.6g}\\,\\gamma$, "
        f"$F = c_2/c_1 = {float(c2 / c1):.6g}$.",
    ]
    ctx.write_tex("zero_bias_noise", "\n".join(body))
    ctx.record("zero_bias_program_length", len(prog.assignments))


def run(ctx):
    r, tur, curve = _curve(ctx)
    _figure(ctx, r, tur)
    _zero_bias(ctx)
    T0 = tc.FIG2["T_0"]
    body = [
        "\\subsection{Noise, Fano factors and the TUR along the Fig.~2 curve}",
        "Scaled cumulants $c_n=\\partial^n_\\chi\\lambda(\\chi)|_0$ of the transfer from a reservoir into the "
        "system (\\texttt{symqd.fcs.cumulants}), compiled through \\texttt{CompiledModel(observables=...)}; "
        "$c_1$ is the current, $c_2$ the zero-frequency noise, $F=c_2/c_1$. The power $P_{\\rm gen}=-\\mu_R I^N_R$ "
        "has the relative fluctuation of $I^N_R$, so its TUR ratio is $\\sigma c_2/c_1^2$ of $I^N_R$ with "
        "$\\sigma=dS/dt$ ($k_B=1$). Figure~\\ref{fig:fcs_fig2_noise}.",
        "\\begin{center}\\begin{tabular}{lr}\\hline",
        f"$F$ of $I^N_R$ at $T_C/T_0=0.7$ & {float(r['F_N_R'][20]):.4f}\\\\",
        f"$F$ of $J_H$ at $T_C/T_0=0.7$ (units of $T_0$) & {float(r['F_E_H'][20] / T0):.4f}\\\\",
        f"$c_3/c_1$ of $I^N_R$ at $T_C/T_0=0.7$ & {float(r['C3_N_R'][20] / r['C1_N_R'][20]):.4f}\\\\",
        f"min TUR ratio, power & {np.nanmin(tur['P']):.4f}\\\\",
        f"min TUR ratio, $J_H$ & {np.nanmin(tur['J_H']):.4f}\\\\",
        f"min TUR ratio, $J_C$ & {np.nanmin(tur['J_C']):.4f}\\\\",
        "\\hline\\end{tabular}\\end{center}",
    ]
    ctx.write_tex("fig2_noise", "\n".join(body))
