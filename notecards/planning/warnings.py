"""Batch-wide warnings a new shop needs on its first day: each says what to do about it.

* a QR code that leads to an example address (the shipped ``qr_url``);
* a card that does not fit its envelope;
* envelopes with no return address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from notecards.config import Config
from notecards.layout.catalogue import CardFormat, EnvelopeFormat
from notecards.models import Problem, Severity
from notecards.planning.occasions import Occasion

#: Room a card needs inside its envelope, per side (1/16 in): a snug card jams the inserter.
CLEARANCE_PT = 72 / 16
#: Domains reserved for examples (RFC 2606): a code that opens one leads nowhere.
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")


def is_example_url(url: str) -> bool:
    """Return True when *url* points at an example domain (RFC 2606) or has no host.

    >>> is_example_url("https://example.com/review?order={order_id}")
    True
    >>> is_example_url("https://juniperandpine.com/review")
    False
    """
    host = (urlsplit(url.strip()).hostname or "").lower()
    return not host or any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def qr_warnings(used: Mapping[str, Occasion], config: Config, templates_dir: Path) -> list[Problem]:
    """Return one warning per occasion whose QR codes would lead to an example address."""
    problems = []
    for slug, occasion in used.items():
        if not occasion.qr:
            continue
        url = config.qr_url or occasion.qr_url
        if not url or not is_example_url(url):
            continue
        where = config.source_path if config.qr_url else str(templates_dir / slug / "occasion.toml")
        problems.append(
            Problem(
                Severity.WARNING,
                where or "notecards.toml",
                None,
                "qr_url",
                f"{slug} cards print a QR code to {url}, an example address that leads nowhere",
                'set qr_url = "https://your-shop.example/review?order={order_id}" with your '
                "own address in [cards] of notecards.toml, or qr = false in the occasion",
            )
        )
    return problems


def fit_warning(card: CardFormat, envelope: EnvelopeFormat) -> Problem | None:
    """Return a warning when the finished *card* does not fit *envelope* (either way round)."""
    if card.is_postcard:
        return None
    short_card, long_card = sorted((card.width_pt, card.height_pt))
    short_env, long_env = sorted((envelope.width_pt, envelope.height_pt))
    if short_card + CLEARANCE_PT <= short_env and long_card + CLEARANCE_PT <= long_env:
        return None
    return Problem(
        Severity.WARNING,
        "envelope",
        None,
        "",
        f"{card.title} does not fit the {envelope.title} "
        f"({_inches(short_card)} × {_inches(long_card)} in card, "
        f"{_inches(short_env)} × {_inches(long_env)} in envelope)",
        f"choose an envelope that fits with --envelope or [cards] envelope (the card's own is \""
        f'{card.envelope or "a2"}")',
    )


def return_address_warning(config: Config, cards: int) -> Problem | None:
    """Return a warning when envelopes will be printed with no return address."""
    if config.return_address or not cards:
        return None
    return Problem(
        Severity.WARNING,
        config.source_path or "notecards.toml",
        None,
        "return_address",
        "the envelopes have no return address, so undeliverable cards cannot come back",
        'add return_address = ["12 Mill Street", "Portland, ME 04101"] under [shop] in '
        "notecards.toml",
    )


def batch_warnings(
    used_formats: Iterable[tuple[CardFormat, EnvelopeFormat]],
    used_occasions: Mapping[str, Occasion],
    config: Config,
    templates_dir: Path,
    cards: int,
) -> list[Problem]:
    """Return every first-day warning of a planned batch (no duplicates)."""
    problems = qr_warnings(used_occasions, config, templates_dir)
    for card, envelope in used_formats:
        fit = fit_warning(card, envelope)
        if fit is not None and fit not in problems:
            problems.append(fit)
    address = return_address_warning(config, cards)
    if address is not None:
        problems.append(address)
    return problems


def _inches(points: float) -> str:
    return f"{points / 72:.3f}".rstrip("0").rstrip(".")
