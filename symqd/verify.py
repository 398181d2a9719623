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
    "random_rational_point",
    "vanishes_at_random_points",
]


def fermi_point(model, rng: random.Random, *, identify_RL: bool = True, mu_R_zero: bool = True) -> dict:
    r"""Random exact rational values for every rate symbol of ``model`` through its Fermi form.

    Each distinct ``f_res(x)`` gets a random rational in (0, 1) (``f_R(x)`` reuses ``f_L(x)`` if ``identify_RL``
    and ``mu_R_zero``), each coupling a random positive rational. The values need not be physical (Fermi factors
    of different leads are independent), which is what polynomial identity checks want.

    Parameters
    ----------
    model : symbolic model
        E.g. :func:`symqd.models.thermocouple.symbolic` (needs ``fermi_rates`` and ``symbol``).
    rng : random.Random
        Source of randomness.
    identify_RL : bool, optional
        Give ``f_R`` and ``f_L`` of the same argument the same value (only with ``mu_R_zero``).
    mu_R_zero : bool, optional
        Set ``mu_R = 0`` before drawing.

    Returns
    -------
    rates : dict
        ``{k: Rational}`` for every rate symbol.
    couplings : dict
        ``{gamma symbol: Rational}``.

    Examples
    --------
    >>> import random
    >>> from symqd.models.thermocouple import symbolic
    >>> m = symbolic(uhc_infinite=True)
    >>> from symqd.verify import fermi_point
    >>> rates, gammas = fermi_point(m, random.Random(0))
    >>> len(rates), all(0 < v for v in rates.values())
    (20, True)
    """
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
    r"""Random physical parameter values (exact rationals) for every symbol of ``model``.

    Levels in [-4, 4], interactions in [1, 8], temperatures in [1, 6], couplings in (0, 2], ``mu_*`` in [-2, 2];
    ``fixed`` overrides (by symbol name, e.g. ``mu_R=0, T_R="T_L"`` — a string copies another parameter).

    Parameters
    ----------
    model : symbolic model
        Needs ``all_symbols`` and ``symbol``.
    rng : random.Random
        Source of randomness.
    **fixed
        Values by symbol name (a number, or another parameter's name to copy its value).

    Returns
    -------
    dict
        ``{sympy.Symbol: Rational}``.

    Raises
    ------
    ValueError
        For a symbol whose name matches no range (``eps``, ``U_``, ``T_``, ``gamma``, ``mu``).

    Examples
    --------
    >>> import random
    >>> from symqd.models.thermocouple import symbolic
    >>> m = symbolic(uhc_infinite=True)
    >>> from symqd.verify import physical_point
    >>> pt = physical_point(m, random.Random(1), mu_R=0, T_R="T_L")
    >>> v = {s.name: x for s, x in pt.items()}
    >>> v["mu_R"], v["T_R"] == v["T_L"]
    (0, True)
    """
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
    r"""Evaluate expressions in rate symbols ``k`` and ``p_<state>`` symbols with the model's closed-form steady state.

    Parameters
    ----------
    model : symbolic model
        Needs ``steady`` and ``me``.
    exprs : dict
        ``{name: expression in k and p symbols}``.
    rate_values : dict
        ``{k: number}``; exact rationals give exact results.
    dps : int, optional
        If given, the rates are first turned into ``Float(dps)`` (use for physical points, where rates are
        ``gamma fermi(x)``).

    Returns
    -------
    dict
        ``{name: value}``.

    Examples
    --------
    Particle conservation ``I^N_L + I^N_R = 0`` (paper 1 Eq. (9), ``H`` and ``C`` carry none) holds exactly at
    random rational rates:

    >>> import random
    >>> from symqd.models.thermocouple import symbolic
    >>> m = symbolic(uhc_infinite=True)
    >>> from symqd.verify import evaluate_closed, exprs_rates_form, fermi_point
    >>> rates, _ = fermi_point(m, random.Random(0))
    >>> out = evaluate_closed(m, exprs_rates_form(m, ["IN_L", "IN_R"]), rates)
    >>> out["IN_L"] + out["IN_R"]
    0
    """
    if dps is not None:
        rate_values = {k: sp.Float(sp.N(v.rewrite(sp.exp) if hasattr(v, "rewrite") else v, dps), dps)
                       for k, v in rate_values.items()}
    nums = [N.xreplace(rate_values) for N in model.steady.numerators]
    Z = sum(nums)
    ps = {p: N / Z for p, N in zip(model.me.probability_symbols(), nums)}
    return {name: sp.sympify(e).xreplace(rate_values).xreplace(ps) for name, e in exprs.items()}


