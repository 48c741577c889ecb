"""Histogram (binned plug-in) estimators with a documented bin rule. Nats.

STUB: being built.
"""

from mutinfo.estimators._method import Method

#: Methods this module registers (name -> Method); merged by the registry.
METHODS: dict[str, Method] = {}
