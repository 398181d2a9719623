"""symqd.latex: physics printing, line breaking, structured closed forms, document blocks, standalone documents."""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest
import sympy as sp

from symqd import MasterEquation, Reservoir, System
from symqd.currents import currents
from symqd.graph import steady_state
from symqd.latex import (Align, Document, Equation, Figure, Math, Prose, Section, Table, break_lines, closed_form,
                         display, escape, model_document, overfull_boxes, render, symbol_latex, tex, tex_width)
from symqd.models.phonon_double_dot import phonon_double_dot
from symqd.models.spinful_dot import spinful_dot
from symqd.models.thermocouple import build_system

x = sp.Symbol("x")


def test_physics_printing():
    assert tex(sp.polygamma(1, x)) == r"\psi'\left(x\right)"
    assert tex(sp.polygamma(0, x)) == r"\psi\left(x\right)"
    assert "psi^{(3)}" in tex(sp.polygamma(3, x))
    s = tex(sp.re(x) + sp.im(x))
    assert r"\operatorname{Re}" in s and r"\operatorname{Im}" in s and "re{" not in s
    assert "polygamma" not in tex(sp.polygamma(1, x) ** 2)


@pytest.mark.parametrize("name, expected", [
    ("gamma_L_10", r"\gamma_{L}(1,0)"), ("U_MH", "U_{MH}"), ("J_in", r"J_{\mathrm{in}}"), ("T_L", "T_{L}"),
    ("mu_R", r"\mu_{R}"), ("k_L_000_100", r"k^{L}_{000\to 100}"), ("T_ph", r"T_{\mathrm{ph}}"),
    ("IN_R", r"I^{N}_{R}"), ("gamma_L_d_up", r"\gamma_{L,d,\uparrow}"),
])
def test_symbol_names(name, expected):
    assert symbol_latex(name) == expected
    assert tex(sp.Symbol(name)) == expected


def test_strings_are_never_parsed():
    with pytest.raises(ValueError, match="never parsed"):
        tex("x + 1")
    with pytest.raises(ValueError, match="never parsed"):
        break_lines("x")
    with pytest.raises(ValueError, match="rhs"):
        Equation("a", object())


def test_break_lines_fit_and_reassemble():
    syms = sp.symbols("k_L_000_100 k_R_000_100 k_H_000_010 k_C_000_001 k_L_100_000 k_R_100_000")
    expr = sp.expand(sp.Add(*syms) ** 3)
    lines = break_lines(expr, width=40)
    assert len(lines) > 3
    assert all(tex_width(line) <= 40 for line in lines)
    # the pieces are the whole expression: the number of monomials is preserved
    assert sum(line.count(r"\to") for line in lines) == sum(tex(t).count(r"\to") for t in expr.args)


def test_break_long_fraction_and_product():
    a = sp.symbols("a0:30")
    lines = break_lines(sp.Add(*a) / sp.Symbol("D") * sp.Symbol("g"), width=30)
    assert len(lines) > 1 and r"\frac{1}{D}" in lines[0]
    lines = break_lines(sp.Mul(sp.Add(*a[:15]), sp.Add(*a[15:]), evaluate=False), width=30)
    assert any(r"\Bigl(" in line for line in lines) and all(tex_width(line) <= 30 for line in lines)
    with pytest.raises(ValueError, match="width"):
        break_lines(x, width=0)


def _single_dot():
    return MasterEquation(System.build(["D"], {}, [Reservoir("L", "D"), Reservoir("R", "D")]))


@pytest.mark.parametrize("make", [_single_dot, spinful_dot, phonon_double_dot])
def test_closed_form_expression_equals_engine(make):
    me = make()
    cf = closed_form(me)
    ss = steady_state(me)
    c = currents(me, ss.probabilities()).as_dict()
    rng = random.Random(5)
    point = {k: sp.Rational(rng.randint(1, 50), rng.randint(1, 50)) for k in me.rate_symbols}
    for s in me.system.reservoirs:
        point.update({sym: sp.Rational(rng.randint(-9, 9), 7) for sym in s.mu.free_symbols})
    for d in me.system.dots:
        point.update({sym: sp.Rational(rng.randint(-9, 9), 5) for sym in d.level.free_symbols})
    point.update({sym: sp.Rational(rng.randint(1, 9), 2) for sym in sp.Add(*c.values()).free_symbols
                  if sym.name.startswith("U_")})
    for name in cf.observables:
        assert cf.expression(name).xreplace(point) == c[name].xreplace(point), name
    # the printed form N_s/D: numerators and D rows, each observable row exists
    rows = cf.steady_rows()
    assert rows[-1] == (cf.D, sp.Add(*cf.N))
    assert len(cf.observable_rows()) == len(cf.observables)


