"""The public Python API: ``workbench.open()`` returns a :class:`Workbench`.

Analysts use it from a notebook or a plain Python prompt; the widgets call
the same methods. Nothing here imports ipywidgets, and nothing here writes SQL.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Union

from workbench import settings
from workbench.errors import NotFoundError, StoreError, ValidationError
from workbench.services import analyst, arguments, auth, records
from workbench.services.caches import DashboardCache
from workbench.services.reference import read_reference_dir
from workbench.services.session import Session
from workbench.frame import Frame, as_pandas
from workbench.storage import open_store

if TYPE_CHECKING:
    import pandas as pd

# What a list method returns: a DataFrame, or a plain Frame on a Workbench opened with tables="plain".
Table = Union["pd.DataFrame", Frame]


class Workbench:
    """One desk's database and the services over it. Holds no connection.

    An opened Workbench registers its process on the database until
    :meth:`close` (or the end of the process), so a restore cannot replace
    the file under it; ``with workbench.open(...) as wb:`` closes it at the end.
    """

    def __init__(self, store, *, tables: str = "pandas"):
        """``tables``: what the methods return tables as: ``"pandas"`` (DataFrames, the analysts' API)
        or ``"plain"`` (:class:`~workbench.frame.Frame`: the desk's pages, which never import pandas)."""
        self.store = store
        self.table_kind = arguments.choice(tables, "Tabelas", ("pandas", "plain"))
        self._reference: dict[str, Frame] | None = None
        self._reference_pandas: dict | None = None
        self.snapshot_info = None      # set on the Workbench returned by snapshot()
        self.dashboard_cache = DashboardCache()

    # -- opening -----------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = False, tables: str = "pandas") -> "Workbench":
        """Open the database at ``path``, upgrading its schema when it is older.

        ``path`` defaults to ``$WORKBENCH_DB`` or the default place (see the
        README's Settings). A missing database raises :class:`StoreError`
        naming the path and ``workbench init``; ``create=True`` creates it
        instead, with the reference data shipped with the package. The process
        stays registered on the database until :meth:`close`; while a restore
        runs, waits for it (up to ``WORKBENCH_LOCK_TIMEOUT``), then raises BusyError.
        ``tables="plain"``: tables come back as plain :class:`~workbench.frame.Frame` (no pandas).
        """
        path = arguments.database(path, "Banco de dados", optional=True)
        create = arguments.boolean(create, "Criar")
        store = open_store(path or settings.database())
        if create:
            settings.get("data_dir")          # an installation without its reference data: say so before creating
        store.register()
        try:
            applied = store.ensure_schema(create=create)
            wb = cls(store, tables=tables)
            if 1 in applied:
                wb.load_reference()
        except BaseException:
            store.close()
            raise
        return wb

    def close(self) -> None:
        """End this Workbench's registration on the database (nothing else is held)."""
        self.store.close()

    def __enter__(self) -> "Workbench":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def read_only(self) -> bool:
        """True for a snapshot: every write is refused."""
        return self.store.read_only

    def snapshot(self, path: str | Path | None = None, *, max_age: float | None = None) -> "Workbench":
        """A read-only Workbench over a consistent copy of this database, for heavy analysis.

        Query the copy as long as needed: the desk's writers never wait for it.
        The copy (``path``, default ``<db>.snapshot.duckdb`` beside the
        database) is made again only when older than ``max_age`` seconds
        (default ``WORKBENCH_SNAPSHOT_MAX_AGE``; 0 copies now); writers wait
        only while it is made. ``snapshot_info`` on the result tells when
        (``taken_at``), whether it was copied now and how long writers waited.
        Opening a snapshot never writes to it nor to the live database.
        """
        if self.read_only:
            raise StoreError(f"{self.path} já é uma cópia de análise; tire a cópia do banco de dados principal.")
        path = arguments.path(path, "Caminho da cópia", optional=True)
        if max_age is None:
            max_age = float(settings.get("snapshot_max_age"))
        max_age = arguments.number(max_age, "max_age", minimum=0)
        info = self.store.write_snapshot(path, max_age=max_age)
        snap = Workbench(open_store(info.path, read_only=True), tables=self.table_kind)
        snap.snapshot_info = info
        return snap

    @classmethod
    def create(cls, path: str | Path | None = None, *, data_dir: Path | None = None) -> "Workbench":
        """Open or create ``path`` and (re)load the reference data: what ``workbench init`` does."""
        wb = cls.open(path, create=True)
        wb.load_reference(data_dir)
        return wb

    @property
    def path(self) -> Path:
        return self.store.path

    def __repr__(self) -> str:
        return f"<Workbench {self.path}>"

    # -- reference data ----------------------------------------------------
    def load_reference(self, data_dir: str | Path | None = None) -> dict[str, int]:
        """Validate and load the reference CSVs and scripts; returns new script versions."""
        data_dir = arguments.path(data_dir, "Pasta de dados", optional=True)
        tables, scripts = read_reference_dir(Path(data_dir or settings.get("data_dir")))
        self._reference = self._reference_pandas = None
        return self.store.load_reference(tables, scripts)

    def reference(self) -> dict:
        """Origins, statuses, attendance types, titles, plans, routing points and scripts."""
        return self._out(self.store.reference())

    def reference_cached(self, *, pandas: bool = False) -> dict:
        """Reference tables read once per Workbench (they change only on `workbench init`), as
        plain :class:`~workbench.frame.Frame` (what the services use), or DataFrames (``pandas=True``:
        the dashboard's)."""
        if self._reference is None:
            self._reference = self.store.reference()
        if not pandas:
            return self._reference
        if self._reference_pandas is None:
            self._reference_pandas = as_pandas(self._reference)
        return self._reference_pandas

    def _out(self, value):
        """``value`` with its tables as this Workbench gives them (see ``tables``)."""
        return value if self.table_kind == "plain" else as_pandas(value)

    # -- operators ---------------------------------------------------------
    def login(self, username: str, password: str, *, client: str | None = None) -> Session:
        """Check credentials; returns the operator's :class:`Session`.

        Raises :class:`workbench.AuthError` ("Usuário ou senha inválidos.") on
        unknown user or wrong password, and for locked or disabled accounts.
        Five failed attempts within 15 minutes lock the username for 15
        minutes (unknown usernames too). ``client`` is the address of the page
        logging in, recorded in the audit log.
        """
        username, password = arguments.raw_string(username, "Usuário"), arguments.raw_string(password, "Senha")
        return Session(self, auth.authenticate(self.store, username, password, client=client), client=client)

    def add_operator(self, username: str, password: str, role: str, name: str, *,
                     by: Session | None = None) -> int:
        """Create an operator and return its id.

        ``by`` is the admin session doing it; without it the caller is whoever
        holds the database file (the ``workbench add-operator`` command, which
        is how the first admin is made).
        """
        for value, label in ((username, "Usuário"), (password, "Senha"), (role, "Perfil"), (name, "Nome")):
            arguments.raw_string(value, label)
        if by is not None:
            _session(by).operator.require("gerir_operadores")
        username, name = auth.validate_new_operator(username, password, role, name)
        with _acting(by) as roles:
            operator_id = self.store.insert_operator(
                username, name, role, auth.hash_password(password),
                actor_id=by.operator.operator_id if by else None, roles=roles, at=auth.now())
        if operator_id is None:
            raise ValidationError(f"O usuário '{username}' já existe.", field="Usuário")
        return operator_id

    def set_operator_active(self, operator_id: int, active: bool, *, by: Session) -> None:
        """Enable or disable an operator (admins only); disabled operators cannot log in,
        and their open sessions can no longer write."""
        operator_id = arguments.identifier(operator_id, "Operador")
        active = arguments.boolean(active, "Ativo")
        with _session(by).acting("gerir_operadores") as roles:
            changed = self.store.set_operator(operator_id, actor_id=by.operator.operator_id, roles=roles,
                                              at=auth.now(), active=active)
        if not changed:
            raise NotFoundError(f"Operador {operator_id} não encontrado.")

    def unlock_operator(self, username: str, *, by: Session | None = None) -> None:
        """Clear an operator's failed logins and lock at once (admins; None: the command line)."""
        if by is not None:
            by.operator.require("gerir_operadores")
        with _acting(by) as roles:
            found = self.store.unlock_operator(str(username or "").strip(), at=auth.now(), roles=roles,
                                               actor_id=by.operator.operator_id if by else None,
                                               client=by.client if by else None)
        if not found:
            raise NotFoundError(f"Operador '{username}' não encontrado.")

    def operators(self, *, by: Session) -> Table:
        """Every operator with role, state, failed logins of the current window and lock (admins only).

        Columns: operator_id, username, name, role, active, created_at, failed_logins, locked_until,
        queues (the codes of the queues it serves).
        """
        by.operator.require("gerir_operadores")
        frame = self.store.operators(at=auth.now(), window=auth.WINDOW)
        served: dict[int, list[str]] = {}
        for row in self.store.operator_queues().rows():
            served.setdefault(row["operator_id"], []).append(row["queue_code"])
        frame["queues"] = [list(served.get(i, [])) for i in frame["operator_id"]]
        return self._out(frame)

    def set_operator_queues(self, operator_id: int, queues, *, by: Session | None = None) -> None:
        """The queues (labels or codes) an operator serves, replacing the previous ones (admins;
        ``by`` None: the command line). Audited."""
        if by is not None:
            _session(by).operator.require("gerir_operadores")
        operator_id = arguments.identifier(operator_id, "Operador")
        codes = records.queue_codes(self.reference_cached(), list(queues) if queues is not None else []) or []
        with _acting(by) as roles:
            missing = self.store.set_operator_queues(operator_id, codes, actor_id=by.operator.operator_id if by
                                                     else None, roles=roles, at=auth.now())
        if missing == "operator":
            raise NotFoundError(f"Operador {operator_id} não encontrado.")
        if missing:
            raise ValidationError(f"Fila desconhecida: {missing.split(':', 1)[1]}.", field="Fila")

    # -- client search ------------------------------------------------------------
    def search_clients(self, text: str, limit: int = 50) -> Table:
        """Pesquisar Cliente: clients matching ``text``, best match first.

        Accent- and case-insensitive; matches every word (any order, also inside
        a word from 3 characters) of name / razão social / nome fantasia, the
        client code, CPF/CNPJ and phones with or without punctuation, and e-mail.
        Order: exact code or document, names starting with the text, the rest,
        then by name. When nothing matches, similar names are tried
        (``df.attrs["fuzzy"]``). Columns: client_id, code, name, trade_name,
        document (formatted), city, state, kind, phone, email.
        ``df.attrs["truncated"]`` is True when more than ``limit`` clients matched.

        Raises ValidationError for fewer than 2 characters (field "Procurar") or
        a ``limit`` outside 1..500 (field "Quantidade"); text beyond 200
        characters is ignored.
        """
        from workbench.services import search

        return self._out(search.search_clients(self.store, text, limit))

    def lookup(self, text: str, limit: int = 20):
        """Find anything from anywhere: a protocol, a CPF/CNPJ, a phone, a client code, an e-mail or a name.

        Returns a :class:`~workbench.services.lookup.LookupResult`: ``kind`` says
        what was recognised ('protocolo', 'documento', 'telefone', 'codigo',
        'email', 'nome'); for a protocol, ``protocol`` is its log entry (time,
        operator, client, origin, outcome), for every protocol ever issued,
        abandoned or still open ones included, plus the attendance's title and
        status when it was registered (``registered``); otherwise ``clients`` are
        the client search's matches (at most ``limit``, 1..500).
        "Protocolo nº 20261127000123" works too. A protocol never issued raises
        NotFoundError, one of another format ValidationError (field "Procurar"),
        each with a message for the operator.
        """
        from workbench.services import lookup

        return self._out(lookup.lookup(self.store, text, limit=limit, reference=self.reference_cached()))

    # -- reading the desk -------------------------------------------------------
    def client(self, client_id: int) -> records.ClientRecord:
        """The client's record: ``data`` (dict), ``contracts`` (plan, routing point,
        access Habilitado/Desabilitado, status) and ``summary`` of attendances."""
        return self._out(records.client_record(self.store, client_id))

    def attendances(self, client_id: int | None = None, status=None, text: str | None = None,
                    order_by: str = "created_at", descending: bool = True, limit: int = 200,
                    offset: int = 0, *, owner_id: int | None = None, queue=None, unassigned: bool = False,
                    open_only: bool = False) -> Table:
        """The attendance list of one client or of everyone, newest first unless ``order_by`` says.

        ``status``: a label or code, or a list of them; ``text`` searches the
        protocol, the title and the problem (accent- and case-blind);
        ``owner_id``: the responsible operator; ``queue``: a queue (label or code) or a list;
        ``unassigned``: only those nobody holds; ``open_only``: only open ones;
        ``order_by``: any column of the result or ``"urgency"`` (see Meus Atendimentos).
        Columns: ``records.LIST_COLUMNS`` (``owner`` is the Responsável; ``deadline`` and
        ``countdown`` say how late an open one is). ``attrs["truncated"]`` tells
        whether more rows follow this page.
        """
        return self._out(records.list_attendances(
            self.store, self.reference_cached(), client_id=client_id, status=status, text=text, order_by=order_by,
            descending=descending, limit=limit, offset=offset, owner_id=owner_id, queue=queue,
            unassigned=unassigned, open_only=open_only))

    def attendance(self, protocol: str) -> records.AttendanceDetail:
        """One attendance in full: data, script report, work orders, later contacts and history.

        ``protocol`` may also be the protocol of a call that was added to it as a later contact."""
        return self._out(records.attendance_detail(self.store, protocol))

    def service_orders(self, status=None, *, city: str | None = None, routing_point: int | None = None,
                       technician=None, since=None, until=None, protocol: str | None = None, limit: int = 200,
                       offset: int = 0) -> Table:
        """Ordens de Serviço: work orders matching every filter given (status: one or a list;
        ``since``/``until``: the order's day, its scheduled date or else its opening date), open ones
        first. ``attrs["truncated"]``."""
        from workbench.services import service_orders

        return self._out(service_orders.list_service_orders(
            self.store, self.reference_cached(), status=status, city=city, routing_point=routing_point,
            technician=technician, since=since, until=until, protocol=protocol, limit=limit, offset=offset))

    def service_order(self, order_id: int):
        """One work order: ``data``, ``history`` and ``next_statuses`` (what it may go to now)."""
        from workbench.services import service_orders

        return self._out(service_orders.service_order(self.store, order_id))

    def protocol_log(self, client_id: int | None = None, outcome: str | None = None,
                     since=None, until=None, limit: int = 1000) -> Table:
        """Every protocol ever given (newest first) with its outcome:
        'aberto' (wizard in progress), 'registrado' or 'abandonado'."""
        return self._out(records.protocol_log(self.store, client_id=client_id, outcome=outcome, since=since,
                                              until=until, limit=limit))

    def sql(self, query: str, params=None, *, max_rows: int = analyst.MAX_ROWS) -> pd.DataFrame:
        """Run one read-only SELECT over the tables of :meth:`tables`; returns a DataFrame.

        ``params``: a list for ``?`` placeholders or a dict for ``$name``. Only
        one SELECT statement over the declared tables is run (no files,
        network, settings or other databases; no password hashes); anything
        else raises ValidationError saying what is allowed. At most
        ``max_rows`` rows come back: ``attrs["truncated"]`` and
        ``attrs["note"]`` (also a warning) say when there were more. On the
        live database a query yields to the desk: when an operator has waited
        about half a second to save, it is interrupted with BusyError; heavy
        analysis belongs on ``wb.snapshot()``.
        """
        return analyst.analyst_sql(self.store, query, params, max_rows=max_rows)

    def tables(self) -> pd.DataFrame:
        """The data dictionary of :meth:`sql`: every queryable table and column, its type and a
        description in Portuguese (columns ``table, column, type, description, table_description``)."""
        return analyst.catalog(self.store)


def _session(by) -> Session:
    if not isinstance(by, Session):
        raise ValidationError("by deve ser a sessão (wb.login(...)) de quem faz a operação.", field="Sessão")
    return by


def _acting(by: Session | None):
    """An admin session's write (see Session.acting), or the command line's (no actor to check)."""
    return by.acting("gerir_operadores") if by is not None else nullcontext(auth.roles_for("gerir_operadores"))
