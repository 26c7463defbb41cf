"""The page address of the dashboard: :class:`UrlSync`, a tiny anywidget that tells Python the
page's query string on load (works with Voila's preheated kernels, where ``QUERY_STRING`` is not
yet set) and writes the filters back with ``history.replaceState`` so the address bar is a link
to share. In JupyterLab it leaves the URL alone. On the page from its login screen on, so it
imports nothing heavy.
"""

from __future__ import annotations

import os

import anywidget
import traitlets

_URL_ESM = """
function render({ model, el }) {
  const inLab = /\\/(lab|doc|notebooks|tree)(\\/|$)/.test(window.location.pathname);
  model.set("page_query", window.location.search.replace(/^\\?/, ""));
  model.set("ready", true);
  model.save_changes();
  const write = () => {
    if (inLab) return;
    const q = model.get("query");
    const url = window.location.pathname + (q ? "?" + q : "") + window.location.hash;
    try { window.history.replaceState(window.history.state, "", url); } catch (e) {}
  };
  model.on("change:query", write);
}
export default { render };
"""


class UrlSync(anywidget.AnyWidget):
    _esm = _URL_ESM
    page_query = traitlets.Unicode("").tag(sync=True)   # from the page, on load
    ready = traitlets.Bool(False).tag(sync=True)
    query = traitlets.Unicode("").tag(sync=True)        # written to the address bar


def kernel_query_string() -> str:
    """The query string Voila gave this kernel (empty in JupyterLab or when preheated)."""
    return os.environ.get("QUERY_STRING", "") or ""
