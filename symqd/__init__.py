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

__version__ = "0.1.0"
