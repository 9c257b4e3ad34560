"""Make the README's "Your own handwriting" images from the code (run from the repository root).

    python docs/make_hand_images.py

Fills a sample sheet with Breip (the tests' hand, tests/data/hand), photographs it badly,
learns it as "maya", and renders the first card of the sample orders with it, and that
card's envelope, addressed in "maya" too (``[cards] envelope_hand = "maya"``; the figures
and the capital I in the careful face, as on every hand-addressed envelope).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from notecards.cli.main import main  # noqa: E402
from notecards.layout.hand_sheet import sheet_layout  # noqa: E402
from notecards.learned.learn import learn_hand  # noqa: E402
from notecards.workspace import init_workspace  # noqa: E402
from tests.handsheet import filled_sheet, photograph  # noqa: E402


def _small(source: Path, target: Path, width: int) -> None:
    with Image.open(source) as image:
        image = image.convert("L" if image.mode in ("L", "LA") else "RGB")
        image.thumbnail((width, width * 2))
        image.save(target, optimize=True)


def main_() -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        init_workspace(folder)
        letters, signature = filled_sheet(sheet_layout("letter"))
        photograph(letters, turn=4.0).save(folder / "sheet.png")
        photograph(signature, turn=-2.5, seed=3).save(folder / "signature.png")
        config = folder / "notecards.toml"
        learn_hand([folder / "sheet.png", folder / "signature.png"], "maya", config, signer="Maya")
        text = config.read_text(encoding="utf-8").replace('# hand = "casual"', 'hand = "maya"')
        text = text.replace("[cards]\n", '[cards]\nenvelope_hand = "maya"\n', 1)
        config.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(
            main,
            [
                "preview",
                str(folder / "orders.csv"),
                "--config",
                str(config),
                "--limit",
                "1",
                "--out",
                str(folder / "proofs"),
            ],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        docs = ROOT / "docs"
        _small(folder / "sheet.png", docs / "learned-hand-sheet.png", 420)
        _small(folder / "proofs" / "card-001-inside.png", docs / "learned-hand-card.png", 640)
        _small(folder / "proofs" / "envelope-001.png", docs / "learned-hand-envelope.png", 640)


if __name__ == "__main__":
    main_()
