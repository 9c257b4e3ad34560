"""Lay out one card and one envelope from a planned job (measurement via the bundled fonts)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from notecards.choices import Ink
from notecards.handwriting import (
    LAYOUT_ASCENT,
    LAYOUT_DESCENT,
    HandStyle,
    get_style,
    max_excursion_pt,
    register_style_fonts,
)
from notecards.handwriting.styles import register_bundled_fonts, with_ink
from notecards.layout.catalogue import EnvelopeFormat
from notecards.layout.envelope import EnvelopeLayout, layout_envelope
from notecards.layout.fonts import (
    ADDRESS_DIGITS_FONT,
    CLEAN_FALLBACKS,
    FALLBACK_FONT,
    SIGNATURE_FALLBACKS,
    CarefulChain,
    FontChain,
    chain,
    ensure_registered,
    measure,
)
from notecards.layout.geometry import Box, Paragraph, fit_paragraphs
from notecards.layout.panels import (
    CardGeometry,
    card_geometry,
    marker_anchor,
    message_areas,
    qr_box,
)
from notecards.layout.postcard import layout_postcard_address
from notecards.layout.postcard import message_panel as postcard_message_panel
from notecards.layout.qrcodes import CAPTION_PT, caption_baseline_pt, qr_matrix, quiet_zone_pt
from notecards.layout.shaping import GLYPH_BASE
from notecards.planning.jobs import CardContent, CardJob
from notecards.postal.addresses import format_address
from notecards.settings import BatchSettings
from notecards.tables import HandEntry, SignerSpec

#: What the envelope hand writes carefully: figures, and the capital I ("WI", "IL", "ID").
ADDRESS_CAREFUL = frozenset("0123456789I")
#: A hand stops short of the right edge: each line may break up to this much of the width early.
RAGGED_RIGHT = 0.1
#: Shaped glyphs' private codes (layout.shaping.GLYPH_BASE on).
_SHAPED = re.compile(f"[{chr(GLYPH_BASE)}-\uf8ff]")


def hand_for(job: CardJob, settings: BatchSettings) -> HandStyle:
    """Return the handwriting style of *job*: config wins over the occasion's choice."""
    config = settings.config
    style = get_style(config.hand or job.occasion.hand, config.hand_styles)
    ink = config.ink or job.occasion.ink
    return with_ink(style, ink) if ink and ink != style.ink else style


def layout_card(
    job: CardJob, settings: BatchSettings, geometry: CardGeometry | None = None
) -> CardContent:
    """Return the laid-out content of *job*'s card.

    Raises:
        LayoutError: the message does not fit even at the smallest size.
        FontError: a character cannot be drawn by the hand's font nor the fallback.
    """
    register_bundled_fonts()
    # The job's own format, when its occasion chose one.
    settings = settings.for_formats(job.card, job.envelope)
    if geometry is None or geometry.card != settings.card:
        geometry = card_geometry(settings.card, settings.bleed_pt, settings.crop_marks)
    hand = hand_for(job, settings)
    register_style_fonts([hand])
    fonts = chain(hand.font_name)
    message = job.message
    missing = fonts.check(message.text)
    if missing:
        fonts.font_for(missing[0])  # raises FontError naming the character
    check_signer(message.signer, settings)
    panel = geometry.message_panel
    address = None
    if settings.card.is_postcard:
        return_lines = _return_lines(settings)
        panel = postcard_message_panel(geometry.page.trim, len(return_lines))
        address = layout_postcard_address(
            geometry.page.trim,
            return_lines,
            recipient_lines(job, settings),
            measure=measure,
            font_for=_address_fonts(job, settings),
        )
    qr_area = None
    if job.qr_url and not settings.card.folded and not settings.card.is_postcard:
        # A flat card has one message side: the code takes the lower-right corner and the
        # writing keeps left of it, so neither the code nor its caption touch the message.
        qr_area = _flat_qr_box(geometry.safe(panel), geometry.page.trim, job.occasion.qr_caption)
        panel = Box(panel.x_pt, panel.y_pt, qr_area.x_pt - panel.x_pt - 6, panel.height_pt)
    max_size = round(panel.width_pt * 0.062, 1)
    set_with = fonts.font_for_text(message.text)
    used: tuple[str, ...] = (FALLBACK_FONT,)
    if not isinstance(set_with, str):  # fallbacks in play: reserve room for their heights
        texts = (*(p.text for p in message.paragraphs), message.sign_off)
        used = tuple(dict.fromkeys(f for t in texts for _, f in fonts.runs(t)))
    excursion = max_excursion_pt(hand, max_size, extra_fonts=used)
    areas = message_areas(panel, excursion_pt=excursion)
    paragraphs = (
        *message.paragraphs,
        Paragraph(message.sign_off, role="signoff", space_before=0.45),
    )
    block = fit_paragraphs(
        paragraphs,
        areas.writing,
        measure,
        set_with,
        max_size_pt=max_size,
        min_size_pt=9.0,
        leading=1.28,
        ascent=LAYOUT_ASCENT,
        descent=LAYOUT_DESCENT,
        valign="upper",
        ragged=RAGGED_RIGHT,
        seed=job.card_key,
    )
    last_baseline = block.lines[-1].baseline_pt if block.lines else areas.writing.top_pt
    # The signature sits just under the sign-off, as a person would sign; the reserve at the
    # bottom of the panel guarantees it room even when the message fills the writing box.
    sig_height = areas.signature.height_pt
    signature_top = last_baseline - block.size_pt * 0.3
    signature_box = Box(
        areas.signature.x_pt + areas.signature.width_pt * 0.06,
        max(areas.signature.y_pt, signature_top - sig_height),
        areas.signature.width_pt * 0.94,
        sig_height,
    )
    qr = None
    if job.qr_url and not settings.card.is_postcard:  # a postcard has no room for a code
        qr = qr_matrix(job.qr_url)
        if qr_area is None:
            qr_area = qr_box(geometry.safe(geometry.inside_left or geometry.front))
    order = job.order
    label = f"№ {job.card_number}" + (f" · {order.order_id}" if order.order_id else "")
    return CardContent(
        job.card_number,
        job.seed,
        job.occasion.slug,
        job.occasion.front,
        block,
        signer_spec(message.signer, settings),
        signature_box,
        hand,
        label,
        qr,
        qr_area,
        job.occasion.qr_caption if qr else "",
        address,
        code_text(job),
        _code_box(geometry.safe(panel), areas.writing) if job.code else None,
    )


