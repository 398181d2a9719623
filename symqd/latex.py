"""LaTeX output with the papers' symbol names, and assembly of ``generated/symqd.tex``.

Symbols are named in code by a simple convention and rendered by rule, so no global registry is needed:

=====================  ==========================  ===============================
code name              LaTeX                       meaning
=====================  ==========================  ===============================
``eps_M``              ``\\varepsilon_{M}``        level of dot M
``U_MH``               ``U_{MH}``                  pair interaction (once per pair)
``gamma_L_10``         ``\\gamma_{L}(1,0)``        coupling of L when (h, c) = (1, 0)
``T_H``, ``mu_R``      ``T_{H}``, ``\\mu_{R}``      reservoir temperature / potential
``J_in``, ``P_gen``    ``J_{\\mathrm{in}}``, ...   paper 1 Eq. (14), (10)
``L12``, ``rho23``     ``L_{12}``, ``\\rho_{23}``    Onsager / Cholesky entries (sympy default)
``k_L_000_100``        ``k^{L}_{000\\to 100}``     transition rate (lead L, 000 -> 100)
``T_ph``, ``g_ph``     ``T_{\\mathrm{ph}}``, ...   bath temperature and coupling
``gamma_L_d_up``       ``\\gamma_{L,d,\\uparrow}``   several subscripts, spins as arrows
=====================  ==========================  ===============================

Anything else falls back to sympy's own printer. Printing also writes ``polygamma(1, x)`` as ``\\psi'(x)`` and
``re``/``im`` as ``\\operatorname{Re}``/``\\operatorname{Im}`` (:class:`SymqdLatexPrinter`).

What this module offers:

* **Expressions:** :func:`tex` (names and physics notation), :func:`break_lines` / :func:`align_rows` (long sums and
  products split over lines by an estimate of their printed width, :func:`tex_width`, so display lines fit the
  page), :func:`display` / :class:`Math` (Jupyter shows them as math).
* **A model's closed forms:** :func:`closed_form` returns a :class:`ClosedForm` -- named rates ``k`` with their
  physical form, the steady state ``p_s = N_s/D`` (tree sums or named elimination steps), every observable in
  ``N_s`` and ``D``; it renders in Jupyter and as LaTeX. :func:`model_document` writes a standalone ``.tex`` file.
* **Document blocks** for derivations: :class:`Section`, :class:`Prose`, :class:`Equation`, :class:`Align`,
  :class:`Table`, :class:`Figure`, joined by :func:`render` (for ``ctx.write_tex``) or :class:`Document`
  (standalone). Example::

      ctx.write_tex("rates", render([
          Section("Rates", level=2),
          Prose("With $f(x)=1/(1+e^x)$:"),
          Align([(k, law) for k, law in closed_form(me).rate_rows()], columns=2),
          Table(["case", "residual"], [["V = 0", 1e-31]]),
      ]))

* **The derived document:** :func:`assemble_document`, :func:`compile_pdf`, :func:`overfull_boxes`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import sympy as sp

from sympy.printing.latex import LatexPrinter

__all__ = [
    "symbol_latex", "tex", "SymqdLatexPrinter", "tex_width", "break_lines", "align_rows", "equation", "align",
    "Math", "display", "Block", "Prose", "Section", "Equation", "Align", "Table", "Figure", "Document", "render",
    "escape", "ClosedForm", "closed_form", "model_blocks", "model_document", "overfull_boxes",
    "caption_latex", "title_latex", "assemble_document", "compile_pdf",
]

_GREEK = {
    "eps": r"\varepsilon",
    "epsilon": r"\varepsilon",
    "gamma": r"\gamma",
    "Gamma": r"\Gamma",
    "mu": r"\mu",
    "Lambda": r"\Lambda",
    "Phi": r"\Phi",
    "rho": r"\rho",
    "eta": r"\eta",
    "delta": r"\delta",
    "Delta": r"\Delta",
    "theta": r"\theta",
    "lambda": r"\lambda",
    "kappa": r"\kappa",
    "Pi": r"\Pi",
    "sigma": r"\sigma",
    "beta": r"\beta",
    "tau": r"\tau",
    "phi": r"\phi",
    "chi": r"\chi",
}
_ROMAN_SUBSCRIPTS = {"in", "trans", "gen", "opt", "max", "tot", "Carnot", "eff", "ref", "rev", "ph"}
_SPIN = {"up": r"\uparrow", "dn": r"\downarrow"}
_SPECIAL = {
    "IN": r"I^{N}",
    "IE": r"I^{E}",
    "dS_dt": r"\dot S",
    "Sdot": r"\dot S",
    "JQ": r"J^{Q}",
}


def _head(head: str) -> str:
    if head in _SPECIAL:
        return _SPECIAL[head]
    return _GREEK.get(head, head)


def _sub(part: str) -> str:
    if part in _SPIN:
        return _SPIN[part]
    if part in _ROMAN_SUBSCRIPTS:
        return r"\mathrm{%s}" % part
    return _GREEK.get(part, part)


def symbol_latex(name: str) -> str | None:
    """LaTeX for a code-level symbol name, or ``None`` to let sympy decide.

    Parameters
    ----------
    name : str
        Symbol name as used in the code (``gamma_L_10``, ``k_L_000_100``, ``J_in``, ``mu_R``, ...).

    Returns
    -------
    str or None
        The LaTeX, or ``None`` if the name follows no known pattern.

    Examples
    --------
    >>> symbol_latex("gamma_L_10")
    '\\\\gamma_{L}(1,0)'
    >>> symbol_latex("J_in")
    'J_{\\\\mathrm{in}}'
    """
    if name in _SPECIAL:
        return _SPECIAL[name]
    if "_" not in name:
        if name in _GREEK:
            return _GREEK[name]
        return None
    parts = name.split("_")
    head, rest = parts[0], parts[1:]
    if not head:
        return None
    # transition rate k_L_000_100 -> k^{L}_{000\to 100}
    if head == "k" and len(rest) == 3:
        return r"k^{%s}_{%s\to %s}" % (rest[0], rest[1], rest[2])
    # occupation-dependent coupling gamma_L_10 -> \gamma_{L}(1,0)
    if len(rest) == 2 and re.fullmatch(r"[01]+", rest[1]):
        args = ",".join(rest[1])
        return r"%s_{%s}(%s)" % (_head(head), _sub(rest[0]), args)
    if len(rest) == 1:
        return r"%s_{%s}" % (_head(head), _sub(rest[0]))
    if len(rest) == 2:
        return r"%s_{%s}^{%s}" % (_head(head), _sub(rest[0]), _sub(rest[1]))
    if all(rest):
        return r"%s_{%s}" % (_head(head), ",".join(_sub(r) for r in rest))
    return None


# ---------------------------------------------------------------------------------------------- the printer


class SymqdLatexPrinter(LatexPrinter):
    """sympy's LaTeX printer with the papers' symbol names and physics notation.

    * symbols by :func:`symbol_latex` (``gamma_L_10`` -> ``\\gamma_{L}(1,0)``, ``k_L_000_100`` ->
      ``k^{L}_{000\\to 100}``), unless ``symbol_names`` names them;
    * ``polygamma(1, x)`` -> ``\\psi'(x)``, ``polygamma(0, x)`` -> ``\\psi(x)``, ``polygamma(n, x)`` ->
      ``\\psi^{(n)}(x)``;
    * ``re(x)``, ``im(x)`` -> ``\\operatorname{Re}(x)``, ``\\operatorname{Im}(x)``.

    Parameters
    ----------
    settings : dict, optional
        Settings of :class:`sympy.printing.latex.LatexPrinter`; ``symbol_names={Symbol: latex}`` overrides single
        names.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> SymqdLatexPrinter().doprint(sp.polygamma(1, x) + sp.re(x))
    "\\\\operatorname{Re}\\\\left(x\\\\right) + \\\\psi'\\\\left(x\\\\right)"
    """

    def _print_Symbol(self, expr, style="plain"):
        name = self._settings["symbol_names"].get(expr)
        if name is not None:
            return name
        t = symbol_latex(expr.name)
        if t is not None:
            return t
        return super()._print_Symbol(expr, style=style)

    def _print_polygamma(self, expr, exp=None):
        n, x = expr.args
        arg = self._print(x)
        if n == 0:
            head = r"\psi"
        elif n == 1:
            head = r"\psi'"
        elif n == 2:
            head = r"\psi''"
        else:
            head = r"\psi^{(%s)}" % self._print(n)
        s = r"%s\left(%s\right)" % (head, arg)
        return s if exp is None else r"\left[%s\right]^{%s}" % (s, exp)

    def _print_re(self, expr, exp=None):
        s = r"\operatorname{Re}\left(%s\right)" % self._print(expr.args[0])
        return s if exp is None else r"\left[%s\right]^{%s}" % (s, exp)

    def _print_im(self, expr, exp=None):
        s = r"\operatorname{Im}\left(%s\right)" % self._print(expr.args[0])
        return s if exp is None else r"\left[%s\right]^{%s}" % (s, exp)


def _as_expr(expr, what: str = "expr"):
    """A sympy object from a sympy object or a number; strings are refused (they are never parsed)."""
    if isinstance(expr, str):
        raise ValueError(f"{what}: expected a sympy expression or a number, got the string {expr!r} "
                         "(strings are never parsed; build the expression with sympy)")
    if isinstance(expr, (sp.Basic, sp.MatrixBase)):
        return expr
    try:
        return sp.sympify(expr, strict=True)
    except (sp.SympifyError, TypeError) as exc:
        raise ValueError(f"{what}: expected a sympy expression or a number, got {expr!r}") from exc


def tex(expr, **kwargs) -> str:
    """LaTeX of a sympy expression (or matrix) with the papers' symbol names and physics notation.

    Parameters
    ----------
    expr : sympy expression, matrix or number
        Never a string (strings are not parsed).
    **kwargs
        Settings of :func:`sympy.latex` (``symbol_names={Symbol: latex}`` overrides single names).

    Returns
    -------
    str
        Math-mode LaTeX (without ``$``).

    Raises
    ------
    ValueError
        If ``expr`` is a string or not a sympy expression or number.

    Examples
    --------
    >>> tex(sp.Symbol("gamma_L_10") * sp.Symbol("T_L"))
    'T_{L} \\\\gamma_{L}(1,0)'
    >>> tex(sp.polygamma(1, sp.Symbol("x")))
    "\\\\psi'\\\\left(x\\\\right)"
    >>> tex("x + 1")
    Traceback (most recent call last):
    ...
    ValueError: expr: expected a sympy expression or a number, got the string 'x + 1' (strings are never parsed; build the expression with sympy)
    """
    expr = _as_expr(expr)
    return SymqdLatexPrinter(kwargs).doprint(expr)


# ------------------------------------------------------------------------------------------ width and breaking

#: Default width budget of one display line, in :func:`tex_width` units (5.2-6.5 pt each at 10 pt font, measured
#: with TeX on model output). The standalone documents have a 16 cm text width (~455 pt): 70 units fit it.
LINE_WIDTH = 70.0

_ZERO_WIDTH = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big", "mathrm",
               "operatorname", "mathbf", "mathit", "text", "textrm", "displaystyle", "limits", "nolimits",
               "mathsf", "boldsymbol", "allowbreak", "nonumber", "notag"}
_CMD_WIDTH = {",": 0.35, ";": 0.55, ":": 0.45, "!": -0.3, "quad": 2.0, "qquad": 4.0, " ": 0.5, "to": 2.2,
              "cdot": 1.0, "times": 2.0, "leftrightarrow": 2.6, "rightarrow": 2.2, "ldots": 2.4, "dots": 2.4,
              "cdots": 2.4, "neq": 2.0, "le": 2.0, "ge": 2.0, "leq": 2.0, "geq": 2.0, "approx": 2.0,
              "equiv": 2.0, "psi": 1.3, "infty": 1.6, "sum": 2.2, "prod": 2.2, "uparrow": 1.0,
              "downarrow": 1.0, "pm": 2.0}
_OPS = {"+": 2.4, "-": 2.4, "=": 2.6, "<": 2.4, ">": 2.4}


def _group(s: str, i: int) -> tuple:
    """``(content, next_index)`` of the brace group (or single token) starting at ``s[i]``."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            if s[j] == "{":
                depth += 1
            elif s[j] == "}":
                depth -= 1
                if depth == 0:
                    return s[i + 1:j], j + 1
            j += 1
        return s[i + 1:], len(s)
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def tex_width(s: str) -> float:
    """Estimated printed width of a math-mode LaTeX string, in units of about 5 pt (10 pt font, display style).

    An estimate for line breaking, not a typesetter: letters count 1, binary operators and relations with their
    spacing 2.4, sub- and superscripts 0.7 of their content, ``\\frac{a}{b}`` the wider of ``a`` and ``b``,
    sizing commands (``\\left``, ``\\Bigl``, ``\\mathrm``) nothing.

    Parameters
    ----------
    s : str
        Math-mode LaTeX.

    Returns
    -------
    float
        Estimated width (about 5 pt units).

    Examples
    --------
    >>> tex_width("a + b")
    4.4
    >>> tex_width(r"\\frac{1}{\\gamma_{L}}") < tex_width(r"1 / \\gamma_{L}")
    True
    """
    w, i, n = 0.0, 0, len(s)
    while i < n:
        c = s[i]
        if c in " &{}\n":
            i += 1
            if c in "{}":
                pass
            continue
        if c in "_^":
            g, i = _group(s, i + 1)
            w += 0.7 * tex_width(g)
            continue
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            name = m.group(1)
            i += len(m.group(0))
            if name in ("frac", "dfrac", "tfrac"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                w += max(tex_width(a), tex_width(b)) * (0.75 if name == "tfrac" else 1.0) + 0.6
            elif name in ("sqrt",):
                a, i = _group(s, i)
                w += tex_width(a) + 1.2
            elif name in ("operatorname", "mathrm", "text", "textrm", "mathit", "mathsf", "mathbf"):
                a, i = _group(s, i)
                w += 0.9 * tex_width(a) if name != "text" else 0.85 * len(a)
            elif name == "\\":
                pass
            elif name in _ZERO_WIDTH:
                pass
            elif name in _CMD_WIDTH:
                w += _CMD_WIDTH[name]
            else:
                w += 1.1
            continue
        if c in _OPS:
            w += _OPS[c]
        elif c in "()[]|":
            w += 0.65
        elif c in ",.;":
            w += 0.5
        elif c.isdigit():
            w += 0.95
        else:
            w += 1.0
        i += 1
    return round(w, 6)


def _neg(expr) -> bool:
    return isinstance(expr, sp.Expr) and expr.could_extract_minus_sign()


def _pieces(expr, printer: "SymqdLatexPrinter", width: float) -> list:
    """LaTeX pieces of ``expr`` whose concatenation (joined by spaces) is the expression, with line breaks
    allowed between pieces. Long sums split at their terms, long products at their factors (sums in products get
    ``\\Bigl( ... \\Bigr)``, which need no pairing on one line), long fractions as ``\\frac{1}{den}[num]``."""
    full = printer.doprint(expr)
    if tex_width(full) <= width or not isinstance(expr, sp.Expr) or expr.is_Atom:
        return [full]
    if expr.is_Add:
        out = []
        for k, term in enumerate(printer._as_ordered_terms(expr)):
            sign = ""
            if _neg(term):
                sign, term = "- ", -term
            elif k:
                sign = "+ "
            sub = _pieces(term, printer, width)
            out.append(sign + sub[0])
            out.extend(sub[1:])
        return out
    if expr.is_Mul:
        num, den = sp.fraction(expr)
        if den != 1:
            head = ""
            if _neg(num):
                head, num = "-", -num
            dtex = printer.doprint(den)
            sub = list(_pieces(num, printer, width))
            if tex_width(dtex) <= width / 3:
                if num.is_Add:
                    sub[0] = head + r"\frac{1}{%s}\Bigl[" % dtex + sub[0]
                    sub[-1] = sub[-1] + r"\Bigr]"
                else:
                    sub[0] = head + r"\frac{1}{%s} " % dtex + sub[0]
                return sub
            dsub = list(_pieces(den, printer, width))
            sub[0] = head + r"\Bigl[" + sub[0]
            sub[-1] = sub[-1] + r"\Bigr]\Big/\Bigl["
            dsub[-1] = dsub[-1] + r"\Bigr]"
            return sub + dsub
        coeff, rest = expr.as_coeff_Mul()
        out = []
        if coeff == -1:
            out.append("-")
        elif coeff != 1:
            out.append(printer.doprint(coeff))
        for f in rest.as_ordered_factors():
            if f.is_Add:
                sub = list(_pieces(f, printer, width))
                if len(sub) == 1:
                    out.append(r"\left(%s\right)" % sub[0])
                else:
                    sub[0] = r"\Bigl(" + sub[0]
                    sub[-1] = sub[-1] + r"\Bigr)"
                    out.extend(sub)
            else:
                out.extend(_pieces(f, printer, width))
        if out and out[0] == "-" and len(out) > 1:
            out = ["-" + out[1], *out[2:]]
        return out
    if expr.is_Pow and expr.exp.is_positive and expr.base.is_Add:
        sub = _pieces(expr.base, printer, width)
        if len(sub) > 1:
            return [r"\Bigl(" + sub[0], *sub[1:-1], sub[-1] + r"\Bigr)^{%s}" % printer.doprint(expr.exp)]
    return [full]


def _pack(pieces: Sequence[str], width: float, first: float) -> list:
    """Greedy packing of pieces into lines: the first line has ``first`` units, the others ``width``."""
    lines, cur, budget = [], "", first
    for p in pieces:
        cand = (cur + " " + p) if cur else p
        if cur and tex_width(cand) > budget:
            lines.append(cur)
            cur, budget = p, width
        else:
            cur = cand
    lines.append(cur)
    return lines


def break_lines(expr, *, width: float = LINE_WIDTH, first: float | None = None, symbol_names=None) -> list:
    """An expression's LaTeX split into lines of at most ``width`` :func:`tex_width` units.

    Sums split between terms (each continuation line starts with its sign), products between factors, long
    fractions as ``\\frac{1}{D}\\Bigl[\\dots\\Bigr]``. A single atom wider than ``width`` stays whole.

    Parameters
    ----------
    expr : sympy expression or number
    width : float
        Width of every line (default :data:`LINE_WIDTH`).
    first : float, optional
        Width of the first line (default ``width``; less if a left-hand side precedes it).
    symbol_names : mapping, optional
        ``{Symbol: latex}`` overrides.

    Returns
    -------
    list of str
        The lines (LaTeX, without ``\\\\``).

    Examples
    --------
    >>> a = sp.symbols("a0:12")
    >>> break_lines(sp.Add(*a[:6]), width=10)
    ['a_{0} + a_{1} + a_{2}', '+ a_{3} + a_{4}', '+ a_{5}']
    """
    expr = _as_expr(expr)
    if width <= 0:
        raise ValueError(f"width must be positive, got {width!r}")
    printer = SymqdLatexPrinter({"symbol_names": dict(symbol_names or {})})
    pieces = _pieces(expr, printer, width)
    return _pack(pieces, width, width if first is None else first)


def _rhs_lines(rhs, width: float, first: float, symbol_names=None) -> list:
    if isinstance(rhs, str):
        return [rhs]
    return break_lines(rhs, width=width, first=first, symbol_names=symbol_names)


def _lhs_tex(lhs, symbol_names=None) -> str:
    if isinstance(lhs, str):
        return lhs
    return tex(lhs, symbol_names=dict(symbol_names or {}))


def align_rows(rows: Sequence[tuple], *, width: float = LINE_WIDTH, symbol_names=None) -> list:
    """The lines (without ``\\\\``) of an ``align`` body for ``(lhs, rhs)`` rows, long right-hand sides broken.

    ``lhs``/``rhs`` are LaTeX strings (used as they are) or sympy expressions (printed and broken). A row
    ``(lhs, rhs)`` whose ``lhs`` is ``""`` continues the previous one. Continuation lines start with ``&\\quad``.

    Parameters
    ----------
    rows : sequence of (lhs, rhs)
        LaTeX strings or sympy expressions.
    width : float, optional
        Line width budget (:func:`tex_width` units).
    symbol_names : mapping, optional
        ``{Symbol: latex}`` overrides.

    Returns
    -------
    list of str
        The ``align`` lines.

    Raises
    ------
    ValueError
        If a row of ``rows`` is not a pair.

    Examples
    --------
    >>> a = sp.symbols("a0:12")
    >>> align_rows([("S", sp.Add(*a[:6]))], width=14)
    ['S &= a_{0} + a_{1} + a_{2}', '&\\\\quad + a_{3} + a_{4}', '&\\\\quad + a_{5}']
    """
    for row in rows:
        if not isinstance(row, tuple) or len(row) != 2:
            raise ValueError(f"rows: each row must be a pair (lhs, rhs), got {row!r}")
    lhs_tex = [_lhs_tex(lhs, symbol_names) for lhs, _ in rows]
    # the left column is as wide as its widest entry; every right-hand line sits to the right of it
    budget = max(width - max((tex_width(t) for t in lhs_tex), default=0.0) - 2.6, width / 3)
    lines = []
    for lt, (_, rhs) in zip(lhs_tex, rows):
        parts = _rhs_lines(rhs, budget - 2.0, budget, symbol_names)
        lines.append("%s &= %s" % (lt, parts[0]) if lt else "&\\quad %s" % parts[0])
        lines.extend(r"&\quad %s" % p for p in parts[1:])
    return lines


def equation(lhs, rhs, *, label: str | None = None, tag: str | None = None, width: float = LINE_WIDTH) -> str:
    """A numbered ``equation`` environment ``lhs = rhs``; a long sympy ``rhs`` is broken over ``aligned`` lines.

    Parameters
    ----------
    lhs, rhs : str (LaTeX) or sympy expression
    label, tag : str, optional
        ``\\label`` and ``\\tag``.
    width : float
        Line width budget (:func:`tex_width` units).

    Returns
    -------
    str
        The ``equation`` environment (ends with a newline).

    Examples
    --------
    >>> print(equation("E", sp.Symbol("eps_M"), tag="1"), end="")
    \\begin{equation}
    E = \\varepsilon_{M}\\tag{1}
    \\end{equation}
    """
    extra = ""
    if tag:
        extra += r"\tag{%s}" % tag
    if label:
        extra += r"\label{%s}" % label
    lines = align_rows([(lhs, rhs)], width=width)
    if len(lines) == 1:
        return "\\begin{equation}\n%s%s\n\\end{equation}\n" % (lines[0].replace(" &= ", " = ", 1), extra)
    return ("\\begin{equation}\n\\begin{aligned}\n%s\n\\end{aligned}%s\n\\end{equation}\n"
            % (" \\\\\n".join(lines), extra))


def align(rows: Sequence[tuple], *, breakable: bool = True, width: float = LINE_WIDTH) -> str:
    """An ``align*`` block of ``(lhs, rhs)`` rows; long sympy right-hand sides are broken over several lines.

    Parameters
    ----------
    rows : sequence of (lhs, rhs)
        LaTeX strings or sympy expressions.
    breakable : bool, optional
        Precede the block with ``\\allowdisplaybreaks`` (default True).
    width : float, optional
        Line width budget (:func:`tex_width` units).

    Returns
    -------
    str
        The ``align*`` environment.

    Raises
    ------
    ValueError
        If a row of ``rows`` is not a pair.

    Examples
    --------
    >>> print(align([("x", sp.Integer(1))], breakable=False), end="")
    \\begin{align*}
    x &= 1
    \\end{align*}
    """
    body = " \\\\\n".join(align_rows(rows, width=width))
    pre = "\\allowdisplaybreaks\n" if breakable else ""
    return pre + "\\begin{align*}\n" + body + "\n\\end{align*}\n"


# ---------------------------------------------------------------------------------------------- Jupyter math


class Math:
    """Display math that Jupyter renders (``_repr_latex_``) and that prints as its LaTeX.

    Parameters
    ----------
    lines : sequence of str
        Lines of an ``aligned`` environment (``lhs &= rhs``), without ``\\\\``.

    Examples
    --------
    >>> m = display(sp.Symbol("gamma_L") * sp.Symbol("T_L"), lhs="k")
    >>> m._repr_latex_()
    '$$\\\\begin{aligned}\\nk &= T_{L} \\\\gamma_{L}\\n\\\\end{aligned}$$'
    """

    def __init__(self, lines: Sequence[str]):
        if isinstance(lines, str):
            lines = [lines]
        self.lines = list(lines)

    def latex(self) -> str:
        """The lines as an ``aligned`` environment (for use inside ``$$ ... $$`` or ``equation``).

        Returns
        -------
        str

        Examples
        --------
        >>> print(Math(["a &= b"]).latex())
        \\begin{aligned}
        a &= b
        \\end{aligned}
        """
        return "\\begin{aligned}\n" + " \\\\\n".join(self.lines) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"

    def __str__(self) -> str:
        return self.latex()

    def __repr__(self) -> str:
        return f"Math({len(self.lines)} lines)"


def display(expr, *, lhs=None, width: float = LINE_WIDTH) -> Math:
    """A sympy expression as :class:`Math` (line-broken; Jupyter shows it as math).

    Parameters
    ----------
    expr : sympy expression
    lhs : str (LaTeX) or sympy expression, optional
        Printed as ``lhs = expr``.
    width : float
        Line width budget.

    Examples
    --------
    >>> print(display(sp.Symbol("mu_R")))
    \\begin{aligned}
    &\\mu_{R}
    \\end{aligned}
    """
    if lhs is None:
        lines = break_lines(expr, width=width)
        return Math(["&" + lines[0]] + [r"&\quad %s" % x for x in lines[1:]])
    return Math(align_rows([(lhs, expr)], width=width))


# ---------------------------------------------------------------------------------------------- document blocks


class Block:
    """A piece of a LaTeX document: ``latex()`` (also ``str(block)``) gives its source.

    Derivations build a fragment as a list of blocks and write ``render(blocks)``; the blocks are
    :class:`Prose`, :class:`Equation`, :class:`Align`, :class:`Table`, :class:`Figure` and :class:`Section`.

    Examples
    --------
    >>> str(Section("Rates")) == Section("Rates").latex()
    True
    """

    def latex(self) -> str:  # pragma: no cover - abstract
        """The block's LaTeX source (implemented by the subclasses).

        Returns
        -------
        str

        Raises
        ------
        NotImplementedError
            On the base class.

        Examples
        --------
        >>> Block().latex()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError

    def __str__(self) -> str:
        return self.latex()

    def _repr_latex_(self) -> str:
        return self.latex()


class Prose(Block):
    """A paragraph of text. ``text`` is LaTeX (``$...$`` math allowed); ``plain=True`` escapes it instead.

    Parameters
    ----------
    text : str
        The paragraph.
    plain : bool, optional
        Escape LaTeX's special characters (:func:`escape`).

    Raises
    ------
    ValueError
        If ``text`` is not a string.

    Examples
    --------
    >>> Prose("J_in is absorbed", plain=True).latex()
    'J\\\\_in is absorbed\\n\\n'
    """

    def __init__(self, text: str, *, plain: bool = False):
        if not isinstance(text, str):
            raise ValueError(f"text must be a string, got {type(text).__name__}")
        self.text = escape(text) if plain else text

    def latex(self) -> str:
        """The paragraph followed by a blank line.

        Examples
        --------
        >>> Prose("Hi.").latex()
        'Hi.\\n\\n'
        """
        return self.text.rstrip("\n") + "\n\n"


class Section(Block):
    """A ``\\section`` (``level=1``), ``\\subsection`` (2) or ``\\subsubsection`` (3) heading.

    Parameters
    ----------
    title : str
        Heading (LaTeX).
    level : int, optional
        1, 2 or 3 (default 1).

    Raises
    ------
    ValueError
        If ``level`` is not 1, 2 or 3.

    Examples
    --------
    >>> Section("Rates", level=2).latex()
    '\\\\subsection{Rates}\\n'
    """

    def __init__(self, title: str, *, level: int = 1):
        if level not in (1, 2, 3):
            raise ValueError(f"level must be 1, 2 or 3, got {level!r}")
        self.title, self.level = title, level

    def latex(self) -> str:
        """The heading command.

        Examples
        --------
        >>> print(Section("Model").latex(), end="")
        \\section{Model}
        """
        return "\\%ssection{%s}\n" % ("sub" * (self.level - 1), self.title)


class Equation(Block):
    """A numbered equation ``lhs = rhs`` (:func:`equation`): long sympy right-hand sides are line-broken.

    Parameters
    ----------
    lhs, rhs : str (LaTeX) or sympy expression
    label, tag : str, optional
        ``\\label`` and ``\\tag``.
    width : float, optional
        Line width budget (:func:`tex_width` units).

    Raises
    ------
    ValueError
        If ``rhs`` is neither a string nor a sympy expression or number.

    Examples
    --------
    >>> print(Equation("E", sp.Symbol("eps_M") + sp.Symbol("U_MH")).latex(), end="")
    \\begin{equation}
    E = U_{MH} + \\varepsilon_{M}
    \\end{equation}
    """

    def __init__(self, lhs, rhs, *, label: str | None = None, tag: str | None = None,
                 width: float = LINE_WIDTH):
        self.lhs, self.rhs, self.label, self.tag, self.width = lhs, _rhs_checked(rhs), label, tag, width

    def latex(self) -> str:
        """The ``equation`` environment (:func:`equation`).

        Examples
        --------
        >>> "\\\\tag{2}" in Equation("x", sp.Integer(1), tag="2").latex()
        True
        """
        return equation(self.lhs, self.rhs, label=self.label, tag=self.tag, width=self.width)


def _rhs_checked(rhs):
    return rhs if isinstance(rhs, str) else _as_expr(rhs, "rhs")


class Align(Block):
    """An ``align*`` of ``(lhs, rhs)`` rows; long sympy right-hand sides are broken, and with ``columns=2``
    short rows are set two to a line.

    Parameters
    ----------
    rows : sequence of (lhs, rhs)
        LaTeX strings or sympy expressions.
    columns : int
        Rows per line when they fit (1 or 2).
    width : float
        Line width budget (:func:`tex_width` units).
    symbol_names : mapping, optional
        ``{Symbol: latex}`` overrides.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> print(Align([("a", x), ("b", y)], columns=2).latex(), end="")
    \\begin{align*}
    a &= x & b &= y
    \\end{align*}
    """

    def __init__(self, rows: Sequence[tuple], *, columns: int = 1, width: float = LINE_WIDTH,
                 symbol_names=None):
        if columns not in (1, 2):
            raise ValueError(f"columns must be 1 or 2, got {columns!r}")
        self.rows = [(lhs, _rhs_checked(rhs)) for lhs, rhs in rows]
        self.columns, self.width, self.symbol_names = columns, width, symbol_names

    def lines(self) -> list:
        """The ``align`` lines (without ``\\\\``).

        Returns
        -------
        list of str

        Examples
        --------
        >>> Align([("a", sp.Symbol("x"))]).lines()
        ['a &= x']
        """
        if self.columns == 1:
            return align_rows(self.rows, width=self.width, symbol_names=self.symbol_names)
        singles = [align_rows([r], width=self.width, symbol_names=self.symbol_names) for r in self.rows]
        if any(len(x) > 1 for x in singles):
            return align_rows(self.rows, width=self.width, symbol_names=self.symbol_names)
        # align columns are as wide as their widest entry: pair the rows only if the widest two fit side by side
        w = sorted((tex_width(x[0]) for x in singles), reverse=True)
        if len(w) < 2 or w[0] + w[1] + 4.0 > self.width:
            return align_rows(self.rows, width=self.width, symbol_names=self.symbol_names)
        out = [x[0] for x in singles]
        return [" & ".join(out[i:i + 2]) for i in range(0, len(out), 2)]

    def latex(self) -> str:
        """The ``align*`` environment of :meth:`lines`.

        Examples
        --------
        >>> print(Align([("a", sp.Symbol("x"))]).latex(), end="")
        \\begin{align*}
        a &= x
        \\end{align*}
        """
        return "\\begin{align*}\n" + " \\\\\n".join(self.lines()) + "\n\\end{align*}\n"

    def math(self) -> Math:
        """The rows as :class:`Math` (for Jupyter).

        Examples
        --------
        >>> Align([("a", sp.Symbol("x"))]).math().lines
        ['a &= x']
        """
        return Math(self.lines())


class Table(Block):
    """A centred ``tabular``. Cells: LaTeX strings, sympy expressions (set as ``$...$``) or numbers.

    Parameters
    ----------
    header : sequence of str
        Column headings (LaTeX).
    rows : sequence of sequences
    spec : str, optional
        Column specification (default ``l`` then ``r`` for the others).
    caption : str, optional
        Set below the table as a paragraph (the table is not a float).
    digits : int
        Significant digits of floats.

    Examples
    --------
    >>> print(Table(["case", "$r$"], [["a", 0.5], ["b", sp.Rational(1, 3)]]).latex(), end="")
    \\begin{center}
    \\begin{tabular}{lr}
    case & $r$\\\\
    \\hline
    a & $0.5$\\\\
    b & $\\frac{1}{3}$\\\\
    \\end{tabular}
    \\end{center}
    """

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence], *, spec: str | None = None,
                 caption: str | None = None, digits: int = 4):
        self.header = list(header)
        self.rows = [list(r) for r in rows]
        for k, r in enumerate(self.rows):
            if len(r) != len(self.header):
                raise ValueError(f"rows: row {k} has {len(r)} cells, the header {len(self.header)}")
        self.spec = spec or ("l" + "r" * (len(self.header) - 1))
        self.caption, self.digits = caption, digits

    def _cell(self, c) -> str:
        if isinstance(c, str):
            return c
        if isinstance(c, bool):
            return "yes" if c else "no"
        if isinstance(c, float):
            return "$%s$" % tex(sp.Float(c, self.digits)) if c == c else "NaN"
        return "$%s$" % tex(_as_expr(c, "cell"))

    def latex(self) -> str:
        """The centred ``tabular`` (and caption).

        Examples
        --------
        >>> Table(["a"], [[1]]).latex().splitlines()[1]
        '\\\\begin{tabular}{l}'
        """
        lines = ["\\begin{center}", "\\begin{tabular}{%s}" % self.spec, " & ".join(self.header) + "\\\\", "\\hline"]
        lines += [" & ".join(self._cell(c) for c in r) + "\\\\" for r in self.rows]
        lines.append("\\end{tabular}")
        if self.caption:
            lines.append("\\par\\smallskip {\\small %s}" % self.caption)
        lines.append("\\end{center}")
        return "\n".join(lines) + "\n"


class Figure(Block):
    """A figure float with an image (a relative path, PDF preferred for vector output) and a LaTeX caption.

    Parameters
    ----------
    path : str or pathlib.Path
        Image path relative to the document.
    caption : str
        Caption (LaTeX, or plain text, see :func:`caption_latex`).
    width : float, optional
        Fraction of ``\\textwidth`` in (0, 1] (default 0.8).
    label : str, optional
        ``\\label``.

    Raises
    ------
    ValueError
        If ``width`` is not in (0, 1].

    Examples
    --------
    >>> print(Figure("figures/fig2.pdf", "Power at $T_C=4$.").latex(), end="")
    \\begin{figure}[htbp]\\centering
    \\includegraphics[width=0.8\\textwidth]{figures/fig2.pdf}
    \\caption{Power at $T_C=4$.}
    \\end{figure}
    """

    def __init__(self, path, caption: str, *, width: float = 0.8, label: str | None = None):
        if not 0 < width <= 1:
            raise ValueError(f"width must be a fraction of the text width in (0, 1], got {width!r}")
        self.path, self.caption, self.width, self.label = Path(path).as_posix(), caption, width, label

    def latex(self) -> str:
        """The ``figure`` environment.

        Examples
        --------
        >>> "\\\\label{f}" in Figure("a.pdf", "A.", label="f").latex()
        True
        """
        lab = "\\label{%s}" % self.label if self.label else ""
        return ("\\begin{figure}[htbp]\\centering\n\\includegraphics[width=%s\\textwidth]{%s}\n\\caption{%s}%s\n"
                "\\end{figure}\n" % (_fmt_width(self.width), self.path, caption_latex(self.caption), lab))


def _fmt_width(w: float) -> str:
    return ("%.3f" % w).rstrip("0").rstrip(".")


def render(blocks: Iterable) -> str:
    """Concatenated LaTeX of blocks (strings are taken as LaTeX already).

    Parameters
    ----------
    blocks : iterable of Block or str

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If an item of ``blocks`` is neither a :class:`Block` nor a string.

    Examples
    --------
    >>> render([Section("A", level=2), Prose("text")])
    '\\\\subsection{A}\\ntext\\n\\n'
    """
    out = []
    for b in blocks:
        if isinstance(b, Block):
            out.append(b.latex())
        elif isinstance(b, str):
            out.append(b)
        else:
            raise ValueError(f"blocks: expected Block objects or LaTeX strings, got {type(b).__name__}")
    return "".join(out)


def escape(text: str) -> str:
    """Plain text with LaTeX's special characters escaped.

    Parameters
    ----------
    text : str
        Plain text.

    Returns
    -------
    str
        LaTeX that prints ``text`` literally.

    Examples
    --------
    >>> escape("J_in & 50% of #1")
    'J\\\\_in \\\\& 50\\\\% of \\\\#1'
    """
    out = []
    for ch in text:
        if ch in "&%#_{}$":
            out.append("\\" + ch)
        elif ch == "\\":
            out.append(r"\textbackslash{}")
        elif ch == "~":
            out.append(r"\textasciitilde{}")
        elif ch == "^":
            out.append(r"\textasciicircum{}")
        else:
            out.append(ch)
    return "".join(out)


STANDALONE_PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[a4paper,margin=2.5cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\allowdisplaybreaks
"""


class Document:
    """A standalone LaTeX document made of blocks.

    Parameters
    ----------
    blocks : sequence of Block or str
    title : str, optional
        LaTeX title (``\\maketitle``).
    author : str, optional

    Examples
    --------
    >>> doc = Document([Prose("Hello $x$.")], title="Demo")
    >>> doc.latex().splitlines()[-3:]
    ['Hello $x$.', '', '\\\\end{document}']
    """

    def __init__(self, blocks: Sequence = (), *, title: str | None = None, author: str | None = None):
        self.blocks = list(blocks)
        self.title, self.author = title, author

    def latex(self) -> str:
        """The full document source (preamble, optional title, blocks, ``\\end{document}``).

        Examples
        --------
        >>> Document([]).latex().splitlines()[0]
        '\\\\documentclass[10pt]{article}'
        """
        head = STANDALONE_PREAMBLE
        if self.title:
            head += "\\title{%s}\n\\author{%s}\n\\date{}\n" % (self.title, self.author or "")
        head += "\\begin{document}\n"
        if self.title:
            head += "\\maketitle\n"
        return head + render(self.blocks) + "\\end{document}\n"

    def write(self, path) -> Path:
        """Write the ``.tex`` file (parent folders created) and return its path.

        Parameters
        ----------
        path : str or pathlib.Path
            Output file, ending in ``.tex``.

        Returns
        -------
        pathlib.Path

        Raises
        ------
        ValueError
            If ``path`` does not end in ``.tex``.

        Examples
        --------
        >>> import tempfile, os
        >>> Document([Prose("x")]).write(os.path.join(tempfile.mkdtemp(), "a", "doc.tex")).name
        'doc.tex'
        """
        path = Path(path)
        if path.suffix != ".tex":
            raise ValueError(f"path must end in .tex, got {str(path)!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.latex())
        return path


# ---------------------------------------------------------------------------------------------- model closed forms


def _state_tex(state) -> str:
    return "".join(map(str, state))


def _observable_tex(name: str) -> str:
    t = symbol_latex(name)
    return t if t is not None else escape(name)


class ClosedForm:
    """The closed forms of a master-equation model, structured the way one writes them by hand.

    * named rates ``k`` with their physical form (``gamma f((E - mu)/T)``, ``J(dE) n_B(dE/T)``), each once;
    * the steady state ``p_s = N_s / D`` with named numerators ``N_s`` (spanning-tree sums, or the state
      elimination steps as named intermediates ``S``, ``w^{(k)}``) and normalization ``D = sum_s N_s``;
    * every observable in terms of those: ``I = (1/D) sum_s c_s N_s``.

    Built by :func:`closed_form`; ``latex()`` gives the document fragment, ``math()`` and ``_repr_latex_`` the
    display for Jupyter, :meth:`expression` the sympy closed form itself.

    Attributes
    ----------
    me : MasterEquation
    steady : symqd.graph.SteadyState
    observables : dict
        Name -> expression in the rate symbols ``k`` and probability symbols ``p_<state>``.
    program : list
        ``(symbol, expression)`` elimination steps (empty for the tree form).

    Parameters
    ----------
    me, steady, observables, program
        The attributes above.
    names : dict
        ``{Symbol: latex}`` overrides used when printing.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> closed_form(me, ["IN_R"])
    ClosedForm(2 states, 4 transitions, trees, observables=['IN_R'])
    """

    def __init__(self, me, steady, observables: dict, program: list, names: dict):
        self.me, self.steady, self.observables, self.program = me, steady, observables, program
        self.symbol_names = names
        self.N = tuple(sp.Symbol("N_%s" % _state_tex(s), positive=True) for s in me.states)
        self.D = sp.Symbol("D", positive=True)
        self._full = steady

    # -- sympy -----------------------------------------------------------------------------------------------
    def expression(self, name: str, *, form: str = "rates"):
        """The closed form of observable ``name`` (``p_s`` replaced by ``N_s/D`` and the numerators inserted).

        ``form="rates"``: in the rate symbols ``k``; ``form="physical"``: the couplings' rate laws substituted.

        Parameters
        ----------
        name : str
            Observable name (currents positive from the reservoir into the dots).
        form : {"rates", "physical"}, optional

        Returns
        -------
        sympy.Expr

        Raises
        ------
        ValueError
            If ``name`` is not an observable or ``form`` is unknown.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> e = closed_form(me, ["IN_R"]).expression("IN_R", form="physical")
        >>> e.has(sp.Symbol("gamma_R", positive=True)) or "gamma_R" in str(e)
        True
        """
        if name not in self.observables:
            raise ValueError(f"name: no observable {name!r}; they are {sorted(self.observables)}")
        if form not in ("rates", "physical"):
            raise ValueError(f"form must be 'rates' or 'physical', got {form!r}")
        if self._full is None:
            from symqd.graph import SteadyState

            full_program, Nsyms = self._inline_later
            self._full = SteadyState(tuple(self.me.states), tuple(_inline(x, full_program) for x in Nsyms),
                                     "elimination")
        p = self._full.probabilities()
        psym = dict(zip(self.me.probability_symbols(), (p[s] for s in self.me.states)))
        out = self.observables[name].xreplace(psym)
        return out.xreplace(self.me.physical_rates()) if form == "physical" else out

    def numerator_form(self, name: str):
        """``(coefficients, D)`` with ``observable = sum_s coefficients[N_s] N_s / D`` (linear observables).

        Parameters
        ----------
        name : str
            Observable name.

        Returns
        -------
        tuple or None
            ``({N_s: coefficient}, D)`` (zero coefficients dropped), or ``None`` if the observable is not linear
            in the probabilities.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> closed_form(me, ["IN_R"]).numerator_form("IN_R")
        ({N_0: k_R_0_1, N_1: -k_R_1_0}, D)
        """
        expr = self.observables[name]
        psyms = self.me.probability_symbols()
        e = sp.expand(expr)
        coeffs = {N: e.coeff(p) for N, p in zip(self.N, psyms)}
        rest = sp.expand(e - sum(c * p for c, p in zip(coeffs.values(), psyms)))
        if rest != 0 or any(c.has(*psyms) for c in coeffs.values()):
            return None
        return {N: c for N, c in coeffs.items() if c != 0}, self.D

    # -- rows ------------------------------------------------------------------------------------------------
    def rate_rows(self) -> list:
        """``(k, physical rate law)`` for every transition (leads: ``gamma f`` or ``gamma [1 - f]``).

        Returns
        -------
        list of tuple

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> closed_form(me, ["IN_R"]).rate_rows()[0]
        (k_L_0_1, gamma_L*fermi((eps_D - mu_L)/T_L))
        """
        from symqd.baths import BosonicBath
        from symqd.fermi import bose, fermi, xbose

        rows = []
        for t in self.me.transitions:
            part = self.me.part(t.reservoir)
            if isinstance(part, BosonicBath):
                law = part.rate(t).replace(xbose, lambda x: x * bose(x))
            elif t.dN > 0:
                law = t.gamma * fermi((sp.expand(t.dE) - part.mu) / part.temperature)
            else:
                x = (sp.expand(-t.dE) - part.mu) / part.temperature
                law = sp.Mul(t.gamma, sp.Add(1, -fermi(x), evaluate=False), evaluate=False)
            rows.append((t.symbol, law))
        return rows

    def steady_rows(self) -> list:
        """Rows of the steady state: elimination steps (if any), ``N_s = ...``, ``D = sum N_s``.

        Returns
        -------
        list of tuple

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> closed_form(me, ["IN_R"]).steady_rows()[0]
        (N_0, k_L_1_0 + k_R_1_0)
        """
        rows = [(lhs, rhs) for lhs, rhs in self.program]
        for N, num in zip(self.N, self.steady.numerators):
            rows.append((N, num))
        rows.append((self.D, sp.Add(*self.N)))
        return rows

    def observable_rows(self) -> list:
        """``(name, expression in N_s and D)`` for every observable.

        Returns
        -------
        list of tuple
            ``(LaTeX name, expression)``.

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> closed_form(me, ["IN_R"]).observable_rows()
        [('I^{N}_{R}', (N_0*k_R_0_1 - N_1*k_R_1_0)/D)]
        """
        rows = []
        for name, expr in self.observables.items():
            nf = self.numerator_form(name)
            if nf is None:
                psym = dict(zip(self.me.probability_symbols(), (N / self.D for N in self.N)))
                rows.append((_observable_tex(name), expr.xreplace(psym)))
                continue
            coeffs, D = nf
            ks = [k for k in self.me.rate_symbols]
            numer = sp.Add(*[sp.collect(sp.expand(c), [k for k in ks if c.has(k)]) * N for N, c in coeffs.items()])
            rows.append((_observable_tex(name), sp.Mul(numer, sp.Pow(D, -1), evaluate=False)
                         if numer != 0 else sp.S.Zero))
        return rows

    # -- LaTeX -----------------------------------------------------------------------------------------------
    def _rows_tex(self, rows, *, width=LINE_WIDTH):
        return align_rows([(lhs if isinstance(lhs, str) else tex(lhs, symbol_names=self.symbol_names), rhs)
                           for lhs, rhs in rows], width=width, symbol_names=self.symbol_names)

    def blocks(self, *, sections: bool = True, level: int = 2) -> list:
        """Document blocks: rates, steady state, observables (each with a short explanation).

        Parameters
        ----------
        sections : bool, optional
            Start each part with a :class:`Section` heading (default True).
        level : int, optional
            Heading level (default 2).

        Returns
        -------
        list of Block

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> [type(b).__name__ for b in closed_form(me, ["IN_R"]).blocks()][:3]
        ['Section', 'Prose', 'Align']
        """
        sysm = self.me.system
        out = []
        lead_names = ", ".join("$%s$" % _sub_tex(r.name) for r in sysm.leads)
        bath_names = ", ".join("$%s$" % _sub_tex(r.name) for r in sysm.baths)
        if sections:
            out.append(Section("Transition rates", level=level))
        text = ("States $s=(%s)$ (occupations), energies $E_s$. Each transition $s\\to s'$ has a rate "
                "$k^{\\alpha}_{s\\to s'}$ through coupling $\\alpha$. " % ",".join(
                    "n_{%s}" % _dot_tex(d) for d in sysm.dot_names))
        if lead_names:
            text += ("Leads (%s): $k=\\gamma_\\alpha f\\big((E_{s'}-E_s-\\mu_\\alpha)/T_\\alpha\\big)$ when an "
                     "electron enters, $\\gamma_\\alpha\\big[1-f\\big((E_s-E_{s'}-\\mu_\\alpha)/T_\\alpha\\big)\\big]$ "
                     "when it leaves, $f(x)=1/(1+e^{x})$. " % lead_names)
        if bath_names:
            text += ("Bosonic baths (%s): $k=J(\\Delta E)\\,n_B(\\Delta E/T_\\alpha)$ with $\\Delta E=E_{s'}-E_s$ "
                     "taken from the bath, $n_B(x)=1/(e^{x}-1)$ (ohmic $J(\\Delta E)=g\\,\\Delta E$). " % bath_names)
        out.append(Prose(text))
        out.append(Align([(tex(k), law) for k, law in self.rate_rows()], columns=2))
        if sections:
            out.append(Section("Steady state", level=level))
        if self.program:
            text = ("The steady state is $p_s=N_s/D$. The states are eliminated one by one (from the last): "
                    "$S$ is the exit rate of the eliminated state, $w^{(k)}_{i\\to j}$ the rate $i\\to j$ after "
                    "eliminating state $k$ (every step a sum of positive terms):")
        else:
            text = ("The steady state is $p_s=N_s/D$ with the matrix-tree numerators (sums over the spanning trees "
                    "of the transition graph, directed into $s$; every term positive) and $D=\\sum_s N_s$:")
        out.append(Prose(text))
        out.append(Align(self._named(self.steady_rows()), symbol_names=self.symbol_names))
        if self.observables:
            if sections:
                out.append(Section("Observables", level=level))
            out.append(Prose("Currents are positive from the coupling into the dots; $I^{N}$ particle, $I^{E}$ "
                             "energy, $J=I^{E}-\\mu I^{N}$ heat current:"))
            out.append(Align(self.observable_rows(), symbol_names=self.symbol_names))
        return out

    def _named(self, rows):
        return [(lhs if isinstance(lhs, str) else tex(lhs, symbol_names=self.symbol_names), rhs) for lhs, rhs in rows]

    def latex(self, *, sections: bool = True, level: int = 2) -> str:
        """The fragment (rates, steady state, observables) as LaTeX.

        Parameters
        ----------
        sections, level
            As in :meth:`blocks`.

        Returns
        -------
        str

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> closed_form(me, ["IN_R"]).latex().splitlines()[0]
        '\\\\subsection{Transition rates}'
        """
        return render(self.blocks(sections=sections, level=level))

    def math(self) -> Math:
        """All rows (rates, steady state, observables) as one :class:`Math` display.

        Returns
        -------
        Math

        Examples
        --------
        >>> from symqd import System, Reservoir, MasterEquation
        >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
        >>> len(closed_form(me, ["IN_R"]).math().lines)
        8
        """
        lines = []
        lines += self._rows_tex(self.rate_rows())
        lines += self._rows_tex(self.steady_rows())
        lines += self._rows_tex(self.observable_rows())
        return Math(lines)

    def _repr_latex_(self) -> str:
        return self.math()._repr_latex_()

    def __repr__(self) -> str:
        return (f"ClosedForm({self.me.n} states, {len(self.me.transitions)} transitions, "
                f"{self.steady.method}, observables={list(self.observables)})")


def _sub_tex(name: str) -> str:
    return r"\mathrm{%s}" % name if name in _ROMAN_SUBSCRIPTS else name.replace("_", r"\_")


def _dot_tex(name: str) -> str:
    t = symbol_latex(name)
    return t if t is not None else name.replace("_", r"\_")


def _observables(me, observables) -> dict:
    from symqd.currents import currents

    known = currents(me).as_dict()
    if observables is None:
        return {k: v for k, v in known.items() if k.startswith(("IN_", "J_")) and v != 0}
    if isinstance(observables, str):
        observables = (observables,)
    out = {}
    if isinstance(observables, Mapping):
        items = observables.items()
    else:
        items = [(n, None) for n in observables]
    for name, expr in items:
        if not isinstance(name, str):
            raise ValueError(f"observables: names must be strings, got {name!r}")
        if expr is None:
            if name not in known:
                raise ValueError(f"observables: unknown observable {name!r}; known: {sorted(known)} "
                                 "(or pass a mapping name -> sympy expression in k and p symbols)")
            out[name] = known[name]
        else:
            out[name] = _as_expr(expr, f"observables[{name!r}]")
    return out


def closed_form(me, observables=None, *, method: str = "auto", max_trees: int = 100) -> ClosedForm:
    """Structured closed forms of a model: named rates, ``p_s = N_s/D``, observables in ``N_s`` and ``D``.

    Parameters
    ----------
    me : MasterEquation
    observables : sequence of str or mapping, optional
        Names of default observables (``"IN_R"``, ``"IE_ph"``, ``"J_L"``, ``"P"``, ``"dS_dt"``) or a mapping
        ``{name: sympy expression in the k and p_<state> symbols}``. Default: every nonzero ``IN`` and ``J``.
    method : {"auto", "trees", "elimination"}
        Spanning-tree numerators (``auto`` below ``max_trees`` trees) or named state-elimination steps.
    max_trees : int

    Returns
    -------
    ClosedForm
        ``.latex()`` for documents, shown as math in Jupyter, ``.expression(name)`` for sympy.

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> cf = closed_form(me, ["IN_R"])
    >>> cf.steady_rows()[-1]
    (D, N_0 + N_1)
    >>> cf.observable_rows()[0][0]
    'I^{N}_{R}'
    """
    from symqd.graph import count_spanning_trees, elimination_program, steady_state
    from symqd.master import MasterEquation

    if not isinstance(me, MasterEquation):
        raise ValueError(f"me must be a MasterEquation, got {type(me).__name__}")
    if method not in ("auto", "trees", "elimination"):
        raise ValueError(f"method must be 'auto', 'trees' or 'elimination', got {method!r}")
    obs = _observables(me, observables)
    edges = sorted(me.edges)
    if method == "auto":
        method = "trees" if count_spanning_trees(me.n, edges) <= max_trees else "elimination"
    names: dict = {}
    program: list = []
    if method == "trees":
        ss = steady_state(me, method="trees")
    else:
        from symqd.graph import SteadyState

        prog, pis = elimination_program(me.n, edges, me.edge_weight)
        lab = [_state_tex(s) for s in me.states]
        rename = {}
        for sym, _ in prog:
            parts = sym.name.lstrip("_")
            if parts.startswith("S"):
                new = sp.Symbol("S_%s" % lab[int(parts[1:])], positive=True)
                names[new] = "S_{%s}" % lab[int(parts[1:])]
            elif parts.startswith("q"):
                k, i, j = (int(x) for x in parts[1:].split("_"))
                new = sp.Symbol("w%d_%d_%d" % (k, i, j), positive=True)
                names[new] = r"w^{(%s)}_{%s\to %s}" % (lab[k], lab[i], lab[j])
            elif parts.startswith("pi"):
                k = int(parts[2:])
                new = sp.Symbol("N_%s" % lab[k], positive=True)
            else:  # pragma: no cover - normalize=False never produces others
                new = sym
            rename[sym] = new
        full_program = [(rename[s], e.xreplace(rename)) for s, e in prog]
        program = [(s, e) for s, e in full_program if not s.name.startswith("N_")]
        defs = dict(full_program)
        Nsyms = [sp.sympify(x).xreplace(rename) for x in pis]
        nums = [defs.get(x, x) for x in Nsyms]
        ss = SteadyState(tuple(me.states), tuple(nums), "elimination")
        cf = ClosedForm(me, ss, obs, program, names)
        # the fully inlined numerators (for ClosedForm.expression) only when asked: for 32 states inlining the
        # program is the tree expansion the named intermediates avoid
        cf._full = None
        cf._inline_later = (full_program, Nsyms)
        return cf
    return ClosedForm(me, ss, obs, program, names)


def _inline(expr, program):
    env = {}
    for sym, e in program:
        env[sym] = e.xreplace(env)
    return expr.xreplace(env)


def model_blocks(me, observables=None, *, method: str = "auto", level: int = 1) -> list:
    """Blocks describing a model (states and energies, couplings) followed by its :func:`closed_form`.

    Parameters
    ----------
    me : MasterEquation
    observables : sequence of str or mapping, optional
        As in :func:`closed_form`.
    method : {"auto", "trees", "elimination"}, optional
        As in :func:`closed_form`.
    level : int, optional
        Level of the ``Model`` heading (default 1).

    Returns
    -------
    list of Block

    Examples
    --------
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> model_blocks(me, ["IN_R"])[0].latex()
    '\\\\section{Model}\\n'
    """
    sysm = me.system
    cf = closed_form(me, observables, method=method)
    out = [Section("Model", level=level)]
    dots = ", ".join("$%s$" % _dot_tex(d) for d in sysm.dot_names)
    text = "Dots (levels) %s; %d states, %d transitions." % (dots, me.n, len(me.transitions))
    out.append(Prose(text + " State energies $E_s$ (occupations $s$ in the order of the dots):"))
    out.append(Align([("E_{%s}" % _state_tex(s), sysm.energy(s)) for s in me.states], columns=2))
    out += cf.blocks(sections=True, level=min(level + 1, 3))
    return out


def model_document(me, observables=None, path="model.tex", *, title: str | None = None, method: str = "auto",
                   compile: bool = False) -> Path:
    """Write a standalone, compilable ``.tex`` document of a model's closed forms.

    Parameters
    ----------
    me : MasterEquation
    observables : sequence of str or mapping, optional
        As in :func:`closed_form` (e.g. ``("IN_R", "J_R")``).
    path : str or pathlib.Path
        Output file (``.tex``).
    title : str, optional
        LaTeX title (default: ``Closed forms of a <n>-state model``).
    method : {"auto", "trees", "elimination"}
    compile : bool
        Also run ``pdflatex`` (:func:`compile_pdf`).

    Returns
    -------
    pathlib.Path
        The ``.tex`` file.

    Examples
    --------
    >>> import tempfile, os
    >>> from symqd import System, Reservoir, MasterEquation
    >>> me = MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))
    >>> p = model_document(me, ("IN_R",), os.path.join(tempfile.mkdtemp(), "dot.tex"), title="One dot")
    >>> "\\\\begin{document}" in p.read_text()
    True
    """
    doc = Document(model_blocks(me, observables, method=method),
                   title=title or "Closed forms of a %d-state model" % me.n, author="symqd")
    out = doc.write(path)
    if compile:
        compile_pdf(out)
    return out


def overfull_boxes(log_text: str, *, threshold: float = 0.0) -> list:
    """Widths (pt) of the ``Overfull \\hbox`` messages in a LaTeX log that exceed ``threshold``.

    Parameters
    ----------
    log_text : str
        Contents of a LaTeX ``.log`` file.
    threshold : float, optional
        Smallest width (pt) reported (exclusive; default 0).

    Returns
    -------
    list of float

    Examples
    --------
    >>> overfull_boxes("Overfull \\\\hbox (12.5pt too wide) in paragraph", threshold=5)
    [12.5]
    """
    vals = [float(m) for m in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log_text)]
    return [v for v in vals if v > threshold]


_PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\allowdisplaybreaks
\makeatletter % headings ragged right: a long title cannot overrun the margin (article.cls otherwise unchanged)
\renewcommand\section{\@startsection{section}{1}{\z@}{-3.5ex \@plus -1ex \@minus -.2ex}{2.3ex \@plus.2ex}%
  {\normalfont\Large\bfseries\raggedright}}
\renewcommand\subsection{\@startsection{subsection}{2}{\z@}{-3.25ex\@plus -1ex \@minus -.2ex}{1.5ex \@plus .2ex}%
  {\normalfont\large\bfseries\raggedright}}
\makeatother
\title{symqd: derived results}
\author{generated by \texttt{symqd derive}}
\date{}
\begin{document}
\maketitle
\tableofcontents
"""


def caption_latex(caption: str) -> str:
    """A figure caption as LaTeX: captions containing ``$`` are taken as LaTeX already; plain-text captions get
    their special characters escaped (``J_in`` prints literally instead of breaking the document).

    Parameters
    ----------
    caption : str

    Returns
    -------
    str

    Examples
    --------
    >>> print(caption_latex("J_in vs T"))
    J\\_in vs T
    >>> print(caption_latex("Power at $T_C=4$"))
    Power at $T_C=4$
    """
    if "$" in caption or "\\" in caption:
        return caption
    for ch in "\\&%#_{}":
        caption = caption.replace(ch, "\\" + ch)
    return caption.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def title_latex(title: str) -> str:
    """A section title as LaTeX: ``_``, ``&``, ``%``, ``#`` outside ``$...$`` math are escaped (unless already
    escaped), so a title such as ``audit_models`` or ``I^N_R & J_H`` cannot break the document.

    Parameters
    ----------
    title : str

    Returns
    -------
    str

    Examples
    --------
    >>> print(title_latex("audit_models: $I^N_R$ & more"))
    audit\\_models: $I^N_R$ \\& more
    >>> print(title_latex(r"already \\_ escaped"))
    already \\_ escaped
    """
    parts = title.split("$")
    for k in range(0, len(parts), 2):  # even parts are outside math
        parts[k] = re.sub(r"(?<!\\)([_&%#])", r"\\\1", parts[k])
    return "$".join(parts)


def _figure_source(generated: Path, fig: Mapping) -> str:
    """Graphics path of a figure entry without its extension: ``pdflatex`` then takes the vector PDF when it
    exists and falls back to the PNG (``graphicx`` tries ``.pdf`` before ``.png``)."""
    rel = fig.get("pdf") or fig.get("png") or fig.get("path")
    if not rel:
        raise ValueError(f"figure entry without a path: {dict(fig)!r}")
    rel = Path(rel)
    return rel.with_suffix("").as_posix() if rel.suffix.lower() in (".pdf", ".png") else rel.as_posix()


def assemble_document(generated: Path, parts: Iterable[Mapping]) -> Path:
    """Write ``generated/symqd.tex`` that ``\\input``s every fragment and includes every figure.

    ``parts`` is a sequence of ``{"title": str, "fragments": [relpath, ...], "figures": [{"png": relpath,
    "pdf": relpath, "caption": str}, ...]}`` in document order (paths relative to ``generated``). Figures are
    included by their name without extension, so the vector PDF is used where it exists (the PNG otherwise);
    titles are set through :func:`title_latex` (underscores cannot break the document).

    Parameters
    ----------
    generated : pathlib.Path
        The output folder.
    parts : iterable of mapping
        As above.

    Returns
    -------
    pathlib.Path
        ``generated/symqd.tex``.

    Raises
    ------
    ValueError
        If a figure entry has no path.

    Examples
    --------
    >>> import tempfile
    >>> t = assemble_document(Path(tempfile.mkdtemp()), [{"title": "demo_one", "fragments": ["demo/eq.tex"]}])
    >>> "\\\\section{demo\\\\_one}" in t.read_text(), "\\\\input{demo/eq}" in t.read_text()
    (True, True)
    """
    generated = Path(generated)
    lines = [_PREAMBLE]
    for part in parts:
        lines.append("\\section{%s}\n" % title_latex(part["title"]))
        for frag in part.get("fragments", []):
            lines.append("\\input{%s}\n" % Path(frag).with_suffix("").as_posix())
        for fig in part.get("figures", []):
            lines.append(Figure(_figure_source(generated, fig), fig.get("caption", ""), width=0.8).latex())
        lines.append("\\clearpage\n")
    lines.append("\\end{document}\n")
    path = generated / "symqd.tex"
    path.write_text("".join(lines))
    return path


def compile_pdf(texfile: Path, *, runs: int = 2, timeout: float = 300) -> subprocess.CompletedProcess:
    """Compile with ``pdflatex -halt-on-error`` in the file's directory; raises ``RuntimeError`` on any error.

    Parameters
    ----------
    texfile : pathlib.Path
        The ``.tex`` file.
    runs : int, optional
        Number of ``pdflatex`` passes (default 2, for references and the table of contents).
    timeout : float, optional
        Seconds allowed per pass (default 300).

    Returns
    -------
    subprocess.CompletedProcess
        The last pass.

    Raises
    ------
    RuntimeError
        If ``pdflatex`` is not on the PATH or reports an error.

    Examples
    --------
    >>> import tempfile
    >>> try:
    ...     compile_pdf(Path(tempfile.mkdtemp()) / "missing.tex", runs=1, timeout=30)
    ... except RuntimeError:
    ...     print("RuntimeError")
    RuntimeError
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        raise RuntimeError("pdflatex not found (install texlive-latex-base texlive-latex-recommended)")
    texfile = Path(texfile)
    proc = None
    for _ in range(runs):
        proc = subprocess.run(
            [exe, "-interaction=nonstopmode", "-halt-on-error", texfile.name],
            cwd=texfile.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            tail = "\n".join(proc.stdout.splitlines()[-40:])
            raise RuntimeError(f"pdflatex failed on {texfile}:\n{tail}")
    return proc
