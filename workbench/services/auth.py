"""Login, roles and operator management.

Passwords are kept only as Argon2id hashes (argon2-cffi). Unknown user and
wrong password get the same message; five failures in a row lock the
account for fifteen minutes; disabled operators cannot log in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from workbench.errors import AuthError, PermissionDenied, ValidationError

ROLES = ("atendente", "supervisor", "admin")
MAX_FAILURES = 5
LOCK_MINUTES = 15
INVALID_CREDENTIALS = "Usuário ou senha inválidos."

# What each role may do; every service checks it itself.
PERMISSIONS = {
    "atender": {"atendente", "supervisor", "admin"},      # search, client record, attendances
    "painel": {"supervisor", "admin"},                      # dashboard and exports
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


def authenticate(store, username: str, password: str) -> Operator:
    """Check credentials against the store; raise AuthError on any failure."""
    username = (username or "").strip()
    password = password or ""
    if not username or not password or len(username) > 100 or len(password) > 256:
        raise AuthError(INVALID_CREDENTIALS)
    row = store.operator_by_username(username)
    at = now()
    if row is None:
        _verify(_DUMMY_HASH, password)  # same cost as a real check
        raise AuthError(INVALID_CREDENTIALS)
    if row["locked_until"] is not None and row["locked_until"] > at:
        minutes = max(1, int((row["locked_until"] - at).total_seconds() // 60) + 1)
        raise AuthError(f"Conta bloqueada por excesso de tentativas. Tente novamente em {minutes} min.")
    if not _verify(row["password_hash"], password):
        store.record_login(row["operator_id"], success=False, at=at, max_failures=MAX_FAILURES,
                           lock_until=at + timedelta(minutes=LOCK_MINUTES))
        raise AuthError(INVALID_CREDENTIALS)
    if not row["active"]:
        raise AuthError("Operador desativado. Procure o administrador.")
    new_hash = hash_password(password) if _hasher.check_needs_rehash(row["password_hash"]) else None
    store.record_login(row["operator_id"], success=True, at=at, max_failures=MAX_FAILURES,
                       lock_until=at, new_hash=new_hash)
    return Operator(row["operator_id"], row["username"], row["name"], row["role"])


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def password_matches(hashed: str, password: str) -> bool:
    """True when ``password`` matches ``hashed``; counts no login (used to warn about demo passwords)."""
    return _verify(hashed, password)
