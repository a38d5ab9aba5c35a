"""Words a person types in their DM with the bot, on any platform: what they mean.

A nudge asks "What would you suggest?", and its author may answer by typing back in the
bot's DM. Words the engine reads as a proposal answer the problem they were nudged about
(the latest nudged, if several: they are told which); anything else is answered with a
pointer, never with silence. The adapters post, claim and say it their own way
(adapters.discord.cog, adapters.slack.listeners); which of these it is is decided here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.views import NudgedProblem, TableReminding
from rules.durations import DurationError, parse_duration
from rules.grammar import command_language
from rules.say import N_, NP_, Counted, Listed, Say

# Said before posting when more than one problem waits, with a link to the one answered.
FOR_THE_LATEST = N_(
    "More than one of your problems is waiting for a proposal, so I am posting yours beside "
    "the one I reminded you of last:"
)


@dataclass(frozen=True, slots=True)
class NothingWaiting:
    """No problem of theirs waits for a proposal: a pointer to what the bot does."""


@dataclass(frozen=True, slots=True)
class NotAProposal:
    """A problem waits, but the words propose nothing: nothing is posted; a pointer."""

    problem: NudgedProblem


@dataclass(frozen=True, slots=True)
class Proposal:
    """The words answer `problem`, posted beside it in their author's name. `several`:
    more problems wait, so they are told which one (FOR_THE_LATEST)."""

    problem: NudgedProblem
    text: str
    several: bool


DmAnswer = NothingWaiting | NotAProposal | Proposal
# Whether the engine reads these words as a proposal, said beside that problem.
ReadsAsProposal = Callable[[NudgedProblem, str], Awaitable[bool]]


async def answer_in_dm(
    waiting: Sequence[NudgedProblem], text: str, reads_as_proposal: ReadsAsProposal
) -> DmAnswer:
    """What `text`, typed in the bot's DM, is to its author's `waiting` problems (the
    latest nudged first, bot.views.nudged_problems, of tables the bot still reaches)."""
    if not waiting:
        return NothingWaiting()
    latest, proposal = waiting[0], text.strip()
    if not proposal or not await reads_as_proposal(latest, proposal):
        return NotAProposal(latest)
    return Proposal(latest, proposal, several=len(waiting) > 1)


@dataclass(frozen=True, slots=True)
class SnoozeAsked:
    """Words typed in the bot's DM that ask for "not now": the /snooze they mean, by its
    English or Dutch name (which shows its language) and with the span said, if any."""

    name: str
    args: str

    @property
    def lang(self) -> str | None:
        """The language its words show ("sluimer": Dutch); None for an English name
        alone, which everyone's English client shows (rules.grammar.command_language)."""
        return command_language(self.name, self.args)


# "Not now" said in words, as people answer a reminder; a longer sentence is no snooze.
_NOT_NOW = {
    "not now": "snooze", "later": "snooze", "not yet": "snooze", "snooze": "snooze",
    "nu niet": "sluimer", "nu even niet": "sluimer", "niet nu": "sluimer",
    "even niet": "sluimer", "straks": "sluimer",
    "sluimer": "sluimer", "sluimeren": "sluimer",
}  # fmt: skip
_SNOOZE_NAMES = ("snooze", "sluimer", "sluimeren")
# A word of courtesy around it ("later graag", "not now, thanks") asks the same; a Dutch
# one says the snooze is asked in Dutch.
_COURTESY = {
    "please": "snooze", "thanks": "snooze", "thank you": "snooze",
    "graag": "sluimer", "alsjeblieft": "sluimer", "alstublieft": "sluimer", "aub": "sluimer",
    "a.u.b": "sluimer", "bedankt": "sluimer", "dank je": "sluimer", "dank je wel": "sluimer",
    "dankjewel": "sluimer", "dank u": "sluimer", "dank u wel": "sluimer",
}  # fmt: skip


def snooze_asked(text: str) -> SnoozeAsked | None:
    """The snooze `text` asks for, typed in the bot's DM: "/snooze 2h", "sluimer 1u", or
    a bare "not now", "later", "nu even niet" (a reminder's "Not now" button, typed),
    also with a word of courtesy ("later graag", "not now, thanks"); None for anything
    else, which is answered as before (`answer_in_dm`)."""
    words = " ".join(text.strip().lower().rstrip(".!").split())
    bare = words.removeprefix("/")
    if bare in _NOT_NOW:
        return SnoozeAsked(_NOT_NOW[bare], "")
    courteous = _courteous(bare)
    if courteous is not None:
        return courteous
    name, _, span = bare.partition(" ")
    if name in _SNOOZE_NAMES and span and _reads_as_span(span):
        return SnoozeAsked("sluimer" if name != "snooze" else "snooze", span)
    return None


