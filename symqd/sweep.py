"""Parameter sweeps over grids: locally (chunked, optional progress bar) or, unchanged, on a dask cluster.

:func:`sweep` evaluates a :class:`~symqd.numeric.CompiledModel` on the outer-product grid of the given parameter
axes (plus fixed scalars). Locally it runs in chunks of ``chunk_size`` points (bounded memory) and shows a
``tqdm`` progress bar if asked (optional extra ``symqd[sweep]``). With ``dask=True`` it returns lazy
:mod:`dask.array` arrays of the same shapes, one task per chunk: computed by the threaded scheduler, or by a
``dask.distributed`` cluster if a ``Client`` is active — each worker process rebuilds the compiled functions once
from the pickled model (the lambdified code itself is never pickled), so 10^9-point sweeps stream through workers
and can be reduced (``.max()``, ``argmax``) or stored (``to_zarr``) without materializing.

Examples
--------
>>> import numpy as np
>>> from symqd import System, Reservoir, MasterEquation, CompiledModel
>>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
>>> out = sweep(cm, {"eps_D": np.linspace(-1, 1, 5), "mu_R": [0.0, 0.5]},
...             fixed={"T_L": 1.0, "T_R": 1.0, "gamma_L": 1.0, "gamma_R": 1.0}, outputs=["IN_R"])
>>> out["IN_R"].shape, float(out["IN_R"][2, 0])
((5, 2), 0.0)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

__all__ = ["sweep", "grid_shape"]


def grid_shape(grid: Mapping) -> tuple:
    r"""Shape ``(len(axis_1), len(axis_2), ...)`` of the outer-product grid, validating each axis.

    Parameters
    ----------
    grid : mapping
        ``{parameter name: 1-D values}``.

    Returns
    -------
    tuple of int

    Raises
    ------
    ValueError
        Naming the axis that is not a non-empty 1-D sequence of real numbers.

    Examples
    --------
    >>> grid_shape({"eps_D": [0.0, 1.0, 2.0], "mu_R": [0.1, 0.2]})
    (3, 2)
    >>> grid_shape({"eps_D": []})
    Traceback (most recent call last):
    ...
    ValueError: grid axis 'eps_D' must be a non-empty 1-D sequence of numbers, got shape (0,)
    """
    shape = []
    for name, axis in grid.items():
        a = np.asarray(axis)
        if a.ndim != 1 or a.size == 0:
            raise ValueError(f"grid axis {name!r} must be a non-empty 1-D sequence of numbers, got shape {a.shape}")
        if a.dtype.kind not in "iuf":
            raise ValueError(f"grid axis {name!r} must hold real numbers, got dtype {a.dtype}")
        shape.append(a.size)
    return tuple(shape)


def _check(cm, grid, fixed, outputs):
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError("grid must be a non-empty mapping {parameter name: 1-D values}")
    fixed = dict(fixed or {})
    both = sorted(set(grid) & set(fixed))
    if both:
        raise ValueError(f"parameter(s) {both} given both in grid and in fixed")
    shape = grid_shape(grid)
    # validate names/rules once on a tiny sample: the grid's extreme values with the fixed ones
    sample = {n: np.array([np.min(np.asarray(a, dtype=float)), np.max(np.asarray(a, dtype=float))])
              for n, a in grid.items()}
    cm.validate({**fixed, **sample})
    keys = list(outputs) if outputs is not None else ["p", *cm.observable_names]
    unknown = [k for k in keys if k != "p" and k not in cm.observable_names]
    if unknown:
        raise ValueError(f"outputs: unknown name(s) {unknown}; available: 'p', {cm.observable_names}")
    return fixed, shape, keys


def _block(cm, grid_axes, names, fixed, shape, keys, start, stop, backend):
    """Evaluate flat grid indices ``start:stop``; returns ``{key: 1-D array}`` (``p`` as ``p_<i>`` keys)."""
    idx = np.unravel_index(np.arange(start, stop), shape)
    vals = dict(fixed)
    for n, ax, ii in zip(names, grid_axes, idx):
        vals[n] = np.asarray(ax, dtype=float)[ii]
    r = cm.evaluate(vals, outputs=keys, backend=backend)
    out = {}
    for k in keys:
        if k == "p":
            for i, s in enumerate(cm.me.states):
                out[f"p_{i}"] = np.broadcast_to(r["p"][s], (stop - start,))
        else:
            out[k] = np.broadcast_to(r[k], (stop - start,))
    return out


def sweep(cm, grid: Mapping, *, fixed: Mapping | None = None, outputs=None, chunk_size: int = 32768,
          progress: bool = False, dask: bool = False, backend: str = "numpy") -> dict:
    r"""Evaluate ``cm`` on the outer-product grid of ``grid`` (with ``fixed`` scalars).

    Parameters
    ----------
    cm : CompiledModel
        The compiled model.
    grid : mapping
        ``{parameter name: 1-D values}``; the result arrays have shape ``(len(v1), len(v2), ...)`` in this order.
    fixed : mapping, optional
        The other parameters (scalars).
    outputs : list of str, optional
        Observable names and/or ``"p"`` (default all).
    chunk_size : int
        Points per block (memory bound; one dask task per block).
    progress : bool
        Show a tqdm progress bar (local runs; needs ``tqdm``, else a one-line notice).
    dask : bool
        Return lazy ``dask.array`` arrays (computed by the active dask scheduler / distributed client).
    backend : {"numpy", "c"}
        Per-block evaluation: the numpy closed form, or the compiled C kernel (:mod:`symqd.kernels`).

    Returns
    -------
    dict
        ``{name: array of the grid shape}``; ``"p"`` maps each state to an array.

    Raises
    ------
    ValueError
        For an unknown ``backend``, a non-positive ``chunk_size``, a parameter in both ``grid`` and ``fixed``,
        an invalid parameter value or name, or an unknown output (the message names it).

    Examples
    --------
    >>> import numpy as np
    >>> from symqd import System, Reservoir, MasterEquation, CompiledModel
    >>> cm = CompiledModel(MasterEquation(System.build(["D"], {}, [Reservoir("L", "D", mu=0), Reservoir("R", "D")])))
    >>> fixed = {"T_L": 1.0, "T_R": 1.0, "gamma_L": 1.0, "gamma_R": 1.0, "mu_R": 0.0}
    >>> out = sweep(cm, {"eps_D": [-1.0, 0.0, 1.0]}, fixed=fixed, outputs=["p"], chunk_size=2)
    >>> out["p"][(1,)].round(4).tolist()
    [0.7311, 0.5, 0.2689]
    """
    if backend not in ("numpy", "c"):
        raise ValueError(f"backend must be 'numpy' or 'c', got {backend!r}")
    if int(chunk_size) < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    chunk_size = int(chunk_size)
    fixed, shape, keys = _check(cm, grid, fixed, outputs)
    names = list(grid)
    axes = [np.asarray(grid[n], dtype=float) for n in names]
    size = int(np.prod(shape))
    flat_keys = [f"p_{i}" for i in range(cm.me.n)] if "p" in keys else []
    flat_keys += [k for k in keys if k != "p"]
    if dask:
        return _sweep_dask(cm, axes, names, fixed, shape, keys, flat_keys, size, chunk_size, backend)
    res = {k: np.empty(size) for k in flat_keys}
    starts = range(0, size, chunk_size)
    bar = None
    if progress:
        try:
            from tqdm.auto import tqdm

            bar = tqdm(total=size, unit="pt", desc="symqd sweep")
        except ImportError:
            warnings.warn("symqd.sweep: install tqdm for a progress bar (pip install 'symqd[sweep]')", stacklevel=2)
    for s0 in starts:
        s1 = min(size, s0 + chunk_size)
        blk = _block(cm, axes, names, fixed, shape, keys, s0, s1, backend)
        for k in flat_keys:
            res[k][s0:s1] = blk[k]
        if bar is not None:
            bar.update(s1 - s0)
    if bar is not None:
        bar.close()
    return _assemble(cm, res, keys, shape)


def _assemble(cm, flat, keys, shape):
    out = {}
    for k in keys:
        if k == "p":
            out["p"] = {s: flat[f"p_{i}"].reshape(shape) for i, s in enumerate(cm.me.states)}
        else:
            out[k] = flat[k].reshape(shape)
    return out


def _dask_block(spec, block_info=None):
    cm, axes, names, fixed, shape, keys, flat_keys, backend = spec
    loc = block_info[None]["array-location"][1]
    blk = _block(cm, axes, names, fixed, shape, keys, loc[0], loc[1], backend)
    return np.stack([np.asarray(blk[k], dtype=float) for k in flat_keys])


def _sweep_dask(cm, axes, names, fixed, shape, keys, flat_keys, size, chunk_size, backend):
    try:
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - optional extra
        raise ValueError("dask=True needs dask: pip install 'symqd[dask]'") from exc
    chunks = ((len(flat_keys),), tuple(min(chunk_size, size - s) for s in range(0, size, chunk_size)))
    import functools

    spec = (cm, axes, names, fixed, shape, keys, flat_keys, backend)
    arr = da.map_blocks(functools.partial(_dask_block, spec), chunks=chunks, dtype=float, meta=np.empty((0, 0)))
    flat = {k: arr[i] for i, k in enumerate(flat_keys)}
    return _assemble(cm, flat, keys, shape)
