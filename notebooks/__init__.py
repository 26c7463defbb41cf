"""The app notebooks (desk, dashboard, analysis), wiring only. Installed as the package
``workbench.app_notebooks`` (see pyproject.toml); ``workbench serve`` serves the first two."""
