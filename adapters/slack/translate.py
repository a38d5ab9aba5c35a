"""Slack payloads in, neutral events out: plain functions, no I/O.

Each function takes the part of a Slack payload it reads and the facts Bolt already
worked out (the workspace, the event id, the time) and returns a neutral event, or
None when the payload is nothing the rules look at. Modal forms come back as an event
or as `Invalid` (what to tell the person, per input block).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from adapters.slack import ids
from rules.agreements import role_owner
from rules.events import (
    AgreementSubmitted,
    BotJoined,
    ChannelIdChanged,
    CommandInvoked,
    ConcernAnswered,
    EvaluationGiven,
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
    UndoAsked,
    WhyAsked,
)
from rules.grammar import (
    MAX_FIELD,
    PAST_REVIEW,
    asked_in_form,
    command_language,
    reached_command,
    role_named,
)
from rules.say import N_, Say
from rules.visible import shows

PREFIX = "slack:"
# Message subtypes that are someone saying something; all others (joins, bots, topic
# changes, hidden bookkeeping) are not for the rules. Deletions (message_deleted, and
# the tombstone a deleted thread parent leaves) are read apart: they withdraw a message.
SPOKEN_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "me_message"})
CHANNEL_TYPES = frozenset({"channel", "group"})
# A public or private channel archived (it can be brought back) or deleted for good.
ARCHIVED = frozenset({"channel_archive", "group_archive"})
DELETED = frozenset({"channel_deleted", "group_deleted"})
UNARCHIVED = frozenset({"channel_unarchive", "group_unarchive"})

Payload = Mapping[str, Any]


# --- where and when ------------------------------------------------------------------


def workspace_id(*, team_id: str | None, enterprise_id: str | None = None) -> str:
    """The neutral workspace: slack:<team>, or slack:<enterprise>:<team> in Enterprise Grid."""
    if enterprise_id:
        return f"{PREFIX}{enterprise_id}:{team_id or ''}"
    if not team_id:
        raise ValueError("a Slack payload without a team")
    return f"{PREFIX}{team_id}"


def team_of(workspace: str) -> tuple[str | None, str | None]:
    """(enterprise_id, team_id) of a neutral workspace id."""
    if not workspace.startswith(PREFIX):
        raise ValueError(f"not a Slack workspace: {workspace!r}")
    parts = workspace[len(PREFIX) :].split(":")
    if len(parts) == 1:
        return None, parts[0]
    return parts[0], parts[1] or None


def moment(ts: str | None) -> datetime | None:
    """A Slack timestamp ("1700000000.000100") as an aware UTC datetime."""
    try:
        return datetime.fromtimestamp(float(ts or ""), UTC)
    except ValueError:
        return None


def happened_by(body: Mapping[str, Any]) -> datetime | None:
    """By when an Events API event had happened, as Slack signed it (`event_time`): a
    retry, or one kept through a database outage, is handled later. Slack gives whole
    seconds, so the end of that second: what came after it surely came after the event."""
    seconds = body.get("event_time")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return None
    return datetime.fromtimestamp(int(seconds) + 1, UTC)


def thread_of(message: Payload) -> str | None:
    """The thread a message is a reply in; None at the top level (or for the parent)."""
    thread_ts, ts = message.get("thread_ts"), message.get("ts")
    return thread_ts if thread_ts and thread_ts != ts else None


def unescape(text: str | None) -> str:
    """Slack escapes &, < and > in what people type (markup like <@U…> stays as is); the
    rules read the words as typed, and `blocks.escape` escapes them again on the way out.
    NUL characters go: PostgreSQL refuses them in text, and they show nothing."""
    text = without_nul(text).replace("&lt;", "<").replace("&gt;", ">")
    return text.replace("&amp;", "&")


def without_nul(text: str | None) -> str:
    return (text or "").replace("\x00", "")


def _clip(text: str | None) -> str:
    """A form's text as typed; empty when none of it shows (rules.visible)."""
    clipped = without_nul(text).strip()[:MAX_FIELD]
    return clipped if shows(clipped) else ""


# --- events --------------------------------------------------------------------------


