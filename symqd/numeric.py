"""Numerics generated from the symbolic expressions, and independent numeric solvers.

:class:`CompiledModel` compiles a :class:`~symqd.master.MasterEquation` once:

1. physical rates (each coupling's rate law, :mod:`symqd.baths`) -> ``lambdify`` with the overflow-free Fermi and
   Bose functions;
2. the closed-form steady state -> ``lambdify``. By default the compiled form is the subtraction-free
   state-elimination form (:func:`symqd.graph.elimination_program`, O(n^3) operations, ~10x faster on arrays than
   the expanded spanning-tree sums, which it equals exactly — a tested identity); ``steady_method="trees"``
   compiles the tree sums themselves (with ``cse``; without it the 8-state tree form hits sympy issue 24673);
3. observables -> ``lambdify`` in parameters, rates and probabilities. The set is open: currents, power and
   entropy production (:func:`symqd.currents.currents`) are the default observables, any other named sympy
   expression can be added (``observables=``).

All three are generated from the same sympy expressions, for numpy (vectorized over broadcast parameter arrays)
and for mpmath (arbitrary precision). ``method="solver"`` replaces step 2 by an *independent* numeric solve of the
rate matrix (a dense, batched Grassmann-Taksar-Heyman elimination in the opposite state order, subtraction-free,
in numpy or in mpmath), which is what the tests cross-check the closed form against.

No silent wrong answers: parameters are validated once per call (names, finiteness, ``T > 0``, couplings
``>= 0``, broadcasting); couplings that are zero at a point and split the state graph raise a ``ValueError`` naming
them; a net current far below its one-way fluxes (cancellation) is recomputed at higher precision with mpmath;
observables that vanish identically (the particle current of a lead that is the only one on its dots, a bath's
particle current) are exactly zero.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from fractions import Fraction
from functools import cached_property

import mpmath
import numpy as np
import sympy as sp

from symqd.currents import currents, gross_fluxes
from symqd.fermi import MATH_MODULE, MPMATH_MODULE, NUMPY_MODULE
from symqd.graph import elimination_program, run_program, steady_state
from symqd.master import connected_components
from symqd.params import _as_array, broadcast_parameters, check_finite, check_known_names, check_nonnegative, check_positive

__all__ = [
    "CompiledModel",
    "solve_rate_matrix_numpy",
    "solve_rate_matrix_mpmath",
    "gth_steady_state_numpy",
    "gth_steady_state_mpmath",
    "to_mpf",
]

#: smallest exit-rate sum of the numeric eliminations (rates are scaled to a maximum of 1 per point)
FLOOR = 1e-300


def gth_steady_state_numpy(Q: np.ndarray) -> np.ndarray:
    r"""Steady state of the rate matrix ``Q[..., i, j]`` = rate ``i -> j`` (diagonal ignored), batched.

    Grassmann-Taksar-Heyman elimination of states ``n-1, ..., 1`` (stochastic complements): subtraction-free, so
    every probability keeps full relative precision however many decades the rates span. Rates are scaled to a
    maximum of 1 per point, exit sums floored at ``FLOOR`` (only where they underflowed), and the partial vector is
    renormalized at every back-substitution step.

    Parameters
    ----------
    Q : array_like, shape (..., n, n)
        Rates ``i -> j`` (note: rows are sources, the transpose of the rate matrix ``W``).

    Returns
    -------
    numpy.ndarray, shape (..., n)
        The steady state, summing to 1.

    Examples
    --------
    >>> import numpy as np
    >>> gth_steady_state_numpy(np.array([[0.0, 1.0], [3.0, 0.0]])).tolist()
    [0.75, 0.25]
    >>> bool(gth_steady_state_numpy(np.array([[0.0, 1e-200], [1.0, 0.0]]))[1] > 0)
    True
    """
    Q = np.array(Q, dtype=float, copy=True)
    n = Q.shape[-1]
    idx = np.arange(n)
    Q[..., idx, idx] = 0.0
    scale = np.max(Q, axis=(-2, -1), keepdims=True)
    Q /= np.where(scale > 0, scale, 1.0)
    S = np.empty(Q.shape[:-2] + (n,))
    for k in range(n - 1, 0, -1):
        Sk = np.maximum(Q[..., k, :k].sum(axis=-1), FLOOR)
        S[..., k] = Sk
        Q[..., :k, :k] += Q[..., :k, k, None] * Q[..., None, k, :k] / Sk[..., None, None]
    pi = np.zeros(Q.shape[:-2] + (n,))
    pi[..., 0] = 1.0
    for k in range(1, n):
        pi[..., k] = np.einsum("...i,...i->...", pi[..., :k], Q[..., :k, k]) / S[..., k]
        pi[..., : k + 1] /= pi[..., : k + 1].sum(axis=-1, keepdims=True)
    return pi


def gth_steady_state_mpmath(Q) -> list:
    r""":func:`gth_steady_state_numpy` for one point in mpmath, at the working precision.

    ``Q`` is a list of lists of mpf; no floor is needed (mpmath exponents do not underflow).

    Parameters
    ----------
    Q : list of list of mpmath.mpf
        Rates ``i -> j`` (diagonal ignored).

    Returns
    -------
    list of mpmath.mpf
        The steady state, summing to 1.

    Raises
    ------
    ValueError
        If a state cannot be left (the steady state is not unique).

    Examples
    --------
    >>> import mpmath
    >>> p = gth_steady_state_mpmath([[0, mpmath.mpf(1)], [mpmath.mpf(3), 0]])
    >>> [float(x) for x in p]
    [0.75, 0.25]
    """
    n = len(Q)
    Q = [[Q[i][j] if i != j else mpmath.mpf(0) for j in range(n)] for i in range(n)]
    S = [None] * n
    for k in range(n - 1, 0, -1):
        Sk = mpmath.fsum(Q[k][:k])
        if Sk == 0:
            raise ValueError("a state cannot be left: the steady state is not unique")
        S[k] = Sk
        for i in range(k):
            if Q[i][k] != 0:
                f = Q[i][k] / Sk
                for j in range(k):
                    if Q[k][j] != 0:
                        Q[i][j] += f * Q[k][j]
    pi = [mpmath.mpf(1)] + [mpmath.mpf(0)] * (n - 1)
    for k in range(1, n):
        pi[k] = mpmath.fsum(pi[i] * Q[i][k] for i in range(k)) / S[k]
    Z = mpmath.fsum(pi)
    return [x / Z for x in pi]


def _rate_array(n: int, transitions: list, rates: list, shape) -> np.ndarray:
    Q = np.zeros(tuple(shape) + (n, n))
    for (s, t), k in zip(transitions, rates):
        Q[..., s, t] += np.broadcast_to(k, shape)
    return Q


def solve_rate_matrix_numpy(n: int, transitions: list, rates: list) -> np.ndarray:
    r"""Steady state of ``W p = 0``, ``sum p = 1`` for rates given per transition, batched (independent solver).

    The states are eliminated in the *reverse* order of the compiled closed form (state 0 first), by
    :func:`gth_steady_state_numpy`.

    Parameters
    ----------
    n : int
        Number of states.
    transitions : list of (int, int)
        ``(source_index, target_index)`` per transition.
    rates : list of float or array_like
        The matching rates (broadcast together).

    Returns
    -------
    numpy.ndarray, shape (*batch, n)

    Examples
    --------
    >>> solve_rate_matrix_numpy(2, [(0, 1), (1, 0)], [1.0, 3.0])
    array([0.75, 0.25])
    """
    shape = np.broadcast_shapes(*(np.shape(r) for r in rates))
    Q = _rate_array(n, transitions, rates, shape)
    perm = np.arange(n)[::-1]
    p = gth_steady_state_numpy(Q[..., perm, :][..., :, perm])
    return p[..., np.argsort(perm)]


def solve_rate_matrix_mpmath(n: int, transitions: list, rates: list, dps: int = 50) -> list:
    r"""Same as :func:`solve_rate_matrix_numpy` for one parameter point, in mpmath at ``dps`` digits.

    Parameters
    ----------
    n : int
        Number of states.
    transitions : list of (int, int)
        ``(source_index, target_index)`` per transition.
    rates : list of mpmath.mpf
        The matching rates (scalars).
    dps : int, optional
        Working precision in decimal digits.

    Returns
    -------
    list of mpmath.mpf

    Examples
    --------
    >>> import mpmath
    >>> p = solve_rate_matrix_mpmath(2, [(0, 1), (1, 0)], [mpmath.mpf(1), mpmath.mpf(2)], dps=30)
    >>> print(mpmath.nstr(p[0], 20))
    0.66666666666666666667
    """
    with mpmath.workdps(dps):
        Q = [[mpmath.mpf(0)] * n for _ in range(n)]
        for (s, t), k in zip(transitions, rates):
            Q[n - 1 - s][n - 1 - t] += k
        p = gth_steady_state_mpmath(Q)
        return [+p[n - 1 - i] for i in range(n)]


def to_mpf(name: str, value):
    r"""An exact mpmath number from a parameter value (mpf, int, float, Fraction, sympy Rational/Integer/Float).

    Floats are taken at their exact binary value (no detour through ``str``); nothing is rounded to double.

    Parameters
    ----------
    name : str
        Parameter name, for the message.
    value : number
        A scalar.

    Returns
    -------
    mpmath.mpf

    Raises
    ------
    ValueError
        Naming ``name`` for a string, a boolean or a non-scalar array.

    Examples
    --------
    >>> from fractions import Fraction
    >>> import mpmath
    >>> with mpmath.workdps(30):
    ...     print(to_mpf("T_L", Fraction(1, 3)), to_mpf("T_L", 0.1))
    0.333333333333333333333333333333 0.100000000000000005551115123126
    >>> to_mpf("T_L", "1")
    Traceback (most recent call last):
    ...
    ValueError: parameter 'T_L' must be a real number, got '1'
    """
    if isinstance(value, mpmath.mpf):
        return value
    if isinstance(value, (bool, str)):
        raise ValueError(f"parameter {name!r} must be a real number, got {value!r}")
    if isinstance(value, (int, np.integer)):
        return mpmath.mpf(int(value))
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    if isinstance(value, sp.Rational):
        return mpmath.mpf(int(value.p)) / int(value.q)
    if isinstance(value, sp.Float):
        return value._to_mpmath(mpmath.mp.prec)
    arr = np.asarray(value)
    if arr.shape != ():
        raise ValueError(f"parameter {name!r}: backend 'mpmath' evaluates one point, got shape {arr.shape}")
    return mpmath.mpf(float(arr))


#: smallest exit-rate sum allowed in the compiled elimination (rates are scaled to a maximum of 1 per point)
EXIT_RATE_FLOOR = FLOOR


class exit_rate_guard(sp.Function):
    r"""Identity in exact arithmetic; in the numpy backend ``max(S, EXIT_RATE_FLOOR)``.

    In exact arithmetic every exit-rate sum ``S_k`` of the elimination is positive; in double precision a Fermi
    factor ``exp(-|x|)`` with ``|x| > 745`` is exactly 0, and a state whose every exit rate underflowed would make
    the elimination divide 0/0. Rates are first scaled to a maximum of 1 per parameter point (the steady state is
    invariant under a common scale), so the floor sits ~300 decades below the fastest process: it only ever acts
    where the true value is below double-precision resolution, and exactly-zero couplings stay exactly zero.

    Parameters
    ----------
    x : sympy expression
        An exit-rate sum.

    Examples
    --------
    >>> import sympy as sp
    >>> exit_rate_guard(sp.Rational(1, 2)), exit_rate_guard(sp.Symbol("S"))
    (1/2, exit_rate_guard(S))
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        r"""Numbers evaluate to themselves (sympy hook).

        Parameters
        ----------
        x : sympy expression
            The argument.

        Returns
        -------
        sympy number or None

        Examples
        --------
        >>> import sympy as sp
        >>> exit_rate_guard.eval(sp.Integer(3))
        3
        """
        if x.is_Number:
            return x


