"""Paper 2 (Mazza et al., NJP 16, 085001 (2014)), Sec. 4 and Appendix C: single- and double-dot engines.

Landauer-Buttiker Onsager coefficients, closed-form (polygamma) single-dot integrals, the single-dot theorems
S_12 = S_21 = 0, S_11 = S_22, Z = ZT, the double-dot Fisher-Lee transmissions, and all figures of the paper's
sections 5-6 (parameters chosen by us, stated in the captions; k_B = hbar = 1, h = 2 pi, e = 1, mu = 0).
"""

import numpy as np
import sympy as sp
from sympy.polys.rings import ring

from symqd import landauer, onsager
from symqd.latex import Align, Equation, Prose, Section, render
from symqd.models import three_terminal as tt

TITLE = "Paper 2: Landauer-Buttiker single- and double-dot models"
SECTION = "paper2"
COST = 5  # rough run time in seconds (symqd derive starts the long derivations first)

# ---- figure parameters (the paper's values were lost; ours) -------------------------------------------------
T0 = 1.0            # reference temperature k_B T
ED = 3.0            # single-dot level (in units of k_B T)
GAMMA = 0.2         # gamma_1 = gamma_3 = gamma for the gamma_2 sweeps
DT1 = 0.01          # Delta T_1 (Delta T_2 = 0 in the sweeps: only J^Q_1 > 0, eta_C = Delta T_1 / T)
F1, F2 = 0.3, -0.2  # fixed potentials Delta mu_i = -F_i S_2t Delta T_1 (opposite signs)
DD = dict(EL=2.0, ER=3.0, t=0.5)  # double dot (as in table 3.14, P2-9); gamma_1 = gamma_3 = 0.2


def zero(x):
    """Exact proof that a rational expression (or every entry of a Matrix) vanishes identically: the numerator of
    ``together(x)`` expands to the zero polynomial (no gcd computed, unlike ``cancel``)."""
    if isinstance(x, sp.MatrixBase):
        return all(zero(v) for v in x)
    return sp.expand(sp.fraction(sp.together(x))[0]) == 0


def _double_dot_ring():
    """Sparse polynomial ring over QQ in the double-dot symbols (exact arithmetic, much faster than expression
    expansion for the quartic |D|^2)."""
    return ring((tt.E_s, *tt.g_s, tt.EL_s, tt.ER_s, tt.t_s), sp.QQ)[0]


def equal_rational(a, b, R) -> bool:
    """Exact proof that rational functions ``a`` and ``b`` are equal: ``n_a d_b = n_b d_a`` in the ring ``R``."""
    (na, da), (nb, db) = sp.fraction(sp.together(a)), sp.fraction(sp.together(b))
    return R(na) * R(db) == R(nb) * R(da)


def times_polynomial(x, poly, R):
    """``x * poly`` as a polynomial expression, for a rational ``x`` whose denominator divides ``poly`` exactly
    (``ValueError`` otherwise)."""
    n, d = sp.fraction(sp.together(x))
    q, r = divmod(R(n) * R(poly), R(d))
    if r != 0:
        raise ValueError("the denominator does not divide the polynomial")
    return q.as_expr()


def _single_dot_L(g1, g2, g3, Ed=ED):
    """4x4 L, or the 2x2 two-terminal block where gamma_2 = 0 (L_mumu singular there)."""
    return tt.single_dot_onsager(g1, g2, g3, Ed, T=T0)


def _sweep(g1, g2s, g3, quantity, Ed=ED):
    """``quantity(L, two_terminal: bool)`` -> ``(eta, W)`` for each point of the broadcast ``(g1, g2s, g3)``, as an
    ``(..., 2)`` array; batched (one ``L`` array), the two-terminal block where ``gamma_2 = 0``."""
    g1, g2, g3 = np.broadcast_arrays(np.atleast_1d(g1), np.atleast_1d(g2s), np.atleast_1d(g3))
    L = _single_dot_L(g1, g2, g3, Ed)
    out = np.empty(g2.shape + (2,))
    two = g2 == 0
    for sel, is_two in ((two, True), (~two, False)):
        if sel.any():
            out[sel] = np.stack(quantity(L[sel][..., :2, :2] if is_two else L[sel], is_two), -1)
    return out


