r"""Couplings of the dots to their environment: fermionic leads and bosonic baths.

Each coupling kind owns, in one place, everything the rest of symqd needs to know about it:

* its **transitions** (which states it connects, with the particle number ``dN`` and energy ``dE`` it exchanges),
* its **rate law** (the physical rate of a transition in the model's parameters),
* its **local affinity** ``ln(k_forward / k_backward) = -(dE - dN mu)/T`` (local detailed balance),
* its **drive** in linear response (which forces ``X^mu``, ``X^T`` a transition feels).

:mod:`symqd.master`, :mod:`symqd.linear_response`, :mod:`symqd.graph` (cycles) and :mod:`symqd.numeric` ask these
objects; none of them writes a rate law of its own.

Conventions (both papers): ``k_B = hbar = 1``; ``dN = +1`` when an electron enters the dots **from** the coupling,
``dE = E(target) - E(source)`` is the energy taken **from** the coupling; every current is positive from the
coupling into the system.

* :class:`Reservoir` (a fermionic lead, alias :data:`FermionicLead`): ``k = gamma f((dE - dN mu)/T)`` with the Fermi
  function ``f(x) = 1/(1+e^x)`` (paper 1 Eq. (4)).
* :class:`BosonicBath` (phonons, photons): an electron hops between dots ``a`` and ``b``; ``dN = 0`` and
  ``k = J(dE) n_B(dE/T)`` with the spectral function ``J`` odd in ``dE`` (default ohmic ``J = g dE``, so
  ``k = g dE n_B(dE/T)``, finite limit ``g T`` at ``dE = 0``); written regularly as ``(J(dE)/dE) T xbose(dE/T)``.
"""

from __future__ import annotations

import itertools
import keyword
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy as sp

from symqd.fermi import fermi, xbose

__all__ = ["Transition", "Reservoir", "FermionicLead", "BosonicBath", "as_symbol", "state_label"]


def state_label(state) -> str:
    r"""``(1, 0, 1) -> "101"``: the label of an occupation state in generated symbol names.

    Parameters
    ----------
    state : iterable of int
        Occupation tuple.

    Returns
    -------
    str

    Examples
    --------
    >>> state_label((1, 0, 1))
    '101'
    """
    return "".join(map(str, state))


def as_symbol(value, default_name: str, what: str, **assumptions) -> sp.Expr:
    """A model parameter from user input: a **name** (identifier) becomes a Symbol, a number or sympy object is kept.

    Strings are symbol names only, never parsed as expressions (nothing reaches ``eval``/``sympify``).

    Parameters
    ----------
    value : None, str, int, float, fractions.Fraction or sympy expression
        ``None`` gives the symbol ``default_name``.
    default_name : str
        Symbol name used when ``value`` is ``None``.
    what : str
        What the value is (for the error message), e.g. ``"reservoir 'L': temperature"``.
    **assumptions
        Sympy assumptions of a new symbol (``positive=True`` for temperatures, ``nonnegative=True`` for couplings).

    Returns
    -------
    sympy.Expr
        A Symbol, a number, ``sympy.oo``/``-sympy.oo`` for infinite floats, or the given expression.

    Raises
    ------
    ValueError
        Naming ``what`` for a string that is not an identifier, a boolean, NaN or a non-expression.

    Examples
    --------
    >>> as_symbol("T_L", "T", "temperature", positive=True)
    T_L
    >>> as_symbol(None, "mu_L", "potential", real=True)
    mu_L
    >>> as_symbol("1+1", "x", "coupling")
    Traceback (most recent call last):
    ...
    ValueError: coupling: a string must be a symbol name (an identifier), got '1+1'; pass numbers as numbers
    """
    if value is None:
        return sp.Symbol(default_name, **assumptions)
    if isinstance(value, str):
        if not value.isidentifier() or keyword.iskeyword(value):
            raise ValueError(
                f"{what}: a string must be a symbol name (an identifier), got {value!r}; pass numbers as numbers"
            )
        return sp.Symbol(value, **assumptions)
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected a number, a symbol name or a sympy expression, got {value!r}")
    if isinstance(value, float) and math.isinf(value):
        return sp.oo if value > 0 else -sp.oo
    if isinstance(value, float) and math.isnan(value):
        raise ValueError(f"{what}: NaN is not a parameter value")
    try:
        out = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError) as exc:
        raise ValueError(f"{what}: expected a number, a symbol name or a sympy expression, got {value!r}") from exc
    if not isinstance(out, sp.Expr):
        raise ValueError(f"{what}: expected a number, a symbol name or a sympy expression, got {value!r}")
    return out


