"""Endpoints of the formula section."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/formula", tags=["formula"])
