"""Discord objects in, neutral events out: plain functions, no I/O, no rule logic.

A guild is a workspace ("discord:<guild id>"). A text channel is a table, and so is the
text chat of a voice or stage channel (where a team in a call types); a public
thread belongs to its parent's table, with the thread's id as the neutral thread id (a
thread started on a message has that message's id, as Slack threads do). A private
thread is a table of its own, its members those added to it: what is said there never
reaches the rest of the parent channel. A forum post is a table of its own too, its
members those who can read the forum: a forum takes messages only in its posts, so
the post is where the table's rounds, reviews and renewals can be posted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import discord

from adapters.discord.custom_ids import NudgeChoice, Where, guild_named
from rules.durations import DateError, NoSuchDay, UnclearDate, parse_date
from rules.events import (
    AgreementSubmitted,
    BotJoined,
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
    PlaceDeleted,
    ProposalAdded,
    RemindersSnoozed,
    RenewalAnswered,
    ReviewDecided,
    RosterSynced,
    UndoAsked,
    WhyAsked,
)
from rules.grammar import (
    Evaluate,
    UsageError,
    find_command,
    no_such_day,
    parse_command,
    unreadable_review_date,
)
from rules.i18n import supported
from rules.say import N_, Quote, Say

PREFIX = "discord:"
# What people write; joins, pins, thread starters and the like are not.
_SPOKEN = (discord.MessageType.default, discord.MessageType.reply)
# A mention a message opens with: of a user (<@id>, <@!id> of old) or a role (<@&id>).
_LEADING_MENTION = re.compile(r"\s*<@([!&]?)(\d+)>")


def workspace_of(guild_id: int) -> str:
    return f"{PREFIX}{guild_id}"


def guild_of(workspace: str) -> int:
    if not workspace.startswith(PREFIX):
        raise ValueError(f"not a Discord workspace: {workspace!r}")
    return int(workspace.removeprefix(PREFIX))


@dataclass(frozen=True, slots=True)
class Place:
    """A Discord channel as the engine sees it: the table's channel and the thread."""

    channel: str
    thread_id: str | None = None


# Channels with a chat of their own: a text channel, a voice or a stage channel's chat.
Chat = discord.TextChannel | discord.VoiceChannel | discord.StageChannel
# A table's channel: a chat, or a thread (a forum post is one).
TableChannel = Chat | discord.Thread


def is_chat(channel: object) -> bool:
    return isinstance(channel, Chat)


def is_private_thread(channel: object) -> bool:
    return isinstance(channel, discord.Thread) and channel.is_private()


def is_forum_post(channel: object) -> bool:
    return isinstance(channel, discord.Thread) and isinstance(channel.parent, discord.ForumChannel)


def read_by_all_readers(channel: object) -> bool:
    """A table whose members are everyone who can read it: a chat, a forum post (a
    private thread's are those added to it)."""
    return is_chat(channel) or is_forum_post(channel)


def place_of(channel: object) -> Place | None:
    """Chats and threads are tables (a public thread: its parent's, a private thread or
    a forum post: its own); nothing else is."""
    if is_private_thread(channel) or is_forum_post(channel):
        return Place(str(channel.id))  # type: ignore[attr-defined]
    if isinstance(channel, discord.Thread):
        return Place(str(channel.parent_id), str(channel.id))
    if is_chat(channel):
        return Place(str(channel.id))  # type: ignore[attr-defined]
    return None


def where_of(guild_id: int, place: Place) -> Where:
    thread = int(place.thread_id) if place.thread_id else None
    return Where(guild_id, int(place.channel), thread)


def _a_persons(message: discord.Message) -> bool:
    """Words a person wrote: not a bot's, a webhook's, a join or a pin."""
    return not message.author.bot and message.webhook_id is None and message.type in _SPOKEN


def _spoken(message: discord.Message) -> Place | None:
    """Where a person's own words to the table were posted in a guild; None for bots,
    webhooks, DMs, and words to the bot."""
    guild = message.guild
    if guild is None or not _a_persons(message) or to_the_bot(message.content, guild):
        return None
    return place_of(message.channel)


def said_to_the_bot_at_a_table(message: discord.Message) -> Place | None:
    """Where a person opened a message with the bot's mention ("@Groundrules help"), at
    a table; None for anything else."""
    guild = message.guild
    if guild is None or not _a_persons(message) or not to_the_bot(message.content, guild):
        return None
    return place_of(message.channel)


def after_the_mention(content: str) -> str:
    """The words after the mention a message opens with."""
    return _LEADING_MENTION.sub("", content, count=1).strip()


