"""Numerics generated from the symbolic expressions, and independent numeric solvers.

:class:`CompiledModel` compiles a :class:`~symqd.master.MasterEquation` once:

1. physical rates ``gamma f((dE - dN mu)/T)`` -> ``lambdify`` with the overflow-free Fermi function;
2. the closed-form steady state -> ``lambdify(..., cse=True)``. By default the compiled form is the
   subtraction-free state-elimination form (:func:`symqd.graph.elimination_numerators`, O(n^3) operations, ~10x
   faster on arrays than the expanded spanning-tree sums, which it equals exactly — a tested identity);
   ``steady_method="trees"`` compiles the tree sums themselves (without cse the 8-state tree form hits sympy
   issue 24673, a ``RecursionError``);
3. currents / power / entropy production (:mod:`symqd.currents`) -> ``lambdify`` in rates and probabilities.

All three are generated from the same sympy expressions, for numpy (vectorized over broadcast parameter arrays)
and for mpmath (arbitrary precision). ``method="solver"`` replaces step 2 by an *independent* linear solve of the
rate matrix with the normalization row (batched :func:`numpy.linalg.solve`, or :func:`mpmath.lu_solve`), which is
what the tests cross-check the closed form against.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

import mpmath
import numpy as np
import sympy as sp

from symqd.currents import currents
from symqd.fermi import MPMATH_MODULE, NUMPY_MODULE
from symqd.graph import elimination_program, steady_state
from symqd.params import broadcast_parameters, check_finite, check_known_names, check_nonnegative, check_positive

__all__ = ["CompiledModel", "solve_rate_matrix_numpy", "solve_rate_matrix_mpmath"]


def solve_rate_matrix_numpy(n: int, transitions: list, rates: list) -> np.ndarray:
    """Steady state of ``W p = 0``, ``sum p = 1`` by a batched dense solve.

    ``transitions`` is a list of ``(source_index, target_index)``; ``rates`` the matching arrays (broadcast
    together). Returns an array of shape ``(*batch, n)``. The last balance equation is replaced by normalization.
    """
    shape = np.broadcast_shapes(*(np.shape(r) for r in rates))
    W = np.zeros(shape + (n, n))
    for (s, t), k in zip(transitions, rates):
        k = np.broadcast_to(k, shape)
        W[..., t, s] += k
        W[..., s, s] -= k
    # scale each column block to O(1) to keep the solve well conditioned across decades of rates
    scale = np.max(np.abs(W), axis=(-2, -1), keepdims=True)
    scale = np.where(scale > 0, scale, 1.0)
    W = W / scale
    W[..., n - 1, :] = 1.0
    b = np.zeros(shape + (n, 1))
    b[..., n - 1, 0] = 1.0
    return np.linalg.solve(W, b)[..., 0]


def solve_rate_matrix_mpmath(n: int, transitions: list, rates: list, dps: int = 50) -> list:
    """Same as :func:`solve_rate_matrix_numpy` for one parameter point, with :func:`mpmath.lu_solve` at ``dps``."""
    with mpmath.workdps(dps):
        W = mpmath.zeros(n, n)
        for (s, t), k in zip(transitions, rates):
            k = mpmath.mpf(k)
            W[t, s] += k
            W[s, s] -= k
        for j in range(n):
            W[n - 1, j] = 1
        b = mpmath.zeros(n, 1)
        b[n - 1] = 1
        x = mpmath.lu_solve(W, b)
        return [x[i] for i in range(n)]


#: smallest exit-rate sum allowed in the compiled elimination (rates are scaled to a maximum of 1 per point)
EXIT_RATE_FLOOR = 1e-300


class exit_rate_guard(sp.Function):
    """Identity in exact arithmetic; in the numpy backend ``max(S, EXIT_RATE_FLOOR)``.

    In exact arithmetic every exit-rate sum ``S_k`` of the elimination is positive; in double precision a Fermi
    factor ``exp(-|x|)`` with ``|x| > 745`` is exactly 0, and a state whose every exit rate underflowed would make
    the elimination divide 0/0. Rates are first scaled to a maximum of 1 per parameter point (the steady state is
    invariant under a common scale), so the floor sits ~300 decades below the fastest process: it only ever acts
    where the true value is below double-precision resolution, and exactly-zero couplings stay exactly zero.
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return x


_GUARD_NUMPY = {"exit_rate_guard": lambda x: np.maximum(x, EXIT_RATE_FLOOR)}
_GUARD_MPMATH = {"exit_rate_guard": lambda x: x}


def _scale_rates(ks: list) -> list:
    """Divide all rates of each parameter point by the point's largest rate (steady state unchanged)."""
    kmax = np.max(np.stack(ks), axis=0)
    kmax = np.where(kmax > 0, kmax, 1.0)
    return [k / kmax for k in ks]


