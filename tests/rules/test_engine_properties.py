"""Property-based tests: random but well-formed sequences of events, at several tables
of two workspaces, cannot break the engine.

Each example is a conversation: messages mixing English and Dutch problems, proposals,
concerns and agreements with mentions, markup, emoji, empty and very long text; thread
replies, edits, deletions, reactions, every command in both languages with random
words, buttons and forms (their ids valid or stale), members joining and leaving, and
time passing (the timers fire on the way, each at its own due time). They go through
the real service and storage, as an adapter's events do, with the rule classifier.

Properties: nothing raises; nothing the bot says, rendered as the Slack and Discord
adapters render it, pings from people's words; nudges go to their problem's author
alone; no table's words reach another; the same events take the same actions; and a
bot restarted halfway takes the same actions as one that was not.

HYPOTHESIS_PROFILE=long runs many more examples (README, Quick start).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.rendering import Renderer
from adapters.slack import blocks
from adapters.slack.blocks import SlackMessage, Voice
from bot.presenting import text_of
from rules.actions import (
    AnnounceAgreement,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    ClearNudge,
    CloseReview,
    NotAProblemNoted,
    Outbound,
    PostConcernRound,
    PostReport,
    PostRoundSummary,
    ReadAgain,
    RemindMembers,
    Reply,
    SendNudge,
    SnoozeNoted,
    SuggestAgreement,
    UndoNoted,
    UpdateRoundProgress,
    WordToProposer,
)
from rules.classifier.rule_based import RuleClassifier
from rules.events import (
    AgreementSubmitted,
    BotJoined,
    CommandInvoked,
    ConcernAnswered,
    EvaluationGiven,
    Event,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    MessageRelabelled,
    NudgeSnoozed,
    PlaceBack,
    PlaceDeleted,
    ProposalAdded,
    RemindersSnoozed,
    RenewalAnswered,
    ReviewDecided,
    RosterSynced,
    UndoAsked,
    WhyAsked,
)
from rules.grammar import COMMANDS
from tests.conftest import AMSTERDAM_NIGHTS, bot_on, postgres_base_url
from tests.helpers import DAY, slack_texts
from tests.schemas import copy_of

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "20")),
    deadline=None,  # a database's time varies with the machine's load
    database=None,  # nothing left in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("long", settings.get_profile("default"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# --- the tables and their people --------------------------------------------------------

# (workspace, channel, a word only that table's people write). The same channel id in
# two workspaces: a workspace's words must not reach the other's table of that id.
TABLES = (("W1", "C1", "zebrafjord"), ("W1", "C2", "quokkamarsh"), ("W2", "C1", "lynxdelta"))
MARKERS = tuple(marker for _, _, marker in TABLES)
USERS = ("U1", "U2", "U3", "U4")

PROBLEMS = (
    "The printer is broken again", "Nobody answers the support queue",
    "We keep missing the deadline and it is frustrating", "The build fails every night",
    "De printer is weer kapot", "Niemand pakt de tickets op",
    "We halen de deadline steeds niet",
    "Het probleem is dat de vergadering altijd uitloopt",
)  # fmt: skip
PROPOSALS = (
    "I propose we buy a new printer", "How about we rotate the support shift?",
    "Let's move the stand-up to 9:30", "Suggestion: we pin the image",
    "Ik stel voor dat we een nieuwe printer kopen", "Zullen we de dienst rouleren?",
    "Voorstel: we verplaatsen de stand-up naar 9:30",
)  # fmt: skip
CONCERNS = (
    "I'm worried about the cost", "fine, but who pays?", "I have a concern about this",
    "Ik maak me zorgen over de kosten", "prima, mits het binnen budget blijft",
)  # fmt: skip
AGREEMENTS = (
    "Agreed", "fine by me", "+1", "👍", "mee eens", "lijkt me goed", "yes", "ok", "top",
    "again??", "weer??", "thanks", "on it",
    "Marcus, can you move the chicken to freezer 1?",
)  # fmt: skip
# Mentions of everyone, a channel, a person, a user group or a role, on both platforms;
# markup, and characters that show nothing or turn text around.
HOSTILE = (
    "<!everyone>", "<!here>", "<!channel>", "<@U1>", "<@U2|anna>", "<!subteam^S1|@team>",
    "<!subteam^S1>", "@everyone", "@here", "<@123456789012345678>",
    "<@!123456789012345678>", "<@&555555555555555555>", "<#C1|general>",
    "<https://example.com|click>", "<!date^1700000000^{date}|today>", "*bold*", "_it_",
    "~gone~", "`code`", "```block```", "> quoted", "||spoiler||", "\u202e", "\x0e", "\x0f",
    "&amp;", "<", ">", "&", "@U3",
)  # fmt: skip
EMOJI = ("😀", "🙏", ":white_check_mark:", "🇳🇱", "👍🏽")
PIECES = (*PROBLEMS, *PROPOSALS, *CONCERNS, *AGREEMENTS, *HOSTILE, *EMOJI)

# Words to type after a command (any command: a wrong one is answered with its usage).
ARGUMENTS = (
    "", "help", "hulp", "?", "all", "alle", "because", "omdat", "owner @U2", "eigenaar @U3",
    "owner role chair", "review in 2 weeks", "herziening over 3 weken", "review yesterday",
    "review 05/03/2027", "review next month", "undo", "terugdraaien", "withdraw",
    "intrekken", "cancel", "none", "geen", "resolved", "opgelost", "30m", "1h", "1d",
    "een kwartier", "language nl", "language en", "taal nl", "taal en", "language de",
    "language", "timezone Europe/Amsterdam", "tijdzone America/New_York",
    "timezone Etc/GMT+1", "quiet-hours 22:00-07:00", "stille-uren uit",
    "quiet-hours default", "start", "end", "einde", "begin", "add chair leads the meeting",
    "assign chair @U2", "handover chair @U3", "unassign chair", "remove chair",
    "tasks chair keeps time", "rol toevoegen notulist", "keep 1 because it works",
    "revise 1 we lunch at one because later", "retire 1", "behouden 2 omdat het werkt",
    "4 5 3 4 4 5 3 4 4 we listened well", "1 2 3", "since Monday", "sinds maandag", "fewer",
    "off", "normal", "minder", "uit", "join Acme", "aanschuiven Gemeente Utrecht",
    "about the weekend rota", "not-about salaries", "routing via the board", "renew",
    "check", "vernieuwen", '"check invoices up to 500 euro"', "spend up to 500 euro", "10",
    "0", "99999", "We lunch at 12:30 because the kitchen is free then",
    "We lunchen om 12 uur omdat de keuken dan vrij is",
)  # fmt: skip
NAMES = tuple(name for spec in COMMANDS for name in spec.names)
# Commands as a table types them, in both languages: they reach rounds, meetings, roles
# and reviews more often than random words do.
TYPED = (
    "concerns I propose we buy a new printer", "zorgen Ik stel voor dat we rouleren",
    "concerns", "zorgen", "concerns withdraw", "zorgen intrekken", "concern none",
    "zorg geen", "concern fine, but who pays?", "bezwaar het is te duur",
    "concern resolved", "zorg opgelost",
    "agree We lunch at 12:30 because the kitchen is free then",
    "afspraak We lunchen om 12 uur omdat de keuken dan vrij is eigenaar @U2",
    "agree We ship on Friday because it is calm owner role chair review in 2 weeks",
    "meeting start", "meeting end", "vergadering start", "vergadering einde",
    "evaluate 4 5 3 4 4 5 3 4 4 we listened well", "evaluatie 3 3 3 3 3 3 3 3 3",
    "mandate spend up to 500 euro", "mandaat vernieuwen", "mandate renew", "mandate check",
    "role add chair leads the meeting", "role assign chair @U2", "rol overdragen chair @U3",
    "roles", "rollen", "review keep 1 because it works",
    "herziening intrekken 1 omdat klaar",
    "review revise 1 We lunch at one because later learned keep it simple",
    "table language nl", "table language en", "tafel taal nl", "tafel taal en",
    "table timezone America/New_York", "table quiet-hours 22:00-07:00", "table join Acme",
    "nudges fewer", "seintjes uit", "problem-window 1m", "probleemvenster 30", "snooze 1h",
    "sluimer 1u", "not-a-problem", "geen-probleem terugdraaien", "has-proposal",
    "bevat-voorstel ongedaan maken", "why",
    "waarom", "report", "verslag sinds maandag", "agreements all", "afspraken",
    "groundrules help agree", "spelregels", "table",
)  # fmt: skip
MISTYPED = ("agre", "afsprak", "concers", "nonsense", "groundrules afsprak", "")


@st.composite
def words(draw) -> str:
    """What someone writes: phrases and pieces in both languages, random characters, or
    nothing at all; sometimes very long."""
    kind = draw(st.sampled_from(("pieces", "pieces", "pieces", "random", "empty", "long")))
    if kind == "empty":
        return draw(st.sampled_from(("", " ", "\n")))
    if kind == "random":
        return draw(st.text(max_size=40))
    chosen = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5))
    text = " ".join(chosen)
    if kind == "long":
        text = " ".join([text] * draw(st.integers(50, 400)))[:9000]
    return text


@dataclass(frozen=True)
class Step:
    """One thing that happens, its references to earlier messages, rounds, meetings and
    agreements still to be resolved against what happened before (`Run.event`)."""

    kind: str
    table: int
    user: int
    gap: int  # seconds since the step before
    text: str = ""
    name: str = ""
    pick: int = 0  # which earlier message, round, meeting or agreement
    stale: bool = False  # an id nothing has: a stale or forged button
    thread: int | None = None  # the earlier message whose thread it is in
    marked: bool = True  # the table's own word in its text
    flag: bool = False
    lang: str | None = None
    users: tuple[int, ...] = ()


# Buttons and forms: a nudge's, a round's reminder's, a meeting's, a review's, a form's.
BUTTONS = (
    "snooze", "why", "not-a-problem", "has-proposal", "undo", "propose", "not-now",
    "renewed", "check", "evaluate", "review", "agree", "bot-joined",
)  # fmt: skip
GAPS = st.one_of(st.integers(0, 120), st.integers(0, 3 * 3600), st.integers(0, 3 * 86400))
LANGS = st.sampled_from((None, "en", "nl", "de"))


def _step(kind: str, **more) -> st.SearchStrategy[Step]:
    base = {
        "table": st.integers(0, len(TABLES) - 1),
        "user": st.integers(0, len(USERS) - 1),
        "gap": GAPS,
        "pick": st.integers(0, 50),
        "stale": st.booleans(),
        "thread": st.none() | st.integers(0, 50),
        "marked": st.booleans(),
    }
    return st.builds(Step, kind=st.just(kind), **(base | more))


STEPS = st.one_of(
    _step("post", text=words(), flag=st.booleans()),
    _step("post", text=words(), flag=st.booleans()),
    _step("edit", text=words()),
    _step("delete"),
    _step(
        "command",
        name=st.sampled_from(NAMES + MISTYPED),
        text=st.one_of(
            st.sampled_from(ARGUMENTS),
            st.lists(st.sampled_from(ARGUMENTS + PIECES), max_size=4).map(" ".join),
        ),
        lang=LANGS,
        flag=st.booleans(),  # typed in the bot's DM
    ),
    _step("command", name=st.sampled_from(NAMES), text=words(), lang=LANGS),
    _step(
        "command", name=st.sampled_from(TYPED), text=st.just(""), lang=LANGS, marked=st.just(False)
    ),
    _step(
        "command", name=st.sampled_from(TYPED), text=st.just(""), lang=LANGS, marked=st.just(False)
    ),
    _step("command", name=st.sampled_from(TYPED), text=words(), lang=LANGS),
    _step("answer", text=st.one_of(st.just(""), words()), lang=LANGS),
    _step(
        "button",
        name=st.sampled_from(BUTTONS),
        text=words(),
        lang=LANGS,
        flag=st.booleans(),
    ),
    _step(
        "member",
        name=st.sampled_from(("join", "leave", "roster")),
        users=st.lists(st.integers(0, len(USERS) - 1), max_size=4).map(tuple),
    ),
)
RARE = _step("place", name=st.sampled_from(("thread-gone", "archived", "back")), flag=st.booleans())
# The bot's own settings: no quiet hours (as in the other tests), or nights in Amsterdam
# and New York, which hold nudges and reminders till morning.
BOTS = st.sampled_from(
    ({}, AMSTERDAM_NIGHTS, {"timezone": "America/New_York", "quiet_hours": "22:00-07:00"})
)
CONVERSATIONS = st.lists(st.one_of(*[STEPS] * 9, RARE), min_size=1, max_size=30)

# --- running a conversation -------------------------------------------------------------


@dataclass
class Run:
    """The bot handling events as an adapter hands them in, timers firing on the way at
    their own due times; what it sent, in order."""

    app: object
    sent: list[tuple[datetime, Outbound]] = field(default_factory=list)

    def tick(self, until: datetime) -> None:
        while (fired := self.app.service.fire_next_timer(until, simulated=True)) is not None:
            self._deliver(fired)

    def handle(self, event: Event) -> None:
        self.tick(event.at - timedelta(microseconds=1))
        self._deliver(self.app.service.handle(event))

    def _deliver(self, deliveries) -> None:
        for delivery in deliveries:
            self.app.store.mark_delivered(delivery.outbox_id, delivery.at)
            self.sent.append((delivery.at, delivery.action))


@dataclass
class Conversation:
    """Steps made concrete: each reference resolved against what the bot did so far."""

    events: list[Event] = field(default_factory=list)
    messages: dict[int, list[str]] = field(default_factory=dict)  # per table, in order
    authors: dict[tuple[str, str, str], str] = field(default_factory=dict)
    count: int = 0
    at: datetime = DAY

    def next_id(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def event(self, step: Step, sent: Sequence[Outbound]) -> Event | None:
        workspace, channel, marker = TABLES[step.table]
        self.at += timedelta(seconds=step.gap)
        user = USERS[step.user]
        here = {
            "workspace": workspace,
            "channel": channel,
            "at": self.at,
            "event_id": self.next_id("e"),
        }
        text = f"{step.text} {marker}" if step.marked and step.text.strip() else step.text
        earlier = self.messages.setdefault(step.table, [])
        thread = (
            earlier[step.thread % len(earlier)] if earlier and step.thread is not None else None
        )

        def message() -> str:
            return "m-stale" if step.stale or not earlier else earlier[step.pick % len(earlier)]

        def of_table(kind: type, attribute: Callable[[Outbound], object]) -> list:
            return [
                attribute(a)
                for a in sent
                if isinstance(a, kind) and (a.workspace, a.channel) == (workspace, channel)
            ]

        def pick(found: list, stale):
            return stale if step.stale or not found else found[step.pick % len(found)]

        match step.kind:
            case "post":
                message_id = self.next_id("m")
                earlier.append(message_id)
                self.authors[(workspace, channel, message_id)] = user
                reply_to = message() if step.flag else None
                return MessagePosted(
                    **here,
                    user=user,
                    message_id=message_id,
                    text=text,
                    thread_id=thread,
                    reply_to=reply_to,
                )
            case "edit":
                message_id = message()
                # Only its author edits a message (one the bot never saw too).
                author = self.authors.setdefault((workspace, channel, message_id), user)
                return MessageEdited(
                    **here, user=author, message_id=message_id, text=text, thread_id=thread
                )
            case "delete":
                return MessageDeleted(**here, message_id=message(), thread_id=thread)
            case "command":
                name, _, more = step.name.partition(" ")
                args = f"{more} {text}".strip()
                return CommandInvoked(
                    **here,
                    user=user,
                    name=name,
                    args=args,
                    thread_id=thread,
                    lang=step.lang,
                    direct=step.flag,
                )
            case "answer":
                rounds = of_table(PostConcernRound, lambda a: a.round.round_id)
                return ConcernAnswered(
                    **here,
                    user=user,
                    round_id=pick(rounds, "r-stale"),
                    concern=text or None,
                    lang=step.lang,
                )
            case "button":
                return self._button(step, here, user, text, message(), thread, of_table, pick)
            case "member":
                if step.name == "join":
                    return MemberJoined(**here, user=user)
                if step.name == "leave":
                    return MemberLeft(**here, user=user)
                return RosterSynced(**here, members=frozenset(USERS[u] for u in step.users))
            case "place":
                if step.name == "thread-gone":
                    return PlaceDeleted(**here, thread_id=thread or message())
                if step.name == "archived":
                    return PlaceDeleted(**here, archived=step.flag)
                return PlaceBack(**here)
        raise AssertionError(step.kind)

    def _button(self, step, here, user, text, problem, thread, of_table, pick) -> Event:
        lang = step.lang
        match step.name:
            case "snooze":
                return NudgeSnoozed(**here, user=user, problem_id=problem)
            case "why":
                return WhyAsked(**here, user=user, problem_id=problem)
            case "not-a-problem" | "has-proposal":
                has = step.name == "has-proposal"
                return MessageRelabelled(
                    **here,
                    user=user,
                    message_id=problem,
                    text=text,
                    label="proposal" if has else "problem",
                    applies=has,
                )
            case "undo":  # of a "Not a problem", or of an "It has a proposal"
                return UndoAsked(**here, user=user, message_id=problem, proposes=step.flag)
            case "propose":
                posted = self.next_id("m") if step.flag else None
                if posted is not None:
                    self.messages[step.table].append(posted)
                    self.authors[(here["workspace"], here["channel"], posted)] = user
                return ProposalAdded(
                    **here,
                    user=user,
                    problem_id=problem,
                    text=text,
                    message_id=posted,
                    thread_id=thread,
                )
            case "not-now":
                return RemindersSnoozed(**here, user=user, lang=lang)
            case "renewed" | "check":
                meetings = of_table(AskRenewal, lambda a: a.meeting_id)
                return RenewalAnswered(
                    **here,
                    user=user,
                    outcome=step.name,
                    lang=lang,
                    meeting_id=pick(meetings, "meeting-stale"),
                )
            case "evaluate":
                meetings = of_table(AskEvaluation, lambda a: a.meeting_id)
                scores = tuple(
                    (step.pick + n) % 7 for n in range(9 if step.flag else step.pick % 12)
                )
                return EvaluationGiven(
                    **here,
                    user=user,
                    scores=scores,
                    comment=text or None,
                    lang=lang,
                    meeting_id=pick(meetings, None),
                )
            case "review":
                numbers = of_table(AnnounceAgreement, lambda a: a.agreement.number)
                decision = ("keep", "revise", "retire", "shred")[step.pick % 4]
                return ReviewDecided(
                    **here,
                    user=user,
                    number=pick(numbers, 10**9),
                    decision=decision,
                    lesson=text or None,
                    new_text=text or None,
                    why=text or None,
                    lang=lang,
                )
            case "agree":
                rounds = of_table(PostRoundSummary, lambda a: a.round.round_id)
                review = (None, "tomorrow", "yesterday", "in 6 weeks", "15/1", "05/03/2027")
                return AgreementSubmitted(
                    **here,
                    user=user,
                    text=text,
                    why=text if step.flag else "",
                    owner=("U2", "role chair", None)[step.pick % 3],
                    review_on=date(2026, 6, 1) if step.pick % 5 == 0 else None,
                    review_text=review[step.pick % len(review)],
                    thread_id=thread,
                    lang=lang,
                    round_id=pick(rounds, None) if step.flag else None,
                )
            case "bot-joined":
                return BotJoined(**here, lang=lang)
        raise AssertionError(step.name)


def run_steps(app, steps: Sequence[Step]) -> tuple[list[Event], list[tuple[datetime, Outbound]]]:
    """The steps made into events as they happen; the events and what the bot sent."""
    run, conversation = Run(app), Conversation()
    for workspace, channel, _ in TABLES:  # who is at each table, as the adapters tell it
        roster = RosterSynced(
            workspace=workspace,
            channel=channel,
            at=DAY,
            event_id=conversation.next_id("e"),
            members=frozenset(USERS),
        )
        conversation.events.append(roster)
        run.handle(roster)
    for step in steps:
        event = conversation.event(step, [action for _, action in run.sent])
        conversation.events.append(event)
        run.handle(event)
    run.tick(conversation.at + timedelta(days=60))  # every timer still to come
    return conversation.events, run.sent


def replay(app, events: Sequence[Event], until: datetime) -> list[tuple[datetime, Outbound]]:
    run = Run(app)
    for event in events:
        run.handle(event)
    run.tick(until)
    return run.sent


def end_of(events: Sequence[Event]) -> datetime:
    return (events[-1].at if events else DAY) + timedelta(days=60)


# --- databases, one fresh one per example -----------------------------------------------

Fresh = Callable[[], AbstractContextManager[str]]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_database(request, migrated_sqlite: Path) -> Iterator[Fresh]:
    """Each call: a fresh database at the newest schema, for one example (a test's own
    `database_url` would be shared by all of its examples)."""
    if request.param == "postgresql":
        if postgres_base_url() is None:
            pytest.skip("DATABASE_URL does not name a PostgreSQL database")
        schemas = request.getfixturevalue("migrated_schemas")
        yield schemas.lease
        return
    with tempfile.TemporaryDirectory() as folder:
        made = iter(range(10**9))

        @contextmanager
        def fresh() -> Iterator[str]:
            path = Path(folder) / f"example-{next(made)}.db"
            try:
                yield copy_of(migrated_sqlite, path)
            finally:
                path.unlink(missing_ok=True)

        yield fresh


@pytest.fixture(scope="module")
def classifier() -> RuleClassifier:
    """The rule classifier: loaded in a third of a second, where the trained one takes
    seconds; the engine takes either."""
    return RuleClassifier()


def conversation_of(fresh: Fresh, classifier, steps: Sequence[Step], bot: dict):
    with fresh() as url, bot_on(url, classifier, migrate=False, **bot) as app:
        return run_steps(app, steps)


# --- rendering, as the adapters render ----------------------------------------------------


def slack_messages(action: Outbound, voice: Voice) -> list[SlackMessage]:
    """What the Slack adapter builds for `action` (adapters/slack/outbound.py)."""
    match action:
        case SendNudge():
            return [blocks.nudge(action, voice), blocks.nudge(action, voice, direct=True)]
        case Reply():
            return blocks.reply(action, voice)
        case PostConcernRound() | UpdateRoundProgress():
            return [
                blocks.concern_round(
                    action.round,
                    action.channel,
                    voice,
                    is_open=not action.closed,
                    withdrawn=action.withdrawn,
                )
            ]
        case RemindMembers():
            return [blocks.reminder(action, voice)]
        case PostRoundSummary():
            return blocks.summary(action, voice) + blocks.summary_by_dm(action, voice)
        case AnnounceAgreement():
            return blocks.agreement(action, voice)
        case AnnounceReview():
            return [blocks.review(action, voice)]
        case CloseReview():
            return [blocks.closed_review(action, voice)]
        case SuggestAgreement():
            return blocks.suggestion(action, voice)
        case AskRenewal():
            return blocks.renewal(action, voice)
        case AskEvaluation():
            return [blocks.evaluation(action, voice)]
        case PostReport():
            return [blocks.text(action.summary, voice), *blocks.pages(voice(action.full), voice)]
    raise TypeError(type(action).__name__)


def slack_shown(message: SlackMessage) -> list[str]:
    """What Slack shows and reads for mentions: the text and the blocks' text fields."""
    return [message.text, *slack_texts(message.blocks)]


