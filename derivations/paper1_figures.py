"""Paper 1, Figures 2-6 and the paper's check numbers, from the compiled closed forms.

For every T_C the bias mu_R is the one maximizing P_gen (V_opt, of either sign); T_M is the temperature of a
self-consistent probe with gamma_P = 1e-3 (Sec. 7). Figure 6 attaches the probe with gamma_P/gamma = 0.1, 0.5, 1, 10
and re-optimizes the bias with the probe attached (spec assumption A4); its Carnot bound uses T_M = T_P at that
gamma_P. Figure 6(a) is taken at T_C/T_0 = 0.94 (the J_in = 0 point of Fig. 2; the paper does not say), at V_opt.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from symqd.latex import Prose, Section, Table, render
from symqd.models import thermocouple as tc

TITLE = "Paper 1: power at the optimal bias, the probe, and Figures 2--6"
SECTION = "paper1"
COST = 20  # rough run time in seconds (symqd derive starts the long derivations first)

X = np.linspace(0.2, 1.2, 200)  # T_C / T_0
GAMMA_P = (0.1, 0.5, 1.0, 10.0)
GREENS = ("#000000", "#1b5e20", "#2e7d32", "#43a047")  # black -> green as in the paper


def _opt(params, x):
    """Scalar: quantities at V_opt for T_C = x T_0."""
    p = {**params, "T_C": x * params["T_0"]}
    mu, P = tc.optimal_bias(p)
    return {**tc.evaluate({**p, "mu_R": mu}), "mu_R_opt": mu, "P_max": P, "params": {**p, "mu_R": mu}}


def _sci(v, digits=2):
    """LaTeX scientific notation: 2.4\\times10^{-6}."""
    m, e = f"{v:.{digits - 1}e}".split("e")
    return f"{m}\\times10^{{{int(e)}}}"


def _sign_changes(x, y):
    i = np.nonzero(np.sign(y[:-1]) * np.sign(y[1:]) < 0)[0]
    return [(x[k], x[k + 1]) for k in i]


def _root(f, a, b):
    return brentq(f, a, b, xtol=1e-10)


def _interp_zero(x, y, z):
    """Linear interpolation of z at the sign changes of y (for marking points on a plotted curve)."""
    out = []
    for k in np.nonzero(np.sign(y[:-1]) * np.sign(y[1:]) < 0)[0]:
        t = y[k] / (y[k] - y[k + 1])
        out.append((x[k] + t * (x[k + 1] - x[k]), z[k] + t * (z[k + 1] - z[k])))
    return out


_PNAMES = {"T_H": "T_H", "T_0": "T_0", "U_MH": "U_{MH}", "U_MC": "U_{MC}", "U_HC": "U_{HC}",
           "gamma_H": "\\gamma_H", "gamma_C": "\\gamma_C"}


def _params_tex(p) -> str:
    """The figure's parameters as LaTeX (units of gamma), e.g. for the captions."""
    eps = {p["eps_M"], p["eps_H"], p["eps_C"]}
    out = ["$\\varepsilon_M=\\varepsilon_H=\\varepsilon_C=%g$" % p["eps_M"]] if len(eps) == 1 else [
        "$\\varepsilon_%s=%g$" % (a, p[f"eps_{a}"]) for a in "MHC"]
    for k, n in _PNAMES.items():
        v = p[k]
        out.append("$%s=%s$" % (n, "\\infty" if v == float("inf") else "%g" % v))
    pre = {"eq16": "Eq.~(16)", "eq17": "Eq.~(17)"}
    out.append("$\\gamma_{L,R}(h,c)$ of %s" % pre.get(p["gamma_L"], str(p["gamma_L"])))
    return ", ".join(out) + " (energies and temperatures in units of $\\gamma$, $k_B=1$)"


def _interval(x, mask) -> str:
    """LaTeX of the T_C/T_0 interval(s) where mask holds on the grid x."""
    if not np.any(mask):
        return "nowhere"
    if np.all(mask):
        return "all $[%.2f,%.2f]$" % (x[0], x[-1])
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return ", ".join("$[%.3f,%.3f]$" % (x[a], x[b - 1]) for a, b in zip(edges[::2], edges[1::2]))


