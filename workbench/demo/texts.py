"""Portuguese sentences for the demo attendances: problems, checks, solutions, notes."""

from __future__ import annotations

PROBLEMS = {
    "sem_conexao": [
        "Cliente informa que está sem internet", "Sem acesso à internet em nenhum aparelho",
        "A internet caiu e não voltou", "Roteador com luz vermelha e sem navegação",
        "Nenhum site abre, nem pelo cabo", "Conexão parou de funcionar após queda de energia",
    ],
    "lentidao": [
        "Internet muito lenta", "Velocidade bem abaixo do plano contratado",
        "Vídeos travando e páginas demorando a carregar", "Teste de velocidade mostra menos da metade do plano",
        "Jogos online com latência alta", "Lentidão principalmente à noite",
    ],
    "wifi": [
        "Wi-Fi não alcança os quartos", "Celular não conecta no Wi-Fi",
        "Esqueceu a senha do Wi-Fi", "Rede Wi-Fi sumiu da lista", "Sinal do Wi-Fi fraco no andar de cima",
    ],
    "queda_intermitente": [
        "A conexão cai várias vezes por dia", "Internet oscilando, cai e volta",
        "Quedas frequentes durante chamadas de vídeo", "Desconecta sozinha a cada poucos minutos",
    ],
    "segunda_via_boleto": [
        "Solicita a 2ª via do boleto", "Não recebeu o boleto deste mês por e-mail",
        "Pede boleto atualizado para pagamento", "Boleto venceu e precisa de um novo",
    ],
    "negociacao_debito": [
        "Quer negociar mensalidades em atraso", "Pede parcelamento do débito",
        "Solicita acordo para pagar faturas vencidas",
    ],
    "desbloqueio_confianca": [
        "Acesso bloqueado por falta de pagamento, pede desbloqueio de confiança",
        "Pagou hoje e pede liberação imediata", "Pede liberação até o pagamento compensar",
    ],
    "alteracao_plano": [
        "Deseja aumentar a velocidade do plano", "Quer mudar para um plano mais barato",
        "Pergunta sobre planos com mais velocidade", "Solicita upgrade para fibra",
    ],
    "mudanca_endereco": [
        "Vai se mudar e quer levar a internet", "Solicita transferência de endereço da instalação",
        "Pergunta se há cobertura no novo endereço",
    ],
    "cancelamento": [
        "Deseja cancelar o contrato", "Pede cancelamento por mudança de cidade",
        "Quer cancelar por insatisfação com o serviço", "Solicita cancelamento e retirada do equipamento",
    ],
    "reclamacao_atendimento": [
        "Reclama da demora no atendimento anterior", "Técnico não compareceu na visita agendada",
        "Reclama que foi mal atendido pelo telefone", "Protocolo anterior não foi resolvido",
    ],
    "reclamacao_cobranca": [
        "Cobrança em duplicidade na fatura", "Valor da fatura diferente do contratado",
        "Cobrado por serviço que não solicitou", "Cobrança após o cancelamento",
    ],
    "informacoes_gerais": [
        "Pergunta o horário de atendimento da loja", "Quer saber a data de vencimento da fatura",
        "Pede informações sobre o contrato", "Pergunta como acessar a central do assinante",
    ],
}
GENERIC_PROBLEMS = ["Cliente entrou em contato", "Cliente pede ajuda", "Cliente solicita atendimento"]

WHEN = [
    "", "", " desde ontem", " desde hoje de manhã", " há três dias", " desde o fim de semana",
    " desde a última chuva", " há cerca de uma semana", " desde ontem à noite",
]
DETAILS = [
    ".", ".", ".", ". Já reiniciou o roteador.", ". Tem urgência, trabalha em casa.",
    ". Pede retorno pelo celular.", ". Segunda vez que liga sobre o assunto.", ". Informa que os vizinhos estão normais.",
]

CHECKS = {
    "suporte_tecnico": [
        "Verificado sinal óptico na OLT", "Reiniciado equipamento remotamente", "Verificada sessão PPPoE no concentrador",
        "Confirmado cadastro e plano", "Testado DNS e navegação", "Orientado reinício do roteador",
    ],
    "financeiro": [
        "Consultadas faturas em aberto", "Confirmado e-mail de envio das faturas", "Verificado status de bloqueio",
        "Confirmados dados do titular",
    ],
    "comercial": ["Consultada viabilidade técnica", "Apresentados planos disponíveis", "Confirmados dados do titular"],
    "reclamacao": ["Consultado histórico de atendimentos", "Confirmados dados do titular", "Verificadas faturas recentes"],
    "cancelamento": ["Confirmados dados do titular", "Apresentada proposta de retenção", "Verificada multa contratual"],
    "informacao": ["Confirmados dados do titular", "Consultado cadastro"],
}
GENERIC_CHECKS = ["Confirmados dados do titular", "Consultado cadastro"]

SOLUTIONS = {
    "sem_conexao": ["Equipamento reiniciado, conexão restabelecida", "Cabo reconectado, navegação normal",
                    "Sessão PPPoE derrubada e reconectada com sucesso"],
    "lentidao": ["Canal do Wi-Fi alterado, velocidade normalizada", "Perfil de velocidade reaplicado no concentrador"],
    "wifi": ["Senha do Wi-Fi redefinida remotamente", "Rede de 5 GHz habilitada, sinal melhorou"],
    "queda_intermitente": ["Firmware do roteador atualizado", "Ajustada potência do sinal, conexão estável"],
    "segunda_via_boleto": ["2ª via enviada por e-mail", "Linha digitável informada ao cliente"],
    "negociacao_debito": ["Acordo realizado em 3 parcelas", "Débito parcelado conforme política"],
    "desbloqueio_confianca": ["Desbloqueio de confiança liberado por 3 dias"],
    "alteracao_plano": ["Plano alterado a partir do próximo ciclo", "Upgrade de plano realizado"],
    "mudanca_endereco": ["Viabilidade confirmada, transferência agendada"],
    "cancelamento": ["Cliente aceitou proposta de retenção", "Cancelamento registrado, retirada agendada"],
    "reclamacao_atendimento": ["Reclamação registrada e cliente orientado", "Visita reagendada com prioridade"],
    "reclamacao_cobranca": ["Fatura corrigida e reenviada", "Estorno do valor cobrado a mais"],
    "informacoes_gerais": ["Informação prestada ao cliente"],
}
GENERIC_SOLUTIONS = ["Demanda atendida", "Cliente orientado"]
NO_SOLUTION = ["Não foi possível resolver; cliente orientado", "Cliente não retornou o contato",
               "Sem solução técnica no momento"]

NOTES = [
    "Cliente retornou a ligação pedindo atualização.", "Tentativa de contato sem sucesso.",
    "Encaminhado ao setor responsável.", "Aguardando retorno do cliente.", "Cliente informou novo telefone para contato.",
    "Verificado novamente, problema persiste.", "Cliente confirmou que o problema foi resolvido.",
]
OS_DESCRIPTIONS = {
    "suporte_tecnico": "Visita técnica para diagnóstico da conexão",
    "comercial": "Instalação/alteração de serviço",
    "cancelamento": "Retirada de equipamento",
}
GENERIC_OS = "Visita técnica"
