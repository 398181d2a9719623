"""The ``symqd`` command where users install it: version, list, derive, output folder, safe paths, exit codes.

The last test installs the package non-editably into a temporary virtual environment and runs the installed
command from another directory (~15 s).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import symqd
import symqd.derive
from symqd.cli import main
from symqd.derive import Context, discover, find_checkout, output_dir, titles

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    tomllib = None

ROOT = Path(__file__).resolve().parent.parent

GOOD = '''
TITLE = "Good"
SECTION = "good"
def run(ctx):
    ctx.check("one equals one", True)
    ctx.write_tex("frag", "$x$")
'''


def snapshot(folder: Path) -> dict:
    """Relative path -> (size, mtime) of every file below ``folder``."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def fake_source(tmp_path, monkeypatch):
    """Stand-in derivation scripts (fast), and a working directory outside any checkout."""
    src = tmp_path / "scripts"
    src.mkdir()
    (src / "good.py").write_text(GOOD)
    monkeypatch.setattr(symqd.derive, "derivations_dir", lambda: src)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return src


# ------------------------------------------------------------------------------------------- version and list


def test_version_prints_the_single_source_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"symqd {symqd.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", symqd.__version__)


@pytest.mark.skipif(tomllib is None, reason="tomllib needs Python 3.11")
def test_pyproject_takes_the_version_from_the_package_and_lists_every_package_folder():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "symqd.__version__"}
    listed = set(project["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "symqd").rglob("*.py")}
    missing = on_disk - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml (else not installed)"
    assert project["tool"]["setuptools"]["package-dir"]["symqd.derivations"] == "derivations"


def test_list_prints_every_derivation_with_its_title(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out.splitlines()
    expected = titles()
    assert [line.split()[0] for line in out] == list(expected) == list(discover())
    for line, (name, title) in zip(out, expected.items()):
        assert line.startswith(name) and line.endswith(title) and title != name


# ------------------------------------------------------------------------------------------------ exit codes


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["derive", "--bogus"], ["list", "extra"]])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "usage: symqd" in capsys.readouterr().err


def test_unknown_derivation_name_exits_2_and_lists_the_available_ones(fake_source, capsys):
    assert main(["derive", "good", "../good"]) == 2
    err = capsys.readouterr().err
    assert "derivation name(s) ['../good'] unknown; available: good" in err
    assert list(Path.cwd().iterdir()) == []


def test_failed_check_exits_1(fake_source, capsys):
    (fake_source / "bad.py").write_text("def run(ctx):\n    ctx.check('two equals three', 2 == 3, residual=1)\n")
    assert main(["derive", "bad"]) == 1
    assert "failed checks in bad: ['two equals three']" in capsys.readouterr().out


def test_pdf_without_pdflatex_is_a_usage_error_before_anything_runs(fake_source, monkeypatch, capsys):
    monkeypatch.setattr(symqd.derive.shutil, "which", lambda exe: None)
    assert main(["derive", "--pdf"]) == 2
    assert "--pdf needs pdflatex" in capsys.readouterr().err
    assert list(Path.cwd().iterdir()) == []


# --------------------------------------------------------------------------------------------- output folder


def test_default_output_is_generated_of_the_checkout_from_any_subfolder():
    assert find_checkout(ROOT / "tests") == ROOT
    assert output_dir(cwd=ROOT / "symqd" / "models") == ROOT / "generated"


def test_default_output_outside_a_checkout_is_generated_of_the_working_directory(tmp_path):
    assert find_checkout(tmp_path) is None
    assert output_dir(cwd=tmp_path) == tmp_path.resolve() / "generated"
    other = tmp_path / "other"  # a project with a derivations/ folder that is not symqd
    (other / "derivations").mkdir(parents=True)
    (other / "pyproject.toml").write_text('[project]\nname = "notsymqd"\n')
    assert find_checkout(other / "derivations") is None
    fake = tmp_path / "clone"  # a second symqd checkout: its own generated/
    (fake / "derivations").mkdir(parents=True)
    (fake / "pyproject.toml").write_text('[project]\nname = "symqd"\n')
    (fake / "docs" / "deep").mkdir(parents=True)
    assert output_dir(cwd=fake / "docs" / "deep") == fake.resolve() / "generated"


def test_derive_from_another_folder_writes_there_and_not_into_the_checkout(fake_source):
    before = snapshot(ROOT / "generated")
    assert main(["derive"]) == 0
    work = Path.cwd()
    assert sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()) == [
        "generated/good/frag.tex", "generated/report.json", "generated/symqd.tex"]
    assert snapshot(ROOT / "generated") == before


def test_out_relative_to_the_working_directory(fake_source, capsys):
    assert main(["derive", "--out", "sub/dir"]) == 0
    assert json.loads((Path.cwd() / "sub" / "dir" / "report.json").read_text())["good"]["passed"]


@pytest.mark.parametrize("where", ["package", "site-packages"])
def test_output_inside_the_installed_package_or_site_packages_is_refused(where, fake_source, capsys):
    target = (Path(symqd.__file__).parent if where == "package" else Path(sysconfig.get_path("purelib"))) / "gen"
    assert main(["derive", "--out", str(target)]) == 2
    assert "--out: the output folder" in capsys.readouterr().err
    assert not target.exists()


