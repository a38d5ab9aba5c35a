"""The custom ids of the bot's buttons and forms: what a click or a submitted form is about.

When a button is clicked or a form submitted, Discord hands back only its custom_id (at
most 100 characters), possibly long after a restart, so the id carries all the context
needed to build the neutral event. Snowflakes are written in base 36 to fit.

A button whose answer is public (or edits a shared message), and the form it opens, ends
in the language its message was shown in ("~nl"): the answer speaks that language, not
the clicker's client's. Ids from before it have no such ending: the client's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

MAX_LENGTH = 100
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_B36 = r"[0-9a-z]{1,13}"
_ROUND = r"[0-9A-Za-z_-]{1,40}"
_SHOWN = r"(?:~(?P<lang>[a-z]{2}))?"  # the language the message was shown in


def b36(number: int) -> str:
    if number < 0:
        raise ValueError("snowflakes are not negative")
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
        if not number:
            return digits


def from_b36(text: str) -> int:
    return int(text, 36)


def _shown(lang: str | None) -> str:
    return f"~{lang}" if lang else ""


def _table(table: int | None) -> str:
    return f"@{b36(table)}" if table is not None else ""


def _checked(custom_id: str) -> str:
    if len(custom_id) > MAX_LENGTH:
        raise ValueError(f"custom_id longer than {MAX_LENGTH}: {custom_id!r}")
    return custom_id


@dataclass(frozen=True, slots=True)
class Where:
    """Where a message of a table lives: its guild, channel and thread (if any)."""

    guild: int
    channel: int
    thread: int | None = None

    @property
    def target(self) -> int:
        """The Discord channel the message is in: the thread, else the channel."""
        return self.thread or self.channel


# --- buttons ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NudgeChoice:
    """A button on a nudge: add a proposal, it has one, not a problem, snooze, why, or
    open these choices; or "Undo" under the thanks for "Not a problem" ("unhas": for "It
    has a proposal")."""

    TEMPLATE: ClassVar[str] = (
        rf"gr:nudge:(?P<act>add|has|not|snooze|why|open|undo|unhas):(?P<guild>{_B36}):(?P<channel>{_B36}):"
        rf"(?P<thread>{_B36})?:(?P<problem>{_B36}):(?P<user>{_B36})$"
    )
    act: str
    where: Where
    problem: int
    user: int

    @property
    def custom_id(self) -> str:
        thread = b36(self.where.thread) if self.where.thread else ""
        return _checked(
            f"gr:nudge:{self.act}:{b36(self.where.guild)}:{b36(self.where.channel)}:{thread}:"
            f"{b36(self.problem)}:{b36(self.user)}"
        )

    def but(self, act: str) -> NudgeChoice:
        return NudgeChoice(act, self.where, self.problem, self.user)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> NudgeChoice:
        thread = match["thread"]
        where = Where(
            from_b36(match["guild"]),
            from_b36(match["channel"]),
            from_b36(thread) if thread else None,
        )
        return cls(match["act"], where, from_b36(match["problem"]), from_b36(match["user"]))


@dataclass(frozen=True, slots=True)
class RoundAnswer:
    """A concern round button; `where` is set when it is sent outside the channel (a DM);
    `lang`: the language of its message."""

    TEMPLATE: ClassVar[str] = (
        rf"gr:round:(?P<round>{_ROUND}):(?P<answer>none|concern)"
        rf"(?::(?P<guild>{_B36}):(?P<channel>{_B36}))?{_SHOWN}$"
    )
    round_id: str
    answer: str
    where: Where | None = None
    lang: str | None = None

    @property
    def custom_id(self) -> str:
        suffix = f":{b36(self.where.guild)}:{b36(self.where.channel)}" if self.where else ""
        return _checked(f"gr:round:{self.round_id}:{self.answer}{suffix}{_shown(self.lang)}")

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RoundAnswer:
        where = (
            Where(from_b36(match["guild"]), from_b36(match["channel"])) if match["guild"] else None
        )
        return cls(match["round"], match["answer"], where, match["lang"])


@dataclass(frozen=True, slots=True)
class ReviewChoice:
    """Keep, revise or retire under a review message, about the version it shows (None
    on messages posted before buttons named it: the current version) and when the review
    was asked (Unix seconds in base 36; None on messages posted before buttons named it),
    and the language it was shown in. `table`: the forum whose table the agreement is,
    when the message is in a forum post the bot opened for it ("@" and its id)."""

    TEMPLATE: ClassVar[str] = (
        r"gr:review:(?P<number>\d{1,9}):(?P<decision>keep|revise|retire)"
        r"(?::(?P<version>\d{1,9})(?::(?P<asked>[0-9a-z]{1,8}))?)?"
        rf"(?:@(?P<table>{_B36}))?" + _SHOWN + "$"
    )
    number: int
    decision: str
    version: int | None = None
    asked_at: datetime | None = None
    lang: str | None = None
    table: int | None = None

    @property
    def custom_id(self) -> str:
        version = f":{self.version}" if self.version is not None else ""
        asked = (
            f":{b36(int(self.asked_at.timestamp()))}"
            if self.version is not None and self.asked_at
            else ""
        )
        return _checked(
            f"gr:review:{self.number}:{self.decision}{version}{asked}{_table(self.table)}"
            f"{_shown(self.lang)}"
        )

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ReviewChoice:
        version = int(match["version"]) if match["version"] else None
        asked = datetime.fromtimestamp(from_b36(match["asked"]), UTC) if match["asked"] else None
        table = from_b36(match["table"]) if match["table"] else None
        return cls(int(match["number"]), match["decision"], version, asked, match["lang"], table)


@dataclass(frozen=True, slots=True)
class AgreeOnRound:
    """ "Record as agreement" under a round's summary."""

    TEMPLATE: ClassVar[str] = rf"gr:agree:(?P<round>{_ROUND}){_SHOWN}$"
    round_id: str
    lang: str | None = None

    @property
    def custom_id(self) -> str:
        return _checked(f"gr:agree:{self.round_id}{_shown(self.lang)}")

    @classmethod
    def from_match(cls, match: re.Match[str]) -> AgreeOnRound:
        return cls(match["round"], match["lang"])


@dataclass(frozen=True, slots=True)
class RenewalAnswer:
    """ "Renew" / "Check with my organisation" after a meeting; `where` is set when
    it is sent outside the channel (a DM reminder)."""

    TEMPLATE: ClassVar[str] = (
        rf"gr:renew:(?P<meeting>{_ROUND}):(?P<outcome>renewed|check)"
        rf"(?::(?P<guild>{_B36}):(?P<channel>{_B36}))?{_SHOWN}$"
    )
    meeting_id: str
    outcome: str
    where: Where | None = None
    lang: str | None = None

    @property
    def custom_id(self) -> str:
        suffix = f":{b36(self.where.guild)}:{b36(self.where.channel)}" if self.where else ""
        return _checked(f"gr:renew:{self.meeting_id}:{self.outcome}{suffix}{_shown(self.lang)}")

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RenewalAnswer:
        where = (
            Where(from_b36(match["guild"]), from_b36(match["channel"])) if match["guild"] else None
        )
        return cls(match["meeting"], match["outcome"], where, match["lang"])


@dataclass(frozen=True, slots=True)
class NotNow:
    """ "Not now" under a round's or a renewal's reminder DM: the clicker's reminders at
    the table `where` names wait a while; `lang`: the language of its message."""

    TEMPLATE: ClassVar[str] = rf"gr:later:(?P<guild>{_B36}):(?P<channel>{_B36}){_SHOWN}$"
    where: Where
    lang: str | None = None

    @property
    def custom_id(self) -> str:
        return _checked(
            f"gr:later:{b36(self.where.guild)}:{b36(self.where.channel)}{_shown(self.lang)}"
        )

    @classmethod
    def from_match(cls, match: re.Match[str]) -> NotNow:
        return cls(Where(from_b36(match["guild"]), from_b36(match["channel"])), match["lang"])


@dataclass(frozen=True, slots=True)
class EvaluateMeeting:
    """ "Evaluate" under the request for a meeting's process evaluation: opens the form."""

    TEMPLATE: ClassVar[str] = rf"gr:evaluate:(?P<meeting>{_ROUND}){_SHOWN}$"
    meeting_id: str
    lang: str | None = None

    @property
    def custom_id(self) -> str:
        return _checked(f"gr:evaluate:{self.meeting_id}{_shown(self.lang)}")

    @classmethod
    def from_match(cls, match: re.Match[str]) -> EvaluateMeeting:
        return cls(match["meeting"], match["lang"])


@dataclass(frozen=True, slots=True)
class RecordSuggestion:
    """ "Record as agreement" under the bot's suggestion: opens the agreement form, filled
    in with the proposal the message quotes. The message itself carries the context."""

    TEMPLATE: ClassVar[str] = r"gr:suggest:record" + _SHOWN + "$"
    lang: str | None = None

    @property
    def custom_id(self) -> str:
        return f"gr:suggest:record{_shown(self.lang)}"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RecordSuggestion:
        return cls(match["lang"])


# --- forms (modals) ----------------------------------------------------------------
# A form opened by a button has the button's id with "gr:m:" in front of it.


def _form_of(button_id: str) -> str:
    return _checked("gr:m:" + button_id.removeprefix("gr:"))


@dataclass(frozen=True, slots=True)
class ProposalForm:
    """A proposal for the problem of a nudge."""

    nudge: NudgeChoice

    @property
    def custom_id(self) -> str:
        return _form_of(self.nudge.but("add").custom_id)


@dataclass(frozen=True, slots=True)
class ConcernForm:
    round_id: str
    where: Where | None = None
    lang: str | None = None  # the language of the round's message

    @property
    def custom_id(self) -> str:
        return _form_of(RoundAnswer(self.round_id, "concern", self.where, self.lang).custom_id)


@dataclass(frozen=True, slots=True)
class AgreementForm:
    """The agreement form: opened by a round summary's button (`round_id`: the round it
    settles), by a suggestion's (`suggested`), or by /agree and the message menu; `lang`:
    the language of the message whose button opened it."""

    round_id: str | None = None
    suggested: bool = False
    lang: str | None = None

    @property
    def custom_id(self) -> str:
        if self.round_id is not None:
            return _form_of(AgreeOnRound(self.round_id, self.lang).custom_id)
        if self.suggested:
            return _form_of(RecordSuggestion(self.lang).custom_id)
        return "gr:m:agree"


@dataclass(frozen=True, slots=True)
class RevisionForm:
    number: int
    version: int | None = None  # the version the review message showed
    lang: str | None = None  # the language it was shown in
    table: int | None = None  # the forum whose table the agreement is (a post it opened)

    @property
    def custom_id(self) -> str:
        version = f":{self.version}" if self.version is not None else ""
        return f"gr:m:revise:{self.number}{version}{_table(self.table)}{_shown(self.lang)}"


@dataclass(frozen=True, slots=True)
class EvaluationForm:
    meeting_id: str
    lang: str | None = None  # the language of the request to evaluate

    @property
    def custom_id(self) -> str:
        return _form_of(EvaluateMeeting(self.meeting_id, self.lang).custom_id)


Form = ProposalForm | ConcernForm | AgreementForm | RevisionForm | EvaluationForm

_NUDGE = re.compile(NudgeChoice.TEMPLATE)
_ROUND_ANSWER = re.compile(RoundAnswer.TEMPLATE)
_REVISION = re.compile(
    r"gr:m:revise:(?P<number>\d{1,9})(?::(?P<version>\d{1,9}))?"
    rf"(?:@(?P<table>{_B36}))?" + _SHOWN + "$"
)
_RENEWAL = re.compile(RenewalAnswer.TEMPLATE)
_EVALUATE = re.compile(EvaluateMeeting.TEMPLATE)
_AGREE_ON_ROUND = re.compile(AgreeOnRound.TEMPLATE)
_SUGGESTION = re.compile(RecordSuggestion.TEMPLATE)


def parse_form(custom_id: str) -> Form | None:
    """The form a submitted modal was, or None for anything that is not ours."""
    if not custom_id.startswith("gr:m:"):
        return None
    inner = "gr:" + custom_id.removeprefix("gr:m:")
    if inner == "gr:agree":
        return AgreementForm()
    if match := _AGREE_ON_ROUND.match(inner):
        return AgreementForm(round_id=match["round"], lang=match["lang"])
    if match := _SUGGESTION.match(inner):
        return AgreementForm(suggested=True, lang=match["lang"])
    if (match := _NUDGE.match(inner)) and match["act"] == "add":
        return ProposalForm(NudgeChoice.from_match(match))
    if (match := _ROUND_ANSWER.match(inner)) and match["answer"] == "concern":
        answer = RoundAnswer.from_match(match)
        return ConcernForm(answer.round_id, answer.where, answer.lang)
    if match := _REVISION.match(custom_id):
        version = int(match["version"]) if match["version"] else None
        table = from_b36(match["table"]) if match["table"] else None
        return RevisionForm(int(match["number"]), version, match["lang"], table)
    if match := _EVALUATE.match(inner):
        return EvaluationForm(match["meeting"], match["lang"])
    return None


def guild_named(custom_id: str) -> int | None:
    """The server a button (or the form it opened) names: one sent outside its channel,
    in a DM, names its table's (a nudge's, a round reminder's, a renewal reminder's);
    None for any other."""
    inner = "gr:" + custom_id.removeprefix("gr:m:") if custom_id.startswith("gr:m:") else custom_id
    for template in (_NUDGE, _ROUND_ANSWER, _RENEWAL):
        if (match := template.match(inner)) and match["guild"]:
            return from_b36(match["guild"])
    return None
