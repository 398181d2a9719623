r"""``audit(model)``: the checks a physicist reads before trusting a master-equation model.

Each row says what was checked, how (``symbolic`` identity, ``exact`` rational arithmetic at random points, or
``numeric`` at sampled physical points) and the outcome (``proven``, ``passed``, ``FAILED``):

1. **particle / energy conservation** (paper 1 Eq. (9)): ``sum_a I^N_a = N^T W p`` and ``sum_a I^E_a = E^T W p`` as
   identities (:func:`symqd.currents.prove_conservation`), and ``W p = 0`` for the closed-form steady state at exact
   random rational rates;
2. **first law**: ``sum_a J_a = P`` (identity);
3. **local detailed balance**: ``k_forward/k_backward = exp(A_e)``, ``A_e = -(dE - dN mu)/T`` for every transition
   pair (symbolic; numeric fallback);
4. **second law**: ``dS/dt = -sum_a J_a/T_a`` equals ``sum_e J_e A_e`` identically in rates and probabilities, so
   with 3, ``dS/dt = sum_e (k_f p_s - k_b p_t) ln(k_f p_s / k_b p_t) >= 0`` term by term (Schnakenberg); plus
   ``dS/dt >= 0`` at the sampled points;
5. **detailed balance and Boltzmann occupations at equilibrium** (all ``T_a = T``, ``mu_a = 0``): ``k_f p^B_s =
   k_b p^B_t`` for every pair (symbolic), and the compiled steady state equals ``exp(-E_s/T)/Z`` with vanishing
   currents at sampled equilibrium points;
6. **Kolmogorov's cycle condition at equilibrium**: the affinity of every fundamental cycle of the multigraph
   (transitions through different couplings are different edges) vanishes (symbolic), and the rate products agree
   numerically;
7. **cycle affinities = thermodynamic forces**: ``A_c = sum_a [dN_a (mu_a/T_a - mu_r/T_r) - dE_a (1/T_a - 1/T_r)]``
   (identity, ``r`` the reference) and ``sum_c F_c A_c = dS/dt`` with ``A_c`` from the *numeric* rates
   (``ln`` of rate ratios) at sampled points;
8. **Onsager symmetry**: the numeric Jacobian ``dI_i/dX_j`` of the full nonlinear currents (mpmath, central
   differences) at sampled equilibrium points is symmetric and equals the network form of
   :mod:`symqd.linear_response` (evaluated numerically: the symbolic solve is slow beyond ~6 states);
   forces ``X^mu = dmu/T``, ``X^T = dT/T^2``;
9. **Johnson-Nyquist**: at equilibrium the scaled noise equals ``c_2 = 2 L_ii`` (symmetrized noise ``S = 2 c_2 =
   4 L_ii``): ``c_2^N = 2 L_{NN} = 2 T G`` and ``c_2^E = 2 L_{JJ} = 2 T^2 K``. The factor follows from
   ``dS/dt = sum_i I_i X_i`` being the entropy production in these forces (``k_B = 1``); checked exactly at a
   random reversible rational network and numerically with the physical rates;
10. **TUR**: ``dS/dt c_2 / c_1^2 >= 2`` for every particle and heat current at the sampled points
    (:mod:`symqd.fcs`).

Output: :meth:`AuditReport.table` (text), :meth:`AuditReport.as_dict`, :meth:`AuditReport.latex` (a section).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

__all__ = ["AuditReport", "audit", "sample_points"]


@dataclass
class AuditReport:
    r"""Result of :func:`audit`: ``rows`` of ``{"check", "status", "method", "detail"}``.

    Parameters
    ----------
    name : str
        Label of the audited model.
    rows : list of dict, optional
        The checks, in order (use :meth:`add`).
    values : dict, optional
        Numbers recorded by the checks (e.g. the smallest TUR ratio).

    Examples
    --------
    >>> rep = AuditReport("single level")
    >>> rep.add("first law", True, "symbolic", "sum_a J_a = P", proven=True)
    >>> rep.add("TUR", True, "numeric", "min Q = 2.4")
    >>> print(rep.table())
    audit of single level
    check      status  method    detail
    -----------------------------------
    first law  proven  symbolic  sum_a J_a = P
    TUR        passed  numeric   min Q = 2.4
    all checks passed
    """

    name: str
    rows: list = field(default_factory=list)
    values: dict = field(default_factory=dict)

    def add(self, check: str, ok: bool, method: str, detail: str = "", *, proven: bool = False) -> None:
        r"""Append one check.

        Parameters
        ----------
        check : str
            What was checked.
        ok : bool
            Its outcome.
        method : str
            How: ``"symbolic"``, ``"exact"`` or ``"numeric"``.
        detail : str, optional
            Free text (numbers, tolerances).
        proven : bool, optional
            Status ``"proven"`` instead of ``"passed"`` when ``ok`` (an identity, not a sample).

        Examples
        --------
        >>> rep = AuditReport("m")
        >>> rep.add("second law", False, "numeric", "dS/dt = -1e-3")
        >>> rep.rows[0]["status"], rep.passed
        ('FAILED', False)
        """
        status = ("proven" if proven else "passed") if ok else "FAILED"
        self.rows.append({"check": check, "status": status, "method": method, "detail": detail})

    @property
    def passed(self) -> bool:
        r"""``True`` iff no row failed.

        Examples
        --------
        >>> rep = AuditReport("single level")
        >>> rep.add("first law", True, "symbolic", "sum_a J_a = P", proven=True)
        >>> rep.add("TUR", True, "numeric", "min Q = 2.4")
        >>> rep.passed
        True
        """
        return all(r["status"] != "FAILED" for r in self.rows)

    def as_dict(self) -> dict:
        r"""The report as plain data (for ``report.json``).

        Returns
        -------
        dict
            ``{"model", "passed", "checks", "values"}``.

        Examples
        --------
        >>> rep = AuditReport("single level")
        >>> rep.add("first law", True, "symbolic", "sum_a J_a = P", proven=True)
        >>> rep.add("TUR", True, "numeric", "min Q = 2.4")
        >>> d = rep.as_dict()
        >>> d["passed"], [c["status"] for c in d["checks"]]
        (True, ['proven', 'passed'])
        """
        return {"model": self.name, "passed": self.passed, "checks": [dict(r) for r in self.rows],
                "values": dict(self.values)}

    def table(self) -> str:
        r"""Fixed-width text table (also ``str(report)``).

        Returns
        -------
        str

        Examples
        --------
        >>> rep = AuditReport("single level")
        >>> rep.add("first law", True, "symbolic", "sum_a J_a = P", proven=True)
        >>> rep.add("TUR", True, "numeric", "min Q = 2.4")
        >>> rep.table().splitlines()[-1]
        'all checks passed'
        """
        w = [max(len(r[k]) for r in self.rows + [{"check": "check", "status": "status", "method": "method",
                                                   "detail": "detail"}]) for k in ("check", "status", "method")]
        head = f"{'check':<{w[0]}}  {'status':<{w[1]}}  {'method':<{w[2]}}  detail"
        lines = [f"audit of {self.name}", head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r['check']:<{w[0]}}  {r['status']:<{w[1]}}  {r['method']:<{w[2]}}  {r['detail']}")
        lines.append(f"{'all checks passed' if self.passed else 'SOME CHECKS FAILED'}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def latex(self, title: str | None = None) -> str:
        r"""A LaTeX ``\subsection`` with the table (``longtable``-free ``tabular``, text columns escaped).

        Parameters
        ----------
        title : str, optional
            Section title (default the report's name).

        Returns
        -------
        str

        Examples
        --------
        >>> rep = AuditReport("single level")
        >>> rep.add("first law", True, "symbolic", "sum_a J_a = P", proven=True)
        >>> rep.add("TUR", True, "numeric", "min Q = 2.4")
        >>> rep.latex().splitlines()[0]
        '\\subsection{Audit: single level}'
        """
        from symqd.latex import escape

        out = [f"\\subsection{{Audit: {escape(title or self.name)}}}",
               "\\begin{center}\\small", "\\begin{tabular}{p{0.30\\linewidth}llp{0.38\\linewidth}}", "\\hline",
               "check & status & method & detail\\\\", "\\hline"]
        for r in self.rows:
            out.append(" & ".join(escape(r[k]) for k in ("check", "status", "method", "detail")) + "\\\\")
        out += ["\\hline", "\\end{tabular}", "\\end{center}"]
        return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------------ helpers
def _classify(me, cm):
    sysm = me.system
    temps = {s.name for s in sysm.temperature_symbols()}
    mus = set()
    for r in sysm.reservoirs:
        mus |= {s.name for s in r.mu.free_symbols}
    coup = {s.name for s in sysm.coupling_symbols()}
    return temps, mus, coup


def sample_points(me, cm, n: int, rng: random.Random, *, equilibrium: bool = False) -> list:
    r"""``n`` random physical parameter points ``{name: float}`` for ``cm.parameter_names``.

    Temperatures in ``[0.5, 2]``, potentials in ``[-1, 1]``, couplings in ``[0.2, 2]``, other parameters (levels,
    interactions) in ``[-2, 3]`` (interactions ``>= 0``), all in units of a reference energy.

    Parameters
    ----------
    me : MasterEquation
        The model (classifies the parameters).
    cm : CompiledModel
        Its compiled form (the parameter names).
    n : int
        Number of points.
    rng : random.Random
        Source of randomness.
    equilibrium : bool, optional
        Every temperature equals one random ``T`` and every potential is 0.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> import random
    >>> from symqd import System, Reservoir, MasterEquation, CompiledModel
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> pts = sample_points(me, CompiledModel(me), 2, random.Random(0), equilibrium=True)
    >>> len(pts), pts[0]["T_L"] == pts[0]["T_R"], pts[0]["mu_L"]
    (2, True, 0.0)
    """
    temps, mus, coup = _classify(me, cm)
    out = []
    for _ in range(n):
        T0 = rng.uniform(0.5, 2.0)
        pt = {}
        for name in cm.parameter_names:
            if name in temps:
                pt[name] = T0 if equilibrium else rng.uniform(0.5, 2.0)
            elif name in mus:
                pt[name] = 0.0 if equilibrium else rng.uniform(-1.0, 1.0)
            elif name in coup:
                pt[name] = rng.uniform(0.2, 2.0)
            elif name.startswith("U"):
                pt[name] = rng.uniform(0.0, 3.0)
            else:
                pt[name] = rng.uniform(-2.0, 3.0)
        out.append(pt)
    return out


def _rational(rng):
    return sp.Rational(rng.randint(1, 97), rng.randint(1, 97))


def _exact_steady(me, kv):
    from symqd.graph import elimination_program, run_program

    program, pis = elimination_program(me.n, sorted(me.edges), me.edge_weight)
    N = run_program(program, pis, kv)
    Z = sum(N)
    return [x / Z for x in N]


def _evaluate_points(cm, pts) -> list:
    """``[cm.evaluate(pt) for pt in pts]`` by one batched (numpy) evaluation, split back into per-point dicts of
    floats (one compiled kernel for all numeric checks instead of a second, scalar one)."""
    vals = {nm: np.array([float(pt[nm]) for pt in pts]) for nm in cm.parameter_names}
    out = cm.evaluate(vals)

    def take(v, k):
        if isinstance(v, Mapping):
            return {key: take(x, k) for key, x in v.items()}
        return float(np.broadcast_to(np.asarray(v, dtype=float), (len(pts),))[k])
    return [take(out, k) for k in range(len(pts))]


def _is_zero(expr) -> bool:
    """Exact proof that ``expr`` (rates: rational functions of exponentials) vanishes identically.

    Fast path: after rewriting in ``exp`` and expanding, the numerator of ``together`` expands (exponentials
    combined) to the zero polynomial; only if that does not show zero, ``simplify`` decides (a False here is "not
    proven", never a wrong True).
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    try:
        e = sp.expand(expr.rewrite(sp.exp))
        num = sp.fraction(sp.together(e))[0]
        if sp.expand(sp.powsimp(sp.expand(num), combine="exp")) == 0:
            return True
        return sp.simplify(e) == 0
    except Exception:  # pragma: no cover - simplify failures count as "not proven"
        return False


def _cycles(me):
    """Fundamental cycles of the multigraph: list of lists of ``(transition, sign)`` steps (forward transitions of
    ``me.multi_edges`` with sign +1 if traversed forward)."""
    edges = list(me.multi_edges)
    n = me.n
    comp = list(range(n))
    tree = []
    for k, ((i, j), _r, _f, _b) in enumerate(edges):
        if comp[i] != comp[j]:
            old = comp[j]
            comp[:] = [comp[i] if c == old else c for c in comp]
            tree.append(k)
    adj = {v: [] for v in range(n)}
    for k in tree:
        (i, j), *_ = edges[k]
        adj[i].append((j, k))
        adj[j].append((i, k))

    def path(a, b):  # tree path a -> b as (edge index, direction)
        prev = {a: None}
        stack = [a]
        while stack:
            u = stack.pop()
            for v, k in adj[u]:
                if v not in prev:
                    prev[v] = (u, k)
                    stack.append(v)
        out, v = [], b
        while v != a:
            u, k = prev[v]
            out.append((k, 1 if edges[k][0] == (u, v) else -1))
            v = u
        return out[::-1]

    cycles = []
    for k, ((i, j), _r, fwd, back) in enumerate(edges):
        if k in tree or back is None:
            continue
        steps = [(k, 1)] + path(j, i)
        cycles.append([(edges[e][2], s) for e, s in steps])
    return cycles


# ------------------------------------------------------------------------------------------------------ audit
def audit(model, *, name: str | None = None, reference: str | None = None, points: Sequence[Mapping] | None = None,
          equilibrium_points: Sequence[Mapping] | None = None, samples: int = 3, tur_samples: int = 200,
          seed: int = 0) -> AuditReport:
    r"""Audit a master-equation model (module docstring lists the checks).

    Parameters
    ----------
    model : MasterEquation
        The model, or an object exposing one as ``.me`` (e.g. ``thermocouple.symbolic()``).
    name : str, optional
        Label in the report (default: the dots and couplings).
    reference : str, optional
        Reference coupling of the linear response (default: the first lead, else the first coupling).
    points, equilibrium_points : sequence of mappings, optional
        Parameter points ``{name: float}`` for the numeric checks (default: random, :func:`sample_points`).
    samples : int
        Number of random points per numeric check.
    tur_samples : int
        Number of random non-equilibrium points for the TUR (vectorized).
    seed : int
        Random seed (the audit is reproducible).

    Returns
    -------
    AuditReport

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> rep = audit(me, samples=1, tur_samples=20)
    >>> rep.passed, rep.rows[0]["check"]
    (True, 'particle conservation')
    """
    from symqd import fcs
    from symqd.currents import currents, prove_conservation
    from symqd.fermi import MPMATH_MODULE
    from symqd.linear_response import boltzmann_state, energy_only_reservoirs, network
    from symqd.numeric import CompiledModel

    me = fcs._check_me(model)
    sysm = me.system
    parts = [r.name for r in sysm.reservoirs]
    if reference is None:
        reference = sysm.leads[0].name if sysm.leads else parts[0]
    if reference not in parts:
        raise ValueError(f"reference: no lead or bath named {reference!r}; they are {parts}")
    if samples < 1 or tur_samples < 1:
        raise ValueError("samples and tur_samples must be >= 1")
    label = name or (f"dots {', '.join(sysm.dot_names)}; couplings {', '.join(parts)}")
    rep = AuditReport(label)
    rng = random.Random(seed)
    rates = me.physical_rates()
    T = sp.Symbol("T", positive=True)
    eq = {}
    for r in sysm.reservoirs:
        eq.update(r.equilibrium_substitution(T))
    eonly = energy_only_reservoirs(me)

    # 1-2: conservation and first law --------------------------------------------------------------------------
    cons = prove_conservation(me)
    kv = {k: _rational(rng) for k in me.rate_symbols}
    p = _exact_steady(me, kv)
    stationary = all(x == 0 for x in (me.rate_matrix().xreplace(kv) * sp.Matrix(p)))
    for key, title in (("particle", "particle conservation"), ("energy", "energy conservation")):
        rep.add(title, cons[key] and stationary, "symbolic",
                f"sum_a I_a = {'N' if key == 'particle' else 'E'}^T W p identically; W p = 0 exactly", proven=True)
    rep.add("first law", cons["first_law"], "symbolic", "sum_a J_a = P identically", proven=True)

    # 3: local detailed balance ------------------------------------------------------------------------------------
    pairs = [(f, b) for (_ij, _r, f, b) in me.multi_edges if b is not None]
    ldb_sym = all(_is_zero(rates[f.symbol] * sp.exp(-me.part(f.reservoir).affinity(f)) - rates[b.symbol])
                  for f, b in pairs)

    # compiled model with TUR observables (particle and heat of every coupling)
    obs = {}
    tur_currents = []
    for r in sysm.reservoirs:
        if r.counts_particles and r.name not in eonly:
            obs.update(fcs.observables(me, r.name, 2, "N"))
            tur_currents.append((f"particle current I^N_{r.name}", f"N_{r.name}"))
        w = {t.symbol: t.dE - t.dN * r.mu for t in me.transitions if t.reservoir == r.name}
        obs.update(fcs.observables(me, None, 2, weights=w, name=f"Q_{r.name}"))
        tur_currents.append((f"heat current J_{r.name}", f"Q_{r.name}"))
    cm = CompiledModel(me, observables=obs)
    pts = list(points) if points is not None else sample_points(me, cm, samples, rng)
    eqpts = (list(equilibrium_points) if equilibrium_points is not None
             else sample_points(me, cm, samples, rng, equilibrium=True))
    ratefn = sp.lambdify(list(cm.parameters), [rates[k] for k in me.rate_symbols],
                         modules=[MPMATH_MODULE, "mpmath"])
    symbols_by_name = {s.name: s for s in cm.parameters}

    def mp_rates(pt):
        return dict(zip(me.rate_symbols, ratefn(*[mpmath.mpf(pt[nm]) for nm in cm.parameter_names])))

    worst = 0.0
    for pt in pts:
        with mpmath.workdps(30):
            kr = mp_rates(pt)
            env = {s: sp.Float(pt[s.name], 30) for s in cm.parameters}
            for f, b in pairs:
                A = sp.Float(me.part(f.reservoir).affinity(f).xreplace(env), 30)
                worst = max(worst, float(abs(mpmath.log(kr[f.symbol] / kr[b.symbol]) - mpmath.mpf(str(A)))))
    ok = ldb_sym or worst < 1e-20
    rep.add("local detailed balance", ok, "symbolic" if ldb_sym else "numeric",
            f"k_f/k_b = exp(-(dE - dN mu)/T) for {len(pairs)} transition pairs; max |ln ratio - A| = {worst:.1e}",
            proven=ldb_sym)

    # 4: second law --------------------------------------------------------------------------------------------------
    cur = currents(me)
    psym = dict(zip(me.states, me.probability_symbols()))
    flux_aff = sp.Add(*[(f.symbol * psym[f.source] - b.symbol * psym[b.source]) * me.part(f.reservoir).affinity(f)
                        for f, b in pairs])
    ident = sp.expand(cur.entropy_production - flux_aff) == 0
    res = _evaluate_points(cm, pts)
    dS = [float(r["dS_dt"]) for r in res]
    rep.add("second law", ident and ldb_sym and min(dS) >= 0, "symbolic" if ldb_sym else "symbolic+numeric",
            f"dS/dt = sum_e J_e A_e identically (Schnakenberg, >= 0 termwise); min dS/dt = {min(dS):.3e} at "
            f"{len(pts)} points", proven=ident and ldb_sym)
    rep.values["min_dS_dt"] = min(dS)

    # 5: detailed balance, Boltzmann ----------------------------------------------------------------------------------
    pB = boltzmann_state(me, T)
    db_sym = all(_is_zero(rates[f.symbol].xreplace(eq) * pB[f.source] - rates[b.symbol].xreplace(eq) * pB[b.source])
                 for f, b in pairs)
    dev, jmax = 0.0, 0.0
    for pt, r in zip(eqpts, _evaluate_points(cm, eqpts)):
        Tv = next(pt[nm] for nm in cm.parameter_names if symbols_by_name[nm] in sysm.temperature_symbols())
        env = {s: pt[s.name] for s in cm.parameters}
        w = np.array([float(sp.exp(-sysm.energy(s).xreplace(env) / Tv)) for s in me.states])
        w /= w.sum()
        got = np.array([float(r["p"][s]) for s in me.states])
        dev = max(dev, float(np.max(np.abs(got / w - 1))))
        jmax = max(jmax, max(abs(float(r[k])) for k in r if k.startswith(("IN_", "IE_", "J_"))))
    rep.add("detailed balance at equilibrium", db_sym, "symbolic", f"k_f p^B_s = k_b p^B_t for {len(pairs)} pairs",
            proven=db_sym)
    rep.add("Boltzmann occupations at equilibrium", dev < 1e-10 and jmax < 1e-12, "numeric",
            f"max |p/p_Boltzmann - 1| = {dev:.1e}, max |current| = {jmax:.1e} at {len(eqpts)} points")

    # 6-7: cycles ---------------------------------------------------------------------------------------------------
    cycles = _cycles(me)
    ref = me.part(reference)
    kol_sym, force_sym = True, True
    for cyc in cycles:
        A = sp.Add(*[s * me.part(t.reservoir).affinity(t) for t, s in cyc])
        kol_sym &= sp.expand(A.xreplace(eq)) == 0
        dN, dE = {}, {}
        for t, s in cyc:
            dN[t.reservoir] = dN.get(t.reservoir, 0) + s * t.dN
            dE[t.reservoir] = dE.get(t.reservoir, 0) + s * t.dE
        forces = sp.Add(*[dN[a] * (me.part(a).mu / me.part(a).temperature - ref.mu / ref.temperature)
                          - dE[a] * (1 / me.part(a).temperature - 1 / ref.temperature) for a in dN])
        force_sym &= sp.expand(A - forces) == 0
    kol_num = 0.0
    for pt in eqpts:
        with mpmath.workdps(30):
            kr = mp_rates(pt)
            for cyc in cycles:
                lr = mpmath.fsum(s * mpmath.log(kr[t.symbol] / kr[_reverse(me, t).symbol]) for t, s in cyc)
                kol_num = max(kol_num, float(abs(lr)))
    rep.add("Kolmogorov cycle condition at equilibrium", kol_sym and kol_num < 1e-20, "symbolic",
            f"{len(cycles)} fundamental cycles: affinity 0; max |ln prod k_f/prod k_b| = {kol_num:.1e}",
            proven=kol_sym)
    sfa = 0.0
    for pt, r in zip(pts, res):
        with mpmath.workdps(30):
            kr = mp_rates(pt)
            tot = mpmath.mpf(0)
            pr = {s: mpmath.mpf(float(r["p"][s])) for s in me.states}
            for cyc in cycles:
                t0, s0 = cyc[0]
                b0 = _reverse(me, t0)
                F = s0 * (kr[t0.symbol] * pr[t0.source] - kr[b0.symbol] * pr[b0.source])
                tot += F * mpmath.fsum(s * mpmath.log(kr[t.symbol] / kr[_reverse(me, t).symbol]) for t, s in cyc)
            sfa = max(sfa, abs(float(tot) - float(r["dS_dt"])) / max(abs(float(r["dS_dt"])), 1e-300))
    rep.add("cycle affinities = thermodynamic forces", force_sym and sfa < 1e-8, "symbolic+numeric",
            f"A_c = sum_a [dN_a (mu_a/T_a - mu_r/T_r) - dE_a (1/T_a - 1/T_r)] (r = {reference}); "
            f"sum_c F_c A_c = dS/dt to {sfa:.1e}", proven=force_sym and sfa < 1e-8)

    # 8-9: Onsager, Johnson-Nyquist ----------------------------------------------------------------------------------
    terminals = [a for a in parts if a != reference]
    if terminals:
        lr = _Network(network(me, reference, terminals, T=T))
        fluxfn = sp.lambdify([T] + list(cm.parameters), [lr.flux_values[e.flux] for e in lr.edges],
                             modules=[MPMATH_MODULE, "mpmath"])
        asym, dev_L, jn = 0.0, 0.0, 0.0
        for pt in eqpts:
            Tv = next(pt[nm] for nm in cm.parameter_names if symbols_by_name[nm] in sysm.temperature_symbols())
            with mpmath.workdps(40):
                args = [mpmath.mpf(Tv)] + [mpmath.mpf(pt[nm]) for nm in cm.parameter_names]
                envd = {s: sp.Float(pt[s.name], 40) for s in cm.parameters}
                L = lr.solve(fluxfn(*args), envd, mp=True)
                J = _jacobian(me, cm, pt, lr, Tv)
                scale = max(abs(x) for x in L)
                for i in range(L.rows):
                    for j in range(L.cols):
                        if J[i][j] is not None and J[j][i] is not None:
                            asym = max(asym, float(abs(J[i][j] - J[j][i]) / scale))
                        if J[i][j] is not None:
                            dev_L = max(dev_L, float(abs(J[i][j] - L[i, j]) / scale))
                mp = {nm: mpmath.mpf(pt[nm]) for nm in cm.parameter_names}
                r = cm.evaluate(mp, backend="mpmath")
                for i, lab in enumerate(lr.current_labels):
                    key = f"C2_N_{lab[3:]}" if lab.startswith("IN_") else f"C2_Q_{lab[2:]}"
                    jn = max(jn, float(abs(r[key] - 2 * L[i, i]) / abs(L[i, i])))
        rep.add("Onsager symmetry", asym < 1e-12 and dev_L < 1e-12, "numeric",
                f"Jacobian of the nonlinear currents (mpmath, central differences): asymmetry {asym:.1e}, "
                f"vs network L (linear_response.network) {dev_L:.1e}; forces {', '.join(lr.force_labels)}")
        # exact Johnson-Nyquist at a reversible rational network
        pr = [_rational(rng) for _ in me.states]
        Z = sum(pr)
        pr = [x / Z for x in pr]
        kvr = {}
        for (_ij, _r, f, b) in me.multi_edges:
            fl = _rational(rng)
            kvr[f.symbol] = fl / pr[me.index[f.source]]
            kvr[b.symbol] = fl / pr[me.index[b.source]]
        ev = {s: sp.Rational(rng.randint(-40, 40) or 1, rng.randint(1, 9))
              for t in me.transitions for s in sp.sympify(t.dE).free_symbols}
        Lx = lr.solve([kvr[e.rate_in] * pr[me.index[e.source]] for e in lr.edges], ev, mp=False)
        jn_exact = True
        for i, lab in enumerate(lr.current_labels):
            a = lab.split("_", 1)[1]
            kind = "N" if lab.startswith("IN_") else "E"
            w = {k: sp.sympify(d).xreplace(ev) for k, d in fcs.counting_weights(me, a, kind).items()}
            c2 = fcs.cumulant_program(me, w, 2, steady="elimination").evaluate(kvr)[1] if w else sp.S.Zero
            jn_exact &= sp.nsimplify(c2 - 2 * Lx[i, i]) == 0
        rep.add("Johnson-Nyquist c_2 = 2 L_ii", jn_exact and jn < 1e-25, "exact+numeric",
                f"exact at a random reversible network; physical max rel. dev. {jn:.1e} "
                f"({', '.join(lr.current_labels)}; S = 2 c_2 = 4 T G for particles)", proven=jn_exact)
        rep.values["onsager_asymmetry"] = asym
        rep.values["johnson_nyquist_rel_dev"] = jn

    # 10: TUR ---------------------------------------------------------------------------------------------------------
    tp = sample_points(me, cm, tur_samples, rng)
    vals = {nm: np.array([q[nm] for q in tp]) for nm in cm.parameter_names}
    r = cm.evaluate(vals)
    qmin, where, bad = np.inf, "", 0
    for title, key in tur_currents:
        c1, c2 = np.asarray(r[f"C1_{key}"]), np.asarray(r[f"C2_{key}"])
        okm = np.abs(c1) > 1e-9 * np.sqrt(np.abs(c2)) + 1e-300
        if not okm.any():
            continue
        Q = fcs.tur_ratio(c1[okm], c2[okm], np.asarray(r["dS_dt"])[okm])
        bad += int(np.sum(Q < 2 * (1 - 1e-9)))
        if Q.min() < qmin:
            qmin, where = float(Q.min()), title
    rep.add("TUR sigma Var(J)/J^2 >= 2", bad == 0, "numeric",
            f"{tur_samples} random points x {len(tur_currents)} currents; min {qmin:.4f} ({where}); "
            f"violations {bad}")
    rep.values["tur_min"] = qmin
    rep.values["tur_violations"] = bad
    return rep


def _reverse(me, t):
    for u in me.transitions:
        if u.source == t.target and u.target == t.source and u.reservoir == t.reservoir:
            return u
    raise ValueError(f"transition {t.source} -> {t.target} of {t.reservoir!r} has no reverse")  # pragma: no cover


def _jacobian(me, cm, pt, lr, Tv, h=mpmath.mpf(10) ** -12):
    """``dI_i/dX_j`` (rows ``lr.current_labels``, columns ``lr.force_labels``) of the compiled nonlinear currents by
    central differences in mpmath; ``None`` where the force's parameter is not a free symbol of the model."""
    base = {nm: mpmath.mpf(pt[nm]) for nm in cm.parameter_names}
    cols = []
    for lab in lr.force_labels:
        kind, a = lab.split("_", 1)
        part = me.part(a)
        sym = part.mu if kind == "Xmu" else part.temperature
        if not (isinstance(sym, sp.Symbol) and sym.name in base):
            cols.append(None)
            continue
        step = Tv * h if kind == "Xmu" else Tv**2 * h
        up, dn = dict(base), dict(base)
        up[sym.name] += step
        dn[sym.name] -= step
        ru, rd = cm.evaluate(up, backend="mpmath"), cm.evaluate(dn, backend="mpmath")
        cols.append({c: (ru[c] - rd[c]) / (2 * h) for c in lr.current_labels})
    return [[None if col is None else col[c] for col in cols] for c in lr.current_labels]


class _Network:
    """The equilibrium network of :func:`symqd.linear_response.network`, solved numerically or exactly at given
    edge fluxes: ``L = D^T Phi D - (B Phi D)^T Lg^{-1} (B Phi D)`` (first state grounded), the same formula as
    :func:`symqd.linear_response.onsager_matrix` without its symbolic solve (which is slow beyond ~6 states)."""

    def __init__(self, net):
        self.edges = net["edges"]
        self.flux_values = net["flux_values"]
        self.current_labels = net["current_labels"]
        self.force_labels = net["force_labels"]
        self.me = None

    def solve(self, fluxes, env, *, mp: bool):
        edges = self.edges
        nf = len(self.force_labels)
        states = sorted({e.source for e in edges} | {e.target for e in edges})
        idx = {s: i for i, s in enumerate(states)}
        n, m = len(states), len(edges)
        if mp:
            D = mpmath.matrix(m, nf)
            for k, e in enumerate(edges):
                for j, d in enumerate(e.drive):
                    D[k, j] = mpmath.mpf(sp.Float(sp.sympify(d).xreplace(env), 40)._to_mpmath(140))
            B = mpmath.matrix(n, m)
            Phi = mpmath.diag([mpmath.mpf(f) for f in fluxes])
        else:
            D = sp.Matrix([[sp.sympify(d).xreplace(env) for d in e.drive] for e in edges])
            B = sp.zeros(n, m)
            Phi = sp.diag(*fluxes)
        for k, e in enumerate(edges):
            B[idx[e.target], k] += 1
            B[idx[e.source], k] -= 1
        BPD = B * Phi * D
        Lg = B * Phi * B.T
        if mp:
            BPDg = mpmath.matrix([[BPD[i, j] for j in range(nf)] for i in range(1, n)])
            Lgg = mpmath.matrix([[Lg[i, j] for j in range(1, n)] for i in range(1, n)])
            U = mpmath.inverse(Lgg) * BPDg
            return D.T * Phi * D - BPDg.T * U
        BPDg, Lgg = BPD[1:, :], Lg[1:, 1:]
        return D.T * Phi * D - BPDg.T * Lgg.LUsolve(BPDg)