def message_event(
    event: Payload,
    *,
    workspace: str,
    event_id: str,
    bot_user_id: str | None = None,
    now: datetime | None = None,
    app_bots: Collection[str] = (),
) -> MessagePosted | MessageEdited | MessageDeleted | None:
    """A person's message in a channel (or its edit, or its deletion); None for
    everything else. A message that opens with a mention of the bot ("@Groundrules
    agree …") is a command, which Slack sends as `app_mention` too: said to the bot, not
    to the table. `app_bots`: as `mention_command`'s."""
    if event.get("channel_type", "channel") not in CHANNEL_TYPES:
        return None
    subtype = event.get("subtype")
    bots = {*app_bots, *([bot_user_id] if bot_user_id else [])}
    if subtype == "message_deleted":
        return _deleted(event, workspace=workspace, event_id=event_id, bot_user_id=bot_user_id,
                        now=now)  # fmt: skip
    if subtype == "message_changed":
        return _edited(event, workspace=workspace, event_id=event_id, bot_user_id=bot_user_id,
                       now=now, bots=bots)  # fmt: skip
    if subtype not in SPOKEN_SUBTYPES or event.get("hidden") or event.get("bot_id"):
        return None
    user, ts = event.get("user"), event.get("ts")
    if not user or not ts or user == bot_user_id or leading_mention(event.get("text")) in bots:
        return None
    return MessagePosted(
        workspace=workspace,
        channel=event["channel"],
        at=moment(ts) or now or datetime.now(UTC),
        event_id=event_id,
        user=user,
        message_id=ts,
        text=unescape(event.get("text")),
        thread_id=thread_of(event),
    )


def typed_in_dm(event: Payload, *, bot_user_id: str | None = None) -> str | None:
    """The words a person typed in their DM with the bot (message.im); None for anything
    else there: the bot's own messages, another app's, and every subtype (an edit, a
    deletion, a file without words): each of those says nothing new to answer."""
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("hidden"):
        return None
    user = event.get("user")
    if not user or user == bot_user_id or event.get("bot_id") or not event.get("ts"):
        return None
    return unescape(event.get("text"))


def as_posted_beside(
    event: Payload, text: str, *, workspace: str, channel: str, thread_id: str, event_id: str,
    now: datetime | None = None,
) -> MessagePosted:  # fmt: skip
    """Words typed in the bot's DM as if posted in the thread `thread_id` of a table:
    what they would mean there (a proposal for the problem nudged about, or not)."""
    at = moment(event.get("ts")) or now or datetime.now(UTC)
    return MessagePosted(
        workspace=workspace, channel=channel, at=at, event_id=event_id, user=event["user"],
        message_id=event["ts"], text=text, thread_id=thread_id,
    )  # fmt: skip


def dm_proposal(
    event: Payload, text: str, *, workspace: str, channel: str, problem_id: str, event_id: str,
    now: datetime | None = None,
) -> ProposalAdded:  # fmt: skip
    """A nudge answered in the bot's DM with a proposal for `problem_id`, not posted yet;
    its author's thanks goes back to the DM (`direct`)."""
    at = moment(event.get("ts")) or now or datetime.now(UTC)
    return ProposalAdded(
        workspace=workspace, channel=channel, at=at, event_id=event_id, user=event["user"],
        problem_id=problem_id, text=text, direct=True,
    )  # fmt: skip


def _deleted(
    event: Payload, *, workspace: str, event_id: str, bot_user_id: str | None, now
) -> MessageDeleted | None:
    """message_deleted: the id is the deleted message's ts (deleted_ts, or the ts of
    previous_message); the bot's own messages never said anything to withdraw."""
    previous = event.get("previous_message") or {}
    message_id = event.get("deleted_ts") or previous.get("ts")
    if (
        not message_id
        or previous.get("bot_id")
        or (bot_user_id and previous.get("user") == bot_user_id)
    ):
        return None
    return MessageDeleted(
        workspace=workspace,
        channel=event["channel"],
        at=moment(event.get("event_ts") or event.get("ts")) or now or datetime.now(UTC),
        event_id=event_id,
        message_id=message_id,
        thread_id=thread_of(
            {"ts": message_id, "thread_ts": previous.get("thread_ts") or event.get("thread_ts")}
        ),
    )


