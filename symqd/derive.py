"""The derive pipeline: run the derivation scripts and write their output folder.

A derivation script is a small narrative module with

* ``TITLE`` — section title in ``symqd.tex``;
* ``COST`` (optional) — its rough run time in seconds: parallel runs start the long ones first;
* ``SECTION`` — sub-folder of the output folder for its LaTeX fragments (``"engine"``, ``"paper1"``, ...);
* ``run(ctx)`` — does the work through the :class:`Context` it is given (``ctx.check``, ``ctx.record``,
  ``ctx.write_tex``, ``ctx.save_figure``).

Where the scripts come from
    The scripts live in the repository's top-level ``derivations/`` folder and ship inside the package as
    ``symqd/derivations/`` (``pyproject.toml`` maps the folder to the package ``symqd.derivations``), so an installed
    ``symqd`` runs exactly the derivations of its own version. :func:`derivations_dir` finds them: the installed
    copy next to the package, else the ``derivations/`` folder of the source checkout the package is imported from
    (editable installs, ``python -m symqd`` in a checkout).

Where the output goes
    Only under one output folder (:func:`output_dir`): ``--out DIR`` if given; else ``generated/`` of the symqd
    checkout containing the current directory (:func:`find_checkout`); else ``./generated``. Never inside the
    installed package or ``site-packages``. Section, fragment and figure names are validated, and every path is
    checked after resolving symlinks, so nothing is written outside the output folder.

Scripts run in file-name order. ``report.json`` keeps, per derivation, every check (name, pass/fail, numbers) and
recorded value; it contains no timestamps so that re-running reproduces it exactly.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import os
import re
import shutil
import sys
import sysconfig
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symqd.latex import assemble_document

__all__ = [
    "Context",
    "CheckFailed",
    "derivations_dir",
    "discover",
    "titles",
    "find_checkout",
    "output_dir",
    "safe_relpath",
    "run_derivation",
    "run_derivations",
    "default_jobs",
]

_PACKAGE_DIR = Path(__file__).resolve().parent
_NAME_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*\Z")


class CheckFailed(AssertionError):
    """Raised by :meth:`Context.check` with ``fatal=True``.

    Parameters
    ----------
    name : str
        Name of the failed check (the exception message).

    Examples
    --------
    >>> import tempfile
    >>> ctx = Context("demo", Path(tempfile.mkdtemp()), "demo")
    >>> ctx.check("impossible", False, fatal=True)
    Traceback (most recent call last):
    ...
    symqd.derive.CheckFailed: impossible
    """


def _jsonable(v: Any) -> Any:
    try:
        import numpy as np

        if isinstance(v, np.generic):
            v = v.item()
        elif isinstance(v, np.ndarray):
            return [_jsonable(x) for x in v.tolist()]
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return str(v)
        return float(f"{v:.12g}")
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    try:
        f = float(v)
        return _jsonable(f)
    except (TypeError, ValueError):
        return str(v)


# ----------------------------------------------------------------------------------------------- safe output paths


def safe_relpath(value: Any, what: str) -> str:
    """Validate a relative output path made of plain names; return it unchanged.

    Parameters
    ----------
    value : str
        ``"/"``-separated parts, each of letters, digits, ``_ . + -`` and not starting with ``.`` (so no ``..``,
        no hidden files, no absolute paths, no backslashes or drive letters).
    what : str
        What the value is (``"SECTION of derivation 'x'"``), used in the error message.

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    ValueError
        Naming ``what`` and the rule, if ``value`` is not such a path.

    Examples
    --------
    >>> safe_relpath("paper1", "section")
    'paper1'
    >>> safe_relpath("../etc", "section")
    Traceback (most recent call last):
    ...
    ValueError: section '../etc' is not a safe relative path: each '/'-separated part must consist of letters, digits, '_', '.', '+', '-' and not start with '.' (no '..', no absolute paths)
    """
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    if not all(_NAME_PART.match(part) for part in value.split("/")):
        raise ValueError(
            f"{what} {value!r} is not a safe relative path: each '/'-separated part must consist of letters, "
            "digits, '_', '.', '+', '-' and not start with '.' (no '..', no absolute paths)"
        )
    return value


def _inside(root: Path, path: Path, what: str) -> Path:
    """``path`` if it resolves (symlinks followed) inside ``root``, else ``ValueError`` naming ``what``."""
    resolved, top = path.resolve(), root.resolve()
    if resolved != top and top not in resolved.parents:
        raise ValueError(f"{what}: {path} resolves to {resolved}, outside the output folder {top} (symlink?)")
    return path


@dataclass
class Context:
    """What a derivation script gets: where to write and how to report checks.

    Parameters
    ----------
    name : str
        Derivation name (its file stem).
    generated : pathlib.Path
        The output folder; everything the derivation writes goes below it.
    section : str
        Sub-folder for its LaTeX fragments; a safe relative path (see :func:`safe_relpath`).

    Examples
    --------
    >>> import tempfile
    >>> ctx = Context("demo", Path(tempfile.mkdtemp()), "demo")
    >>> ctx.check("one equals one", 1 == 1, residual=0.0)
        [ok  ] one equals one  (residual=0.0)
    True
    >>> ctx.write_tex("frag", "$x$").relative_to(ctx.generated).as_posix()
    'demo/frag.tex'
    """

    name: str
    generated: Path
    section: str
    checks: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    fragments: list = field(default_factory=list)
    figures: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.generated = Path(self.generated)
        safe_relpath(self.section, f"SECTION of derivation {self.name!r}")

    def _path(self, rel: str, what: str) -> Path:
        """``generated/rel`` after checking that it stays inside ``generated`` (before and after mkdir)."""
        path = _inside(self.generated, self.generated / rel, what)
        path.parent.mkdir(parents=True, exist_ok=True)
        return _inside(self.generated, path, what)

    @property
    def section_dir(self) -> Path:
        """The folder ``generated/<section>`` (created; checked to lie inside ``generated``).

        Returns
        -------
        pathlib.Path

        Raises
        ------
        ValueError
            If the folder resolves outside ``generated`` (symlink).

        Examples
        --------
        >>> import tempfile
        >>> ctx = Context("demo", Path(tempfile.mkdtemp()), "paper1")
        >>> ctx.section_dir.name, ctx.section_dir.is_dir()
        ('paper1', True)
        """
        d = self._path(self.section, f"SECTION of derivation {self.name!r}")
        d.mkdir(exist_ok=True)
        return d

    def check(self, name: str, passed: bool, *, fatal: bool = False, **numbers: Any) -> bool:
        """Record a proof or numeric check. A failed check makes the derivation fail (at the end, or now if fatal).

        Parameters
        ----------
        name : str
            Description of the check.
        passed : bool
            Its outcome.
        fatal : bool, optional
            Raise :class:`CheckFailed` at once if the check fails (default False).
        **numbers
            Numbers kept with the check in ``report.json`` (residuals, tolerances, ...).

        Returns
        -------
        bool
            ``passed``.

        Raises
        ------
        CheckFailed
            If ``fatal`` and not ``passed``.

        Examples
        --------
        >>> import tempfile
        >>> ctx = Context("demo", Path(tempfile.mkdtemp()), "demo")
        >>> ctx.check("sum rule", False, residual=1e-3)
            [FAIL] sum rule  (residual=0.001)
        False
        >>> ctx.checks[0]["passed"]
        False
        """
        passed = bool(passed)
        self.checks.append({"name": name, "passed": passed, **{k: _jsonable(v) for k, v in numbers.items()}})
        mark = "ok  " if passed else "FAIL"
        extra = ", ".join(f"{k}={_jsonable(v)}" for k, v in numbers.items())
        print(f"    [{mark}] {name}" + (f"  ({extra})" if extra else ""), flush=True)
        if not passed and fatal:
            raise CheckFailed(name)
        return passed

    def record(self, key: str, value: Any) -> None:
        """Record a derived number (regression value, timing-free) in the report.

        Parameters
        ----------
        key : str
            Name of the value in the report.
        value : Any
            The value (made JSON-serializable).

        Examples
        --------
        >>> import tempfile
        >>> ctx = Context("demo", Path(tempfile.mkdtemp()), "demo")
        >>> ctx.record("n_states", 6)
        >>> ctx.values
        {'n_states': 6}
        """
        self.values[key] = _jsonable(value)

    def write_tex(self, name: str, body: str) -> Path:
        """Write a LaTeX fragment ``generated/<section>/<name>.tex`` and add it to the assembled document.

        Parameters
        ----------
        name : str
            Fragment name, a safe relative path (:func:`safe_relpath`), without ``.tex``.
        body : str
            LaTeX source (a final newline is added if missing).

        Returns
        -------
        pathlib.Path
            The written file.

        Raises
        ------
        ValueError
            If ``name`` is not a safe relative path or the file would lie outside ``generated``.

        Examples
        --------
        >>> import tempfile
        >>> ctx = Context("demo", Path(tempfile.mkdtemp()), "demo")
        >>> ctx.write_tex("eq", r"$x^2$").read_text()
        '$x^2$\\n'
        >>> ctx.fragments
        ['demo/eq.tex']
        """
        what = f"fragment name of derivation {self.name!r}"
        rel = f"{safe_relpath(self.section, f'SECTION of derivation {self.name!r}')}/{safe_relpath(name, what)}.tex"
        path = self._path(rel, what)
        path.write_text(body if body.endswith("\n") else body + "\n")
        if rel not in self.fragments:
            self.fragments.append(rel)
        return path

    def save_figure(self, fig, name: str, caption: str) -> Path:
        """Save a matplotlib figure as ``generated/figures/<name>.pdf`` (vector, used in ``symqd.tex``) and ``.png``
        (for quick viewing), both without timestamps; the caption is LaTeX (see :func:`symqd.latex.caption_latex`).

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            The figure.
        name : str
            File stem, a safe relative path (:func:`safe_relpath`).
        caption : str
            LaTeX caption used in ``symqd.tex``.

        Returns
        -------
        pathlib.Path
            The ``.png`` file.

        Raises
        ------
        ValueError
            If ``name`` is not a safe relative path.

        Examples
        --------
        >>> import tempfile
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> ctx = Context("demo", Path(tempfile.mkdtemp()), "demo")
        >>> fig = plt.figure(figsize=(1, 1))
        >>> ctx.save_figure(fig, "blank", "An empty figure.").name
        'blank.png'
        >>> plt.close(fig)
        """
        what = f"figure name of derivation {self.name!r}"
        safe_relpath(name, what)
        png = self._path(f"figures/{name}.png", what)
        pdf = self._path(f"figures/{name}.pdf", what)
        fig.savefig(png, dpi=130, bbox_inches="tight", metadata={"Software": None})
        fig.savefig(pdf, dpi=200, bbox_inches="tight",  # dpi: only for rasterized artists (density maps)
                    metadata={"CreationDate": None, "Creator": None, "Producer": None})
        self.figures.append({"png": f"figures/{name}.png", "pdf": f"figures/{name}.pdf", "caption": caption})
        return png


# ------------------------------------------------------------------------------------ where scripts and output are


def _project_name(pyproject: Path) -> str | None:
    text = pyproject.read_text(encoding="utf-8", errors="replace")
    try:
        import tomllib
    except ImportError:  # Python 3.10: a regex on the [project] table is enough for the name
        m = re.search(r"^\[project\][^\[]*?^name\s*=\s*[\"']([^\"']+)[\"']", text, re.M | re.S)
        return m.group(1) if m else None
    try:
        return tomllib.loads(text).get("project", {}).get("name")
    except tomllib.TOMLDecodeError:
        return None


def _is_checkout(d: Path) -> bool:
    pyproject = d / "pyproject.toml"
    return pyproject.is_file() and (d / "derivations").is_dir() and _project_name(pyproject) == "symqd"


def find_checkout(start: str | os.PathLike | None = None) -> Path | None:
    """The symqd source checkout containing ``start`` (default: the current directory), or ``None``.

    A checkout is a directory holding ``pyproject.toml`` with ``[project] name = "symqd"`` and a ``derivations/``
    folder; ``start`` and its parents are searched.

    Parameters
    ----------
    start : path-like, optional
        Where to start looking (default: the current directory).

    Returns
    -------
    pathlib.Path or None
        The checkout's root folder (resolved), or ``None``.

    Examples
    --------
    >>> import tempfile
    >>> find_checkout(tempfile.mkdtemp()) is None
    True
    """
    start = Path.cwd() if start is None else Path(start)
    start = start.resolve()
    for d in (start, *start.parents):
        if _is_checkout(d):
            return d
    return None


def derivations_dir() -> Path:
    """The folder holding the derivation scripts of this symqd.

    The copy installed with the package (``symqd/derivations/``), else the ``derivations/`` folder of the source
    checkout the package is imported from (editable install, or run from a checkout without installing).

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    RuntimeError
        If neither exists or it holds no script (a broken installation).

    Examples
    --------
    >>> "engine_generic.py" in {p.name for p in derivations_dir().glob("*.py")}
    True
    """
    candidates = [_PACKAGE_DIR / "derivations"]
    if _is_checkout(_PACKAGE_DIR.parent):
        candidates.append(_PACKAGE_DIR.parent / "derivations")
    for d in candidates:
        if d.is_dir() and any(d.glob("*.py")):
            return d
    raise RuntimeError(
        f"no derivation scripts found (looked in {', '.join(map(str, candidates))}); the installation is incomplete: "
        "reinstall symqd with `pip install .` from its source"
    )


def discover(source: str | os.PathLike | None = None) -> dict[str, Path]:
    """Derivation name -> script path, in run order (file-name order; ``_*.py`` are helpers, not derivations).

    Parameters
    ----------
    source : path-like, optional
        Folder of derivation scripts; default :func:`derivations_dir`.

    Returns
    -------
    dict
        ``{name: pathlib.Path}`` in run order.

    Examples
    --------
    >>> names = list(discover())
    >>> "paper1_closed_forms" in names and names == sorted(names)
    True
    """
    source = derivations_dir() if source is None else Path(source)
    return {p.stem: p for p in sorted(source.glob("*.py")) if not p.name.startswith("_")}


def titles(source: str | os.PathLike | None = None) -> dict[str, str]:
    """Derivation name -> ``TITLE``, read from the script's source without running it.

    Parameters
    ----------
    source : path-like, optional
        Folder of derivation scripts; default :func:`derivations_dir`.

    Returns
    -------
    dict
        ``{name: title}``; the name itself if the script has no string ``TITLE`` (or does not parse).

    Examples
    --------
    >>> titles()["engine_generic"]
    'The master-equation engine: matrix-tree steady states and conservation laws'
    """
    out = {}
    for name, path in discover(source).items():
        title = _constant(path, "TITLE", str)
        out[name] = name if title is None else title
    return out


def _constant(path: Path, name: str, kind):
    """The literal value of the top-level assignment ``name = <constant of type kind>`` in a script, or None
    (read from the source without running it)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:
        return None
    value = None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, kind)
                and not isinstance(node.value.value, bool)):
            value = node.value.value
    return value


