"""Reference tables: origins, statuses, attendance types, titles, plans,
routing points, scripts and their versions."""

from __future__ import annotations

import json

from workbench.frame import Frame

from workbench.storage import open_attendances
from workbench.storage.base import StoreBase
from workbench.storage.results import ScriptDefinition

REFERENCE_TABLES = {
    "origins": ["code", "label", "sort"],
    "statuses": ["code", "label", "is_open", "sort"],
    "queues": ["code", "label", "sort"],
    "attendance_types": ["code", "label", "deadline_hours", "is_complaint", "sort", "queue_code"],
    "plans": ["plan_id", "name", "download_mbps", "upload_mbps", "price"],
    "routing_points": ["routing_point_id", "name", "city"],
    "titles": ["code", "label", "script_code", "type_code", "sort"],
    "technicians": ["technician_id", "name", "city", "active"],
}
# The key each upsert conflicts on.
_KEYS = {"origins": "code", "statuses": "code", "queues": "code", "attendance_types": "code", "titles": "code",
         "plans": "plan_id", "routing_points": "routing_point_id", "technicians": "technician_id"}


class ReferenceMixin(StoreBase):
    def load_reference(self, tables: dict[str, Frame], scripts: list[dict]) -> dict[str, int]:
        """Upsert reference tables and add a script version whenever a script changed.

        All in one transaction: a bad file upstream means nothing is written.
        The open attendances are recomputed in it (which statuses count as
        open, or a type's Anatel deadline, may have changed).
        Returns the number of new script versions per script code.
        """
        new_versions: dict[str, int] = {}
        with self._write() as con:
            self._critical(con, "reference", "load")
            for script in scripts:
                con.execute("INSERT INTO scripts (code, name) VALUES (?, ?) "
                            "ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                            [script["code"], script["name"]])
                latest = self._one(
                    con, "SELECT version, checksum FROM script_versions WHERE script_code = ? "
                    "ORDER BY version DESC LIMIT 1", [script["code"]])
                if latest is None or latest[1] != script["checksum"]:
                    version = (latest[0] + 1) if latest else 1
                    con.execute(
                        "INSERT INTO script_versions (script_code, version, checksum, definition) "
                        "VALUES (?, ?, ?, ?)",
                        [script["code"], version, script["checksum"], json.dumps(script, ensure_ascii=False)])
                    new_versions[script["code"]] = version
            for table, frame in tables.items():
                columns = REFERENCE_TABLES[table]
                frame = frame[columns]
                con.register("incoming", frame)
                cols = ", ".join(columns)
                updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != _KEYS[table])
                con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming "
                            f"ON CONFLICT ({_KEYS[table]}) DO UPDATE SET {updates}")
                con.unregister("incoming")
            open_attendances.rebuild(con)
        return new_versions

    def reference(self) -> dict[str, Frame]:
        """Every reference table as a DataFrame, in display order."""
        with self._read() as con:
            return {
                "origins": self._frame(con, "SELECT * FROM origins ORDER BY sort"),
                "statuses": self._frame(con, "SELECT * FROM statuses ORDER BY sort"),
                "attendance_types": self._frame(con, "SELECT * FROM attendance_types ORDER BY sort"),
                "queues": self._frame(con, "SELECT * FROM queues ORDER BY sort, label"),
                "technicians": self._frame(con, "SELECT * FROM technicians ORDER BY name"),
                "titles": self._frame(con, "SELECT * FROM titles ORDER BY sort, label"),
                "plans": self._frame(con, "SELECT * FROM plans ORDER BY plan_id"),
                "routing_points": self._frame(con, "SELECT * FROM routing_points ORDER BY routing_point_id"),
                "scripts": self._frame(con, """
                    SELECT s.code, s.name, max(v.version) AS version
                    FROM scripts s JOIN script_versions v ON v.script_code = s.code
                    GROUP BY s.code, s.name ORDER BY s.name"""),
            }

    def script_definition(self, code: str, version: int | None = None) -> ScriptDefinition | None:
        """(version, definition) of a script: the latest unless ``version`` is given."""
        with self._read() as con:
            if version is None:
                row = self._one(con, "SELECT version, definition FROM script_versions WHERE script_code = ? "
                                "ORDER BY version DESC LIMIT 1", [code])
            else:
                row = self._one(con, "SELECT version, definition FROM script_versions "
                                "WHERE script_code = ? AND version = ?", [code, version])
        return ScriptDefinition(row[0], json.loads(row[1])) if row else None

    def get_setting(self, key: str) -> str | None:
        with self._read() as con:
            row = self._one(con, "SELECT value FROM settings WHERE key = ?", [key])
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as con:
            con.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])