def _two_panel(plt, curve, params, name, zeros):
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(5.2, 6.2), sharex=True)
    ax1.plot(X, curve["P_gen"], "k-", label=r"$P_{\rm gen}(V_{\rm opt})$")
    ax1.plot(X, curve["carnot_bound"], "k--", label=r"$\eta_{\rm Carnot}J_{\rm in}$")
    for x0, P0 in zeros:
        ax1.plot([x0], [P0], "ko", ms=6)
    ax1.axhline(0, color="0.6", lw=0.6)
    ax1.set_ylabel(r"power $[\gamma^2]$")
    ymax = 1.25 * np.max(curve["P_gen"])
    ax1.set_ylim(min(-0.35 * ymax, 1.1 * np.min(curve["P_gen"])), ymax)
    ax1.legend(frameon=False, fontsize=9)
    ax2.plot(X, curve["IE_L"], "b-", label=r"$I^E_L$")
    ax2.plot(X, curve["IE_R"], "r-", label=r"$I^E_R$")
    ax2.plot(X, curve["J_in"], "k-", label=r"$J_{\rm in}$")
    for x0, _ in zeros:
        ax2.plot([x0], [0.0], "ko", ms=6)
    ax2.axhline(0, color="0.6", lw=0.6)
    ax2.set_xlabel(r"$T_C/T_0$")
    ax2.set_ylabel(r"energy current $[\gamma^2]$")
    ax2.legend(frameon=False, fontsize=9)
    ax2.set_xlim(X[0], X[-1])
    fig.tight_layout()
    return fig


