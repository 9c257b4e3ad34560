"""Turn one merged group of rows into an Order: who gets the card, at which address."""

from __future__ import annotations

import re
from dataclasses import dataclass

from notecards.choices import GiftCardTo
from notecards.loading.address_cells import AddressCells, build_address
from notecards.loading.grouping import OrderRows, is_truthy
from notecards.loading.names import PersonName, names_match, tidy_name
from notecards.loading.options import LoadOptions
from notecards.models import Address, Order, Problem, Reject, Severity, SourceRef

_ROLE_FIELDS = {  # role → AddressCells attribute → field
    "billing": {
        "line1": "address_line1",
        "line2": "address_line2",
        "line3": "address_line3",
        "lines": "address_lines",
        "full": "address_full",
        "po_box": "po_box",
        "city": "city",
        "region": "region",
        "postal_code": "postal_code",
        "country": "country",
    },
    "shipping": {
        "line1": "ship_line1",
        "line2": "ship_line2",
        "line3": "ship_line3",
        "lines": "ship_lines",
        "po_box": "ship_po_box",
        "city": "ship_city",
        "region": "ship_region",
        "postal_code": "ship_postal_code",
        "country": "ship_country",
    },
    "other": {
        "line1": "alt_line1",
        "line2": "alt_line2",
        "line3": "alt_line3",
        "po_box": "alt_po_box",
        "city": "alt_city",
        "region": "alt_region",
        "postal_code": "alt_postal_code",
        "country": "alt_country",
    },
}


@dataclass(frozen=True, slots=True)
class Built:
    """The outcome for one group: an Order, or rejects; plus findings either way."""

    order: Order | None
    rejects: tuple[Reject, ...]
    problems: tuple[Problem, ...]


def build_order(group: OrderRows, options: LoadOptions) -> Built:
    """Return the Order for *group*, or its rows as rejects with the reason."""
    problems = list(group.problems)
    first = group.first
    buyer = tidy_name(
        group.get("first_name"),
        group.get("last_name"),
        group.get("name"),
        middle=group.get("middle_name"),
        prefix=group.get("name_prefix"),
        suffix=group.get("name_suffix"),
        smart_case=options.smart_case,
    )
    recipient = tidy_name(
        group.get("ship_first_name"),
        group.get("ship_last_name"),
        group.get("ship_name"),
        smart_case=options.smart_case,
    )
    cells = {role: _cells(group, role) for role in _ROLE_FIELDS}
    person, role, company, note = _choose(group, buyer, recipient, cells, options)
    cosmetic: list[Problem] = []
    if person.changes:
        part = person.changes[0][0]
        cosmetic.append(
            _warn(
                group,
                _name_column(group, role == "shipping", part),
                "; ".join(text for _, text in person.changes),
                "turn off smart_case to keep names as typed",
            )
        )
    address, address_notes = build_address(cells[role], options.home_country)
    for part, text in address_notes:
        column = group.column(_ROLE_FIELDS[role].get(_part_key(part), part))
        cosmetic.append(_warn(group, column, text, "check the address on the envelope"))
    if person.care_of:
        note = "; ".join(n for n in (note, f"c/o {person.care_of}") if n)
    failure = _missing(group, person, company, address, role)
    if failure:
        column, message, hint = failure
        error = Problem(
            Severity.ERROR, first.source, first.number, column, message, hint, first.sheet
        )
        reason = f"{column}: {message} — {hint}"
        rejects = tuple(Reject(r.source, r.number, reason, r.cells, r.sheet) for r in group.records)
        return Built(None, rejects, (*problems, error))  # no cosmetic notes on a rejected row
    problems.extend(cosmetic)
    order = Order(
        source=source_ref(group),
        order_id=group.get("order_id"),
        order_date=next((r.order_date for r in group.records if r.order_date), None),
        first_name=person.first,
        last_name=person.last,
        name=person.full,
        email=group.get("email"),
        company=company,
        address=address,
        birthday=group.birthday,
        occasion=group.get("occasion"),
        personal_line=group.get("personal_line"),
        items=group.items,
        signer=group.get("signer"),
        do_not_contact=is_truthy(group.get("do_not_contact")),
        last_order_date=next((r.last_order_date for r in group.records if r.last_order_date), None),
        recipient_note=note,
        extra=group.extra,
        total=group.get("order_total"),
        discount_code=group.get("discount_code"),
    )
    return Built(order, (), tuple(problems))


