"""Beyond the papers (issue 5): the linear-response Onsager matrix of the quantum-dot thermocouple.

1. The generic network (Schnakenberg-Hill) form of the Onsager matrix of a master equation at equilibrium.
2. The thermocouple (U_HC -> oo): structured closed form, proven equal to the generic form (exact rationals),
   symmetric and positive semidefinite (sum of squares); the drag coefficients; Eq. (13) in linear response.
3. Device quantities via symqd.onsager (Fig. 4 couplings, U_HC -> oo) and the power at J_in = 0.
4. Figure: linear response vs the full nonlinear master equation as the temperature differences grow.
"""

from __future__ import annotations

import math
import random

import numpy as np
import sympy as sp

from symqd import verify
from symqd.latex import Align, Equation, Prose, Section, render
from symqd.models import thermocouple as tcm
from symqd.models.thermocouple.linear_response import (
    closed_form, device_quantities, drag_coefficients, generic, onsager_matrix, power_at_zero_heat_input,
)

TITLE = "Beyond the papers: the linear-response Onsager matrix of the thermocouple"
SECTION = "bridge"

PARAMS = {**tcm.FIG4, "U_HC": math.inf}


def _num(v, digits=3) -> str:
    """A number for LaTeX math: 1.52\\times10^{-6} instead of 1.52e-06."""
    t = f"{v:.{digits}g}"
    if "e" not in t:
        return t
    m, e = t.split("e")
    return f"{m}\\times10^{{{int(e)}}}"


def _network_tex():
    return render([Section("Onsager matrix of a master equation from its equilibrium network", level=2)]) + r"""At equilibrium (all reservoirs at $T$, $\mu=0$) each transition pair $e=(s\to t,\alpha)$ carries the one-way flux
$\phi_e=\gamma_e f(\Delta E_e/T)\,p^{\mathrm{eq}}_s$, $p^{\mathrm{eq}}_s\propto e^{-E_s/T}$ (detailed balance,
checked against the matrix-tree form). With $p=p^{\mathrm{eq}}(1+u)$ the net edge current is
\begin{equation}
j_e=\phi_e\big[d_e\cdot X-(u_t-u_s)\big],
\end{equation}
where the drive vector $d_e$ has $\Delta N_e=1$ in the $X^\mu_\alpha$ slot and $\Delta E_e$ in the $X^T_\alpha$ slot.
Kirchhoff's law $Bj=0$ fixes $u$, and the currents are $D^{\mathsf T}j$ with the same $d_e$, so
\begin{equation}
L=D^{\mathsf T}\Phi D-(B\Phi D)^{\mathsf T}(B\Phi B^{\mathsf T})^{+}(B\Phi D),\qquad
X^{\mathsf T}LX=\min_u\sum_e\phi_e\big(d_e\cdot X-(u_t-u_s)\big)^2\ge 0 ,
\end{equation}
manifestly symmetric and positive semidefinite. Reservoirs that are the only ones coupled to their dot (H, C)
carry no steady particle current: their $I^N$ row and, by reciprocity, their $X^\mu$ column vanish, so they enter
with a heat row and column only.
"""


