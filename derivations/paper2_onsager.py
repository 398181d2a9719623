"""Paper 2 (Mazza et al., NJP 16, 085001 (2014)), Secs. 2-3 and Appendices A-B: three-terminal Onsager algebra
and efficiency bounds.

Derives S, G, K, Pi in closed form from the operational definitions of Sec. 2 (the thermopower, conductance,
thermal-conductance and Peltier matrices), proves Pi = T S^T, M = T^3 S^T G S, the maximum power and the law
eta(W_max) = (eta_C/2) Z/(Z+2) for the three heat-flow cases of Sec. 3, the three-terminal power factor, and the
Cholesky sum-of-squares proofs of Appendix B (C_1, C_2 >= 0, sign C_12 = sign Z_12), reproducing the paper's C_2
and C_12. Equations are cited by the published section; the published equation numbers could not be recovered
from the seed text (its formulas are placeholders).
"""

import numpy as np
import sympy as sp

from symqd import cholesky, onsager
from symqd.latex import Align, Prose, Section, render, tex

TITLE = "Paper 2: three-terminal Onsager theory and efficiency bounds"
SECTION = "paper2"


def zero(x):
    """Exact proof that a rational expression (or every entry of a Matrix) vanishes identically: the numerator of
    ``together(x)`` expands to the zero polynomial (no gcd computed, unlike ``cancel``)."""
    if isinstance(x, sp.MatrixBase):
        return all(zero(v) for v in x)
    return sp.expand(sp.fraction(sp.together(x))[0]) == 0


def symbolic_onsager():
    L = sp.zeros(4, 4)
    for i in range(1, 5):
        for j in range(i, 5):
            s = sp.Symbol(f"L{i}{j}", real=True)
            L[i - 1, j - 1] = L[j - 1, i - 1] = s
    return L


