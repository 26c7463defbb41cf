"""The served pages' kernels: a cap, and reclaiming those whose browser is gone.

Every page (desk or dashboard) is a Python kernel of 100-300 MB. A page that
is closed normally shuts its kernel down at once (Voila's ``beforeunload``
request; :mod:`workbench.server.app` gives the page the ``_xsrf`` cookie that
request needs). A browser that crashes, sleeps or loses the network leaves its
kernel behind: :class:`WorkbenchKernelManager` shuts down every page kernel
that has had no browser connected for ``reclaim_after`` seconds. Kernels
waiting in Voila's preheated pool are never reclaimed (they have no browser
yet), and the pool refills itself when a page takes one.

``max_kernels`` bounds the pages open at once (preheated kernels not counted):
:mod:`workbench.server.app` answers a page beyond it with a pt-BR page.

Voila wraps this class (``VoilaConfiguration.multi_kernel_manager_class``) in
its pooling kernel manager, so ``self._pools`` (notebook -> list of tasks,
each ending with a preheated kernel) is Voila's.
"""

from __future__ import annotations

import asyncio
import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Integer


class WorkbenchKernelManager(AsyncMappingKernelManager):
    """Kernels of ``workbench serve``: a cap on pages and reclaiming of disconnected ones."""

    max_kernels = Integer(40, config=True, help="Pages (kernels in use) open at once; preheated kernels not counted.")
    reclaim_after = Float(120.0, config=True,
                          help="Seconds a page's kernel is kept with no browser connected (0: never reclaimed).")
    reclaim_interval = Float(5.0, config=True, help="Seconds between two looks for kernels to reclaim.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._preheat_task_kernel: dict[asyncio.Task, str] = {}
        self._disconnected_since: dict[str, float] = {}
        self._reclaimer: PeriodicCallback | None = None
        self.admitting = 0          # pages being rendered right now (see app.PageHandler)
        self.reclaimed = 0

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await super().start_kernel(*args, **kwargs)
        env = kwargs.get("env") or {}
        task = asyncio.current_task()
        if env.get("VOILA_PREHEAT") == "True" and task is not None:
            # started by Voila's pool: the running task is the pool entry that will hold it
            self._preheat_task_kernel[task] = kernel_id
        self._start_reclaimer()
        return kernel_id

    # -- counting ------------------------------------------------------------------
    def pooled_kernel_ids(self) -> set[str]:
        """Kernels waiting in a preheated pool (not yet given to a page)."""
        ids = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                kernel_id = self._preheat_task_kernel.get(task)
                if kernel_id is not None:
                    ids.add(kernel_id)
        return ids

    def page_kernel_ids(self) -> list[str]:
        """Kernels given to a page (every kernel but the preheated ones waiting in a pool)."""
        pooled = self.pooled_kernel_ids()
        return [k for k in self.list_kernel_ids() if k not in pooled]

    def pages_in_use(self) -> int:
        """Pages holding a kernel, plus pages being rendered (counted until they finish loading)."""
        return len(self.page_kernel_ids()) + self.admitting

    def at_capacity(self) -> bool:
        return self.max_kernels > 0 and self.pages_in_use() >= self.max_kernels

    # -- reclaiming --------------------------------------------------------------------
    def _start_reclaimer(self) -> None:
        if self._reclaimer is None and self.reclaim_after > 0:
            self._reclaimer = PeriodicCallback(self.reclaim, self.reclaim_interval * 1000)
            self._reclaimer.start()

    async def reclaim(self) -> list[str]:
        """Shut down page kernels that had no browser connected for ``reclaim_after`` seconds."""
        now = time.monotonic()
        alive = set(self.list_kernel_ids())
        self._preheat_task_kernel = {t: k for t, k in self._preheat_task_kernel.items() if k in alive}
        self._disconnected_since = {k: t for k, t in self._disconnected_since.items() if k in alive}
        gone = []
        for kernel_id in self.page_kernel_ids():
            if kernel_id in self._pending_kernels and not self._pending_kernels[kernel_id].done():
                continue
            if self._kernel_connections.get(kernel_id, 0) > 0:
                self._disconnected_since.pop(kernel_id, None)
                continue
            since = self._disconnected_since.setdefault(kernel_id, now)
            if now - since >= self.reclaim_after:
                self._disconnected_since.pop(kernel_id, None)
                self.log.info("Kernel %s sem navegador há %.0f s: encerrado.", kernel_id, now - since)
                try:
                    await self.shutdown_kernel(kernel_id)
                except Exception:  # noqa: BLE001 - already gone, or dying: the next round sees it
                    self.log.warning("Kernel %s: falha ao encerrar.", kernel_id, exc_info=True)
                    continue
                self.reclaimed += 1
                gone.append(kernel_id)
        return gone

    async def shutdown_all(self, *args, **kwargs):
        if self._reclaimer is not None:
            self._reclaimer.stop()
        return await super().shutdown_all(*args, **kwargs)
