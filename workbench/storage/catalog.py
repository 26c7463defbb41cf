"""What analysts may query: the tables and columns of ``wb.sql``, each with a pt-BR description.

This one declaration is the whole allowlist. ``wb.sql`` exposes exactly these
tables and columns (as views over the desk's file, read-only) and nothing
else; ``wb.tables()`` lists them for the analyst. A table or column added to
the schema stays invisible to analysts until it is declared here.

Never declared, whatever migration the file is at: operators' credentials and
lock state (``operator_credentials``, ``login_guard``, ``password_hash``,
``failed_logins``, ``locked_until``), the audit log (logins, client
addresses), settings, counters and the search index (internal layouts).
``FORBIDDEN_TABLES`` and ``FORBIDDEN_COLUMNS`` are checked by the view builder
and by the tests, so a careless edit here cannot expose them.
"""

from __future__ import annotations

FORBIDDEN_TABLES = frozenset({"operator_credentials", "login_guard", "audit_log", "settings", "schema_migrations",
                              "protocol_counter", "client_search", "client_terms", "client_words"})
FORBIDDEN_COLUMNS = frozenset({"password_hash", "failed_logins", "locked_until"})

# table -> (table description, {column: description}); order is the order shown by wb.tables().
CATALOG: dict[str, tuple[str, dict[str, str]]] = {
    "clients": ("Clientes (pessoa física ou jurídica)", {
        "client_id": "Identificador interno do cliente",
        "code": "Código do cliente (ex.: C0000123)",
        "kind": "PF (pessoa física, CPF) ou PJ (pessoa jurídica, CNPJ)",
        "name": "Nome (PF) ou razão social (PJ)",
        "trade_name": "Nome fantasia (PJ)",
        "document": "CPF ou CNPJ, só os dígitos/caracteres, sem pontuação",
        "email": "E-mail",
        "phone": "Telefone fixo com DDD, só dígitos",
        "mobile": "Celular com DDD, só dígitos",
        "street": "Logradouro",
        "number": "Número",
        "district": "Bairro",
        "city": "Cidade",
        "state": "UF",
        "zip": "CEP, só dígitos",
        "created_at": "Data de cadastro",
    }),
    "contracts": ("Planos contratados pelos clientes", {
        "contract_id": "Identificador do contrato",
        "client_id": "Cliente (clients.client_id)",
        "plan_id": "Plano (plans.plan_id)",
        "routing_point_id": "Ponto de roteamento (routing_points.routing_point_id)",
        "access_enabled": "Acesso habilitado no ponto de roteamento",
        "status": "Situação: Ativo, Inativo ou Cancelado",
        "started_on": "Início do contrato",
    }),
    "plans": ("Planos de internet oferecidos", {
        "plan_id": "Identificador do plano",
        "name": "Nome do plano",
        "download_mbps": "Velocidade de download (Mbps)",
        "upload_mbps": "Velocidade de upload (Mbps)",
        "price": "Preço mensal (R$)",
    }),
    "routing_points": ("Pontos de roteamento (POP, concentrador)", {
        "routing_point_id": "Identificador do ponto de roteamento",
        "name": "Nome",
        "city": "Cidade",
    }),
    "attendances": ("Atendimentos registrados (um por protocolo finalizado)", {
        "protocol": "Protocolo (AAAAMMDD + sequência do dia)",
        "client_id": "Cliente (clients.client_id)",
        "contract_id": "Contrato/plano do atendimento (contracts.contract_id)",
        "origin_code": "Origem do atendimento (origins.code)",
        "title_code": "Título/assunto (titles.code)",
        "type_code": "Tipo de atendimento (attendance_types.code)",
        "status_code": "Status atual (statuses.code)",
        "person_name": "Nome da pessoa que entrou em contato",
        "problem": "Problema descrito pelo cliente",
        "checks_done": "Verificações realizadas no primeiro contato",
        "resolved": "Resolvido no primeiro contato",
        "solution": "Descrição da solução (quando resolvido)",
        "os_requested": "Pediu ordem de serviço (O.S.)",
        "script_code": "Script de atendimento usado (scripts.code)",
        "script_version": "Versão do script usada",
        "script_outcome": "Fim do script: 'fim' (chegou ao fim) ou 'encerrado' (encerrado antes)",
        "operator_id": "Operador que registrou (operators.operator_id)",
        "created_at": "Abertura",
        "due_at": "Prazo (abertura + horas do tipo de atendimento)",
        "closed_at": "Encerramento (vazio enquanto aberto)",
        "updated_at": "Última alteração",
        "owner_id": "Responsável atual (operators.operator_id; vazio: aguardando na fila)",
        "queue_code": "Fila atual (queues.code)",
        "client_name": "Nome do cliente (cópia de clients.name, gravada com o atendimento)",
    }),
    "attendance_contacts": ("Contatos posteriores de um atendimento (o primeiro é o próprio atendimento)", {
        "protocol": "Protocolo (attendances.protocol)",
        "seq": "Número do contato (2, 3, ...)",
        "contact_at": "Quando",
        "operator_id": "Operador (operators.operator_id)",
        "origin_code": "Origem do contato (origins.code)",
        "person_name": "Nome da pessoa",
        "said": "O que o cliente relatou",
        "checks_done": "Verificações realizadas neste contato",
        "resolved": "Resolvido neste contato",
        "solution": "Descrição da solução",
        "os_requested": "Pediu O.S. neste contato",
        "order_id": "O.S. pedida (service_orders.order_id)",
        "from_status": "Status antes do contato (statuses.code)",
        "to_status": "Status depois do contato (statuses.code)",
        "call_protocol": "Protocolo gerado para esta ligação, quando houve um",
    }),
    "protocol_log": ("Todo protocolo gerado, inclusive os abandonados (RGC art. 9)", {
        "protocol": "Protocolo",
        "issued_at": "Quando foi gerado (informado ao cliente)",
        "operator_id": "Operador (operators.operator_id)",
        "client_id": "Cliente (clients.client_id)",
        "origin_code": "Origem do atendimento (origins.code); vazia até o operador escolher",
        "outcome": "Situação: aberto, registrado ou abandonado",
        "outcome_at": "Quando chegou à situação atual",
    }),
    "script_answers": ("Relatório do script: perguntas feitas e respostas dadas", {
        "protocol": "Protocolo (attendances.protocol)",
        "seq": "Ordem da pergunta no atendimento",
        "script_code": "Script (scripts.code)",
        "script_version": "Versão do script",
        "question_id": "Identificador da pergunta no script",
        "question": "Texto da pergunta",
        "answer_index": "Índice da opção escolhida (0 = primeira)",
        "answer": "Texto da resposta",
    }),
    "service_orders": ("Ordens de serviço (O.S.) abertas nos atendimentos", {
        "order_id": "Número da O.S.",
        "protocol": "Protocolo (attendances.protocol)",
        "client_id": "Cliente (clients.client_id)",
        "contract_id": "Contrato (contracts.contract_id)",
        "status": "Situação: Aberta, Agendada, Em Execução, Finalizada ou Cancelada",
        "description": "Descrição",
        "created_at": "Abertura",
        "updated_at": "Última alteração",
        "address": "Endereço do serviço confirmado com o cliente",
        "city": "Cidade do serviço",
        "preferred_period": "Período preferido pelo cliente: manha, tarde ou qualquer",
        "scheduled_on": "Data agendada",
        "scheduled_period": "Período agendado: manha ou tarde",
        "technician_id": "Técnico (technicians.technician_id)",
        "notes": "Observações",
        "closed_at": "Finalização ou cancelamento",
    }),
    "service_order_events": ("Histórico das O.S.: cada mudança de situação ou agenda", {
        "order_id": "O.S. (service_orders.order_id)",
        "event_at": "Quando",
        "operator_id": "Operador (operators.operator_id)",
        "from_status": "Situação anterior",
        "to_status": "Nova situação",
        "scheduled_on": "Data agendada",
        "scheduled_period": "Período agendado",
        "technician_id": "Técnico (technicians.technician_id)",
        "note": "Observação",
    }),
    "attendance_events": ("Histórico dos atendimentos: criação, notas, status, contatos, transferências, O.S.", {
        "protocol": "Protocolo (attendances.protocol)",
        "event_at": "Quando",
        "operator_id": "Operador (operators.operator_id)",
        "kind": "Tipo: criado, nota, status, contato, transferencia ou os",
        "from_status": "Status anterior (statuses.code)",
        "to_status": "Novo status (statuses.code)",
        "note": "Nota (numa transferência, o motivo)",
        "from_owner": "Responsável anterior (operators.operator_id)",
        "to_owner": "Novo responsável (operators.operator_id)",
        "from_queue": "Fila anterior (queues.code)",
        "to_queue": "Nova fila (queues.code)",
        "contact_seq": "Contato (attendance_contacts.seq)",
        "order_id": "O.S. (service_orders.order_id)",
    }),
    "operators": ("Operadores (sem senhas nem estado de bloqueio)", {
        "operator_id": "Identificador do operador",
        "username": "Usuário",
        "name": "Nome",
        "role": "Perfil: atendente, supervisor ou admin",
        "active": "Ativo (pode entrar no sistema)",
        "created_at": "Cadastro",
    }),
    "operator_queues": ("Filas que cada operador atende", {
        "operator_id": "Operador (operators.operator_id)", "queue_code": "Fila (queues.code)"}),
    "queues": ("Filas de atendimento", {"code": "Código", "label": "Nome mostrado", "sort": "Ordem na tela"}),
    "technicians": ("Técnicos de campo", {
        "technician_id": "Identificador do técnico", "name": "Nome", "city": "Cidade", "active": "Ativo"}),
    "origins": ("Origens do atendimento", {
        "code": "Código", "label": "Nome mostrado", "sort": "Ordem na tela"}),
    "statuses": ("Status dos atendimentos", {
        "code": "Código", "label": "Nome mostrado", "is_open": "Conta como aberto", "sort": "Ordem na tela"}),
    "attendance_types": ("Tipos de atendimento e seus prazos", {
        "code": "Código", "label": "Nome mostrado", "deadline_hours": "Prazo em horas",
        "is_complaint": "É reclamação (prazo Anatel de 7 dias; os demais, 10)", "sort": "Ordem na tela",
        "queue_code": "Fila padrão dos atendimentos deste tipo (queues.code)"}),
    "titles": ("Títulos/assuntos do atendimento", {
        "code": "Código", "label": "Nome mostrado", "script_code": "Script que o título abre (scripts.code)",
        "type_code": "Tipo de atendimento sugerido (attendance_types.code)", "sort": "Ordem na tela"}),
    "scripts": ("Scripts de atendimento", {"code": "Código", "name": "Nome"}),
    "script_versions": ("Versões carregadas de cada script (a definição em JSON)", {
        "script_code": "Script (scripts.code)", "version": "Versão", "checksum": "Soma de verificação",
        "definition": "Definição do script (perguntas e opções) em JSON", "loaded_at": "Quando foi carregada"}),
}


def declared() -> list[tuple[str, str, str, str]]:
    """(table, table description, column, column description) of every declared column, in order."""
    return [(table, about, column, text) for table, (about, columns) in CATALOG.items()
            for column, text in columns.items()
            if table not in FORBIDDEN_TABLES and column not in FORBIDDEN_COLUMNS]
