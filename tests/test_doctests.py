"""Run the docstring examples of every module of the ``symqd`` package (``doctest`` with NORMALIZE_WHITESPACE and
ELLIPSIS), one test per module, so examples in the documentation stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import symqd

FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def module_names() -> list:
    names = ["symqd"]
    for info in pkgutil.walk_packages(symqd.__path__, prefix="symqd."):
        if info.name.startswith("symqd.derivations") or info.name == "symqd.__main__":
            continue  # derivation scripts are run by test_derivations; __main__ runs the CLI on import
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", module_names())
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write here
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    failures = []
    for test in finder.find(module, name):
        result = runner.run(test, out=lambda s: failures.append(s))
        assert result is not None
    assert runner.failures == 0, f"{runner.failures} failing example(s) in {name}:\n" + "".join(failures)[-6000:]