def _code_box(safe: Box, writing: Box) -> Box:
    """Return where the code line goes: under the writing, aligned with its left edge."""
    return Box(writing.x_pt, safe.y_pt, writing.width_pt, writing.y_pt - safe.y_pt)


def code_text(job: CardJob) -> str:
    """Return the printed line that carries *job*'s code ("" when it has none).

    The words before the code come from the occasion's ``code_label`` (default "Your code
    for next time:").
    """
    if not job.code:
        return ""
    label = job.occasion.code_label.strip()
    return f"{label} {job.code}" if label else job.code


def check_signer(name: str, settings: BatchSettings) -> None:
    """Check that the signature's name can be written by its face or a fallback.

    Raises:
        FontError: a character of the name is in no bundled font.
    """
    spec = signer_spec(name, settings)
    if spec.image:
        return
    style = get_style(spec.style)
    register_style_fonts([style])
    register_bundled_fonts()  # the signature's fallbacks include the handwriting faces
    fonts = chain(style.font_name, SIGNATURE_FALLBACKS)
    missing = fonts.check(spec.name)
    if missing:
        fonts.font_for(missing[0])


def check_envelope(job: CardJob, settings: BatchSettings) -> EnvelopeLayout | None:
    """Lay out *job*'s envelope now, so a character no font has rejects the order in planning;
    return the layout (None for a postcard), which drawing uses as it is.

    Raises:
        FontError: a character of the address is in no bundled font.
        LayoutError: the address does not fit the envelope.
    """
    layout = None if settings.card.is_postcard else layout_envelope_for(job, settings)
    if settings.production.labels is not None:
        fonts = chain("NotoSans", CLEAN_FALLBACKS)
        for line in recipient_lines(job, settings):
            fonts.runs(line)
    return layout


def dropped_emoji(job: CardJob, settings: BatchSettings) -> list[str]:
    """Return the emoji of *job*'s message, signer and address that no bundled font draws."""
    texts = (job.message.text, *recipient_lines(job, settings))
    fonts = chain(hand_for(job, settings).font_name)
    return sorted({char for text in texts for char in fonts.dropped(text)})


def signer_spec(name: str, settings: BatchSettings) -> SignerSpec:
    """Return how *name* signs: ``[signers.NAME]`` in config may give a style or an image."""
    return settings.config.signers.get(name) or SignerSpec(name)


def recipient_lines(job: CardJob, settings: BatchSettings) -> tuple[str, ...]:
    """Return the address lines of *job*'s envelope."""
    config = settings.config
    order = job.order
    lines = format_address(
        order.display_name,
        order.company if order.name else "",
        order.address,
        home_country=config.home_country,
        style=config.address_style,
    )
    # NFC: "Zoe" + a combining diaeresis is drawn as one "ë", not an e with a floating mark.
    return tuple(unicodedata.normalize("NFC", line) for line in lines)


