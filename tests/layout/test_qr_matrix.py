"""The fast QR path gives qrcode's own matrix, bit for bit, and every code decodes."""

from __future__ import annotations

import random
import string

import numpy as np
import pytest
import qrcode
import qrcode.util
import zxingcpp
from qrcode.constants import ERROR_CORRECT_M

from notecards.layout.qrcodes import FIXED_MASK, qr_matrix


def _qrcode_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The slow, obvious way: qrcode fits the version and places the modules itself."""
    probe = qrcode.QRCode(border=0, error_correction=ERROR_CORRECT_M)
    probe.add_data(payload, optimize=0)
    version = probe.best_fit()
    code = qrcode.QRCode(
        version=version, border=0, error_correction=ERROR_CORRECT_M, mask_pattern=FIXED_MASK
    )
    code.add_data(payload, optimize=0)
    code.make(fit=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _payloads() -> list[str]:
    rng = random.Random(14)
    alphabets = (
        string.digits,
        qrcode.util.ALPHA_NUM.decode(),
        string.ascii_letters + string.digits + string.punctuation + " éüß☃€",
    )
    payloads = [
        "https://juniperthread.example/r/JT-100001?c=97214",
        "https://shop.example/r?o=A%201",
        "1",
        "A",
        "HELLO WORLD",
    ]
    for index in range(360):
        alphabet = alphabets[index % 3]
        longest = 400 if index % 9 == 0 else 90  # a few reach versions 7+ (version blocks)
        payloads.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest))))
    return payloads


PAYLOADS = _payloads()


def test_fast_matrix_is_qrcodes_matrix_for_every_mode_and_version() -> None:
    sizes = set()
    for payload in PAYLOADS:
        matrix = qr_matrix(payload)
        assert matrix == _qrcode_matrix(payload), payload
        sizes.add(len(matrix))
    # numeric, alphanumeric and byte payloads across many versions, including 7+.
    assert len(sizes) >= 8 and max(sizes) >= 45


def _decode(matrix: tuple[tuple[bool, ...], ...]) -> str:
    cells = np.array(matrix, dtype=bool)
    image = np.where(np.pad(cells, 4), 0, 255).astype(np.uint8)
    image = np.kron(image, np.ones((4, 4), dtype=np.uint8))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


@pytest.mark.parametrize("payload", PAYLOADS[::6])
def test_every_fast_code_decodes_to_its_payload(payload: str) -> None:
    assert _decode(qr_matrix(payload)) == payload


def test_mask_search_still_available() -> None:
    payload = "https://juniperthread.example/r/JT-100001?c=97214"
    assert _decode(qr_matrix(payload, search_mask=True)) == payload