@dataclass(frozen=True)
class Transition:
    r"""One process ``source -> target`` through the coupling ``reservoir`` (a lead or a bath).

    Created by the couplings' ``transitions`` methods; conventions of the module docstring (``dN``, ``dE``
    taken from the coupling, positive into the system).

    Parameters
    ----------
    source, target : tuple of int
        Occupation states.
    reservoir : str
        Name of the lead or bath (``part``).
    dN : int
        Electrons taken from the coupling (``+1`` in, ``-1`` out, ``0`` for a bath).
    dE : sympy.Expr
        ``E(target) - E(source)``: energy taken from the coupling.
    gamma : sympy.Expr
        Coupling prefactor (tunnel rate or bath coupling); a transition with ``gamma = 0`` does not exist.
    symbol : sympy.Symbol
        Rate symbol ``k_<reservoir>_<source>_<target>`` used in closed forms.
    kind : str
        ``"lead"`` or ``"bath"``.

    Examples
    --------
    >>> from symqd.system import System
    >>> L = Reservoir("L", "D")
    >>> s = System.build(["D"], {}, [L])
    >>> t = L.transitions(s, s.states())[0]
    >>> t.source, t.target, t.dN, t.dE, t.symbol, t.kind
    ((0,), (1,), 1, eps_D, k_L_0_1, 'lead')
    """

    source: tuple
    target: tuple
    reservoir: str
    dN: int
    dE: sp.Expr
    gamma: sp.Expr
    symbol: sp.Symbol
    kind: str = "lead"

    @property
    def part(self) -> str:
        r"""Name of the lead or bath of this transition (same as ``reservoir``).

        Examples
        --------
        >>> from symqd.system import System
        >>> L = Reservoir("L", "A")
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [L, Reservoir("R", "B")])
        >>> L.transitions(s, s.states())[0].part
        'L'
        """
        return self.reservoir

    def fermi_argument(self, T, mu) -> sp.Expr:
        r"""Dimensionless ``(dE - dN mu)/T`` (the argument of the Fermi function of a lead's rate, paper 1 Eq. (4)).

        Parameters
        ----------
        T : sympy expression
            Temperature of the coupling (``k_B = 1``).
        mu : sympy expression
            Electrochemical potential of the coupling.

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> from symqd.system import System
        >>> L = Reservoir("L", "A")
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [L, Reservoir("R", "B")])
        >>> t = L.transitions(s, s.states())[0]
        >>> t.source, t.target, t.fermi_argument(L.temperature, L.mu)
        ((0, 0), (1, 0), (eps_A - mu_L)/T_L)
        """
        return (self.dE - self.dN * mu) / T


def _rate_symbol(name: str, s, t) -> sp.Symbol:
    return sp.Symbol(f"k_{name}_{state_label(s)}_{state_label(t)}", positive=True)


class _Coupling:
    """Shared behaviour of leads and baths (the interface the engine asks)."""

    name: str
    temperature: sp.Expr
    mu: sp.Expr

    counts_particles = True

    def affinity(self, transition: Transition) -> sp.Expr:
        """Local affinity ``ln(k_forward/k_backward) = -(dE - dN mu)/T`` (local detailed balance)."""
        return -(transition.dE - transition.dN * self.mu) / self.temperature

    def equilibrium_substitution(self, T) -> dict:
        """``{T_self: T, mu_self: 0}`` for the symbols of this coupling (the equilibrium point)."""
        sub = {s: T for s in self.temperature.free_symbols}
        sub.update({s: sp.S.Zero for s in self.mu.free_symbols})
        return sub

    def temperature_symbols(self) -> set:
        return set(self.temperature.free_symbols)