def _fixed_potentials():
    L2 = _single_dot_L(GAMMA, 0.0, GAMMA)[:2, :2]
    S2t = onsager.thermopower(L2, T0)[0, 0]
    return -F1 * S2t * DT1, -F2 * S2t * DT1, S2t


def _eta_W(dmu1, dmu2):
    XT = np.array([DT1 / T0**2, 0.0])
    Xmu = np.array([dmu1 / T0, dmu2 / T0])

    def q(L, two):
        if two:
            W = onsager.power(L, T0, Xmu[:1], XT[:1])
            return W / onsager.heat_currents(L, Xmu[:1], XT[:1])[..., 0] / (DT1 / T0), W
        eta = onsager.efficiency(L, T0, Xmu, XT) / (DT1 / T0)
        return eta, onsager.power(L, T0, Xmu, XT)
    return q


def _at_max_power(L, two):
    XT = np.array([DT1 / T0**2]) if two else np.array([DT1 / T0**2, 0.0])
    W, _ = onsager.max_power(L, T0, XT)
    return onsager.efficiency_at_max_power(L, T0, XT) / onsager.carnot_efficiency(L, T0, XT), W


# ---------------------------------------------------------------------------------------------------------------
def symbolic_part(ctx):
    T, e = sp.symbols("T e", positive=True)
    L, (I0, I1, I2) = tt.single_dot_onsager_symbolic()
    S = onsager.thermopower(L, T, e)
    ctx.check("single dot: S_12 = S_21 = 0 for arbitrary gamma_i, E_d", zero(S[0, 1]) and zero(S[1, 0]))
    ctx.check("single dot: S_11 = S_22 = I_1/(e T I_0)", zero(S[0, 0] - S[1, 1]) and zero(S[0, 0] - I1 / (e * T * I0)))
    x1, x2 = sp.symbols("X_1^T X_2^T", real=True)
    Z = onsager.figure_of_merit(L, [x1, x2])
    ctx.check("single dot: Z = ZT = I_1^2/(I_0 I_2 - I_1^2) in every direction", zero(Z - I1**2 / (I0 * I2 - I1**2)))
    W, Xmu = onsager.max_power(L, T, [x1, x2])
    g1, g2, g3 = sp.symbols("gamma_1 gamma_2 gamma_3", positive=True)
    Wref = T / 4 * I1**2 / I0 * (g1 * g3 * x1**2 + g2 * g3 * x2**2 + g1 * g2 * (x1 - x2) ** 2)
    ctx.check("single dot: W_max closed form", zero(W - Wref))
    Leq, _ = tt.single_dot_onsager_symbolic(1, 1, 1)
    a = sp.Symbol("alpha")
    roots = [sp.solve(sp.cancel(q), a) for q in onsager.heat_currents_at_max_power(Leq, [1, a])]
    ctx.check("equal couplings: J^Q_1, J^Q_2, J^Q_3 = 0 at dT2/dT1 = 2, 1/2, -1", roots == [[2], [sp.Rational(1, 2)], [-1]])

    taus = tt.double_dot_transmissions_symbolic()
    R = _double_dot_ring()
    for k, seed in tt.SEED_DOUBLE_DOT_TRANSMISSIONS.items():
        ctx.check(f"double dot: Fisher-Lee T_{k[0]}{k[1]} equals the seed's expression",
                  equal_rational(taus[k], seed, R))

    I0e, I1e, I2e = tt.lorentzian_integrals_symbolic()
    absdet = tt._abs_det2()
    return _symbolic_blocks(L, S, Z, Wref, (x1, x2), (I0e, I1e, I2e), taus, absdet, R)