def _edited(
    event: Payload, *, workspace: str, event_id: str, bot_user_id: str | None, now,
    bots: Collection[str],
) -> MessageEdited | MessageDeleted | None:  # fmt: skip
    message = event.get("message") or {}
    previous = event.get("previous_message") or {}
    if message.get("subtype") == "tombstone" and message.get("ts"):
        # A thread parent deleted while it has replies stays as a tombstone.
        return _deleted(
            {"channel": event["channel"], "deleted_ts": message["ts"],
             "event_ts": event.get("event_ts") or event.get("ts"), "previous_message": previous},
            workspace=workspace, event_id=event_id, bot_user_id=bot_user_id, now=now,
        )  # fmt: skip
    user, ts = message.get("user"), message.get("ts")
    if not user or not ts or user == bot_user_id or message.get("bot_id"):
        return None
    if message.get("subtype") not in SPOKEN_SUBTYPES:
        return None  # e.g. a tombstone left by a deleted thread parent
    if previous and previous.get("text") == message.get("text"):
        return None  # an unfurl or a reaction changed the message, not its words
    if leading_mention(message.get("text")) in bots:
        return None  # a command to the bot, edited: no chat either (`mention_command`)
    edited = (message.get("edited") or {}).get("ts")
    return MessageEdited(
        workspace=workspace,
        channel=event["channel"],
        at=moment(edited) or moment(event.get("event_ts") or event.get("ts")) or now
        or datetime.now(UTC),
        event_id=event_id,
        user=user,
        message_id=ts,
        text=unescape(message.get("text")),
        thread_id=thread_of(message),
        posted_at=moment(ts),  # the message's ts is when it was first posted
    )  # fmt: skip


def member_event(
    event: Payload, *, workspace: str, event_id: str, now: datetime
) -> MemberJoined | MemberLeft | None:
    """Someone joined or left a channel (whether they are human is checked apart)."""
    user, channel = event.get("user"), event.get("channel")
    if not user or not channel:
        return None
    at = moment(event.get("event_ts")) or now
    kind = MemberJoined if event.get("type") == "member_joined_channel" else MemberLeft
    return kind(workspace=workspace, channel=channel, at=at, event_id=event_id, user=user)


def bot_joined(joined: MemberJoined, *, lang: str | None) -> BotJoined:
    """The bot's own join of a channel, as the event that has it introduce itself there."""
    return BotJoined(
        workspace=joined.workspace, channel=joined.channel, at=joined.at,
        event_id=f"{joined.event_id}:joined", lang=lang,
    )  # fmt: skip


def channel_id_changed(
    event: Payload, *, workspace: str, event_id: str, now: datetime
) -> ChannelIdChanged | None:
    """A private channel shared with another organisation (Slack Connect) has a new id
    for good; Slack asks apps to move what they stored under the old one."""
    old, new = event.get("old_channel_id"), event.get("new_channel_id")
    if not old or not new or old == new:
        return None
    return ChannelIdChanged(
        workspace=workspace, channel=new, at=moment(event.get("event_ts")) or now,
        event_id=event_id, old_channel=old,
    )  # fmt: skip


def place_gone(
    event: Payload, *, workspace: str, event_id: str, now: datetime
) -> PlaceDeleted | None:
    """A channel archived or deleted: its table's open work there ends. An archive that
    only moves the channel to another workspace of an Enterprise Grid (`is_moved`) ends
    nothing: the conversation goes on there."""
    channel, kind = event.get("channel"), event.get("type")
    if not isinstance(channel, str) or not channel or channel.startswith("D"):
        return None
    if kind not in ARCHIVED | DELETED or event.get("is_moved"):
        return None
    return PlaceDeleted(
        workspace=workspace, channel=channel, at=moment(event.get("event_ts")) or now,
        event_id=event_id, archived=kind in ARCHIVED,
    )  # fmt: skip


def place_back(
    event: Payload, *, workspace: str | None, event_id: str, now: datetime
) -> PlaceBack | None:
    """A channel unarchived: its agreements are in force there again."""
    channel = event.get("channel")
    if workspace is None or not isinstance(channel, str) or not channel:
        return None
    if channel.startswith("D"):
        return None
    return PlaceBack(
        workspace=workspace, channel=channel, at=moment(event.get("event_ts")) or now,
        event_id=event_id,
    )  # fmt: skip


