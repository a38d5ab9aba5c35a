"""Inbound facts, platform-neutral. Adapters build these; the engine reads them.

Time always arrives on the event (`at`, timezone-aware UTC): the engine reads no clock.
`event_id` is unique per workspace and lets storage handle each event once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime

from rules.surrogates import without_lone_surrogates


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    workspace: str
    channel: str
    at: datetime
    event_id: str

    def __post_init__(self) -> None:
        # Half an emoji in a payload's text (rules.surrogates) would stop the classifier
        # and the database, and the event would be lost with them.
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, str) and not value.isascii():
                object.__setattr__(self, name, without_lone_surrogates(value))


@functools.cache
def _field_names(kind: type[Event]) -> tuple[str, ...]:
    return tuple(field.name for field in fields(kind))


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(Event):
    """`reply_to`: the message it answers, where the platform names one (a Discord
    reply); it takes a side on that message, as a reply in a Slack thread does on the
    thread's. None: it answers what came before it in its thread or channel."""

    user: str
    message_id: str
    text: str
    thread_id: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEdited(Event):
    """A message's text changed; the engine reclassifies it. `at` is the edit's time;
    `posted_at` when the message was first posted (Slack: its ts; Discord: its
    snowflake), by which it answers or opens problems as of then; None when unknown
    (then the edit's time stands for it). `reply_to`: as on `MessagePosted`."""

    user: str
    message_id: str
    text: str
    thread_id: str | None = None
    posted_at: datetime | None = None
    reply_to: str | None = None

    @property
    def posted(self) -> datetime:
        return self.at if self.posted_at is None else min(self.posted_at, self.at)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageDeleted(Event):
    """A message was deleted: a problem it named is withdrawn and a proposal it made is
    forgotten, so nothing of it is quoted back or polled on."""

    message_id: str
    thread_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked(Event):
    """A slash command (or a transcript line starting with `/`), not yet parsed.
    `lang`: the member's own language where the platform knows it (their Slack locale),
    for a command whose name and words show none. `direct`: typed in the bot's DM, it
    acts at this table; its private answer goes back to that DM, where it was typed.
    `edited`: the command's message was edited after it was sent (Slack sends a mention
    again then): it is not run again."""

    user: str
    name: str
    args: str = ""
    thread_id: str | None = None
    lang: str | None = None
    direct: bool = False
    edited: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ConcernAnswered(Event):
    """A member answered a concern round (button or modal): no concern when `concern` is None.
    `lang`: the language the button or form was shown in (App Home speaks the member's),
    None when unknown: the round's language answers."""

    user: str
    round_id: str
    concern: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    user: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(Event):
    user: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelIdChanged(Event):
    """The platform gave a channel a new id for good; `channel` is the new one. The table
    is the same: everything it holds under `old_channel` is its own. (Slack, when a
    private channel is shared with another organisation through Slack Connect.)"""

    old_channel: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceDeleted(Event):
    """Where the table talks was deleted for good: the table's whole channel, or only
    its thread `thread_id` (a Discord channel or thread deleted; a Slack channel deleted,
    or `archived`). Nobody can answer or read anything there any more, so its open work
    ends; its record stays. (An archived Slack channel can be brought back, but what
    ended with it does not come back: its people were told it ended.)"""

    thread_id: str | None = None
    archived: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceBack(Event):
    """An archived channel was brought back (Slack: unarchived). What ended with its
    archiving stays ended, but its agreements are in force there again: their reviews
    resume (rules.place_gone)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BotJoined(Event):
    """The bot was let in where the table talks: invited to a Slack channel; on Discord,
    added to a server, whose welcome goes to its system channel's table. `lang`: the
    language of whoever let it in (their Slack locale, the server's), where known."""

    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RosterSynced(Event):
    """The platform's full member list of a channel (humans only), e.g. after start-up."""

    members: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposalAdded(Event):
    """The author answered a nudge with a proposal; the adapter already posted it, in
    their name, as `message_id` (in thread `thread_id`, None at the top level): the
    table answers that post as it would the author's own message. `message_id` None: no
    post is known to answer. `direct`: typed in the bot's DM, where its author's thanks
    goes back (as a command's typed there)."""

    user: str
    problem_id: str
    text: str
    message_id: str | None = None
    thread_id: str | None = None
    direct: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeSnoozed(Event):
    user: str
    problem_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WhyAsked(Event):
    """The author asked why the bot read their message as a problem ("Why?" on a nudge)."""

    user: str
    problem_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageRelabelled(Event):
    """A person corrected the bot: this message was (not) a problem / a proposal / ..."""

    user: str
    message_id: str
    text: str
    label: str
    applies: bool
    thread_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UndoAsked(Event):
    """The person who said a message was "Not a problem" (`proposes`: that it "has a
    proposal") asked to take that back ("Undo" under the bot's thanks for it)."""

    user: str
    message_id: str
    proposes: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageReread(Event):
    """The second reader's scores for a message the engine asked to read again
    (`ReadAgain`). `at` is when the message was posted: the reading stands in for the
    first one, as of then."""

    message_id: str
    thread_id: str | None
    user: str
    text: str
    lang: str
    first: Mapping[str, float]
    second: Mapping[str, float]
    # The best proposal score of its clauses, both readings averaged (bot.clause_reading;
    # 0: read whole only): an instruction after a fault is a proposal made.
    clause_proposal: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerFired(Event):
    """A stored deadline came due: timer `key`, due at `due` (`at`, when it fires, is
    later if the bot was down)."""

    kind: str
    subject: str
    due: datetime
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementSubmitted(Event):
    """An agreement filled in a form (modal, shortcut, button) rather than typed.

    `lang` on this and the other forms and buttons: the language the form or button was
    shown in, as a typed command's name shows one; None when unknown."""

    user: str
    text: str
    why: str
    owner: str | None = None
    review_on: date | None = None
    # The date as typed ("tomorrow"), where the form takes words: read on the table's
    # day, it sets `review_on` (which the adapter read on the UTC day).
    review_text: str | None = None
    thread_id: str | None = None
    lang: str | None = None
    # A round summary's "Record as agreement": the round it settles.
    round_id: str | None = None
    # A suggestion's "Record as agreement": the proposal the table agreed with in chat.
    proposal: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewDecided(Event):
    """At an agreement's review: keep it, revise it (with what practice taught) or retire it."""

    user: str
    number: int
    decision: str  # keep, revise, retire
    lesson: str | None = None
    new_text: str | None = None
    why: str | None = None
    lang: str | None = None
    # The version the review message showed; None: the current one (a message posted
    # before buttons carried it).
    version: int | None = None
    # When the review message was asked: a click that crossed a decision is refused.
    asked_at: datetime | None = None
    # The thread the decision was taken in, where the table hears it: the forum post a
    # whole forum's review opened (the forum itself takes no messages).
    thread_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RenewalAnswered(Event):
    """After a meeting: renewed my mandate, or must check with my organisation first."""

    user: str
    outcome: str  # renewed, check
    lang: str | None = None
    # The meeting whose message the button was on; None: the latest (stored before
    # buttons carried it).
    meeting_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RemindersSnoozed(Event):
    """ "Not now" under a concern round's or a mandate renewal's reminder DM: the person's
    reminders at this table wait for the default snooze (rules.snoozed_reminders).
    `lang`: the language the reminder was shown in."""

    user: str
    lang: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationGiven(Event):
    """A process evaluation filled in a form: nine scores 1-5 and an optional comment."""

    user: str
    scores: tuple[int, ...]
    comment: str | None = None
    lang: str | None = None
    # The meeting the form was opened for; None: the latest, as a typed /evaluate.
    meeting_id: str | None = None
