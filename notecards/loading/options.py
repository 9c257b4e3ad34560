"""LoadOptions: the choices a user makes about how input files are read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from notecards.errors import ConfigError
from notecards.loading.columns import FIELDS

_EMPTY: Mapping[str, Mapping[str, str]] = MappingProxyType({})


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
    date_order: str = "auto"
    gift_card_to: str = "buyer"
    gift_address: str = "shipping"
    mappings: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: _EMPTY)
    smart_case: bool = True

    def validate(self) -> None:
        """Check every choice, so a typo fails before any file is read.

        Raises:
            ConfigError: a choice is not one of the allowed values.
        """
        _choose("date_order", self.date_order, ("auto", "MDY", "DMY"))
        _choose("gift_card_to", self.gift_card_to, ("buyer", "recipient"))
        _choose("gift_address", self.gift_address, ("shipping", "billing"))
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


def _choose(option: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(
            f'{option} "{value}" is not allowed. Use one of: '
            + ", ".join(f'"{a}"' for a in allowed)
            + "."
        )