def _mention_pattern(bot_user_ids: Collection[str]) -> re.Pattern[str]:
    who = "|".join(map(re.escape, bot_user_ids)) if bot_user_ids else r"[A-Z0-9\-]+"
    return re.compile(rf"<@(?:{who})(?:\|[^>]*)?>")


_LEADING_MENTION = re.compile(r"\s*<@([A-Z0-9\-]+)(?:\|[^>]*)?>")


def leading_mention(text: str | None) -> str | None:
    """The user a message's first words mention ("<@U…> agree …"), if they do."""
    found = _LEADING_MENTION.match(text or "")
    return found[1] if found else None


def mentions(text: str | None, user: str | None) -> bool:
    """Whether `text` mentions `user` anywhere."""
    return bool(user) and _mention_pattern([user]).search(text or "") is not None


def mention_command(
    event: Payload,
    *,
    workspace: str,
    event_id: str,
    bot_user_id: str | None,
    now: datetime,
    app_bots: Collection[str] = (),
) -> CommandInvoked | None:
    """ "@Groundrules agree …" is the command grammar by mention: it works in threads,
    where Slack's slash commands cannot. A bare mention shows the ground rules.
    `app_bots`: the app's bot users in other organisations (each installation has its
    own), whose mention in a shared channel is a mention of Groundrules as well. Slack
    sends the mention again, as a new event, when its message is edited: `edited`, it is
    not run again."""
    user, channel = event.get("user"), event.get("channel")
    if not user or not channel or event.get("bot_id") or user == bot_user_id:
        return None
    ours = {*app_bots, *([bot_user_id] if bot_user_id else [])}
    if ours:
        text = _mention_pattern(ours).sub(" ", event.get("text") or "")
    else:  # unknown bot id: drop the leading mention only
        text = _mention_pattern(()).sub(" ", event.get("text") or "", count=1)
    text = unescape(text)
    return CommandInvoked(
        workspace=workspace,
        channel=channel,
        at=moment(event.get("ts")) or now,
        event_id=event_id,
        user=user,
        name="groundrules",
        args=" ".join(text.split()),
        thread_id=event.get("thread_ts") or None,
        edited=bool(event.get("edited")),
    )


# --- commands ------------------------------------------------------------------------


def slash_command(command: Payload, *, workspace: str, now: datetime) -> CommandInvoked:
    """A slash command as typed; the engine parses the text with the shared grammar."""
    return CommandInvoked(
        workspace=workspace,
        channel=command["channel_id"],
        at=now,
        event_id=command.get("trigger_id") or f"command:{command['user_id']}:{now.isoformat()}",
        user=command["user_id"],
        name=str(command.get("command") or "/groundrules").lstrip("/"),
        args=unescape(command.get("text")).strip(),
    )


@dataclass(frozen=True, slots=True)
class Target:
    """Which command of the grammar a typed line reaches, the rest of its text, and the
    language what its member wrote shows (`command_language`), as the engine reads it."""

    name: str
    args: str
    lang: str | None


def command_target(name: str, args: str) -> Target | None:
    """ "/groundrules afspraak …" reaches /agree, as the engine reads it too."""
    found = reached_command(name, args)
    if found is None:
        return None
    spec, _, rest = found
    return Target(spec.name, rest, command_language(name, args))


# --- buttons -------------------------------------------------------------------------


def clicked_in(body: Payload) -> str | None:
    """The channel of the message a button sat on; None on App Home and in a DM."""
    container = body.get("container") or {}
    if container.get("type") != "message":
        return None
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    if not isinstance(channel, str) or not channel or channel.startswith("D"):
        return None
    return channel


def click_fields(value: str | None, clicked_in: str | None = None) -> dict[str, Any]:
    """A button's packed fields. Its table ("c") is the channel its message is in, when
    it is in one: the same table, under the id the channel has now (sharing a private
    channel with another organisation gives it a new one, not the buttons posted before)."""
    fields = ids.unpack(value)
    if clicked_in and fields.get("c"):
        fields["c"] = clicked_in
    return fields