def test_output_that_is_a_file_is_refused(fake_source, capsys):
    Path("afile").write_text("x")
    assert main(["derive", "--out", "afile"]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err


# ------------------------------------------------------------------------- nothing written outside the folder

BAD_NAMES = ["../x", "/etc/x", "a/../../b", "", ".hidden", "a\\b", "C:x", "a//b", "a/", "..", 3]


@pytest.mark.parametrize("bad", BAD_NAMES)
def test_section_fragment_and_figure_names_are_validated(bad, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="SECTION of derivation 'demo'"):
        Context("demo", out, bad)
    ctx = Context("demo", out, "sec")
    with pytest.raises(ValueError, match="fragment name of derivation 'demo'"):
        ctx.write_tex(bad, "x")
    with pytest.raises(ValueError, match="figure name of derivation 'demo'"):
        ctx.save_figure(None, bad, "caption")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_symlinks_cannot_lead_outside_the_output_folder(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "sec").symlink_to(outside, target_is_directory=True)
    ctx = Context("demo", out, "sec")
    with pytest.raises(ValueError, match="outside the output folder"):
        ctx.write_tex("frag", "x")
    (out / "figures").mkdir()
    victim = outside / "victim.png"
    victim.write_text("keep")
    (out / "figures" / "fig.png").symlink_to(victim)
    with pytest.raises(ValueError, match="outside the output folder"):
        Context("demo", out, "ok").save_figure(None, "fig", "caption")
    assert victim.read_text() == "keep" and sorted(p.name for p in outside.iterdir()) == ["victim.png"]


def test_safe_names_write_below_the_section_and_figures(tmp_path):
    class Fig:
        def savefig(self, path, **kwargs):
            Path(path).write_bytes(b"img")

    ctx = Context("demo", tmp_path, "paper1/extra")
    ctx.write_tex("eq13", "$x$")
    ctx.save_figure(Fig(), "fig-2.v1", "caption")
    assert ctx.fragments == ["paper1/extra/eq13.tex"] and ctx.figures[0]["png"] == "figures/fig-2.v1.png"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "figures/fig-2.v1.pdf", "figures/fig-2.v1.png", "paper1/extra/eq13.tex"]


def test_a_derivation_aiming_outside_fails_and_writes_nothing_there(fake_source, tmp_path, capsys):
    (fake_source / "evil.py").write_text('SECTION = "../../escaped"\ndef run(ctx):\n    ctx.write_tex("x", "y")\n')
    (fake_source / "sly.py").write_text('def run(ctx):\n    ctx.write_tex("../../../escaped", "y")\n')
    assert main(["derive", "evil", "sly", "--out", "out"]) == 1
    out = capsys.readouterr().out
    assert "evil raised ValueError: SECTION of derivation 'evil'" in out
    assert "sly raised ValueError: fragment name of derivation 'sly'" in out
    assert not any("escaped" in p.name for p in tmp_path.rglob("*"))


# ------------------------------------------------------------------------------ installed, non-editable


def _venv_exe(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def test_non_editable_install_runs_from_any_directory_and_writes_only_under_out(tmp_path):
    """``pip install .`` (a copy of the source, into a fresh venv), then the installed ``symqd`` from elsewhere."""
    src = tmp_path / "src"
    src.mkdir()
    for item in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / item, src / item)
    for d in ("symqd", "derivations"):
        shutil.copytree(ROOT / d, src / d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True)
    python = _venv_exe(venv, "python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH")}
    env["PYTHONNOUSERSITE"] = "1"
    offline = importlib.util.find_spec("wheel") is not None  # setuptools < 70.1 builds wheels with `wheel`
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check"]
    pip += ["--no-build-isolation", "--no-index"] if offline else []
    proc = subprocess.run(pip + [str(src)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip())
    where = subprocess.run([str(python), "-c", "import symqd; print(symqd.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).resolve() == (site / "symqd" / "__init__.py").resolve()
    assert sorted(p.name for p in (site / "symqd" / "derivations").glob("*.py")) == sorted(
        p.name for p in (ROOT / "derivations").glob("*.py"))
    site_before, checkout_before = snapshot(site), snapshot(ROOT / "generated")
    build_before = [(ROOT / n).exists() for n in ("build", "symqd.egg-info")]

    def symqd_cmd(*args):
        return subprocess.run([str(_venv_exe(venv, "symqd")), *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=600)

    version = symqd_cmd("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"symqd {symqd.__version__}")

    listing = symqd_cmd("list")
    assert listing.returncode == 0, listing.stderr
    assert [line.split()[0] for line in listing.stdout.splitlines()] == list(discover(ROOT / "derivations"))
    assert "engine_generic" in listing.stdout and titles(ROOT / "derivations")["engine_generic"] in listing.stdout

    run = symqd_cmd("derive", "engine_generic", "--out", str(out))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert list(report) == ["engine_generic"] and report["engine_generic"]["passed"]
    assert len(report["engine_generic"]["checks"]) >= 5
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(["report.json", "symqd.tex", *report["engine_generic"]["fragments"]])

    unknown = symqd_cmd("derive", "no_such")
    assert unknown.returncode == 2 and "available: " in unknown.stderr and "engine_generic" in unknown.stderr
    into_site = symqd_cmd("derive", "engine_generic", "--out", str(site / "symqd" / "generated"))
    assert into_site.returncode == 2 and "--out" in into_site.stderr

    assert list(work.iterdir()) == [], "the installed symqd wrote into its working directory despite --out"
    assert snapshot(site) == site_before, "the installed symqd wrote into site-packages"
    assert snapshot(ROOT / "generated") == checkout_before, "the installed symqd wrote into the source checkout"
    assert [(ROOT / n).exists() for n in ("build", "symqd.egg-info")] == build_before