def to_the_bot(content: str | None, guild: discord.Guild) -> bool:
    """Whether `content` opens with a mention of the bot ("@Groundrules agree …"), as
    its user or as its own role (Discord offers both for its name): said to the bot,
    not to the table, as on Slack, where it is a command."""
    found = _LEADING_MENTION.match(content or "")
    if found is None:
        return False
    kind, mentioned = found[1], int(found[2])
    if kind == "&":
        role = guild.self_role
        return role is not None and role.id == mentioned
    return guild.me is not None and guild.me.id == mentioned


def replied_to(message: discord.Message) -> str | None:
    """The message a reply answers (Discord's Reply): a stance in it is about that one.
    Also when that message was deleted or is unknown: then it answers none (the engine
    finds no proposal by that id). A forward names a message too, but answers nothing."""
    reference = message.reference
    if (
        message.type is not discord.MessageType.reply
        or reference is None
        or reference.type is not discord.MessageReferenceType.reply
        or reference.message_id is None
        or reference.channel_id != message.channel.id
    ):
        return None
    return str(reference.message_id)


def message_posted(message: discord.Message) -> MessagePosted | None:
    place = _spoken(message)
    if place is None or message.guild is None:
        return None
    return MessagePosted(
        workspace=workspace_of(message.guild.id),
        channel=place.channel,
        thread_id=place.thread_id,
        at=message.created_at,
        event_id=f"msg:{message.id}",
        user=str(message.author.id),
        message_id=str(message.id),
        text=message.content,
        reply_to=replied_to(message),
    )


def said_to_the_bot_in_dm(message: discord.Message) -> bool:
    """A person's own words in their DM with the bot (an answer to a nudge, say)."""
    return isinstance(message.channel, discord.DMChannel) and _a_persons(message)


def dm_origin(message: discord.Message, where: Where, lang: str) -> Origin:
    """A DM to the bot about the table `where` (the problem it nudged about)."""
    return Origin(
        workspace=workspace_of(where.guild),
        channel=str(where.channel),
        thread_id=str(where.thread) if where.thread else None,
        user=str(message.author.id),
        at=message.created_at,
        event_id=f"dm:{message.id}",
        lang=lang,
    )


def as_posted(origin: Origin, message_id: int, text: str) -> MessagePosted:
    """Words from elsewhere (a DM) as if posted at `origin`'s table: what they would mean
    there."""
    return MessagePosted(
        **_envelope(origin), thread_id=origin.thread_id, message_id=str(message_id), text=text
    )


def message_edited(message: discord.Message) -> MessageEdited | None:
    """An edit of the text; updates without an edit time (link previews) are not edits."""
    place = _spoken(message)
    if place is None or message.guild is None or message.edited_at is None:
        return None
    return MessageEdited(
        workspace=workspace_of(message.guild.id),
        channel=place.channel,
        thread_id=place.thread_id,
        at=message.edited_at,
        event_id=f"edit:{message.id}:{message.edited_at.isoformat()}",
        user=str(message.author.id),
        message_id=str(message.id),
        text=message.content,
        posted_at=message.created_at,  # the snowflake's time: when it was first posted
        reply_to=replied_to(message),
    )


def messages_deleted(
    guild_id: int, channel: object, message_ids: Iterable[int], at: datetime
) -> list[MessageDeleted]:
    """Messages deleted in a table's channel or thread: whatever they said is withdrawn."""
    place = place_of(channel)
    if place is None:
        return []
    return [
        MessageDeleted(
            workspace=workspace_of(guild_id),
            channel=place.channel,
            thread_id=place.thread_id,
            at=at,
            event_id=f"delete:{message_id}",
            message_id=str(message_id),
        )
        for message_id in message_ids
    ]


def place_deleted(guild_id: int, place: Place, at: datetime) -> PlaceDeleted:
    """A table's channel, or a thread of it, deleted: its open work there ends."""
    return PlaceDeleted(
        workspace=workspace_of(guild_id), channel=place.channel, thread_id=place.thread_id,
        at=at, event_id=f"deleted:{place.thread_id or place.channel}",
    )  # fmt: skip


def own_table(thread_id: int) -> Place:
    """A thread that is a table of its own: a private thread, a forum post."""
    return Place(str(thread_id))


