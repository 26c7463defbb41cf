"""Every setting is documented in the README, and the environment overrides it."""

from pathlib import Path

from workbench import settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [s.env for s in settings.SETTINGS if f"`{s.env}`" not in README or s.help not in README]
    assert not missing, f"document these in README.md: {missing}"


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("WORKBENCH_TZ", "America/Manaus")
    assert settings.get("timezone") == "America/Manaus"
    monkeypatch.delenv("WORKBENCH_TZ")
    assert settings.get("timezone") == "America/Sao_Paulo"
