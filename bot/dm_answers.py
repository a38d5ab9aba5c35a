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

from bot.views import NudgedProblem
from rules.durations import DurationError, parse_duration
from rules.say import N_

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


# "Not now" said in words, as people answer a reminder; a longer sentence is no snooze.
_NOT_NOW = {
    "not now": "snooze", "later": "snooze", "not yet": "snooze", "snooze": "snooze",
    "nu niet": "sluimer", "nu even niet": "sluimer", "niet nu": "sluimer",
    "even niet": "sluimer", "straks": "sluimer",
    "sluimer": "sluimer", "sluimeren": "sluimer",
}  # fmt: skip
_SNOOZE_NAMES = ("snooze", "sluimer", "sluimeren")


def snooze_asked(text: str) -> SnoozeAsked | None:
    """The snooze `text` asks for, typed in the bot's DM: "/snooze 2h", "sluimer 1u", or
    a bare "not now", "later", "nu even niet" (a reminder's "Not now" button, typed);
    None for anything else, which is answered as before (`answer_in_dm`)."""
    words = " ".join(text.strip().lower().rstrip(".!").split())
    bare = words.removeprefix("/")
    if bare in _NOT_NOW:
        return SnoozeAsked(_NOT_NOW[bare], "")
    name, _, span = bare.partition(" ")
    if name in _SNOOZE_NAMES and span and _reads_as_span(span):
        return SnoozeAsked("sluimer" if name != "snooze" else "snooze", span)
    return None


def _reads_as_span(words: str) -> bool:
    """Whether `words` name a span as /snooze reads one ("2h", "an hour", "een kwartier")."""
    try:
        parse_duration(words, bare_unit="m")
    except DurationError:
        return False
    return True
