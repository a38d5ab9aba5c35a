"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AliasChoices, BeforeValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from rules.durations import DurationError, parse_duration
from rules.state import TableSettings


def _duration(value: object) -> object:
    if isinstance(value, str):
        try:
            return parse_duration(value, bare_unit="m")
        except DurationError:
            raise ValueError("not a duration; write it like 90s, 10m, 4h or 2d") from None
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]


def _database_url(value: object) -> object:
    """SQLite or PostgreSQL: the two databases the bot is built and tested on. (The
    error never repeats the URL: it may hold a password.)"""
    if isinstance(value, str):
        try:
            backend = make_url(value.replace("postgres://", "postgresql://", 1)).get_backend_name()
        except (ArgumentError, ValueError):
            backend = None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError("use sqlite:///FILE or postgresql://USER@HOST/DATABASE")
    return value


class Settings(BaseSettings):
    """Every setting is an environment variable; the names are the ones in the README."""

    model_config = SettingsConfigDict(
        env_prefix="GROUNDRULES_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: Annotated[str, BeforeValidator(_database_url)] = Field(
        "sqlite:///groundrules.db",
        validation_alias=AliasChoices("DATABASE_URL", "GROUNDRULES_DATABASE_URL"),
    )
    problem_window: Duration = timedelta(minutes=10)
    reminder_delay: Duration = timedelta(hours=4)
    max_reminders: int = Field(2, ge=0, le=10)
    round_deadline: Duration = timedelta(hours=24)
    review_after: Duration = timedelta(weeks=4)
    poll_proposer: bool = False
    # How readily tables are nudged about problems until one says otherwise (/nudges).
    nudges: Literal["normal", "fewer", "off"] = "normal"
    language: Literal["en", "nl"] | None = None
    retention: Duration = timedelta(days=2)
    # Corrections ("not a problem") keep the message's text to learn from and its
    # fingerprint so the like is not nudged again; after this they are deleted.
    correction_retention: Duration = Field(timedelta(days=365), gt=timedelta(0))
    # A workspace or server that removed the bot keeps its data this long, in case it
    # was a mistake; then all of it is deleted.
    removed_retention: Duration = Field(timedelta(days=30), gt=timedelta(0))
    tick_interval: Duration = timedelta(seconds=5)
    classifier: Literal["rules", "trained"] = "trained"
    # A nudge needs a higher bar than a label: the problem score that opens a watch, and
    # the proposal score that answers one. Unset: the bars the trained model was tuned with.
    watch_threshold: float | None = Field(None, ge=0.0, le=1.0)
    answer_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # A problem score from the doubt bar up to the watch bar is watched quietly, and
    # nudged only when another member reacts to it as to a problem (a reaction score of
    # at least the reaction bar). A doubt bar at or above the watch bar turns this off.
    doubt_threshold: float | None = Field(None, ge=0.0, le=1.0)
    reaction_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # The watch bar of a table that asks for fewer, surer nudges (/nudges fewer); under
    # it a problem waits for someone to react. Unset: the trained model's choice.
    surer_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # The agreement score at which a reply counts as consent when the bot looks for a
    # table agreeing to a proposal (it then offers to record it). Unset: the model's.
    consent_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # The trained classifier's messages that a nudge hangs on are read again by a slower,
    # better encoder beside the engine: it makes nudges precise enough (0.83 -> 0.91) for
    # about 37 MB of a live bot's memory (training/RESULTS.md, "spaCy's command line left
    # out"). False: one reading, for a machine short of memory or CPU.
    second_reading: bool = True
    log_level: str = "INFO"
    http_port: int = Field(3000, ge=1, le=65535)

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(None, validation_alias="SLACK_API_URL")
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    slack_state_secret: SecretStr | None = Field(None, validation_alias="SLACK_STATE_SECRET")
    # Which manifest the Slack app was made from: "en" (manifest.yml) or "nl"
    # (manifest.nl.yml). The bot names a command the app lacks as /groundrules <name>.
    slack_commands: Literal["en", "nl"] = Field("en", validation_alias="SLACK_COMMANDS")
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_api_url: str | None = Field(None, validation_alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(None, validation_alias="DISCORD_GATEWAY_URL")
    discord_shards: str | None = None  # auto, or a number; checked by the adapter

    def table_defaults(self) -> TableSettings:
        return TableSettings(
            problem_window=self.problem_window,
            language=self.language,
            reminder_delay=self.reminder_delay,
            max_reminders=self.max_reminders,
            round_deadline=self.round_deadline,
            review_after=self.review_after,
            poll_proposer=self.poll_proposer,
            nudges=self.nudges,
        )


ENV_NAMES = {
    "database_url": "DATABASE_URL",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "slack_client_id": "SLACK_CLIENT_ID",
    "slack_client_secret": "SLACK_CLIENT_SECRET",
    "slack_state_secret": "SLACK_STATE_SECRET",
    "slack_commands": "SLACK_COMMANDS",
    "discord_token": "DISCORD_TOKEN",
    "discord_api_url": "DISCORD_API_URL",
    "discord_gateway_url": "DISCORD_GATEWAY_URL",
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        name = ENV_NAMES.get(field, f"GROUNDRULES_{field.upper()}")
        raise SettingsError(f"{name}: {first['msg']}") from None