def _symbolic_blocks(L, S, Z, Wref, xs, integrals, taus, absdet, R):
    """Document blocks of the symbolic part; every printed equation is one of the proven sympy objects."""
    x1, x2 = xs
    names = {x1: r"X^T_1", x2: r"X^T_2"}
    # the polygamma argument w, named once: I_n in terms of psi'(w)
    arg = next(iter(integrals[0].atoms(sp.polygamma))).args[1]
    w = sp.Symbol("w")
    psi = [sp.re(sp.polygamma(1, w)), sp.im(sp.polygamma(1, w))]
    Iw = []
    for x in integrals:
        parts = sp.collect(sp.expand(x.xreplace({arg: w})), psi, evaluate=False)
        Iw.append(sp.Add(*[sp.factor(c) * k for k, c in parts.items()]))
        assert sp.expand(Iw[-1] - x.xreplace({arg: w})) == 0
    D = sp.Symbol("D2", positive=True)
    Ls = lambda i, j: L[i - 1, j - 1]  # noqa: E731
    return [
        Section(r"Landauer--B\"uttiker Onsager coefficients", level=2),
        Prose(r"With $\langle g\rangle_{ij}=\frac Th\int dE\,(-\partial_Ef)\,\mathcal T_{ij}(E)\,g(E)$ and "
              r"$\epsilon=E-\mu$ (spinless, $h=2\pi\hbar$), the linearised Landauer--B\"uttiker currents (Sec.~4 and "
              r"Appendix~C of the paper) give $L_{11}=\langle1\rangle_{12}+\langle1\rangle_{13}$, "
              r"$L_{12}=\langle\epsilon\rangle_{12}+\langle\epsilon\rangle_{13}$, "
              r"$L_{22}=\langle\epsilon^2\rangle_{12}+\langle\epsilon^2\rangle_{13}$, "
              r"$L_{33}=\langle1\rangle_{12}+\langle1\rangle_{23}$, "
              r"$L_{34}=\langle\epsilon\rangle_{12}+\langle\epsilon\rangle_{23}$, "
              r"$L_{44}=\langle\epsilon^2\rangle_{12}+\langle\epsilon^2\rangle_{23}$, $L_{13}=-\langle1\rangle_{12}$, "
              r"$L_{14}=L_{23}=-\langle\epsilon\rangle_{12}$, $L_{24}=-\langle\epsilon^2\rangle_{12}$. "
              r"These agree with central differences of the nonlinear currents (tests)."),
        Section("Single-level dot", level=2),
        Prose(r"$\mathcal T_{ij}=\gamma_i\gamma_j/[(E-E_d)^2+\Gamma^2/4]$, $\Gamma=\gamma_1+\gamma_2+\gamma_3$. "
              r"With $I_n=\frac Th\int dE\,(-\partial_Ef)\,(E-\mu)^n/[(E-E_d)^2+\Gamma^2/4]$, the Matsubara "
              r"expansion of $-\partial_Ef$ gives $\int dE\,(-\partial_E f)/(E-z)=\frac{i}{2\pi T}\psi'(w)$ with "
              r"$z=E_d-\mu+i\Gamma/2$, that is"),
        Equation("w", arg),
        Prose("and hence (printed from the proven closed forms)"),
        Align([("I_0", Iw[0]), ("I_1", Iw[1]), ("I_2", Iw[2])]),
        Prose(r"(agreeing with quadrature to $10^{-12}$ and with 30-digit \texttt{mpmath} quadrature to "
              r"$10^{-22}$). The Onsager matrix is $L=A\otimes\begin{pmatrix}I_0&I_1\\ I_1&I_2\end{pmatrix}$:"),
        Align([(f"L_{{{i}{j}}}", Ls(i, j)) for i, j in ((1, 1), (1, 2), (1, 3), (1, 4), (3, 3), (3, 4))], columns=2),
        Prose(r"and for arbitrary $\gamma_i$, $E_d$ (proved by exact cancellation):"),
        Align([("S_{11}=S_{22}", S[0, 0]), ("S_{12}=S_{21}", sp.S.Zero), (r"\mathcal Z", sp.cancel(Z)),
               (r"W_{\max}", sp.factor(Wref))], symbol_names=names),
        Prose(r"so $\eta^{(k)}(W_{\max})=\frac{\eta^{(k)}_C}2\frac{ZT}{ZT+2}$ for every heat-flow configuration. "
              r"At maximum power, equal couplings, the heat currents $J^Q_1,J^Q_2,J^Q_3$ change sign on the lines "
              r"$\Delta T_2/\Delta T_1=2,\ \tfrac12,\ -1$."),
        Section("Double dot in series", level=2),
        Prose(r"$H=E_Ld_L^\dagger d_L+E_Rd_R^\dagger d_R-t(d_L^\dagger d_R+d_R^\dagger d_L)$; Fisher--Lee "
              r"$\mathcal T_{ij}=\mathrm{Tr}[\Gamma_i\mathcal G\Gamma_j\mathcal G^\dagger]$ from the $2\times2$ "
              r"Green's function gives, with"),
        Equation(r"|D|^2=|\det\mathcal G^{-1}|^2", absdet),
        Prose("the transmissions"),
        # divide exactly first: the numerator polynomial alone is small; factor() of the uncancelled product ran
        # Wang's randomised multivariate factorisation on a large polynomial (1.5 s, some runs > 10 min)
        Align([(f"\\mathcal T_{{{i}{j}}}", sp.factor(times_polynomial(taus[(i, j)], absdet, R)) / D)
               for i, j in ((1, 2), (1, 3), (2, 3))], symbol_names={D: "|D|^2"}),
        Prose(r"whose energy dependences do not factorise: non-local thermopowers are finite and $S_{11}\neq S_{22}$."),
    ]


