"""Voila, as ``workbench serve`` runs it.

:class:`WorkbenchVoila` is Voila's application with what a desk needs for a
working day:

* pages get Voila's ``_xsrf`` cookie, so the request a closing page sends to
  shut its kernel down is accepted (without it Voila answers 403 and the
  kernel stays);
* pages beyond ``--max-kernels`` get a pt-BR page instead of a new kernel;
* the port is taken once: a taken port is an error, never a silent move, so
  the printed addresses are the real ones; they are printed once listening;
* each page loads only the front-end extensions its widgets use
  (:data:`PAGE_EXTENSIONS`), its first screen's code in one request (the page
  bundle, :mod:`workbench.server.bundle`), and the ``workbench`` template asks
  no other host.
"""

from __future__ import annotations

import errno
import html
from pathlib import Path
from typing import Callable

import tornado.ioloop
import tornado.web
from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from workbench.server import bundle

TEMPLATE = "workbench"
JUPYTER_DIR = Path(__file__).resolve().parent / "jupyter"   # holds voila/templates/workbench

# Front-end extensions each page needs: ipywidgets' manager and controls, and anywidget (lists,
# tables) on every page; bqplot and its scales for the dashboard's charts.
_WIDGETS = {"@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8", "anywidget"}
PAGE_EXTENSIONS = {
    "atendimento.ipynb": _WIDGETS,
    "painel.ipynb": _WIDGETS | {"bqplot", "bqscales"},
}

LIMIT_PAGE = """<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Atendimento Workbench: limite de páginas</title>
<style>body{{font-family:"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f7f9fb}}
main{{max-width:560px;margin:80px auto;background:#fff;border:1px solid #c8d1dc;border-radius:6px;padding:20px 28px}}
h1{{font-size:19px;color:#1f4e79}}</style></head>
<body><main><h1>Servidor no limite de páginas abertas</h1>
<p>Este servidor já tem {pages} páginas do Atendimento Workbench abertas, o máximo configurado
({limit}). Cada página aberta ocupa memória do servidor.</p>
<p>Feche uma aba do Atendimento ou do Painel que não esteja em uso e <a href="">tente de novo</a>.
Páginas fechadas sem sair (navegador encerrado, conexão perdida) liberam o lugar em até {minutes} min.</p>
<p>Se isto se repetir, avise o responsável pelo servidor: o limite é a opção <code>--max-kernels</code>
de <code>workbench serve</code>.</p></main></body></html>
"""


def page_extensions(page_config: dict, *, notebook_path: str | None = None, **_kwargs) -> dict:
    """Voila's ``page_config_hook``: keep only the front-end extensions the page uses."""
    wanted = PAGE_EXTENSIONS.get(Path(notebook_path or "").name)
    if wanted is not None:
        page_config["federated_extensions"] = [e for e in page_config.get("federated_extensions", [])
                                               if e["name"] in wanted]
    return page_config


def page_bundle(bundles: dict[str, bundle.Bundle], base_url: str) -> Callable:
    """A ``page_config_hook`` that also names the page's bundle (``workbenchBundle``, read by the template)."""

    def hook(page_config: dict, *, notebook_path: str | None = None, **kwargs) -> dict:
        page_config = page_extensions(page_config, notebook_path=notebook_path, **kwargs)
        found = bundles.get(Path(notebook_path or "").name)
        if found is not None:
            page_config["workbenchBundle"] = url_path_join(base_url, bundle.ROUTE, found.name)
        return page_config

    return hook


class PageHandler(TornadoVoilaHandler):
    """A served page: refused with :data:`LIMIT_PAGE` at the cap; sets the ``_xsrf`` cookie."""

    @tornado.web.authenticated
    async def get(self, path=None):
        km = self.kernel_manager
        if km.at_capacity():
            pages = km.pages_in_use()
            self.log.warning("Limite de %d páginas atingido (%d abertas): %s recusada.", km.max_kernels, pages,
                             html.escape(self.request.path))
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(LIMIT_PAGE.format(pages=pages, limit=km.max_kernels,
                                          minutes=max(1, round(km.reclaim_after / 60 + 0.49))))
            return
        # Voila's page posts {_xsrf: <cookie>} to /voila/api/shutdown/<kernel> when it closes;
        # reading xsrf_token sets that cookie, so the shutdown is accepted.
        self.xsrf_token  # noqa: B018 - the property sets the cookie
        km.admitting += 1
        try:
            await super().get(path)
        finally:
            km.admitting -= 1


class WorkbenchVoila(Voila):
    """Voila with the workbench's page handler, extension filter and a single port."""

    all_extensions = False      # True: every installed extension, each chunk fetched alone (as before; for comparison)
    on_listening: Callable[["WorkbenchVoila"], None] | None = None
    bundles: dict[str, bundle.Bundle] = {}

    def initialize(self, argv=None):
        super().initialize(argv)
        if not self.all_extensions:
            self.bundles = bundle.build_all(self.static_paths, self.labextensions_path)
            self.voila_configuration.page_config_hook = page_bundle(self.bundles, self.base_url)

    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        render = url_path_join(self.server_url, r"/voila/render/(.*)")
        handlers = [(pattern, PageHandler, *rest) if pattern == render else (pattern, handler, *rest)
                    for pattern, handler, *rest in handlers]
        route = url_path_join(self.server_url, bundle.ROUTE, r"([^/]+)")
        return [(route, bundle.BundleHandler, {"bundles": self.bundles}), *handlers]

    def listen(self):
        try:
            self.app.listen(self.port, self.ip)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                self.log.critical("A porta %d já está em uso em %s: escolha outra com --port.", self.port, self.ip)
            else:
                self.log.critical("Não foi possível escutar em %s:%d: %s.", self.ip, self.port, exc.strerror or exc)
            self.exit(2)
        if self.on_listening is not None:
            self.on_listening(self)
        self.ioloop = tornado.ioloop.IOLoop.current()
        try:
            self.ioloop.start()
        except KeyboardInterrupt:
            self.log.info("Encerrando...")
        finally:
            self.stop()