def _forbidden_roots() -> list[Path]:
    roots = {_PACKAGE_DIR}
    for key in ("purelib", "platlib"):
        try:
            roots.add(Path(sysconfig.get_path(key)).resolve())
        except (KeyError, TypeError):  # pragma: no cover
            pass
    return sorted(roots)


def output_dir(out: str | os.PathLike | None = None, *, cwd: str | os.PathLike | None = None) -> Path:
    """The output folder of ``symqd derive`` (not created here).

    Parameters
    ----------
    out : path-like, optional
        The chosen folder (``--out``), relative to ``cwd``. Default: ``generated/`` of the symqd checkout containing
        ``cwd`` (see :func:`find_checkout`), else ``cwd/generated``.
    cwd : path-like, optional
        Working directory; default the current one.

    Returns
    -------
    pathlib.Path
        Absolute path.

    Raises
    ------
    ValueError
        If ``out`` lies inside the installed package or ``site-packages``, or exists and is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> output_dir(cwd=d) == (d / "generated").resolve()
    True
    >>> output_dir("site", cwd=d) == (d / "site").resolve()
    True
    """
    cwd = Path.cwd() if cwd is None else Path(cwd)
    if out is None:
        checkout = find_checkout(cwd)
        path = (checkout if checkout is not None else cwd) / "generated"
    else:
        path = cwd / Path(out).expanduser()
    path = path.resolve()
    for root in _forbidden_roots():
        if path == root or root in path.parents:
            raise ValueError(
                f"--out: the output folder {path} lies inside {root} (the installed package or site-packages); "
                "choose a folder of your own, e.g. --out ./generated"
            )
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out: {path} exists and is not a folder")
    return path