class CompiledModel:
    """Numeric evaluation of a master-equation model, generated from its closed forms.

    Parameters
    ----------
    me : MasterEquation
    fixed : mapping, optional
        Symbols to substitute before compiling (e.g. ``{mu_L: 0}``).

    ``evaluate(values, backend=..., method=...)`` takes a mapping from parameter *names* (see
    :attr:`parameter_names`) to floats / numpy arrays (broadcast together) or mpmath numbers, and returns
    ``{"p": {state: value}, "IN_<res>": ..., "IE_<res>": ..., "J_<res>": ..., "P": ..., "dS_dt": ...}``.
    """

    def __init__(self, me, fixed: Mapping | None = None, *, steady_method: str = "elimination"):
        self.me = me
        self.fixed = {sp.sympify(k): sp.sympify(v) for k, v in (fixed or {}).items()}
        self.steady_method = steady_method
        rates = me.physical_rates()
        self._rate_exprs = [rates[s].xreplace(self.fixed) for s in me.rate_symbols]
        obs = currents(me).as_dict()
        self.observable_names = list(obs)
        self._obs_exprs = [sp.sympify(e).xreplace(self.fixed) for e in obs.values()]
        free = set().union(*(e.free_symbols for e in self._rate_exprs + self._obs_exprs))
        free -= set(me.rate_symbols) | set(me.probability_symbols())
        self.parameters = tuple(sorted(free, key=lambda s: s.name))
        self.parameter_names = tuple(s.name for s in self.parameters)
        sysm = me.system
        self._temperatures = {s.name for s in sysm.temperature_symbols()} & set(self.parameter_names)
        self._couplings = {s.name for s in sysm.coupling_symbols()} & set(self.parameter_names)
        self._pairs = [(me.index[t.source], me.index[t.target]) for t in me.transitions]
        self._fns: dict = {}

    # -- compiled pieces (built lazily, keyed by backend) ------------------------------------------------------
    @cached_property
    def steady(self):
        """The closed-form steady state in rate symbols (:func:`symqd.graph.steady_state`)."""
        return steady_state(self.me, method=self.steady_method)

    def _modules(self, backend):
        return [NUMPY_MODULE, "numpy"] if backend == "numpy" else [MPMATH_MODULE, "mpmath"]

    def _fn(self, what: str, backend: str):
        key = (what, backend)
        if key not in self._fns:
            mods = self._modules(backend)
            ks, ps = list(self.me.rate_symbols), list(self.me.probability_symbols())
            if what == "rates":
                f = sp.lambdify(self.parameters, self._rate_exprs, modules=mods, cse=True)
            elif what == "numerators" and self.steady_method == "elimination":
                program, pis = elimination_program(
                    self.me.n, sorted(self.me.edges), self.me.edge_weight, normalize=True, guard=exit_rate_guard
                )
                guard = _GUARD_NUMPY if backend == "numpy" else _GUARD_MPMATH
                f = sp.lambdify(ks, pis, modules=[guard, *mods], cse=lambda exprs: (program, pis))
            elif what == "numerators":
                f = sp.lambdify(ks, list(self.steady.numerators), modules=mods, cse=True)
            elif what == "observables":
                f = sp.lambdify(list(self.parameters) + ks + ps, self._obs_exprs, modules=mods, cse=True)
            else:  # pragma: no cover
                raise KeyError(what)
            self._fns[key] = f
        return self._fns[key]

    # -- input validation ------------------------------------------------------------------------------------
    def validate(self, values: Mapping) -> tuple:
        check_known_names(values, self.parameter_names)
        missing = [n for n in self.parameter_names if n not in values]
        if missing:
            raise ValueError(f"missing parameter(s) {', '.join(map(repr, missing))}")
        for name, v in values.items():
            check_finite(name, v)
        for name in self._temperatures:
            check_positive(name, values[name], "is a temperature and must be > 0")
        for name in self._couplings:
            check_nonnegative(name, values[name], "is a tunnel coupling and must be >= 0")
        return broadcast_parameters({n: values[n] for n in self.parameter_names})

    # -- evaluation ------------------------------------------------------------------------------------------
    def rates(self, values: Mapping, backend: str = "numpy") -> list:
        shape, vals = self.validate(values)
        return self._rates(vals, shape, backend)

    def _args(self, vals, backend):
        args = [vals[n] for n in self.parameter_names]
        if backend == "mpmath":
            args = [a if isinstance(a, mpmath.mpf) else mpmath.mpf(float(a)) for a in args]
        return args

    def _rates(self, vals, shape, backend):
        args = self._args(vals, backend)
        ks = self._fn("rates", backend)(*args)
        if backend == "numpy":
            ks = [np.broadcast_to(np.asarray(k, dtype=float), shape) for k in ks]
        return ks

    def evaluate(self, values: Mapping, *, backend: str = "numpy", method: str = "closed_form") -> dict:
        """Occupations and currents at the given parameter values (see class docstring)."""
        if backend not in ("numpy", "mpmath"):
            raise ValueError(f"backend must be 'numpy' or 'mpmath', got {backend!r}")
        if method not in ("closed_form", "solver"):
            raise ValueError(f"method must be 'closed_form' or 'solver', got {method!r}")
        shape, vals = self.validate(values)
        if backend == "mpmath" and shape != ():
            raise ValueError("backend 'mpmath' evaluates one parameter point: all parameters must be scalars")
        ks = self._rates(vals, shape, backend)
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
        obs = self._fn("observables", backend)(*self._args(vals, backend), *ks, *p)
        out = {"p": dict(zip(self.me.states, p))}
        for name, v in zip(self.observable_names, obs):
            out[name] = np.broadcast_to(v, shape) if backend == "numpy" and np.ndim(v) < len(shape) else v
        return out