def physical_rate_values(model, params: dict) -> dict:
    r"""``{k: gamma fermi(x)}`` at the parameter point ``params`` (symbol -> rational), unevaluated Fermi.

    Parameters
    ----------
    model : symbolic model
        Needs ``rates``.
    params : dict
        ``{sympy.Symbol: number}``, e.g. from :func:`physical_point`.

    Returns
    -------
    dict

    Examples
    --------
    >>> import random
    >>> from symqd.models.thermocouple import symbolic
    >>> m = symbolic(uhc_infinite=True)
    >>> from symqd.verify import physical_point, physical_rate_values
    >>> kv = physical_rate_values(m, physical_point(m, random.Random(1)))
    >>> list(kv.items())[0]
    (k_L_000_100, 167*fermi(379/533)/100)
    """
    return {k: e.xreplace(params) for k, e in model.rates.items()}


def exprs_rates_form(model, names) -> dict:
    r"""The model's currents ``names`` in rate and ``p`` symbols (from :func:`symqd.currents.currents`).

    Parameters
    ----------
    model : symbolic model
        Needs ``currents``.
    names : iterable of str
        Keys of :meth:`symqd.currents.Currents.as_dict` (``IN_L``, ``J_H``, ``P``, ``dS_dt``, ...).

    Returns
    -------
    dict

    Raises
    ------
    KeyError
        For an unknown current name.

    Examples
    --------
    >>> import random
    >>> from symqd.models.thermocouple import symbolic
    >>> m = symbolic(uhc_infinite=True)
    >>> from symqd.verify import exprs_rates_form
    >>> sorted(exprs_rates_form(m, ["IN_R", "P"]))
    ['IN_R', 'P']
    """
    d = model.currents.as_dict()
    return {n: d[n] for n in names}


def rel(x, y) -> float:
    r"""``|x|/|y|`` as a float (0 if both vanish).

    Parameters
    ----------
    x, y : number or sympy expression
        Numerator (e.g. an error) and denominator (a scale).

    Returns
    -------
    float
        ``inf`` if only ``y`` vanishes.

    Examples
    --------
    >>> rel(1, 3), rel(0, 0), rel(1, 0)
    (0.3333333333333333, 0.0, inf)
    """
    x, y = abs(sp.N(x)), abs(sp.N(y))
    return 0.0 if x == 0 else (math.inf if y == 0 else float(x / y))



def fermi_symbols(expr) -> tuple:
    r"""Replace every applied ``f_res(x)`` by a plain symbol.

    Parameters
    ----------
    expr : sympy expression
        An expression in undefined functions ``f_<res>(x)`` (the Fermi form of the rates).

    Returns
    -------
    expr : sympy expression
        With plain symbols ``_f_<res>_<i>``.
    table : dict
        ``{symbol: f_res(x)}``.

    Examples
    --------
    >>> import sympy as sp
    >>> f = sp.Function("f_L")(sp.Symbol("eps"))
    >>> fermi_symbols(2 * f + 1)
    (2*_f_L_0 + 1, {_f_L_0: f_L(eps)})
    """
    table: dict = {}

    def sym(app):
        if app not in table:
            table[app] = sp.Symbol(f"_{app.func.__name__}_{len(table)}")
        return table[app]

    out = expr.replace(lambda x: isinstance(x, sp.core.function.AppliedUndef), sym)
    return out, {v: k for k, v in table.items()}


