"""notecards.toml: reading, errors that name the file and key, paths relative to the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from notecards.config import load_config
from notecards.errors import ConfigError
from notecards.workspace import SAMPLE_CONFIG


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notecards.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_config_reads_back(tmp_path):
    config = load_config(write(tmp_path, SAMPLE_CONFIG))
    assert config.shop_name == "Juniper & Pine"
    assert config.return_address == ("12 Mill Street", "Portland, ME 04101")
    assert config.ledger_path == str(tmp_path / "notecards-ledger.sqlite")
    assert config.templates_dir == str(tmp_path / "templates")
    assert config.occasions["birthday"]["mail_ahead_days"] == 10
    assert config.signers["Maya"]["style"] == "signature"
    assert not config.is_default


def test_signature_image_is_relative_to_the_config(tmp_path):
    config = load_config(write(tmp_path, '[signers.Sam]\nimage = "sam.png"\n'))
    assert config.signers["Sam"]["image"] == str(tmp_path / "sam.png")


def test_unknown_key_names_file_and_known_keys(tmp_path):
    path = write(tmp_path, "[shop]\nnmae = 'x'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f'{path}: unknown setting "shop.nmae". Known: shop.name,')


def test_bad_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[shop\n")
    with pytest.raises(ConfigError, match=f"^{path}: not valid TOML"):
        load_config(path)


def test_no_file_means_defaults():
    config = load_config(None)
    assert config.is_default and config.card_format == "a2-folded"