def nudge_click(
    action_id: str,
    value: str | None,
    *,
    workspace: str,
    user: str,
    at: datetime,
    event_id: str,
    clicked_in: str | None = None,
) -> MessageRelabelled | NudgeSnoozed | WhyAsked | UndoAsked | None:
    """ "It has a proposal", "Not a problem", "Snooze" and "Why?" on a nudge, and "Undo"
    under the thanks for "Not a problem" or "It has a proposal". The engine takes the text
    from its watch.
    `clicked_in`: the channel the nudge is in (not in a DM), as `clicked_in` tells; the
    same below."""
    fields = click_fields(value, clicked_in)
    channel, problem = fields.get("c"), fields.get("p")
    if not channel or not problem:
        return None
    if action_id in (ids.NUDGE_DISMISS, ids.NUDGE_HAS_PROPOSAL):
        proposes = action_id == ids.NUDGE_HAS_PROPOSAL
        return MessageRelabelled(
            workspace=workspace, channel=channel, at=at, event_id=event_id, user=user,
            message_id=problem, text="", label="proposal" if proposes else "problem",
            applies=proposes, thread_id=fields.get("t"),
        )  # fmt: skip
    if action_id == ids.NUDGE_SNOOZE:
        return NudgeSnoozed(
            workspace=workspace, channel=channel, at=at, event_id=event_id, user=user,
            problem_id=problem,
        )  # fmt: skip
    if action_id == ids.NUDGE_WHY:
        return WhyAsked(
            workspace=workspace, channel=channel, at=at, event_id=event_id, user=user,
            problem_id=problem,
        )  # fmt: skip
    if action_id in (ids.NUDGE_UNDO, ids.NUDGE_UNDO_PROPOSAL):
        return UndoAsked(
            workspace=workspace, channel=channel, at=at, event_id=event_id, user=user,
            message_id=problem, proposes=action_id == ids.NUDGE_UNDO_PROPOSAL,
        )  # fmt: skip
    return None


def concern_click(
    value: str | None,
    *,
    workspace: str,
    user: str,
    at: datetime,
    event_id: str,
    clicked_in: str | None = None,
) -> ConcernAnswered | None:
    """ "No concerns" on a round, its reminder or App Home."""
    fields = click_fields(value, clicked_in)
    if not fields.get("c") or not fields.get("r"):
        return None
    return ConcernAnswered(
        workspace=workspace, channel=fields["c"], at=at, event_id=event_id, user=user,
        round_id=fields["r"], concern=None, lang=fields.get("l"),
    )  # fmt: skip


def review_click(
    action_id: str,
    value: str | None,
    *,
    workspace: str,
    user: str,
    at: datetime,
    event_id: str,
    clicked_in: str | None = None,
) -> ReviewDecided | None:
    """Keep or retire at a review; revise goes through its modal."""
    fields = click_fields(value, clicked_in)
    decision = ids.REVIEW_DECISIONS.get(action_id)
    if not fields.get("c") or not isinstance(fields.get("n"), int) or decision is None:
        return None
    return ReviewDecided(
        workspace=workspace, channel=fields["c"], at=at, event_id=event_id, user=user,
        number=fields["n"], decision=decision, lang=fields.get("l"), version=_version(fields),
        asked_at=_asked_at(fields),
    )  # fmt: skip


def _version(fields: Mapping[str, Any]) -> int | None:
    """The agreement version a review message showed ("v"); None on older messages."""
    version = fields.get("v")
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def _asked_at(fields: Mapping[str, Any]) -> datetime | None:
    """When a review message asked ("t", Unix seconds); None on older messages."""
    asked = fields.get("t")
    if not isinstance(asked, int) or isinstance(asked, bool) or not 0 < asked < 2**34:
        return None
    return datetime.fromtimestamp(asked, UTC)


