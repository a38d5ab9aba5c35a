"""What users deploy: docker-compose.yml, the Dockerfile and the settings they read."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from bot import person_data
from bot.bootstrap import bootstrap
from bot.settings import SettingsError, load_settings
from rules.events import CommandInvoked, MemberJoined, MessagePosted
from tests.helpers import TaggedClassifier

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
    # The password goes apart, as the db service is given it: none in the URL.
    assert bot["environment"]["PGPASSWORD"] == db["environment"]["POSTGRES_PASSWORD"]
    assert "POSTGRES_PASSWORD" not in url and make_url(url).password is None
    # Liveness: a database outage is no reason for anything to restart the bot.
    assert "/livez" in " ".join(bot["healthcheck"]["test"])
    assert bot["build"] == "."


def test_compose_keeps_the_spool_of_the_events_kept_in_an_outage_on_a_volume():
    """A container restarted while the database does not answer finds what it kept."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    [mount] = compose["services"]["bot"]["volumes"]
    volume, folder = mount.split(":")
    assert volume in compose["volumes"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"ENV GROUNDRULES_SPOOL_DIR={folder}\n" in dockerfile
    assert f"install -d -m 700 -o groundrules {folder}\n" in dockerfile  # its user writes


# What a generated password may hold: each of these broke the URL compose built with it.
AWKWARD_PASSWORD = "p@ss:w/rd%40#?x"


def _compose_bot_environment(monkeypatch, host: str, password: str) -> None:
    """The bot service's environment from docker-compose.yml, as Compose fills it in with
    POSTGRES_PASSWORD=`password` in .env, set here; its database at `host`, not db."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, value in compose["services"]["bot"]["environment"].items():
        value = re.sub(r"\$\{POSTGRES_PASSWORD:-[^}]*\}", lambda _: password, str(value)).replace(
            "@db:5432/", f"@{host}/"
        )
        monkeypatch.setenv(name, value)


def test_compose_database_url_never_shows_the_password_while_waiting(monkeypatch, caplog):
    """With POSTGRES_PASSWORD=p@ss… the bot read host "ss@db" and logged it, waiting:
    `database not reachable yet: failed to resolve host 'ss@db'`."""
    import logging

    from bot.bootstrap import wait_for_database
    from bot.database import make_engine

    _compose_bot_environment(monkeypatch, "127.0.0.1:1", AWKWARD_PASSWORD)
    engine = make_engine(load_settings().database_url)
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(Exception):  # noqa: B017
            wait_for_database(engine, patience=1)
    finally:
        engine.dispose()
    assert "database not reachable yet: " in caplog.text and "127.0.0.1" in caplog.text
    for part in ("p@ss", "ss:w", "w/rd", "rd%40", "#?x"):
        assert part not in caplog.text


def test_settings_repr_shows_no_database_password():
    """A repr ends up in error messages: the URL's password stays out, as the tokens do."""
    from bot.settings import Settings

    settings = Settings(database_url="postgresql://groundrules:pa55word@db/groundrules",
                        slack_bot_token="xoxb-1-abc")  # fmt: skip
    assert settings.database_url.endswith("pa55word@db/groundrules")
    assert "pa55word" not in repr(settings) and "xoxb-1-abc" not in repr(settings)


@pytest.mark.postgres
def test_compose_gives_the_database_the_password_as_it_was_set(monkeypatch):
    """libpq reads PGPASSWORD for a URL without one: the password reaches the server
    whole, whatever it holds."""
    from tests.conftest import postgres_base_url

    base = postgres_base_url()
    if base is None:
        pytest.skip("DATABASE_URL does not name a PostgreSQL database")
    from bot.database import make_engine

    local = make_url(base)
    _compose_bot_environment(monkeypatch, f"{local.host}:{local.port or 5432}", AWKWARD_PASSWORD)
    # The test server's user and database, not compose's.
    url = make_url(load_settings().database_url).set(
        username=local.username, database=local.database
    )
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            assert connection.connection.dbapi_connection.info.password == AWKWARD_PASSWORD
    finally:
        engine.dispose()


@pytest.mark.parametrize("variable", ["DATABASE_URL", "GROUNDRULES_DATABASE_URL"])
@pytest.mark.parametrize("password", ["p@ss", "p@s/s", "p@ss:1", "a@b@c"])
def test_settings_refuse_a_database_url_with_an_unescaped_at_without_showing_it(
    monkeypatch, variable, password
):
    """Read as the host (or database), the rest of the password showed in the errors."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("GROUNDRULES_DATABASE_URL", raising=False)
    monkeypatch.setenv(variable, f"postgresql://groundrules:{password}@db:5432/groundrules")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == (
        f"{variable}: an @ in the password must be written %40 (URL-encode it), or leave the "
        "password out of the URL and set PGPASSWORD"
    )
    encoded = password.replace("@", "%40")
    monkeypatch.setenv(variable, f"postgresql://groundrules:{encoded}@db:5432/groundrules")
    assert make_url(load_settings().database_url).password == password


def test_settings_keep_an_at_where_a_url_may_have_one(monkeypatch):
    """In a SQLite file's path, and in the query (a libpq option) of a PostgreSQL URL."""
    for url in ("sqlite:///data/team@home.db",
                "postgresql://u:pw@db:5432/g?application_name=bot@host"):  # fmt: skip
        monkeypatch.setenv("DATABASE_URL", url)
        assert load_settings().database_url == url


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


def _every_setting() -> list[tuple[str, str]]:
    from bot.settings import Settings, _names

    return [(field, name) for field in Settings.model_fields for name in _names(field)]


@pytest.mark.parametrize(("field", "variable"), _every_setting())
@pytest.mark.parametrize("where", ["environment", ".env"])
def test_settings_an_empty_variable_means_its_default(
    monkeypatch, tmp_path, field, variable, where
):
    """`.env.example` leaves the tokens empty, meaning unset; `GROUNDRULES_LANGUAGE=` (the
    README's "follow the speaker") or any other empty setting stopped start-up instead."""
    from bot.settings import Settings, _names

    monkeypatch.chdir(tmp_path)
    for name in _names(field):
        monkeypatch.delenv(name, raising=False)
    unset = getattr(load_settings(), field)
    if where == "environment":
        monkeypatch.setenv(variable, "")
    else:
        (tmp_path / ".env").write_text(f"{variable}=\n")
    assert getattr(load_settings(), field) == unset == Settings.model_fields[field].default


def test_settings_malformed_duration_names_the_variable(monkeypatch):
    monkeypatch.setenv("GROUNDRULES_PROBLEM_WINDOW", "soonish")
    with pytest.raises(SettingsError, match=r"^GROUNDRULES_PROBLEM_WINDOW: "):
        load_settings()


def test_settings_correction_retention_is_a_year_and_must_be_some_time(monkeypatch):
    assert load_settings().correction_retention.days == 365
    monkeypatch.setenv("GROUNDRULES_CORRECTION_RETENTION", "52w")
    assert load_settings().correction_retention.days == 364
    monkeypatch.setenv("GROUNDRULES_CORRECTION_RETENTION", "0d")
    with pytest.raises(SettingsError, match=r"^GROUNDRULES_CORRECTION_RETENTION: "):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value", "unit"),
    [("REMOVED_RETENTION", "30", "d"), ("REVIEW_AFTER", "28", "d"), ("RETENTION", "2", "d"),
     ("CORRECTION_RETENTION", "365", "d"), ("FORGOTTEN_RETENTION", "7", "d"),
     ("ROUND_DEADLINE", "24", "h"),
     ("REMINDER_DELAY", "4", "h"), ("TICK_INTERVAL", "5", "s")],
)  # fmt: skip
def test_settings_a_bare_number_of_days_or_hours_is_refused_not_read_as_minutes(
    monkeypatch, variable, value, unit
):
    """GROUNDRULES_REMOVED_RETENTION=30 read as 30 minutes deleted a removed workspace's
    data half an hour later; the line says which unit was probably meant."""
    monkeypatch.setenv(f"GROUNDRULES_{variable}", value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert (
        str(raised.value) == f"GROUNDRULES_{variable}: {value} needs a unit, such as {value}{unit}"
    )
    monkeypatch.setenv(f"GROUNDRULES_{variable}", f"{value}{unit}")
    assert load_settings()


def test_settings_the_shortest_durations_are_accepted(monkeypatch):
    for variable, value in (("TICK_INTERVAL", "1s"), ("PROBLEM_WINDOW", "10s"),
                            ("REVIEW_AFTER", "1d")):  # fmt: skip
        monkeypatch.setenv(f"GROUNDRULES_{variable}", value)
    settings = load_settings()
    assert (settings.tick_interval, settings.problem_window, settings.review_after) == (
        timedelta(seconds=1), timedelta(seconds=10), timedelta(days=1),
    )  # fmt: skip


def test_settings_a_bare_problem_window_is_minutes_as_the_readme_says(monkeypatch):
    monkeypatch.setenv("GROUNDRULES_PROBLEM_WINDOW", "15")
    assert load_settings().problem_window == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("variable", "value", "error"),
    [("RETENTION", "999999w", "too long: at most 3653d, ten years"),
     ("REVIEW_AFTER", "99999999999999999999w", "too long: at most 3653d, ten years"),
     ("ROUND_DEADLINE", "3654d", "too long: at most 3653d, ten years"),
     ("REMINDER_DELAY", "999999w", "too long: at most 3653d, ten years"),
     ("REMOVED_RETENTION", "999999w", "too long: at most 3653d, ten years"),
     ("PROBLEM_WINDOW", "8d", "too long: at most 7d"),
     ("TICK_INTERVAL", "2h", "too long: at most 1h"),
     ("TICK_INTERVAL", "0s", "too short: at least 1s"),
     ("TICK_INTERVAL", "0.5s", "too short: at least 1s"),
     ("ROUND_DEADLINE", "0h", "must be more than 0"),
     ("PROBLEM_WINDOW", "0", "too short: at least 10s"),
     ("PROBLEM_WINDOW", "9s", "too short: at least 10s"),
     ("REVIEW_AFTER", "12h", "too short: at least 1d")],
)  # fmt: skip
def test_settings_durations_are_bounded(monkeypatch, variable, value, error):
    """999999w loaded, then overflowed the dates it was added to: the retention sweep
    failed every tick and a problem or a round got no reply. A zero tick would spin
    (0.5s counts as 0). A window /problem-window would refuse a table is refused as its
    default; a review under a day falls due as the agreement is recorded."""
    monkeypatch.setenv(f"GROUNDRULES_{variable}", value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == f"GROUNDRULES_{variable}: {error}"


def test_settings_the_longest_durations_still_work_where_they_are_used(tmp_path):
    longest = {
        name: "3653d"
        for name in ("review_after", "retention", "round_deadline", "reminder_delay",
                     "correction_retention", "removed_retention", "forgotten_retention")
    }  # fmt: skip
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path}/long.db",
        problem_window="7d",
        second_reading=False,
        **longest,
    )
    app = bootstrap(settings, classifier=TaggedClassifier())
    table = {"workspace": "W1", "channel": "C1", "at": datetime(2026, 3, 2, 9, tzinfo=UTC)}
    for user in ("ann", "ben"):
        app.service.handle(MemberJoined(**table, event_id=f"j{user}", user=user))
    events = [
        MessagePosted(**table, event_id="m1", user="ben", message_id="m1", text="#problem VPN"),
        CommandInvoked(**table, event_id="a1", user="ann", name="agree", args="We meet at 9"),
        CommandInvoked(**table, event_id="r1", user="ann", name="round", args="We meet at 9"),
    ]
    for event in events:  # each sets a timer or a review date that far ahead
        app.service.handle(event)
    app.store.sweep(table["at"], settings.retention, settings.correction_retention)
    person_data.forget(app.database, "W1", "ben", table["at"])
    kept_from = table["at"] - settings.forgotten_retention
    assert person_data.forget_notes_before(app.database, kept_from) == 0