def figures(ctx):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # ---- (1) Carnot efficiency density map ------------------------------------------------------------------------
    L = _single_dot_L(GAMMA, GAMMA, GAMMA)
    n = 241
    d = np.linspace(-DT1, DT1, n)
    D1, D2 = np.meshgrid(d, d)
    XT = np.stack([D1, D2], -1) / T0**2
    Lb = np.broadcast_to(L, D1.shape + (4, 4))
    with np.errstate(invalid="ignore", divide="ignore"):
        etaC = onsager.carnot_efficiency(Lb, T0, XT)
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    # the 241x241 map is rasterized inside the vector PDF (58k vector cells would make it 1.3 MB)
    im = ax.pcolormesh(D1 / T0, D2 / T0, etaC, shading="auto", cmap="viridis", rasterized=True)
    fig.colorbar(im, ax=ax, label=r"$\eta_C$ at $W_{\max}$")
    x = np.linspace(-DT1, DT1, 3)
    for alpha in (2.0, 0.5, -1.0):
        ax.plot(x / T0, alpha * x / T0, "w--", lw=1)
    bounds = np.sort(np.mod(np.concatenate([np.arctan([2.0, 0.5, -1.0]), np.arctan([2.0, 0.5, -1.0]) + np.pi]),
                            2 * np.pi))
    for ang in (bounds + np.roll(bounds, -1) + 2 * np.pi * (np.arange(6) == 5)) / 2:  # sector bisectors
        p = 0.75 * DT1 * np.array([np.cos(ang), np.sin(ang)])
        jq = onsager.heat_currents_at_max_power(L, p / T0**2)
        label = ",".join(str(i + 1) for i in range(3) if jq[i] > 0)
        ax.text(p[0] / T0, p[1] / T0, label, color="w", ha="center", va="center", fontsize=9, weight="bold")
    ax.set_xlim(-DT1 / T0, DT1 / T0)
    ax.set_ylim(-DT1 / T0, DT1 / T0)
    ax.set_xticks([-0.01, -0.005, 0, 0.005, 0.01])
    ax.set_xlabel(r"$\Delta T_1/T$")
    ax.set_ylabel(r"$\Delta T_2/T$")
    cap = (r"Single dot: Carnot efficiency of the heat-flow configuration at maximum power over "
           r"$(\Delta T_1,\Delta T_2)$; dashed: $\Delta T_2=\alpha\Delta T_1$ with $\alpha=2,\frac12,-1$ "
           r"($J^Q_1$, $J^Q_2$, $J^Q_3$ change sign); labels: reservoirs absorbing heat. "
           rf"$\gamma_1=\gamma_2=\gamma_3={GAMMA}$, $E_d={ED}$, $k_BT={T0}$, $\mu=0$.")
    ctx.save_figure(fig, "paper2_carnot_density", cap)
    plt.close(fig)
    ctx.check("density map: J^Q signs consistent with alpha lines (J^Q_1 < 0 just above alpha=2 in quadrant 1)",
              bool(onsager.heat_currents_at_max_power(L, np.array([1.0, 2.2]) * 1e-3)[0] < 0
                   and onsager.heat_currents_at_max_power(L, np.array([1.0, 1.8]) * 1e-3)[0] > 0))
    ctx.check("eta_C at W_max is homogeneous of degree 1 (radial linearity)",
              bool(np.isclose(onsager.carnot_efficiency(L, T0, [2e-3, 1e-3]),
                              2 * onsager.carnot_efficiency(L, T0, [1e-3, 0.5e-3]), rtol=1e-10)))

    # ---- (2) eta/eta_C and W vs gamma_2/gamma at fixed potentials --------------------------------------------------
    dmu1, dmu2, S2t = _fixed_potentials()
    r = np.linspace(0, 2, 201)
    res = _sweep(GAMMA, r * GAMMA, GAMMA, _eta_W(dmu1, dmu2))
    fig = _efficiency_power_panels(plt, r, res, r"$\eta/\eta_C$", r"$W$")
    i_eta, i_W = res[:, 0].argmax(), res[:, 1].argmax()
    ctx.record("fixed-bias sweep: gamma2/gamma at max eta", float(r[i_eta]))
    ctx.record("fixed-bias sweep: gamma2/gamma at max W", float(r[i_W]))
    ctx.check("efficiency and power both enhanced at small gamma_2 (interior maxima)",
              0 < i_eta < len(r) - 1 and 0 < i_W < len(r) - 1, eta_max_at=r[i_eta], W_max_at=r[i_W])
    cap = (rf"Single dot at fixed potentials: $\eta/\eta_C$ (left) and $W$ (right) vs $\gamma_2/\gamma$; "
           rf"$\gamma_1=\gamma_3=\gamma={GAMMA}$, $E_d={ED}$, $k_BT={T0}$, $\Delta T_1={DT1}$, $\Delta T_2=0$, "
           rf"$\Delta\mu_1={dmu1:.3g}$, $\Delta\mu_2={dmu2:.3g}$ (opposite signs; $\mp$0.3, 0.2 times "
           rf"$S\Delta T_1$ with the two-terminal $S={S2t:.4g}$); $W$ in units of $k_BT\cdot$rate ($h=2\pi$). "
           rf"Maxima at $\gamma_2/\gamma\approx{r[i_eta]:.2f}$ ($\eta$) and ${r[i_W]:.2f}$ ($W$).")
    ctx.save_figure(fig, "paper2_eta_W_vs_gamma2", cap)
    plt.close(fig)

    # ---- (3) eta(W_max)/eta_C and W_max vs gamma_2/gamma ----------------------------------------------------------
    res = _sweep(GAMMA, r * GAMMA, GAMMA, _at_max_power)
    fig = _efficiency_power_panels(plt, r, res, r"$\eta(W_{\max})/\eta_C$", r"$W_{\max}$")
    upto = r <= 1.5
    ctx.check("at max power: W_max increases (gamma_2/gamma <= 1.5), eta(W_max) decreases with gamma_2",
              bool(np.all(np.diff(res[upto, 1]) > 0) and np.all(np.diff(res[:, 0]) < 0)),
              W_max_peak_at=r[res[:, 1].argmax()])
    cap = (rf"Single dot at maximum power: $\eta(W_{{\max}})/\eta_C$ (left) and $W_{{\max}}$ (right) vs "
           rf"$\gamma_2/\gamma$; $\gamma_1=\gamma_3=\gamma={GAMMA}$, $E_d={ED}$, $k_BT={T0}$, $\Delta T_1={DT1}$, "
           r"$\Delta T_2=0$, $\Delta\mu_{1,2}$ optimised (then $\Delta\mu_2^*=0$). "
           rf"$W_{{\max}}$ peaks at $\gamma_2/\gamma\approx{r[res[:, 1].argmax()]:.2f}$; $\eta(W_{{\max}})$ decreases "
           r"almost linearly.")
    ctx.save_figure(fig, "paper2_etaWmax_Wmax_vs_gamma2", cap)
    plt.close(fig)

    # ---- (4) same vs gamma for gamma_2 = 0 and gamma_2 = gamma ------------------------------------------------------
    gs = np.logspace(-4, 1, 151)
    fig, axs = plt.subplots(2, 2, figsize=(9, 6.4))
    limits = {}
    for ratio, style, lab in ((0.0, "b--", r"$\gamma_2=0$"), (1.0, "r-", r"$\gamma_2=\gamma$")):
        fixed = _sweep(gs, ratio * gs, gs, _eta_W(dmu1, dmu2))
        maxp = _sweep(gs, ratio * gs, gs, _at_max_power)
        engine = fixed[:, 1] > 0  # fixed potentials: plot only where the device works as an engine (W > 0)
        axs[0, 0].semilogx(gs[engine], fixed[engine, 0], style, label=lab)
        axs[0, 1].loglog(gs[engine], fixed[engine, 1], style, label=lab)
        axs[1, 0].semilogx(gs, maxp[:, 0], style, label=lab)
        axs[1, 1].loglog(gs, maxp[:, 1], style, label=lab)
        limits[ratio] = maxp[0]
    axs[1, 0].axhline(0.5, color="k", lw=0.5)
    axs[0, 0].set_ylabel(r"$\eta/\eta_C$ (fixed $\Delta\mu$)")
    axs[0, 1].set_ylabel(r"$W$ (fixed $\Delta\mu$)")
    axs[1, 0].set_ylabel(r"$\eta(W_{\max})/\eta_C$")
    axs[1, 1].set_ylabel(r"$W_{\max}$")
    for a in axs.ravel():
        a.set_xlabel(r"$\gamma$")
        a.legend(fontsize=8)
    fig.tight_layout()
    ctx.check("gamma -> 0: eta(W_max) -> eta_C/2 and W_max -> 0 for gamma_2 = 0 and gamma_2 = gamma",
              all(v[0] > 0.4995 and v[1] < 1e-8 for v in limits.values()),
              ratio_2t=limits[0.0][0], ratio_3t=limits[1.0][0])
    cap = (rf"Single dot vs $\gamma=\gamma_1=\gamma_3$ for $\gamma_2=0$ (dashed blue, two-terminal) and "
           rf"$\gamma_2=\gamma$ (red). Top: fixed $\Delta\mu_1={dmu1:.3g}$, $\Delta\mu_2={dmu2:.3g}$ (as in the "
           rf"$\gamma_2$ sweep; where $W<0$ the machine is not an engine and the curves end); bottom: at maximum "
           rf"power, $\eta(W_{{\max}})\to\eta_C/2$ and $W_{{\max}}\to0$ as $\gamma\to0$. $E_d={ED}$, $k_BT={T0}$, "
           rf"$\Delta T_1={DT1}$, $\Delta T_2=0$.")
    ctx.save_figure(fig, "paper2_vs_gamma", cap)
    plt.close(fig)

    # ---- (5) double dot: generalised ZTs, thermopowers -------------------------------------------------------------
    g2s = np.concatenate([[0.0], np.logspace(-3, 0, 61)])
    Ls = tt.double_dot_onsager(0.2, g2s, 0.2, **DD, T=T0)  # batched (g2s[0] = 0: two-terminal block only)
    z, S = onsager.generalized_figures_of_merit(Ls[1:]), onsager.thermopower(Ls[1:], T0)
    zt = np.stack([z["ZT_1"], z["ZT_12"], z["ZT_2"]], -1)
    zt = np.concatenate([[(onsager.two_terminal_coefficients(Ls[0, :2, :2], T0)["ZT"], 0.0, 0.0)], zt])
    Sm = np.concatenate([np.full((1, 4), np.nan), S.reshape(-1, 4)])  # (S_11, S_12, S_21, S_22)
    gs2 = np.logspace(-2.5, 1, 71)
    z = onsager.generalized_figures_of_merit(tt.double_dot_onsager(gs2, 0.5 * gs2, gs2, **DD, T=T0))
    zt_g = np.stack([z["ZT_1"], z["ZT_12"], z["ZT_2"]], -1)
    fig, axs = plt.subplots(1, 2, figsize=(9, 3.6))
    for k, (st, lab) in enumerate(((":", r"$ZT_1$"), ("--", r"$ZT_{12}$"), ("-", r"$ZT_2$"))):
        axs[0].plot(g2s[1:], zt[1:, k], st, label=lab)
        axs[1].semilogx(gs2, zt_g[:, k], st, label=lab)
    axs[0].set_xscale("log")
    axs[0].plot([g2s[1]], [zt[0, 0]], "k<", label=r"two-terminal $ZT$")
    axs[0].set_xlabel(r"$\gamma_2$")
    axs[1].set_xlabel(r"$\gamma$ ($\gamma_1=\gamma_3=\gamma$, $\gamma_2=\gamma/2$)")
    for a in axs:
        a.legend(fontsize=8)
        a.axhline(0, color="k", lw=0.5)
    fig.tight_layout()
    ctx.record("double dot two-terminal ZT (gamma_2 = 0)", float(zt[0, 0]))
    ctx.check("double dot gamma_2 -> 0: ZT_1 -> ZT, ZT_12, ZT_2 -> 0",
              bool(np.isclose(zt[1, 0], zt[0, 0], rtol=2e-2) and abs(zt[1, 1]) < 0.3 and abs(zt[1, 2]) < 0.6),
              ZT=zt[0, 0], ZT1_at_1e3=zt[1, 0])
    ctx.check("double dot: broad transmission -> all ZT -> 0, narrow -> large",
              bool(np.all(np.abs(zt_g[-1]) < 0.2 * np.abs(zt_g[0]))))
    cap = (rf"Double dot: generalised figures of merit $ZT_1$ (dotted), $ZT_{{12}}$ (dashed), $ZT_2$ (full), "
           rf"normalised by $K_{{11}}$ (only $J^Q_1>0$), vs $\gamma_2$ at $\gamma_1=\gamma_3=0.2$ (left; triangle: "
           rf"two-terminal $ZT={zt[0, 0]:.4g}$) and vs $\gamma$ (right). $E_L={DD['EL']}$, $E_R={DD['ER']}$, "
           rf"$t={DD['t']}$, $k_BT={T0}$, $\mu=0$.")
    ctx.save_figure(fig, "paper2_double_dot_zt", cap)
    plt.close(fig)

    fig, axs = plt.subplots(1, 2, figsize=(9, 3.4))
    axs[0].semilogx(g2s[1:], Sm[1:, 1], "-", label=r"$S_{12}$")
    axs[0].semilogx(g2s[1:], Sm[1:, 2], "--", label=r"$S_{21}$")
    axs[1].semilogx(g2s[1:], Sm[1:, 0], "-", label=r"$S_{11}$")
    axs[1].semilogx(g2s[1:], Sm[1:, 3], "--", label=r"$S_{22}$")
    for a in axs:
        a.set_xlabel(r"$\gamma_2$")
        a.set_ylabel(r"$eS$ [$k_B$]")
        a.legend(fontsize=8)
    fig.tight_layout()
    ctx.check("double dot: S_12 -> 0 while S_21 stays finite as gamma_2 -> 0; S_11 != S_22",
              bool(abs(Sm[1, 1]) < 0.02 and Sm[1, 2] > 0.2 and np.all(np.abs(Sm[1:, 0] - Sm[1:, 3]) > 1e-3)),
              S12=Sm[1, 1], S21=Sm[1, 2])
    cap = (rf"Double dot: non-local (left) and local (right) thermopowers vs $\gamma_2$ ($e=1$). "
           rf"$\gamma_1=\gamma_3=0.2$, $E_L={DD['EL']}$, $E_R={DD['ER']}$, $t={DD['t']}$, $k_BT={T0}$, $\mu=0$.")
    ctx.save_figure(fig, "paper2_double_dot_thermopowers", cap)
    plt.close(fig)


