"""Troubleshooting scripts: a decision tree of questions, validated on load.

A script file (YAML) holds ``code``, ``name``, ``start`` and ``questions``: a
mapping of question id to ``text``, ``client_explanation``,
``operator_explanation`` and ``options``; each option has ``text`` and either
``next`` (another question id) or ``end: true``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from workbench.errors import ReferenceDataError


def load_script_file(path: Path) -> dict:
    """Parse and validate one script file; the result carries a ``checksum``."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"não foi possível ler o arquivo ({exc})", file=str(path)) from exc
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"YAML inválido ({exc})", file=str(path)) from exc
    script = validate_script(raw, str(path))
    canonical = json.dumps(script, sort_keys=True, ensure_ascii=False)
    script["checksum"] = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return script


def validate_script(raw: object, source: str) -> dict:
    """Return a normalized script or raise ReferenceDataError naming the question and the fault."""
    def fail(message: str, question: str | None = None) -> ReferenceDataError:
        where = f"pergunta '{question}': " if question else ""
        return ReferenceDataError(where + message, file=source)

    if not isinstance(raw, dict):
        raise fail("o script deve ser um mapeamento com code, name, start e questions")
    for key in ("code", "name", "start", "questions"):
        if not raw.get(key):
            raise fail(f"campo obrigatório ausente: {key}")
    questions = raw["questions"]
    if not isinstance(questions, dict):
        raise fail("'questions' deve ser um mapeamento de id para pergunta")
    start = str(raw["start"])
    if start not in questions:
        raise fail(f"a pergunta inicial '{start}' não existe")

    normalized: dict[str, dict] = {}
    for qid, q in questions.items():
        qid = str(qid)
        if not isinstance(q, dict) or not str(q.get("text") or "").strip():
            raise fail("a pergunta não tem texto", qid)
        options = q.get("options") or []
        if not isinstance(options, list) or not options:
            raise fail("a pergunta não tem opções", qid)
        opts = []
        for i, opt in enumerate(options, 1):
            if not isinstance(opt, dict) or not str(opt.get("text") or "").strip():
                raise fail(f"a opção {i} não tem texto", qid)
            nxt = opt.get("next")
            end = bool(opt.get("end"))
            if nxt is None and not end:
                raise fail(f"a opção {i} ('{opt['text']}') não indica 'next' nem 'end'", qid)
            if nxt is not None and end:
                raise fail(f"a opção {i} ('{opt['text']}') tem 'next' e 'end' ao mesmo tempo", qid)
            if nxt is not None and str(nxt) not in questions:
                raise fail(f"a opção {i} ('{opt['text']}') aponta para a pergunta inexistente '{nxt}'", qid)
            opts.append({"text": str(opt["text"]).strip(), "next": None if nxt is None else str(nxt)})
        normalized[qid] = {
            "text": str(q["text"]).strip(),
            "client_explanation": str(q.get("client_explanation") or "").strip(),
            "operator_explanation": str(q.get("operator_explanation") or "").strip(),
            "options": opts,
        }

    _check_graph(normalized, start, fail)
    return {"code": str(raw["code"]), "name": str(raw["name"]), "start": start, "questions": normalized}


def _check_graph(questions: dict[str, dict], start: str, fail) -> None:
    """Reject loops and questions that cannot be reached from ``start``."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(qid: str, path: list[str]) -> None:
        state[qid] = 1
        for opt in questions[qid]["options"]:
            nxt = opt["next"]
            if nxt is None:
                continue
            if state.get(nxt) == 1:
                cycle = " → ".join(path[path.index(nxt):] + [qid, nxt]) if nxt in path else f"{qid} → {nxt}"
                raise fail(f"laço no script: {cycle}", qid)
            if nxt not in state:
                visit(nxt, path + [qid])
        state[qid] = 2

    visit(start, [])
    unreachable = [q for q in questions if q not in state]
    if unreachable:
        raise fail("pergunta inalcançável a partir do início", unreachable[0])