def _closed_tex(d):
    """The U_HC -> oo closed form; the drag coefficients printed from the proven sympy objects ``d``."""
    head = render([Section(r"Closed form for $U_{HC}\to\infty$", level=2)]) + r"""Ordering $(I^N_R,J_R,J_H,J_C)=L\,(X^\mu_R,X^T_R,X^T_H,X^T_C)$, reference L. For $hc\in\{00,10,01\}$ let
$g_{hc}=\phi_{L,hc}+\phi_{R,hc}$, $\sigma_{hc}=\phi_{L,hc}\phi_{R,hc}/g_{hc}$, $\rho_{hc}=\gamma_R(h,c)/[\gamma_L(h,c)+\gamma_R(h,c)]$,
$E_{hc}=\varepsilon_M+U_{MH}h+U_{MC}c$, $a_{hc}=(1,E_{hc},0,0)^{\mathsf T}$. The loops (11a), (11b) have drive vectors
$b_H=(\Lambda_H,\rho_{00}E_{00}-\rho_{10}E_{10},U_{MH},0)^{\mathsf T}$, $b_C=(\Lambda_C,\rho_{00}E_{00}-\rho_{01}E_{01},0,U_{MC})^{\mathsf T}$
and resistance matrix $R=\begin{pmatrix}R_{HH}&r_{00}\\ r_{00}&R_{CC}\end{pmatrix}$,
$R_{HH}=r_{00}+r_{10}+\phi_{H0}^{-1}+\phi_{H1}^{-1}$, $R_{CC}=r_{00}+r_{01}+\phi_{C0}^{-1}+\phi_{C1}^{-1}$, $r_{hc}=1/g_{hc}$. Then
\begin{equation}
L=\sum_{hc}\sigma_{hc}\,a_{hc}a_{hc}^{\mathsf T}+\begin{pmatrix}b_H&b_C\end{pmatrix}R^{-1}\begin{pmatrix}b_H&b_C\end{pmatrix}^{\mathsf T},
\end{equation}
a sum of positive semidefinite terms (proof of $L\ge0$), equal to the generic network form (exact check).
The non-local drag coefficients coupling the heat flows of H and C to the L$\to$R particle current are
"""
    drag = Align([("L_{I^N_R,J_H}", d["L_N_TH"]), ("L_{I^N_R,J_C}", d["L_N_TC"])], columns=2)
    return head + drag.latex() + r"""and the linear-response Eq.~(13): $L_{I^N_R,J_\beta}=\frac{\Lambda_H}{U_{MH}}L_{J_H,J_\beta}+\frac{\Lambda_C}{U_{MC}}L_{J_C,J_\beta}$
for $\beta=H,C$ (not for the local columns $X^\mu_R$, $X^T_R$, which carry the direct L--R terms $\sigma_{hc}$).
If $\Lambda_H/U_{MH}=\Lambda_C/U_{MC}$ the particle row is parallel to the $J_{\mathrm{in}}$ row and no power is produced at
$J_{\mathrm{in}}=0$; otherwise the maximum power on the $J_{\mathrm{in}}=0$ ray is positive and quadratic in $\Delta T$.
"""


