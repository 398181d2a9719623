"""n mutually interacting single-level dots: a scaling model with 2^n states (16 and 32 states for n = 4, 5).

Dot ``D0`` couples to the leads ``L`` (``mu_L = 0``) and ``R`` (bias ``mu_R``); every other dot ``D<i>`` has a lead
``X<i>`` of its own (``mu = 0``, temperature ``T_X<i>``) that only exchanges energy with the system, and every pair of
dots has a symbolic charging energy ``U_D<i>_D<j>``. The state graph has far more spanning trees than can be
enumerated (> 10^6 for 16 states), so it exercises the straight-line elimination program, the C kernels and the
LaTeX export through named intermediates (issue "Scale and speed").

Examples
--------
>>> from symqd.models.interacting_dots import interacting_dots
>>> me = interacting_dots(4)
>>> me.n, [r.name for r in me.system.reservoirs]
(16, ['L', 'R', 'X1', 'X2', 'X3'])
"""

from __future__ import annotations

from symqd.baths import Reservoir
from symqd.master import MasterEquation
from symqd.system import System

__all__ = ["interacting_dots"]


def interacting_dots(n: int) -> MasterEquation:
    r"""The master equation of ``n`` mutually interacting dots (``2**n`` states).

    Parameters
    ----------
    n : int
        Number of dots, ``n >= 1``.

    Returns
    -------
    MasterEquation
        Leads ``L`` and ``R`` on ``D0``, a lead ``X<i>`` on each other dot ``D<i>``; charging energies
        ``U_D<i>_D<j>`` for every pair.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer.

    Examples
    --------
    >>> interacting_dots(2).n
    4
    >>> interacting_dots(0)
    Traceback (most recent call last):
    ...
    ValueError: n (number of dots) must be a positive integer, got 0
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n (number of dots) must be a positive integer, got {n!r}")
    names = [f"D{i}" for i in range(n)]
    inter = {(names[i], names[j]): None for i in range(n) for j in range(i + 1, n)}
    parts = [Reservoir("L", names[0], mu=0), Reservoir("R", names[0])]
    parts += [Reservoir(f"X{i}", names[i], mu=0) for i in range(1, n)]
    return MasterEquation(System.build(names, inter, parts))
