"""A real-shaped Etsy "Sold Orders" export: hundreds of orders, names and addresses from
around the world, for the tests that one row never stops the day."""

from __future__ import annotations

import csv
from pathlib import Path

HEADERS = (
    "Sale Date,Order ID,Buyer User ID,Full Name,First Name,Last Name,Number of Items,"
    "Payment Method,Date Shipped,Street 1,Street 2,Ship City,Ship State,Ship Zipcode,"
    "Ship Country,Currency,Order Value,Coupon Code,Coupon Details,Discount Amount,"
    "Shipping Discount,Shipping,Sales Tax,Order Total,Status,Card Processing Fees,Order Net,"
    "Adjusted Order Total,Adjusted Card Processing Fees,Adjusted Net Order Amount,Buyer,"
    "Order Type,Payment Type,InPerson Discount,InPerson Location,SKU"
).split(",")

_FIRST = ("Ada", "Ben", "Chloe", "Dev", "Erin", "Finn", "Grace", "Hugo", "Isla", "Jack")
_LAST = ("Whitfield", "Okafor", "Larsen", "Murphy", "Novak", "Reyes", "Walsh", "Young")
_CITIES = (
    ("Burlington", "VT", "05401"),
    ("Portland", "ME", "04101"),
    ("Austin", "TX", "78701"),
    ("Madison", "WI", "53703"),
)

#: One order per script the issue names: (first, last, street 1, street 2, city, state,
#: postcode, country as Etsy writes it).
WORLD: dict[str, tuple[str, str, str, str, str, str, str, str]] = {
    "latin": ("Zoë", "Brontë-Ångström", "Rue de l'Église 3", "", "Besançon", "", "25000", "France"),
    "vietnamese": ("Thảo", "Nguyễn", "12 Đường Lê Lợi", "", "Hà Nội", "", "100000", "Vietnam"),
    "greek": ("Γιώργος", "Παπαδόπουλος", "Οδός Ερμού 12", "", "Αθήνα", "", "10563", "Greece"),
    "cyrillic": ("Наталья", "Смирнова", "ул. Ленина 5", "кв. 7", "Москва", "", "101000", "Russia"),
    "japanese": (
        "陽菜",
        "佐藤",
        "丸の内1-1",
        "〒100-0005",
        "千代田区",
        "東京都",
        "100-0005",
        "Japan",
    ),
    "chinese": ("伟", "王", "建国路88号", "", "北京市", "", "100022", "China"),
    "korean": ("민준", "김", "테헤란로 152", "", "강남구", "서울특별시", "06236", "South Korea"),
    "arabic": ("محمد", "العلي", "شارع الملك فهد 45", "", "الرياض", "", "12211", "Saudi Arabia"),
    "hebrew": ("נועה", "כהן", "רחוב הרצל 12", "", "תל אביב", "", "6100000", "Israel"),
    "thai": ("สมชาย", "ใจดี", "ถนนสุขุมวิท 21", "", "กรุงเทพมหานคร", "", "10110", "Thailand"),
    "devanagari": ("प्रिया", "शर्मा", "गांधी मार्ग 12", "", "नई दिल्ली", "", "110001", "India"),
    "combining": (
        "Zoe\u0301",
        "Mu\u0308ller",
        "Hauptstrasse 5",
        "",
        "Zu\u0308rich",
        "",
        "8001",
        "Switzerland",
    ),
    "emoji": ("Lily 🌸", "Park", "9 Elm Street", "", "Boston", "MA", "02108", "United States"),
}

#: A character no bundled font has (an Egyptian hieroglyph).
NO_FONT = "\U00013000"


def order_row(
    order_id: int,
    first: str,
    last: str,
    street1: str,
    street2: str,
    city: str,
    state: str,
    postcode: str,
    country: str,
) -> dict[str, str]:
    """Return one Etsy Sold Orders row."""
    row = dict.fromkeys(HEADERS, "")
    row.update(
        {
            "Sale Date": "11/18/26",
            "Order ID": str(order_id),
            "Buyer User ID": f"buyer{order_id}",
            "Full Name": f"{first} {last}",
            "First Name": first,
            "Last Name": last,
            "Number of Items": "1",
            "Payment Method": "Credit Card",
            "Street 1": street1,
            "Street 2": street2,
            "Ship City": city,
            "Ship State": state,
            "Ship Zipcode": postcode,
            "Ship Country": country,
            "Currency": "USD",
            "Order Value": "24.00",
            "Order Total": "29.50",
            "Status": "Completed",
            "Buyer": f"{first} {last}",
            "Order Type": "online",
            "Payment Type": "online_cc",
        }
    )
    return row


def plain_row(order_id: int) -> dict[str, str]:
    """Return an ordinary US order (the bulk of a day)."""
    n = order_id
    city, state, postcode = _CITIES[n % len(_CITIES)]
    return order_row(
        n,
        _FIRST[n % len(_FIRST)],
        _LAST[(n // 3) % len(_LAST)],
        f"{10 + n % 90} Orchard Lane",
        "",
        city,
        state,
        postcode,
        "United States",
    )


def write_export(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write *rows* as an Etsy Sold Orders CSV at *path*."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def world_export(path: Path, count: int = 470) -> tuple[Path, dict[str, int]]:
    """Write *count* orders: plain ones, one per script of WORLD spread through the day,
    and last one with a character no font has. Return the path and {script: order id}."""
    rows = [plain_row(100000 + i) for i in range(count - len(WORLD) - 1)]
    ids: dict[str, int] = {}
    step = max(1, len(rows) // (len(WORLD) + 1))
    for k, (script, values) in enumerate(WORLD.items()):
        order_id = 200000 + k
        rows.insert((k + 1) * step + k, order_row(order_id, *values))
        ids[script] = order_id
    ids["no-font"] = 299999
    rows.append(
        order_row(
            299999,
            "Ada",
            f"Lovelace {NO_FONT}",
            "1 Main St",
            "",
            "Springfield",
            "IL",
            "62701",
            "United States",
        )
    )
    return write_export(path, rows), ids