def run(ctx):
    # 1-2. closed form == generic network form at exact random rationals; symmetry as a ring identity
    cf, lr = closed_form(), generic(True)
    rnd = random.Random(2024)
    intermediates = set(cf.definitions)
    syms = sorted((lr.L.free_symbols | cf.L.free_symbols
                   | set().union(*(d.free_symbols for d in cf.definitions.values()))) - intermediates, key=str)
    ok = True
    for _ in range(3):
        # Schwartz-Zippel: a nonzero rational function vanishes at a random point of a large box with tiny
        # probability; the closed form is evaluated as its straight-line program (definitions in order)
        sub = verify.random_rational_point(syms, rnd)
        for s, d in cf.definitions.items():
            sub[s] = d.xreplace(sub)
        ok &= lr.L.xreplace(sub) == cf.L.xreplace(sub)
    ctx.check("U_HC->oo closed form == generic network form (exact rational arithmetic at 3 seeded random points, "
              "numerators/denominators up to 1e9)", ok)
    num, _ = lr.ring_form
    ctx.check("generic network form symmetric: numerator matrix over det(Lg) symmetric as polynomials over ZZ "
              "(ring proof)", num == num.transpose())
    d = drag_coefficients()
    ctx.check("drag L_{N,TH} closed form", sp.cancel(cf.L[0, 2] - d["L_N_TH"]) == 0)
    ctx.check("drag L_{N,TC} closed form", sp.cancel(cf.L[0, 3] - d["L_N_TC"]) == 0)
    ctx.write_tex("network", _network_tex())
    ctx.write_tex("closed_form", _closed_tex(d))

    # 3. device quantities (Fig. 4 couplings, U_HC -> oo)
    T0 = PARAMS["T_0"]
    L = onsager_matrix(PARAMS)
    ev = np.linalg.eigvalsh(L)
    ctx.check("Fig.4 (U_HC=oo): L symmetric and PSD", np.allclose(L, L.T) and ev.min() > -1e-12 * ev.max())
    Lam = -0.2
    rel = Lam / PARAMS["U_MH"] * L[2, 2:] + Lam / PARAMS["U_MC"] * L[3, 2:]
    ctx.check("Eq. (13) in linear response (Fig. 4, U_HC=oo)", np.allclose(L[0, 2:], rel, rtol=1e-10))
    XT = np.array([0.0, 1.0, -1.0]) / T0**2  # Delta T_H = -Delta T_C = 1
    dq = device_quantities(L, T0, XT)
    for k in ("G_RR", "W_max", "eta_Wmax", "eta_C_multi"):
        ctx.record(f"fig4_uhcinf_{k}", dq[k])
    ctx.record("fig4_uhcinf_S_R", list(dq["S_R"]))
    Pz = power_at_zero_heat_input(PARAMS)
    Pz_eq = power_at_zero_heat_input({**PARAMS, "U_MC": PARAMS["U_MH"]})
    ctx.check("power at J_in=0 > 0 for Lambda_H/U_MH != Lambda_C/U_MC", Pz > 0, P=Pz)
    ctx.check("power at J_in=0 vanishes for U_MH = U_MC", abs(Pz_eq) < 1e-12 * Pz, P=Pz_eq)
    Lm = sp.Matrix(L).applyfunc(lambda v: sp.Float(v, 4))
    body = render([
        Section(r"Numbers: Fig.~4 couplings, $U_{HC}\to\infty$, $T_0=%g$" % T0, level=2),
        Equation("L", Lm),
        Prose((r"Via \texttt{symqd.onsager} (H, C embedded with a decoupled fictitious particle channel, which leaves"
               r" every R-voltage quantity unchanged): $G_{RR}=%.4g$, $S_{R,(R,H,C)}=(%s)$. For $\Delta T_H=-\Delta T_C=1$:"
               r" $W_{\max}=%s$, $\eta(W_{\max})=%s$, linear-response multi-terminal Carnot efficiency $%.3g$"
               r" (paper 2: $\eta(W_{\max})\le\eta_C/2$). On the ray $J_{\mathrm{in}}=0$ the maximum power is"
               r" $%s\,(X^T_H)^2$ (exotic power, forbidden by the conventional-thermocouple bound Eq.~(23), whose"
               r" right side vanishes at $J_{\mathrm{in}}=0$); with $U_{MC}=U_{MH}$ it is $%s$.") % (
            dq["G_RR"], ", ".join(f"{x:.3g}" for x in dq["S_R"]), _num(dq["W_max"]), _num(dq["eta_Wmax"]),
            dq["eta_C_multi"], _num(Pz), _num(Pz_eq, 1))),
    ])
    ctx.write_tex("numbers", body)

    # 4. linear vs nonlinear at V = 0 as Delta T grows (T_H = T0(1+tau), T_C = T0(1-tau))
    taus = np.linspace(0.01, 0.9, 60)
    nl = {k: [] for k in ("IN_R", "J_H", "J_C")}
    lin = {k: [] for k in nl}
    for tau in taus:
        p = {**PARAMS, "T_H": T0 * (1 + tau), "T_C": T0 * (1 - tau), "mu_R": 0.0}
        r = tcm.evaluate(p)
        X = np.array([0.0, 0.0, tau / T0, -tau / T0])  # X^T = Delta T/T0^2
        Jl = L @ X
        for k, i in (("IN_R", 0), ("J_H", 2), ("J_C", 3)):
            nl[k].append(float(np.asarray(r[k]))), lin[k].append(Jl[i])
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(9, 3.6))
    breaks = {}
    names = {"IN_R": r"$I^N_R$", "J_H": r"$J_H$", "J_C": r"$J_C$"}
    for k, c in (("IN_R", "C0"), ("J_H", "C3"), ("J_C", "C2")):
        a, b = np.array(nl[k]), np.array(lin[k])
        ax[0].plot(taus, a, c, label=f"{names[k]} nonlinear")
        ax[0].plot(taus, b, c + "--", label=f"{names[k]} linear")
        ratio = a / b
        ax[1].plot(taus, ratio, c, label=names[k])
        bad = np.where(np.abs(ratio - 1) > 0.1)[0]
        breaks[k] = float(taus[bad[0]]) if len(bad) else float("nan")
        ctx.record(f"breakdown_10pct_tau_{k}", breaks[k])
    ax[0].set_xlabel(r"$\tau$  ($T_H=T_0(1+\tau)$, $T_C=T_0(1-\tau)$)")
    ax[0].set_ylabel(r"current ($\gamma$ units), $\mu_R=0$")
    ax[0].legend(fontsize=7)
    ax[1].axhspan(0.9, 1.1, color="0.9")
    ax[1].set_xlabel(r"$\tau$")
    ax[1].set_ylabel("nonlinear / linear response")
    ax[1].legend(fontsize=7)
    fig.tight_layout()
    ctx.check("linear response exact as tau->0 (ratio at tau=0.01 within 2%)",
              all(abs(nl[k][0] / lin[k][0] - 1) < 0.02 for k in nl))
    ctx.save_figure(fig, "bridge_linear_vs_nonlinear",
                    r"Fig.~4 couplings, $U_{HC}\to\infty$, $T_0=8$, $\mu_R=0$: currents from the full master equation"
                    r" (solid) vs $L X$ (dashed). Grey band: $\pm10\%%$. Deviation $>10\%%$ from $\tau\approx$ %s."
                    % ", ".join(f"{breaks[k]:.2f} (${n}$)" for k, n in zip(breaks, ("I^N_R", "J_H", "J_C"))))
    plt.close(fig)
