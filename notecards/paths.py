"""Resolve the bundled templates, fonts and sample data: the one place that knows where they are."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _asset_dir(name: str) -> Path:
    # In a checkout (or an editable install) the folders sit beside the package; a wheel
    # installs them inside it as _templates/_fonts (see pyproject.toml).
    beside = _PACKAGE_DIR.parent / name
    if beside.is_dir():
        return beside
    return _PACKAGE_DIR / f"_{name}"


def default_templates_dir() -> Path:
    """Return the folder of the bundled occasion templates."""
    return _asset_dir("templates")


def default_fonts_dir() -> Path:
    """Return the folder of the bundled fonts and their licences."""
    return _asset_dir("fonts")


def sample_orders_path() -> Path:
    """Return the bundled sample orders used by ``notecards demo`` and ``notecards init``."""
    return _PACKAGE_DIR / "samples" / "sample-orders.csv"
