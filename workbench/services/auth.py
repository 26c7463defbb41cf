"""Login, roles and operator management.

Passwords are kept only as Argon2id hashes (argon2-cffi), apart from the
operators table. Unknown user and wrong password get the same message and do
the same work; five failed attempts within a fifteen-minute window lock the
username (known or not) for fifteen minutes, then the count starts again; an
admin can unlock an operator at once; disabled operators cannot log in.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from workbench import settings
from workbench.errors import AuthError, BusyError, PermissionDenied, ValidationError
from workbench.storage.operators import LoginPolicy

ROLES = ("atendente", "supervisor", "admin")
MAX_FAILURES = 5
LOCK_MINUTES = 15
WINDOW = timedelta(minutes=LOCK_MINUTES)     # failures count within this window from its first attempt
POLICY = LoginPolicy(max_failures=MAX_FAILURES, window=WINDOW, lock=timedelta(minutes=LOCK_MINUTES),
                     stale=timedelta(seconds=30))
INVALID_CREDENTIALS = "Usuário ou senha inválidos."

# What each role may do; every service checks it itself.
PERMISSIONS = {
    "atender": {"atendente", "supervisor", "admin"},      # search, client record, attendances
    "painel": {"supervisor", "admin"},                      # dashboard and exports
    "reatribuir": {"supervisor", "admin"},                  # move anyone's attendance (transfers)
    "gerir_operadores": {"admin"},
}

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Operator:
    """Who is logged in. Services take it to check roles and sign their writes."""

    operator_id: int
    username: str
    name: str
    role: str

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied("Operação sem permissão para o seu perfil de acesso.")


def roles_for(permission: str) -> tuple[str, ...]:
    """The roles allowed to do ``permission``: what the store checks again inside each write."""
    return tuple(sorted(PERMISSIONS[permission]))


def validate_new_operator(username: str, password: str, role: str, name: str) -> tuple[str, str]:
    username = (username or "").strip()
    name = (name or "").strip()
    if not 3 <= len(username) <= 40 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise ValidationError("Usuário deve ter de 3 a 40 letras, números, '.', '_' ou '-'.", field="Usuário")
    if len(password or "") < 8:
        raise ValidationError("A senha deve ter ao menos 8 caracteres.", field="Senha")
    if len(password) > 256:
        raise ValidationError("A senha deve ter no máximo 256 caracteres.", field="Senha")
    if role not in ROLES:
        raise ValidationError(f"Perfil inválido: use {', '.join(ROLES)}.", field="Perfil")
    if not name or len(name) > 120:
        raise ValidationError("Informe o nome do operador (até 120 caracteres).", field="Nome")
    return username, name


def authenticate(store, username: str, password: str, *, client: str | None = None) -> Operator:
    """Check credentials against the store; raise AuthError on any failure.

    An attempt is reserved in the store before the hash is verified and its
    outcome recorded after (see :mod:`workbench.storage.operators`), so at
    most ``MAX_FAILURES`` wrong passwords per window are ever verified, even
    from parallel processes. An unknown username does the same work as a
    wrong password (its own guard row, a verification of a dummy hash, the
    same writes) and gets the same answers, locks included. ``client`` is the
    page's client address, kept in the audit log with every attempt.
    BusyError when the database (or the account's other attempts) stayed
    busy for ``WORKBENCH_LOCK_TIMEOUT`` seconds.
    """
    username = (username or "").strip()
    password = password or ""
    if not username or not password or len(username) > 100 or len(password) > 256:
        raise AuthError(INVALID_CREDENTIALS)
    deadline = time.monotonic() + float(settings.get("lock_timeout"))
    pause = 0.05
    while True:
        at = now()
        ticket = store.begin_login(username, at=at, client=client, policy=POLICY)
        if ticket.state != "full":
            break
        if time.monotonic() >= deadline:          # other attempts at this account still being verified
            raise BusyError()
        time.sleep(pause * random.uniform(0.5, 1.5))   # sparingly: their outcomes need the login lane
        pause = min(pause * 2, 1.0)
    if ticket.state == "locked":
        raise AuthError(locked_message(ticket.locked_until, at))
    verified = _verify(ticket.password_hash or _DUMMY_HASH, password) and ticket.password_hash is not None
    new_hash = None
    if verified and _hasher.check_needs_rehash(ticket.password_hash):
        new_hash = hash_password(password)
    outcome = "falhou" if not verified else ("login" if ticket.active else "desativado")
    store.finish_login(ticket, outcome=outcome, at=now(), client=client, new_hash=new_hash, policy=POLICY)
    if not verified:
        raise AuthError(INVALID_CREDENTIALS)
    if not ticket.active:
        raise AuthError("Operador desativado. Procure o administrador.")
    return Operator(ticket.operator_id, ticket.username, ticket.name, ticket.role)


def locked_message(locked_until: datetime, at: datetime) -> str:
    minutes = max(1, int((locked_until - at).total_seconds() // 60) + 1)
    return f"Conta bloqueada por excesso de tentativas. Tente novamente em {minutes} min."


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def password_matches(hashed: str, password: str) -> bool:
    """True when ``password`` matches ``hashed``; counts no login (used to warn about demo passwords)."""
    return _verify(hashed, password)