# Slack markup that notifies (the bot's own <!date^…> pings nobody).
SLACK_PING = re.compile(r"<[@!](?!date\^)")
# Discord: everyone, here, a member (<@1>, <@!1>) or a role (<@&1>).
DISCORD_PING = re.compile(r"@(everyone|here)\b|<@[!&]?\d+>")


def delivered(sent: Sequence[tuple[datetime, Outbound]]) -> list[Outbound]:
    return [a for _, a in sent if not isinstance(a, ReadAgain | ClearNudge)]


def as_text(action) -> str:
    """Every word an action carries, in any of its fields, for the markers to be found."""
    if is_dataclass(action):
        return " ".join(as_text(getattr(action, f.name)) for f in fields(action))
    if isinstance(action, tuple | list | frozenset | set):
        return " ".join(as_text(item) for item in action)
    if isinstance(action, dict):
        return " ".join(as_text(k) + " " + as_text(v) for k, v in action.items())
    return str(action)


# --- the properties ---------------------------------------------------------------------


@given(steps=CONVERSATIONS, bot=BOTS)
def test_no_sequence_of_events_breaks_the_engine(fresh_database, classifier, steps, bot):
    events, _ = conversation_of(fresh_database, classifier, steps, bot)
    assert len(events) == len(TABLES) + len(steps)