def test_settings_read_durations_and_database_url(monkeypatch):
    monkeypatch.setenv("GROUNDRULES_PROBLEM_WINDOW", "90s")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    settings = load_settings()
    assert settings.problem_window.total_seconds() == 90
    assert settings.database_url == "postgresql://u@h/db"


@pytest.mark.parametrize("value", ["nan", "inf", "1.5", "-0.1", "high"])
def test_settings_a_bar_is_a_number_from_0_to_1(monkeypatch, value):
    monkeypatch.setenv("GROUNDRULES_WATCH_THRESHOLD", value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == (
        "GROUNDRULES_WATCH_THRESHOLD: must be a number from 0 to 1, such as 0.75"
    )
    monkeypatch.setenv("GROUNDRULES_WATCH_THRESHOLD", " 1 ")
    assert load_settings().watch_threshold == 1.0


def test_settings_log_level_in_any_case(monkeypatch):
    assert load_settings().log_level == "INFO"
    monkeypatch.setenv("GROUNDRULES_LOG_LEVEL", " debug")
    assert load_settings().log_level == "DEBUG"


@pytest.mark.parametrize(
    ("variable", "written", "read"),
    [
        ("GROUNDRULES_LANGUAGE", "NL", "nl"),
        ("GROUNDRULES_LANGUAGE", " En ", "en"),
        ("GROUNDRULES_NUDGES", "Fewer", "fewer"),
        ("GROUNDRULES_CLASSIFIER", "RULES", "rules"),
        ("SLACK_COMMANDS", "NL", "nl"),
    ],
)
def test_settings_a_word_setting_is_read_in_any_case(monkeypatch, variable, written, read):
    monkeypatch.setenv(variable, written)
    settings = load_settings()
    field = {"SLACK_COMMANDS": "slack_commands"}.get(
        variable, variable.removeprefix("GROUNDRULES_").lower()
    )
    assert getattr(settings, field) == read


def test_settings_a_mistyped_word_setting_still_names_the_choices(monkeypatch):
    monkeypatch.setenv("GROUNDRULES_LANGUAGE", "Dutch")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == "GROUNDRULES_LANGUAGE: Input should be 'en' or 'nl'"


@pytest.mark.parametrize("variable", ["DATABASE_URL", "GROUNDRULES_DATABASE_URL"])
def test_settings_a_bad_database_url_is_named_as_it_was_set_without_its_password(
    monkeypatch, variable
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("GROUNDRULES_DATABASE_URL", raising=False)
    monkeypatch.setenv(variable, "postgresql://bob:hunter2@host:notaport/db")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value) == f"{variable}: use sqlite:///FILE or postgresql://USER@HOST/DATABASE"


def test_settings_a_bad_database_url_in_dot_env_is_named_as_it_was_set(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("GROUNDRULES_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("GROUNDRULES_DATABASE_URL=mysql://bob:hunter2@host/db\n")
    with pytest.raises(SettingsError, match=r"^GROUNDRULES_DATABASE_URL: use sqlite"):
        load_settings()


def test_settings_errors_never_echo_a_secret(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-123-secret")
    monkeypatch.setenv("DISCORD_TOKEN", "MTAx.secret.token")
    monkeypatch.setenv("GROUNDRULES_HTTP_PORT", "xoxb-123-secret")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert str(raised.value).startswith("GROUNDRULES_HTTP_PORT: ")
    assert "secret" not in str(raised.value)


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
        # Discord tokens of bots whose id starts with 1-3, 4-7 and 8-9.
        for first in (
            "MTE5ODc2NTQzMjEwOTg3NjU0",
            "NDU2Nzg5MDEyMzQ1Njc4OTAx",
            "OTg3NjU0MzIxMDk4NzY1NDMy",
        ):
            logger.info("logging in with %s.GaBcDe.%s", first, "x" * 38)
    assert "xoxb" not in caplog.text and "xapp-1" not in caplog.text
    assert "MTE5" not in caplog.text and "NDU2" not in caplog.text and "OTg3" not in caplog.text
    assert "[redacted]" in caplog.text


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("Failed to fetch oauth.v2.access result with code: 1.2.ab - error: refused",
         "Failed to fetch oauth.v2.access result with code: [redacted] - error: refused"),
        ("request: {'code': ['1.2.ab'], 'state': ['s1']}",
         "request: {'code': ['[redacted]'], 'state': ['s1']}"),
        ("data: {'code': '1.2.ab', 'client_secret': 'c0ffee'}",
         "data: {'code': '[redacted]', 'client_secret': '[redacted]'}"),
        ("GET /slack/oauth_redirect?code=1.2.ab&state=s1",
         "GET /slack/oauth_redirect?code=[redacted]&state=s1"),
        # slack_sdk logs apps.connections.open's answer at DEBUG.
        ('{"ok": true, "url": "wss://wss-primary.slack.com/link/?ticket=9f1c-2b&app_id=A1"}',
         '{"ok": true, "url": "wss://wss-primary.slack.com/link/?ticket=[redacted]&app_id=A1"}'),
        # Slack's response URLs and Discord's interaction tokens, at DEBUG.
        ("url: https://hooks.slack.com/actions/T0123/4567/AbC9dEf, body: {}",
         "url: https://hooks.slack.com/actions/T0123/4567/[redacted], body: {}"),
        ("{'response_url': 'https://hooks.slack.com/commands/T0123/4567/AbC9dEf'}",
         "{'response_url': 'https://hooks.slack.com/commands/T0123/4567/[redacted]'}"),
        ("POST https://discord.com/api/v10/interactions/1577/aW50ZXJhY3Rpb246/callback",
         "POST https://discord.com/api/v10/interactions/1577/[redacted]/callback"),
        ("PATCH https://discord.com/api/v10/webhooks/1577/aW50ZXJh/messages/@original",
         "PATCH https://discord.com/api/v10/webhooks/1577/[redacted]/messages/@original"),
        ("{'token': 'aW50ZXJhY3Rpb246', 'version': 1}", "{'token': '[redacted]', 'version': 1}"),
        # The same in a JSON payload as Slack writes it (slashes escaped), as Python shows
        # that text (each backslash doubled), and URL-encoded.
        (r'{"response_url":"https:\/\/hooks.slack.com\/commands\/T0123\/4567\/AbC9dEf"}',
         r'{"response_url":"https:\/\/hooks.slack.com\/commands\/T0123\/4567\/[redacted]"}'),
        (r"data: '{\"url\":\"https:\\/\\/hooks.slack.com\\/actions\\/T0\\/45\\/AbC9\"}'",
         r"data: '{\"url\":\"https:\\/\\/hooks.slack.com\\/actions\\/T0\\/45\\/[redacted]\"}'"),
        ("response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0123%2F4567%2FAbC9dEf&x=1",
         "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0123%2F4567%2F[redacted]&x=1"),
        ("u=https%3a%2f%2fhooks.slack.com%2factions%2fT0123%2f4567%2fAbC9dEf",
         "u=https%3a%2f%2fhooks.slack.com%2factions%2fT0123%2f4567%2f[redacted]"),
        (r'"url":"https:\/\/discord.com\/api\/v10\/interactions\/1577\/aW50ZXJh\/callback"',
         r'"url":"https:\/\/discord.com\/api\/v10\/interactions\/1577\/[redacted]\/callback"'),
        ("next=%2Fslack%2Foauth_redirect%3Fcode%3D1.2.ab%26state%3Ds1",
         "next=%2Fslack%2Foauth_redirect%3Fcode%3D[redacted]%26state%3Ds1"),
        (r"body: '{\"token\": \"aW50ZXJh\", \"code\": \"1.2.ab\"}'",
         r"body: '{\"token\": \"[redacted]\", \"code\": \"[redacted]\"}'"),
        (r'{"url":"wss:\/\/wss-primary.slack.com\/link\/?ticket=9f1c-2b&app_id=A1"}',
         r'{"url":"wss:\/\/wss-primary.slack.com\/link\/?ticket=[redacted]&app_id=A1"}'),
        # Discord's error codes are not secrets.
        ("403 Forbidden (error code: 50013): Missing Permissions",
         "403 Forbidden (error code: 50013): Missing Permissions"),
        ('{"message": "Unknown Channel", "code": 10003}',
         '{"message": "Unknown Channel", "code": 10003}'),
    ],
)  # fmt: skip
def test_logs_redact_oauth_codes_and_client_secrets(line: str, shown: str):
    from bot.logs import redact_secrets

    assert redact_secrets(line) == shown
    assert redact_secrets(shown) == shown  # the filter and the formatter both redact


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


# Addresses the tests' stand-in Slack and Discord are reached at: not for operators.
_UNDOCUMENTED = {"SLACK_API_URL", "DISCORD_API_URL", "DISCORD_GATEWAY_URL"}


def test_readme_has_a_row_for_every_setting():
    from bot.settings import Settings, _names

    rows = [
        line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `")
    ]
    documented = {
        name for row in rows for name in re.findall(r"`([A-Z][A-Z_]+)`", row.split("|")[1])
    }
    for field in Settings.model_fields:
        names = set(_names(field))
        assert names & (documented | _UNDOCUMENTED), f"README has no row for {names}"


def test_env_example_names_only_what_the_bot_or_compose_reads():
    """SLACK_STATE_SECRET was there, and read into the settings, but used by nothing: the
    OAuth state is kept in the database (slack_oauth_states), one use each."""
    from bot.settings import Settings, _names

    read = {name for field in Settings.model_fields for name in _names(field)}
    example = (ROOT / ".env.example").read_text().splitlines()
    named = {m.group(1) for line in example if (m := re.match(r"#?\s*([A-Z][A-Z_]+)=", line))}
    assert named - read == {"POSTGRES_PASSWORD"}  # docker-compose.yml's