def test_closed_form_elimination_matches_trees():
    me = MasterEquation(build_system(uhc_infinite=True, probe=False))
    cf_e = closed_form(me, ("IN_R",), method="elimination")
    cf_t = closed_form(me, ("IN_R",), method="trees")
    assert cf_e.program and not cf_t.program
    rng = random.Random(7)
    point = {k: sp.Rational(rng.randint(1, 50), rng.randint(1, 50)) for k in me.rate_symbols}
    assert cf_e.expression("IN_R").xreplace(point) == cf_t.expression("IN_R").xreplace(point)
    assert "w^{(" in cf_e.latex() and "S_{" in cf_e.latex()


def test_closed_form_bad_input():
    me = _single_dot()
    with pytest.raises(ValueError, match="observables"):
        closed_form(me, ("IN_X",))
    with pytest.raises(ValueError, match="method"):
        closed_form(me, method="magic")
    with pytest.raises(ValueError, match="me must be"):
        closed_form("model")
    with pytest.raises(ValueError, match="name"):
        closed_form(me).expression("nope")
    with pytest.raises(ValueError, match="form"):
        closed_form(me).expression("IN_R", form="other")


def test_custom_observable_and_jupyter():
    me = _single_dot()
    p1 = me.probability_symbols()[1]
    cf = closed_form(me, {"n": p1})
    assert cf.expression("n").equals(steady_state(me).probability((1,)))
    shown = cf._repr_latex_()
    assert shown.startswith("$$\\begin{aligned}") and shown.endswith("\\end{aligned}$$")
    assert isinstance(display(x ** 2, lhs="y"), Math)
    assert "y &= x^{2}" in display(x ** 2, lhs="y")._repr_latex_()


def test_blocks():
    body = render([Section("Rates", level=2), Prose("a_b & c", plain=True), Equation("E", x, tag="1"),
                   Align([("a", x), ("b", x ** 2)], columns=2), Table(["n", "v"], [["a", 1.5]]),
                   Figure("figures/f.pdf", "A $T_C$ scan")])
    assert r"\subsection{Rates}" in body and r"a\_b \& c" in body and r"\tag{1}" in body
    assert "a &= x & b &= x^{2}" in body and r"\begin{tabular}{lr}" in body and "figures/f.pdf" in body
    with pytest.raises(ValueError, match="row 0"):
        Table(["a", "b"], [[1]])
    with pytest.raises(ValueError, match="level"):
        Section("x", level=4)
    with pytest.raises(ValueError, match="columns"):
        Align([], columns=3)
    with pytest.raises(ValueError, match="width"):
        Figure("f.pdf", "c", width=2)
    with pytest.raises(ValueError, match="blocks"):
        render([1])
    with pytest.raises(ValueError, match=".tex"):
        Document([]).write("x.pdf")


def test_overfull_boxes_parser():
    log = "Overfull \\hbox (3.2pt too wide) in x\nOverfull \\hbox (534.1pt too wide) in y\n"
    assert overfull_boxes(log) == [3.2, 534.1]
    assert overfull_boxes(log, threshold=5) == [534.1]


MODELS = {
    "spinful": (spinful_dot, ("IN_R", "J_R", "IE_R"), "auto"),
    "phonon": (phonon_double_dot, ("IN_L", "IE_ph", "J_L"), "auto"),
    "thermocouple8": (lambda: MasterEquation(build_system(uhc_infinite=False, probe=False)), ("IN_R", "J_H"), "auto"),
    "thermocouple6_trees": (lambda: MasterEquation(build_system(uhc_infinite=True, probe=False)), ("IN_R", "J_H"),
                            "trees"),
}


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("key", sorted(MODELS))
def test_model_document_compiles_without_overfull_lines(key, tmp_path):
    make, obs, method = MODELS[key]
    path = model_document(make(), obs, tmp_path / f"{key}.tex", title=f"Model {escape(key)}", method=method)
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    log = path.with_suffix(".log").read_text(errors="replace")
    assert overfull_boxes(log, threshold=5.0) == [], overfull_boxes(log)


def test_32_state_closed_form_is_exported_through_named_intermediates_without_inlining(tmp_path):
    """32 states (> 10^12 spanning trees): the document lists the elimination steps by name; the fully inlined
    numerators (the tree expansion) are built only if ``expression`` is asked for."""
    from symqd.latex import model_document
    from symqd.models.interacting_dots import interacting_dots

    me = interacting_dots(5)
    cf = closed_form(me, ["IN_R"])
    assert cf._full is None and len(cf.program) > 1000
    path = model_document(me, ["IN_R"], tmp_path / "model.tex")
    text = path.read_text()
    assert "S_{" in text and "w^{(" in text and "I^{N}_{R}" in text
    assert cf._full is None
