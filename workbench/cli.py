"""The ``workbench`` command: init, demo, serve, import-clients, backup, restore, add-operator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench import settings
from workbench.errors import WorkbenchError


def _db(args) -> Path:
    return Path(args.db) if args.db else settings.default_db_path()


def cmd_init(args) -> int:
    from workbench.api import Workbench

    wb = Workbench.create(_db(args), data_dir=Path(args.data) if args.data else None)
    print(f"Banco de dados pronto: {wb.path} (esquema v{wb.store.schema_version()})")
    return 0


def cmd_add_operator(args) -> int:
    import getpass

    from workbench.api import Workbench

    password = args.password or getpass.getpass("Senha: ")
    wb = Workbench.open(_db(args))
    operator_id = wb.add_operator(args.username, password, args.role, args.name)
    print(f"Operador {args.username} criado (id {operator_id}, perfil {args.role}).")
    return 0


def cmd_serve(args) -> int:
    from workbench.serve import serve

    db = Path(args.serve_db) if args.serve_db else _db(args)
    return serve(db, port=args.port, ip=args.ip, token=args.token, open_browser=args.open,
                 pool_size=args.kernels)


def cmd_demo(args) -> int:
    from workbench.api import Workbench
    from workbench.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoOptions, run_demo

    wb = Workbench.open(_db(args))
    counts = run_demo(wb, DemoOptions(clients=args.clients, attendances=args.attendances, seed=args.seed,
                                      operators=args.operators, replace=args.replace))
    print(f"Dados de demonstração em {wb.path}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    print("Logins: " + ", ".join(f"{u}/{p}" for u, p, *_ in DEMO_LOGINS) + f"; demais operadores: {DEMO_PASSWORD}")
    return 0


def cmd_import_clients(args) -> int:
    from workbench.api import Workbench
    from workbench.services.importer import import_clients

    wb = Workbench.open(_db(args))
    report = import_clients(wb.store, Path(args.file), rejects_path=Path(args.rejects) if args.rejects else None)
    print(report.summary())
    return 0 if not report.rejected else 1


def cmd_backup(args) -> int:
    from workbench.api import Workbench

    wb = Workbench.open(_db(args), create=False)
    path = wb.store.backup(Path(args.dir))
    print(f"Backup gravado em {path}")
    return 0


def cmd_restore(args) -> int:
    from workbench.storage import open_store

    source = open_store(_db(args)).restore_from(Path(args.source), force=args.force)
    print(f"Banco de dados {_db(args)} restaurado de {source}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Atendimento Workbench")
    parser.add_argument("--db", help="DuckDB file (default: $WORKBENCH_DB or data/workbench.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create or upgrade the database and load the reference data")
    p.add_argument("--data", help="reference data folder (default: data/)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("add-operator", help="create an operator (the first admin is made this way)")
    p.add_argument("username")
    p.add_argument("--name", required=True)
    p.add_argument("--role", choices=["atendente", "supervisor", "admin"], required=True)
    p.add_argument("--password", help="prompted when omitted")
    p.set_defaults(func=cmd_add_operator)

    p = sub.add_parser("serve", help="serve the desk and the dashboard as web pages (Voila)")
    p.add_argument("--db", dest="serve_db", help="DuckDB file (same as the global --db)")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--ip", default="127.0.0.1", help="address to bind (default 127.0.0.1; others need a token)")
    p.add_argument("--token", help="access token (generated when binding to a non-local address)")
    p.add_argument("--open", action="store_true", help="open a browser")
    p.add_argument("--kernels", type=int, default=1,
                   help="kernels kept preheated per page (default 1; 0 starts one per visit)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="fill the database with realistic demo data (reproducible by seed)")
    p.add_argument("--clients", type=int, default=2000)
    p.add_argument("--attendances", type=int, default=10000)
    p.add_argument("--operators", type=int, default=15, help="named atendentes besides the demo logins")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--replace", action="store_true", help="replace the clients and attendances already there")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import-clients", help="import clients from a CSV or Parquet file")
    p.add_argument("file")
    p.add_argument("--rejects", help="write the rejected rows with their reasons to this CSV")
    p.set_defaults(func=cmd_import_clients)

    p = sub.add_parser("backup", help="write a consistent copy of the database into DIR (safe while in use)")
    p.add_argument("dir")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore the database from a backup file (or the newest one in a folder)")
    p.add_argument("source")
    p.add_argument("--force", action="store_true", help="replace an existing database")
    p.set_defaults(func=cmd_restore)

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except WorkbenchError as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrompido", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