def deleted_thread_place(guild: discord.Guild, payload: discord.RawThreadDeleteEvent) -> Place:
    """Where a deleted thread was, as a table sees it: a private thread or a forum post is
    a table of its own, a public thread its channel's. A thread whose channel is gone
    (deleted with it) is taken for its own table: a forum's posts are; a chat's threads
    went with their table, whose deletion says so."""
    parent = guild.get_channel(payload.parent_id)
    private = payload.thread_type is discord.ChannelType.private_thread
    if private or parent is None or isinstance(parent, discord.ForumChannel):
        return Place(str(payload.thread_id))
    return Place(str(payload.parent_id), str(payload.thread_id))


# --- members --------------------------------------------------------------------------


def can_read(member: discord.Member, channel: TableChannel | discord.ForumChannel) -> bool:
    """View Channel; a voice or stage channel's chat also takes Connect (Discord's rule
    for its text; nobody has to join the call)."""
    allowed = channel.permissions_for(member)
    vocal = isinstance(channel, discord.VoiceChannel | discord.StageChannel)
    return allowed.read_messages and (allowed.connect or not vocal)


def readers(channel: Chat | discord.ForumChannel) -> list[discord.Member]:
    """Everyone who can read the channel (a voice channel's `members` are those in its
    call, not those who can read its chat)."""
    return [m for m in channel.guild.members if can_read(m, channel)]


def welcome_channel(guild: discord.Guild) -> discord.TextChannel | None:
    """Where the bot says who it is on joining a server: its system channel, where Discord
    itself welcomes newcomers, if the bot may write there. Nowhere else: one word per
    server, not one in every channel it can read."""
    channel = guild.system_channel
    if channel is None:
        return None
    allowed = channel.permissions_for(guild.me)
    return channel if allowed.read_messages and allowed.send_messages else None


def bot_joined(channel: discord.TextChannel, at: datetime) -> BotJoined:
    """The bot added to a server, at its welcome channel's table, in the server's language."""
    return BotJoined(
        workspace=workspace_of(channel.guild.id), channel=str(channel.id), at=at,
        event_id=f"joined:{channel.guild.id}:{at.isoformat()}",
        lang=supported(str(channel.guild.preferred_locale)),
    )  # fmt: skip


def open_tables(guild: discord.Guild) -> list[TableChannel]:
    """The tables whose members are their readers: chats and the forum posts known to
    the cache (an archived post gets its roster when it is next heard from)."""
    chats: list[TableChannel] = [*guild.text_channels, *guild.voice_channels]
    chats += guild.stage_channels
    return [*chats, *(t for t in guild.threads if is_forum_post(t))]


def readable_channels(member: discord.Member) -> list[TableChannel]:
    return [c for c in open_tables(member.guild) if can_read(member, c)]


Presence = TypeVar("Presence", MemberJoined, MemberLeft)


def members_joined(member: discord.Member, at: datetime) -> list[MemberJoined]:
    """A person joined the guild: they join every table whose channel they can read."""
    return _at_each_table(MemberJoined, "join", member, at)


def members_left(member: discord.Member, at: datetime) -> list[MemberLeft]:
    """A person left the guild: they leave every table they could read, and every
    private thread (leaving one they were not in changes nothing)."""
    private = [t for t in member.guild.threads if t.is_private()]
    return _at_each_table(MemberLeft, "leave", member, at, [*readable_channels(member), *private])


def _at_each_table(
    kind: type[Presence],
    prefix: str,
    member: discord.Member,
    at: datetime,
    tables: Iterable[TableChannel] | None = None,
) -> list[Presence]:
    if member.bot:
        return []
    return [
        kind(
            workspace=workspace_of(member.guild.id),
            channel=str(channel.id),
            at=at,
            event_id=f"{prefix}:{channel.id}:{member.id}:{at.isoformat()}",
            user=str(member.id),
        )
        for channel in (readable_channels(member) if tables is None else tables)
    ]


def access_changed(
    before: discord.Member, after: discord.Member, at: datetime
) -> list[MemberJoined | MemberLeft]:
    """New roles (or roles taken away): the person joins the tables they can read now
    and leaves those they no longer can."""
    channels = open_tables(after.guild)
    gained = [c for c in channels if can_read(after, c) and not can_read(before, c)]
    lost = [c for c in channels if can_read(before, c) and not can_read(after, c)]
    joined = _at_each_table(MemberJoined, "join", after, at, gained)
    return [*joined, *_at_each_table(MemberLeft, "leave", after, at, lost)]


def roster_synced(channel: TableChannel, at: datetime) -> RosterSynced:
    """Everyone human who can read the channel (a forum post: its forum) sits at its table."""
    readable = channel.parent if isinstance(channel, discord.Thread) else channel
    assert isinstance(readable, Chat | discord.ForumChannel)  # is_forum_post found it
    return RosterSynced(
        workspace=workspace_of(channel.guild.id),
        channel=str(channel.id),
        at=at,
        event_id=f"roster:{channel.id}:{at.isoformat()}",
        members=frozenset(str(m.id) for m in readers(readable) if not m.bot),
    )


