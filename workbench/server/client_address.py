"""Tell each served page's kernel the address of the browser that opened it.

Voila (0.5) hands a kernel the request's query string and, when asked with
``VoilaConfiguration.http_header_envs``, chosen request headers: as
environment variables of a kernel started for the visit, and through its
request-info socket to a preheated kernel. The peer address of the
connection is not among them. So ``workbench serve`` gives Voila this
identity provider (asked about every request before it is handled), which
writes the peer address into the request header :data:`CLIENT_HEADER`,
replacing whatever the browser may have sent under that name, and lists that
header (and ``X-Forwarded-For``, what a reverse proxy says of the browser
behind it) in ``http_header_envs``. The kernel side is
:mod:`workbench.widgets.client_address`.
"""

from __future__ import annotations

from jupyter_server.auth.identity import PasswordIdentityProvider

CLIENT_HEADER = "X-Workbench-Client"
FORWARDED_HEADER = "X-Forwarded-For"


class ClientAddressIdentityProvider(PasswordIdentityProvider):
    """Voila's default identity provider, stamping the peer address on each request first."""

    def get_user(self, handler):
        handler.request.headers[CLIENT_HEADER] = handler.request.remote_ip or ""
        return super().get_user(handler)


def voila_options() -> list[str]:
    """The Voila command-line options that deliver the client address to the kernels."""
    return [f"--Voila.identity_provider_class={__name__}.{ClientAddressIdentityProvider.__name__}",
            f"--VoilaConfiguration.http_header_envs={[CLIENT_HEADER, FORWARDED_HEADER]!r}"]
