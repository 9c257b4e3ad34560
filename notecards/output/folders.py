"""Check a batch's output folder before anything is planned or drawn."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from notecards.errors import ConfigError


def check_out_dir(out_dir: str | os.PathLike[str], *, create: bool = True) -> Path:
    """Create *out_dir* if needed and prove a file can be written there; return it.

    With *create* False nothing is created: a file is written and removed in the folder, or,
    when it does not exist yet, in the nearest folder above it that does (where it would be
    made), so a batch can refuse an unusable --out before it touches the ledger.

    Raises:
        ConfigError: the folder cannot be created or written, located and with what to do.
    """
    out = Path(out_dir)
    probe = out
    if not create:
        while not probe.exists() and probe.parent != probe:
            probe = probe.parent
    try:
        if create:
            out.mkdir(parents=True, exist_ok=True)
        elif not probe.is_dir():
            raise NotADirectoryError(20, "not a folder", str(probe))
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".notecards-probe-"):
            pass
    except OSError as err:
        where = out if probe != out or not err.filename else err.filename
        raise ConfigError(
            f"{where}: cannot write the batch there ({err.strerror or err}) "
            "— choose another --out folder, or make this one writable"
        ) from err
    return out
