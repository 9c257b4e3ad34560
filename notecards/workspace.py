"""Create a shop's working folder (``notecards init``) and the demo's settings."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from notecards.config import CONFIG_NAME, Config
from notecards.errors import ConfigError
from notecards.paths import default_templates_dir, sample_orders_path

__all__ = ["CONFIG_NAME", "demo_config", "init_workspace", "sample_orders_path"]

SAMPLE_CONFIG = """\
# notecards settings for this shop. Every key is optional; remove a line to use the default.

[shop]
name = "Juniper & Pine"
return_address = ["12 Mill Street", "Portland, ME 04101"]
home_country = "US"           # decides what is domestic mail (no country line)
signer = "Maya"               # signs every card unless a row's signer column says otherwise
tone = "warm"                 # warm | formal | playful: how greetings and wording sound

# How each signer signs: a handwriting style (signature, casual, neat, script) or an image.
[signers.Maya]
style = "signature"
# image = "maya-signature.png"   # a PNG with a transparent background, beside this file

[cards]
format = "a2-folded"          # see `notecards batch --help` for the others
# envelope = "a2"             # default: the card format's own envelope
bleed = "0.125in"
crop_marks = false
# hand = "casual"             # handwriting style for every occasion (default: the occasion's)
# ink = "blue-black"
# envelope_font = "sans"      # print addresses; default "hand": written in a legible hand
# envelope_hand = "neat"      # the hand that addresses every envelope, e.g. a learned "maya"
address_style = "standard"    # standard | usps | royal-mail
qr_url = "https://example.com/review?order={order_id}"
greeting_fallback = "friend"  # "Dear friend," when a row has no first name

[ledger]
path = "notecards-ledger.sqlite"   # remembers every card issued; back it up

[templates]
dir = "templates"             # your copy of the occasion templates: edit freely

[input]
date_order = "auto"           # auto | MDY | DMY for dates such as 03/04/1990
gift_card_to = "buyer"        # buyer | recipient: who a gift order's card greets
gift_address = "shipping"     # shipping | billing

[occasions.birthday]
mail_ahead_days = 10

[occasions.just-because]
cadence_days = 120
"""


def init_workspace(directory: Path) -> list[Path]:
    """Write notecards.toml, orders.csv and templates/ into *directory*; never overwrite.

    Raises:
        ConfigError: any of the files already exists (nothing is written then).
    """
    targets = [directory / CONFIG_NAME, directory / "orders.csv", directory / "templates"]
    existing = [str(path) for path in targets if path.exists()]
    if existing:
        raise ConfigError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}"
            "; notecards init never overwrites. Choose an empty folder."
        )
    directory.mkdir(parents=True, exist_ok=True)
    targets[0].write_text(SAMPLE_CONFIG, encoding="utf-8")
    shutil.copyfile(sample_orders_path(), targets[1])
    shutil.copytree(
        default_templates_dir(),
        targets[2],
        ignore=shutil.ignore_patterns("__pycache__", "__init__.py"),
    )
    return targets


def demo_config(out_dir: Path) -> Config:
    """Return the demo's settings: a sample shop whose ledger lives in the output folder."""
    return replace(
        Config(),
        shop_name="Juniper & Pine",
        return_address=("12 Mill Street", "Portland, ME 04101"),
        signer="Maya",
        ledger_path=str(out_dir / "demo-ledger.sqlite"),
        source_path="(demo)",
    )
