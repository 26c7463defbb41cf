"""The ``workbench`` command (also ``python -m workbench``), in the desk's language.

Sub-commands: init, demo, serve, status, import-clients, backup, restore,
snapshot, copy, add-operator, unlock-operator. Every option has a pt-BR help text with its default
(``tests/test_cli.py`` checks each is in the README too). Errors print one
line ``erro: ...`` and exit with code 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path

from workbench import settings
from workbench.errors import WorkbenchError


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as dist_version

    try:
        return dist_version("atendimento-workbench")
    except PackageNotFoundError:
        return "desconhecida"


def _db(args) -> str:
    """The database the command works on: --db, else $WORKBENCH_DB, else the default place."""
    return getattr(args, "sub_db", None) or args.db or settings.database()


# -- commands --------------------------------------------------------------------------------
def cmd_init(args) -> int:
    from workbench.api import Workbench

    wb = Workbench.create(_db(args), data_dir=Path(args.data) if args.data else None)
    print(f"Banco de dados pronto: {wb.path} (esquema v{wb.store.schema_version()})")
    return 0


def cmd_add_operator(args) -> int:
    import getpass

    from workbench.api import Workbench

    wb = Workbench.open(_db(args))
    password = args.password or getpass.getpass("Senha: ")
    operator_id = wb.add_operator(args.username, password, args.role, args.name)
    print(f"Operador {args.username} criado (id {operator_id}, perfil {args.role}).")
    return 0


def cmd_unlock_operator(args) -> int:
    from workbench.api import Workbench

    wb = Workbench.open(_db(args), create=False)
    wb.unlock_operator(args.username)
    print(f"Operador {args.username} desbloqueado: tentativas falhas zeradas, pode entrar de novo.")
    return 0


def cmd_serve(args) -> int:
    from workbench.serve import serve

    return serve(_db(args), port=args.port, ip=args.ip, token=args.token, open_browser=args.open,
                 pool_size=args.kernels, max_kernels=args.max_kernels, reclaim_after=args.reclaim_after,
                 all_extensions=args.all_extensions)


def cmd_demo(args) -> int:
    from workbench.api import Workbench
    from workbench.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoOptions, run_demo

    wb = Workbench.open(_db(args), create=True)
    counts = run_demo(wb, DemoOptions(clients=args.clients, attendances=args.attendances, seed=args.seed,
                                      operators=args.operators, replace=args.replace))
    print(f"Dados de demonstração em {wb.path}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    print("Logins: " + ", ".join(f"{u}/{p}" for u, p, *_ in DEMO_LOGINS) + f"; demais operadores: {DEMO_PASSWORD}")
    print("Senhas de demonstração: troque-as antes de usar este banco com clientes reais.")
    return 0


def cmd_import_clients(args) -> int:
    from workbench.api import Workbench
    from workbench.services.importer import import_clients

    from tqdm import tqdm

    wb = Workbench.open(_db(args))
    with tqdm(total=0, unit=" clientes", desc="gravando", disable=None, file=sys.stderr, leave=False) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = import_clients(wb.store, Path(args.file), rejects_path=Path(args.rejects) if args.rejects else None,
                                progress=progress)
    print(report.summary())
    return 0 if not report.rejected else 1


def cmd_backup(args) -> int:
    from workbench.api import Workbench
    from workbench.services.status import record_backup

    wb = Workbench.open(_db(args))
    path = wb.store.backup(Path(args.dir))
    record_backup(wb.store, str(path.resolve()), datetime.now().astimezone().isoformat(timespec="seconds"))
    print(f"Backup gravado em {path} (verificado; manifesto em {path.name}.json)")
    return 0


def cmd_restore(args) -> int:
    from workbench.storage import open_store

    db = _db(args)
    report = open_store(db).restore_from(Path(args.source), force=args.force, progress=print)
    for warning in report.warnings:
        print(f"aviso: {warning}", file=sys.stderr)
    if report.protocol_high:
        print(f"Contador de protocolos mantido em {report.protocol_high} (o maior número já emitido); "
              f"{report.carried} protocolos emitidos após o backup mantidos no log"
              + (f" ({report.carried_registered} com atendimento registrado depois do backup, que não está "
                 "nele)" if report.carried_registered else "") + ".")
    if report.replaced:
        print(f"O banco de dados substituído foi guardado em {report.replaced}")
    print(f"Banco de dados {db} restaurado de {report.backup}")
    return 0


def cmd_snapshot(args) -> int:
    from workbench.api import Workbench

    wb = Workbench.open(_db(args), create=False)
    info = wb.snapshot(Path(args.file), max_age=args.max_age).snapshot_info
    when = info.taken_at.astimezone().strftime("%d/%m/%Y %H:%M:%S")
    if info.refreshed:
        print(f"Cópia de análise gravada em {info.path} (dados de {when}; "
              f"gravações esperaram {info.writers_waited:.2f} s)")
    else:
        print(f"Cópia de análise em {info.path} já estava atualizada (dados de {when})")
    return 0


def cmd_copy(args) -> int:
    from tqdm import tqdm

    from workbench.api import Workbench
    from workbench.storage import shown
    from workbench.storage.moving import copy_desk

    wb = Workbench.open(_db(args), create=False)
    current = [None]
    with tqdm(total=0, unit=" linhas", disable=None, file=sys.stderr, leave=False) as bar:
        def progress(table: str, done: int, total: int) -> None:
            if current[0] != table:        # one bar per table, reset as the copy moves on
                current[0] = table
                bar.reset(total=total)
                bar.set_description(table)
            bar.update(done - bar.n)

        counts = copy_desk(wb.store, args.to, progress=progress)
    print(f"Copiado de {wb.path} para {shown(args.to)}; linhas conferidas em cada tabela: "
          + ", ".join(f"{table} {n}" for table, n in counts.items()))
    return 0


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1000
    return str(n)


def cmd_status(args) -> int:
    from workbench.api import Workbench
    from workbench.serve import server_running
    from workbench.services.status import desk_status
    from workbench import logs

    from workbench.storage import is_url, shown

    db = _db(args)
    print(f"Banco de dados: {shown(db)}")
    wb = Workbench.open(db)
    status = desk_status(wb.store)
    upgrade = "" if status.schema_version == status.latest_version else f" (este workbench usa v{status.latest_version})"
    print(f"Esquema: v{status.schema_version}{upgrade}")
    print("Registros: " + ", ".join(f"{n:,} {label}".replace(",", ".")
                                    for label, n in _labelled(status.counts)))
    print(f"Tamanho: {_size(status.size_bytes)}")
    if is_url(db):
        activity = wb.store.server_activity()
        print("Backup: com as ferramentas do PostgreSQL (pg_dump), veja o README")
        print(f"Servidor: PostgreSQL {activity['version']}, {activity['connections']} conexões do workbench "
              "abertas agora (de todos os `workbench serve`, páginas e comandos)")
    else:
        if status.last_backup:
            print(f"Último backup: {status.last_backup['at']} em {status.last_backup['path']}")
        else:
            print("Último backup: nenhum registrado (use `workbench backup PASTA`)")
        print("Servidor: " + ("em execução (`workbench serve` neste banco)" if server_running(wb.path)
                              else "nenhum `workbench serve` neste banco"))
    print(f"Log do servidor: {logs.log_path(db)}")
    return 0


def _labelled(counts: dict[str, int]):
    from workbench.storage.status import COUNTED

    return [(COUNTED.get(table, table), n) for table, n in counts.items()]


# -- the parser ------------------------------------------------------------------------------
class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help in Portuguese, with each option's default."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="uso: " if prefix is None else prefix)

    def _get_help_string(self, action):
        text = action.help or ""
        if (action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text
                and "padrão" not in text and action.option_strings):
            text += " (padrão: %(default)s)"
        return text


_ERRORS = [
    (r"the following arguments are required: (.*)", r"faltam os argumentos: \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"opção \1: valor inválido \2 (use \3)"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"opção \1: valor inválido \3 (esperado um número)"),
    (r"argument (\S+): expected one argument", r"opção \1: falta o valor"),
    (r"argument (\S+): (.*)", r"opção \1: \2"),
    (r"unrecognized arguments: (.*)", r"argumentos não reconhecidos: \1"),
    (r"ambiguous option: (.*)", r"opção ambígua: \1"),
]


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opções"
        self.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")

    def error(self, message):
        for pattern, replacement in _ERRORS:
            if re.match(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"erro: {message}\n")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"valor inválido {text!r} (esperado um número inteiro)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description="Atendimento Workbench: o atendimento de um provedor de "
                     "internet (pesquisa de clientes, protocolo, atendimento guiado, painel dos supervisores).",
                     epilog="Ajuda de cada comando: workbench COMANDO --help")
    parser.add_argument("--db", help="arquivo do banco de dados, ou postgresql://usuario:senha@servidor:porta/banco "
                        "(padrão: $WORKBENCH_DB, ou data/workbench.duckdb numa cópia do projeto, ou a pasta de dados "
                        "do sistema; veja `workbench status`)")
    parser.add_argument("--version", action="version", version=f"workbench {version()}",
                        help="mostra a versão e sai")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO", title="comandos")

    def command(name: str, text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--db", dest="sub_db", metavar="DB", help="arquivo do banco de dados ou URL postgresql:// (o mesmo que o --db geral)")
        p.set_defaults(func=func)
        return p

    p = command("init", "cria ou atualiza o banco de dados e carrega os dados de referência", cmd_init)
    p.add_argument("--data", metavar="PASTA", help="pasta dos CSVs de referência e scripts/ "
                   "(padrão: os dados que acompanham o pacote)")

    p = command("demo", "preenche o banco com dados de demonstração realistas (reprodutíveis pela semente); "
                "cria o banco se ele não existir", cmd_demo)
    p.add_argument("--clients", type=_int, default=2000, metavar="N", help="clientes")
    p.add_argument("--attendances", type=_int, default=10000, metavar="N", help="atendimentos")
    p.add_argument("--operators", type=_int, default=15, metavar="N",
                   help="atendentes nomeados além dos logins de demonstração")
    p.add_argument("--seed", type=_int, default=1, metavar="S", help="semente: a mesma semente gera os mesmos dados")
    p.add_argument("--replace", action="store_true", help="substitui os clientes e atendimentos já existentes")

    p = command("serve", "serve o atendimento e o painel como páginas web (Voila)", cmd_serve)
    p.add_argument("--port", type=_int, default=8866, metavar="P", help="porta")
    p.add_argument("--ip", default="127.0.0.1", metavar="ENDEREÇO",
                   help="endereço em que escutar; fora de 127.0.0.1 um token é exigido")
    p.add_argument("--token", metavar="T", help="token de acesso (gerado quando o endereço não é local)")
    p.add_argument("--open", action="store_true", help="abre o navegador")
    p.add_argument("--kernels", type=_int, default=1, metavar="N",
                   help="kernels pré-aquecidos por página (0: um novo a cada visita)")
    p.add_argument("--max-kernels", type=_int, default=40, metavar="N",
                   help="máximo de páginas abertas ao mesmo tempo (sem contar os pré-aquecidos); "
                        "além disso a página avisa que o servidor está no limite")
    p.add_argument("--reclaim-after", type=_int, default=120, metavar="SEGUNDOS",
                   help="encerra o kernel de uma página que ficou esse tempo sem navegador conectado (0: nunca)")
    p.add_argument("--all-extensions", action="store_true",
                   help="carrega todas as extensões do navegador instaladas em cada página "
                        "(o comportamento antigo; só para comparação nos benchmarks)")

    command("status", "mostra o banco de dados: caminho, versão do esquema, registros, tamanho, "
            "último backup e se há um servidor nele", cmd_status)

    p = command("import-clients", "importa clientes de um arquivo CSV ou Parquet", cmd_import_clients)
    p.add_argument("file", metavar="ARQUIVO", help="arquivo CSV (UTF-8, ',' ou ';') ou Parquet")
    p.add_argument("--rejects", metavar="REJEITADOS.csv", help="grava as linhas rejeitadas, com o motivo, neste CSV")

    p = command("backup", "grava uma cópia consistente do banco em PASTA (pode rodar com o atendimento em uso)",
                cmd_backup)
    p.add_argument("dir", metavar="PASTA", help="pasta onde gravar workbench-AAAAMMDD-HHMMSS.duckdb")

    p = command("restore", "restaura o banco de um backup (um arquivo, ou o mais novo de uma pasta), "
                "verificado por inteiro antes; recusa enquanto o banco estiver em uso", cmd_restore)
    p.add_argument("source", metavar="ARQUIVO_OU_PASTA", help="backup a restaurar")
    p.add_argument("--force", action="store_true", help="substitui um banco de dados existente")

    p = command("snapshot", "grava uma cópia consistente, somente leitura, do banco para análises pesadas",
                cmd_snapshot)
    p.add_argument("file", metavar="ARQUIVO", help="arquivo da cópia de análise")
    p.add_argument("--max-age", type=_int, default=0, metavar="SEGUNDOS",
                   help="mantém ARQUIVO se ele tiver no máximo essa idade (0: copia agora)")

    p = command("copy", "copia o atendimento inteiro de um arquivo DuckDB para um PostgreSQL, ou de um PostgreSQL "
                "para um arquivo DuckDB novo, conferindo as linhas de cada tabela", cmd_copy)
    p.add_argument("--to", required=True, metavar="DESTINO",
                   help="postgresql://usuario:senha@servidor:porta/banco (banco sem clientes) ou ARQUIVO.duckdb novo")

    p = command("add-operator", "cria um operador (o primeiro administrador é criado assim)", cmd_add_operator)
    p.add_argument("username", metavar="USUÁRIO", help="nome de login (3 a 40 letras, números, '.', '_' ou '-')")
    p.add_argument("--name", required=True, metavar="NOME", help="nome completo")
    p.add_argument("--role", choices=["atendente", "supervisor", "admin"], required=True, help="perfil de acesso")
    p.add_argument("--password", metavar="SENHA", help="senha (perguntada quando omitida)")

    p = command("unlock-operator", "desbloqueia um operador bloqueado por excesso de tentativas de login: zera "
                "as tentativas falhas e o bloqueio de 15 minutos (fica no log de auditoria)", cmd_unlock_operator)
    p.add_argument("username", metavar="USUÁRIO", help="usuário do operador a desbloquear")
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