def thread_roster_synced(
    thread: discord.Thread, members: Iterable[int], at: datetime
) -> RosterSynced:
    """A private thread's table: the people in the thread (not the bots, not this bot)."""

    def human(user: int) -> bool:
        member = thread.guild.get_member(user)
        return user != thread.guild.me.id and not (member is not None and member.bot)

    return RosterSynced(
        workspace=workspace_of(thread.guild.id),
        channel=str(thread.id),
        at=at,
        event_id=f"roster:{thread.id}:{at.isoformat()}",
        members=frozenset(str(user) for user in members if human(user)),
    )


# --- interactions -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Origin:
    """Who acted, when and at which table: the envelope of an event from an interaction."""

    workspace: str
    channel: str
    thread_id: str | None
    user: str
    at: datetime
    event_id: str
    lang: str  # the language the clicked message was shown in, else the client's


def origin_of(
    interaction: discord.Interaction, where: Where | None = None, shown: str | None = None
) -> Origin | None:
    """`where` wins over the interaction's own channel: a button in a DM names its table.
    `shown`, the language the clicked message was shown in (its id names it), wins over
    the client's: the public answer speaks the message's language, whoever clicks."""
    if where is not None:
        guild_id = where.guild
        place = Place(str(where.channel), str(where.thread) if where.thread else None)
    else:
        found = place_of(interaction.channel)
        if interaction.guild_id is None or found is None:
            return None
        guild_id, place = interaction.guild_id, found
    return Origin(
        workspace=workspace_of(guild_id),
        channel=place.channel,
        thread_id=place.thread_id,
        user=str(interaction.user.id),
        at=interaction.created_at,
        event_id=f"ix:{interaction.id}",
        lang=supported(shown or str(interaction.locale)),
    )


@dataclass(frozen=True, slots=True)
class ClientLanguage:
    """The language of a member's client, as an interaction of theirs shows it, and the
    server it was for."""

    workspace: str
    user: str
    lang: str


def client_language(interaction: discord.Interaction) -> ClientLanguage | None:
    """The member's client language (en or nl, as `supported` maps its locale) in the
    server the interaction was for: its own, or, in a DM, the one its button or form
    names. None where it names none (a DM's own words are no interaction)."""
    guild_id = interaction.guild_id
    if guild_id is None:
        data = interaction.data or {}
        guild_id = guild_named(str(data.get("custom_id", "")))
    if guild_id is None:
        return None
    return ClientLanguage(
        workspace_of(guild_id), str(interaction.user.id), supported(str(interaction.locale))
    )


def _envelope(origin: Origin) -> dict[str, Any]:
    return {
        "workspace": origin.workspace,
        "channel": origin.channel,
        "at": origin.at,
        "event_id": origin.event_id,
        "user": origin.user,
    }


def command_invoked(origin: Origin, name: str, args: str) -> CommandInvoked:
    """A slash command, with the member's client language for the engine to answer in
    when neither the table nor their words show one."""
    return CommandInvoked(
        **_envelope(origin), name=name, args=args, thread_id=origin.thread_id, lang=origin.lang
    )


def concern_answered(origin: Origin, round_id: str, concern: str | None) -> ConcernAnswered:
    concern = concern.strip() if concern else None
    return ConcernAnswered(
        **_envelope(origin), round_id=round_id, concern=concern or None, lang=origin.lang
    )


def nudge_answered(
    origin: Origin, choice: NudgeChoice, proposal: str = "", *, posted: str | None = None
) -> ProposalAdded | MessageRelabelled | NudgeSnoozed | WhyAsked | UndoAsked:
    """A choice on a nudge (or "Undo" under the thanks for "Not a problem"). "It has a
    proposal" and "Not a problem" send no text: the engine kept it. `posted`: the message
    the proposal was posted as, beside its problem."""
    problem = str(choice.problem)
    if choice.act == "add":
        return ProposalAdded(
            **_envelope(origin), problem_id=problem, text=proposal.strip(), message_id=posted,
            thread_id=origin.thread_id,
        )  # fmt: skip
    if choice.act in ("has", "not"):
        proposes = choice.act == "has"
        return MessageRelabelled(
            **_envelope(origin), message_id=problem, text="",
            label="proposal" if proposes else "problem", applies=proposes,
            thread_id=origin.thread_id,
        )  # fmt: skip
    if choice.act == "snooze":
        return NudgeSnoozed(**_envelope(origin), problem_id=problem)
    if choice.act == "why":
        return WhyAsked(**_envelope(origin), problem_id=problem)
    if choice.act in ("undo", "unhas"):
        return UndoAsked(**_envelope(origin), message_id=problem, proposes=choice.act == "unhas")
    raise ValueError(f"no event for nudge choice {choice.act!r}")


