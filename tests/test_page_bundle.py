"""The page bundle: each page's first-screen chunks in one request (workbench/server/bundle.py)."""

from __future__ import annotations

import gzip
import json

from voila.paths import collect_static_paths
from voila.utils import get_voila_labextensions_path

from workbench.server import bundle
from workbench.server.app import JUPYTER_DIR, TEMPLATE

CHUNK = '"use strict";(self.webpackChunk_X=self.webpackChunk_X||[]).push([[1],{1:function(){}}]);\n'


def _tree(tmp_path):
    static = tmp_path / "static"
    ext = tmp_path / "labext" / "some-ext" / "static"
    static.mkdir()
    ext.mkdir(parents=True)
    (static / "1.voila.js").write_text(CHUNK + "//# sourceMappingURL=1.voila.js.map\n")
    (ext / "7.abc.js").write_text(CHUNK.replace("[[1]", "[[7]"))
    return [str(static)], [str(tmp_path / "labext")]


def test_listed_chunks_are_wrapped_one_by_one_and_a_missing_one_is_left_out(tmp_path, caplog):
    static, labext = _tree(tmp_path)
    b = bundle.build("atendimento.ipynb", ["static/1.voila.js", "labextensions/some-ext/static/7.abc.js",
                                           "static/404.voila.js", "static/../secret.js"], static, labext)
    text = b.body.decode()
    assert b.chunks == 2 and b.name.startswith("atendimento-") and b.name.endswith(".js")
    assert text.count("(function () {") == 2 and text.count("}).call(self);") == 2
    assert "[[1]" in text and "[[7]" in text and "sourceMappingURL" not in text
    assert gzip.decompress(b.gzipped) == b.body
    assert "404.voila.js" in caplog.text            # logged, and the page fetches it alone


def test_no_bundle_without_a_manifest_or_without_any_installed_chunk(tmp_path):
    static, labext = _tree(tmp_path)
    assert bundle.build_all(static, labext, tmp_path / "missing.json") == {}
    (tmp_path / "m.json").write_text(json.dumps({"painel.ipynb": ["static/none.js"]}))
    assert bundle.build_all(static, labext, tmp_path / "m.json") == {}


def test_every_chunk_listed_for_the_first_screens_is_installed(monkeypatch):
    """After upgrading Voila or a widget library, re-record: python -m benchmarks.first_screen --record DB."""
    monkeypatch.setenv("JUPYTER_PATH", str(JUPYTER_DIR))        # as workbench serve finds its template
    listed = json.loads(bundle.MANIFEST.read_text())
    assert set(listed) == {"atendimento.ipynb", "painel.ipynb"}
    bundles = bundle.build_all(collect_static_paths(["voila", "nbconvert"], TEMPLATE), get_voila_labextensions_path())
    for page, chunks in listed.items():
        assert len(chunks) > 20 and bundles[page].chunks == len(chunks), page
