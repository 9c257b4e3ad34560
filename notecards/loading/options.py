"""LoadOptions: the choices a user makes about how input files are read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from notecards.choices import Choice, DateOrder, GiftAddress, GiftCardTo
from notecards.errors import ConfigError
from notecards.loading.columns import FIELDS

_EMPTY: Mapping[str, Mapping[str, str]] = MappingProxyType({})
C = TypeVar("C", bound=Choice)


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How to read input files.

    ``mappings`` are user formats from the configuration: ``{name: {their column: field}}``,
    where a field is a canonical column (``postal_code``) or an extra field such as
    ``ship_line1`` (see ``notecards.loading.columns.FIELDS``).
    """

    home_country: str = "US"
    sheet: str | None = None
    format_name: str | None = None
    date_order: DateOrder = DateOrder.AUTO
    gift_card_to: GiftCardTo = GiftCardTo.BUYER
    gift_address: GiftAddress = GiftAddress.SHIPPING
    mappings: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: _EMPTY)
    smart_case: bool = True

    def __post_init__(self) -> None:
        # The choices may be given as text ("DMY"): each becomes its enum member here.
        for name, kind in (
            ("date_order", DateOrder),
            ("gift_card_to", GiftCardTo),
            ("gift_address", GiftAddress),
        ):
            value = getattr(self, name)
            if not isinstance(value, kind):
                object.__setattr__(self, name, _choose(name, value, kind))

    def validate(self) -> None:
        """Check every choice, so a typo fails before any file is read.

        Raises:
            ConfigError: the home country or a column mapping is not known (the choices
                were checked when the options were made).
        """
        if len(self.home_country) != 2 or not self.home_country.isalpha():
            raise ConfigError(
                f'home_country "{self.home_country}" is not a two-letter country '
                'code. Use an ISO code such as "US", "GB" or "DE".'
            )
        for name, mapping in self.mappings.items():
            for column, target in mapping.items():
                if target not in FIELDS:
                    known = ", ".join(sorted(FIELDS))
                    raise ConfigError(
                        f'mapping "{name}": column "{column}" maps to "{target}", which is not '
                        f"a notecards column. Use one of: {known}."
                    )


def _choose(option: str, value: str, kind: type[C]) -> C:
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(
            f'{option} "{value}" is not allowed. Use one of: '
            + ", ".join(f'"{a}"' for a in kind.words())
            + "."
        ) from None