def renewal_click(
    action_id: str,
    value: str | None,
    *,
    workspace: str,
    user: str,
    at: datetime,
    event_id: str,
    clicked_in: str | None = None,
) -> RenewalAnswered | None:
    """ "Renew" or "Check with my organisation", in the channel or a reminder DM."""
    fields = click_fields(value, clicked_in)
    outcome = ids.RENEWAL_OUTCOMES.get(action_id)
    if not fields.get("c") or outcome is None:
        return None
    return RenewalAnswered(
        workspace=workspace, channel=fields["c"], at=at, event_id=event_id, user=user,
        outcome=outcome, lang=fields.get("l"), meeting_id=_meeting(fields),
    )  # fmt: skip


def reminders_snoozed(
    value: str | None,
    *,
    workspace: str,
    user: str,
    at: datetime,
    event_id: str,
    clicked_in: str | None = None,
) -> RemindersSnoozed | None:
    """ "Not now" under a round's or a renewal's reminder DM."""
    fields = click_fields(value, clicked_in)
    if not fields.get("c"):
        return None
    return RemindersSnoozed(
        workspace=workspace, channel=fields["c"], at=at, event_id=event_id, user=user,
        lang=fields.get("l"),
    )  # fmt: skip


def _meeting(fields: Mapping[str, Any]) -> str | None:
    """The meeting a button or form is about ("m"); None lets the engine take the latest."""
    meeting = fields.get("m")
    return meeting if isinstance(meeting, str) and meeting else None


# --- modals --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invalid:
    """A form that cannot be accepted: a message per input block, for Slack to show."""

    errors: dict[str, Say]


def form_values(view: Payload) -> dict[str, Any]:
    """block_id -> the value of its one input element (text, user, date, option)."""
    values: dict[str, Any] = {}
    for block_id, elements in ((view.get("state") or {}).get("values") or {}).items():
        for element in elements.values():
            kind = element.get("type")
            if kind == "users_select":
                values[block_id] = element.get("selected_user")
            elif kind == "datepicker":
                values[block_id] = element.get("selected_date")
            elif kind in ("static_select", "radio_buttons"):
                values[block_id] = (element.get("selected_option") or {}).get("value")
            else:
                values[block_id] = element.get("value")
    return values


def metadata(view: Payload) -> dict[str, Any]:
    return ids.unpack(view.get("private_metadata"))


def _text(values: Mapping[str, Any], block: str) -> str:
    value = values.get(block)
    return _clip(value) if isinstance(value, str) else ""


WRITE_PROPOSAL = Say.of(N_("Write your proposal; a small first step is plenty."))
WRITE_CONCERN = Say.of(N_("Write your concern, or close this and answer “No concerns”."))
WRITE_AGREEMENT = Say.of(N_("Write what we agree."))
WRITE_WHY = Say.of(N_("Say why: reports explain why."))
UNREADABLE_DATE = Say.of(N_("Choose a date from the calendar."))
FORM_EXPIRED = Say.of(N_("This form no longer belongs to a table. Please start again."))


def proposal_form(
    view: Payload, *, workspace: str, user: str, at: datetime, event_id: str
) -> ProposalAdded | Invalid:
    meta, text = metadata(view), _text(form_values(view), ids.PROPOSAL)
    if not meta.get("c") or not meta.get("p"):
        return Invalid({ids.PROPOSAL: FORM_EXPIRED})
    if not text:
        return Invalid({ids.PROPOSAL: WRITE_PROPOSAL})
    return ProposalAdded(
        workspace=workspace, channel=meta["c"], at=at, event_id=event_id, user=user,
        problem_id=meta["p"], text=text,
    )  # fmt: skip


