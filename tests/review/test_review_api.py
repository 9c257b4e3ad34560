"""The review desk's JSON API: every endpoint, its token rules, and edits as data."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image, ImageChops

from notecards import workspace
from notecards.ledger.reviews import load_edits
from notecards.planning.batch import make_settings
from notecards.review import Review
from notecards.review.web import TOKEN_HEADER, create_app
from tests.conftest import TODAY
from tests.pdfcheck import page_texts

TOKEN = "test-token-0123456789"


@pytest.fixture
def review(tmp_path: Path) -> Review:
    settings = make_settings(ledger_path=tmp_path / "ledger.sqlite")
    return Review([workspace.sample_orders_path()], settings, today=TODAY, out_dir=tmp_path / "out")


@pytest.fixture
def client(review: Review) -> FlaskClient:
    return create_app(review, TOKEN).test_client()


def auth(**extra: str) -> dict[str, str]:
    return {TOKEN_HEADER: TOKEN, **extra}


def get(client: FlaskClient, url: str) -> Any:
    response = client.get(url, headers=auth())
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def patch(client: FlaskClient, number: int, body: Any, token: str = TOKEN) -> Any:
    return client.patch(f"/api/cards/{number}", json=body, headers={TOKEN_HEADER: token})


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def words(text: str) -> str:
    return " ".join(text.split())


# -- tokens --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/"),
        ("GET", "/static/app.js"),
        ("GET", "/api/cards"),
        ("GET", "/api/cards/1"),
        ("GET", "/api/cards/1/proof/inside.png"),
        ("PATCH", "/api/cards/1"),
        ("PATCH", "/api/rejects/1"),
        ("POST", "/api/print"),
        ("GET", "/files/cards.pdf"),
    ],
)
def test_every_request_without_the_token_is_refused(client: FlaskClient, method: str, url: str):
    for headers in ({}, {TOKEN_HEADER: "wrong"}, {TOKEN_HEADER: TOKEN[:-1]}):
        response = client.open(url, method=method, headers=headers, json={"status": "approved"})
        assert response.status_code == 403
        assert "token" in response.get_json()["error"]
    wrong_query = client.open(f"{url}?token=wrong", method=method, json={})
    assert wrong_query.status_code == 403


def test_the_page_takes_the_token_from_the_address_and_keeps_it(client: FlaskClient):
    response = client.get(f"/?token={TOKEN}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'data-token="{TOKEN}"' in html
    assert "https://" not in html and "http://" not in html  # every asset is served locally
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/static/app.css?token={TOKEN}").status_code == 200


def test_state_changing_requests_take_the_header_only(client: FlaskClient, review: Review):
    # A link (or a form on another site) carrying the token in its address changes nothing.
    response = client.patch(f"/api/cards/1?token={TOKEN}", json={"status": "approved"})
    assert response.status_code == 403
    assert client.post(f"/api/print?token={TOKEN}").status_code == 403
    assert review.card(1)["status"] == "pending"
    assert load_edits(review.settings.ledger_path) == {}


def test_requests_for_another_host_are_refused(client: FlaskClient):
    response = client.get("/api/cards", headers=auth(), base_url="http://evil.example:5000")
    assert response.status_code == 403


def test_no_request_path_reaches_the_file_system(client: FlaskClient):
    for url in (
        "/static/../../pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/static/index.html.bak",
        "/files/..%2fledger.sqlite",
        "/files/cards.pdf",  # nothing printed yet: no file is known by that name
    ):
        response = client.get(url, headers=auth())
        assert response.status_code == 404, url
        assert b"[project]" not in response.data


# -- reading -------------------------------------------------------------------------------


def test_cards_lists_every_planned_card_with_its_details(client: FlaskClient):
    data = get(client, "/api/cards")
    cards = data["cards"]
    assert [c["card_number"] for c in cards] == list(range(1, 13))
    first = cards[0]
    for field in (
        "card_number",
        "order_id",
        "recipient",
        "occasion",
        "personal_line",
        "message",
        "status",
        "warnings",
    ):
        assert field in first
    assert first["order_id"] == "1001" and first["recipient"] == "Ada Whitfield"
    assert first["personal_line"].startswith("I hope the lavender candle")
    assert first["items"] == ["Lavender candle"] and first["status"] == "pending"
    assert {c["occasion"] for c in cards} == {"thank-you", "birthday", "just-because", "graduation"}
    assert data["counts"] == {"pending": 12, "approved": 0, "held": 0, "skipped": 0}
    assert data["rejects"][0]["row"] == 15
    assert "street address is empty" in data["rejects"][0]["reason"]


def test_card_detail_and_bad_card_numbers(client: FlaskClient):
    card = get(client, "/api/cards/4")
    assert card["recipient"] == "Marcus Bell" and card["order_id"] == "1004"
    assert card["message"].startswith(("Dear Marcus,", "Hi Marcus,", "Hello Marcus,"))
    for url in ("/api/cards/0", "/api/cards/13", "/api/cards/999/proof/inside.png"):
        response = client.get(url, headers=auth())
        assert response.status_code == 404
        assert "no such card" in response.get_json()["error"]
    for url in ("/api/cards/abc", "/api/cards/-1", "/api/cards/1.5"):
        response = client.get(url, headers=auth())
        assert response.status_code == 404 and "error" in response.get_json()
    assert patch(client, 13, {"status": "approved"}).status_code == 404


def test_proofs_are_rendered_from_the_printed_bytes(client: FlaskClient):
    sizes = {}
    for side in ("outside", "inside", "envelope"):
        response = client.get(f"/api/cards/1/proof/{side}.png", headers=auth())
        assert response.status_code == 200 and response.mimetype == "image/png"
        sizes[side] = png(response.data).size
    # a2-folded: outside and inside are the same 8.5 × 5.5 in spread; the envelope is A2.
    assert sizes["outside"] == sizes["inside"]
    assert sizes["inside"][0] > sizes["inside"][1]
    assert sizes["envelope"] != sizes["inside"]
    assert client.get("/api/cards/1/proof/back.png", headers=auth()).status_code == 422
    by_query = client.get(f"/api/cards/1/proof/inside.png?token={TOKEN}")
    assert by_query.status_code == 200  # an <img> cannot send headers


# -- editing -------------------------------------------------------------------------------


def test_editing_the_personal_line_changes_the_proof_and_is_kept(
    client: FlaskClient, review: Review
):
    before = png(client.get("/api/cards/2/proof/inside.png", headers=auth()).data)
    response = patch(client, 2, {"personal_line": "See you at the spring market, Ada!"})
    assert response.status_code == 200
    card = response.get_json()
    assert card["personal_line"] == "See you at the spring market, Ada!"
    assert card["edited"] and card["edited_fields"] == ["personal_line"]
    after = png(client.get("/api/cards/2/proof/inside.png", headers=auth()).data)
    assert ImageChops.difference(before, after).getbbox() is not None
    assert load_edits(review.settings.ledger_path)["thank-you:1002"].personal_line == (
        "See you at the spring market, Ada!"
    )
    # A new session over the same file (closing the browser) shows the edit.
    again = Review(
        [workspace.sample_orders_path()], review.settings, today=TODAY, out_dir=review.out_dir
    )
    assert again.card(2)["personal_line"] == "See you at the spring market, Ada!"


def test_signer_variant_status_and_whole_message(client: FlaskClient):
    card = patch(client, 4, {"signer": "Sam", "variant": "01-warm"}).get_json()
    assert card["signer"] == "Sam" and card["variant"] == "01-warm"
    card = patch(client, 4, {"message": "Dear Marcus,\n\nThe mug suits you."}).get_json()
    assert card["message"] == "Dear Marcus,\n\nThe mug suits you."
    card = patch(client, 4, {"status": "skipped", "reason": "duplicate order"}).get_json()
    assert card["status"] == "skipped" and card["reason"] == "duplicate order"
    card = patch(client, 4, {"message": None, "status": "pending"}).get_json()
    assert card["message"].startswith(("Dear Marcus,", "Hi Marcus,", "Hello Marcus,"))
    assert "mug suits" not in card["message"]
    assert card["status"] == "pending" and card["reason"] == ""
    for body, words_expected in (
        ({"status": "printed"}, "status must be one of"),
        ({"signer": "Mallory"}, "unknown signer"),
        ({"variant": "99-nope"}, "no wording"),
        ({"colour": "red"}, "cannot change colour"),
        ({"personal_line": 42}, "must be text"),
        ({"message": "   "}, "would be empty"),
    ):
        response = patch(client, 4, body)
        assert response.status_code == 422, body
        assert words_expected in response.get_json()["error"]
    bad_json = client.patch(
        "/api/cards/4", data="{not json", headers=auth(**{"Content-Type": "application/json"})
    )
    assert bad_json.status_code == 422 and "JSON object" in bad_json.get_json()["error"]


def test_too_long_edits_are_refused_with_the_reason(client: FlaskClient, review: Review):
    response = patch(client, 3, {"personal_line": "x" * 301})
    assert response.status_code == 422
    assert "301 characters" in response.get_json()["error"]
    too_much = "A long line of words that keeps going and going. " * 30
    response = patch(client, 3, {"message": too_much})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "does not fit" in error and "Shorten" in error
    # Nothing was kept: the card still says what the template says.
    assert review.card(3)["edited"] is False
    assert load_edits(review.settings.ledger_path) == {}


def test_template_syntax_typed_into_an_edit_is_written_as_typed(
    client: FlaskClient, review: Review, tmp_path: Path
):
    typed = "Dear Marcus,\n\n{{ 7 * 7 }} {{ ''.__class__ }} {% for x in range(3) %}x{% endfor %}"
    card = patch(client, 4, {"message": typed}).get_json()
    assert card["message"] == typed
    card = patch(client, 5, {"personal_line": "{{ shop_name }} {{ 6 * 7 }}"}).get_json()
    assert card["personal_line"] == "{{ shop_name }} {{ 6 * 7 }}"
    patch(client, 4, {"status": "approved"})
    patch(client, 5, {"status": "approved"})
    client.post("/api/print", headers=auth())
    text = words(" ".join(page_texts(tmp_path / "out" / "cards.pdf")))
    assert "{{ 7 * 7 }}" in text and "{{ shop_name }} {{ 6 * 7 }}" in text
    assert "49" not in text and "42" not in text and "Your Shop 42" not in text
    assert words(typed) in text
    assert "<class" not in text and "xxx" not in text


def test_two_tabs_editing_one_card_last_write_wins_field_by_field(client: FlaskClient):
    # Tab A and tab B both loaded card 6; A sets the personal line, B the signer.
    assert patch(client, 6, {"personal_line": "From tab A"}).status_code == 200
    assert patch(client, 6, {"signer": "Sam"}).status_code == 200
    card = get(client, "/api/cards/6")
    assert card["personal_line"] == "From tab A" and card["signer"] == "Sam"
    # Both change the same field: the later request wins (no conflict reply).
    assert patch(client, 6, {"personal_line": "From tab B"}).status_code == 200
    assert patch(client, 6, {"personal_line": "From tab A again"}).status_code == 200
    assert get(client, "/api/cards/6")["personal_line"] == "From tab A again"


def test_fixing_a_rejected_row_makes_it_a_card(client: FlaskClient, review: Review):
    response = client.patch(
        "/api/rejects/1",
        json={"fields": {"address_line1": "12 Pike Street", "postal_code": "98101"}},
        headers=auth(),
    )
    assert response.status_code == 200, response.get_json()
    data = get(client, "/api/cards")
    assert data["rejects"] == []
    grace = data["cards"][-1]
    assert grace["card_number"] == 13 and grace["recipient"] == "Grace Liu"
    assert grace["address"][0] == "12 Pike Street"
    # The export is not changed; the fix is in the ledger for order 1010.
    assert "12 Pike Street" not in workspace.sample_orders_path().read_text(encoding="utf-8")
    for body in ({"fields": {"secret": "x"}}, {"fields": "x"}):
        response = client.patch("/api/rejects/1", json=body, headers=auth())
        assert response.status_code in (400, 404, 422)
    assert client.patch("/api/rejects/9", json={"fields": {}}, headers=auth()).status_code == 404


# -- printing ------------------------------------------------------------------------------


def test_print_writes_exactly_the_approved_cards(client: FlaskClient, tmp_path: Path):
    response = client.post("/api/print", headers=auth())
    assert response.status_code == 422 and "no approved cards" in response.get_json()["error"]
    patch(client, 1, {"status": "approved"})
    patch(client, 2, {"status": "approved", "personal_line": "A line typed on the desk."})
    patch(client, 3, {"status": "held"})
    response = client.post("/api/print", headers=auth())
    assert response.status_code == 200
    result = response.get_json()
    assert result["cards"] == 2 and result["summary"].startswith("2 new cards")
    names = {f["name"]: f for f in result["files"]}
    assert {"cards.pdf", "envelopes.pdf", "manifest.csv", "job.txt"} <= set(names)
    pdf = client.get(names["cards.pdf"]["url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.data == (tmp_path / "out" / "cards.pdf").read_bytes()
    texts = [words(t) for t in page_texts(tmp_path / "out" / "cards.pdf")]
    assert len(texts) == 4  # two folded cards, outside and inside each
    assert "A line typed on the desk." in texts[3]
    assert "1003" not in " ".join(texts)  # the held card is not printed
    # The printed cards are issued: they leave the desk; the held one stays.
    data = get(client, "/api/cards")
    assert [c["order_id"] for c in data["cards"]][:2] == ["1003", "1004"]
    assert data["cards"][0]["status"] == "held"
