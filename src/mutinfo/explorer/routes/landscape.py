"""Endpoints of the landscape section."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/landscape", tags=["landscape"])
