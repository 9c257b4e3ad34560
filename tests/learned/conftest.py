"""The learned-hand fixture: a shop whose hand was learned from a photographed Breip sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from notecards.layout.hand_sheet import sheet_layout
from notecards.learned.learn import LearnReport, learn_hand
from notecards.workspace import init_workspace
from tests.handsheet import filled_sheet, photograph


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LearnReport]:
    """A shop folder whose hand "maya" was learned from a phone photo of the sheet.

    Its notecards.toml writes every card in "maya"; the envelopes keep the default hand.
    Tests that batch in it use their own ledger and output folder, or the folder's own once.
    """
    folder = tmp_path_factory.mktemp("shop")
    init_workspace(folder)
    letters, signature = filled_sheet(sheet_layout("letter"), skip="Q")
    photograph(letters, turn=4.0).save(folder / "sheet.png")
    photograph(signature, turn=-2.5, seed=3).save(folder / "signature.jpg", quality=85)
    config = folder / "notecards.toml"
    report = learn_hand(
        [folder / "sheet.png", folder / "signature.jpg"], "maya", config, signer="Maya"
    )
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('# hand = "casual"', 'hand = "maya"  '), encoding="utf-8")
    return folder, report