def concern_form(
    view: Payload, *, workspace: str, user: str, at: datetime, event_id: str
) -> ConcernAnswered | Invalid:
    meta, text = metadata(view), _text(form_values(view), ids.CONCERN)
    if not meta.get("c") or not meta.get("r"):
        return Invalid({ids.CONCERN: FORM_EXPIRED})
    if not text:
        return Invalid({ids.CONCERN: WRITE_CONCERN})
    if (question := asked_in_form(text)) is not None:
        return Invalid({ids.CONCERN: question})  # "non", "@anna": asked in the form, kept open
    return ConcernAnswered(
        workspace=workspace, channel=meta["c"], at=at, event_id=event_id, user=user,
        round_id=meta["r"], concern=text, lang=meta.get("l"),
    )  # fmt: skip


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def agreement_form(
    view: Payload, *, workspace: str, user: str, at: datetime, event_id: str
) -> AgreementSubmitted | Invalid:
    """What, why, an owner (a member, else a role) and a review date."""
    meta, values = metadata(view), form_values(view)
    what, why = _text(values, ids.WHAT), _text(values, ids.WHY)
    errors: dict[str, Say] = {}
    if not meta.get("c"):
        errors[ids.WHAT] = FORM_EXPIRED
    elif not what:
        errors[ids.WHAT] = WRITE_AGREEMENT
    if not why:
        errors[ids.WHY] = WRITE_WHY
    review_on = _date(values.get(ids.REVIEW))
    if values.get(ids.REVIEW) and review_on is None:
        errors[ids.REVIEW] = UNREADABLE_DATE
    # The UTC day may still be tomorrow where a table west of UTC sits; the engine
    # refuses a day past in the table's own time zone.
    elif review_on is not None and review_on < at.date():
        errors[ids.REVIEW] = PAST_REVIEW
    if errors:
        return Invalid(errors)
    owner = values.get(ids.OWNER) or None
    if owner is None and (role := _text(values, ids.ROLE)):
        # The form's own field for a role: always a role ("role captain" or "captain").
        owner = role_owner((role_named(role) or role)[:80])
    return AgreementSubmitted(
        workspace=workspace, channel=meta["c"], at=at, event_id=event_id, user=user,
        text=what, why=why, owner=owner, review_on=review_on, thread_id=meta.get("t"),
        lang=meta.get("l"), round_id=_text_field(meta, "r"), proposal=_text_field(meta, "q"),
    )  # fmt: skip


def _text_field(fields: Mapping[str, Any], key: str) -> str | None:
    value = fields.get(key)
    return value if isinstance(value, str) else None


def revise_form(
    view: Payload, *, workspace: str, user: str, at: datetime, event_id: str
) -> ReviewDecided | Invalid:
    """A revision says what practice taught, the new text and why."""
    meta, values = metadata(view), form_values(view)
    lesson, new_text, why = (_text(values, b) for b in (ids.LESSON, ids.NEW_TEXT, ids.WHY))
    errors: dict[str, Say] = {}
    if not meta.get("c") or not isinstance(meta.get("n"), int):
        errors[ids.NEW_TEXT] = FORM_EXPIRED
    elif not new_text:
        errors[ids.NEW_TEXT] = WRITE_AGREEMENT
    if not why:
        errors[ids.WHY] = WRITE_WHY
    if errors:
        return Invalid(errors)
    return ReviewDecided(
        workspace=workspace, channel=meta["c"], at=at, event_id=event_id, user=user,
        number=meta["n"], decision="revise", lesson=lesson or None, new_text=new_text, why=why,
        lang=meta.get("l"), version=_version(meta),
    )  # fmt: skip


CHOOSE_SCORE = Say.of(N_("Choose a score from 1 to 5."))


def _score(value: Any) -> int | None:
    if isinstance(value, str) and value.isdigit() and 1 <= int(value) <= 5:
        return int(value)
    return None


def evaluation_form(
    view: Payload, *, workspace: str, user: str, at: datetime, event_id: str
) -> EvaluationGiven | Invalid:
    """A score from 1 to 5 for each value the form showed (`k` of them), and a comment."""
    meta, values = metadata(view), form_values(view)
    count = meta.get("k")
    if not meta.get("c") or not isinstance(count, int) or count < 1:
        return Invalid({ids.score_block(1): FORM_EXPIRED})
    scores = [_score(values.get(ids.score_block(n))) for n in range(1, count + 1)]
    missing = [n for n, score in enumerate(scores, start=1) if score is None]
    if missing:
        return Invalid({ids.score_block(n): CHOOSE_SCORE for n in missing})
    comment = _text(values, ids.COMMENT)[: ids.MAX_COMMENT]
    return EvaluationGiven(
        workspace=workspace, channel=meta["c"], at=at, event_id=event_id, user=user,
        scores=tuple(s for s in scores if s is not None), comment=comment or None,
        lang=meta.get("l"), meeting_id=_meeting(meta),
    )  # fmt: skip
