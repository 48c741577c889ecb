"""Endpoints of the correlation section."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/correlation", tags=["correlation"])