def _check_name(kind: str, name) -> None:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{kind} name must be a non-empty identifier, got {name!r}")


@dataclass(frozen=True)
class Reservoir(_Coupling):
    """A fermionic lead tunnel-coupled to one dot or to several levels (spin up/down, orbitals).

    Parameters
    ----------
    name : str
        Lead label (``"L"``, ``"R"``, ``"H"``, ``"C"``, ``"P"``), an identifier.
    dot : str or tuple of str
        The dot (level) it exchanges electrons with, or a tuple of them. Its currents sum over its levels.
    temperature, mu : str, number or sympy expression, optional
        Default symbols ``T_<name>`` (positive) and ``mu_<name>`` (real); pass ``0`` for a grounded lead.
    coupling : str, number, expression or mapping, optional
        Tunnel rate ``gamma``. For one dot: a value, or, if ``depends_on`` names other dots, a mapping from their
        occupation tuple to a rate (paper 1 Eq. (4a,b): ``gamma_L(h, c)``; default ``gamma_<name>_<occupations>``).
        For several dots: one value for all levels, or a mapping ``{dot: value}`` (each value may itself be an
        occupation table when ``depends_on`` is given); default ``gamma_<name>_<dot>``.
    depends_on : tuple of str
        Other dots whose occupation the coupling depends on.

    Examples
    --------
    >>> L = Reservoir("L", ("up", "dn"), coupling={"up": "g_L_up", "dn": "g_L_dn"})
    >>> L.dots, L.rate_prefactor({"up": 0, "dn": 1}, "up")
    (('up', 'dn'), g_L_up)
    """

    name: str
    dot: object
    temperature: sp.Expr = None
    mu: sp.Expr = None
    coupling: object = None
    depends_on: tuple = ()

    def __post_init__(self):
        _check_name("reservoir", self.name)
        dots = (self.dot,) if isinstance(self.dot, str) else tuple(self.dot)
        if not dots:
            raise ValueError(f"reservoir {self.name!r}: dot must name at least one dot")
        for d in dots:
            if not isinstance(d, str) or not d.isidentifier():
                raise ValueError(f"reservoir {self.name!r}: dot names must be identifiers, got {d!r}")
        if len(set(dots)) != len(dots):
            raise ValueError(f"reservoir {self.name!r}: dot {dots} lists a dot twice")
        what = f"reservoir {self.name!r}"
        object.__setattr__(self, "_dots", dots)
        object.__setattr__(
            self, "temperature", as_symbol(self.temperature, f"T_{self.name}", f"{what}: temperature", positive=True)
        )
        object.__setattr__(self, "mu", as_symbol(self.mu, f"mu_{self.name}", f"{what}: mu", real=True))
        deps = (self.depends_on,) if isinstance(self.depends_on, str) else tuple(self.depends_on)
        object.__setattr__(self, "depends_on", deps)
        for d in dots:
            if d in deps:
                raise ValueError(f"reservoir {self.name!r}: coupling cannot depend on its own dot {d!r}")
        single = isinstance(self.dot, str)
        if single:
            object.__setattr__(self, "coupling", self._one_coupling(self.coupling, f"gamma_{self.name}", dots[0]))
        else:
            given = self.coupling
            per_dot = isinstance(given, Mapping) and bool(given) and all(isinstance(k, str) for k in given)
            if per_dot:
                extra = [k for k in given if k not in dots]
                if extra:
                    raise ValueError(f"reservoir {self.name!r}: coupling names dot(s) {extra} not in dot={dots}")
                missing = [d for d in dots if d not in given]
                if missing:
                    raise ValueError(f"reservoir {self.name!r}: coupling misses dot(s) {missing} of dot={dots}")
                table = tuple((d, self._one_coupling(given[d], f"gamma_{self.name}_{d}", d)) for d in dots)
            else:
                table = tuple((d, self._one_coupling(given, f"gamma_{self.name}_{d}", d)) for d in dots)
            object.__setattr__(self, "coupling", table)

    def _one_coupling(self, value, default: str, dot: str):
        what = f"reservoir {self.name!r}: coupling of dot {dot!r}"
        deps = self.depends_on
        if not deps:
            if isinstance(value, Mapping):
                raise ValueError(f"{what}: a table of rates needs depends_on=(...) naming the dots it depends on")
            return as_symbol(value, default, what, nonnegative=True)
        keys = list(itertools.product((0, 1), repeat=len(deps)))
        if value is None:
            return tuple((k, sp.Symbol(f"{default}_{state_label(k)}", nonnegative=True)) for k in keys)
        if not isinstance(value, Mapping):
            raise ValueError(f"{what}: coupling must map each occupation of {deps} to a rate, got {value!r}")
        missing = [k for k in keys if k not in value]
        if missing:
            raise ValueError(f"{what}: coupling table misses occupation(s) {missing} of {deps}")
        extra = [k for k in value if k not in keys]
        if extra:
            raise ValueError(f"{what}: coupling table has invalid occupation key(s) {extra}")
        return tuple(
            (k, as_symbol(value[k], f"{default}_{state_label(k)}", f"{what} at {deps}={k}", nonnegative=True))
            for k in keys
        )

    # -- structure ----------------------------------------------------------------------------------------------
    @property
    def dots(self) -> tuple:
        r"""The dots (levels) this lead couples to.

        Examples
        --------
        >>> Reservoir("L", ("up", "dn")).dots
        ('up', 'dn')
        """
        return self._dots

    def _coupling_of(self, dot: str):
        if isinstance(self.dot, str):
            return self.coupling
        return dict(self.coupling)[dot]

    def rate_prefactor(self, occupations: Mapping, dot: str | None = None) -> sp.Expr:
        r"""The coupling ``gamma`` of level ``dot`` (default: the only one) for the other dots' occupations.

        Parameters
        ----------
        occupations : mapping of str to int
            Occupation of every dot (only the ``depends_on`` dots are read).
        dot : str, optional
            Which level of a multi-level lead (required then).

        Returns
        -------
        sympy expression
            The tunnel rate (paper 1 Eq. (4a,b) for an occupation-dependent coupling).

        Raises
        ------
        ValueError
            If the lead couples to several dots and ``dot`` is not given.

        Examples
        --------
        >>> L = Reservoir("L", "M", depends_on=("H",))
        >>> L.rate_prefactor({"M": 0, "H": 1})
        gamma_L_1
        """
        if dot is None:
            if len(self._dots) != 1:
                raise ValueError(f"reservoir {self.name!r} couples to {self._dots}: name the dot")
            dot = self._dots[0]
        c = self._coupling_of(dot)
        if not self.depends_on:
            return c
        return dict(c)[tuple(occupations[d] for d in self.depends_on)]

    def coupling_values(self) -> list:
        r"""Every coupling expression of this lead (for parameter classification).

        Returns
        -------
        list of sympy expression

        Examples
        --------
        >>> Reservoir("L", "M", depends_on=("H",)).coupling_values()
        [gamma_L_0, gamma_L_1]
        """
        out = []
        for d in self._dots:
            c = self._coupling_of(d)
            out.extend([v for _, v in c] if self.depends_on else [c])
        return out

    def coupling_symbols(self) -> set:
        r"""The free symbols of this lead's couplings.

        Returns
        -------
        set of sympy.Symbol

        Examples
        --------
        >>> Reservoir("L", "M").coupling_symbols()
        {gamma_L}
        """
        return set().union(*(v.free_symbols for v in self.coupling_values()))

    def default_names(self) -> dict:
        r"""Symbol names this lead generated itself (not given by the user) -> role, for collision checks.

        Returns
        -------
        dict of str to str

        Examples
        --------
        >>> sorted(Reservoir("L", "M", mu=0).default_names())
        ['T_L', 'gamma_L', 'mu_L']
        """
        out = {f"T_{self.name}": f"temperature of reservoir {self.name!r}",
               f"mu_{self.name}": f"mu of reservoir {self.name!r}"}
        for d in self._dots:
            base = f"gamma_{self.name}" if isinstance(self.dot, str) else f"gamma_{self.name}_{d}"
            if self.depends_on:
                for k in itertools.product((0, 1), repeat=len(self.depends_on)):
                    out[f"{base}_{state_label(k)}"] = f"coupling of reservoir {self.name!r} (dot {d!r}, {k})"
            else:
                out[base] = f"coupling of reservoir {self.name!r} (dot {d!r})"
        return out

    # -- the engine's questions -----------------------------------------------------------------------------------
    def transitions(self, system, states) -> list:
        r"""Tunnelling of one electron between this lead and one of its levels, for every allowed state.

        Transitions whose coupling is zero are not created.

        Parameters
        ----------
        system : System
            The model (energies, dot indices).
        states : list of tuple of int
            The allowed occupation states.

        Returns
        -------
        list of Transition
            With ``dN = +1`` (electron enters the dots from the lead) or ``-1`` and ``dE = E(target) - E(source)``.

        Examples
        --------
        >>> from symqd.system import System
        >>> L = Reservoir("L", "A")
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [L, Reservoir("R", "B")])
        >>> [(t.source, t.target, t.dN, t.dE) for t in L.transitions(s, s.states())]
        [((0, 0), (1, 0), 1, eps_A), ((0, 1), (1, 1), 1, U + eps_A), ((1, 0), (0, 0), -1, -eps_A), ((1, 1), (0, 1), -1, -U - eps_A)]
        """
        allowed = set(states)
        out = []
        for s in states:
            occ = system.occupations(s)
            for d in self._dots:
                i = system.dot_index(d)
                t = s[:i] + (1 - s[i],) + s[i + 1:]
                if t not in allowed:
                    continue
                gamma = self.rate_prefactor(occ, d)
                if gamma == 0:
                    continue
                dE = sp.expand(system.energy(t) - system.energy(s))
                out.append(Transition(s, t, self.name, t[i] - s[i], dE, gamma, _rate_symbol(self.name, s, t), "lead"))
        return out

    def rate(self, transition: Transition) -> sp.Expr:
        r"""``gamma f((dE - dN mu)/T)`` (paper 1 Eq. (4)).

        Parameters
        ----------
        transition : Transition
            One of this lead's transitions.

        Returns
        -------
        sympy expression
            The physical rate (units of ``gamma``; ``hbar = 1``).

        Examples
        --------
        >>> from symqd.system import System
        >>> L = Reservoir("L", "A")
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [L, Reservoir("R", "B")])
        >>> L.rate(L.transitions(s, s.states())[0])
        gamma_L*fermi((eps_A - mu_L)/T_L)
        """
        return transition.gamma * fermi(transition.fermi_argument(self.temperature, self.mu))

    def drive(self, transition: Transition) -> dict:
        r"""Linear-response drive of the transition: ``{"mu": dN, "T": dE}`` (``dF = dN X^mu + dE X^T``).

        Parameters
        ----------
        transition : Transition
            One of this lead's transitions.

        Returns
        -------
        dict
            ``{"mu": dN, "T": dE}``.

        Examples
        --------
        >>> from symqd.system import System
        >>> L = Reservoir("L", "A")
        >>> s = System.build(["A", "B"], {("A", "B"): "U"}, [L, Reservoir("R", "B")])
        >>> L.drive(L.transitions(s, s.states())[0])
        {'mu': 1, 'T': eps_A}
        """
        return {"mu": sp.Integer(transition.dN), "T": transition.dE}


