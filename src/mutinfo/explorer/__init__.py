"""The explorer: an interactive web explainer of mutual information (``mutinfo explore``).

Layout
------
``app.py``
    :func:`create_app` builds the FastAPI application: JSON endpoints under ``/api/<section>``
    (one module per section in :mod:`mutinfo.explorer.routes`), the static page, section
    fragments with LaTeX converted to MathML on the server, and Plotly.js from the installed
    ``plotly`` package at ``/vendor/plotly.min.js`` (no CDN, works offline).
``server.py``
    :func:`serve` runs the app with uvicorn on 127.0.0.1 and a free port.
``generators.py``
    The data generators behind every view (numpy only), importable without FastAPI so that
    each view's "reproduce in Python" snippet can call them.
``common.py``
    Helpers shared by the route modules: the JSON readout record, snippets, caching.

This package's ``__init__`` imports nothing heavy, so ``mutinfo.explorer.generators`` works
without the ``explorer`` extra installed.
"""

from __future__ import annotations

__all__: list[str] = []