_GUARD_NUMPY = {"exit_rate_guard": lambda x: np.maximum(x, EXIT_RATE_FLOOR)}
_GUARD_MPMATH = {"exit_rate_guard": lambda x: x}
_GUARD_MATH = {"exit_rate_guard": lambda x: x if x > EXIT_RATE_FLOOR else EXIT_RATE_FLOOR}


def _scale_rates(ks: list) -> list:
    """Divide all rates of each parameter point by the point's largest rate (steady state unchanged)."""
    kmax = np.max(np.stack(ks), axis=0)
    kmax = np.where(kmax > 0, kmax, 1.0)
    return [k / kmax for k in ks]


#: compiled functions per model token in this process (shared by unpickled copies of one model)
_FUNCTION_REGISTRY: dict = {}
_KERNEL_REGISTRY: dict = {}  # token -> symqd.kernels.KernelModel (CompiledModel.kernel)
_PLAIN_SCALARS = (float, int, np.float64)

#: points per chunk of the numpy backend (temporaries stay cache-sized; 10^7 points need < 1 GiB extra)
CHUNK_SIZE = 32768

#: a net current below this fraction of its one-way (gross) flux has lost > 7 digits in double precision
CANCELLATION_RATIO = 1e-7


class CompiledModel:
    """Numeric evaluation of a master-equation model, generated from its closed forms.

    Parameters
    ----------
    me : MasterEquation
        The model to compile.
    fixed : mapping, optional
        Parameters to substitute before compiling, ``{name or Symbol: number or sympy expression}`` (names are
        symbol names, never parsed).
    observables : mapping, optional
        Extra named sympy expressions in the parameters, the rate symbols ``k_...`` and the probability symbols
        ``p_<state>`` (e.g. a power ``-mu_R * IN`` or an occupation ``p_11 + p_10``), compiled beside the default
        observables ``IN_<part>``, ``IE_<part>``, ``J_<part>`` (every lead and bath), ``P`` and ``dS_dt``.
    steady_method : {"elimination", "trees"}
        Compiled closed form of the steady state.
    refine : bool
        Recompute, with mpmath, net currents that lost more than 7 digits to cancellation (default True).

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")]))
    >>> cm = CompiledModel(me)
    >>> cm.parameter_names
    ('T_L', 'T_R', 'eps_D', 'gamma_L', 'gamma_R', 'mu_R')
    >>> r = cm.evaluate({"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5})
    >>> round(float(r["IN_R"]), 6), abs(float(r["IN_L"] + r["IN_R"])) < 1e-15
    (0.06123, True)
    """

    def __init__(self, me, fixed: Mapping | None = None, *, observables: Mapping | None = None,
                 steady_method: str = "elimination", refine: bool = True):
        from symqd.master import MasterEquation

        if not isinstance(me, MasterEquation):
            raise ValueError(f"CompiledModel needs a MasterEquation, got {type(me).__name__}")
        if steady_method not in ("elimination", "trees"):
            raise ValueError(f"steady_method must be 'elimination' or 'trees', got {steady_method!r}")
        self.me = me
        self.steady_method = steady_method
        self.refine = bool(refine)
        model_symbols = self._model_symbols()
        self.fixed = self._resolve_fixed(fixed, model_symbols)
        rates = me.physical_rates()
        self._rate_exprs = [rates[s].xreplace(self.fixed) for s in me.rate_symbols]
        self._gamma_exprs = [sp.sympify(t.gamma).xreplace(self.fixed) for t in me.transitions]
        obs = currents(me).as_dict()
        self._current_names = [k for k in obs if k.split("_", 1)[0] in ("IN", "IE", "J")]
        for name, expr in (observables or {}).items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ValueError(f"observables: names must be identifiers, got {name!r}")
            if name in obs or name == "p":
                raise ValueError(f"observables: {name!r} is already a default observable; choose another name")
            if isinstance(expr, str) or not isinstance(expr, (sp.Basic, int, float)):
                raise ValueError(f"observables: {name!r} must be a sympy expression, got {expr!r}")
            obs[name] = sp.sympify(expr)
        self.observable_names = list(obs)
        self._obs_exprs = [sp.sympify(e).xreplace(self.fixed) for e in obs.values()]
        gross = gross_fluxes(me)
        self._gross_exprs = [gross[n].xreplace(self.fixed) for n in self._current_names]
        ks, ps = set(me.rate_symbols), set(me.probability_symbols())
        free = set().union(*(e.free_symbols for e in self._rate_exprs + self._obs_exprs + self._gamma_exprs))
        free -= ks | ps
        self.parameters = tuple(sorted(free, key=lambda s: s.name))
        self.parameter_names = tuple(s.name for s in self.parameters)
        if len(set(self.parameter_names)) != len(self.parameter_names):
            dup = sorted({n for n in self.parameter_names if self.parameter_names.count(n) > 1})
            raise ValueError(f"symbol name(s) {dup} occur with different assumptions; use different names")
        sysm = me.system
        self._temperatures = {s.name for s in sysm.temperature_symbols()} & set(self.parameter_names)
        lead_c = set().union(*(r.coupling_symbols() for r in sysm.leads)) if sysm.leads else set()
        bath_c = set().union(*(r.coupling_symbols() for r in sysm.baths)) if sysm.baths else set()
        self._couplings = {s.name: "is a tunnel coupling and must be >= 0" for s in lead_c}
        self._couplings.update({s.name: "is a bath coupling and must be >= 0" for s in bath_c - lead_c})
        self._couplings = {k: v for k, v in self._couplings.items() if k in self.parameter_names}
        self._pairs = [(me.index[t.source], me.index[t.target]) for t in me.transitions]
        self._fns: dict = {}

        def monotone(g):  # a product/sum of coupling symbols and positive numbers vanishes only with a coupling
            if g.is_Symbol:
                return g.name in self._couplings
            if g.is_Number:
                return g > 0
            if g.is_Mul or g.is_Add or (g.is_Pow and g.exp.is_positive):
                return all(monotone(a) for a in (g.args if not g.is_Pow else (g.base,)))
            return False

        self._gammas_positive_unless_zero_coupling = all(monotone(g) for g in self._gamma_exprs)

    # -- pickling (dask workers): the lambdified code is rebuilt once per process, keyed by the model's content --
    @cached_property
    def token(self) -> str:
        r"""Content hash of the compiled expressions (same model -> same token in every process).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> len(cm.token)
        24
        """
        import hashlib

        text = repr((self.parameter_names, self.observable_names, self.steady_method, self._rate_exprs,
                     self._obs_exprs, self.me.states, [t.symbol for t in self.me.transitions]))
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def __getstate__(self):
        state = dict(self.__dict__)
        state["token"] = self.token
        state.pop("_fns", None)
        state.pop("_kernel_model", None)  # a ctypes handle; found again by token (or reloaded from disk)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._fns = _FUNCTION_REGISTRY.setdefault(state["token"], {})

    # -- construction helpers ----------------------------------------------------------------------------------
    def _model_symbols(self) -> dict:
        rates = self.me.physical_rates()
        syms = set().union(*(e.free_symbols for e in rates.values())) if rates else set()
        for t in self.me.transitions:
            syms |= sp.sympify(t.gamma).free_symbols
        for r in self.me.system.reservoirs:
            syms |= r.temperature.free_symbols | r.mu.free_symbols
        return {s.name: s for s in syms}

    @staticmethod
    def _resolve_fixed(fixed, model_symbols) -> dict:
        out = {}
        for k, v in (fixed or {}).items():
            if isinstance(k, str):
                if k not in model_symbols:
                    raise ValueError(f"fixed: unknown parameter name {k!r}; parameters are {sorted(model_symbols)}")
                key = model_symbols[k]
            elif isinstance(k, sp.Symbol):
                key = k
            else:
                raise ValueError(f"fixed: keys must be parameter names or sympy Symbols, got {k!r}")
            if isinstance(v, str):
                if not v.isidentifier():
                    raise ValueError(f"fixed: value of {k!r} must be a number, a sympy expression or a symbol name, "
                                     f"got {v!r}")
                val = model_symbols.get(v, sp.Symbol(v))
            elif isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"fixed: value of {k!r} must be finite, got {v!r}")
            else:
                try:
                    val = sp.sympify(v, strict=True)
                except (sp.SympifyError, TypeError) as exc:
                    raise ValueError(f"fixed: value of {k!r} must be a number or a sympy expression, got {v!r}") from exc
            out[key] = val
        return out

    # -- compiled pieces (built lazily, keyed by backend) ------------------------------------------------------
    @cached_property
    def steady(self):
        r"""The closed-form steady state in rate symbols (:func:`symqd.graph.steady_state`).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> cm.steady.method
        'elimination'
        """
        return steady_state(self.me, method=self.steady_method)

    @cached_property
    def program(self) -> tuple:
        r"""The straight-line elimination program ``(assignments, probabilities)`` that is compiled.

        Normalized, exit sums guarded (:func:`symqd.graph.elimination_program`).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> assignments, pis = cm.program
        >>> len(pis)
        2
        """
        return elimination_program(self.me.n, sorted(self.me.edges), self.me.edge_weight, normalize=True,
                                   guard=exit_rate_guard)

    def _modules(self, backend):
        if backend == "math":
            return [MATH_MODULE, "math"]
        return [NUMPY_MODULE, "numpy"] if backend == "numpy" else [MPMATH_MODULE, "mpmath"]

    def _fn(self, what: str, backend: str):
        key = (what, backend)
        if key not in self._fns:
            mods = self._modules(backend)
            ks, ps = list(self.me.rate_symbols), list(self.me.probability_symbols())
            if what == "rates":
                f = sp.lambdify(self.parameters, self._rate_exprs, modules=mods, cse=True)
            elif what == "gammas":
                f = sp.lambdify(self.parameters, self._gamma_exprs, modules=mods)
            elif what == "numerators" and self.steady_method == "elimination":
                program, pis = self.program
                guard = {"numpy": _GUARD_NUMPY, "math": _GUARD_MATH}.get(backend, _GUARD_MPMATH)
                f = sp.lambdify(ks, pis, modules=[guard, *mods], cse=lambda exprs: (program, pis))
            elif what == "numerators":
                f = sp.lambdify(ks, list(self.steady.numerators), modules=mods, cse=True)
            elif what == "observables":
                f = sp.lambdify(list(self.parameters) + ks + ps, self._obs_exprs, modules=mods, cse=True)
            elif what == "gross":
                f = sp.lambdify(list(self.parameters) + ks + ps, self._gross_exprs, modules=mods, cse=True)
            else:  # pragma: no cover
                raise KeyError(what)
            self._fns[key] = f
        return self._fns[key]

    @cached_property
    def identically_zero(self) -> frozenset:
        r"""Observables that vanish identically in the steady state, returned as exact zeros.

        E.g. ``IN`` of a lead that is the only one on its dots, ``IN`` of a bath: proven by exact evaluation at
        two random rational points of rates *and* parameters (Schwartz-Zippel).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> sorted(cm.identically_zero)
        []
        """
        rng = random.Random(20261129)
        ks, ps = list(self.me.rate_symbols), list(self.me.probability_symbols())
        program, pis = elimination_program(self.me.n, sorted(self.me.edges), self.me.edge_weight)
        zero = set(self.observable_names)
        for _ in range(2):
            kv = {k: sp.Rational(rng.randint(1, 10**6), rng.randint(1, 10**6)) for k in ks}
            N = run_program(program, pis, kv)
            Z = sum(N)
            env = dict(kv)
            env.update({p: n / Z for p, n in zip(ps, N)})
            env.update({s: sp.Rational(rng.randint(1, 10**6), rng.randint(1, 10**6)) for s in self.parameters})
            for name, e in zip(self.observable_names, self._obs_exprs):
                if name in zero and sp.sympify(e).xreplace(env) != 0:
                    zero.discard(name)
        return frozenset(zero)

    # -- input validation ------------------------------------------------------------------------------------
    def validate(self, values: Mapping, *, check_values: bool = True) -> tuple:
        r"""Check names, completeness, finiteness, ``T > 0``, couplings ``>= 0`` and broadcasting, once.

        Parameters
        ----------
        values : mapping
            ``{parameter name: float | array | mpf}``.
        check_values : bool, optional
            With ``False`` only names, types and shapes are checked; the caller then owns the value rules (the C
            kernels check them inside their loop, in the same pass as the arithmetic, and call this again with
            ``True`` to raise the message when a point breaks one).

        Returns
        -------
        shape : tuple of int
            The broadcast shape.
        arrays : dict
            ``{name: array or mpf}``.

        Raises
        ------
        ValueError
            Naming the parameter and the rule it broke (unknown or missing name, NaN/inf, ``T <= 0``, negative
            coupling, shapes that do not broadcast).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> cm.validate({**v, "eps_D": [0.0, 1.0]})[0]
        (2,)
        >>> cm.validate({**v, "T_R": -1.0})
        Traceback (most recent call last):
        ...
        ValueError: parameter 'T_R' is a temperature and must be > 0, got -1.0
        """
        if not isinstance(values, Mapping):
            raise ValueError(f"values must be a mapping {{parameter name: value}}, got {type(values).__name__}")
        check_known_names(values, self.parameter_names)
        missing = [n for n in self.parameter_names if n not in values]
        if missing:
            raise ValueError(f"missing parameter(s) {', '.join(map(repr, missing))}")
        if all(type(v) in _PLAIN_SCALARS for v in values.values()):
            # one point of plain numbers (the scalar fast path): the same rules, inline; the check_* functions
            # only run to word the message of a value that breaks one
            for name, v in values.items():
                if type(v) is int:
                    check_finite(name, v)  # a Python int may lie beyond the double range
            if check_values:
                for name, v in values.items():
                    if not math.isfinite(v):
                        check_finite(name, v)
                for name in self._temperatures:
                    if not values[name] > 0:
                        check_positive(name, values[name], "is a temperature and must be > 0")
                for name, rule in self._couplings.items():
                    if not values[name] >= 0:
                        check_nonnegative(name, values[name], rule)
            return (), {n: float(values[n]) for n in self.parameter_names}
        if check_values:
            for name, v in values.items():
                check_finite(name, v)
            for name in self._temperatures:
                check_positive(name, values[name], "is a temperature and must be > 0")
            for name, rule in self._couplings.items():
                check_nonnegative(name, values[name], rule)
        else:
            for name, v in values.items():
                if type(v) not in _PLAIN_SCALARS and not isinstance(v, mpmath.mpf):
                    _as_array(name, v)  # the type rules only (strings, bools, complex, objects are refused)
        return broadcast_parameters({n: values[n] for n in self.parameter_names})

    # -- evaluation ------------------------------------------------------------------------------------------
    def rates(self, values: Mapping, backend: str = "numpy") -> list:
        r"""Physical rates of every transition (in the order of ``me.transitions``) at ``values``.

        Parameters
        ----------
        values : mapping
            ``{parameter name: value}``, validated as in :meth:`validate`.
        backend : {"numpy", "mpmath"}, optional
            Evaluation backend.

        Returns
        -------
        list
            One rate (array or mpf) per transition (paper 1 Eq. (4) for leads).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> [round(float(k), 4) for k in cm.rates(v)]
        [0.5, 0.5, 0.6225, 0.3775]
        """
        shape, vals = self.validate(values)
        return self._rates(vals, shape, backend)

    def _args(self, vals, backend):
        args = [vals[n] for n in self.parameter_names]
        if backend == "mpmath":
            args = [to_mpf(n, a) for n, a in zip(self.parameter_names, args)]
        return args

    def _rates(self, vals, shape, backend):
        args = self._args(vals, backend)
        ks = self._fn("rates", backend)(*args)
        if backend == "numpy":
            ks = [np.broadcast_to(np.asarray(k, dtype=float), shape) for k in ks]
            bad = [i for i, k in enumerate(ks) if not np.all(np.isfinite(k) & (k >= 0))]
        else:
            bad = [i for i, k in enumerate(ks) if not (mpmath.isfinite(k) and k >= 0)]
        if bad:
            t = self.me.transitions[bad[0]]
            raise ValueError(
                f"the rate of {t.reservoir!r} for {t.source} -> {t.target} is not a finite non-negative number at "
                "these parameters (an extreme temperature ratio, or a spectral function that is negative)"
            )
        return ks

    def _check_connected(self, vals, shape, backend) -> None:
        """Refuse points where zero couplings split the state graph (steady state not unique)."""
        if self._gammas_positive_unless_zero_coupling:
            # the gammas are built of couplings only: which couplings vanish decides everything
            zero_at, uniform = {}, True
            for c in self._couplings:
                v = vals[c]
                if isinstance(v, mpmath.mpf):
                    zero_at[c] = v == 0
                    continue
                z = np.asarray(v) == 0
                zero_at[c] = bool(z.any())
                uniform &= not zero_at[c] or bool(z.all())
            if not any(zero_at.values()):
                return
            if backend == "numpy" and uniform:
                # each coupling is zero at every point or at none (e.g. a preset's zero entries): one pattern
                vals = {nm: (0.0 if zero_at[nm] else 1.0) if nm in self._couplings else 1.0 for nm in vals}
                shape = ()
        gam = self._fn("gammas", "numpy" if backend == "numpy" else "mpmath")(*self._args(vals, backend))
        if backend == "numpy" and shape:
            zero = np.stack([np.broadcast_to(np.asarray(g, dtype=float) == 0, shape) for g in gam], axis=-1)
        else:
            zero = np.array([g == 0 for g in gam], dtype=bool)
        if not zero.any():
            return
        flat = zero.reshape(-1, zero.shape[-1])
        if flat.shape[0] == 1 or not (flat != flat[0]).any():
            patterns, first = flat[:1], [0]  # one pattern for all points (e.g. zero entries of a coupling preset)
        else:  # distinct rows via their packed bits (much faster than np.unique(axis=0))
            packed = np.ascontiguousarray(np.packbits(flat, axis=1))
            keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
            _, first = np.unique(keys, return_index=True)
            patterns = flat[first]
        n = self.me.n
        known = self.__dict__.setdefault("_connected_patterns", set())
        for pat, at in zip(patterns, first):
            if not pat.any():
                continue
            key = np.packbits(pat).tobytes()
            if key in known:
                continue
            pairs = [pq for pq, z in zip(self._pairs, pat) if not z]
            if len(connected_components(n, pairs)) == 1:
                known.add(key)
                continue
            point = np.unravel_index(at, shape) if shape else ()
            zero_syms = set()
            for g, z in zip(self._gamma_exprs, pat):
                if z:
                    zero_syms |= {s.name for s in g.free_symbols}
            named = [nm for nm in sorted(zero_syms)
                     if nm in vals and float(np.broadcast_to(np.asarray(vals[nm], dtype=float), shape)[point]) == 0]
            # name the responsible ones: those whose being nonzero alone would reconnect the states
            culprits = []
            for nm in named:
                revived = [pq for pq, z, g in zip(self._pairs, pat, self._gamma_exprs)
                           if not z or nm in {s.name for s in g.free_symbols}]
                if len(connected_components(n, revived)) == 1:
                    culprits.append(nm)
            named = culprits or named
            where = f" at index {tuple(int(i) for i in point)}" if shape else ""
            raise ValueError(
                f"coupling(s) {', '.join(map(repr, named or sorted(zero_syms)))} = 0{where} split the states into "
                "disconnected sets (a dot or a group of states decouples): the steady state is not unique; "
                "give them a positive value"
            )

    def kernel(self):
        r"""The :class:`~symqd.kernels.KernelModel` of this model (built and compiled on first use, then kept).

        Returns
        -------
        KernelModel
            Its ``evaluate`` takes and returns what :meth:`evaluate` does; ``available`` is False (numpy path)
            where no C compiler runs.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0),
        ...                                                            Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": [0.0, 1.0], "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> r = cm.evaluate(v, backend="c", outputs=["IN_R"])
        >>> r["IN_R"].round(6).tolist()
        [0.06123, 0.0543]
        >>> cm.kernel() is cm.kernel()
        True
        """
        km = self.__dict__.get("_kernel_model")
        if km is None:
            # one kernel per model content (token): unpickled copies (dask workers) reuse it
            km = _KERNEL_REGISTRY.get(self.token)
            if km is None:
                from symqd.kernels import KernelModel

                km = _KERNEL_REGISTRY[self.token] = KernelModel(self)
            self._kernel_model = km
        return km

    def evaluate(self, values: Mapping, *, backend: str = "numpy", method: str = "closed_form",
                 outputs=None, chunk_size: int | None = None, refine: bool | None = None) -> dict:
        """Occupations and observables at the given parameter values.

        Parameters
        ----------
        values : mapping
            ``{parameter name: float | numpy array | mpf}`` (arrays broadcast together; see
            :attr:`parameter_names`).
        backend : {"numpy", "mpmath", "c"}
            Vectorized double precision, or one point at the working mpmath precision (at least 50 digits for the
            solver), or the closed form compiled to a SIMD C loop (:meth:`kernel`; numpy with a one-line
            ``RuntimeWarning`` where no C compiler runs).
        method : {"closed_form", "solver"}
            The compiled closed form, or the independent numeric elimination.
        outputs : iterable of str, optional
            Only these keys (``"p"`` and/or observable names); default all. With few outputs, 10^7 points fit in
            well under 1 GiB (the evaluation runs in chunks).
        chunk_size : int, optional
            Points per chunk for the numpy backend (default :data:`CHUNK_SIZE`); bounds the temporaries of the
            compiled program, and is also faster (cache-resident arrays).
        refine : bool, optional
            Recompute cancelling net currents in mpmath (default: the model's ``refine`` attribute, True). Inner
            loops that only need currents to within ~1e-16 of the gross flux (root finders driving a current to
            zero) pass ``False``; results handed to users should keep it.

        Returns
        -------
        dict
            ``"p"``: ``{state: probability}``; ``"IN_<part>"``, ``"IE_<part>"``, ``"J_<part>"`` for every lead and
            bath (positive from the coupling into the system), ``"P"`` (power ``-sum mu I^N``), ``"dS_dt"``
            (``-sum J/T >= 0``), and any extra observables.

        Raises
        ------
        ValueError
            For an unknown ``backend``, ``method`` or output name, a non-positive ``chunk_size``, array values
            with ``backend="mpmath"``, or an invalid parameter (see :meth:`validate`).

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0),
        ...                                                            Reservoir("R", "D")])))
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": [0.0, 1.0], "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> r = cm.evaluate(v)
        >>> r["IN_R"].round(6).tolist(), bool((r["dS_dt"] >= 0).all())
        ([0.06123, 0.0543], True)
        >>> s = cm.evaluate({**v, "eps_D": 0.0}, method="solver", outputs=["IN_R"])
        >>> round(float(s["IN_R"]), 6)
        0.06123
        """
        if backend not in ("numpy", "mpmath", "c"):
            raise ValueError(f"backend must be 'numpy', 'mpmath' or 'c', got {backend!r}")
        if method not in ("closed_form", "solver"):
            raise ValueError(f"method must be 'closed_form' or 'solver', got {method!r}")
        if backend == "c":
            if method != "closed_form":
                raise ValueError("backend 'c' compiles the closed form: use method='closed_form'")
            return self.kernel().evaluate(values, outputs=outputs, refine=refine)
        shape, vals = self.validate(values)
        if backend == "mpmath" and shape != ():
            raise ValueError("backend 'mpmath' evaluates one parameter point: all parameters must be scalars")
        keys = None
        if outputs is not None:
            keys = [outputs] if isinstance(outputs, str) else list(outputs)
            unknown = [k for k in keys if k != "p" and k not in self.observable_names]
            if unknown:
                raise ValueError(f"outputs: unknown name(s) {unknown}; available: 'p', {self.observable_names}")
        chunk = CHUNK_SIZE if chunk_size is None else int(chunk_size)
        if chunk < 1:
            raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
        size = int(np.prod(shape)) if shape else 1
        if backend == "mpmath" or size <= chunk:
            out = self._evaluate(vals, shape, backend, method, refine=refine)
            return out if keys is None else {k: out[k] for k in keys}
        return self._evaluate_chunked(vals, shape, method, keys, chunk, refine)

    def _evaluate_chunked(self, vals, shape, method, keys, chunk, refine=None) -> dict:
        """Evaluate along the leading axis in blocks of about ``chunk`` points (bounded temporaries)."""
        keys = keys if keys is not None else ["p", *self.observable_names]
        result = {}
        if "p" in keys:
            result["p"] = {s: np.empty(shape) for s in self.me.states}
        for k in keys:
            if k != "p":
                result[k] = np.empty(shape)
        inner = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        step = max(1, chunk // max(inner, 1))
        for i0 in range(0, shape[0], step):
            i1 = min(shape[0], i0 + step)
            sub = {n: np.broadcast_to(v, shape)[i0:i1] for n, v in vals.items()}
            part = self._evaluate(sub, (i1 - i0,) + tuple(shape[1:]), "numpy", method, refine=refine)
            for k in keys:
                if k == "p":
                    for s in self.me.states:
                        result["p"][s][i0:i1] = part["p"][s]
                else:
                    result[k][i0:i1] = part[k]
        return result

    @cached_property
    def _coupling_index(self) -> tuple:
        """Positions of the coupling parameters in :attr:`parameter_names`."""
        return tuple(self.parameter_names.index(c) for c in self._couplings)

    def _evaluate_scalar(self, vals, refine) -> dict:
        """One double-precision point with :mod:`math`-compiled functions (no array overhead)."""
        args = [float(vals[n]) for n in self.parameter_names]
        ks = self._fn("rates", "math")(*args)
        for i, k in enumerate(ks):
            if not (math.isfinite(k) and k >= 0):
                return None  # let the array path produce its error message
        if not self._gammas_positive_unless_zero_coupling or any(args[i] == 0 for i in self._coupling_index):
            self._check_connected(vals, (), "numpy")
        kmax = max(ks) if ks else 1.0
        kmax = kmax if kmax > 0 else 1.0
        nums = self._fn("numerators", "math")(*[k / kmax for k in ks])
        Z = math.fsum(nums)
        p = [N / Z for N in nums]
        obs = self._fn("observables", "math")(*args, *ks, *p)
        out = {"p": dict(zip(self.me.states, map(np.float64, p)))}
        out.update(zip(self.observable_names, map(np.float64, obs)))
        for name in self.identically_zero:
            out[name] = np.float64(0.0)
        if self.refine if refine is None else refine:
            gross = self._fn("gross", "math")(*args, *ks, *p)
            self._refine(out, vals, (), args, ks, p, "closed_form", gross=gross)
        return out

    def _evaluate(self, vals, shape, backend, method, *, refine=None) -> dict:
        if backend == "numpy" and shape == () and method == "closed_form":
            try:
                out = self._evaluate_scalar(vals, refine)
            except (ArithmeticError, ValueError, TypeError) as exc:
                if isinstance(exc, ValueError) and "split the states" in str(exc):
                    raise
                out = None  # e.g. an observable dividing by zero: the numpy path gives IEEE inf/nan
            if out is not None:
                return out
        ks = self._rates(vals, shape, backend)
        self._check_connected(vals, shape, backend)
        n = self.me.n
        if method == "closed_form":
            nums = self._fn("numerators", backend)(*(_scale_rates(ks) if backend == "numpy" else ks))
            Z = sum(nums[1:], nums[0])
            p = [N / Z for N in nums]
        elif backend == "numpy":
            P = solve_rate_matrix_numpy(n, self._pairs, ks)
            p = [P[..., i] for i in range(n)]
        else:
            p = solve_rate_matrix_mpmath(n, self._pairs, ks, dps=max(mpmath.mp.dps, 50))
        args = self._args(vals, backend)
        try:
            obs = self._fn("observables", backend)(*args, *ks, *p)
        except ArithmeticError:
            if backend != "mpmath":
                raise
            obs = self._observables_one_by_one(args, ks, p)
        out = {"p": dict(zip(self.me.states, p))}
        zero = self.identically_zero
        for name, v in zip(self.observable_names, obs):
            if name in zero:
                v = np.zeros(shape) if backend == "numpy" else mpmath.mpf(0)
            elif backend == "numpy" and np.ndim(v) < len(shape):
                v = np.broadcast_to(v, shape)
            out[name] = v
        if backend == "numpy" and (self.refine if refine is None else refine):
            self._refine(out, vals, shape, args, ks, p, method)
        return out

    def _observables_one_by_one(self, args, ks, p) -> list:
        """mpmath observables separately: one that divides by zero is NaN, the others are unaffected."""
        allargs = list(self.parameters) + list(self.me.rate_symbols) + list(self.me.probability_symbols())
        out = []
        for i, e in enumerate(self._obs_exprs):
            key = ("observable", i)
            if key not in self._fns:
                self._fns[key] = sp.lambdify(allargs, e, modules=self._modules("mpmath"))
            try:
                out.append(self._fns[key](*args, *ks, *p))
            except ArithmeticError:
                out.append(mpmath.nan)
        return out

    def _refine(self, out, vals, shape, args, ks, p, method, gross=None) -> None:
        """Recompute net currents that cancelled (|net| < CANCELLATION_RATIO x gross flux) with mpmath."""
        if gross is None:
            gross = self._fn("gross", "numpy")(*args, *ks, *p)
        zero = self.identically_zero
        if not shape:  # one point: plain floats (this test is most of a scalar call's overhead otherwise)
            worst = None
            for name, g in zip(self._current_names, gross):
                g, v = float(g), abs(float(out[name]))
                if name not in zero and g > 0 and v < CANCELLATION_RATIO * g:
                    digits = math.log10(g / v) if v > 0 else 40.0
                    worst = digits if worst is None else max(worst, digits)
            if worst is None:
                return
        flagged = np.zeros(shape, dtype=bool)
        loss = np.zeros(shape)
        for name, g in zip(self._current_names, gross):
            if name in zero:
                continue
            g = np.broadcast_to(np.asarray(g, dtype=float), shape)
            v = np.abs(np.asarray(out[name], dtype=float))
            bad = (g > 0) & (v < CANCELLATION_RATIO * g)
            if bad.any():
                flagged |= bad
                with np.errstate(divide="ignore"):
                    digits = np.where(v > 0, np.log10(np.where(bad, g, 1.0) / np.where(v > 0, v, 1.0)), 40.0)
                loss = np.maximum(loss, np.where(bad, digits, 0.0))
        if not flagged.any():
            return
        idx = np.argwhere(flagged) if shape else [()]
        dependent = [k for k in self.observable_names if k not in zero and k in out]
        for nm in dependent:
            if shape:
                out[nm] = np.array(out[nm], dtype=float, copy=True)
        for point in idx:
            point = tuple(point)
            pv = {n: (np.broadcast_to(v, shape)[point] if shape else v) for n, v in
                  ((n, vals[n]) for n in self.parameter_names)}
            dps = int(min(400, 30 + (loss[point] if shape else float(loss))))
            with mpmath.workdps(dps):
                mp = self._evaluate({n: float(v) for n, v in pv.items()}, (), "mpmath", method, refine=False)
            for nm in dependent:
                if shape:
                    out[nm][point] = float(mp[nm])
                else:
                    out[nm] = np.float64(float(mp[nm]))
