"""The explorer's JSON endpoints, one module per section.

Each module ``routes/<name>.py`` defines ``router = APIRouter(prefix="/api/<section>", ...)``.
:func:`mutinfo.explorer.app.create_app` includes the modules listed in :data:`ROUTE_MODULES`,
in this order. To add a section's routes, append its module name here.
"""

from __future__ import annotations

__all__ = ["ROUTE_MODULES"]

#: Module names under ``mutinfo.explorer.routes`` whose ``router`` the app includes.
ROUTE_MODULES: list[str] = [
    "intro",
    "decomposition",
    "correlation",
    "formula",
    "landscape",
    "bits",
    "properties",
    "honesty",
    "realworld",
    "yourdata",
    "applications",
    "selection",
    "clustering",
    "trees",
    "causality",
    "genes",
    "representation",
    "compression",
]
