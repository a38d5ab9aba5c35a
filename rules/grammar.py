"""One command grammar for every adapter, with English names and Dutch aliases.

Adapters register `COMMANDS` on their platform; the engine parses the argument text
with `parse_command`. Parsing is pure: dates are read relative to `today`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from rules.durations import DateError, DurationError, parse_date, parse_duration
from rules.mentions import member_reference
from rules.say import N_, Quote, Say


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    dutch: str
    summary: str
    usage: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.dutch, *self.aliases)


# Usage lines are shown in help and in usage errors; summaries become the
# platform's command descriptions (Discord limits them to 100 characters).
COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "agree", "afspraak",
        N_("Record an agreement, with why, an owner and a review date"),
        N_("/agree <what we agree> because <why> [owner @who] [review <date | in N weeks>]"),
    ),
    CommandSpec(
        "agreements", "afspraken",
        N_("List this table's agreements"),
        N_("/agreements [all]"),
    ),
    CommandSpec(
        "concerns", "zorgen",
        N_("Ask every member for concerns about a proposal"),
        N_("/concerns <proposal>"),
        aliases=("round", "ronde"),
    ),
    CommandSpec(
        "concern", "zorg",
        N_("Answer the open concern round: none, or your concern"),
        N_("/concern none | /concern <your concern>"),
        aliases=("bezwaar",),
    ),
    CommandSpec(
        "problem-window", "probleemvenster",
        N_("Show or set how long a problem may wait for a proposal"),
        N_("/problem-window [minutes, or e.g. 90s, 1h]"),
        aliases=("window", "venster"),
    ),
    CommandSpec(
        "not-a-problem", "geen-probleem",
        N_("Tell the bot your last flagged message was not a problem"),
        N_("/not-a-problem"),
    ),
    CommandSpec(
        "snooze", "sluimer",
        N_("Remind me about my open problem later"),
        N_("/snooze [1h]"),
    ),
    CommandSpec(
        "groundrules", "spelregels",
        N_("Show the ground rules and the commands"),
        N_("/groundrules [help]"),
        aliases=("help", "hulp"),
    ),
)  # fmt: skip

_BY_NAME = {name: spec for spec in COMMANDS for name in spec.names}


def find_command(name: str) -> tuple[CommandSpec, str | None] | None:
    """The spec for a typed name, and "nl"/"en" when the name itself shows a language."""
    key = name.strip().lstrip("/").lower()
    spec = _BY_NAME.get(key)
    if spec is None:
        return None
    if key == spec.dutch or key in {"ronde", "venster", "hulp", "bezwaar"}:
        return spec, "nl"
    if key == spec.name:
        return spec, "en"
    return spec, None


# --- parsed commands -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Agree:
    text: str
    why: str
    owner: str | None
    review_on: date | None


@dataclass(frozen=True, slots=True)
class ListAgreements:
    include_history: bool


@dataclass(frozen=True, slots=True)
class StartRound:
    proposal: str


@dataclass(frozen=True, slots=True)
class AnswerRound:
    concern: str | None


@dataclass(frozen=True, slots=True)
class ProblemWindow:
    window: timedelta | None


@dataclass(frozen=True, slots=True)
class NotAProblem:
    pass


@dataclass(frozen=True, slots=True)
class Snooze:
    span: timedelta | None


@dataclass(frozen=True, slots=True)
class ShowRules:
    with_commands: bool


Parsed = (
    Agree
    | ListAgreements
    | StartRound
    | AnswerRound
    | ProblemWindow
    | NotAProblem
    | Snooze
    | ShowRules
)


@dataclass(frozen=True, slots=True)
class UsageError:
    """The command was recognised but its text was not: explain and show the usage."""

    spec: CommandSpec
    reason: Say | None = None


@dataclass(frozen=True, slots=True)
class UnknownCommand:
    name: str


# --- parsing -------------------------------------------------------------------

_BECAUSE = re.compile(r"\s+(?:because|omdat|want|since)\s+", re.IGNORECASE)
# A clause keyword counts only when what follows looks like its value: an owner is a
# mention (or "role <name>"), a review a date; otherwise the words belong to the reason
# ("because the review found gaps").
_CLAUSE = re.compile(
    r"\s+(?:(owner|eigenaar)\s*:?\s+(?=@|<@|role\s|rol\s)"
    r"|(review|herzien|evalueer|evalueren)\s*:?\s+(?=\d|in\s|over\s|na\s|[a-z]+\.?\s+\d))",
    re.IGNORECASE,
)
_NO_CONCERN = {"none", "no", "nee", "geen", "-", "ok", "no concerns", "geen zorgen",
               "geen bezwaar", "none.", "nothing", "niets"}  # fmt: skip
MAX_FIELD = 2000
PAST_REVIEW = Say.of(N_("The review date must be in the future."))


def _clip(text: str) -> str:
    return " ".join(text.split())[:MAX_FIELD]


def parse_command(spec: CommandSpec, args: str, *, today: date) -> Parsed | UsageError:
    """Parse the text after the command name; never raises on user input."""
    args = args.strip()
    parser = _PARSERS[spec.name]
    return parser(spec, args, today)


def _agree(spec: CommandSpec, args: str, today: date) -> Agree | UsageError:
    if not args:
        return UsageError(spec)
    parts = _BECAUSE.split(" " + args, maxsplit=1)
    if len(parts) < 2 or not parts[0].strip():
        return UsageError(spec, Say.of(N_("Say why, after “because”: reports explain why.")))
    text, rest = parts[0].strip(), parts[1]
    owner, review_on = None, None
    rest = " " + rest
    clauses = list(_CLAUSE.finditer(rest))
    why = rest[: clauses[0].start()].strip() if clauses else rest.strip()
    for index, clause in enumerate(clauses):
        end = clauses[index + 1].start() if index + 1 < len(clauses) else len(rest)
        value = rest[clause.end() : end].strip()
        if clause.group(1):
            owner = member_reference(value) or re.sub(r"^(role|rol)\s+", "", value, flags=re.I)
            continue
        try:
            review_on = parse_date(value, today=today)
        except DateError:
            return UsageError(
                spec,
                Say.of(
                    N_("I could not read the review date “{date}”. Try 2026-05-01 or “in 6 "
                       "weeks”."),
                    date=Quote(value[:60]),
                ),
            )  # fmt: skip
        if review_on <= today:
            return UsageError(spec, PAST_REVIEW)
    if not why:
        return UsageError(spec, Say.of(N_("Say why, after “because”: reports explain why.")))
    if owner is not None and not owner.strip():
        owner = None
    return Agree(_clip(text), _clip(why), owner and _clip(owner)[:80], review_on)


def _agreements(spec: CommandSpec, args: str, today: date) -> ListAgreements | UsageError:
    if args.lower() in {"", "current", "huidige"}:
        return ListAgreements(include_history=False)
    if args.lower() in {"all", "alle", "history", "geschiedenis"}:
        return ListAgreements(include_history=True)
    return UsageError(spec)


def _concerns(spec: CommandSpec, args: str, today: date) -> StartRound | UsageError:
    if not args:
        return UsageError(spec, Say.of(N_("Which proposal should the table look at?")))
    return StartRound(_clip(args))


def _concern(spec: CommandSpec, args: str, today: date) -> AnswerRound | UsageError:
    if not args:
        return UsageError(spec)
    if args.lower().strip(" .!") in _NO_CONCERN:
        return AnswerRound(None)
    return AnswerRound(_clip(args))


def _window(spec: CommandSpec, args: str, today: date) -> ProblemWindow | UsageError:
    if not args:
        return ProblemWindow(None)
    try:
        window = parse_duration(args, bare_unit="m")
    except DurationError:
        return UsageError(spec)
    if not timedelta(seconds=10) <= window <= timedelta(days=7):
        return UsageError(spec, Say.of(N_("Choose a window between 10 seconds and 7 days.")))
    return ProblemWindow(window)


def _not_a_problem(spec: CommandSpec, args: str, today: date) -> NotAProblem:
    return NotAProblem()


def _snooze(spec: CommandSpec, args: str, today: date) -> Snooze | UsageError:
    if not args:
        return Snooze(None)
    try:
        span = parse_duration(args, bare_unit="m")
    except DurationError:
        return UsageError(spec)
    if not timedelta(minutes=1) <= span <= timedelta(days=7):
        return UsageError(spec, Say.of(N_("Snooze for between 1 minute and 7 days.")))
    return Snooze(span)


def _rules(spec: CommandSpec, args: str, today: date) -> ShowRules:
    return ShowRules(with_commands=bool(args))


_PARSERS = {
    "agree": _agree,
    "agreements": _agreements,
    "concerns": _concerns,
    "concern": _concern,
    "problem-window": _window,
    "not-a-problem": _not_a_problem,
    "snooze": _snooze,
    "groundrules": _rules,
}
