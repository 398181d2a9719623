"""symqd — symbolic-analytic derivations for quantum-dot thermoelectrics.

Layers (one-way data flow: model -> equations -> closed forms -> numbers / LaTeX):

* :mod:`symqd.fermi`     Fermi function (symbolic, stable numpy, mpmath)
* :mod:`symqd.system`    model description: dots, interactions, reservoirs
* :mod:`symqd.master`    Pauli master equation: states, transitions, rate matrix
* :mod:`symqd.graph`     matrix-tree theorem steady states, Schnakenberg cycles
* :mod:`symqd.currents`  particle / energy / heat currents, power, entropy production
* :mod:`symqd.numeric`   lambdify (cse) to numpy / mpmath, independent numeric solvers
* :mod:`symqd.onsager`   n-terminal linear-response (Onsager) algebra
* :mod:`symqd.landauer`  Landauer-Buttiker currents and Onsager coefficients
* :mod:`symqd.latex`     LaTeX with the papers' symbol names, document assembly
* :mod:`symqd.models`    the papers' concrete models (thermocouple, three_terminal)
"""

__version__ = "0.2.0"

from symqd.baths import BosonicBath, FermionicLead, Reservoir  # noqa: E402
from symqd.master import MasterEquation  # noqa: E402
from symqd.numeric import CompiledModel  # noqa: E402
from symqd.system import Dot, System, levels, spinful_level  # noqa: E402

__all__ = [
    "System",
    "Dot",
    "Reservoir",
    "FermionicLead",
    "BosonicBath",
    "MasterEquation",
    "CompiledModel",
    "spinful_level",
    "levels",
    "__version__",
]
