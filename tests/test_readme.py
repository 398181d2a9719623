"""Every ```python block of README.md runs as written, in order, in an empty folder; the LaTeX document the guide
writes compiles without overfull lines (when ``pdflatex`` is installed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symqd.latex import overfull_boxes

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def python_blocks(text: str) -> list:
    """The contents of the ```python fenced blocks, in order."""
    return re.findall(r"^```python\n(.*?)^```\s*$", text, flags=re.S | re.M)


def test_readme_has_python_blocks():
    blocks = python_blocks(README.read_text())
    assert len(blocks) >= 2
    assert any("model_document" in b for b in blocks), "the 'Your own model' guide block is missing"


def test_readme_python_blocks_run_in_empty_folder(tmp_path):
    blocks = python_blocks(README.read_text())
    script = tmp_path / "readme_blocks.py"
    script.write_text("\n\n".join(blocks))
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=900)
    assert proc.returncode == 0, f"README python blocks failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    tex = tmp_path / "model.tex"
    assert tex.exists(), "the guide writes model.tex"
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed: document compile not checked")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    log = (tmp_path / "model.log").read_text(errors="replace")
    assert overfull_boxes(log, threshold=5.0) == [], "overfull boxes wider than 5 pt in the guide's document"