def regression(ctx):
    I = tt.lorentzian_integrals(2.0, 0.2, 1.0, 0.0, h=1.0)
    ctx.check("P2-10: I_0, I_1, I_2 at E_d = 2, Gamma = 0.2, T/h = 1",
              bool(np.allclose(I, [3.3072425, 6.1892033, 12.494771], rtol=3e-8)), I0=I[0], I1=I[1], I2=I[2])
    for g, zt_ref in (((0.1, 0.1, 0.1), 8.2990871), ((1.0, 1.0, 1.0), 0.45731852)):
        L = tt.single_dot_onsager(*g, 2.0)
        Z = onsager.figure_of_merit(L, [0.01, 0.0])
        ctx.check(f"P2-10: ZT at gamma = {g}", bool(np.isclose(Z, zt_ref, rtol=1e-7)), ZT=Z)
    Lq = tt.single_dot_onsager(0.1, 0.05, 0.1, 2.0, method="quadrature")
    Lc = tt.single_dot_onsager(0.1, 0.05, 0.1, 2.0)
    err = float(np.max(np.abs(Lq - Lc)) / np.max(np.abs(Lc)))
    ctx.check("closed-form polygamma L equals quadrature L", err < 1e-12, rel_err=err)
    tau = tt.double_dot_transmission(0.2, 0.1, 0.2, **DD)
    Ld = landauer.onsager_by_differentiation(tau, 3, 0.0, 1.0, points=list(tt.double_dot_levels(**DD)))
    L = tt.double_dot_onsager(0.2, 0.1, 0.2, **DD)
    err = float(np.max(np.abs(Ld - L)) / np.max(np.abs(L)))
    ctx.check("double dot: L equals derivative of nonlinear LB currents", err < 1e-7, rel_err=err)
    S = onsager.thermopower(L, 1.0)
    ctx.record("P2-9 gamma_2=0.1: e T S_12, e T S_21", [float(S[0, 1]), float(S[1, 0])])


def _efficiency_power_panels(plt, r, res, eta_label, power_label):
    """Two panels vs gamma_2/gamma: efficiency ``res[:, 0]`` (left) and power ``res[:, 1]`` (right)."""
    fig, axs = plt.subplots(1, 2, figsize=(9, 3.4))
    for a, col, label in ((axs[0], 0, eta_label), (axs[1], 1, power_label)):
        a.plot(r, res[:, col])
        a.set_ylabel(label)
        a.set_xlabel(r"$\gamma_2/\gamma$")
    fig.tight_layout()
    return fig


def run(ctx):
    body = symbolic_part(ctx)
    regression(ctx)
    ctx.write_tex("landauer", render(body))
    figures(ctx)