def run(ctx):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = []  # (check, paper, ours)
    T0 = tc.FIG2["T_0"]

    # ---------------------------------------------------------------- Figure 2
    c2 = tc.power_curve(tc.FIG2, X * T0)
    x_jin = _root(lambda x: _opt(tc.FIG2, x)["J_in"], 0.85, 1.0)
    at = _opt(tc.FIG2, x_jin)
    x_tm = _root(lambda x: tc.effective_temperature(_opt(tc.FIG2, x)["params"]) - T0, 0.7, 0.85)
    x_v0 = _root(lambda x: tc.optimal_bias({**tc.FIG2, "T_C": x * T0})[0], 0.5, 0.7)
    ctx.check("Fig. 2: J_in(V_opt) = 0 at T_C/T_0 = 0.94 (paper's rounding)", abs(x_jin - 0.94) <= 0.005, x=x_jin)
    ctx.check("Fig. 2: T_M = T_0 at T_C/T_0 = 0.77 (gamma_P = 1e-3)", abs(x_tm - 0.77) <= 0.01, x=x_tm)
    ctx.check("Fig. 2: P_gen > 0 at J_in = 0 (exotic power)", at["P_gen"] > 1e-4, P_gen=at["P_gen"],
              mu_R_opt=at["mu_R_opt"])
    ctx.check("Fig. 2: P_gen vanishes (V_opt changes sign) at a smaller T_C than J_in",
              x_v0 < x_jin and abs(x_v0 - 0.622) <= 0.005, x_V0=x_v0, x_Jin=x_jin)
    ctx.check("Fig. 2: I^E_L = 0 (footnote 2; zero up to float underflow residue)",
              np.max(np.abs(c2["IE_L"])) < 1e-15 * np.max(np.abs(c2["IE_R"])), max_abs_IE_L=np.max(np.abs(c2["IE_L"])))
    jt = c2["J_trans"]
    ctx.check("Fig. 2: J_trans > 0 and monotonically decreasing in T_C", bool(np.all(jt > 0) and np.all(np.diff(jt) < 0)),
              J_trans_02=jt[0], J_trans_12=jt[-1])
    ctx.check("Fig. 2 (soft): J_trans(T_C/T_0 = 0.2) within 25% of the quoted 0.14", abs(jt[0] / 0.14 - 1) < 0.25,
              ratio=jt[0] / 0.14)
    ctx.record("fig2_J_trans_at_1.2_vs_quoted_0.03", jt[-1])
    eq18 = (c2["J_in"] / 2 * (2 / T0 - 1 / 16.0 - 1 / (X * T0)) + c2["J_trans"] / 2 * (1 / (X * T0) - 1 / 16.0)
            - c2["P_gen"] / T0)
    ctx.check("Eq. (18) = -sum_alpha J_alpha/T_alpha along the Fig. 2 curve, and >= 0",
              np.allclose(eq18, c2["dS_dt"], rtol=1e-10, atol=1e-15) and np.all(c2["dS_dt"] > 0),
              max_rel=np.max(np.abs(eq18 / c2["dS_dt"] - 1)))
    rows += [
        (r"Fig.~2: $J_{\rm in}(V_{\rm opt})=0$ at $T_C/T_0$", "0.94", f"{x_jin:.4f}"),
        (r"Fig.~2: $T_M=T_0$ at $T_C/T_0$", "0.77", f"{x_tm:.4f}"),
        (r"Fig.~2: $V_{\rm opt}=0$ ($P_{\rm gen}=0$) at $T_C/T_0$", r"$<0.94$", f"{x_v0:.4f}"),
        (r"Fig.~2: $P_{\rm gen}$, $\mu_{R,\rm opt}$ at $J_{\rm in}=0$", r"$>0$",
         f"${_sci(at['P_gen'])}\\,\\gamma^2$, ${at['mu_R_opt']:.3f}\\,\\gamma$"),
        (r"Fig.~2: $J_{\rm trans}$ at $T_C/T_0=0.2,\ 1.2$", "0.14, 0.03", f"{jt[0]:.4f}, {jt[-1]:.4f}"),
    ]
    ctx.record("fig2_x_Jin0", x_jin)
    ctx.record("fig2_x_TM_eq_T0", x_tm)
    ctx.record("fig2_x_Vopt0", x_v0)
    ctx.record("fig2_P_gen_at_Jin0", at["P_gen"])
    fig = _two_panel(plt, c2, tc.FIG2, "paper1_fig2", [(x_jin, at["P_gen"])])
    ctx.save_figure(fig, "paper1_fig2", r"Paper~1, Fig.~2: upper panel $P_{\rm gen}$ at the optimal bias $V_{\rm opt}$ "
                    r"(solid) and the conventional-thermocouple bound $\eta_{\rm Carnot}J_{\rm in}$ (dashed, $T_M$ from a "
                    r"probe with $\gamma_P=10^{-3}\gamma$); lower panel the energy currents $I^E_L$, $I^E_R$, $J_{\rm in}$ "
                    r"into the dots. Filled circle: $J_{\rm in}=0$ at $T_C/T_0=%.3f$. Parameters: %s." % (x_jin, _params_tex(tc.FIG2)))
    plt.close(fig)

    # ---------------------------------------------------------------- Figure 3 (and 5)
    c3 = tc.power_curve(tc.FIG3, X * T0)
    br = _sign_changes(X, c3["J_in"])
    zeros3 = [_root(lambda x: _opt(tc.FIG3, x)["J_in"], a, b) for a, b in br]
    pts3 = [_opt(tc.FIG3, x) for x in zeros3]
    ok = len(zeros3) == 2 and abs(zeros3[0] - 0.372) <= 0.005 and abs(zeros3[1] - 0.725) <= 0.005
    ctx.check("Fig. 3: J_in(V_opt) vanishes at exactly two points (0.372, 0.725)", ok, zeros=zeros3)
    ctx.check("Fig. 3: P_gen > 0 for all T_C", bool(np.all(c3["P_gen"] > 0)), min_P=np.min(c3["P_gen"]))
    ctx.check("Fig. 3: I^E_L = -I^E_R where J_in = 0",
              all(abs(p["IE_L"] + p["IE_R"]) < 1e-6 * abs(p["IE_L"]) for p in pts3),
              IE_L=[p["IE_L"] for p in pts3], IE_L_plus_IE_R=[p["IE_L"] + p["IE_R"] for p in pts3])
    rows.append((r"Fig.~3: zeros of $J_{\rm in}$ at $T_C/T_0$", "two", ", ".join(f"{z:.4f}" for z in zeros3)))
    rows.append((r"Fig.~3: $I^E_L=-I^E_R$ there", "yes", ", ".join(f"{p['IE_L']:+.4f}" for p in pts3)))
    ctx.record("fig3_x_Jin0", zeros3)
    fig = _two_panel(plt, c3, tc.FIG3, "paper1_fig3", [(z, p["P_gen"]) for z, p in zip(zeros3, pts3)])
    ctx.save_figure(fig, "paper1_fig3", r"Paper~1, Fig.~3: as Fig.~2 for finite $U_{HC}$ and levels above the "
                    r"electrochemical potentials; filled circles: the two zeros of $J_{\rm in}$ ($T_C/T_0=%s$). "
                    r"Parameters: %s." % (", ".join("%.3f" % z for z in zeros3), _params_tex(tc.FIG3)))
    plt.close(fig)

    # ---------------------------------------------------------------- Figure 4
    c4 = tc.power_curve(tc.FIG4, X * T0)
    br = _sign_changes(X, c4["J_in"])
    zeros4 = [_root(lambda x: _opt(tc.FIG4, x)["J_in"], a, b) for a, b in br]
    pts4 = [_opt(tc.FIG4, x) for x in zeros4]
    ctx.check("Fig. 4: J_in(V_opt) = 0 at T_C/T_0 = 0.995 with tiny P_gen > 0",
              len(zeros4) == 1 and abs(zeros4[0] - 0.995) <= 0.005 and pts4[0]["P_gen"] > 0,
              x=zeros4, P_gen=[p["P_gen"] for p in pts4])
    ctx.check("Fig. 4: exotic power greatly reduced vs Fig. 2 (Lambda = -0.2 vs -1)",
              pts4[0]["P_gen"] < 0.05 * at["P_gen"], ratio=pts4[0]["P_gen"] / at["P_gen"])
    rows.append((r"Fig.~4: $J_{\rm in}=0$ at $T_C/T_0$; $P_{\rm gen}$ there", r"reduced",
                 f"{zeros4[0]:.4f}; ${_sci(pts4[0]['P_gen'])}\\,\\gamma^2$"))
    fig = _two_panel(plt, c4, tc.FIG4, "paper1_fig4", [(z, p["P_gen"]) for z, p in zip(zeros4, pts4)])
    ctx.save_figure(fig, "paper1_fig4", r"Paper~1, Fig.~4: imperfect thermocouple, couplings of Eq.~(17) "
                    r"($\Lambda_H=\Lambda_C=-0.2$); filled circle: $J_{\rm in}=0$ at $T_C/T_0=%.3f$. Parameters: %s."
                    % (zeros4[0], _params_tex(tc.FIG4)))
    plt.close(fig)

    # ---------------------------------------------------------------- Figure 5
    fig, ax = plt.subplots(figsize=(6.2, 4.0))
    T = {"L": T0, "R": T0, "H": 16.0, "C": X * T0}
    styles = {"L": "b-", "R": "r-", "H": "m-", "C": "c-"}
    for a in "LRHC":
        ax.plot(X, -c3[f"J_{a}"] / T[a], styles[a], label=rf"$dS_{a}/dt$")
    ax.plot(X, sum(-c3[f"J_{a}"] / T[a] for a in "LRH"), "k:", label=r"$L+R+H$")
    ax.plot(X, c3["dS_dt"], "k--", label="total")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set_xlabel(r"$T_C/T_0$")
    ax.set_ylabel(r"entropy production $[\gamma]$")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_xlim(X[0], X[-1])
    ins = ax.inset_axes([0.66, 0.62, 0.3, 0.3])
    ins.plot(X, c3["J_trans"], "k-")
    ins.set_title(r"$J_{\rm trans}$", fontsize=8)
    ins.tick_params(labelsize=7)
    fig.tight_layout()
    sLRH = sum(-c3[f"J_{a}"] / T[a] for a in "LRH")
    k = [np.argmin(np.abs(X - z)) for z in zeros3]
    ctx.check("Fig. 5: second law along the Fig. 3 curve (total dS/dt > 0) while dS_C/dt > 0 carries it",
              bool(np.all(c3["dS_dt"] > 0) and np.all(-c3["J_C"] / T["C"] > 0)),
              min_total=np.min(c3["dS_dt"]), sum_LRH_at_Jin0=[sLRH[i] for i in k])
    ctx.save_figure(fig, "paper1_fig5", r"Paper~1, Fig.~5: entropy production $dS_\alpha/dt=-J_\alpha/T_\alpha$ of "
                    r"each reservoir along the Fig.~3 curve (at $V_{\rm opt}$), the sum over L, R and H (dotted) and the "
                    r"total (dashed); inset $J_{\rm trans}$ [$\gamma^2$]. The L+R+H sum is negative for $T_C/T_0$ in %s "
                    r"(Sec.~\ref{sec:p1-deviations}). Parameters: %s." % (_interval(X, sLRH < 0), _params_tex(tc.FIG3)))
    plt.close(fig)

    # ---------------------------------------------------------------- Figure 6
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.0))
    ax_a, ax_b, ax_c = axes
    xa = 0.94
    dmax, pts_a = {}, {}
    styles6 = [(1e-3, dict(marker="D", mfc="none", mec="k", ls="none", ms=8))] + [
        (g, dict(marker="D", color=col, ls="none", ms=6)) for g, col in zip(GAMMA_P, GREENS)] + [
        (1000.0, dict(marker="D", color="red", ls="none", ms=6))]
    # V_opt for all six gamma_P in one vectorized call (identical to one call each)
    mus, _ = tc.optimal_bias({**tc.FIG2, "T_C": xa * T0, "gamma_P": np.array([g for g, _ in styles6])})
    for (g, style), mu in zip(styles6, np.asarray(mus, dtype=float)):
        p = {**tc.FIG2, "T_C": xa * T0, "gamma_P": g}
        D = tc.nonthermality({**p, "mu_R": mu})
        dE = tc.transition_energies(p)
        ax_a.plot([dE[hc] for hc in D], [D[hc] for hc in D], label=rf"$\gamma_P={g:g}\gamma$", **style)
        dmax[g] = max(abs(v) for v in D.values())
        pts_a[g] = {hc: (dE[hc], D[hc]) for hc in D}
    # the paper's arrows: direction of increasing gamma_P, for each (h, c), from gamma_P = 0.1 to 10 gamma
    for hc in pts_a[GAMMA_P[0]]:
        (x1, y1), (x2, y2) = pts_a[GAMMA_P[0]][hc], pts_a[GAMMA_P[-1]][hc]
        if abs(y1 - y2) > 0.1 * dmax[1e-3]:
            ax_a.annotate("", xy=(x2 + 0.25, 0.85 * y2 + 0.15 * y1), xytext=(x1 + 0.25, 0.9 * y1 + 0.1 * y2),
                          arrowprops=dict(arrowstyle="->", color="0.35", lw=1.0))
    ax_a.axhline(0, color="0.6", lw=0.6)
    ax_a.set_xlabel(r"$E_{1hc}-E_{0hc}$ $[\gamma]$")
    ax_a.set_ylabel(r"$D_{hc}$")
    ax_a.set_title(rf"(a) $T_C/T_0={xa}$, $V_{{\rm opt}}$", fontsize=10)
    ax_a.legend(frameon=False, fontsize=7)
    spec = {1e-3: 0.059, 0.1: 0.055, 1.0: 0.045, 10.0: 0.014}
    ctx.check("Fig. 6(a): max|D_hc| shrinks as gamma_P grows (0.059, 0.055, 0.045, 0.014, <1e-3)",
              all(abs(dmax[g] - v) <= 0.0015 for g, v in spec.items()) and dmax[1000.0] < 1e-3
              and all(np.diff([dmax[g] for g in sorted(dmax)]) < 0), max_D={str(g): v for g, v in dmax.items()})
    P0 = []
    # one vectorized call for all gamma_P (rows) x T_C (columns): the probe/bias solvers iterate all points
    # together, identical results to one call per gamma_P at about half the time
    cg = tc.power_curve({**tc.FIG2, "gamma_P": np.array(GAMMA_P)[:, None]},
                        np.broadcast_to(X * T0, (len(GAMMA_P), X.size)))
    for i, (g, col) in enumerate(zip(GAMMA_P, GREENS)):
        c = {k: (v[i] if np.ndim(v) == 2 else v) for k, v in cg.items()}
        ax_b.plot(X, c["P_gen"], "-", color=col, label=rf"$\gamma_P={g:g}\gamma$")
        z = _interp_zero(X, c["J_in"], c["P_gen"])
        for x0, p0 in z:
            ax_b.plot([x0], [p0], "o", color=col, ms=6)
        P0.append(z[0][1] if z else np.nan)
        if g in (0.1, 10.0):
            ax_b.plot(X, c["carnot_bound"], "--", color=col)
        ax_c.plot(X, c["P_gen"] - c["carnot_bound"], "-", color=col, label=rf"$\gamma_P={g:g}\gamma$")
        if g == 10.0:
            ratio = c["P_gen"] / c["carnot_bound"]
            lowT = ratio[X <= 0.6]
            ctx.record("fig6_gammaP10_eta_over_etaC_TC_le_0.6", [float(lowT.min()), float(lowT.max())])
            excess = c["P_gen"] - c["carnot_bound"]
            win = X[excess > 0]
            ctx.record("fig6_gammaP10_violation_window", [float(win.min()), float(win.max())] if win.size else [])
            ctx.record("fig6_gammaP10_max_violation", float(excess.max()))
            ctx.check("Fig. 6(b): gamma_P = 10: eta of order 0.25 eta_Carnot for T_C/T_0 <= 0.6",
                      0.15 < lowT.min() and lowT.max() < 0.4, range=[lowT.min(), lowT.max()])
            ctx.check("Fig. 6(c): gamma_P = 10: P_gen <= eta_Carnot J_in except a narrow window near J_in = 0 "
                      "(excess < 1e-4 gamma^2)", excess.max() < 1e-4 and (win.size == 0 or win.max() - win.min() < 0.15),
                      window=[float(win.min()), float(win.max())] if win.size else [], max_excess=excess.max())
    ctx.check("Fig. 6(b): P_gen at J_in = 0 decreases toward 0 as gamma_P grows",
              bool(np.all(np.isfinite(P0)) and np.all(np.diff(P0) < 0) and P0[-1] < 0.5 * P0[0]),
              P_gen_at_Jin0=dict(zip(map(str, GAMMA_P), P0)))
    rows.append((r"Fig.~6(b): $P_{\rm gen}|_{J_{\rm in}=0}$, $\gamma_P/\gamma=0.1$--$10$", r"$\searrow 0$",
                 "$" + "$, $".join(_sci(v) for v in P0) + "$"))
    rows.append((r"Fig.~6(a): $\max|D_{hc}|$, $\gamma_P/\gamma=10^{-3}$--$10^3$", r"$\searrow 0$",
                 ", ".join(f"{dmax[g]:.2g}" for g in sorted(dmax))))
    for ax in (ax_b, ax_c):
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_xlabel(r"$T_C/T_0$")
        ax.set_xlim(X[0], X[-1])
        ax.legend(frameon=False, fontsize=7)
    ax_b.set_ylabel(r"$P_{\rm gen}$ $[\gamma^2]$")
    ax_b.set_title(r"(b) $P_{\rm gen}(V_{\rm opt})$; dashed: $\eta_{\rm Carnot}J_{\rm in}$", fontsize=10)
    lim = 1.2 * max(np.max(np.abs(ax_b.get_lines()[0].get_ydata())), 1e-9)
    ax_b.set_ylim(-0.4 * lim, lim)
    ax_c.set_ylabel(r"$P_{\rm gen}-\eta_{\rm Carnot}J_{\rm in}$ $[\gamma^2]$")
    ax_c.set_title("(c)", fontsize=10)
    fig.tight_layout()
    ctx.save_figure(fig, "paper1_fig6", r"Paper~1, Fig.~6: the Fig.~2 parameters with a self-consistent probe "
                    r"(coupling $\gamma_P$) on dot M, bias re-optimized with the probe attached. (a) Non-thermality "
                    r"$D_{hc}$, Eq.~(22), versus $E_{1hc}-E_{0hc}$ at $T_C/T_0=%g$, $V_{\rm opt}$, for "
                    r"$\gamma_P/\gamma=0.1,0.5,1,10$ (filled diamonds, black to green; arrows: increasing $\gamma_P$), "
                    r"$\gamma_P=10^{-3}\gamma$ (open) and $10^3\gamma$ (red). (b) $P_{\rm gen}(V_{\rm opt})$ for "
                    r"$\gamma_P/\gamma=0.1,0.5,1,10$ (circles: $J_{\rm in}=0$); dashed: $\eta_{\rm Carnot}J_{\rm in}$ "
                    r"for $\gamma_P=0.1\gamma$ and $10\gamma$. (c) $P_{\rm gen}-\eta_{\rm Carnot}J_{\rm in}$." % xa)
    plt.close(fig)

    # ---------------------------------------------------------------- deviations from the paper's numbers
    dev = _deviations(ctx, T0, jt, c3, X)

    # ---------------------------------------------------------------- LaTeX
    blocks = [
        Section("Paper 1: check numbers at the optimal bias", level=2),
        Prose("Every number below is computed from the compiled closed forms at the bias $\\mu_R=V_{\\rm opt}$ "
              "that maximizes $P_{\\rm gen}$ (either sign); $T_M$ from a self-consistent probe with "
              "$\\gamma_P=10^{-3}\\gamma$; Figure~6 re-optimizes the bias with the probe attached."),
        Table(["quantity", "paper", "symqd"], rows, spec="lll"),
    ] + dev
    ctx.write_tex("check_numbers", render(blocks))


