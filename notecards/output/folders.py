"""Check a batch's output folder before anything is planned or drawn."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from notecards.errors import ConfigError


def check_out_dir(out_dir: str | os.PathLike[str]) -> Path:
    """Create *out_dir* if needed and prove a file can be written there; return it.

    Raises:
        ConfigError: the folder cannot be created or written, located and with what to do.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".notecards-probe-"):
            pass
    except OSError as err:
        raise ConfigError(
            f"{err.filename or out}: cannot write the batch there ({err.strerror or err}) "
            "— choose another --out folder, or make this one writable"
        ) from err
    return out
