"""Klantpiramide: customer-base analysis toolkit and report notebooks."""

from __future__ import annotations

__version__ = "0.1.0"
