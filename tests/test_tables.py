"""The tables of notecards.toml and occasion.toml: records at the edge, errors with file and key."""

from __future__ import annotations

import shutil
from dataclasses import fields
from pathlib import Path
from types import SimpleNamespace

import pytest

from notecards.choices import Ink, Rule
from notecards.config import Config, load_config
from notecards.errors import ConfigError
from notecards.handwriting.styles import STYLES, HandStyle, get_style
from notecards.paths import default_templates_dir
from notecards.planning.compose import code_text
from notecards.planning.occasions import read_occasions
from notecards.tables import BUNDLED_HANDS, HandEntry, OccasionEntry, SignerSpec


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notecards.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(path)
    return str(err.value)


def test_tables_become_records(tmp_path):
    config = load_config(
        write(
            tmp_path,
            '[signers.Maya]\nstyle = "signature"\n[signers.Sam]\nname = "Sam K."\n'
            '[hand_styles.mine]\nbase = "neat"\nrotation_deg = 1\nink = "Blue"\n'
            "cluster_glyphs = 2\nalternates = false\n"
            '[occasions.birthday]\nmail_ahead_days = 21\nink = "black"\n'
            '[occasions.birthday.front]\ntitle = "Many happy returns"\n'
            '[formats.till]\n"Customer" = "name"\n',
        )
    )
    assert config.signers == {"Maya": SignerSpec("Maya"), "Sam": SignerSpec("Sam K.")}
    mine = config.hand_styles["mine"]
    assert (
        isinstance(mine, HandEntry)
        and mine.where == f"{tmp_path / 'notecards.toml'} [hand_styles.mine]"
    )
    assert mine.changes() == {
        "rotation_deg": 1.0,
        "ink": Ink.BLUE,
        "cluster_glyphs": 2,
        "alternates": False,
    }
    birthday = config.occasions["birthday"]
    assert isinstance(birthday, OccasionEntry)
    assert birthday.keys() == {"mail_ahead_days", "ink", "front"}
    assert config.formats == {"till": {"Customer": "name"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[signers.Maya]\nimgae = "maya.png"\n',
            '[signers.Maya]: unknown key "imgae" — did you mean "image"?',
        ),
        ("[signers.Maya]\nstyle = 3\n", "[signers.Maya]: style must be text in quotes"),
        ('[signers]\nMaya = "signature"\n', "[signers.Maya] must be a table"),
        (
            '[hand_styles.mine]\nrotation_deg = "lots"\n',
            "[hand_styles.mine]: rotation_deg must be a number ≥ 0, not 'lots'.",
        ),
        (
            "[hand_styles.mine]\nsize_jitter = -0.1\n",
            "[hand_styles.mine]: size_jitter must be a number ≥ 0, not -0.1.",
        ),
        (
            '[hand_styles.mine]\nink = "green"\n',
            '[hand_styles.mine]: ink = "green" is not known — use one of: blue-black, blue',
        ),
        (
            '[hand_styles.mine]\nalternates = "no"\n',
            "[hand_styles.mine]: alternates must be true or false, not 'no'.",
        ),
        ("[hand_styles.mine]\ncluster_glyphs = 0\n", "cluster_glyphs must be at least 1."),
        ("[hand_styles.mine]\nwobble = 1\n", "[hand_styles.mine]: unknown setting(s) wobble."),
        (
            '[occasions.birthday]\nmail_ahead_days = "ten"\n',
            "[occasions.birthday]: mail_ahead_days must be a whole number of days",
        ),
        (
            "[occasions.birthday]\nqr = 1\n",
            "[occasions.birthday]: qr must be true or false, not 1.",
        ),
        (
            '[occasions.birthday]\nink = "red"\n',
            '[occasions.birthday]: ink = "red" is not known — use one of: blue-black, blue',
        ),
        (
            '[occasions.birthday]\nrule = "sometimes"\n',
            '[occasions.birthday]: rule "sometimes" is unknown. Use one of: every-order,',
        ),
        (
            '[occasions.birthday]\nsign-off = "Love,"\n',
            '[occasions.birthday]: unknown key "sign-off" — did you mean "sign_off"?',
        ),
        (
            '[occasions.birthday.front]\nmotiff = "stars"\n',
            '[occasions.birthday] [front]: unknown key "motiff" — did you mean "motif"?',
        ),
        ("[formats.till]\nCustomer = 5\n", "[formats.till]: Customer must be text in quotes"),
    ],
)
def test_a_bad_table_value_names_the_file_the_table_and_the_key(tmp_path, text, message):
    path = write(tmp_path, text)
    assert error_of(path).startswith(f"{path} ")
    assert message in error_of(path)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("qr = 'yes'\n", "qr must be true or false, not 'yes'."),
        ("mail_ahead_days = 10.5\n", "mail_ahead_days must be a whole number of days"),
        ("sign_of = 'Love,'\n", 'unknown key "sign_of" — did you mean "sign_off"?'),
        ("qr_caption = 5\n", "qr_caption must be text in quotes"),
    ],
)
def test_a_bad_occasion_toml_value_names_its_file_and_key(tmp_path, extra, message):
    # Top-level keys go before the [front] table: put them at the start of the file.
    folder = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), folder)
    spec = folder / "graduation" / "occasion.toml"
    spec.write_text(extra + spec.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_occasions(folder)
    assert str(err.value).startswith(f"{spec}: {message}")


def test_an_override_wins_key_by_key_and_carries_the_code_label():
    config = Config(
        occasions={
            "birthday": {"code_label": "Take this:", "rule": "birthday", "mail_ahead_days": 30},
            "thank-you": {"ink": "black"},
        }
    )
    occasions = read_occasions(default_templates_dir(), config.occasions)
    birthday = occasions["birthday"]
    assert (birthday.code_label, birthday.mail_ahead_days, birthday.rule) == (
        "Take this:",
        30,
        Rule.BIRTHDAY,
    )
    assert birthday.ink is Ink.BLUE  # not overridden: occasion.toml's
    assert occasions["thank-you"].ink is Ink.BLACK
    assert occasions["thank-you"].code_label == "Your code for next time:"
    job = SimpleNamespace(code="BDAY-7KQ4M9PX", occasion=birthday)
    assert code_text(job) == "Take this: BDAY-7KQ4M9PX"  # type: ignore[arg-type]


def test_config_made_in_code_takes_tables_as_toml_gives_them():
    config = Config(signers={"Maya": {"image": "/sig.png"}}, hand_styles={"mine": {"base": "neat"}})
    assert config.signers["Maya"] == SignerSpec("Maya", image="/sig.png")
    assert get_style("mine", config.hand_styles).name == "mine"
    with pytest.raises(ConfigError, match=r"^notecards.toml \[hand_styles.bad\]: pressure must"):
        Config(hand_styles={"bad": {"pressure": "heavy"}})


def test_a_hands_unknown_base_is_named_with_where_it_is_set(tmp_path):
    path = write(tmp_path, '[hand_styles.mine]\nbase = "fancy"\n')
    config = load_config(path)
    with pytest.raises(ConfigError) as err:
        get_style("mine", config.hand_styles)
    assert str(err.value) == (
        f'{path} [hand_styles.mine]: base "fancy" is not a built-in style. '
        "Use one of: casual, loose, neat, script, signature."
    )


def test_a_hand_entry_has_every_field_of_a_hand_style():
    own = {"name", "base", "where"}
    assert {f.name for f in fields(HandEntry)} - own == {f.name for f in fields(HandStyle)} - {
        "name"
    }


def test_the_bundled_hands_named_at_the_bottom_are_the_hands_there_are():
    """Verify tables.BUNDLED_HANDS (what config checks a hand's name against) lists exactly
    the bundled hand styles."""
    assert sorted(BUNDLED_HANDS) == sorted(STYLES)
