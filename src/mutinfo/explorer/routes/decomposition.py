"""Endpoints of the decomposition section."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/decomposition", tags=["decomposition"])
