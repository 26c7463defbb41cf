"""Reference data and troubleshooting scripts: loading and validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from workbench.errors import ReferenceDataError
from workbench.services.reference import read_reference_dir
from workbench.services.scripts import validate_script

DATA = Path(__file__).resolve().parent.parent / "data"


def _script(**questions):
    return {"code": "s", "name": "S", "start": "q1", "questions": questions}


def test_the_shipped_data_loads(wb):
    ref = wb.reference()
    assert list(ref["origins"]["label"]) == ["Telefônico", "Fax", "E-mail", "Visita", "Suporte Online"]
    assert "Aguardando Encerramento" in set(ref["statuses"]["label"])
    assert set(ref["scripts"]["code"]) >= {"sem_conexao", "lentidao", "wifi"}
    assert ref["attendance_types"].set_index("code").loc["reclamacao", "deadline_hours"] == 168


def test_unknown_next_question():
    raw = _script(q1={"text": "A?", "options": [{"text": "x", "next": "q9"}]})
    with pytest.raises(ReferenceDataError, match=r"f.yaml: pergunta 'q1'.*inexistente 'q9'"):
        validate_script(raw, "f.yaml")


def test_unreachable_question():
    raw = _script(q1={"text": "A?", "options": [{"text": "x", "end": True}]},
                  q2={"text": "B?", "options": [{"text": "y", "end": True}]})
    with pytest.raises(ReferenceDataError, match=r"pergunta 'q2': pergunta inalcançável"):
        validate_script(raw, "f.yaml")


def test_question_without_options():
    raw = _script(q1={"text": "A?", "options": []})
    with pytest.raises(ReferenceDataError, match=r"pergunta 'q1': a pergunta não tem opções"):
        validate_script(raw, "f.yaml")


def test_loop():
    raw = _script(q1={"text": "A?", "options": [{"text": "x", "next": "q2"}]},
                  q2={"text": "B?", "options": [{"text": "y", "next": "q1"}, {"text": "z", "end": True}]})
    with pytest.raises(ReferenceDataError, match=r"laço no script: q1 → q2 → q1"):
        validate_script(raw, "f.yaml")


def test_option_with_neither_next_nor_end():
    raw = _script(q1={"text": "A?", "options": [{"text": "x"}]})
    with pytest.raises(ReferenceDataError, match="não indica 'next' nem 'end'"):
        validate_script(raw, "f.yaml")


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("*.duckdb*"))
    return target


def test_malformed_yaml_names_the_file(data_copy):
    (data_copy / "scripts" / "wifi.yaml").write_text("code: wifi\nquestions: [unclosed\n")
    with pytest.raises(ReferenceDataError, match=r"wifi.yaml: YAML inválido"):
        read_reference_dir(data_copy)


def test_csv_with_missing_column_or_bad_number(data_copy):
    (data_copy / "origins.csv").write_text("code,label\nx,X\n")
    with pytest.raises(ReferenceDataError, match=r"origins.csv: colunas ausentes: sort"):
        read_reference_dir(data_copy)
    (data_copy / "origins.csv").write_text("code,label,sort\nx,X,primeiro\n")
    with pytest.raises(ReferenceDataError, match=r"origins.csv: linha 2: 'primeiro' não é um número"):
        read_reference_dir(data_copy)


def test_title_pointing_to_missing_script(data_copy):
    text = (data_copy / "titles.csv").read_text().replace("Lentidão,lentidao,", "Lentidão,nao_existe,")
    (data_copy / "titles.csv").write_text(text)
    with pytest.raises(ReferenceDataError, match="script inexistente 'nao_existe'"):
        read_reference_dir(data_copy)


def test_bad_file_leaves_the_database_untouched(wb, data_copy):
    (data_copy / "statuses.csv").write_text("code,label,is_open,sort\nnovo,Novo,talvez,1\n")
    with pytest.raises(ReferenceDataError, match="statuses.csv"):
        wb.load_reference(data_copy)
    assert len(wb.reference()["statuses"]) == 8


def test_changed_script_gets_a_new_version(wb, data_copy):
    path = data_copy / "scripts" / "wifi.yaml"
    script = yaml.safe_load(path.read_text())
    script["questions"]["rede_aparece"]["text"] = "A rede Wi-Fi aparece no celular?"
    path.write_text(yaml.safe_dump(script, allow_unicode=True))
    assert wb.load_reference(data_copy) == {"wifi": 2}
    assert wb.load_reference(data_copy) == {}
    version, definition = wb.store.script_definition("wifi")
    assert version == 2 and definition["questions"]["rede_aparece"]["text"].endswith("no celular?")
    assert wb.store.script_definition("wifi", 1)[1]["questions"]["rede_aparece"]["text"] != \
        definition["questions"]["rede_aparece"]["text"]
