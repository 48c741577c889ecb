"""Numeric kernels: no validation, no I/O. Values are returned in nats.

Callers (``mutinfo.measures`` through :mod:`mutinfo.estimators.registry`) hand these
functions validated, finite, equal-length arrays.
"""