def _deviations(ctx, T0, jt, c3, X):
    """Sec. 'two deviations': J_trans(1.2) of Fig. 2 vs U_HC, and the Fig. 5 caption's claims along T_C."""
    ends = np.array([0.2, 1.2]) * T0

    def jtrans(p, x=ends):
        return tc.power_curve(p, x, with_T_M=False)["J_trans"]

    # 1. J_trans of Fig. 2: exponentially sensitive to U_HC (direct H <-> C exchange through the hc = 11 states)
    u_fit = _root(lambda u: jtrans({**tc.FIG2, "U_HC": u}, ends[1:])[0] - 0.03, 100.0, 120.0)
    variants = [
        (r"paper (text below Fig.~2)", None, (0.14, 0.03)),
        (r"$U_{HC}=100$ (stated), $V_{\rm opt}$", None, (jt[0], jt[-1])),
        (r"$U_{HC}=100$, $V=0$", None,
         tuple(tc.evaluate({**tc.FIG2, "T_C": ends, "mu_R": 0.0})["J_trans"])),
        (r"$U_{HC}=100$, probe $\gamma_P=10^{-3}\gamma$", None, tuple(jtrans({**tc.FIG2, "gamma_P": 1e-3}))),
    ] + [(r"$U_{HC}=%s$" % lab, u, tuple(jtrans({**tc.FIG2, "U_HC": u})))
         for lab, u in (("90", 90.0), ("%.1f" % u_fit, u_fit), ("110", 110.0), ("120", 120.0), ("\\infty", np.inf))]
    rows = [(lab, "%.4f" % a, "%.4f" % b) for lab, _, (a, b) in variants]
    j_inf = variants[-1][2][1]
    ctx.record("fig2_U_HC_reproducing_J_trans_0.03", u_fit)
    ctx.record("fig2_J_trans_at_1.2_U_HC_inf", j_inf)
    ctx.check("Fig. 2: the quoted J_trans(1.2) = 0.03 is reproduced by U_HC within 10% of the stated 100 "
              "(J_trans there exponentially sensitive to U_HC)", 100.0 < u_fit < 110.0 and j_inf < 0.2 * jt[-1],
              U_HC_fit=u_fit, J_trans_12_U100=jt[-1], J_trans_12_Uinf=j_inf)

    # 2. Fig. 5 (Fig. 3 parameters): where do the caption's claims hold along T_C?
    def claims(c):
        T = {"L": T0, "R": T0, "H": 16.0, "C": X * T0}
        s = sum(-c[f"J_{a}"] / T[a] for a in "LRH")
        other = np.maximum.reduce([np.abs(c["J_in"]), np.abs(c["IE_L"]), np.abs(c["IE_R"])])
        return s, c["J_trans"] > other, c["J_trans"] > np.abs(c["J_in"])

    rows5 = []
    for lab, c in ((r"$U_{HC}=3$ (stated)", c3),
                   (r"$U_{HC}=0$", tc.power_curve({**tc.FIG3, "U_HC": 0.0}, X * T0, with_T_M=False)),
                   (r"$U_{HC}=100$", tc.power_curve({**tc.FIG3, "U_HC": 100.0}, X * T0, with_T_M=False))):
        sLRH, big, big_in = claims(c)
        rows5.append((lab, _interval(X, sLRH < 0), _interval(X, big), _interval(X, big_in),
                      "$%s$, $%s$" % (_sci(sLRH[0]), _sci(sLRH[-1]))))
        if c is c3:
            ratio_end = sLRH[-1] / np.max(-c3["J_C"] / (X * T0))
            ctx.record("fig5_sum_LRH_negative_interval", _interval(X, sLRH < 0))
            ctx.record("fig5_J_trans_largest_interval", _interval(X, big))
            ctx.check("Fig. 5: L+R+H entropy sum < 0 between the two J_in = 0 points and beyond "
                      "(fails only near the ends of the T_C range, where |sum| < 10% of max dS_C/dt)",
                      bool(np.all(sLRH[(X >= 0.3) & (X <= 1.0)] < 0)) and abs(ratio_end) < 0.1
                      and bool(np.all(big_in)),
                      sum_LRH_ends=[sLRH[0], sLRH[-1]], ratio_end_to_max_dSC=ratio_end)
    return [
        Section("Two deviations from the paper's quoted numbers", level=2),
        "\\label{sec:p1-deviations}\n",
        Prose(r"\emph{$J_{\rm trans}$ of Fig.~2.} The text below Fig.~2 quotes $J_{\rm trans}=0.14$ at "
              r"$T_C/T_0=0.2$ and $0.03$ at $1.2$; at the stated parameters we get %.3f and %.3f. Neither the bias "
              r"($V_{\rm opt}$ or $V=0$) nor the weak probe changes this. The cause is $U_{HC}$: the paper calls "
              r"$U_{HC}=100\gamma$ ``effectively infinite'', but at $T_H=16\gamma$ the states with both H and C "
              r"occupied (weight $\sim e^{-U_{HC}/T_H}=%s$, each exchange carrying $U_{HC}$) carry most of "
              r"$J_{\rm trans}$ at large $T_C$: with $U_{HC}\to\infty$ it is only %.4f at $T_C/T_0=1.2$. "
              r"$J_{\rm trans}(1.2)$ therefore changes by a factor %.1f between $U_{HC}=90$ and $110$, and the quoted "
              r"0.03 is reproduced by $U_{HC}=%.1f\gamma$ (where $J_{\rm trans}(0.2)=%.3f$, also close to the quoted "
              r"0.14). The deviation is this sensitivity (plus the paper's one-digit rounding), not a numerical error; "
              r"the test compares our value at the stated $U_{HC}=100$ tightly and the paper's 0.03 via this fit."
              % (jt[0], jt[-1], _sci(np.exp(-100.0 / 16.0)), j_inf, variants[4][2][1] / variants[6][2][1], u_fit,
                 variants[5][2][0])),
        Table([r"Fig.~2 parameters", r"$J_{\rm trans}(T_C/T_0=0.2)$", r"$J_{\rm trans}(1.2)$"], rows),
        Prose(r"\emph{Fig.~5 caption.} The caption states that the entropy generated in L, R and H sums to a "
              r"negative number and the text that $J_{\rm trans}$ is larger than the other heat flows. Along the "
              r"Fig.~3 curve (201 points, $V_{\rm opt}$) both hold in the middle of the $T_C$ range, around the two "
              r"zeros of $J_{\rm in}$ where the paper argues, but not at its ends: for large $T_C$ the heat "
              r"$J_{\rm in}>0$ absorbed from H and C is dumped into L and R (a conventional thermocouple), and for "
              r"$T_C\to0.2\,T_0$ dot C freezes out. Near the ends the sum is below 10\% of the peak $dS_C/dt$, so it "
              r"reads as ``negative or zero'' on the plot; $J_{\rm trans}>|J_{\rm in}|$ holds on the whole range, "
              r"$J_{\rm trans}>|I^E_{L}|,|I^E_R|$ does not. No parameter restores the claims on the whole range: "
              r"$U_{HC}=0$ (which the paper says changes little) shrinks the ranges, $U_{HC}=100$ widens them. "
              r"The caption describes the middle of the range; it is not a parameter mismatch."),
        Table([r"Fig.~3 params.", r"$\sum_{LRH}dS/dt<0$", r"$J_{\rm trans}>|J_{\rm in}|,|I^E_{L,R}|$",
               r"$J_{\rm trans}>|J_{\rm in}|$", r"$\sum_{LRH}$ at $0.2$, $1.2$"], rows5, spec="lllll"),
    ]
