"""Each page's first-screen code in one request: the page bundle.

Voila's page builds its front end from webpack chunks: ``voila.js`` asks for some 75 chunks of
Voila's own build, then each widget extension's ``remoteEntry`` asks for its chunks, some only
once the kernel has answered. That is about 90 requests to this single-threaded server, in waves
of six, before the login screen can show. The page bundle is the concatenation of the chunks a
page's first screen needs (listed per page in ``first_screen.json``, recorded from a real page by
``python -m benchmarks.first_screen --record``), read once from the installed files at start.

A bundled chunk does what it does when fetched alone: it pushes its modules into its build's
chunk registry (``self.webpackChunk…``), which webpack's runtime reads when it starts, so the
runtime finds those chunks installed and asks for none of them. Each chunk runs in a function of
its own (its ``"use strict"`` stays its own). The bundle only saves requests: a chunk it lacks
(a later screen, or an upgrade that renamed chunks) is fetched as before, and a listed file that
is missing is left out. The bundle's address carries its hash, so browsers keep it for a year.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import tornado.web

MANIFEST = Path(__file__).resolve().parent / "first_screen.json"
ROUTE = "voila/workbench/bundle"
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bundle:
    name: str            # "atendimento-<hash>.js", the last part of its address
    body: bytes
    gzipped: bytes
    chunks: int


def _find(rel: str, static_paths: list[str], labextension_paths: list[str]) -> Path | None:
    """The installed file behind a chunk's address (relative to ``/voila/``)."""
    if rel.startswith("static/"):
        roots, sub = static_paths, rel[len("static/"):]
    elif rel.startswith("labextensions/"):
        roots, sub = labextension_paths, rel[len("labextensions/"):]
    else:
        return None
    if ".." in Path(sub).parts:
        return None
    for root in roots:
        candidate = Path(root) / sub
        if candidate.is_file():
            return candidate
    return None


def build(page: str, chunks: list[str], static_paths: list[str], labextension_paths: list[str]) -> Bundle | None:
    """The bundle of ``page`` from its listed chunks; None when none of them is installed."""
    parts, found = [], 0
    for rel in chunks:
        path = _find(rel, static_paths, labextension_paths)
        if path is None:
            log.warning("Pacote da primeira tela de %s: %s não encontrado; a página o pedirá à parte.", page, rel)
            continue
        code = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
        parts.append(f"/* {rel} */\n(function () {{\n{code}\n}}).call(self);\n")
        found += 1
    if not found:
        return None
    body = "".join(parts).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()[:16]
    return Bundle(f"{Path(page).stem}-{digest}.js", body, gzip.compress(body, 6), found)


def build_all(static_paths: list[str], labextension_paths: list[str], manifest: Path = MANIFEST) -> dict[str, Bundle]:
    """Every page's bundle (by notebook name), from ``manifest``; empty when it is missing or empty."""
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("Sem a lista da primeira tela (%s): as páginas pedirão cada arquivo à parte.", manifest)
        return {}
    bundles = {}
    for page, chunks in listed.items():
        bundle = build(page, chunks, static_paths, labextension_paths)
        if bundle is not None:
            bundles[page] = bundle
    return bundles


class BundleHandler(tornado.web.RequestHandler):
    """Serves the bundles: public library code, like the rest of Voila's static files."""

    def initialize(self, bundles: dict[str, Bundle]):
        self.by_name = {b.name: b for b in bundles.values()}

    def get(self, name: str):
        bundle = self.by_name.get(name)
        if bundle is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        self.set_header("Vary", "Accept-Encoding")
        if "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.set_header("Content-Encoding", "gzip")
            self.finish(bundle.gzipped)
        else:
            self.finish(bundle.body)
