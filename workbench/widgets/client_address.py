"""The address of the browser that opened this served page, for the audit log.

``workbench serve`` has Voila hand every kernel the peer address of the page's
request, as the header variable ``HTTP_X_WORKBENCH_CLIENT`` (see
:mod:`workbench.server.client_address`), and ``HTTP_X_FORWARDED_FOR`` when a reverse
proxy set that header. A kernel started for the visit has them in its
environment from the start; a preheated kernel, started before anyone asked
for the page, receives them over Voila's request-info socket once the page is
requested, which :func:`voila.utils.wait_for_request` reads (bounded here:
the login never waits on it for long). Outside Voila (JupyterLab, a plain
prompt) there is no page address: None.
"""

from __future__ import annotations

import os
import threading

CLIENT_ENV = "HTTP_X_WORKBENCH_CLIENT"
FORWARDED_ENV = "HTTP_X_FORWARDED_FOR"
_asked = threading.Event()


def page_client_address(timeout: float = 3.0) -> str | None:
    """``"203.0.113.7"``; behind a proxy ``"10.0.0.2 (X-Forwarded-For: 198.51.100.4)"``; None outside Voila."""
    if CLIENT_ENV not in os.environ and os.environ.get("VOILA_PREHEAT") == "True" and not _asked.is_set():
        _asked.set()
        from voila.utils import wait_for_request

        reader = threading.Thread(target=wait_for_request, name="voila-request-info", daemon=True)
        reader.start()
        reader.join(timeout)
    peer = os.environ.get(CLIENT_ENV) or None
    forwarded = os.environ.get(FORWARDED_ENV)
    if peer and forwarded:
        return f"{peer} (X-Forwarded-For: {forwarded})"
    return peer
