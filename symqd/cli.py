"""The ``symqd`` command (also ``python -m symqd``).

``symqd derive [NAME ...] [--out DIR] [--pdf] [--jobs N]`` runs the derivations shipped with the package (all by default) and
writes LaTeX fragments, figures, ``report.json`` and ``symqd.tex`` into the output folder only: ``--out DIR``, else
``generated/`` of the symqd checkout containing the current directory, else ``./generated``.
``symqd list`` prints the derivations' names and titles; ``symqd --version`` the package version.

Exit codes: 0 success, 1 a derivation check failed (or a script raised, or pdflatex failed), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys

import symqd
from symqd import derive

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``symqd``.

    Returns
    -------
    argparse.ArgumentParser
        Subcommands ``derive`` and ``list``, option ``--version``.

    Examples
    --------
    >>> build_parser().parse_args(["derive", "engine_generic", "--out", "/tmp/out"]).out
    '/tmp/out'
    """
    parser = argparse.ArgumentParser(
        prog="symqd",
        description="Symbolic-analytic derivations for quantum-dot thermoelectrics.",
        epilog="Exit codes: 0 success, 1 failed checks, 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"symqd {symqd.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{derive,list}")
    p_derive = sub.add_parser(
        "derive",
        help="run derivations, prove their checks, write LaTeX/figures/report",
        description="Run derivations (all by default) and write their output under one folder.",
    )
    p_derive.add_argument("names", nargs="*", metavar="NAME", help="derivations to run (default: all; see `symqd list`)")
    p_derive.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="output folder (default: generated/ of the symqd checkout containing the current directory, "
        "else ./generated)",
    )
    p_derive.add_argument("--pdf", action="store_true", help="also compile symqd.tex with pdflatex")
    p_derive.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                          help="derivations run in parallel, one process each (default: the usable CPUs)")
    sub.add_parser("list", help="list the derivations (name and title)", description="List the derivations.")
    return parser


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Run the ``symqd`` command; return its exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 success, 1 a check or derivation failed, 2 usage error (bad arguments, unknown derivation name, output
        folder inside the installed package, ``--pdf`` without pdflatex).

    Examples
    --------
    >>> main(["derive", "no_such_derivation"])  # doctest: +SKIP
    symqd: error: derivation name(s) ['no_such_derivation'] unknown; available: ...
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE

    try:
        if args.command == "list":
            names = derive.titles()
            width = max(map(len, names), default=0)
            for name, title in names.items():
                print(f"{name:<{width}}  {title}")
            return EXIT_OK
        failures = derive.run_derivations(args.names or None, out=args.out, compile_pdf=args.pdf, jobs=args.jobs)
    except (ValueError, RuntimeError) as exc:
        failed_pdf = isinstance(exc, RuntimeError) and "pdflatex failed" in str(exc)
        print(f"symqd: error: {exc}", file=sys.stderr)
        return EXIT_FAILED if failed_pdf else EXIT_USAGE
    if failures:
        print(f"symqd: {failures} derivation(s) failed", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
