"""notecards.toml: reading, errors that name the file and key, paths relative to the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notecards.choices import (
    AddressStyle,
    DateOrder,
    EnvelopeFont,
    Flip,
    GiftAddress,
    GiftCardTo,
    Ink,
    PdfX,
    Tone,
)
from notecards.config import Config, load_config
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
    assert config.occasions["birthday"].mail_ahead_days == 10
    assert config.signers["Maya"].style == "signature"
    assert not config.is_default


def test_signature_image_is_relative_to_the_config(tmp_path):
    config = load_config(write(tmp_path, '[signers.Sam]\nimage = "sam.png"\n'))
    assert config.signers["Sam"].image == str(tmp_path / "sam.png")


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


def test_closed_set_settings_become_enums_that_keep_their_words(tmp_path):
    config = load_config(
        write(
            tmp_path,
            '[shop]\ntone = "Formal"\n'
            '[cards]\nenvelope_font = "Sans"\nduplex_flip = "short"\nink = " blue "\n'
            'pdfx = "PDF/X-1a"\naddress_style = "USPS"\n'
            '[input]\ndate_order = "dmy"\ngift_card_to = "recipient"\ngift_address = "billing"\n',
        )
    )
    assert config.tone is Tone.FORMAL
    assert config.envelope_font is EnvelopeFont.SANS
    assert config.duplex_flip is Flip.SHORT_EDGE
    assert config.ink is Ink.BLUE
    assert config.pdfx is PdfX.X_1A
    assert config.address_style is AddressStyle.USPS
    assert config.date_order is DateOrder.DMY
    assert config.gift_card_to is GiftCardTo.RECIPIENT
    assert config.gift_address is GiftAddress.BILLING
    # The words stay the words: in messages, manifests and JSON job tickets.
    assert f"{config.duplex_flip}" == str(config.duplex_flip) == "short-edge"
    assert json.dumps([config.pdfx, config.ink]) == '["x-1a", "blue"]'
    assert config.tone == "formal"


def test_empty_ink_and_pdfx_mean_not_set(tmp_path):
    config = load_config(write(tmp_path, '[cards]\nink = ""\npdfx = "off"\n'))
    assert config.ink is None and config.pdfx is None
    assert Config().ink is None and Config().pdfx is None


@pytest.mark.parametrize(
    ("table", "key", "value", "known"),
    [
        ("cards", "envelope_font", "script", "use one of: hand, sans"),
        ("cards", "duplex_flip", "long edge", 'did you mean "long-edge"?'),
        ("cards", "ink", "green", "use one of: blue-black, blue, black"),
        ("cards", "pdfx", "pdf/x-2", "one of: x-1a, x-4"),
        ("input", "date_order", "YMD", "use one of: auto, MDY, DMY"),
        ("input", "gift_card_to", "buyr", 'did you mean "buyer"?'),
        ("input", "gift_address", "home", "use one of: shipping, billing"),
    ],
)
def test_a_closed_set_typo_names_the_file_the_key_and_the_words(tmp_path, table, key, value, known):
    path = write(tmp_path, f'[{table}]\n{key} = "{value}"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f'{path}: {table}.{key} = "{value}" is not known — ')
    assert known in str(err.value)


def test_config_made_in_code_takes_the_words_as_text():
    config = Config(envelope_font="sans", duplex_flip="long", ink="", pdfx="x-4", tone="playful")
    assert config.envelope_font is EnvelopeFont.SANS
    assert config.duplex_flip is Flip.LONG_EDGE
    assert config.ink is None and config.pdfx is PdfX.X_4 and config.tone is Tone.PLAYFUL
    with pytest.raises(ConfigError, match='^Config tone = "loud" is not known — use one of: warm'):
        Config(tone="loud")


def test_the_envelope_hand_defaults_to_neat_and_may_name_a_shops_own_hand(tmp_path):
    """Verify ``[cards] envelope_hand`` takes a bundled hand or a [hand_styles.NAME] that comes
    later in the file, and that the sample config's commented line reads back as the default."""
    assert Config().envelope_hand == load_config(None).envelope_hand == "neat"
    path = write(
        tmp_path,
        '[cards]\nenvelope_hand = "mine"\nhand = "mine"\n[hand_styles.mine]\nbase = "neat"\n',
    )
    config = load_config(path)
    assert config.envelope_hand == "mine" and config.hand == "mine"
    assert load_config(write(tmp_path, '[cards]\nenvelope_hand = "casual"\n')).envelope_hand == (
        "casual"
    )
    sample = SAMPLE_CONFIG.replace('# envelope_hand = "neat"', 'envelope_hand = "neat"')
    assert sample != SAMPLE_CONFIG
    assert load_config(write(tmp_path, sample)).envelope_hand == "neat"


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("envelope_hand", "mya", 'did you mean "maya"? (one of: casual, loose, maya, neat, script'),
        ("envelope_hand", "", "use one of: casual, loose, maya, neat, script, signature"),
        ("hand", "Maya", 'did you mean "maya"?'),
    ],
)
def test_a_hand_no_one_has_names_the_file_the_key_and_the_hands(tmp_path, key, value, hint):
    path = write(tmp_path, f'[cards]\n{key} = "{value}"\n[hand_styles.maya]\nbase = "neat"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(f'{path}: cards.{key} = "{value}" is not known — '), message
    assert hint in message
    assert "[hand_styles.NAME]" in message  # where a shop's own hand comes from


def test_config_made_in_code_checks_the_hands_it_names():
    assert Config(envelope_hand="mine", hand_styles={"mine": {"base": "neat"}}).envelope_hand
    with pytest.raises(ConfigError, match='^Config envelope_hand = "mine" is not known — '):
        Config(envelope_hand="mine")
    with pytest.raises(ConfigError, match='^Config hand = "fancy" is not known — '):
        Config(hand="fancy")
