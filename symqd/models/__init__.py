"""Concrete models: those of the two source papers and small example models.

* :mod:`symqd.models.thermocouple` — paper 1, the triple-dot quantum thermocouple.
* :mod:`symqd.models.three_terminal` — paper 2, Landauer-Buttiker single and double dots.
* :mod:`symqd.models.spinful_dot`, :mod:`symqd.models.phonon_double_dot` — thin example models.
* :mod:`symqd.models.interacting_dots` — ``interacting_dots(n)``: ``n`` mutually interacting dots (``2**n``
  states), the scaling model for closed forms past tree enumeration.
"""
