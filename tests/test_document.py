"""The assembled document ``symqd.tex`` compiles and has no overfull line wider than 5 pt.

Running every derivation takes minutes, so the test assembles the document from the committed ``generated/``
fragments (``generated/report.json``, ``generated/*/*.tex``, ``generated/figures/*``) exactly as ``symqd derive``
does (:func:`symqd.latex.assemble_document`), compiles it with ``pdflatex -interaction=nonstopmode -halt-on-error``
(twice, for the table of contents) and reads the log. A failure names every overfull box with its width and the
fragment it comes from. Regenerate ``generated/`` (``symqd derive``) after changing a derivation.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from symqd.latex import assemble_document, compile_pdf, overfull_boxes

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"
MAX_OVERFULL_PT = 5.0

pytestmark = [
    pytest.mark.latex,
    pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed"),
    pytest.mark.skipif(not (GENERATED / "report.json").exists(), reason="no generated/report.json (run symqd derive)"),
]


def overfull_by_file(log_text: str, *, threshold: float = MAX_OVERFULL_PT) -> list:
    """``(width_pt, file, message line)`` of every overfull ``\\hbox`` wider than ``threshold``; ``file`` is the
    innermost ``.tex`` file being read there (TeX logs ``(file`` when it opens a file and ``)`` when it closes it)
    other than the main document, else ``symqd.tex``."""
    out = []
    stack: list = []
    for m in re.finditer(r"Overfull \\hbox \(([0-9.]+)pt too wide\)[^\n]*|\(([^\s()]*)|\)", log_text):
        if m.group(1) is not None:
            if float(m.group(1)) > threshold:
                frags = [f for f in stack if f.endswith(".tex") and not f.endswith("symqd.tex")]
                out.append((float(m.group(1)), frags[-1].removeprefix("./") if frags else "symqd.tex", m.group(0)))
        elif m.group(0) == ")":
            if stack:
                stack.pop()
        else:
            stack.append(m.group(2))
    return out


def _assemble(tmp_path: Path) -> Path:
    report = json.loads((GENERATED / "report.json").read_text())
    dst = tmp_path / "generated"
    dst.mkdir()
    for entry in report.values():
        for rel in entry.get("fragments", []):
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(GENERATED / rel, dst / rel)
        for fig in entry.get("figures", []):
            for key in ("png", "pdf"):
                rel = fig.get(key) or str(Path(fig["png"]).with_suffix("." + key))
                if (GENERATED / rel).exists():
                    (dst / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(GENERATED / rel, dst / rel)
    return assemble_document(dst, list(report.values()))


def test_overfull_parser_names_the_fragment():
    log = ("(./symqd.tex (./paper2/onsager.tex\nOverfull \\hbox (12.5pt too wide) detected at line 3\n) "
           "Overfull \\hbox (7.0pt too wide) in paragraph at lines 9--9\n(./figures/a.pdf)"
           "Overfull \\hbox (1.0pt too wide) in paragraph at lines 9--9\n)")
    found = overfull_by_file(log)
    assert [(w, f) for w, f, _ in found] == [(12.5, "paper2/onsager.tex"), (7.0, "symqd.tex")]
    assert overfull_boxes(log, threshold=MAX_OVERFULL_PT) == [12.5, 7.0]


def test_assembled_document_uses_vector_figures_and_safe_titles(tmp_path):
    tex = _assemble(tmp_path).read_text()
    assert "\\includegraphics" in tex
    assert not re.search(r"\\includegraphics\[[^]]*\]\{[^}]*\.png\}", tex), "figures must come as vector PDFs"
    for title in re.findall(r"\\section\{(.*)\}", tex):
        assert not re.search(r"(?<!\\)_", re.sub(r"\$[^$]*\$", "", title)), title


def test_document_compiles_without_overfull_boxes(tmp_path):
    tex = _assemble(tmp_path)
    compile_pdf(tex, runs=2)
    assert tex.with_suffix(".pdf").stat().st_size > 10_000
    log = tex.with_suffix(".log").read_text(errors="replace")
    bad = overfull_by_file(log)
    assert not bad, "overfull boxes wider than %g pt:\n%s" % (
        MAX_OVERFULL_PT, "\n".join("  %7.1f pt  %-32s %s" % b for b in sorted(bad, reverse=True)))
