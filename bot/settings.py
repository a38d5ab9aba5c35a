"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from rules.durations import DurationError, format_duration, parse_duration
from rules.grammar import LONGEST_WINDOW, MAX_REVIEW_AHEAD, SHORTEST_WINDOW
from rules.local_time import DEFAULT_ZONE, known_zone
from rules.quiet_hours import NIGHT, QuietHours, parse_quiet_hours
from rules.state import TableSettings

# A duration setting is at most ten years, as a review date is: a span of 999999 weeks
# overflows the dates it is added to, long after start-up.
TEN_YEARS = MAX_REVIEW_AHEAD
_BARE_NUMBER = re.compile(r"\s*\d+(?:[.,]\d+)?\s*")


def duration(
    unit: str,
    *,
    longest: timedelta = TEN_YEARS,
    shortest: timedelta | None = None,
    zero: bool = False,
    bare_minutes: bool = False,
) -> object:
    """A duration setting, typed with its unit ("4h", "28d"). A bare number is refused,
    suggesting `unit` (the README's default's): "30" read as minutes would delete a
    removed workspace's data after half an hour. Only `bare_minutes` reads it as minutes,
    as /problem-window does. More than zero (a zero tick would spin), unless `zero`. As
    typed, at least `shortest` when given (whole seconds: "0.5s" is 0); code may pass a
    shorter timedelta, as the tests' fast clocks do (a one-second window)."""

    def parse(value: object) -> object:
        if not isinstance(value, str):
            return value
        if not bare_minutes and _BARE_NUMBER.fullmatch(value):
            raise PydanticCustomError(
                "duration_unit",
                "{number} needs a unit, such as {number}{unit}",
                {"number": value.strip(), "unit": unit},
            )
        try:
            span = parse_duration(value, bare_unit="m" if bare_minutes else None)
        except DurationError as error:
            if error.__cause__ is not None:  # past what a timedelta holds
                raise too_long() from None
            raise PydanticCustomError(
                "duration", "not a duration; write it like 90s, 10m, 4h or 2d"
            ) from None
        if shortest is not None and span < shortest:
            raise PydanticCustomError(
                "duration_short",
                "too short: at least {least}",
                {"least": format_duration(shortest)},
            )
        return span

    def bounded(span: timedelta) -> timedelta:
        if span < timedelta(0) or (span == timedelta(0) and not zero):
            raise PydanticCustomError(
                "duration_short", "must be 0 or more" if zero else "must be more than 0"
            )
        if span > longest:
            raise too_long()
        return span

    def too_long() -> PydanticCustomError:
        most = "3653d, ten years" if longest == TEN_YEARS else format_duration(longest)
        return PydanticCustomError("duration_long", "too long: at most {most}", {"most": most})

    return Annotated[timedelta, BeforeValidator(parse), AfterValidator(bounded)]


# The unit each suggests is the one the README gives its defaults in.
# The window /problem-window allows a table, so a default it would refuse is refused too.
WindowSpan = duration("m", longest=LONGEST_WINDOW, shortest=SHORTEST_WINDOW, bare_minutes=True)
DelaySpan = duration("h", zero=True)  # no delay: a reminder as the round opens
HoursSpan = duration("h")
DaysSpan = duration("d")
# A review falls on a day: under a day, an agreement is due for review as it is recorded.
ReviewSpan = duration("d", shortest=timedelta(days=1))
# A longer tick makes timers late; a shorter one than a second is no tick.
TickSpan = duration("s", longest=timedelta(hours=1), shortest=timedelta(seconds=1))


