"""The desk's screens: login, Área de Trabalho, client search and record, the wizard, operators."""
