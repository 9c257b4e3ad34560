"""The planning stage's records: a card to print (CardJob), its laid-out content (CardContent)
and an order that gets none (Skipped)."""

from __future__ import annotations

from dataclasses import dataclass

from notecards.handwriting import HandStyle
from notecards.layout.catalogue import CardFormat, EnvelopeFormat
from notecards.layout.envelope import EnvelopeLayout
from notecards.layout.geometry import Box, TextBlock
from notecards.layout.qrcodes import Matrix
from notecards.models import Order
from notecards.planning.messages import Message
from notecards.planning.occasions import FrontDesign, Occasion
from notecards.tables import SignerSpec


@dataclass(frozen=True, slots=True)
class CardJob:
    """One card to print: who, which occasion and wording, and its identity."""

    card_number: int
    card_key: str
    order: Order
    occasion: Occasion
    message: Message
    template: str
    qr_url: str = ""
    is_reprint: bool = False
    content: CardContent | None = None
    """The laid-out card (filled while planning, so a plan that exists can be drawn)."""
    card: CardFormat | None = None
    """The card's format when its occasion chose one (None: the batch's)."""
    envelope: EnvelopeFormat | None = None
    """The card's envelope when its occasion chose one (None: the batch's)."""
    code: str = ""
    """The code printed on the card (planning/codes.py); "" when its occasion has none."""
    envelope_layout: EnvelopeLayout | None = None
    """The laid-out envelope (kept from planning with the content; None: laid out when drawn)."""

    @property
    def seed(self) -> str:
        """Return the seed of the card's handwriting: its identity, so reprints match."""
        return self.card_key


@dataclass(frozen=True, slots=True)
class Skipped:
    """An order that gets no card in this batch, and why."""

    order: Order
    reason: str


@dataclass(frozen=True, slots=True)
class CardContent:
    """Everything unique to one card, laid out: what drawing needs and tests inspect."""

    card_number: int
    seed: str
    occasion: str
    front: FrontDesign
    message: TextBlock
    signer: SignerSpec
    signature_box: Box
    hand: HandStyle
    label: str
    qr: Matrix | None = None
    qr_box: Box | None = None
    qr_caption: str = ""
    address: EnvelopeLayout | None = None
    """A postcard's address side (page coordinates); None for cards mailed in envelopes."""
    code_line: str = ""
    """The small printed line with the card's code ("" without one)."""
    code_box: Box | None = None
    """The safe area whose lower-left corner the code line starts at."""
