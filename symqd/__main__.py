"""``python -m symqd``: the same command as ``symqd`` (see :mod:`symqd.cli`)."""

from symqd.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
