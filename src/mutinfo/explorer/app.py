"""The explorer's FastAPI application.

Routes
------
``GET /``
    The page (``static/index.html``).
``GET /sections/{id}.html``
    A section's HTML fragment with its LaTeX converted to MathML (see :mod:`.mathml`).
``GET /static/...``
    CSS, JavaScript and the section manifest.
``GET /vendor/plotly.min.js``
    Plotly.js from the installed ``plotly`` Python package (no CDN).
``GET /api/meta``
    Version, the section manifest (with which fragments exist) and the estimator names.
``GET /api/meta/tex?latex=...&display=...``
    MathML for a formula composed at run time.
``/api/<section>/...``
    One router per module named in :data:`mutinfo.explorer.routes.ROUTE_MODULES`.

Errors
------
Bad query parameters are answered 422 with FastAPI's detail list; a ``ValueError`` or
``TypeError`` raised by mutinfo's validation on a request's data becomes 422 with the
library's message (it names the argument, the rule and the value). Nothing the user sends
should produce a 500; if something does, the answer still carries a message.

Limits
------
:class:`~mutinfo.explorer.limits.GuardMiddleware` wraps every request: a body larger than
the upload limit is refused while streaming (413), a request past its deadline is answered
504 ("timed out") while the server keeps serving, and every 4xx/5xx answer is logged on the
``mutinfo.explorer`` logger. The limits come from ``create_app(settings)`` or the
``MUTINFO_EXPLORER_*`` environment variables (:class:`~mutinfo.explorer.limits.ServerSettings`).
"""

from __future__ import annotations

import importlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

import mutinfo as mi
from mutinfo.explorer.limits import GuardMiddleware, ServerSettings
from mutinfo.explorer.mathml import render_fragment, tex_to_mathml
from mutinfo.explorer.routes import ROUTE_MODULES

__all__ = ["STATIC_DIR", "create_app", "manifest"]

STATIC_DIR = Path(__file__).resolve().parent / "static"


def manifest() -> list[dict[str, Any]]:
    """The ordered section list from ``static/sections/manifest.json``, with availability.

    Each entry gains ``available``: whether its fragment and script exist (a section still
    being built is listed in the contents but not loaded).
    """
    entries = json.loads((STATIC_DIR / "sections" / "manifest.json").read_text(encoding="utf-8"))
    for entry in entries:
        entry["available"] = (STATIC_DIR / "sections" / entry["file"]).is_file() and (
            STATIC_DIR / entry["js"]
        ).is_file()
    return entries


def _plotly_js() -> Path:
    import plotly

    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise FileNotFoundError(f"plotly.min.js not found in the installed plotly package at {path}")
    return path


@lru_cache(maxsize=64)
def _fragment(section_id: str, mtime: float) -> str:
    entry = {e["id"]: e for e in manifest()}[section_id]
    text = (STATIC_DIR / "sections" / entry["file"]).read_text(encoding="utf-8")
    return render_fragment(text)


def _meta_router() -> APIRouter:
    router = APIRouter(prefix="/api/meta", tags=["meta"])

    @router.get("")
    def meta() -> dict[str, Any]:
        """Version, manifest and estimator names."""
        return {
            "version": mi.__version__,
            "sections": manifest(),
            "methods": mi.available_methods(),
            "unit": "bits",
        }

    @router.get("/tex")
    def tex(
        latex: str = Query(..., min_length=1, max_length=2000, description="LaTeX source"),
        display: bool = Query(False, description="block layout"),
    ) -> dict[str, str]:
        """MathML for one formula."""
        return {"latex": latex, "mathml": tex_to_mathml(latex, display)}

    return router


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the explorer application (no side effects; no server is started).

    Parameters
    ----------
    settings : ServerSettings, optional
        Upload, table-size and deadline limits; default
        :meth:`ServerSettings.from_env() <mutinfo.explorer.limits.ServerSettings.from_env>`
        (the ``MUTINFO_EXPLORER_*`` environment variables, else the built-in defaults).

    Returns
    -------
    fastapi.FastAPI
        With the settings at ``app.state.settings``.
    """
    if settings is None:
        settings = ServerSettings.from_env()
    elif not isinstance(settings, ServerSettings):
        raise TypeError(f"`settings` must be a ServerSettings or None; got {type(settings).__name__}.")
    app = FastAPI(
        title="mutinfo explorer",
        version=mi.__version__,
        description="An interactive explainer of mutual information, computed live by mutinfo.",
    )

    @app.exception_handler(ValueError)
    async def _value_error(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(TypeError)
    async def _type_error(request: Request, exc: TypeError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # pragma: no cover
        return JSONResponse(
            status_code=500,
            content={"detail": f"internal error ({type(exc).__name__}): {exc}. Please report it."},
        )

    app.include_router(_meta_router())
    for name in ROUTE_MODULES:
        module = importlib.import_module(f"mutinfo.explorer.routes.{name}")
        app.include_router(module.router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/sections/{section_id}.html", response_class=HTMLResponse, include_in_schema=False)
    def fragment(section_id: str) -> HTMLResponse:
        entries = {e["id"]: e for e in manifest()}
        if section_id not in entries or not entries[section_id]["available"]:
            raise HTTPException(status_code=404, detail=f"no section named {section_id!r}")
        path = STATIC_DIR / "sections" / entries[section_id]["file"]
        return HTMLResponse(_fragment(section_id, path.stat().st_mtime))

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(_plotly_js(), media_type="application/javascript")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.settings = settings
    app.add_middleware(GuardMiddleware, settings=settings)
    return app