#: the design's name for :class:`Reservoir`
FermionicLead = Reservoir


@dataclass(frozen=True)
class BosonicBath(_Coupling):
    """A bosonic bath (phonons, photons) that moves an electron between dots ``a`` and ``b``.

    The energy difference ``dE = E_final - E_initial`` of the electrons is taken from the bath. The rate is
    ``k = J(dE) n_B(dE/T)`` with ``n_B(x) = 1/(e^x - 1)`` and the spectral function ``J`` odd in ``dE``; detailed
    balance ``k(dE)/k(-dE) = e^{-dE/T}`` holds for any such ``J``. The default is ohmic, ``J(dE) = g dE``, i.e.
    ``k = g dE n_B(dE/T)`` with the finite limit ``g T`` at ``dE = 0``.

    Parameters
    ----------
    name : str
        Bath label, an identifier (currents ``IE_<name>``, ``J_<name>``; ``IN_<name> = 0``).
    between : tuple of two str
        The dots ``(a, b)`` between which it moves an electron (both directions).
    temperature : str, number or sympy expression, optional
        Default symbol ``T_<name>`` (positive).
    coupling : str, number or sympy expression, optional
        Coupling ``g`` (default symbol ``g_<name>``, nonnegative).
    spectral : callable, optional
        ``J(dE, g) -> sympy expression``, odd in ``dE`` and vanishing at least linearly at 0 (e.g. super-ohmic
        ``lambda E, g: g * E**3``). Default ``lambda E, g: g * E``.

    Examples
    --------
    >>> ph = BosonicBath("ph", between=("A", "B"))
    >>> ph.temperature, ph.coupling
    (T_ph, g_ph)
    """

    name: str
    between: tuple = ()
    temperature: sp.Expr = None
    coupling: object = None
    spectral: Callable | None = None

    counts_particles = False

    def __post_init__(self):
        _check_name("bath", self.name)
        pair = tuple(self.between) if not isinstance(self.between, str) else ()
        if len(pair) != 2 or not all(isinstance(d, str) and d.isidentifier() for d in pair):
            raise ValueError(f"bath {self.name!r}: between must be a pair of dot names (a, b), got {self.between!r}")
        if pair[0] == pair[1]:
            raise ValueError(f"bath {self.name!r}: between needs two different dots, got {pair}")
        object.__setattr__(self, "between", pair)
        what = f"bath {self.name!r}"
        object.__setattr__(
            self, "temperature", as_symbol(self.temperature, f"T_{self.name}", f"{what}: temperature", positive=True)
        )
        object.__setattr__(
            self, "coupling", as_symbol(self.coupling, f"g_{self.name}", f"{what}: coupling", nonnegative=True)
        )
        if self.spectral is not None and not callable(self.spectral):
            raise ValueError(f"{what}: spectral must be a callable J(dE, g), got {self.spectral!r}")
        x = sp.Dummy("dE", real=True)
        J = self._spectral(x)
        if sp.expand(J + self._spectral(-x)) != 0:
            raise ValueError(f"{what}: the spectral function J(dE) must be odd in dE (detailed balance), got {J}")
        ratio = sp.cancel(J / x)
        at0 = ratio.xreplace({x: 0})
        if not at0.is_finite:
            raise ValueError(f"{what}: J(dE)/dE must stay finite at dE = 0, got J = {J}")
        object.__setattr__(self, "_ratio", sp.Lambda(x, ratio))

    @property
    def mu(self) -> sp.Expr:
        r"""Bosons carry no particle number: ``mu = 0``.

        Examples
        --------
        >>> BosonicBath("ph", between=("A", "B")).mu
        0
        """
        return sp.S.Zero

    @property
    def dots(self) -> tuple:
        r"""The two dots ``(a, b)`` between which the bath moves an electron.

        Examples
        --------
        >>> BosonicBath("ph", between=("A", "B")).dots
        ('A', 'B')
        """
        return self.between

    def _spectral(self, E):
        if self.spectral is None:
            return self.coupling * E
        try:
            out = self.spectral(E, self.coupling)
        except TypeError:
            out = self.spectral(E)
        if not isinstance(out, sp.Expr):
            raise ValueError(f"bath {self.name!r}: spectral(dE, g) must return a sympy expression, got {out!r}")
        return out

    def spectral_density(self, E) -> sp.Expr:
        r"""``J(E)`` (``g E`` for the ohmic default).

        Parameters
        ----------
        E : number or sympy expression
            Energy exchanged with the bath.

        Returns
        -------
        sympy expression

        Examples
        --------
        >>> BosonicBath("ph", between=("A", "B"), spectral=lambda E, g: g * E**3).spectral_density("x")
        g_ph*x**3
        """
        return self._spectral(sp.sympify(E))

    def coupling_values(self) -> list:
        r"""The coupling expression of this bath, as a one-element list.

        Returns
        -------
        list of sympy expression

        Examples
        --------
        >>> BosonicBath("ph", between=("A", "B")).coupling_values()
        [g_ph]
        """
        return [self.coupling]

    def coupling_symbols(self) -> set:
        r"""The free symbols of this bath's coupling.

        Returns
        -------
        set of sympy.Symbol

        Examples
        --------
        >>> BosonicBath("ph", between=("A", "B"), coupling=0.5).coupling_symbols()
        set()
        """
        return set(self.coupling.free_symbols)

    def default_names(self) -> dict:
        r"""Symbol names this bath generated itself -> role, for collision checks.

        Returns
        -------
        dict of str to str

        Examples
        --------
        >>> sorted(BosonicBath("ph", between=("A", "B")).default_names())
        ['T_ph', 'g_ph']
        """
        return {f"T_{self.name}": f"temperature of bath {self.name!r}", f"g_{self.name}": f"coupling of bath {self.name!r}"}

    def transitions(self, system, states) -> list:
        r"""The electron hops ``a -> b`` and ``b -> a`` (other dots unchanged), for every allowed state.

        Parameters
        ----------
        system : System
            The model.
        states : list of tuple of int
            The allowed occupation states.

        Returns
        -------
        list of Transition
            With ``dN = 0`` and ``dE = E(target) - E(source)`` taken from the bath; zero-rate ones are left out.

        Examples
        --------
        >>> from symqd.system import System
        >>> ph = BosonicBath("ph", between=("A", "B"))
        >>> s = System.build(["A", "B"], {}, [Reservoir("L", "A"), ph])
        >>> [(t.source, t.target, t.dE) for t in ph.transitions(s, s.states())]
        [((0, 1), (1, 0), eps_A - eps_B), ((1, 0), (0, 1), -eps_A + eps_B)]
        """
        allowed = set(states)
        ia, ib = system.dot_index(self.between[0]), system.dot_index(self.between[1])
        out = []
        if self.coupling == 0:
            return out
        for s in states:
            if s[ia] == s[ib]:
                continue
            t = list(s)
            t[ia], t[ib] = s[ib], s[ia]
            t = tuple(t)
            if t not in allowed:
                continue
            dE = sp.expand(system.energy(t) - system.energy(s))
            tr = Transition(s, t, self.name, 0, dE, self.coupling, _rate_symbol(self.name, s, t), "bath")
            if self.rate(tr) == 0:  # e.g. a super-ohmic J(dE) between degenerate levels: no such process
                continue
            out.append(tr)
        return out

    def rate(self, transition: Transition) -> sp.Expr:
        r"""``J(dE) n_B(dE/T)``, written regularly as ``(J(dE)/dE) T xbose(dE/T)``.

        Parameters
        ----------
        transition : Transition
            One of this bath's transitions.

        Returns
        -------
        sympy expression
            The physical rate; detailed balance ``k(dE)/k(-dE) = exp(-dE/T)``.

        Examples
        --------
        >>> from symqd.system import System
        >>> ph = BosonicBath("ph", between=("A", "B"))
        >>> s = System.build(["A", "B"], {}, [Reservoir("L", "A"), ph])
        >>> ph.rate(ph.transitions(s, s.states())[0])
        T_ph*g_ph*xbose((eps_A - eps_B)/T_ph)
        """
        dE, T = transition.dE, self.temperature
        return self._ratio(dE) * T * xbose(dE / T)

    def drive(self, transition: Transition) -> dict:
        r"""Linear-response drive: ``{"T": dE}`` (a thermal terminal only).

        Parameters
        ----------
        transition : Transition
            One of this bath's transitions.

        Returns
        -------
        dict

        Examples
        --------
        >>> from symqd.system import System
        >>> ph = BosonicBath("ph", between=("A", "B"))
        >>> s = System.build(["A", "B"], {}, [Reservoir("L", "A"), ph])
        >>> ph.drive(ph.transitions(s, s.states())[0])
        {'T': eps_A - eps_B}
        """
        return {"T": transition.dE}
