import pytest

from symqd.master import MasterEquation
from symqd.models.thermocouple import build_system
from symqd.numeric import CompiledModel


@pytest.fixture(scope="session")
def triple_dot():
    """Generic 8-state triple dot with probe (all symbols free)."""
    return MasterEquation(build_system(uhc_infinite=False, probe=True))


@pytest.fixture(scope="session")
def triple_dot_6():
    """6-state (U_HC -> oo) triple dot without probe."""
    return MasterEquation(build_system(uhc_infinite=True, probe=False))


@pytest.fixture(scope="session")
def compiled_triple_dot(triple_dot):
    return CompiledModel(triple_dot)
