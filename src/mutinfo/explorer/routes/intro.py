"""Endpoints of the intro section."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/intro", tags=["intro"])