# --------------------------------------------------------------------------------------------------- running them


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"symqd_derivation_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # never write __pycache__ next to installed scripts
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write
    return module


def run_derivation(name: str, out: str | os.PathLike, *, source: str | os.PathLike | None = None) -> dict:
    """Run one derivation into the output folder ``out``; return its report entry (does not touch report.json).

    Parameters
    ----------
    name : str
        A derivation name (see :func:`discover`).
    out : path-like
        Output folder (created if missing).
    source : path-like, optional
        Folder of derivation scripts; default :func:`derivations_dir`.

    Returns
    -------
    dict
        ``{"title", "passed", "error", "checks", "values", "fragments", "figures"}``; ``checks`` is the list of
        ``{"name", "passed", <numbers>...}`` recorded by ``ctx.check``.

    Raises
    ------
    ValueError
        If ``name`` is not a known derivation (the message lists the available ones).

    Examples
    --------
    >>> import tempfile
    >>> entry = run_derivation("paper2_onsager", tempfile.mkdtemp())  # doctest: +SKIP
    >>> entry["passed"], len(entry["checks"]) > 0  # doctest: +SKIP
    (True, True)
    >>> run_derivation("no_such_derivation", tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    ValueError: derivation name 'no_such_derivation' is unknown; available: ...
    """
    available = discover(source)
    if name not in available:
        raise ValueError(f"derivation name {name!r} is unknown; available: {', '.join(available)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = available[name]
    ctx = None
    title, error = name, None
    try:
        module = _load(path)
        title = getattr(module, "TITLE", name)
        ctx = Context(name=name, generated=out, section=getattr(module, "SECTION", name))
        module.run(ctx)
    except Exception as exc:  # noqa: BLE001 - report and continue with the next derivation
        error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    return _entry(title, error, ctx)


def _entry(title: str, error: str | None, ctx: Context | None = None) -> dict:
    """The report entry of one derivation (see :func:`run_derivation`); ``ctx`` None: it never got to run."""
    checks = ctx.checks if ctx is not None else []
    failed = [c["name"] for c in checks if not c["passed"]]
    return {
        "title": title,
        "passed": error is None and not failed,
        "error": error,
        "checks": checks,
        "values": ctx.values if ctx is not None else {},
        "fragments": ctx.fragments if ctx is not None else [],
        "figures": ctx.figures if ctx is not None else [],
    }


def _run_in_worker(name: str, generated: str, source: str | None) -> tuple[dict, float]:
    """Worker-process entry: run one derivation; returns its report entry and its wall time."""
    t0 = time.perf_counter()
    entry = run_derivation(name, Path(generated), source=source)
    return entry, time.perf_counter() - t0


def default_jobs() -> int:
    """Worker processes for :func:`run_derivations`: the CPUs this process may use (``$SYMQD_JOBS`` overrides).

    Returns
    -------
    int

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    env = os.environ.get("SYMQD_JOBS")
    if env:
        if not env.isdigit() or int(env) < 1:
            raise ValueError(f"SYMQD_JOBS must be a positive integer, got {env!r}")
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_derivations(names: list[str] | None = None, *, out: str | os.PathLike | None = None,
                    source: str | os.PathLike | None = None, compile_pdf: bool = False,
                    jobs: int | None = None) -> int:
    """Run the named derivations (all by default) into ``out``; write ``report.json`` and ``symqd.tex``.

    Parameters
    ----------
    names : list of str, optional
        Derivations to run, default all; the report keeps earlier entries of the others.
    out : path-like, optional
        Output folder; default as in :func:`output_dir`.
    source : path-like, optional
        Folder of derivation scripts; default :func:`derivations_dir`.
    compile_pdf : bool
        Also compile ``symqd.tex`` with ``pdflatex``.
    jobs : int, optional
        Derivations run at the same time, each in its own process (default :func:`default_jobs`, the usable
        CPUs). They write to disjoint section folders; ``report.json`` and ``symqd.tex`` are assembled in file-name
        order afterwards, so the output does not depend on ``jobs``. ``jobs=1`` runs them in this process.

    Returns
    -------
    int
        The number of derivations that failed (a check failed or the script raised).

    Raises
    ------
    ValueError
        Unknown derivation names (the message lists the available ones), a bad output folder, or ``compile_pdf``
        without ``pdflatex`` on the PATH — checked before anything runs.
    RuntimeError
        If ``pdflatex`` reports an error.

    Examples
    --------
    >>> import tempfile
    >>> run_derivations(["engine_generic"], out=tempfile.mkdtemp())  # doctest: +SKIP
    0
    >>> run_derivations(["no_such_derivation"], out=tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    ValueError: derivation name(s) ['no_such_derivation'] unknown; available: ...
    """
    available = discover(source)
    if names:
        unknown = [n for n in names if n not in available]
        if unknown:
            raise ValueError(f"derivation name(s) {unknown} unknown; available: {', '.join(available)}")
        selected = [n for n in available if n in names]
    else:
        selected = list(available)
    if compile_pdf and shutil.which("pdflatex") is None:
        raise ValueError("--pdf needs pdflatex on the PATH (apt-get install texlive-latex-base "
                         "texlive-latex-recommended)")
    generated = output_dir(out)
    generated.mkdir(parents=True, exist_ok=True)
    report_path = _inside(generated, generated / "report.json", "report.json")
    report = {}
    if report_path.exists():
        try:
            report = json.loads(report_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            print(f"warning: {report_path} is not valid JSON; starting a new report", file=sys.stderr)
        report = {k: v for k, v in report.items() if k in available} if isinstance(report, dict) else {}

    jobs = default_jobs() if jobs is None else jobs
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    jobs = min(jobs, len(selected))

    failures = 0
    done = 0

    def finished(name, entry, seconds):
        nonlocal failures, done
        done += 1
        failures += not entry["passed"]
        failed_checks = [c["name"] for c in entry["checks"] if not c["passed"]]
        status = "ok" if entry["passed"] else "FAILED"
        print(f"[{done}/{len(selected)}] {name}: {status} ({len(entry['checks'])} checks, {seconds:.1f} s)",
              flush=True)
        if failed_checks:
            print(f"       failed checks in {name}: {failed_checks}", flush=True)
        if entry["error"]:
            print(f"       {name} raised {entry['error']}", flush=True)
        report[name] = entry

    src = str(derivations_dir() if source is None else Path(source))  # resolved here: workers are fresh processes
    if jobs <= 1:
        for name in selected:
            finished(name, *_run_in_worker(name, str(generated), src))
    else:
        import concurrent.futures
        import multiprocessing

        # spawn: fresh interpreters (no state inherited from the caller, the same on every platform)
        # longest first (a script's optional ``COST``, its rough run time in seconds), so that the long ones do
        # not start last and leave the other workers idle
        cost = {name: _constant(available[name], "COST", (int, float)) or 1.0 for name in selected}
        order = sorted(selected, key=lambda name: -cost[name])
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_run_in_worker, name, str(generated), src): name for name in order}
            for fut in concurrent.futures.as_completed(futures):
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - the worker process died (run_derivation catches the rest)
                    name = futures[fut]
                    result = (_entry(_constant(available[name], "TITLE", str) or name,
                                     f"worker process failed: {type(exc).__name__}: {exc}"), 0.0)
                finished(futures[fut], *result)

    ordered = {n: report[n] for n in available if n in report}
    report_path.write_text(json.dumps(ordered, indent=1, sort_keys=False) + "\n")
    _inside(generated, generated / "symqd.tex", "symqd.tex")
    tex = assemble_document(generated, list(ordered.values()))
    print(f"wrote {report_path} and {tex}", flush=True)
    if compile_pdf:
        from symqd.latex import compile_pdf as _compile

        _compile(tex)
        print(f"compiled {tex.with_suffix('.pdf')}", flush=True)
    return failures