def _bar(value: object) -> object:
    """A bar is a score: a number from 0 to 1 (not "nan", which no bound check refuses)."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not 0.0 <= number <= 1.0:
        raise PydanticCustomError("bar", "must be a number from 0 to 1, such as 0.75")
    return number


Bar = Annotated[float | None, BeforeValidator(_bar)]


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


# The standard library's levels, in any case: a mistyped one fails at start-up.
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(_upper)
]
# A language as written in the environment, "NL" as "nl".
Language = Annotated[Literal["en", "nl"], BeforeValidator(_lower)]


def _time_zone(value: object) -> object:
    """An IANA time zone name, as the system's (or the tzdata package's) zone data has it."""
    if isinstance(value, str):
        value = value.strip()
        if not known_zone(value):
            raise PydanticCustomError(
                "time_zone", "not a time zone; use an IANA name such as Europe/Amsterdam or UTC"
            )
    return value


TimeZone = Annotated[str, BeforeValidator(_time_zone)]

_NO_QUIET_HOURS = {"", "off", "none", "no"}


def _quiet_hours(value: object) -> object:
    """From-to on the tables' own clocks ("21:00-08:00"); "off" for none. (An empty
    variable is an unset one, as for every setting: the default.)"""
    if isinstance(value, str):
        if value.strip().lower() in _NO_QUIET_HOURS:
            return None
        quiet = parse_quiet_hours(value)
        if quiet is None:
            raise PydanticCustomError(
                "quiet_hours", "not quiet hours; write them like 21:00-08:00, or off for none"
            )
        return quiet
    return value


QuietSpan = Annotated[QuietHours | None, BeforeValidator(_quiet_hours)]


def _unescaped_at(url: str) -> bool:
    """A PostgreSQL URL with an @ after the one that ends the user and password: one in
    the password, not URL-encoded. The URL would be read with the rest of the password
    as the host, which the driver's errors (and the bot's log) then show."""
    scheme, _, rest = url.partition("://")
    if not scheme.startswith(("postgres", "postgresql")):
        return False
    return rest.partition("?")[0].count("@") > 1


def _database_url(value: object) -> object:
    """SQLite or PostgreSQL: the two databases the bot is built and tested on. (The
    error never repeats the URL: it may hold a password.)"""
    if isinstance(value, str):
        if _unescaped_at(value):
            raise PydanticCustomError(
                "database_url_at",
                "an @ in the password must be written %40 (URL-encode it), or leave the "
                "password out of the URL and set PGPASSWORD",
            )
        try:
            backend = make_url(value.replace("postgres://", "postgresql://", 1)).get_backend_name()
        except (ArgumentError, ValueError):
            backend = None
        if backend not in ("sqlite", "postgresql"):
            raise PydanticCustomError(
                "database_url", "use sqlite:///FILE or postgresql://USER@HOST/DATABASE"
            )
    return value


class Settings(BaseSettings):
    """Every setting is an environment variable; the names are the ones in the README."""

    # An empty variable is an unset one, as `.env.example` leaves the tokens
    # (`SLACK_BOT_TOKEN=`): `GROUNDRULES_LANGUAGE=` means the default, not a bad value.
    model_config = SettingsConfigDict(
        env_prefix="GROUNDRULES_",
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    # Out of the repr (its password), as the tokens' SecretStr keeps them.
    database_url: Annotated[str, BeforeValidator(_database_url)] = Field(
        "sqlite:///groundrules.db",
        validation_alias=AliasChoices("DATABASE_URL", "GROUNDRULES_DATABASE_URL"),
        repr=False,
    )
    problem_window: WindowSpan = timedelta(minutes=10)
    reminder_delay: DelaySpan = timedelta(hours=4)
    max_reminders: int = Field(2, ge=0, le=10)
    round_deadline: HoursSpan = timedelta(hours=24)
    review_after: ReviewSpan = timedelta(weeks=4)
    poll_proposer: bool = False
    # How readily tables are nudged about problems until one says otherwise (/nudges).
    nudges: Annotated[Literal["normal", "fewer", "off"], BeforeValidator(_lower)] = "normal"
    # At most one nudge to a person at a table in this span: their other problems wait
    # their turn (rules.pacing). 0: each problem is nudged as its window ends.
    nudge_pacing: DelaySpan = timedelta(hours=1)
    language: Language | None = None
    # Where the tables sit: "tomorrow" and review dates count from the day it is there,
    # and reviews are posted at 09:00 there.
    timezone: TimeZone = DEFAULT_ZONE
    # The night there: reminders and nudges by DM due in it are sent as it ends.
    quiet_hours: QuietSpan = NIGHT
    retention: DaysSpan = timedelta(days=2)
    # Corrections ("not a problem") keep the message's text to learn from and its
    # fingerprint so the like is not nudged again; after this they are deleted.
    correction_retention: DaysSpan = timedelta(days=365)
    # A workspace or server that removed the bot keeps its data this long, in case it
    # was a mistake; then all of it is deleted.
    removed_retention: DaysSpan = timedelta(days=30)
    # A person forgotten at their request is noted (their id, the workspace, when) this
    # long, for running bots and spools handed in later to hear of it; then the note goes.
    forgotten_retention: DaysSpan = timedelta(days=7)
    tick_interval: TickSpan = timedelta(seconds=5)
    classifier: Annotated[Literal["rules", "trained"], BeforeValidator(_lower)] = "trained"
    # A nudge needs a higher bar than a label: the problem score that opens a watch, and
    # the proposal score that answers one. Unset: the bars the trained model was tuned with.
    # Each bar set moves the second reading's of the same role with it (SecondReading.following).
    watch_threshold: Bar = None
    answer_threshold: Bar = None
    # A problem score from the doubt bar up to the watch bar is watched quietly, and
    # nudged only when another member reacts to it as to a problem (a reaction score of
    # at least the reaction bar). A doubt bar at or above the watch bar turns this off.
    doubt_threshold: Bar = None
    reaction_threshold: Bar = None
    # The watch bar of a table that asks for fewer, surer nudges (/nudges fewer); under
    # it a problem waits for someone to react. Unset: the trained model's choice.
    surer_threshold: Bar = None
    # The agreement score at which a reply counts as consent when the bot looks for a
    # table agreeing to a proposal (it then offers to record it). Unset: the model's.
    consent_threshold: Bar = None
    # The trained classifier's messages that a nudge hangs on are read again by a slower,
    # better encoder beside the engine: it makes nudges precise enough (0.83 -> 0.91) for
    # about 37 MB of a live bot's memory (training/RESULTS.md, "spaCy's command line left
    # out"). False: one reading, for a machine short of memory or CPU.
    second_reading: bool = True
    log_level: LogLevel = "INFO"
    http_port: int = Field(3000, ge=1, le=65535)
    # Where the events kept while the database does not answer are written as well, so
    # that a restart meanwhile does not lose them (bot.spool). Unset: a `spool` folder
    # beside the SQLite file, or in the working directory (PostgreSQL).
    spool_dir: Path | None = None

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(None, validation_alias="SLACK_API_URL")
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    # Which manifest the Slack app was made from: "en" (manifest.yml) or "nl"
    # (manifest.nl.yml). The bot names a command the app lacks as /groundrules <name>.
    slack_commands: Language = Field("en", validation_alias="SLACK_COMMANDS")
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
            timezone=self.timezone,
            quiet_hours=self.quiet_hours,
            bot_quiet_hours=self.quiet_hours,
            nudge_pacing=self.nudge_pacing,
        )


def _names(field: str) -> tuple[str, ...]:
    """The environment variables a setting is read from, in the README's spelling."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return tuple(str(choice) for choice in alias.choices)
    return (alias,) if isinstance(alias, str) else (f"GROUNDRULES_{field.upper()}",)


def _variable(located: str, refused: object) -> str:
    """The variable the user set: of the refused setting's names (DATABASE_URL or
    GROUNDRULES_DATABASE_URL), the one holding the refused value, in the environment or
    in `.env`; pydantic reports the first name whichever was set."""
    field = next(
        (name for name in Settings.model_fields if located == name or located in _names(name)),
        None,
    )
    if field is None:
        return located
    names = _names(field)
    for source in (EnvSettingsSource(Settings), DotEnvSettingsSource(Settings)):
        for name in names:
            if source.env_vars.get(name.lower()) == refused:
                return name
    return names[0]


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it in one line. `field`: the
    setting refused (None: unknown), `reason`: what is wrong with it."""

    def __init__(self, message: str, *, field: str | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.field, self.reason = field, reason or message


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        located = str(first["loc"][0]) if first["loc"] else None
        name = "?" if located is None else _variable(located, first.get("input"))
        field = next((f for f in Settings.model_fields if located in (f, *_names(f))), None)
        raise SettingsError(f"{name}: {first['msg']}", field=field, reason=first["msg"]) from None
