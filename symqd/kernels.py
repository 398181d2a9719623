"""Compiled C kernels generated from the same symbolic closed form (optional; needs a C compiler at run time).

:func:`compile_kernel` turns a :class:`~symqd.numeric.CompiledModel` into one straight-line C loop body per
parameter point — the physical rates (each coupling's rate law, with the overflow-free Fermi/Bose forms of
:mod:`symqd.fermi`), the per-point rate scaling, the normalized subtraction-free elimination program of the steady
state (:func:`symqd.graph.elimination_program`), the observables and their gross fluxes — printed by
:func:`sympy.ccode` from exactly the expressions the numpy path lambdifies (one source of truth). The loop carries
``#pragma omp simd`` and is built with ``-O3 -march=native -ffast-math -fopenmp-simd`` so that gcc vectorizes it
with the SIMD ``exp`` of glibc's libmvec (AVX2/AVX-512); clang and zig cc get ``-fveclib=libmvec``.

* One kernel per set of requested outputs: the body is in single-assignment form and everything the requested rows
  do not need is dropped before printing (three currents of the 8-state thermocouple: ~13 M points/s on one core).
* The value rules of :meth:`CompiledModel.validate <symqd.numeric.CompiledModel.validate>` (finite, ``T > 0``,
  couplings ``>= 0``) and zero couplings are checked inside the loop, in the same pass as the arithmetic; a flagged
  call re-runs ``validate`` for its message, a zero coupling the connectivity check of the numpy path.
* Bodies longer than :data:`STAGE` statements (16 and 32 states) are cut into stages, one ``noinline`` function
  each, over blocks of :data:`BLOCK` points; values that cross stages go through reused work-buffer slots. gcc's
  register allocation is superlinear in the length of one loop body; stages keep the compile time linear.
* Kernels are compiled on first use and cached by source hash (``$SYMQD_CACHE`` or ``~/.cache/symqd``).

Where no compiler is found (``$CC``, ``cc``, ``gcc``, ``clang``, or the pip extra ``symqd[kernel]``) or compilation
fails, :meth:`KernelModel.evaluate` falls back to the numpy path with a one-line :class:`RuntimeWarning`.
Cancellation is handled as on the numpy path, chunk by chunk: points whose net currents fall below
``CANCELLATION_RATIO`` x their gross flux are recomputed in mpmath. ``CompiledModel.evaluate(values,
backend="c")`` is the same kernel (:meth:`CompiledModel.kernel <symqd.numeric.CompiledModel.kernel>`).

Examples
--------
>>> from symqd import System, Reservoir, MasterEquation, CompiledModel
>>> from symqd.kernels import KernelModel
>>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")]))
>>> km = KernelModel(CompiledModel(me))
>>> r = km.evaluate({"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": [0.5, 1.0]})
>>> [round(float(x), 6) for x in r["IN_R"]]
[0.06123, 0.115529]
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import sympy as sp

__all__ = ["KernelModel", "compile_kernel", "kernel_source", "compiler_available"]

#: Flag bits returned by a kernel call: a point broke a value rule of ``CompiledModel.validate`` (NaN/inf, T <= 0,
#: negative coupling), or has a zero coupling (which may split the state graph: checked as on the numpy path).
NONFINITE, NONPOSITIVE_T, NEGATIVE_COUPLING, ZERO_COUPLING = 1, 2, 4, 8

_PRELUDE = r"""
#include <math.h>
#include <stdint.h>
#include <string.h>
/* NaN/inf test on the bits: -ffast-math lets the compiler assume isfinite() is always true */
static inline int symqd_nonfinite(double x) { uint64_t u; memcpy(&u, &x, 8); return ((u >> 52) & 0x7FF) == 0x7FF; }
static inline double symqd_fermi(double x) { double e = exp(-fabs(x)); double num = x > 0 ? e : 1.0; return num / (1.0 + e); }
static inline double symqd_xbose(double x) {
    if (x == 0.0) return 1.0;
    if (x > 0) { double e = exp(-x); return x * e / (1.0 - e); }
    return x / expm1(x);
}
static inline double symqd_guard(double x) { return x > 1e-300 ? x : 1e-300; }
"""

_USER_FUNCTIONS = {"fermi": "symqd_fermi", "xbose": "symqd_xbose", "exit_rate_guard": "symqd_guard"}


def _compiler_command() -> list | None:
    for c in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if c and shutil.which(c):
            return [shutil.which(c)]
    try:  # the optional extra ``symqd[kernel]``: a C compiler (zig's clang) installed by pip
        import importlib.util

        if importlib.util.find_spec("ziglang") is not None:
            return [sys.executable, "-m", "ziglang", "cc"]
    except (ImportError, ValueError):  # pragma: no cover
        pass
    return None


def compiler_available() -> str | None:
    r"""The C compiler the kernels use, or ``None``.

    ``$CC``, ``cc``, ``gcc`` or ``clang`` from the PATH; else, where the optional extra ``symqd[kernel]`` is
    installed (``pip install "symqd[kernel]"``, the ``ziglang`` wheel: a clang that needs nothing else on the
    machine), ``"<python> -m ziglang cc"``.

    Returns
    -------
    str or None
        The compiler command.

    Examples
    --------
    >>> cc = compiler_available()
    >>> cc is None or isinstance(cc, str)
    True
    """
    cmd = _compiler_command()
    return None if cmd is None else " ".join(cmd)


_IS_CLANG: dict = {}


def _is_clang(cmd: list) -> bool:
    key = tuple(cmd)
    if key not in _IS_CLANG:
        try:
            out = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        _IS_CLANG[key] = "clang" in out.lower()
    return _IS_CLANG[key]


def _c(expr, names) -> str:
    return sp.ccode(sp.sympify(expr).xreplace(names), user_functions=_USER_FUNCTIONS)


def kernel_source(cm, keep=None) -> tuple[str, list]:
    r"""C source of the kernel of ``cm`` and the list of its output names.

    Parameters
    ----------
    cm : CompiledModel
        The compiled model whose rates, elimination program and observables are printed with
        :func:`sympy.ccode`.
    keep : iterable of int, optional
        Indices (into ``outputs``) of the rows the kernel stores, in increasing order; default all. The kernel
        then takes one output pointer per kept row, and the C compiler drops the work no kept row needs (three
        currents of the 8-state thermocouple: ~1.4x faster than all 34 rows).

    Returns
    -------
    source : str
        The C source (function ``symqd_kernel``).
    outputs : list of str
        ``p_<i>``, the observables, then ``gross:<current>`` fluxes (all rows, whatever ``keep`` is).

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation, CompiledModel
    >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
    >>> src, outputs = kernel_source(cm)
    >>> "int symqd_kernel(long n" in src, outputs[:3]
    (True, ['p_0', 'p_1', 'IN_L'])
    """
    return _assemble(_kernel_parts(cm), keep)[:2]


def _kernel_parts(cm) -> tuple:
    """The keep-independent pieces of the kernel, in single-assignment form.

    Returns ``(nin, checks, statements, values, outputs)``: the number of inputs ``a<i>``; the value-rule flag
    lines; ``statements``, a list of ``(name, C expression)`` each defining a new ``double``; the C expression of
    every output row; and the output names.
    """
    me = cm.me
    names = {}
    for i, s in enumerate(cm.parameters):
        names[s] = sp.Symbol(f"a{i}")
    ks = list(me.rate_symbols)
    ps = list(me.probability_symbols())
    for i, k in enumerate(ks):
        names[k] = sp.Symbol(f"k{i}")
    for i, p in enumerate(ps):
        names[p] = sp.Symbol(f"p{i}")
    stmts = []
    # rates (cse shares the Fermi arguments)
    rep, red = sp.cse([e.xreplace(names) for e in cm._rate_exprs], symbols=sp.numbered_symbols("r"))
    stmts += [(str(sym), _c(e, {})) for sym, e in rep]
    stmts += [(f"k{i}", _c(e, {})) for i, e in enumerate(red)]
    # per-point scaling of the rates for the elimination (the steady state is scale-invariant)
    if ks:
        stmts.append(("m0", "k0"))
        stmts += [(f"m{i}", f"k{i} > m{i - 1} ? k{i} : m{i - 1}") for i in range(1, len(ks))]
        stmts.append(("kmax", f"m{len(ks) - 1} > 0 ? m{len(ks) - 1} : 1.0"))
    scaled = {k: sp.Symbol(f"s{i}") for i, k in enumerate(ks)}
    stmts += [(f"s{i}", f"k{i} / kmax") for i in range(len(ks))]
    program, pis = cm.program
    prog_names = dict(scaled)
    for j, (sym, _) in enumerate(program):
        prog_names[sym] = sp.Symbol(f"t{j}")
    stmts += [(f"t{j}", _c(e, prog_names)) for j, (sym, e) in enumerate(program)]
    pis_c = [_c(x, prog_names) for x in pis]
    stmts.append(("Z", " + ".join(f"({x})" for x in pis_c)))
    stmts += [(f"p{i}", f"({x}) / Z") for i, x in enumerate(pis_c)]
    outputs = [f"p_{i}" for i in range(len(ps))]
    values = [f"p{i}" for i in range(len(ps))]  # right-hand side of each output row
    exprs = [e.xreplace(names) for e in cm._obs_exprs + cm._gross_exprs]
    rep, red = sp.cse(exprs, symbols=sp.numbered_symbols("o"))
    stmts += [(str(sym), _c(e, {})) for sym, e in rep]
    labels = list(cm.observable_names) + [f"gross:{n}" for n in cm._current_names]
    for lab, e in zip(labels, red):
        values.append(_c(e, {}))
        outputs.append(lab)
    # the value rules of CompiledModel.validate, as flag bits (OR-reduced over the loop, returned by the kernel)
    checks = []
    for i, name in enumerate(cm.parameter_names):
        checks.append(f"bad |= symqd_nonfinite(a{i}) ? {NONFINITE} : 0;")
        if name in cm._temperatures:
            checks.append(f"bad |= a{i} <= 0.0 ? {NONPOSITIVE_T} : 0;")
        if name in cm._couplings:
            checks.append(f"bad |= a{i} < 0.0 ? {NEGATIVE_COUPLING} : (a{i} == 0.0 ? {ZERO_COUPLING} : 0);")
    return len(cm.parameters), checks, stmts, values, outputs


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: Straight-line bodies longer than this many statements are cut into stages of about this size, each its own
#: SIMD loop over a block of :data:`BLOCK` points, passing the values later stages need through a work buffer.
#: gcc's register allocation grows faster than linearly with the length of one loop body (a 6000-statement
#: 32-state kernel took 85-225 s to compile as one loop); stages keep the compile time linear.
STAGE = 400
BLOCK = 64


def _assemble(parts, keep=None) -> tuple[str, list, int]:
    """C source storing the rows ``keep`` (default all) from :func:`_kernel_parts` output.

    Statements no kept row needs are dropped. Returns ``(source, outputs, work)``, ``work`` being the number of
    doubles of scratch the kernel's last argument must point to.
    """
    nin, checks, stmts, values, outputs = parts
    keep = list(range(len(outputs))) if keep is None else sorted(set(int(j) for j in keep))
    if not keep or keep[0] < 0 or keep[-1] >= len(outputs):
        raise ValueError(f"keep: row indices must lie in [0, {len(outputs)}), got {keep}")
    defined = {name: k for k, (name, _) in enumerate(stmts)}
    uses = [[u for u in _IDENT.findall(rhs) if u in defined] for _, rhs in stmts]
    out_uses = [[u for u in _IDENT.findall(values[j]) if u in defined] for j in keep]
    # dead-code elimination: only what the kept rows need
    live = set()
    todo = [u for us in out_uses for u in us]
    while todo:
        u = todo.pop()
        if u not in live:
            live.add(u)
            todo += uses[defined[u]]
    body = [(k, name, rhs) for k, (name, rhs) in enumerate(stmts) if name in live]
    stages = [body[i:i + STAGE] for i in range(0, len(body), STAGE)] if len(body) > STAGE * 1.5 else [body]
    last_use = {}
    for si, st in enumerate(stages):
        for k, _, _ in st:
            for u in uses[k]:
                last_use[u] = si
    for us in out_uses:
        for u in us:
            last_use[u] = len(stages) - 1
    # work-buffer slots for values that cross a stage boundary, reused once dead (linear scan)
    slot_of, active, free, nslots = {}, {}, [], 0
    for si in range(len(stages)):
        for name in [u for u in active if last_use[u] < si]:
            free.append(active.pop(name))
        for _, name, _ in stages[si]:
            if last_use.get(name, si) > si:
                if free:
                    active[name] = free.pop()
                else:
                    active[name], nslots = nslots, nslots + 1
                slot_of[name] = active[name]
    sig = ", ".join([f"const double* restrict in{i}" for i in range(nin)]
                    + [f"double* restrict out{m}" for m in range(len(keep))] + ["double* restrict work"])
    inputs = {f"a{i}" for i in range(nin)}
    loops = []
    for si, st in enumerate(stages):
        used_inputs = {u for k, _, _ in st for u in _IDENT.findall(stmts[k][1]) if u in inputs}
        lines = []
        if si == 0:
            used_inputs = inputs
        last = si == len(stages) - 1
        if last:
            used_inputs |= {u for j in keep for u in _IDENT.findall(values[j]) if u in inputs}
        lines += [f"double {u} = in{u[1:]}[i];" for u in sorted(used_inputs, key=lambda x: int(x[1:]))]
        if si == 0:
            lines += checks
        here = {name for _, name, _ in st}
        live_in = set()
        for k, _, _ in st:
            live_in |= {u for u in uses[k] if u not in here}
        if last:
            live_in |= {u for us in out_uses for u in us if u not in here}
        lines += [f"double {u} = work[{slot_of[u] * BLOCK} + j];" for u in sorted(live_in, key=lambda x: defined[x])]
        lines += [f"double {name} = {rhs};" for _, name, rhs in st]
        lines += [f"work[{slot_of[name] * BLOCK} + j] = {name};" for _, name, _ in st if name in slot_of]
        if last:
            lines += [f"out{m}[i] = {values[j]};" for m, j in enumerate(keep)]
        loops.append("#pragma omp simd reduction(|:bad)\n  for (long j = 0; j < m; j++) {\n    long i = b0 + j;\n    "
                     + "\n    ".join(lines) + "\n  }")
    if len(stages) == 1:
        src = _PRELUDE + (
            f"int symqd_kernel(long n, {sig}) {{\n  int bad = 0;\n  long b0 = 0, m = n;\n"
            + loops[0] + "\n  return bad;\n}\n"
        )
    else:
        # one function per stage: gcc allocates registers per function, so the compile time stays linear
        stage_fns = [
            f"static __attribute__((noinline)) int symqd_stage{si}(long b0, long m, {sig}) {{\n  int bad = 0;\n"
            + loop + "\n  return bad;\n}\n" for si, loop in enumerate(loops)]
        args = ", ".join([f"in{i}" for i in range(nin)] + [f"out{m}" for m in range(len(keep))] + ["work"])
        src = _PRELUDE + "".join(stage_fns) + (
            f"int symqd_kernel(long n, {sig}) {{\n  int bad = 0;\n"
            f"  for (long b0 = 0; b0 < n; b0 += {BLOCK}) {{\n    long m = n - b0 < {BLOCK} ? n - b0 : {BLOCK};\n"
            + "".join(f"    bad |= symqd_stage{si}(b0, m, {args});\n" for si in range(len(loops)))
            + "  }\n  return bad;\n}\n"
        )
    return src, outputs, max(1, nslots * BLOCK)


def _cache_dir() -> Path:
    base = os.environ.get("SYMQD_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "symqd")
    try:
        Path(base).mkdir(parents=True, exist_ok=True)
        return Path(base)
    except OSError:
        return Path(tempfile.mkdtemp(prefix="symqd-"))


#: -ffast-math lets gcc call glibc's SIMD exp (libmvec); every input is validated finite and every intermediate of
#: the subtraction-free program is positive and finite (exit sums floored), so finite-math assumptions hold.
#: Compile and link are separate steps: linking a shared object with -ffast-math pulls in crtfastmath.o, whose
#: constructor switches the whole process to flush-subnormals-to-zero (a silent change of every later numpy
#: result); the link step below has no fast-math flag, and a test checks that subnormals survive loading.
FLAGS = ["-O3", "-march=native", "-ffast-math", "-fopenmp-simd", "-fPIC"]
LINK_FLAGS = ["-shared"]


def compile_kernel(cm, keep=None, *, _parts=None):
    r"""Compile the kernel of ``cm`` (cached by source hash under ``$SYMQD_CACHE`` or ``~/.cache/symqd``).

    Parameters
    ----------
    cm : CompiledModel
        The compiled model.
    keep : iterable of int, optional
        Output rows the kernel stores (see :func:`kernel_source`); default all.

    Returns
    -------
    fn : ctypes function
        ``symqd_kernel(n, in_0, ..., out_0, ..., work)``, one ``out`` per kept row and a scratch buffer of
        ``fn.work_size`` doubles (one per concurrent call); returns the OR of the flag bits
        (:data:`NONFINITE`, :data:`NONPOSITIVE_T`, :data:`NEGATIVE_COUPLING`, :data:`ZERO_COUPLING`) over the
        points.
    outputs : list of str
        Names of the output arrays, as in :func:`kernel_source`.

    Raises
    ------
    RuntimeError
        If no C compiler is found or compilation fails.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation, CompiledModel
    >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
    >>> if compiler_available():
    ...     fn, outputs = compile_kernel(cm)
    ... else:
    ...     outputs = kernel_source(cm)[1]
    >>> outputs[-1]
    'gross:J_R'
    """
    cmd = _compiler_command()
    if cmd is None:
        raise RuntimeError("no C compiler found (set CC, install gcc, or pip install \"symqd[kernel]\")")
    src, outputs, work = _assemble(_parts or _kernel_parts(cm), keep)
    # gcc vectorizes exp with glibc's libmvec under -ffast-math by itself; clang (and zig cc) must be asked
    attempts = [(FLAGS + ["-fveclib=libmvec"], ["-lmvec", "-lm"]), (FLAGS, ["-lm"])] if _is_clang(cmd) else \
        [(FLAGS, ["-lm"])]
    key = hashlib.sha256((src + " ".join(cmd + FLAGS + LINK_FLAGS)).encode()).hexdigest()[:20]
    d = _cache_dir()
    lib = d / f"symqd_kernel_{key}.so"
    if not lib.exists():
        c = d / f"symqd_kernel_{key}.c"
        c.write_text(src)
        tmp = d / f"symqd_kernel_{key}.{os.getpid()}.so"
        obj = d / f"symqd_kernel_{key}.{os.getpid()}.o"
        for flags, libs in attempts:
            res = subprocess.run([*cmd, *flags, "-c", "-o", str(obj), str(c)], capture_output=True, text=True)
            if res.returncode == 0:
                res = subprocess.run([*cmd, *LINK_FLAGS, "-o", str(tmp), str(obj), *libs], capture_output=True,
                                     text=True)
            obj.unlink(missing_ok=True)
            if res.returncode == 0:
                break
        if res.returncode != 0:
            raise RuntimeError(f"C compilation failed: {res.stderr.strip()[:500]}")
        os.replace(tmp, lib)
    so = ctypes.CDLL(str(lib))
    fn = so.symqd_kernel
    fn.restype = ctypes.c_int
    fn.work_size = work  # doubles of scratch behind the last argument
    return fn, outputs


class KernelModel:
    r"""A :class:`~symqd.numeric.CompiledModel` evaluated by a compiled C kernel (numpy fallback with a notice).

    ``evaluate(values, outputs=None)`` takes and returns what ``cm.evaluate`` does for the numpy backend and
    the closed form; results agree with it to ~1e-15 relative to the gross fluxes (tested at 1e-13).

    Parameters
    ----------
    cm : CompiledModel
        The compiled model.
    chunk_size : int
        Points per kernel call (bounded memory for any number of points).

    Warns
    -----
    RuntimeWarning
        If no compiler is available or compilation fails (the numpy path is used then).

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation, CompiledModel
    >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
    >>> km = KernelModel(cm)
    >>> r = km.evaluate({"T_L": 1.0, "T_R": 1.0, "eps_D": 0.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5})
    >>> round(float(r["IN_R"]), 6)
    0.06123
    """

    def __init__(self, cm, chunk_size: int = 32768):
        self.cm = cm
        self.chunk_size = int(chunk_size)
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
        self._kernels = {}  # kept rows -> compiled kernel storing only those rows
        self._parts, self.outputs = None, []
        self.available = compiler_available() is not None
        if self.available:
            self._parts = _kernel_parts(cm)
            self.outputs = list(self._parts[4])
        else:
            self._fall_back("no C compiler found (set CC or install gcc)")

    def _fall_back(self, why: str) -> None:
        warnings.warn(f"symqd.kernels: {why}; using the numpy backend", RuntimeWarning, stacklevel=3)
        self.available = False

    def _kernel(self, keep: tuple):
        """The kernel storing the rows ``keep``, compiled on first use (the .so is cached on disk); None, with a
        one-line notice, if compilation fails."""
        fn = self._kernels.get(keep)
        if fn is None:
            try:
                fn = self._kernels[keep] = compile_kernel(self.cm, keep, _parts=self._parts)[0]
            except RuntimeError as exc:
                self._fall_back(str(exc))
        return fn

    def evaluate(self, values, *, outputs=None, refine: bool | None = None) -> dict:
        r"""Occupations and observables at the given parameter values, by the C kernel.

        Parameters
        ----------
        values : mapping
            ``{parameter name: float | numpy array}`` (broadcast together), validated as in
            :meth:`CompiledModel.validate <symqd.numeric.CompiledModel.validate>`.
        outputs : iterable of str, optional
            Only these keys (``"p"`` and/or observable names); default all.
        refine : bool, optional
            Recompute cancelling net currents in mpmath (default: the model's ``refine`` attribute), as in
            :meth:`CompiledModel.evaluate <symqd.numeric.CompiledModel.evaluate>`.

        Returns
        -------
        dict
            As :meth:`CompiledModel.evaluate <symqd.numeric.CompiledModel.evaluate>`: ``"p"`` and the observables
            (currents positive from the coupling into the system).

        Raises
        ------
        ValueError
            For an invalid parameter, an unknown output name, or zero couplings that split the state graph.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation, CompiledModel
        >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
        >>> km = KernelModel(cm)
        >>> v = {"T_L": 1.0, "T_R": 1.0, "eps_D": [0.0, 1.0], "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.5}
        >>> r = km.evaluate(v, outputs=["IN_R", "IN_L"])
        >>> r["IN_R"].round(6).tolist(), bool(abs(r["IN_L"] + r["IN_R"]).max() < 1e-15)
        ([0.06123, 0.0543], True)
        """
        cm = self.cm
        if not self.available:
            return cm.evaluate(values, outputs=outputs, refine=refine)
        refine = cm.refine if refine is None else bool(refine)
        # names, types and shapes here; the value rules are checked by the kernel in the same pass as the arithmetic
        shape, vals = cm.validate(values, check_values=False)
        keys = ["p", *cm.observable_names] if outputs is None else ([outputs] if isinstance(outputs, str)
                                                                    else list(outputs))
        unknown = [k for k in keys if k != "p" and k not in cm.observable_names]
        if unknown:
            raise ValueError(f"outputs: unknown name(s) {unknown}; available: 'p', {cm.observable_names}")
        size = int(np.prod(shape)) if shape else 1
        nout = len(self.outputs)
        n = cm.me.n
        nobs = len(cm.observable_names)
        row = {name: n + j for j, name in enumerate(cm.observable_names)}
        # rows returned to the caller live in full-size arrays; the rows only the cancellation check needs (every
        # net current and its gross flux) live in chunk-sized scratch, checked and refined chunk by chunk, so the
        # memory is that of the requested outputs whatever the number of points
        wanted = set(range(n)) if "p" in keys else set()
        wanted |= {row[k] for k in keys if k != "p"}
        extra = set()
        if refine:
            extra = ({row[k] for k in cm._current_names} | set(range(n + nobs, nout))) - wanted
        keep = tuple(sorted(wanted | extra))
        fn = self._kernel(keep)
        if fn is None:
            return cm.evaluate(values, outputs=outputs, refine=refine)
        step = max(1, min(self.chunk_size, size))
        work = np.empty(fn.work_size)  # per call: concurrent calls (dask threads) never share it
        res = {j: np.empty(size) for j in sorted(wanted)}
        scratch = {j: np.empty(step) for j in sorted(extra)}
        columns = []
        for name in cm.parameter_names:
            v = np.asarray(vals[name], dtype=float)
            if v.size == 1:
                columns.append((name, True, np.full(step, float(v.reshape(-1)[0]))))
            else:
                columns.append((name, False, np.ascontiguousarray(np.broadcast_to(v, shape)).reshape(-1)))
        connectivity_checked = False
        if not cm._gammas_positive_unless_zero_coupling:
            cm._check_connected(vals, shape, "numpy")
            connectivity_checked = True
        zero = set(cm.identically_zero)
        for i0 in range(0, size, step):
            m = min(size, i0 + step) - i0
            ins = [col.ctypes.data if scalar else col.ctypes.data + 8 * i0 for _, scalar, col in columns]
            outs = [res[j].ctypes.data + 8 * i0 if j in res else scratch[j].ctypes.data for j in keep]
            flags = fn(ctypes.c_long(m), *map(ctypes.c_void_p, ins), *map(ctypes.c_void_p, outs),
                       ctypes.c_void_p(work.ctypes.data))
            if flags & (NONFINITE | NONPOSITIVE_T | NEGATIVE_COUPLING):
                cm.validate(values)  # raises the ValueError naming the parameter and the rule
                raise RuntimeError("symqd.kernels: the kernel flagged an invalid value that validate() accepts")
            if flags & ZERO_COUPLING and not connectivity_checked:
                # zero couplings that split the graph are refused exactly as on the numpy path (whole input, so
                # the message gives the user's index)
                cm._check_connected(vals, shape, "numpy")
                connectivity_checked = True
            if refine:
                def rows(j):
                    return res[j][i0:i0 + m] if j in res else scratch[j][:m]

                part = {name: (np.zeros(m) if name in zero else rows(row[name]))
                        for name in cm.observable_names if row[name] in res or row[name] in scratch}
                gross = [rows(n + nobs + k) for k in range(len(cm._current_names))]
                cvals = {name: (col[:m] if scalar else col[i0:i0 + m]) for name, scalar, col in columns}
                cm._refine(part, cvals, (m,), None, None, None, "closed_form", gross=gross)
                for name, v in part.items():
                    if row[name] in res:
                        res[row[name]][i0:i0 + m] = v
        full = {}
        if "p" in keys:
            full["p"] = {s: res[i].reshape(shape) for i, s in enumerate(cm.me.states)}
        for name in cm.observable_names:
            if row[name] in res:
                full[name] = np.zeros(shape) if name in zero else res[row[name]].reshape(shape)
        if not shape:
            full = {k: ({s: np.float64(x) for s, x in v.items()} if k == "p" else np.float64(v)) for k, v in
                    full.items()}
        return {k: full[k] for k in keys}