@given(steps=CONVERSATIONS, bot=BOTS)
def test_nothing_the_bot_says_pings_from_people_s_words(fresh_database, classifier, steps, bot):
    _, sent = conversation_of(fresh_database, classifier, steps, bot)
    for action in delivered(sent):
        for message in slack_messages(action, Voice(action.lang)):
            for shown in slack_shown(message):
                assert not SLACK_PING.search(shown), (type(action).__name__, shown)
        shown = Renderer(None, action.lang)(text_of(action))
        assert not DISCORD_PING.search(shown), (type(action).__name__, shown)


@given(steps=CONVERSATIONS, bot=BOTS)
def test_nudges_and_what_is_said_of_them_are_private(fresh_database, classifier, steps, bot):
    events, sent = conversation_of(fresh_database, classifier, steps, bot)
    authors: dict[tuple[str, str, str], str] = {}
    for e in events:
        if isinstance(e, MessagePosted | MessageEdited):
            authors.setdefault((e.workspace, e.channel, e.message_id), e.user)
    for action in delivered(sent):
        if isinstance(action, SendNudge):
            assert action.user == authors[(action.workspace, action.channel, action.problem_id)]
        if isinstance(action, SnoozeNoted | NotAProblemNoted | UndoNoted | WordToProposer):
            assert action.private and action.user is not None, action
        if isinstance(action, Reply | PostReport) and action.private:
            assert action.user is not None, action


