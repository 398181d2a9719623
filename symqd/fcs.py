r"""Full counting statistics: closed-form scaled cumulants of particle and energy transfer (noise, Fano, TUR).

Counting field
--------------
Count the particles (``kind="N"``) or the energy (``kind="E"``) that a reservoir or bath ``alpha`` gives to the
system. The moment generating function of the transferred amount ``n`` obeys ``d|p(chi)>/dt = W(chi)|p(chi)>``
with the *tilted generator* (Bagrets & Nazarov, PRB 67, 085316 (2003))

.. math::  W(\chi)_{ts} = W_{ts}\, e^{\chi d_{s\to t}} \quad (t \ne s), \qquad W(\chi)_{ss} = W_{ss},

where ``d = dN`` or ``dE`` for the transitions through ``alpha`` and ``d = 0`` otherwise (:class:`~symqd.baths.
Transition` conventions: positive from the reservoir into the system). The cumulant generating function is the
eigenvalue ``lambda(chi)`` of ``W(chi)`` with ``lambda(0) = 0``, and the **scaled cumulants** (per unit time)

.. math::  c_n = \lim_{t\to\infty} \langle\langle n^n \rangle\rangle / t = \partial_\chi^n \lambda(\chi)|_{\chi=0}

have units ``[rate] x [d]^n`` (``gamma`` for particles, ``gamma * energy^n`` for energy). ``c_1`` is the current
``IN_alpha`` or ``IE_alpha`` (Eqs. (7), (8) of paper 1), ``c_2`` the zero-frequency noise in the convention
``S = c_2`` (the symmetrized noise ``S = 2 int <dI(t) dI(0)> dt`` of the literature is ``2 c_2``), ``F = c_2/c_1``
the Fano factor (dimensionless for ``N``; an energy for ``E``).

Method: recursive Rayleigh-Schroedinger perturbation theory
------------------------------------------------------------
Flindt, Novotny, Braggio, Jauho, PRB 82, 155407 (2010), Eqs. (9)-(11): with ``W(chi) = sum_m chi^m/m! L_m``
(``L_0 = W``, ``(L_m)_{ts} = sum k d^m`` over the counted transitions ``s -> t``), ``<1|`` the row of ones and
``|p^(0)> = |p>`` the steady state,

.. math::

    c_n = \sum_{k=1}^{n} \binom{n}{k} \langle 1| L_k |p^{(n-k)}\rangle, \qquad
    |p^{(n)}\rangle = R \sum_{k=1}^{n} \binom{n}{k} (c_k - L_k) |p^{(n-k)}\rangle,            \tag{FCS}

where ``R`` is the Drazin pseudo-inverse of ``W``: ``x = R y`` solves ``W x = y``, ``<1|x> = 0`` (``<1|y> = 0``).

Why this route and not implicit differentiation of the characteristic polynomial: both are exact, but the
coefficients ``a_j(chi)`` of ``det(lambda - W(chi))`` are sums over *all* rooted spanning forests (the number of
terms grows like the number of forests, 10^4-10^7 for 8-16 states) and implicit differentiation to order ``n``
needs ``chi``-derivatives of every coefficient. (FCS) needs only the steady state and ``order - 1`` solves with the
*same* generator, which we do as a straight-line program:

* ``R`` by a grounded state elimination that shares its factorization with the Grassmann-Taksar-Heyman steady
  state (:func:`symqd.graph.elimination_program`): eliminating state ``k`` (last to first) updates the rates
  ``Q(i->j) += Q(i->k) Q(k->j)/S_k`` with ``S_k = sum_{j<k} Q(k->j)`` — subtraction-free, every pivot is a positive
  sum — and the right-hand side ``y_j += Q(k->j) y_k / S_k``; back substitution with ``x_0 = 0`` gives a particular
  solution ``z``, and ``x = z - (<1|z>) p``;
* the intermediates (``S_k``, updated rates, ``y``, ``x``, ``c_n``) are named symbols
  (:class:`CumulantProgram`): ``O(n^3 + order^2 n^2)`` operations; :meth:`CumulantProgram.inline` gives the same
  thing as nested sympy expressions sharing subexpressions (what :class:`~symqd.numeric.CompiledModel`
  compiles with ``cse``).

The tests prove (FCS) against independent routes: exact implicit differentiation of ``det(W(chi) - lambda)`` at
exact rational points, and 50-digit numerical derivatives of the eigenvalue of ``W(chi)`` closest to 0.

Main entry points: :func:`cumulants` (the design contract, physical parameters), :func:`cumulant_expressions` /
:func:`observables` (rate and probability symbols, for ``CompiledModel(observables=...)``), :func:`noise`,
:func:`fano`, :func:`tur_ratio` (thermodynamic uncertainty relation, ``sigma c_2 / c_1^2 >= 2``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import comb

import numpy as np
import sympy as sp

__all__ = [
    "KINDS",
    "counting_weights",
    "CumulantProgram",
    "cumulant_program",
    "cumulant_expressions",
    "cumulants",
    "noise",
    "fano",
    "observables",
    "tur_ratio",
]

#: ``"N"``: particles (``dN``), ``"E"``: energy (``dE``) taken from the reservoir
KINDS = ("N", "E")


def _check_me(me):
    from symqd.master import MasterEquation

    inner = getattr(me, "me", None)
    if not isinstance(me, MasterEquation) and isinstance(inner, MasterEquation):
        return inner  # e.g. the thermocouple's SymbolicThermocouple
    if not isinstance(me, MasterEquation):
        raise ValueError(f"me must be a MasterEquation (or expose one as .me), got {type(me).__name__}")
    return me


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be an integer >= 1, got {order!r}")
    return order


def counting_weights(me, reservoir: str, kind: str = "N") -> dict:
    """Counting increments ``{rate symbol: d}`` of the transitions through ``reservoir`` (``d = dN`` or ``dE``).

    Parameters
    ----------
    me : MasterEquation
        The model (or an object exposing one as ``.me``).
    reservoir : str
        Name of a lead or bath of ``me`` (a name, never parsed).
    kind : {"N", "E"}
        Particles (``dN = +1`` for an electron entering the system from the reservoir) or energy
        (``dE = E(target) - E(source)``, the energy taken from it).

    Returns
    -------
    dict
        Only transitions with a non-zero increment (a bath has no ``"N"`` increments: an empty dict).

    Raises
    ------
    ValueError
        Unknown ``reservoir`` or a ``kind`` other than ``"N"``/``"E"``.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> counting_weights(me, "L", "N")
    {k_L_0_1: 1, k_L_1_0: -1}
    """
    me = _check_me(me)
    if not isinstance(reservoir, str):
        raise ValueError(f"reservoir must be the name (str) of a lead or bath, got {reservoir!r}")
    names = [r.name for r in me.system.reservoirs]
    if reservoir not in names:
        raise ValueError(f"reservoir: no lead or bath named {reservoir!r}; they are {names}")
    if kind not in KINDS:
        raise ValueError(f"kind must be 'N' (particles) or 'E' (energy), got {kind!r}")
    out = {}
    for t in me.transitions:
        if t.reservoir != reservoir:
            continue
        d = sp.Integer(t.dN) if kind == "N" else sp.sympify(t.dE)
        if d != 0:
            out[t.symbol] = d
    return out


@dataclass(frozen=True)
class CumulantProgram:
    r"""A straight-line program for scaled cumulants (module docstring, Eq. (FCS)).

    Built by :func:`cumulant_program`.

    Parameters
    ----------
    assignments : tuple of (Symbol, Expr)
        In evaluation order; each expression uses the inputs and earlier symbols only.
    outputs : tuple of Expr
        ``c_1 ... c_order`` in the assigned symbols and inputs.
    inputs : tuple of Symbol
        Rate symbols (and probability symbols when the steady state is an input).

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> prog = cumulant_program(me, counting_weights(me, "R"), 2, steady="elimination")
    >>> prog.inputs, len(prog.outputs)
    ((k_L_0_1, k_L_1_0, k_R_0_1, k_R_1_0), 2)
    """

    assignments: tuple
    outputs: tuple
    inputs: tuple

    def inline(self) -> list:
        r"""The outputs as nested sympy expressions in the inputs (subexpressions shared, not expanded).

        Returns
        -------
        list of sympy expression

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> prog = cumulant_program(me, counting_weights(me, "R"), 2, steady="elimination")
        >>> c1, c2 = prog.inline()
        >>> sp.factor(c1)
        -(k_L_0_1*k_R_1_0 - k_L_1_0*k_R_0_1)/(k_L_0_1 + k_L_1_0 + k_R_0_1 + k_R_1_0)
        """
        env: dict = {}
        for sym, expr in self.assignments:
            env[sym] = expr.xreplace(env)
        return [sp.sympify(o).xreplace(env) for o in self.outputs]

    def evaluate(self, values: Mapping) -> list:
        r"""Exact (or float) evaluation at ``values`` ``{input symbol: number}``.

        Parameters
        ----------
        values : mapping
            ``{input symbol: number}`` (exact rationals give exact cumulants).

        Returns
        -------
        list
            ``[c_1, ..., c_order]``.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> prog = cumulant_program(me, counting_weights(me, "R"), 2, steady="elimination")
        >>> prog.evaluate({k: sp.Integer(1) for k in me.rate_symbols})
        [0, 1/2]
        """
        env = dict(values)
        for sym, expr in self.assignments:
            env[sym] = expr.xreplace(env)
        return [sp.sympify(o).xreplace(env) for o in self.outputs]

    def function(self, name: str, *, fano: bool = False):
        r"""The outputs as one sympy function call each, numerically implemented by this program.

        ``F_m`` is an undefined sympy function (named ``<name>_c<m>``) whose numeric implementation
        (:func:`sympy.utilities.lambdify.implemented_function`) runs the straight-line program — generated once with
        ``lambdify`` for numpy (broadcasting arrays) and for mpmath (working precision; used when an argument is an
        mpmath number). This keeps the expression *shallow*: tree walks (``free_symbols``, ``xreplace``) over the
        inlined nested form grow exponentially with the number of states, while ``lambdify`` of the call is
        immediate. The last call's values are memoized, so ``c_1..c_order`` and a Fano factor cost one run.

        Parameters
        ----------
        name : str
            Prefix of the function names.
        fano : bool, optional
            Append a last call giving ``c_2/c_1`` (``inf``/``nan`` where ``c_1 = 0``, never an exception).

        Returns
        -------
        list of sympy expression
            ``[F_1(*args), ..., F_order(*args)]`` with ``args`` = :attr:`inputs` plus the parameters in the counting
            weights.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> prog = cumulant_program(me, counting_weights(me, "R"), 2, steady="elimination")
        >>> calls = prog.function("noise")
        >>> calls[1]
        noise_c2(k_L_0_1, k_L_1_0, k_R_0_1, k_R_1_0)
        >>> float(sp.lambdify(prog.inputs, calls[1])(1.0, 1.0, 1.0, 1.0))
        0.5
        """
        import mpmath
        from sympy.utilities.lambdify import implemented_function

        assigned = {s for s, _ in self.assignments}
        extra = set().union(*(e.free_symbols for _, e in self.assignments),
                            *(sp.sympify(o).free_symbols for o in self.outputs)) - assigned - set(self.inputs)
        args = list(self.inputs) + sorted(extra, key=lambda s: s.name)
        prog, outs = list(self.assignments), list(self.outputs)
        fns = {}
        memo: list = [None, None]

        def run(*vals):
            if memo[0] is not None and len(memo[0]) == len(vals) and all(a is b for a, b in zip(memo[0], vals)):
                return memo[1]
            backend = "mpmath" if any(isinstance(v, (mpmath.mpf, mpmath.mpc)) for v in vals) else "numpy"
            if backend == "numpy":  # numpy semantics (inf/nan, never ZeroDivisionError) also for Python floats
                vals = tuple(np.asarray(v, dtype=float) for v in vals)
            if backend not in fns:
                fns[backend] = sp.lambdify(args, outs, modules=[backend], cse=lambda exprs: (prog, outs))
            res = fns[backend](*vals)
            memo[0], memo[1] = vals, res
            return res

        def ratio(*v):
            c = run(*v)
            if isinstance(c[0], (mpmath.mpf, mpmath.mpc)):
                return c[1] / c[0] if c[0] != 0 else mpmath.inf
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.divide(c[1], c[0])

        calls = []
        for m in range(len(outs)):
            f = implemented_function(sp.Function(f"{name}_c{m + 1}"), lambda *v, _m=m: run(*v)[_m])
            calls.append(f(*args))
        if fano:
            calls.append(implemented_function(sp.Function(f"{name}_fano"), ratio)(*args))
        return calls

    def substitute(self, mapping: Mapping) -> "CumulantProgram":
        r"""The program with its inputs replaced by ``mapping`` (e.g. physical rates); intermediates kept.

        Parameters
        ----------
        mapping : mapping
            ``{input symbol: expression}``.

        Returns
        -------
        CumulantProgram
            Its ``inputs`` are the free symbols left.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> prog = cumulant_program(me, counting_weights(me, "R"), 2, steady="elimination")
        >>> prog.substitute(me.physical_rates()).inputs
        (T_L, T_R, eps_D, gamma_L, gamma_R, mu_L, mu_R)
        """
        assigns = tuple((s, e.xreplace(mapping)) for s, e in self.assignments)
        outs = tuple(sp.sympify(o).xreplace(mapping) for o in self.outputs)
        free = set().union(*(e.free_symbols for _, e in assigns), *(o.free_symbols for o in outs))
        free -= {s for s, _ in assigns}
        return CumulantProgram(assigns, outs, tuple(sorted(free, key=lambda s: s.name)))


def cumulant_program(me, weights: Mapping, order: int = 2, *, steady: str = "symbols",
                     prefix: str = "_f") -> CumulantProgram:
    """Straight-line program for the first ``order`` scaled cumulants of a general counted quantity.

    Parameters
    ----------
    me : MasterEquation
        The model (or an object exposing one as ``.me``).
    weights : mapping
        ``{rate symbol: d}``: the amount counted when that transition happens (e.g. :func:`counting_weights`; for a
        heat current ``dE - mu dN``; for several reservoirs the sum of their weights). Transitions not listed count 0.
    order : int
        Number of cumulants (>= 1).
    steady : {"symbols", "elimination"}
        ``"symbols"``: the steady state enters as the probability symbols ``p_<state>`` (for
        ``CompiledModel(observables=...)``, which supplies it); ``"elimination"``: computed inside the program by
        the Grassmann-Taksar-Heyman back substitution of the same factorization.
    prefix : str
        Prefix of the intermediate symbol names.

    Returns
    -------
    CumulantProgram

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> prog = cumulant_program(me, counting_weights(me, "L", "N"), order=2)
    >>> sp.factor(prog.inline()[0])
    k_L_0_1*p_0 - k_L_1_0*p_1
    """
    me = _check_me(me)
    order = _check_order(order)
    if steady not in ("symbols", "elimination"):
        raise ValueError(f"steady must be 'symbols' or 'elimination', got {steady!r}")
    known = set(me.rate_symbols)
    for k in weights:
        if k not in known:
            raise ValueError(f"weights: {k!r} is not a rate symbol of this model")
    n = me.n
    idx = me.index
    program: list = []

    def define(name, expr):
        expr = sp.sympify(expr)
        if expr.is_Atom:
            return expr
        sym = sp.Symbol(f"{prefix}{name}", real=True)
        program.append((sym, expr))
        return sym

    # generator W (total rate i -> j) and the counting operators L_m
    Q: dict = {}
    for t in me.transitions:
        key = (idx[t.source], idx[t.target])
        Q[key] = Q.get(key, sp.S.Zero) + t.symbol
    counted = [(idx[t.source], idx[t.target], t.symbol, sp.sympify(weights[t.symbol]))
               for t in me.transitions if t.symbol in weights and sp.sympify(weights[t.symbol]) != 0]

    # factorization (stochastic complements), shared by the steady state and every solve
    S, col, row = {}, {}, {}
    for k in range(n - 1, 0, -1):
        S[k] = define(f"S{k}", sp.Add(*[Q[(k, j)] for j in range(k) if (k, j) in Q]))
        col[k] = {i: Q[(i, k)] for i in range(k) if (i, k) in Q}
        row[k] = {j: Q[(k, j)] for j in range(k) if (k, j) in Q}
        for i in col[k]:
            for j in row[k]:
                if j != i:
                    Q[(i, j)] = define(f"q{k}_{i}_{j}", Q.get((i, j), sp.S.Zero) + Q[(i, k)] * Q[(k, j)] / S[k])

    if steady == "symbols":
        p = list(me.probability_symbols())
    else:
        pi = [sp.S.One]
        for k in range(1, n):
            pi.append(define(f"pi{k}", sp.Add(*[pi[i] * w for i, w in col[k].items()]) / S[k]))
        Z = define("Z", sp.Add(*pi))
        p = [define(f"p{s}", x / Z) for s, x in enumerate(pi)]

    def solve(y, tag):
        """``x`` with ``W x = y``, ``<1|x> = 0`` (``<1|y> = 0``)."""
        y = list(y)
        for k in range(n - 1, 0, -1):
            if y[k] == 0:
                continue
            for j, w in row[k].items():
                y[j] = define(f"y{tag}_{k}_{j}", y[j] + w * y[k] / S[k])
        z = [sp.S.Zero] * n
        for k in range(1, n):
            z[k] = define(f"z{tag}_{k}", (sp.Add(*[z[i] * w for i, w in col[k].items()]) - y[k]) / S[k])
        tot = define(f"zsum{tag}", sp.Add(*z))
        return [define(f"x{tag}_{s}", z[s] - tot * p[s]) for s in range(n)]

    def apply_L(m, v):
        out = [sp.S.Zero] * n
        for s, t, k, d in counted:
            out[t] += k * d**m * v[s]
        return out

    def bracket(m, v):
        return sp.Add(*[k * d**m * v[s] for s, t, k, d in counted])

    vecs = [p]
    cs: list = []
    for m in range(1, order + 1):
        cs.append(define(f"c{m}", sp.Add(*[comb(m, k) * bracket(k, vecs[m - k]) for k in range(1, m + 1)])))
        if m == order:
            break
        y = [sp.S.Zero] * n
        for k in range(1, m + 1):
            Lv = apply_L(k, vecs[m - k])
            for s in range(n):
                y[s] += comb(m, k) * (cs[k - 1] * vecs[m - k][s] - Lv[s])
        y = [define(f"r{m}_{s}", ys) for s, ys in enumerate(y)]
        vecs.append(solve(y, m))
    inputs = tuple(me.rate_symbols) + (tuple(me.probability_symbols()) if steady == "symbols" else ())
    return CumulantProgram(tuple(program), tuple(cs), inputs)


def cumulant_expressions(me, reservoir: str, order: int = 2, kind: str = "N") -> list:
    r"""The first ``order`` scaled cumulants in the rate symbols ``k_...`` and probability symbols ``p_<state>``.

    Nested expressions (shared subexpressions; Eq. (FCS) of the module docstring), ready for
    ``CompiledModel(me, observables={...})``, which substitutes its steady state and physical rates. A bath with
    ``kind="N"`` gives zeros.

    Parameters
    ----------
    me : MasterEquation
        The model (or an object exposing one as ``.me``).
    reservoir : str
        Lead or bath name.
    order : int, optional
        Number of cumulants (>= 1).
    kind : {"N", "E"}, optional
        Particles or energy, positive from the reservoir into the system.

    Returns
    -------
    list of sympy expression

    Raises
    ------
    ValueError
        Unknown ``reservoir``, ``order < 1`` or ``kind`` not ``"N"``/``"E"``.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> c1, c2 = cumulant_expressions(me, "R", order=2)
    >>> c1
    k_R_0_1*p_0 - k_R_1_0*p_1
    """
    me = _check_me(me)
    order = _check_order(order)
    w = counting_weights(me, reservoir, kind)
    if not w:
        return [sp.S.Zero] * order
    return cumulant_program(me, w, order).inline()


def cumulants(me, reservoir: str, order: int = 2, kind: str = "N", *, form: str = "physical") -> list:
    r"""The first ``order`` scaled cumulants (per unit time) of transfer from ``reservoir`` into the system.

    Design contract (``symqd.fcs.cumulants``); method and conventions in the module docstring, Eq. (FCS).

    Parameters
    ----------
    me : MasterEquation
        Any model (or an object exposing one as ``.me``, like the thermocouple's symbolic model).
    reservoir : str
        Lead or bath name.
    order : int, default 2
        Number of cumulants, >= 1 (any order; the cost grows like ``order^2``).
    kind : {"N", "E"}
        Particle number (units: ``[rate]``, cumulant ``n`` in ``[rate]``) or energy (``[rate][energy]^n``).
        Positive from the reservoir into the system. A bath exchanges no particles: ``kind="N"`` gives zeros.
    form : {"physical", "rates"}
        ``"physical"``: in the model's parameter symbols (the couplings' rate laws substituted, the steady state
        computed inside the expression by state elimination); ``"rates"``: in the rate symbols ``k_...`` with the
        same steady state (no probability symbols). For expressions in rate *and* probability symbols use
        :func:`cumulant_expressions`.

    Returns
    -------
    list of sympy.Expr
        ``[c_1, ..., c_order]``; ``c_1`` equals ``IN_<reservoir>`` / ``IE_<reservoir>``, ``c_2`` is the
        zero-frequency noise, ``c_2/c_1`` the Fano factor. Expressions are nested (shared subexpressions); use
        ``sympy.cancel``/``factor`` for small models.

    Raises
    ------
    ValueError
        Unknown ``reservoir``, ``order < 1``, ``kind`` not ``"N"``/``"E"``, unknown ``form``.

    Examples
    --------
    A single level at large bias (only ``L -> dot -> R``): the Fano factor ``(G_L^2 + G_R^2)/(G_L + G_R)^2``.

    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> c1, c2 = cumulants(me, "L", 2, form="rates")
    >>> GL, GR = sp.symbols("G_L G_R", positive=True)
    >>> big = {sp.Symbol("k_L_0_1", positive=True): GL, sp.Symbol("k_R_1_0", positive=True): GR,
    ...        sp.Symbol("k_L_1_0", positive=True): 0, sp.Symbol("k_R_0_1", positive=True): 0}
    >>> sp.factor(sp.cancel((c2 / c1).xreplace(big)))
    (G_L**2 + G_R**2)/(G_L + G_R)**2
    """
    me = _check_me(me)
    order = _check_order(order)
    if form not in ("physical", "rates"):
        raise ValueError(f"form must be 'physical' or 'rates', got {form!r}")
    w = counting_weights(me, reservoir, kind)
    if not w:
        return [sp.S.Zero] * order
    prog = cumulant_program(me, w, order, steady="elimination")
    outs = prog.inline()
    if form == "physical":
        rates = me.physical_rates()
        outs = [o.xreplace(rates) for o in outs]
    return outs


def noise(me, reservoir: str, kind: str = "N", *, form: str = "physical") -> sp.Expr:
    r"""Zero-frequency noise ``c_2`` (second scaled cumulant; the symmetrized noise ``S`` is ``2 c_2``).

    Parameters
    ----------
    me : MasterEquation
        The model.
    reservoir : str
        Lead or bath name.
    kind : {"N", "E"}, optional
        Particles (units ``gamma``) or energy (``gamma energy^2``).
    form : {"physical", "rates"}, optional
        In the model's parameters, or in rate symbols (see :func:`cumulants`).

    Returns
    -------
    sympy expression

    Raises
    ------
    ValueError
        As :func:`cumulants`.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> sp.factor(sp.cancel(noise(me, "L", form="rates"))).is_rational_function()
    True
    """
    return cumulants(me, reservoir, 2, kind, form=form)[1]


def fano(me, reservoir: str, kind: str = "N", *, form: str = "physical") -> sp.Expr:
    r"""Fano factor ``F = c_2/c_1`` (dimensionless for ``"N"``, an energy for ``"E"``); diverges where ``c_1 = 0``.

    Parameters
    ----------
    me : MasterEquation
        The model.
    reservoir : str
        Lead or bath name.
    kind : {"N", "E"}, optional
        Particles or energy.
    form : {"physical", "rates"}, optional
        In the model's parameters, or in rate symbols (see :func:`cumulants`).

    Returns
    -------
    sympy expression

    Raises
    ------
    ValueError
        As :func:`cumulants`.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> k = {s.name: s for s in me.rate_symbols}
    >>> sp.cancel(fano(me, "L", form="rates").xreplace({k["k_L_1_0"]: 0, k["k_R_0_1"]: 0, k["k_L_0_1"]: 1,
    ...                                                  k["k_R_1_0"]: 1}))
    1/2
    """
    c1, c2 = cumulants(me, reservoir, 2, kind, form=form)
    return c2 / c1


def observables(me, reservoir: str | None, order: int = 2, kind: str = "N", *, weights: Mapping | None = None,
                name: str | None = None, inline: bool = False) -> dict:
    r"""Named cumulant expressions for ``CompiledModel(me, observables=...)``.

    By default each cumulant is a shallow call of a function implemented by the compiled straight-line program
    (:meth:`CumulantProgram.function`), so any model size compiles at once; ``inline=True`` gives the nested sympy
    expressions instead (fine for a few states; their tree walks grow exponentially with the number of states).

    Parameters
    ----------
    me : MasterEquation
        The model.
    reservoir : str or None
        Lead or bath name (ignored with ``weights``).
    order : int, optional
        Number of cumulants (>= 1).
    kind : {"N", "E"}, optional
        Particles or energy, positive from the reservoir into the system.
    weights : mapping, optional
        ``{rate symbol: d}``: count any quantity instead (heat ``dE - mu dN``, sums over reservoirs); then
        ``name`` is required.
    name : str, optional
        Label of the observables (default ``<kind>_<reservoir>``, e.g. ``C2_N_R``).
    inline : bool, optional
        Nested expressions instead of function calls.

    Returns
    -------
    dict
        ``{"C1_<name>": c_1, ..., "C<order>_<name>": c_order, "F_<name>": c_2/c_1}`` (``F`` only for
        ``order >= 2``) in rate and probability symbols.

    Raises
    ------
    ValueError
        Missing or non-identifier ``name``, and as :func:`counting_weights`.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation, CompiledModel
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")]))
    >>> cm = CompiledModel(me, observables=observables(me, "R", 2))
    >>> r = cm.evaluate({"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5})
    >>> bool(abs(r["C1_N_R"] - r["IN_R"]) < 1e-15), bool(r["C2_N_R"] > 0)
    (True, True)
    """
    me = _check_me(me)
    order = _check_order(order)
    if weights is None:
        w = counting_weights(me, reservoir, kind)
        label = name or f"{kind}_{reservoir}"
    else:
        if name is None:
            raise ValueError("name: give a name for a custom counted quantity (weights=...)")
        w = dict(weights)
        label = name
    if not isinstance(label, str) or not label.isidentifier():
        raise ValueError(f"name must be an identifier, got {label!r}")
    if not w:
        cs = [sp.S.Zero] * order
    else:
        prog = cumulant_program(me, w, order, prefix=f"_f{label}_")
        cs = prog.inline() if inline else prog.function(f"fcs_{label}", fano=order >= 2)
    out = {f"C{m + 1}_{label}": c for m, c in enumerate(cs[:order])}
    if order >= 2:
        out[f"F_{label}"] = cs[order] if (w and not inline) else cs[1] / cs[0]
    return out


def tur_ratio(c1, c2, entropy_production):
    r"""Thermodynamic-uncertainty ratio ``Q = sigma c_2 / c_1^2`` (``sigma = dS/dt``, ``k_B = 1``).

    The TUR (Barato & Seifert, PRL 114, 158101 (2015); Gingrich et al., PRL 116, 120601 (2016)) states
    ``Q >= 2`` for every current of a Markov jump process in its steady state.

    Parameters
    ----------
    c1 : number, array, mpmath number or sympy expression
        Mean current (first scaled cumulant).
    c2 : same as ``c1``
        Noise (second scaled cumulant).
    entropy_production : same as ``c1``
        ``dS/dt = -sum_alpha J_alpha / T_alpha``.

    Returns
    -------
    same type as the inputs

    Examples
    --------
    >>> tur_ratio(0.5, 0.25, 4.0)
    4.0
    """
    return entropy_production * c2 / c1**2
