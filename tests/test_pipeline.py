"""The derive pipeline, the CLI and the LaTeX output."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import symqd.derive
from symqd.cli import main
from symqd.derive import discover, run_derivations
from symqd.latex import assemble_document, compile_pdf, symbol_latex, tex

ROOT = Path(__file__).resolve().parent.parent

GOOD = '''
TITLE = "A good derivation"
SECTION = "good"
def run(ctx):
    ctx.check("one equals one", 1 == 1, value=1.0)
    ctx.record("answer", 42)
    ctx.write_tex("frag", "\\\\subsection{Good}\\n$x^2$\\n")
'''
BAD = '''
TITLE = "A bad derivation"
SECTION = "bad"
def run(ctx):
    ctx.check("two equals three", 2 == 3, residual=1.0)
'''
BROKEN = '''
TITLE = "Broken"
def run(ctx):
    raise RuntimeError("no convergence")
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder outside any checkout, with its own derivation scripts standing in for the shipped ones."""
    (tmp_path / "derivations").mkdir()
    (tmp_path / "derivations" / "a_good.py").write_text(GOOD)
    monkeypatch.setattr(symqd.derive, "derivations_dir", lambda: tmp_path / "derivations")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_derive_writes_fragments_report_and_document(project, capsys):
    assert main(["derive"]) == 0
    report = json.loads((project / "generated" / "report.json").read_text())
    assert report["a_good"]["passed"] and report["a_good"]["values"] == {"answer": 42}
    assert (project / "generated" / "good" / "frag.tex").exists()
    assert "\\input{good/frag}" in (project / "generated" / "symqd.tex").read_text()
    assert "[1/1] a_good" in capsys.readouterr().out


def test_failed_check_names_derivation_and_check_and_exits_nonzero(project, capsys):
    (project / "derivations" / "b_bad.py").write_text(BAD)
    (project / "derivations" / "c_broken.py").write_text(BROKEN)
    assert main(["derive"]) == 1
    out = capsys.readouterr().out
    assert "failed checks in b_bad: ['two equals three']" in out
    assert "c_broken raised RuntimeError: no convergence" in out
    report = json.loads((project / "generated" / "report.json").read_text())
    assert report["a_good"]["passed"] and not report["b_bad"]["passed"] and not report["c_broken"]["passed"]


def test_running_one_derivation_keeps_the_others_in_the_report(project):
    (project / "derivations" / "b_bad.py").write_text(BAD)
    run_derivations()
    assert run_derivations(["a_good"]) == 0
    report = json.loads((project / "generated" / "report.json").read_text())
    assert set(report) == {"a_good", "b_bad"}


def test_unknown_derivation_name_is_an_error(project, capsys):
    assert main(["derive", "nope"]) == 2
    err = capsys.readouterr().err
    assert "['nope'] unknown; available: a_good" in err
    assert not (project / "generated").exists()


def test_python_dash_m_symqd_lists_the_shipped_derivations_from_any_directory(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-m", "symqd", "list"], capture_output=True, text=True, check=True,
                         cwd=tmp_path, env=env)
    assert [line.split()[0] for line in out.stdout.splitlines()] == list(discover())
    assert list(tmp_path.iterdir()) == []


def test_symbol_names_print_as_in_the_papers():
    assert symbol_latex("gamma_L_10") == r"\gamma_{L}(1,0)"
    assert symbol_latex("U_MH") == "U_{MH}"
    assert symbol_latex("J_in") == r"J_{\mathrm{in}}"
    assert symbol_latex("eps_M") == r"\varepsilon_{M}"
    assert tex(sp.Symbol("k_L_000_100")) == r"k^{L}_{000\to 100}"


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")


@needs_pdflatex
def test_generated_document_compiles_without_latex_errors(tmp_path):
    """The committed generated/symqd.tex (as `symqd derive` wrote it) compiles with pdflatex -halt-on-error."""
    src = ROOT / "generated"
    assert (src / "symqd.tex").exists(), "run `symqd derive` first"
    dst = tmp_path / "generated"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.aux", "*.log", "*.pdf", "*.toc"))
    # figures are referenced as PNG; copy them back (the ignore above dropped nothing they need)
    compile_pdf(dst / "symqd.tex", runs=1)
    assert (dst / "symqd.pdf").stat().st_size > 10_000


@needs_pdflatex
def test_latex_errors_are_reported(tmp_path):
    doc = assemble_document(tmp_path, [{"title": "Broken", "fragments": ["bad"], "figures": []}])
    (tmp_path / "bad.tex").write_text("$\\frac{1}{$\n")
    with pytest.raises(RuntimeError, match="pdflatex failed"):
        compile_pdf(doc, runs=1)


def test_parallel_run_writes_exactly_what_a_serial_run_writes(project):
    """Derivations in worker processes (spawned: they see the scripts folder resolved by the parent) give the same
    report.json and symqd.tex byte for byte as one process."""
    (project / "derivations" / "b_bad.py").write_text(BAD)
    (project / "derivations" / "c_broken.py").write_text(BROKEN)
    outs = {}
    for jobs in (1, 2):
        out = project / f"out{jobs}"
        assert run_derivations(out=out, jobs=jobs) == 2
        outs[jobs] = {p: (out / p).read_bytes() for p in ("report.json", "symqd.tex", "good/frag.tex")}
    assert outs[1] == outs[2]
    with pytest.raises(ValueError, match="jobs must be a positive integer"):
        run_derivations(out=project / "x", jobs=0)
    assert main(["derive", "--jobs", "0"]) == 2


def test_a_derivation_that_kills_its_worker_process_is_reported_as_failed(project):
    (project / "derivations" / "z_crash.py").write_text(
        'TITLE = "Crash"\nimport os\ndef run(ctx):\n    os._exit(3)\n')
    assert run_derivations(out=project / "out", jobs=2) >= 1
    report = json.loads((project / "out" / "report.json").read_text())
    assert not report["z_crash"]["passed"] and "worker process failed" in report["z_crash"]["error"]
    assert report["z_crash"]["title"] == "Crash"