def run(ctx):
    T, e = sp.symbols("T e", positive=True)
    L = symbolic_onsager()
    X1m, X1T, X2m, X2T = sp.symbols("X_1^mu X_1^T X_2^mu X_2^T", real=True)
    XT = [X1T, X2T]
    Delta = sp.Symbol("Delta", positive=True)
    det_mm = L[0, 0] * L[2, 2] - L[0, 2] ** 2

    def short(x):
        num, den = sp.fraction(sp.cancel(x))
        return sp.expand(num) / sp.factor(den).subs(det_mm, Delta)


    # --- transport coefficients -------------------------------------------------------------------------------
    S, G = onsager.thermopower(L, T, e), onsager.conductance(L, T, e)
    K, Pi = onsager.thermal_conductance(L, T), onsager.peltier(L, T, e)
    ctx.check("Onsager-Kelvin Pi = T S^T", zero(Pi - T * S.T))
    ctx.check("K symmetric", zero(K[0, 1] - K[1, 0]))
    M = onsager.m_matrix(L)
    ctx.check("M = T^3 S^T G S", zero(M - T**3 * S.T * G * S))
    S_lim = onsager.two_terminal_limit(onsager.thermopower, L, T, e)
    ctx.check("two-terminal limit: S11 -> L12/(e T L11), S12 -> 0, S21 finite",
              zero(S_lim[0, 0] - L[0, 1] / (e * T * L[0, 0])) and S_lim[0, 1] == 0 and S_lim[1, 0] != 0)
    zt_lim = onsager.two_terminal_limit(onsager.generalized_figures_of_merit, L)
    ctx.check("two-terminal limit: ZT_1 -> L12^2/det L2, ZT_12, ZT_2 -> 0",
              zero(zt_lim["ZT_1"] - L[0, 1] ** 2 / (L[0, 0] * L[1, 1] - L[0, 1] ** 2))
              and zt_lim["ZT_12"] == 0 and zt_lim["ZT_2"] == 0)

    body = [Section("Transport coefficients", level=2),
            Prose(r"Reservoir 3 is the reference; $(J_1,J^Q_1,J_2,J^Q_2)=L\,(X^\mu_1,X^T_1,X^\mu_2,X^T_2)$, "
                  r"$X^\mu_i=\Delta\mu_i/T$, $X^T_i=\Delta T_i/T^2$, $\Delta\equiv L_{11}L_{33}-L_{13}^2$. "
                  r"Solving the constrained definitions of Sec.~2 of the paper (thermopower, conductance, thermal "
                  r"conductance and Peltier matrices) gives (all derived by \texttt{symqd.onsager}):"),
            Align([(f"S_{{{i+1}{j+1}}}", short(S[i, j])) for i in range(2) for j in range(2)]),
            Align([("G", r"\frac{e^{2}}{T}" + tex(sp.simplify(G * T / e**2))), ("K_{11}", short(K[0, 0])), ("K_{12}=K_{21}", short(K[0, 1])),
                   ("K_{22}", short(K[1, 1]))]),
            Prose(r"and the Onsager--Kelvin relation $\Pi=\frac1e L_{T\mu}L_{\mu\mu}^{-1}=T\,S^{\mathsf T}$ holds "
                  r"identically. Two-terminal limit (all reservoir-2 elements $\propto\epsilon\to0$): "),
            Align([("S_{11}", S_lim[0, 0]), ("S_{12}", S_lim[0, 1]), ("S_{21}", S_lim[1, 0]),
                   ("S_{22}", S_lim[1, 1])]),
            Prose(r"so $S_{12}\to0$ while $S_{21}$ stays finite.")]

    # --- maximum power and efficiency ---------------------------------------------------------------------------
    Wmax, Xopt = onsager.max_power(L, T, XT)
    W = onsager.power(L, T, [X1m, X2m], XT)
    sol = sp.solve([sp.diff(W, X1m), sp.diff(W, X2m)], [X1m, X2m], dict=True)[0]
    ctx.check("W_max = (T/4) X^T.M.X^T is the stationary point of W", zero(W.subs(sol) - Wmax))
    Z = onsager.figure_of_merit(L, XT)
    for case in [(1,), (2,), (1, 2)]:
        eta = onsager.efficiency_at_max_power(L, T, XT, case=case)
        etaC = onsager.carnot_efficiency(L, T, XT, case=case)
        ctx.check(f"eta^({''.join(map(str, case))})(W_max) = (eta_C/2) Z/(Z+2)", zero(eta / etaC - Z / (2 * (Z + 2))))
    body += [Section("Maximum power and efficiency at maximum power", level=2),
             Prose(r"Maximising $W=-T(X^\mu_1J_1+X^\mu_2J_2)$ (Sec.~3 of the paper) over $X^\mu$ at fixed $X^T$: "
                   r"$X^{\mu*}=-\tfrac12L_{\mu\mu}^{-1}L_{\mu T}X^T$ and"),
             Align([(r"W_{\max}", r"\frac T4\,X^{T\mathsf T}MX^T=\tfrac14\,\Delta T^{\mathsf T}S^{\mathsf T}GS\,"
                                  r"\Delta T,"),
                    ("M", r"L_{T\mu}L_{\mu\mu}^{-1}L_{\mu T}=T^3S^{\mathsf T}GS"
                          r"=\begin{pmatrix}a_1&b\\ b&a_2\end{pmatrix},")]),
             Align([("a_1", short(M[0, 0])), ("b", short(M[0, 1])), ("a_2", short(M[1, 1]))]),
             Prose(r"For each heat-flow configuration $k\in\{1,2,12\}$ (only $J^Q_1>0$; only $J^Q_2>0$; both), with "
                   r"$\eta^{(k)}_C$ the linear-response Carnot efficiency $T\,X^T\!\cdot J^Q/\sum^+J^Q$ at maximum "
                   r"power, it is an identity (checked for all three cases) that"),
             Align([(r"\eta^{(k)}(W_{\max})", r"\frac{\eta^{(k)}_C}{2}\,\frac{\mathcal Z}{\mathcal Z+2},"),
                    (r"\mathcal Z", r"\frac{X^{T\mathsf T}MX^T}{X^{T\mathsf T}(L_{TT}-M)X^T}"
                                    r"=\frac{T\,\Delta T^{\mathsf T}S^{\mathsf T}GS\,\Delta T}"
                                    r"{\Delta T^{\mathsf T}K\Delta T}\ge0,")]),
             Prose(r"hence $\eta^{(k)}(W_{\max})\le\eta^{(k)}_C/2$. In the paper's form, with $\tilde K=T^2K$, "
                   r"$\delta=X^T_2/X^T_1$ (cases 1, 12) or $X^T_1/X^T_2$ (case 2): "
                   r"$\eta^{(k)}(W_{\max})=\frac{\eta^{(k)}_C}{2}\frac{\mathcal Z_k}{\mathcal Z_k+C_k}$ with "
                   r"$\mathcal Z_1=ZT_1+2\delta ZT_{12}+\delta^2ZT_2$, $ZT_1=a_1/\tilde K_{11}$, "
                   r"$ZT_{12}=b/\tilde K_{11}$, $ZT_2=a_2/\tilde K_{11}$, "
                   r"$C_1=2(\tilde K_{11}+2\delta\tilde K_{12}+\delta^2\tilde K_{22})/\tilde K_{11}$, "
                   r"$C_2=2(\tilde K_{22}+2\delta\tilde K_{12}+\delta^2\tilde K_{11})/\tilde K_{22}$, "
                   r"$C_{12}=(\tilde K_{11}+2\delta\tilde K_{12}+\delta^2\tilde K_{22})/\tilde K_{12}$.")]
    d = sp.Symbol("delta")
    c = onsager.efficiency_constants(L, d)
    for case, key, dsub in (((1,), "1", X2T / X1T), ((2,), "2", X1T / X2T), ((1, 2), "12", X2T / X1T)):
        eta = onsager.efficiency_at_max_power(L, T, XT, case=case)
        etaC = onsager.carnot_efficiency(L, T, XT, case=case)
        Zk, Ck = c[f"Z_{key}"].subs(d, dsub), c[f"C_{key}"].subs(d, dsub)
        ctx.check(f"eta^({key}) = (eta_C/2) Z_{key}/(Z_{key}+C_{key})", zero(eta / etaC - Zk / (2 * (Zk + Ck))))
    ctx.check("C_1 = C_2 = 2 at delta = 0", sp.cancel(c["C_1"].subs(d, 0)) == 2 and sp.cancel(c["C_2"].subs(d, 0)) == 2)

    # --- three-terminal power factor (Sec. 3) ---------------------------------------------------------------------
    rng = np.random.default_rng(7)
    A = rng.normal(size=(4, 4))
    Ln = A @ A.T
    lam_m, lam_p, theta = onsager.power_factor(Ln, 1.0)
    dT = np.array([0.02, -0.01])
    Wn, _ = onsager.max_power(Ln, 1.0, dT)
    phi = np.arctan2(dT[1], dT[0])
    Qbar = lam_p * np.cos(phi - theta) ** 2 + lam_m * np.sin(phi - theta) ** 2
    ctx.check("power factor: W_max = Qbar |dT|^2/4 with lam_- <= Qbar <= lam_+ (random L)",
              bool(np.isclose(Wn, Qbar * (dT @ dT) / 4, rtol=1e-12) and lam_m <= Qbar <= lam_p),
              W_max=Wn, Qbar=Qbar, lam_minus=lam_m, lam_plus=lam_p)
    body += [Section("Three-terminal power factor", level=2),
             Prose(r"With $\lambda_-\le\lambda_+$ the eigenvalues of $S^{\mathsf T}GS=M/T^3$ and $\theta$ the angle "
                   r"of the $\lambda_+$ eigenvector in the $(\Delta T_1,\Delta T_2)$ plane, "
                   r"$\phi=\arg(\Delta T_1+i\Delta T_2)$ (Sec.~3 of the paper):"),
             Align([(r"W_{\max}", r"\frac{\bar Q}{4}\,(\Delta T_1^2+\Delta T_2^2),"),
                    (r"\bar Q", r"\lambda_+\cos^2(\phi-\theta)+\lambda_-\sin^2(\phi-\theta)\in[\lambda_-,\lambda_+],")]),
             Prose(r"which reduces to $GS^2$ in the two-terminal limit ($\lambda_-=0$, $\theta=0$). (The paper's "
                   r"normalisation of this ``power factor'' was lost; we use the Euclidean norm of $\Delta T$.)")]

    # --- Cholesky proofs --------------------------------------------------------------------------------------
    sos, der = cholesky.sum_of_squares_forms(), cholesky.derived_forms()
    for k in sos:
        ctx.check(f"Cholesky: {k} equals its sum-of-squares form", zero(der[k] - sos[k]))
    ctx.check("seed C_2 reproduced exactly", zero(der["C_2"] - cholesky.SEED_C2))
    ctx.check("seed C_12 reproduced exactly", zero(der["C_12"] - cholesky.SEED_C12))
    names = {"a_1": "a_1", "a_2": "a_2", "b": "b", "det_M": r"a_1a_2-b^2", "Kt_11": r"\tilde K_{11}",
             "Kt_12": r"\tilde K_{12}", "Kt_22": r"\tilde K_{22}", "C_1": "C_1", "C_2": "C_2", "C_12": "C_{12}",
             "Z12_over_C12": r"\mathcal Z_{12}/C_{12}"}
    body += [Section("Cholesky proofs of positivity (Appendix B of the paper)", level=2),
             Prose(r"Write $L=R^{\mathsf T}R$ with $R$ upper triangular, entries $\rho_{ij}$. Substituting into the "
                   r"expressions above and cancelling gives (each line is checked to be an identity):"),
             Align([(names[k], sos[k]) for k in names]),
             Prose(r"Hence $a_1,a_2\ge0$ and $a_1a_2-b^2\ge0$ ($M$ is positive semidefinite), $C_1,C_2\ge0$, and "
                   r"$\mathcal Z_{12}/C_{12}\ge0$ although $C_{12}$ (sign of $\rho_{22}\rho_{33}(\rho_{24}\rho_{33}-"
                   r"\rho_{23}\rho_{34})$) is of undefined sign. Therefore $\eta^{(k)}(W_{\max})/\eta^{(k)}_C="
                   r"\tfrac12\,[1+C_k/\mathcal Z_k]^{-1}\le\tfrac12$ in every case. The $C_2$ and $C_{12}$ printed in "
                   r"Appendix~B of the paper are reproduced exactly ($\delta=X^T_1/X^T_2$ in $C_2$, $X^T_2/X^T_1$ in "
                   r"$C_{12}$).")]
    ctx.write_tex("onsager", render(body))
