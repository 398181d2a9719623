"""Verification helpers shared by tests and derivations: random exact / physical points, exact and
high-precision evaluation of closed forms, and polynomial-ring identity checks (Schwartz-Zippel style).

Generic over *symbolic models*: any object with ``me`` (:class:`~symqd.master.MasterEquation`), ``steady``
(closed-form steady state), ``currents``, ``rates`` / ``fermi_rates`` (rate symbol -> physical / Fermi-symbol form),
``symbol(name)`` and ``all_symbols`` — e.g. :func:`symqd.models.thermocouple.symbolic`.

Examples
--------
>>> import random
>>> from symqd.models.thermocouple import symbolic
>>> from symqd.verify import physical_point, physical_currents
>>> m = symbolic(uhc_infinite=True)
>>> pt = physical_point(m, random.Random(1))
>>> v = physical_currents(m, pt, ("dS_dt",), dps=30)
>>> bool(v["dS_dt"] > 0)
True
"""

from __future__ import annotations

import math
import random

import sympy as sp

__all__ = [
    "fermi_point",
    "physical_point",
    "evaluate_closed",
    "physical_rate_values",
    "exprs_rates_form",
    "rel",
    "fermi_symbols",
    "ring_eval",
    "physical_currents",
]


def fermi_point(model, rng: random.Random, *, identify_RL: bool = True, mu_R_zero: bool = True) -> dict:
    """Random exact rational values for every rate symbol of ``model`` through its Fermi form: each distinct
    ``f_res(x)`` gets a random rational in (0, 1) (``f_R(x)`` reuses ``f_L(x)`` if ``identify_RL`` and
    ``mu_R_zero``), each coupling a random positive rational. Returns ``{k: Rational}``."""
    mu_R = model.symbol("mu_R")
    fvals: dict = {}
    gvals: dict = {}

    def val_f(fname, arg):
        if identify_RL and mu_R_zero and fname == "f_R":
            fname = "f_L"
        key = (fname, arg)
        if key not in fvals:
            fvals[key] = sp.Rational(rng.randint(1, 999), 1000)
        return fvals[key]

    out = {}
    for k, e in model.fermi_rates.items():
        if mu_R_zero:
            e = e.xreplace({mu_R: 0})
        for g in e.free_symbols:
            if g.name.startswith("gamma") and g not in gvals:
                gvals[g] = sp.Rational(rng.randint(1, 99), rng.randint(1, 99))
        e = e.replace(lambda x: isinstance(x, sp.core.function.AppliedUndef),
                      lambda x: val_f(x.func.__name__, sp.expand(x.args[0])))
        out[k] = e.xreplace(gvals)
    return out, gvals


def physical_point(model, rng: random.Random, **fixed) -> dict:
    """Random physical parameter values (exact rationals) for every symbol of ``model``: levels in [-4, 4],
    interactions in [1, 8], temperatures in [1, 6], couplings in (0, 2], ``mu_R`` in [-2, 2]; ``fixed`` overrides
    (by symbol name, e.g. ``mu_R=0, T_R="T_L"`` — a string copies another parameter)."""
    vals = {}
    for s in sorted(model.all_symbols, key=lambda x: x.name):
        n = s.name
        if n.startswith("eps"):
            v = sp.Rational(rng.randint(-400, 400), 100)
        elif n.startswith("U_"):
            v = sp.Rational(rng.randint(100, 800), 100)
        elif n.startswith("T_"):
            v = sp.Rational(rng.randint(100, 600), 100)
        elif n.startswith("gamma"):
            v = sp.Rational(rng.randint(1, 200), 100)
        elif n.startswith("mu"):
            v = sp.Rational(rng.randint(-200, 200), 100)
        else:
            raise ValueError(f"no range for symbol {n!r}")
        vals[n] = v
    for n, v in fixed.items():
        vals[n] = vals[v] if isinstance(v, str) else sp.sympify(v)
    return {model.symbol(n) if n in {s.name for s in model.all_symbols} else sp.Symbol(n): v
            for n, v in vals.items()}


def evaluate_closed(model, exprs: dict, rate_values: dict, dps: int | None = None) -> dict:
    """Evaluate expressions in rate symbols ``k`` and ``p_<state>`` symbols with the model's closed-form steady state.

    ``rate_values``: ``{k: number}``; exact rationals give exact results. With ``dps`` the rates are first turned
    into ``Float(dps)`` (use for physical points, where rates are ``gamma fermi(x)``).
    """
    if dps is not None:
        rate_values = {k: sp.Float(sp.N(v.rewrite(sp.exp) if hasattr(v, "rewrite") else v, dps), dps)
                       for k, v in rate_values.items()}
    nums = [N.xreplace(rate_values) for N in model.steady.numerators]
    Z = sum(nums)
    ps = {p: N / Z for p, N in zip(model.me.probability_symbols(), nums)}
    return {name: sp.sympify(e).xreplace(rate_values).xreplace(ps) for name, e in exprs.items()}


def physical_rate_values(model, params: dict) -> dict:
    """``{k: gamma fermi(x)}`` at the parameter point ``params`` (symbol -> rational), unevaluated Fermi."""
    return {k: e.xreplace(params) for k, e in model.rates.items()}


def exprs_rates_form(model, names) -> dict:
    """The model's currents ``names`` in rate and ``p`` symbols (from :func:`symqd.currents.currents`)."""
    d = model.currents.as_dict()
    return {n: d[n] for n in names}


def rel(x, y) -> float:
    """``|x|/|y|`` as a float (0 if both vanish)."""
    x, y = abs(sp.N(x)), abs(sp.N(y))
    return 0.0 if x == 0 else (math.inf if y == 0 else float(x / y))



def fermi_symbols(expr) -> tuple:
    """Replace every applied ``f_res(x)`` by a plain symbol; returns ``(expr, {symbol: f_res(x)})``."""
    table: dict = {}

    def sym(app):
        if app not in table:
            table[app] = sp.Symbol(f"_{app.func.__name__}_{len(table)}")
        return table[app]

    out = expr.replace(lambda x: isinstance(x, sp.core.function.AppliedUndef), sym)
    return out, {v: k for k, v in table.items()}


def ring_eval(R, expr):
    """Convert a nested sympy expression (sums/products/integer powers of ring generators) to ``R`` without
    expanding it in sympy."""
    cache: dict = {}

    def conv(e):
        if e in cache:
            return cache[e]
        if e.is_Add:
            out = R(0)
            for a in e.args:
                out += conv(a)
        elif e.is_Mul:
            out = R(1)
            for a in e.args:
                out *= conv(a)
        elif e.is_Pow and e.exp.is_Integer and e.exp >= 0:
            out = conv(e.base) ** int(e.exp)
        else:
            out = R(e)
        cache[e] = out
        return out

    return conv(expr)


def physical_currents(model, params: dict, names, dps: int = 40) -> dict:
    """The model's currents ``names`` at a physical parameter point (``{symbol: number}``, see
    :func:`physical_point`), from the closed-form steady state with every rate ``gamma fermi(x)`` evaluated to
    ``dps`` digits (sympy ``Float``). Independent of any lambdified numerics."""
    kv = {}
    for k, e in model.rates.items():
        kv[k] = sp.Float(sp.N(e.xreplace(params).rewrite(sp.exp), dps), dps)
    pv = {s: sp.Float(sp.N(v, dps), dps) for s, v in params.items()}
    return evaluate_closed(model, exprs_rates_form(model, names), {**kv, **pv})