@given(steps=CONVERSATIONS, bot=BOTS)
def test_no_table_s_words_reach_another_table(fresh_database, classifier, steps, bot):
    _, sent = conversation_of(fresh_database, classifier, steps, bot)
    for _, action in sent:
        own = next(m for w, c, m in TABLES if (w, c) == (action.workspace, action.channel))
        words = as_text(action)
        assert not [m for m in MARKERS if m != own and m in words], action


# Two or three conversations an example: half as many examples.
HALF = settings(max_examples=max(1, settings.default.max_examples // 2))


@HALF
@given(steps=CONVERSATIONS, bot=BOTS)
def test_the_same_events_take_the_same_actions(fresh_database, classifier, steps, bot):
    events, sent = conversation_of(fresh_database, classifier, steps, bot)
    with fresh_database() as url, bot_on(url, classifier, migrate=False, **bot) as app:
        again = replay(app, events, end_of(events))
    assert again == sent


@HALF
@given(steps=CONVERSATIONS, bot=BOTS, halfway=st.integers(0, 35))
def test_a_restart_halfway_changes_nothing(fresh_database, classifier, steps, bot, halfway):
    events, sent = conversation_of(fresh_database, classifier, steps, bot)
    halfway = min(halfway, len(events))
    with fresh_database() as url:
        with bot_on(url, classifier, migrate=False, **bot) as app:
            before = replay(app, events[:halfway], events[halfway - 1].at if halfway else DAY)
        with bot_on(url, classifier, migrate=False, **bot) as app:  # the next process
            after = replay(app, events[halfway:], end_of(events))
    assert before + after == sent
