"""Concrete models of the two source papers.

* :mod:`symqd.models.thermocouple` — paper 1, the triple-dot quantum thermocouple.
* :mod:`symqd.models.three_terminal` — paper 2, Landauer-Buttiker single and double dots.
"""