def _courteous(words: str) -> SnoozeAsked | None:
    """A bare "not now" with a word of courtesy before or after it ("later graag",
    "please, not now"): the snooze it asks for, Dutch when either part is."""
    for courtesy, name in _COURTESY.items():
        for rest in (_less(words, courtesy, at_end=True), _less(words, courtesy, at_end=False)):
            if rest in _NOT_NOW:
                dutch = "sluimer" in (name, _NOT_NOW[rest])
                return SnoozeAsked("sluimer" if dutch else "snooze", "")
    return None


def _less(words: str, courtesy: str, *, at_end: bool) -> str | None:
    """`words` without `courtesy` at their end (`at_end`) or start, nor the comma or
    space between; None when it is not there as a word of its own."""
    if at_end:
        rest = words.removesuffix(courtesy)
        return rest.rstrip(" ,") if rest != words and rest.endswith((" ", ",")) else None
    rest = words.removeprefix(courtesy)
    return rest.lstrip(" ,") if rest != words and rest.startswith((" ", ",")) else None


def _reads_as_span(words: str) -> bool:
    """Whether `words` name a span as /snooze reads one ("2h", "an hour", "een kwartier")."""
    try:
        parse_duration(words, bare_unit="m")
    except DurationError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class SnoozeTarget:
    """Where a snooze typed in the bot's DM, which is no table, holds things: the table
    whose reminder or nudge reached the person last, as if typed there; at `problem`, in
    its thread, when one of theirs nudged about there waits (the snooze holds it), else
    its reminders. `others`: the channels of the other tables waiting on them."""

    workspace: str
    channel: str
    problem: NudgedProblem | None
    others: tuple[str, ...]


def snooze_target(
    nudged: Sequence[NudgedProblem], reminding: Sequence[TableReminding]
) -> SnoozeTarget | None:
    """Where "not now" typed in the bot's DM holds things, of the person's `nudged`
    problems (bot.views.nudged_problems) and the tables `reminding` them
    (bot.views.tables_reminding), both the latest first and of tables the bot still
    reaches; None when nothing waits on them at any."""
    tables = list(dict.fromkeys([(n.workspace, n.channel) for n in nudged]
                                + [(t.workspace, t.channel) for t in reminding]))  # fmt: skip
    if not tables:
        return None
    never = datetime.min.replace(tzinfo=UTC)
    nudge_at = (nudged[0].nudged_at or never) if nudged else None
    if nudge_at is not None and (not reminding or (reminding[0].reminded_at or never) <= nudge_at):
        workspace, channel = nudged[0].workspace, nudged[0].channel
    else:
        workspace, channel = reminding[0].workspace, reminding[0].channel
    others = tuple(c for w, c in tables if (w, c) != (workspace, channel))
    problem = next((n for n in nudged if (n.workspace, n.channel) == (workspace, channel)), None)
    return SnoozeTarget(workspace, channel, problem, others)


# At most this many other tables are named; the rest are counted.
OTHERS_NAMED = 10


def snoozed_elsewhere(channel: object, others: Sequence[object], *, nudged: bool) -> Say:
    """Said in the bot's DM before the snooze's own answer, when a snooze typed there
    held things at `channel` (the platform's link to it) while `others` wait on the
    person too: which table, and how to hold another's. `nudged`: at their problem."""
    named: list[object] = list(others[:OTHERS_NAMED])
    if len(others) > OTHERS_NAMED:
        named.append(Counted(NP_("{count} more table", "{count} more tables"),
                             len(others) - OTHERS_NAMED))  # fmt: skip
    if nudged:
        said = N_(
            "About your problem in {channel}, the table I reminded you of last (to hold "
            "another table's reminders too, type /snooze in its channel: {channels}):"
        )
    else:
        said = N_(
            "In {channel}, the table I reminded you of last (to hold another table's "
            "reminders too, type /snooze in its channel: {channels}):"
        )
    return Say.of(said, channel=channel, channels=Listed(tuple(named)))