def layout_envelope_for(
    job: CardJob, settings: BatchSettings, envelope: EnvelopeFormat | None = None
) -> EnvelopeLayout:
    """Return the envelope layout of *job*."""
    register_bundled_fonts()
    hand = envelope_hand(settings)
    sizes = {"max_size_pt": 15.0, "min_size_pt": 11.0} if hand is not None else {}
    return layout_envelope(
        envelope or settings.for_formats(job.card, job.envelope).envelope,
        _return_lines(settings),
        recipient_lines(job, settings),
        measure=measure,
        font_for=_address_fonts(job, settings),
        hand=hand,
        seed=f"{job.card_key}:envelope",
        **sizes,
    )


def drawable_envelope(job: CardJob, settings: BatchSettings) -> EnvelopeLayout:
    """Return *job*'s envelope layout, ready to draw in this process: planning's when kept,
    else laid out now.

    A kept layout's script fonts and hand (a shop's own, when ``envelope_hand`` names one)
    are registered here, as laying it out would have. One with shaped text (Arabic,
    Devanagari…) is laid out again: shaping gives glyphs private codes in the font of the
    process that shaped them, which another process's copy of the font lacks (the layout
    may have been made in the batch's process and be drawn in a worker).
    """
    layout = job.envelope_layout
    if layout is None:
        return layout_envelope_for(job, settings)
    runs = [run for line in (*layout.return_lines, *layout.recipient_lines) for run in line.runs]
    if any(_SHAPED.search(run.text) for run in runs):
        return layout_envelope_for(job, settings)
    for run in runs:
        ensure_registered(run.font)
    if layout.hand is not None:
        register_style_fonts([layout.hand])
    return layout


def envelope_hand(settings: BatchSettings) -> HandStyle | None:
    """Return the hand that addresses the batch's envelopes, with its font registered (None:
    printed in sans).

    It is ``[cards] envelope_hand`` (``--envelope-hand``; default the legible ``neat``),
    whatever hand a card or its occasion writes in: one look for every envelope of a batch,
    chosen for the sorting machines. Whichever hand it is, it writes with the envelope's
    steady pen (below), and the address's figures and capital I come from the careful face.

    Raises:
        ConfigError: the name is no bundled hand nor ``[hand_styles.NAME]``.
        FontError: the hand's font file is missing.
    """
    name = settings.production.envelope_hand
    if not name:
        return None
    style = _steady_hand(name, settings.config.hand_styles.get(name))
    register_style_fonts([style])
    return style


@lru_cache(maxsize=16)
def _steady_hand(name: str, entry: HandEntry | None) -> HandStyle:
    """Return hand *name* (*entry*: the shop's own of that name) with the envelope's steady pen."""
    style = get_style(name, {name: entry} if entry is not None else None)
    # A little steadier than on the card: lines kept level for the sorting machines; black
    # ink, which the black policy prints on the black plate alone (legible, as USPS asks).
    return replace(
        style,
        name="envelope",
        ink=Ink.BLACK,
        line_slope_deg=0.3,
        rotation_deg=0.4,
        slope_rise=0.03,
    )


def _flat_qr_box(safe: Box, trim: Box, caption: str, size_pt: float = 0.7 * 72) -> Box:
    """Return the QR box in the lower-right of a flat card's safe area, caption included.

    Under it, from the bottom: the card-number marker, then the caption, then the code's
    quiet zone (4 modules), so none of them touches another.
    """
    caption_pt = measure(caption, "NotoSerif-Italic", CAPTION_PT) if caption else 0.0
    overhang = max(0.0, (caption_pt - size_pt) / 2)
    floor = marker_anchor(safe, trim)[1] + 4.5  # top of the marker's 5 pt digits
    if caption:
        # the caption's descenders (0.25 em) and 2 pt of air above the marker
        baseline = floor + 2 + 0.25 * CAPTION_PT
        bottom = baseline - caption_baseline_pt(0.0, size_pt)
    else:
        bottom = floor + quiet_zone_pt(size_pt)
    return Box(safe.right_pt - size_pt - overhang - 1.5, bottom, size_pt, size_pt)


def _return_lines(settings: BatchSettings) -> tuple[str, ...]:
    config = settings.config
    return (config.shop_name, *config.return_address) if config.return_address else ()


def _address_fonts(job: CardJob, settings: BatchSettings) -> FontChain:
    """Return the address fonts: the envelope's hand (``envelope_hand``), or printed sans.

    The hand writes the figures of house numbers and ZIP codes, and the capital I of state
    codes, carefully (``ADDRESS_DIGITS_FONT``): postal OCR misreads the hand's own. Names and
    addresses in other scripts fall back to the clean faces either way.
    """
    hand = envelope_hand(settings)
    if hand is None:
        return chain("NotoSans", CLEAN_FALLBACKS)
    fonts = chain(hand.font_name, (FALLBACK_FONT, *CLEAN_FALLBACKS))
    return CarefulChain(fonts.fonts, ADDRESS_CAREFUL, ADDRESS_DIGITS_FONT)
