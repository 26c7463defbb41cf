"""A logged-in operator's session: the services that act in someone's name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.services.auth import Operator

if TYPE_CHECKING:
    from workbench.api import Workbench


class Session:
    """What ``wb.login()`` returns. Holds no connection, only who is acting."""

    def __init__(self, workbench: "Workbench", operator: Operator):
        self.workbench = workbench
        self.operator = operator

    @property
    def role(self) -> str:
        return self.operator.role

    def __repr__(self) -> str:
        return f"<Session {self.operator.username} ({self.operator.role})>"
