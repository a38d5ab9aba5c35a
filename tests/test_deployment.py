"""What users deploy: docker-compose.yml, the Dockerfile and the settings they read."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_the_bot_beside_postgres_16_with_a_volume_and_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "bot"}
    db, bot = services["db"], services["bot"]
    assert db["image"] == "postgres:16"
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://") and "@db:5432/" in url
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["build"] == "."


def test_dockerfile_installs_the_project_and_runs_the_bot():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY pyproject.toml README.md constraints.txt ./" in dockerfile
    assert "pip install -c constraints.txt ." in dockerfile  # the versions CI tested
    assert 'CMD ["groundrules", "run"]' in dockerfile
    for package in ("bot", "rules", "adapters"):
        assert f"COPY {package} ./{package}" in dockerfile


def test_every_dependency_is_pinned_in_the_constraints():
    """A dependency added to pyproject.toml without `make constraints` would install
    whatever is newest that day, untested."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    pinned = {
        canonical(line.split("==")[0])
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    names = {canonical(re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0]) for spec in wanted}
    assert names and names <= pinned, sorted(names - pinned)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_settings_malformed_duration_names_the_variable(monkeypatch):
    monkeypatch.setenv("GROUNDRULES_PROBLEM_WINDOW", "soonish")
    with pytest.raises(SettingsError, match=r"^GROUNDRULES_PROBLEM_WINDOW: "):
        load_settings()


def test_settings_correction_retention_is_a_year_and_must_be_some_time(monkeypatch):
    assert load_settings().correction_retention.days == 365
    monkeypatch.setenv("GROUNDRULES_CORRECTION_RETENTION", "52w")
    assert load_settings().correction_retention.days == 364
    monkeypatch.setenv("GROUNDRULES_CORRECTION_RETENTION", "0")
    with pytest.raises(SettingsError, match=r"^GROUNDRULES_CORRECTION_RETENTION: "):
        load_settings()


def test_settings_read_durations_and_database_url(monkeypatch):
    monkeypatch.setenv("GROUNDRULES_PROBLEM_WINDOW", "90s")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    settings = load_settings()
    assert settings.problem_window.total_seconds() == 90
    assert settings.database_url == "postgresql://u@h/db"


def test_settings_secrets_never_show_in_their_repr(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-123-secret")
    settings = load_settings()
    assert "xoxb-123-secret" not in repr(settings)


def test_logs_redact_tokens(caplog):
    import logging

    from bot.logs import RedactingFilter

    logger = logging.getLogger("groundrules.test")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("calling with %s and Bearer xoxb-1-2-abc", "xapp-1-A1-xyz")
    assert "xoxb" not in caplog.text and "xapp-1" not in caplog.text
    assert "[redacted]" in caplog.text


def test_logs_redact_tokens_in_tracebacks_and_stacks(operator_log):
    import logging

    log = logging.getLogger("groundrules.test")
    try:
        raise RuntimeError("token xoxb-1234-abcd in an exception")
    except RuntimeError:
        log.exception("delivering failed")
    log.warning("here", stack_info=True, extra={"token": "xapp-1-A1-xyz"})
    try:
        raise RuntimeError("a second token xoxp-9-z")
    except RuntimeError as error:
        log.error("failed", exc_info=error)

    written = operator_log.getvalue()
    assert "RuntimeError" in written and "delivering failed" in written
    assert "[redacted]" in written
    for token in ("xoxb-1234", "xoxp-9", "xapp-1"):  # the stack shows the source line
        assert token not in written


def test_database_errors_do_not_show_statement_parameters(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from bot.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/g.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bots (token TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO bots VALUES (:token)"), {"token": "xoxb-1-first"})
    with pytest.raises(IntegrityError) as raised, engine.begin() as connection:
        connection.execute(text("INSERT INTO bots VALUES (:token)"), {"token": "xoxb-1-first"})
    engine.dispose()
    assert "INSERT INTO bots" in str(raised.value)
    assert "xoxb-1-first" not in str(raised.value)
