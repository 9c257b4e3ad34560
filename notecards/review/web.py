"""The review page and its JSON API: a thin Flask app over :class:`~notecards.review.desk.Review`.

Security (the page runs on a shop's own machine, next to its customers' addresses):

- bound to 127.0.0.1 only; requests naming another host are refused (DNS rebinding);
- a random token is required on every request, or 403: the page takes it as ``?token=``,
  the API as the header ``X-Notecards-Token``; state-changing requests (PATCH, POST) accept
  the header only, so a link or a form on another site cannot change anything;
- no part of a request becomes a path: assets come from a fixed table read at start-up, and
  printed files are looked up by name among the files the last print wrote;
- edits are data: the desk never hands typed text to Jinja2.

Two tabs editing the same card: last write wins, field by field (see ``review/store.py``).
"""

from __future__ import annotations

import hmac
import secrets
import socket
from importlib import resources
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, make_server

from notecards.errors import NotecardsError, ReviewError, ReviewNotFoundError
from notecards.review.desk import Review

TOKEN_HEADER = "X-Notecards-Token"
HOST = "127.0.0.1"
_ASSETS = {"app.css": "text/css", "app.js": "text/javascript", "favicon.svg": "image/svg+xml"}
_SAFE_METHODS = {"GET", "HEAD"}


def _read_static(name: str) -> bytes:
    return resources.files("notecards.review").joinpath("static", name).read_bytes()


def create_app(review: Review, token: str | None = None) -> Flask:
    """Return the Flask app serving *review*; ``app.config["TOKEN"]`` is its token."""
    app = Flask("notecards.review", static_folder=None, template_folder=None)
    app.config["TOKEN"] = token or secrets.token_urlsafe(24)
    assets = {name: (_read_static(name), kind) for name, kind in _ASSETS.items()}
    page = _read_static("index.html").decode("utf-8")

    @app.before_request
    def check_token() -> Response | None:
        host = (request.host or "").rsplit(":", 1)[0]
        if host not in ("127.0.0.1", "localhost"):
            return _error(403, "this page only answers on 127.0.0.1.")
        given = request.headers.get(TOKEN_HEADER, "")
        if not given and request.method in _SAFE_METHODS:
            given = request.args.get("token", "")
        if not given or not hmac.compare_digest(given.encode(), app.config["TOKEN"].encode()):
            return _error(
                403,
                "missing or wrong token. Open the address `notecards review` printed "
                "(it ends in ?token=…); PATCH and POST need the X-Notecards-Token header.",
            )
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        return _error(err.code or 500, err.description or "error")

    @app.errorhandler(ReviewError)
    def review_error(err: ReviewError) -> Response:
        return _error(404 if isinstance(err, ReviewNotFoundError) else 422, str(err))

    @app.errorhandler(NotecardsError)
    def notecards_error(err: NotecardsError) -> Response:
        return _error(500, str(err))

    @app.get("/")
    def index() -> Response:
        html = page.replace("__TOKEN__", app.config["TOKEN"])
        return Response(html, mimetype="text/html")

    @app.get("/static/<name>")
    def static_asset(name: str) -> Response:
        if name not in assets:
            return _error(404, f"no asset {name!r}.")
        body, kind = assets[name]
        return Response(body, mimetype=kind)

    @app.get("/api/cards")
    def list_cards() -> Response:
        return jsonify(
            cards=review.cards(),
            rejects=review.rejects(),
            **review.summary(),
        )

    @app.get("/api/cards/<int:number>")
    def get_card(number: int) -> Response:
        return jsonify(review.card(number))

    @app.patch("/api/cards/<int:number>")
    def patch_card(number: int) -> Response:
        return jsonify(review.edit(number, _json_object()))

    @app.get("/api/cards/<int:number>/proof/<side>.png")
    def proof(number: int, side: str) -> Response:
        return Response(review.proof(number, side), mimetype="image/png")

    @app.patch("/api/rejects/<int:number>")
    def fix_reject(number: int) -> Response:
        body = _json_object()
        fields = body.get("fields")
        if not isinstance(fields, dict):
            return _error(400, 'send {"fields": {"column": "value", …}}.')
        return jsonify(review.fix(number, fields))

    @app.post("/api/print")
    def print_cards() -> Response:
        result = review.print_approved()
        token = app.config["TOKEN"]
        return jsonify(
            batch_id=result.batch_id,
            summary=result.summary,
            cards=result.cards,
            out_dir=str(result.out_dir),
            files=[
                {
                    "name": path.name,
                    "path": str(path),
                    "url": f"/files/{path.name}?token={token}" if path.is_file() else None,
                }
                for path in result.files
            ],
        )

    @app.get("/files/<name>")
    def written_file(name: str) -> Response:
        path = review.written_file(name)
        kind = {".pdf": "application/pdf", ".csv": "text/csv", ".png": "image/png"}.get(
            path.suffix, "text/plain; charset=utf-8"
        )
        return Response(path.read_bytes(), mimetype=kind)

    return app


def _json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ReviewError('send a JSON object, e.g. {"status": "approved"}.')
    return body


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


class ReviewServer:
    """The page served on 127.0.0.1: ``url`` carries the token; ``serve_forever()`` runs
    until Ctrl-C (every change is already in the ledger, so stopping loses nothing)."""

    def __init__(self, review: Review, port: int = 0, token: str | None = None) -> None:
        """Listen on 127.0.0.1:*port* (0: a free port).

        Raises:
            ReviewError: the port is taken (werkzeug would exit the process instead).
        """
        if port:
            probe = socket.socket()
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port))
            except OSError as err:
                raise ReviewError(
                    f"cannot listen on {HOST}:{port} ({err.strerror}). Choose another "
                    "--port, or leave it out to take a free one."
                ) from err
            finally:
                probe.close()
        self.app = create_app(review, token)
        self.server: BaseWSGIServer = make_server(HOST, port, self.app, threaded=True)
        self.port = self.server.server_port

    @property
    def token(self) -> str:
        """Return the token every request must carry."""
        return str(self.app.config["TOKEN"])

    @property
    def url(self) -> str:
        """Return the page's address, token included."""
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def serve_forever(self) -> None:
        """Serve until shut down (or Ctrl-C in the caller)."""
        self.server.serve_forever()

    def shutdown(self) -> None:
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()
