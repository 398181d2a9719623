"""The derive pipeline: run the scripts in ``derivations/`` and write ``generated/``.

A derivation script is a small narrative module with

* ``TITLE`` — section title in ``generated/symqd.tex``;
* ``SECTION`` — sub-directory of ``generated/`` for its LaTeX fragments (``"engine"``, ``"paper1"``, ...);
* ``run(ctx)`` — does the work through the :class:`Context` it is given.

Scripts run in file-name order (prefix them ``10_``, ``20_`` ... is not needed: names such as
``engine_generic.py``, ``paper1_uhc_infinity.py`` sort by paper). ``generated/report.json`` keeps, per derivation,
every check (name, pass/fail, numbers) and recorded value; it contains no timestamps so that re-running
reproduces it exactly.
"""

from __future__ import annotations

import importlib.util
import json
import math
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symqd.latex import assemble_document

__all__ = ["Context", "CheckFailed", "discover", "run_derivations", "project_root"]


class CheckFailed(AssertionError):
    """Raised by :meth:`Context.check` with ``fatal=True``."""


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


@dataclass
class Context:
    """What a derivation script gets: where to write and how to report checks."""

    name: str
    generated: Path
    section: str
    checks: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    fragments: list = field(default_factory=list)
    figures: list = field(default_factory=list)

    @property
    def section_dir(self) -> Path:
        d = self.generated / self.section
        d.mkdir(parents=True, exist_ok=True)
        return d

    def check(self, name: str, passed: bool, *, fatal: bool = False, **numbers: Any) -> bool:
        """Record a proof or numeric check. A failed check makes the derivation fail (at the end, or now if fatal)."""
        passed = bool(passed)
        self.checks.append({"name": name, "passed": passed, **{k: _jsonable(v) for k, v in numbers.items()}})
        mark = "ok  " if passed else "FAIL"
        extra = ", ".join(f"{k}={_jsonable(v)}" for k, v in numbers.items())
        print(f"    [{mark}] {name}" + (f"  ({extra})" if extra else ""), flush=True)
        if not passed and fatal:
            raise CheckFailed(name)
        return passed

    def record(self, key: str, value: Any) -> None:
        """Record a derived number (regression value, timing-free) in the report."""
        self.values[key] = _jsonable(value)

    def write_tex(self, name: str, body: str) -> Path:
        """Write a LaTeX fragment ``generated/<section>/<name>.tex`` and add it to the assembled document."""
        path = self.section_dir / f"{name}.tex"
        path.write_text(body if body.endswith("\n") else body + "\n")
        rel = path.relative_to(self.generated).as_posix()
        if rel not in self.fragments:
            self.fragments.append(rel)
        return path

    def save_figure(self, fig, name: str, caption: str) -> Path:
        """Save a matplotlib figure as ``generated/figures/<name>.png`` and ``.pdf`` (no timestamps)."""
        d = self.generated / "figures"
        d.mkdir(parents=True, exist_ok=True)
        png = d / f"{name}.png"
        fig.savefig(png, dpi=130, bbox_inches="tight", metadata={"Software": None})
        fig.savefig(d / f"{name}.pdf", bbox_inches="tight", metadata={"CreationDate": None, "Creator": None,
                                                                       "Producer": None})
        self.figures.append({"png": png.relative_to(self.generated).as_posix(), "caption": caption})
        return png


def project_root() -> Path:
    """The directory holding ``derivations/``: the current directory if it has one, else the source checkout."""
    cwd = Path.cwd()
    if (cwd / "derivations").is_dir():
        return cwd
    return Path(__file__).resolve().parent.parent


def discover(root: Path) -> dict[str, Path]:
    """Derivation name -> script path, in run order."""
    return {p.stem: p for p in sorted((root / "derivations").glob("*.py")) if not p.name.startswith("_")}


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"symqd_derivation_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_derivations(names: list[str] | None = None, *, root: Path | None = None, compile_pdf: bool = False) -> int:
    """Run the named derivations (all by default); return the number that failed."""
    root = Path(root) if root else project_root()
    available = discover(root)
    if names:
        unknown = [n for n in names if n not in available]
        if unknown:
            raise ValueError(f"unknown derivation(s) {unknown}; available: {list(available)}")
        selected = {n: available[n] for n in available if n in names}
    else:
        selected = available
    generated = root / "generated"
    generated.mkdir(exist_ok=True)
    report_path = generated / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    report = {k: v for k, v in report.items() if k in available}

    failures = 0
    for i, (name, path) in enumerate(selected.items(), 1):
        print(f"[{i}/{len(selected)}] {name}", flush=True)
        t0 = time.perf_counter()
        module = _load(path)
        ctx = Context(name=name, generated=generated, section=getattr(module, "SECTION", name))
        error = None
        try:
            module.run(ctx)
        except Exception as exc:  # noqa: BLE001 - report and continue with the next derivation
            error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        failed_checks = [c["name"] for c in ctx.checks if not c["passed"]]
        ok = error is None and not failed_checks
        failures += not ok
        dt = time.perf_counter() - t0
        status = "ok" if ok else "FAILED"
        print(f"    -> {name}: {status} ({len(ctx.checks)} checks, {dt:.1f} s)", flush=True)
        if failed_checks:
            print(f"       failed checks in {name}: {failed_checks}", flush=True)
        if error:
            print(f"       {name} raised {error}", flush=True)
        report[name] = {
            "title": getattr(module, "TITLE", name),
            "passed": ok,
            "error": error,
            "checks": ctx.checks,
            "values": ctx.values,
            "fragments": ctx.fragments,
            "figures": ctx.figures,
        }

    ordered = {n: report[n] for n in available if n in report}
    report_path.write_text(json.dumps(ordered, indent=1, sort_keys=False) + "\n")
    tex = assemble_document(generated, [v for v in ordered.values()])
    print(f"wrote {report_path.relative_to(root)} and {tex.relative_to(root)}", flush=True)
    if compile_pdf:
        from symqd.latex import compile_pdf as _compile

        _compile(tex)
        print(f"compiled {tex.with_suffix('.pdf').relative_to(root)}", flush=True)
    return failures
