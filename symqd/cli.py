"""The ``symqd`` command (also ``python -m symqd``).

``symqd derive [NAME ...]`` runs the derivation scripts (all by default) and regenerates ``generated/``;
``symqd list`` lists them. Exit code is the number of failed derivations (capped at 1) — non-zero on failure.
"""

from __future__ import annotations

import argparse
import sys

from symqd.derive import discover, project_root, run_derivations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="symqd", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_derive = sub.add_parser("derive", help="run derivations and regenerate generated/")
    p_derive.add_argument("names", nargs="*", help="derivations to run (default: all)")
    p_derive.add_argument("--pdf", action="store_true", help="also compile generated/symqd.tex with pdflatex")
    sub.add_parser("list", help="list the derivations")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name in discover(project_root()):
            print(name)
        return 0
    try:
        failures = run_derivations(args.names or None, compile_pdf=args.pdf)
    except (ValueError, RuntimeError) as exc:
        print(f"symqd: error: {exc}", file=sys.stderr)
        return 2
    if failures:
        print(f"symqd: {failures} derivation(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