def _cells(group: OrderRows, role: str) -> AddressCells:
    values = group.values
    fields = _ROLE_FIELDS[role]
    if not any(field in values for field in fields.values()):
        return AddressCells()
    return AddressCells(**{attr: values.get(field, "") for attr, field in fields.items()})


def _part_key(part: str) -> str:
    return {"address_line1": "line1", "postal_code": "postal_code", "country": "country"}.get(
        part, part
    )


def _looks_like_person(name: str) -> bool:
    # Etsy's "Buyer" is sometimes a user name ("coolbuyer42"), which must not go on a card.
    return bool(name) and " " in name.strip() and not re.search(r"[\d_@]", name)


def _choose(
    group: OrderRows,
    buyer: PersonName,
    recipient: PersonName,
    cells: dict[str, AddressCells],
    options: LoadOptions,
) -> tuple[PersonName, str, str, str]:
    """Return (person on the card, address role, company, recipient note)."""
    has_shipping = not cells["shipping"].is_empty
    has_billing = not cells["billing"].is_empty
    buyer_usable = bool(buyer.full) and (
        not group.first.fmt.buyer_may_be_username or _looks_like_person(buyer.full)
    )
    if not has_shipping and not recipient.full:
        role = "billing" if has_billing or cells["other"].is_empty else "other"
        return buyer, role, group.get("company"), ""
    default_role = "shipping" if has_shipping else "billing"
    if not buyer_usable or not recipient.full or names_match(buyer.full, recipient.full):
        person = recipient if (recipient.full and not buyer_usable) else buyer
        company = group.get("ship_company") or group.get("company")
        return person, default_role, company, ""
    # A gift: the buyer and the ship-to person differ. Choose on purpose and say so.
    role = options.gift_address.value
    if role == "billing" and not has_billing:
        role = "shipping"
    elif role == "shipping" and not has_shipping:
        role = "billing"
    place = (
        "the recipient's (shipping) address"
        if role == "shipping"
        else "the buyer's (billing) address"
    )
    if options.gift_card_to is GiftCardTo.BUYER:
        note = f"gift: card to buyer {buyer.full}, at {place}; shipped to {recipient.full}"
        return buyer, role, group.get("company"), note
    note = f"gift: card to recipient {recipient.full}, at {place}; bought by {buyer.full}"
    return recipient, role, group.get("ship_company"), note


def _name_column(group: OrderRows, shipping: bool, part: str) -> str:
    field = {"first": "first_name", "last": "last_name", "middle": "middle_name"}.get(part, "name")
    if shipping:
        field = "ship_" + field
    for candidate in (field, "ship_name" if shipping else "name"):
        if group.get(candidate):
            return group.column(candidate)
    return group.column(field)


def _missing(
    group: OrderRows, person: PersonName, company: str, address: Address, role: str
) -> tuple[str, str, str] | None:
    columns = _ROLE_FIELDS[role]
    if not (person.full or person.first or person.last or company):
        return (
            group.column("name") if "name" in group.first.headers else group.column("first_name"),
            "there is no name or company for the card",
            "fill in a name, or remove the row",
        )
    street = _first_column(group, [columns[k] for k in ("line1", "lines", "full") if k in columns])
    if address.is_empty:
        return (street, "there is no postal address", "fill in the address, or remove the row")
    if not address.line1:
        return (street, "the street address is empty", "fill it in, or remove the row")
    if not (address.city or address.postal_code):
        return (
            group.column(columns["postal_code"]),
            "the postal code is empty",
            "fill it in, or remove the row",
        )
    return None


def _first_column(group: OrderRows, fields: list[str]) -> str:
    for field in fields:
        if field in group.first.headers:
            return group.column(field)
    return fields[0]


def _warn(group: OrderRows, column: str, message: str, hint: str) -> Problem:
    first = group.first
    return Problem(Severity.WARNING, first.source, first.number, column, message, hint, first.sheet)


def source_ref(group: OrderRows) -> SourceRef:
    """Return where the rows of *group* are (files, sheet and row numbers)."""
    paths = list(dict.fromkeys(r.source for r in group.records))
    sheets = {r.sheet for r in group.records}
    sheet = group.first.sheet if len(sheets) == 1 else None
    row_paths = tuple(r.source for r in group.records) if len(paths) > 1 else ()
    return SourceRef(paths[0], tuple(r.number for r in group.records), sheet, row_paths)
