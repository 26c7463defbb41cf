"""Reference data shipped with the workbench: the CSV tables and troubleshooting scripts (YAML)
that ``workbench init`` loads. Installed as the package ``workbench.app_data`` (see pyproject.toml)."""