def review_decided(
    origin: Origin,
    number: int,
    decision: str,
    values: Mapping[str, str] | None = None,
    *,
    version: int | None = None,
    asked_at: datetime | None = None,
) -> ReviewDecided:
    """A decision at a review, about the version its message showed (None: the current)
    and when that review was asked."""
    values = values or {}

    def field(key: str) -> str | None:
        return values.get(key, "").strip() or None

    return ReviewDecided(
        **_envelope(origin), number=number, decision=decision, lesson=field("lesson"),
        new_text=field("text"), why=field("why"), lang=origin.lang, version=version,
        asked_at=asked_at, thread_id=origin.thread_id,
    )  # fmt: skip


def agreement_submitted(
    origin: Origin,
    values: Mapping[str, str],
    owner: str | None,
    *,
    round_id: str | None = None,
    proposal: str | None = None,
) -> AgreementSubmitted | Say:
    """The agreement form (opened from a round's summary: `round_id`; from a suggestion:
    the `proposal` it quoted), with its `owner` as the adapter found them
    (`typed_names.form_owner`); a review date it cannot read comes back as what to tell
    the user."""
    review = values.get("review", "").strip()
    review_on = None
    if review:
        try:
            review_on = parse_date(review, today=origin.at.date())
        except UnclearDate:
            pass  # "next Friday" on a Thursday: the engine reads it again, and asks which
        except NoSuchDay as missing:
            return no_such_day(missing)
        except DateError:
            # "05/13/2027" reads month first only: the engine knows whether the table
            # writes it so, and reads it again there.
            if not _reads_month_first(review, origin.at.date()):
                return unreadable_review_date(Quote(review[:60]), origin.at.date())
    return AgreementSubmitted(
        **_envelope(origin), text=values.get("text", ""), why=values.get("why", ""),
        owner=owner, review_on=review_on,
        review_text=review or None, thread_id=origin.thread_id, lang=origin.lang,
        round_id=round_id, proposal=proposal,
    )  # fmt: skip


def _reads_month_first(review: str, today: date) -> bool:
    try:
        parse_date(review, today=today, month_first=True)
    except DateError:
        return False
    return True


def renewal_answered(origin: Origin, outcome: str, meeting_id: str) -> RenewalAnswered:
    """ "Renew" or "Check with my organisation" after the meeting `meeting_id`."""
    if outcome not in ("renewed", "check"):
        raise ValueError(f"no renewal outcome {outcome!r}")
    return RenewalAnswered(
        **_envelope(origin), outcome=outcome, lang=origin.lang, meeting_id=meeting_id
    )


def reminders_snoozed(origin: Origin) -> RemindersSnoozed:
    """ "Not now" under a round's or a renewal's reminder DM."""
    return RemindersSnoozed(**_envelope(origin), lang=origin.lang)


def evaluation_given(
    origin: Origin, values: Mapping[str, str], meeting_id: str
) -> EvaluationGiven | Say:
    """The evaluation form of the meeting `meeting_id`, read by the grammar's /evaluate
    parser; scores it cannot read come back as what to tell the user. Words after the
    scores count as the comment when the comment field is empty."""
    spec = find_command("evaluate")[0]
    parsed = parse_command(spec, values.get("scores", ""), today=origin.at.date())
    if isinstance(parsed, UsageError):
        return parsed.reason or Say.of(N_("Usage: {usage}"), usage=Say.of(spec.usage))
    assert isinstance(parsed, Evaluate)
    comment = " ".join(values.get("comment", "").split()) or parsed.comment
    return EvaluationGiven(
        **_envelope(origin), scores=parsed.scores, comment=comment or None, lang=origin.lang,
        meeting_id=meeting_id,
    )  # fmt: skip


def form_values(components: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The text inputs of a submitted modal, by custom_id (action rows or labels)."""
    values: dict[str, str] = {}
    for top in components:
        children = [top["component"]] if "component" in top else top.get("components") or []
        for child in children:
            if "custom_id" in child and isinstance(child.get("value"), str):
                values[child["custom_id"]] = child["value"]
    return values
