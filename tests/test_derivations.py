"""Proofs once, and in CI: every derivation's checks run as tests.

Each derivation shipped with the package (``symqd list``) runs into a temporary output folder, exactly as
``symqd derive NAME --out DIR`` would, and every ``ctx.check`` it makes must pass. A failure lists the failed checks
with their number in the derivation and the numbers they recorded. The identities themselves live once, in the
derivation scripts; do not copy them into other test files.

Timing (2 cores, shared): bridge_onsager ~15 s, engine_generic ~5 s, paper1_closed_forms ~30 s,
paper1_figures ~27 s, paper2_landauer ~23 s, paper2_onsager ~6 s — about 1.7 min in all, so none is marked slow.
Put a name into ``SLOW`` if a derivation grows past ~2 min.
"""

from __future__ import annotations

import json

import pytest

from symqd.derive import discover, run_derivation

DERIVATIONS = list(discover())
SLOW: set[str] = set()


def failure_report(name: str, entry: dict) -> str:
    """A readable list of what failed in one derivation's report entry ("" if nothing failed).

    Examples
    --------
    >>> entry = {"error": None, "checks": [{"name": "a", "passed": True},
    ...                                    {"name": "b", "passed": False, "residual": 0.5}]}
    >>> print(failure_report("demo", entry))
    derivation demo: 1 of 2 checks failed
      check #2 'b' (residual=0.5)
    """
    failed = [(i, c) for i, c in enumerate(entry["checks"], 1) if not c["passed"]]
    lines = []
    if failed:
        lines.append(f"derivation {name}: {len(failed)} of {len(entry['checks'])} checks failed")
        for i, check in failed:
            numbers = ", ".join(f"{k}={v}" for k, v in check.items() if k not in ("name", "passed"))
            lines.append(f"  check #{i} {check['name']!r}" + (f" ({numbers})" if numbers else ""))
    if entry["error"]:
        lines.append(f"derivation {name} raised {entry['error']} after {len(entry['checks'])} checks")
    return "\n".join(lines)


def test_failure_report_names_failed_checks_numbers_and_errors():
    entry = {"error": "RuntimeError: no convergence",
             "checks": [{"name": "ok", "passed": True}, {"name": "Eq. 13", "passed": False, "residual": 1e-3}]}
    text = failure_report("paper1", entry)
    assert "1 of 2 checks failed" in text and "check #2 'Eq. 13' (residual=0.001)" in text
    assert "raised RuntimeError: no convergence" in text
    assert failure_report("paper1", {"error": None, "checks": [{"name": "ok", "passed": True}]}) == ""


def test_every_shipped_derivation_is_tested():
    assert len(DERIVATIONS) >= 6 and "engine_generic" in DERIVATIONS


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=[pytest.mark.slow] if n in SLOW else []) for n in DERIVATIONS]
)
def test_derivation_checks_pass(name, tmp_path):
    entry = run_derivation(name, tmp_path)
    assert entry["passed"], failure_report(name, entry)
    assert entry["checks"], f"derivation {name} made no ctx.check: it proves nothing"
    json.dumps(entry)  # the report entry is JSON as written to report.json
    for rel in entry["fragments"] + [fig["png"] for fig in entry["figures"]]:
        assert (tmp_path / rel).is_file(), f"derivation {name} lists {rel} but did not write it"
