"""Gaussian closed-form and Gaussian-copula estimators. Nats.

STUB: being built.
"""

from mutinfo.estimators._method import Method

#: Methods this module registers (name -> Method); merged by the registry.
METHODS: dict[str, Method] = {}