def ring_eval(R, expr):
    r"""Convert a nested sympy expression to an element of the polynomial ring ``R`` without expanding it in sympy.

    The expression is built from sums, products and integer powers of ring generators.

    Parameters
    ----------
    R : sympy.polys.rings.PolyRing
        The polynomial ring.
    expr : sympy expression
        Built from the ring's generators.

    Returns
    -------
    PolyElement

    Examples
    --------
    >>> import sympy as sp
    >>> from sympy.polys.rings import ring
    >>> R, a, b = ring("a b", sp.ZZ)
    >>> ring_eval(R, (sp.Symbol("a") + sp.Symbol("b")) ** 2 * sp.Symbol("a"))
    a**3 + 2*a**2*b + a*b**2
    """
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
    r"""The model's currents ``names`` at a physical parameter point, evaluated to ``dps`` digits.

    From the closed-form steady state with every rate ``gamma fermi(x)`` evaluated to ``dps`` digits (sympy
    ``Float``); independent of any lambdified numerics. Currents are positive from the reservoir into the system.

    Parameters
    ----------
    model : symbolic model
        Needs ``rates``, ``currents``, ``steady`` and ``me``.
    params : dict
        ``{sympy.Symbol: number}`` (see :func:`physical_point`).
    names : iterable of str
        Current names (``IN_L``, ``J_H``, ``P``, ``dS_dt``, ...).
    dps : int, optional
        Working precision in digits.

    Returns
    -------
    dict of str to sympy.Float

    Examples
    --------
    >>> import random
    >>> from symqd.models.thermocouple import symbolic
    >>> m = symbolic(uhc_infinite=True)
    >>> from symqd.verify import physical_point, physical_currents
    >>> v = physical_currents(m, physical_point(m, random.Random(1)), ("IN_L", "IN_R"), dps=30)
    >>> abs(v["IN_L"] + v["IN_R"]) < 1e-25
    True
    """
    kv = {}
    for k, e in model.rates.items():
        kv[k] = sp.Float(sp.N(e.xreplace(params).rewrite(sp.exp), dps), dps)
    pv = {s: sp.Float(sp.N(v, dps), dps) for s, v in params.items()}
    return evaluate_closed(model, exprs_rates_form(model, names), {**kv, **pv})


def random_rational_point(symbols, rng: random.Random, bound: int = 10**9) -> dict:
    r"""Every symbol an independent positive rational ``a/b``, ``a, b`` uniform in ``[1, bound]`` (drawn in the
    order of ``symbols``).

    Parameters
    ----------
    symbols : iterable of sympy.Symbol
        The symbols, in a fixed order (the draws follow it).
    rng : random.Random
        Seeded generator.
    bound : int, optional
        Largest numerator and denominator.

    Returns
    -------
    dict
        ``{symbol: sympy.Rational}``.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> pt = random_rational_point([x, y], random.Random(0))
    >>> list(pt) == [x, y] and all(v.is_Rational and v > 0 for v in pt.values())
    True
    """
    return {s: sp.Rational(rng.randint(1, bound), rng.randint(1, bound)) for s in symbols}


def vanishes_at_random_points(expr, seed, points: int = 2, bound: int = 10**9) -> bool:
    r"""``expr`` is exactly 0 at ``points`` random rational points (:func:`random_rational_point`, seeded by
    ``seed``; symbols in name order).

    Schwartz-Zippel: a nonzero rational function of bounded degree vanishes at such a point with probability below
    (degree)/bound, so passing is overwhelming evidence of an identity, not a proof. A non-number (division by
    zero, unevaluated function) counts as failure.

    Parameters
    ----------
    expr : sympy expression
        A rational function of its symbols.
    seed : int or str
        Seed of the points.
    points : int, optional
        Number of points.
    bound : int, optional
        Largest numerator and denominator of a coordinate.

    Returns
    -------
    bool

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> vanishes_at_random_points((x**2 - y**2) / (x - y) - x - y, "demo")
    True
    >>> vanishes_at_random_points(x * y - y * x + x / 10**12, "demo")
    False
    """
    rng = random.Random(seed)
    syms = sorted(expr.free_symbols, key=lambda x: x.name)
    return all(expr.xreplace(random_rational_point(syms, rng, bound)) == 0 for _ in range(points))
