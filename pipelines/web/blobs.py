"""The blob route for remote OCR workers: ``GET /internal/blobs/{sha256}`` with ``Authorization: Bearer
<worker token>`` answers the stored original with that sha256.

Served by ``minhchung serve`` when ``MINHCHUNG_WORKER_TOKEN`` is set (else the route answers 404), and by the
small blob server that ``ingest --broker`` starts (:class:`BlobServer`, this router alone). The token is
compared in constant time (:func:`hmac.compare_digest`); the path takes a sha256 only (64 lowercase hex
digits), so nothing outside the blob store can be named. Not in the OpenAPI schema: it is not for people.
"""

from __future__ import annotations

import hmac
import re
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from pipelines.i18n.errors import CodedError

router = APIRouter(include_in_schema=False)
SHA256 = re.compile(r"[0-9a-f]{64}")
MIN_TOKEN = 16


@dataclass(frozen=True)
class BlobAccess:
    blobs: Path  # the blob store root (Home.blobs)
    token: str | None  # None: the route is off


def token_ok(authorization: str | None, token: str | None) -> bool:
    if not token or not authorization or not authorization.startswith("Bearer "):
        return False
    return hmac.compare_digest(authorization[len("Bearer "):].encode(), token.encode())


def _access(request: Request) -> BlobAccess:
    access = getattr(request.app.state, "blob_access", None)
    if access is None:  # inside `minhchung serve`: the app's data home and configuration
        config = request.app.state.web.config
        access = BlobAccess(config.home.blobs, config.worker_token)
    return access


@router.get("/internal/blobs/{sha256}", response_model=None)
def get_blob(sha256: str, request: Request, authorization: str | None = Header(default=None)) -> Response:
    """Plain answers (never the web app's login redirect or error page): a worker reads only the status."""
    access = _access(request)
    if not access.token:
        return PlainTextResponse("not found", 404)
    if not token_ok(authorization, access.token):
        return PlainTextResponse("worker token required", 401, headers={"WWW-Authenticate": "Bearer"})
    path = access.blobs / sha256[:2] / sha256[2:]
    if not SHA256.fullmatch(sha256) or not path.is_file():
        return PlainTextResponse("not found", 404)
    return FileResponse(path, media_type="application/octet-stream")


def blob_app(blobs: Path, token: str) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.blob_access = BlobAccess(Path(blobs), token)
    app.include_router(router)
    return app


class BlobServer:
    """The blob route on its own, in a thread of ``ingest --broker`` (``with BlobServer(...) as server``).

    The socket is bound before anything is written, so a busy port is a usage error
    (``remote.blob_port_busy``)."""

    def __init__(self, blobs: Path, token: str, host: str, port: int) -> None:
        self.host, self.port = host, port
        try:
            self.sock = socket.create_server((host, port), reuse_port=False)
        except OSError as exc:
            raise CodedError("remote.blob_port_busy", address=f"{host}:{port}", reason=exc.strerror or str(exc)) \
                from None
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(blob_app(blobs, token), log_level="warning", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True,
                                       name="minhchung-blobs")

    def __enter__(self) -> BlobServer:
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            self.thread.join(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
