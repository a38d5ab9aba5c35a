"""Neutral actions and views rendered as Block Kit: messages, modals and App Home.

Pure functions. Every text goes through gettext (`rules.i18n.render`) in the action's
language; people's own words are escaped and members are shown by name, so nothing the
bot echoes can ping (`<!channel>`, `<@U…>`, `<!subteam^…>`).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adapters.long_lines import CONTINUED, CONTINUED_UNTITLED, END_MISSING, cut_line, title_of
from adapters.slack import ids
from adapters.slack.installed import through_groundrules
from bot.dm_answers import FOR_THE_LATEST, snoozed_elsewhere
from bot.presenting import (
    agreement_text,
    at_table,
    closed_review_text,
    evaluation_text,
    not_a_problem_text,
    nudge_text,
    reminder_text,
    renewal_text,
    review_text,
    round_ended,
    round_text,
    suggestion_text,
    summary_text,
)
from bot.views import HeldMandate, MemberHome
from rules.actions import (
    AnnounceAgreement,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    CloseReview,
    NotAProblemNoted,
    PostRoundSummary,
    RemindMembers,
    Reply,
    ReviewToOwner,
    RoundView,
    SendNudge,
    SuggestAgreement,
)
from rules.agreements import owner_param, reason_label
from rules.grammar import LESSON_LIMIT
from rules.i18n import gettext, render, supported
from rules.say import (
    N_,
    NP_,
    CommandName,
    Counted,
    Day,
    Lines,
    Listed,
    Member,
    Members,
    Moment,
    Quote,
    Say,
    Text,
    excerpt,
)

Block = dict[str, Any]
# Slack's limits: section text, plain-text labels, titles and buttons, option texts and
# values, and a message's text and blocks.
MAX_SECTION = 3000
MAX_TITLE = 24
MAX_BUTTON = 75
MAX_INPUT = 2000
MAX_OPTION = 75
MAX_MESSAGE = 40_000
MAX_BLOCKS = 50
# How much of a problem or proposal a button carries to show in its modal: its start,
# with "…" where it goes on (the post the button is under shows it whole).
PREVIEW = 300
# A member whose profile Slack will not show the bot (another organisation's, in a
# shared channel): named so, since an id would look broken and a mention would ping.
UNNAMED = N_("(name not visible)")


# Around text that is already safe mrkdwn (people's words escaped, names, our own
# channel links) while a message is rendered, so that the rest, the bot's own words,
# can be escaped once after gettext filled them in; `Voice` removes the marks. Each
# holds a part drawn at random once a process: a character anyone can type would let
# words that reach a message unquoted turn their markup on ("\x0e<!everyone>\x0f").
_SAFE = f"\x0e{secrets.token_hex(8)}\x0e"
_END = f"\x0f{secrets.token_hex(8)}\x0f"
_MARKS = re.compile(f"({re.escape(_SAFE)}|{re.escape(_END)})")
# Shift out and shift in, which the marks are made of: in people's words they mean nothing.
_SHIFTS = re.compile("[\x0e\x0f]")
# "> " at the start of a line is the bot's own quote markup, not a character to show.
_QUOTE_MARKUP = re.compile(r"(?:^|(?<=\n))&gt;(?= )")


def escape(text: str) -> str:
    """Slack's three control characters; after this no text can mention or link."""
    text = _SHIFTS.sub("", text.replace(_SAFE, "").replace(_END, ""))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# mrkdwn has no escape for its emphasis and code: in people's words and names, *, _, ~
# and ` (and the full-width forms Slack reads too) are shown by look-alikes Slack does
# not read, so a name "*everyone*" is not bold, and a ``` in one quote and another in
# the next do not make the bot's lines between them code. Emoji codes
# (":white_check_mark:") stay whole.
_LOOK_ALIKES = str.maketrans(
    {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb", "\uff0a": "\ufe61",
     "\uff3f": "\u2e0f", "\uff40": "\u02cb"}
)  # fmt: skip
_EMOJI = re.compile(r":[a-z0-9_+\-]+:")


def shown(text: str) -> str:
    """Someone's words or name as mrkdwn that shows them as written: escaped (nothing
    can mention or link), their emphasis and code not applied."""
    parts: list[str] = []
    start = 0
    for emoji in _EMOJI.finditer(text):
        parts += [text[start : emoji.start()].translate(_LOOK_ALIKES), emoji[0]]
        start = emoji.end()
    parts.append(text[start:].translate(_LOOK_ALIKES))
    return escape("".join(parts))


# Read back from the bot's own posts: ˋ stands for both backticks, ` by far the likelier.
_WRITTEN = str.maketrans({shown: typed for typed, shown in reversed(
    [(chr(k), v) for k, v in _LOOK_ALIKES.items()])})  # fmt: skip


def as_written(text: str) -> str:
    """Words of a message the bot posted (unescaped), as `shown` was given them: its
    look-alikes read back as the characters people typed."""
    return text.translate(_WRITTEN)


def markup(text: str) -> str:
    """Slack markup of the bot's own (a channel link) that `Voice` must not escape."""
    return f"{_SAFE}{text}{_END}"


def _escaped_outside_marks(rendered: str) -> str:
    """Escape everything but the marked parts (already safe), and drop the marks."""
    out: list[str] = []
    depth = 0
    for piece in _MARKS.split(rendered):
        if piece == _SAFE:
            depth += 1
        elif piece == _END:
            depth = max(0, depth - 1)
        elif depth:
            out.append(piece)
        elif piece:
            out.append(_own_words(piece, at_line_start=not out or out[-1].endswith("\n")))
    return "".join(out)


def _own_words(piece: str, *, at_line_start: bool) -> str:
    def keep(quote: re.Match[str]) -> str:
        return ">" if quote.start() or at_line_start else quote.group()

    return _QUOTE_MARKUP.sub(keep, escape(piece))


# Slack's markup in people's words: <@U1>, <@U1|anna>, <#C1|general>, <!here>,
# <!subteam^S1|@team>, <!date^…|fallback>, <https://…|label>, <mailto:…|…>.
_SLACK_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_ID = re.compile(r"[A-Z0-9][A-Z0-9\-]*")
_LINK = re.compile(r"https?://[^\s<>|]+")
_EVERYONE = ("here", "channel", "everyone")
# A user group Slack wrote without its handle (it normally writes one).
A_GROUP = N_("a user group")


@dataclass
class Voice:
    """Renders text in one language as mrkdwn, with members' display names (never
    mentions). Slack reads &, < and > as control characters: the translated words are
    escaped (a usage line's "<what we agree>" is shown, not parsed), people's words and
    names once too, and the bot's own markup (quotes, channel links) is kept.

    A first pass with no names records whom the text names (`asked`), so the adapter
    can look them up before the real pass.
    """

    lang: str
    # None: Slack does not describe this member (Directory.names).
    names: Mapping[str, str | None] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)
    # The slash commands the app has (installed.py); None: every name.
    commands: frozenset[str] | None = None

    def __post_init__(self) -> None:
        self.lang = supported(self.lang)

    def name_of(self, user: str) -> str:
        self.asked.add(user)
        if user in self.names and self.names[user] is None:
            return markup(escape(gettext(UNNAMED, self.lang)))
        return markup(shown(self.names.get(user) or user))

    def quote(self, text: str) -> str:
        """Someone's words as mrkdwn that cannot ping, their Slack markup read as Slack
        shows it: a mention as "@anna", a channel as "#general" (or a link to it), a
        group as "@team", a link as the address it goes to."""
        parts: list[str] = []
        start = 0
        for found in _SLACK_MARKUP.finditer(text):
            readable = self._readable(found[1], found[2])
            if readable is not None:
                parts += [shown(text[start : found.start()]), readable]
                start = found.end()
        parts.append(shown(text[start:]))
        return markup("".join(parts))

    def _readable(self, target: str, label: str | None) -> str | None:
        """Safe mrkdwn for one piece of markup; None to show it as typed (escaped)."""
        sigil, rest = target[:1], target[1:]
        if sigil == "@" and _ID.fullmatch(rest):
            return shown(self._mentioned(rest, label))
        if sigil == "#" and _ID.fullmatch(rest):
            return shown(f"#{label}") if label else f"<#{rest}>"  # a link pings nobody
        if sigil == "!" and rest in _EVERYONE:
            return escape(f"@{rest}")  # as plain words: mrkdwn() is verbatim
        if sigil == "!" and rest.startswith("subteam^"):
            if not label:
                return escape(gettext(A_GROUP, self.lang))
            return shown(label if label.startswith("@") else f"@{label}")
        if sigil == "!" and label:  # a date or other special, by its fallback text
            return shown(label)
        if _LINK.fullmatch(target):
            return f"<{escape(target)}>"  # the address, not a label that could say anything
        if target.startswith("mailto:") and label:
            return shown(label)
        return None

    def moment(self, moment: Moment, named: str) -> str:
        """On each reader's own clock (Slack's date markup), the day too when it is
        another (as digits: Slack's words for days are English only); `named`, the
        table's clock, where Slack cannot show it (a notification, an old client)."""
        shape = "{time}" if moment.days_later == 0 else "{date_num} {time}"
        return markup(f"<!date^{int(moment.at.timestamp())}^{shape}|{escape(named)}>")

    def _mentioned(self, user: str, label: str | None) -> str:
        """A mentioned person by name, without the ping: "@anna"."""
        self.asked.add(user)
        name = (self.names[user] or label) if user in self.names else (label or user)
        return f"@{name}" if name else gettext(UNNAMED, self.lang)

    def _commands(self, words: str) -> str:
        return words if self.commands is None else through_groundrules(words, self.commands)

    def __call__(self, text: Text) -> str:
        rendered = render(
            text, self.lang, name_of=self.name_of, quote=self.quote, words=self._commands,
            moment=self.moment,
        )  # fmt: skip
        return _escaped_outside_marks(rendered)

    def say(self, msgid: str, **params: object) -> str:
        return self(Say.of(msgid, **params))

    def label(self, msgid: str, limit: int = MAX_INPUT) -> str:
        """Our own words for plain_text fields (no escaping: Slack shows them as typed)."""
        return gettext(msgid, self.lang)[:limit]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """`text` is the notification and fallback; `blocks` what Slack shows."""

    text: str
    blocks: list[Block]


# --- building blocks -------------------------------------------------------------------


def plain(text: str, limit: int = MAX_INPUT) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object that Slack takes as written: not verbatim, it would parse a
    plain "@here" or a channel name in someone's echoed words into a mention or a link.
    The bot's own links and names are written out (<#C1>), and stay links."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def sections(text: str) -> list[Block]:
    """One or more mrkdwn sections, split between lines to stay under Slack's limit."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _pieces(line):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) > MAX_SECTION:
                chunks.append(current)
                candidate = piece
            current = candidate
    chunks.append(current)
    return [{"type": "section", "text": mrkdwn(chunk)} for chunk in chunks if chunk.strip()] or [
        {"type": "section", "text": mrkdwn(" ")}
    ]


def _pieces(line: str) -> list[str]:
    """A line cut to Slack's section limit, each piece after the first quoted."""
    return cut_line(line, MAX_SECTION, _section_end)


def _section_end(line: str, room: int) -> int:
    """Where a piece of at most `room` characters ends: between the items of a list (the
    names a round waits for) or else between words where it can, and never inside an
    entity ("&amp;") or a link or name ("<#C1>"), which would show as code."""
    end = room
    comma, space = line.rfind(", ", 0, end), line.rfind(" ", 0, end)
    if comma > room // 2:
        end = comma + 1
    elif space > room // 2:
        end = space
    for opening, closing in (("&", ";"), ("<", ">")):
        start = line.rfind(opening, 0, end)
        if start > 0 and closing not in line[start:end]:
            end = start
    return end


def heading(msgid: str, voice: Voice) -> list[Block]:
    return sections(f"*{voice.say(msgid)}*")


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text[:MAX_SECTION])]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(text, MAX_BUTTON),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def actions(block_id: str, *elements: Block) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def channel_link(channel: str) -> str:
    """<#C…> shows the channel's name and pings nobody (a parameter for `Voice`)."""
    return markup(f"<#{escape(channel)}>")


# --- messages --------------------------------------------------------------------------


def nudge(action: SendNudge, voice: Voice, *, direct: bool = False) -> SlackMessage:
    """The private nudge with its five buttons; `direct` when it goes by DM instead."""
    value = ids.pack_with_text(
        "x", excerpt(action.problem_text, PREVIEW), c=action.channel, p=action.problem_id,
        t=action.thread_id, l=voice.lang,
    )  # fmt: skip
    # By DM, away from its table: its blocks and its text (the notification) open with it.
    where = channel_link(action.channel) if direct else None
    blocks = sections(voice(nudge_text(action, with_commands=False, where=where)))
    blocks.append(
        actions(
            f"nudge:{action.problem_id}",
            button(voice.label(N_("Add a proposal")), ids.NUDGE_PROPOSE, value, "primary"),
            button(voice.label(N_("It has a proposal")), ids.NUDGE_HAS_PROPOSAL, value),
            button(voice.label(N_("Not a problem")), ids.NUDGE_DISMISS, value),
            button(voice.label(N_("Snooze 1 hour")), ids.NUDGE_SNOOZE, value),
            button(voice.label(N_("Why?")), ids.NUDGE_WHY, value),
        )
    )
    return SlackMessage(voice(nudge_text(action, where=where)), blocks)


def round_buttons(view: RoundView, channel: str, voice: Voice, *more: Block) -> Block:
    value = ids.pack_with_text(
        "x", excerpt(view.proposal, PREVIEW), c=channel, r=view.round_id, l=voice.lang
    )
    return actions(
        f"round:{view.round_id}",
        button(voice.label(N_("No concerns")), ids.ROUND_NONE, value, "primary"),
        button(voice.label(N_("I have a concern")), ids.ROUND_CONCERN, value),
        *more,
    )


def not_now(channel: str, voice: Voice) -> Block:
    """Under a reminder DM: hold the clicker's reminders at table `channel` for a while
    (rules.snoozed_reminders), as a nudge's Snooze does."""
    value = ids.pack(c=channel, l=voice.lang)
    return button(voice.label(N_("Not now")), ids.REMINDERS_SNOOZE, value)


def concern_round(
    view: RoundView, channel: str, voice: Voice, *, is_open: bool = True, withdrawn: bool = False
) -> SlackMessage:
    """The round in the channel; re-rendered in place as answers come in (names only).
    Its blocks and its text (the notification, a screen reader's summary) come from one
    `round_text`, so both say alike whether the round is open, closed or withdrawn."""
    ended = round_ended(closed=not is_open, withdrawn=withdrawn)
    return one_message(
        voice(round_text(view, with_commands=False, ended=ended)),
        last=[round_buttons(view, channel, voice)] if ended is None else [],
        fallback=voice(round_text(view, with_commands=ended is None, ended=ended)),
    )


def reminder(action: RemindMembers, voice: Voice) -> SlackMessage:
    """By DM: its blocks and its text (the notification) open with the table it is about,
    and the text's commands say to type them there (the DM is no table)."""
    where = channel_link(action.channel)
    return one_message(
        voice(reminder_text(action, with_commands=False, where=where)),
        last=[round_buttons(action.round, action.channel, voice, not_now(action.channel, voice))],
        fallback=voice(reminder_text(action, where=where)),
    )


def summary(action: PostRoundSummary, voice: Voice) -> list[SlackMessage]:
    """The round's outcome, page by page (every concern in full); beside the "Record as
    agreement" button, on the first page, the typed command is left out (the fallback
    text keeps it)."""
    buttons: list[Block] = []
    if action.suggest_agreement:
        value = ids.pack_whole_text(
            action.round.proposal, c=action.channel, r=action.round.round_id,
            t=action.round.thread_id, l=voice.lang,
        )  # fmt: skip
        buttons.append(
            actions(
                f"summary:{action.round.round_id}",
                button(voice.label(N_("Record as agreement")), ids.ROUND_RECORD, value, "primary"),
            )
        )
    return pages(
        voice(summary_text(action, with_commands=False)),
        voice,
        first=buttons,
        fallback=voice(summary_text(action)),
    )


SUMMARY_WHERE_GONE = N_(
    "The concern round in {channel} has closed, but its channel was archived or deleted, "
    "so I could not post its summary there. Here it is:"
)


def summary_by_dm(action: PostRoundSummary, voice: Voice) -> list[SlackMessage]:
    """A round's summary its channel refused (archived or deleted unheard), for its
    starter by DM: what it decided is not lost with the channel. Without the "Record as
    agreement" button: there is no channel to record it in."""
    told = Lines((
        Say.of(SUMMARY_WHERE_GONE, channel=channel_link(action.channel)),
        summary_text(action, with_commands=False),
    ))  # fmt: skip
    return pages(voice(told), voice)


def suggestion(action: SuggestAgreement, voice: Voice) -> list[SlackMessage]:
    """Most of the table agrees: offer the agreement form, prefilled; never record silently.
    The agreeing members are all named, page by page; the button is on the first."""
    value = ids.pack_whole_text(action.proposal, c=action.channel, t=action.thread_id,
                                l=voice.lang)  # fmt: skip
    record = actions(
        "suggestion",
        button(voice.label(N_("Record as agreement")), ids.ROUND_RECORD, value, "primary"),
    )
    return pages(
        voice(suggestion_text(action, with_commands=False)),
        voice,
        first=[record],
        fallback=voice(suggestion_text(action)),
    )


def renewal(action: AskRenewal, voice: Voice) -> list[SlackMessage]:
    """After a meeting: the members asked to renew (by name, page by page), with the two
    answers on the first page (none when nobody asked has a mandate to renew); as a
    reminder it goes by DM and says which table it is about."""
    value = ids.pack(c=action.channel, m=action.meeting_id, l=voice.lang)
    where = channel_link(action.channel) if action.reminder else None
    below: list[Block] = []
    answers: list[Block] = []
    if not action.only_to_set:  # no mandate to renew: the text says how to set one
        answers += [
            button(voice.label(N_("Renew")), ids.RENEWAL_RENEWED, value, "primary"),
            button(voice.label(N_("Check with my organisation")), ids.RENEWAL_CHECK, value),
        ]
    if action.reminder:  # by DM: it may wait a while
        answers.append(not_now(action.channel, voice))
    if answers:
        below.append(actions(f"renewal:{action.meeting_id}", *answers))
    return pages(
        voice(renewal_text(action, with_commands=False, where=where)),
        voice,
        first=below,
        fallback=voice(renewal_text(action, where=where)),
    )


def evaluation(action: AskEvaluation, voice: Voice) -> SlackMessage:
    """The relationship values and a button that opens the scoring form. The button
    carries the values (msgids), so the form shows the ones this message listed."""
    value = ids.pack(c=action.channel, m=action.meeting_id, l=voice.lang, v=list(action.values))
    blocks = sections(voice(evaluation_text(action, with_commands=False)))
    blocks.append(
        actions(
            f"evaluation:{action.meeting_id}",
            button(voice.label(N_("Evaluate")), ids.EVALUATE, value, "primary"),
        )
    )
    return SlackMessage(voice(evaluation_text(action)), blocks)


def pages(
    text: str, voice: Voice, *, first: Sequence[Block] = (), fallback: str | None = None
) -> list[SlackMessage]:
    """A long mrkdwn text as one or more messages: sections under Slack's 3,000
    characters, each message under its 50 blocks and 40,000 characters of text.

    `first` goes under the first page's text (its buttons: a table's answer may run to
    many pages, and the question is asked once). `fallback` is the notification text
    of a message that fits on one page, when it says more than its blocks (the typed
    commands beside the buttons); a longer message notifies with each page's text.
    Every later page opens, in its text and its blocks, with a heading in `voice`'s
    language: "(continued)" and the first page's opening line.
    """
    return _paged(text, first=first, fallback=fallback, heading=continued(text, voice))


def continued(text: str, voice: Voice) -> str:
    """The heading of the pages after the first of `text` (rendered mrkdwn, so its
    opening line goes in as it is, unescaped again)."""
    title = title_of(text, _section_end)
    if title is None:
        return voice.say(CONTINUED_UNTITLED)
    return voice.say(CONTINUED, title=markup(title))


def _paged(
    text: str, *, first: Sequence[Block], fallback: str | None, heading: str | None
) -> list[SlackMessage]:
    """`pages`; `heading` opens every page after the first (its block and its line of
    text count towards the page's limits), None: no heading."""
    later_size = len(heading) if heading is not None else 0
    later_room = MAX_BLOCKS - (1 if heading is not None else 0)
    paged: list[list[Block]] = []
    current: list[Block] = []
    size, room = 0, MAX_BLOCKS - len(first)
    for block in sections(text):
        length = len(block["text"]["text"])
        if current and (len(current) >= room or size + 1 + length > MAX_MESSAGE):
            paged.append(current)
            current, size, room = [], later_size, later_room
        current.append(block)
        size += length + (1 if size else 0)
    paged.append(current)
    result = [_page(paged[0])]
    result += [_page(blocks, heading) for blocks in paged[1:]]
    notify = result[0].text
    if fallback is not None and len(paged) == 1 and len(fallback) <= MAX_MESSAGE:
        notify = fallback
    result[0] = SlackMessage(notify, [*paged[0], *first])
    return result


def _page(blocks: list[Block], heading: str | None = None) -> SlackMessage:
    lines = [b["text"]["text"] for b in blocks]
    if heading is None:
        return SlackMessage("\n".join(lines), blocks)
    return SlackMessage("\n".join([heading, *lines]), [context(heading), *blocks])


def one_message(
    text: str, *, last: Sequence[Block] = (), fallback: str | None = None
) -> SlackMessage:
    """A message that is edited in place later (a round's progress, a decided review)
    stays one message: past Slack's limits its text is cut, with a "…" below, so that it
    and its buttons still arrive."""
    first, *rest = _paged(text, first=last, fallback=fallback, heading=None)
    if not rest:
        return first
    return _paged(text, first=[context("…"), *last], fallback=None, heading=None)[0]


def not_here(channel: str, voice: Voice) -> str:
    """Said privately to someone who used a command where the bot is not a member."""
    if channel.startswith("D"):
        return voice.say(
            N_("I only work in channels I am in, not in direct messages between people. "
               "Invite me to a channel (/invite @Groundrules) and try it there.")
        )  # fmt: skip
    return voice.say(
        N_("I am not in this channel yet, so I cannot do that here. Invite me first "
           "(/invite @Groundrules), then try again.")
    )  # fmt: skip


def about_nudged(channel: str, voice: Voice) -> str:
    """Said in the bot's DM when a command typed there acts on a problem nudged about at
    a table: which table. The engine's answer that follows quotes the problem."""
    return voice.say(N_("About your problem in {channel}:"), channel=channel_link(channel))


def about_table(channel: str, voice: Voice) -> str:
    """Said in the bot's DM when a table command typed there acts at the one table it
    can be about: which table. The engine's answer follows."""
    return voice.say(N_("In {channel}:"), channel=channel_link(channel))


def snoozed_from_dm(channel: str, others: Sequence[str], voice: Voice, *, nudged: bool) -> str:
    """Said in the bot's DM when /snooze (or "not now") typed there holds things at
    `channel`, whose reminder or nudge reached the person last: which table; with
    `others` waiting on them too, how to hold theirs (bot.dm_answers, as on Discord).
    The engine's answer follows."""
    if not others:
        return about_nudged(channel, voice) if nudged else about_table(channel, voice)
    links = [channel_link(other) for other in others]
    return voice(snoozed_elsewhere(channel_link(channel), links, nudged=nudged))


# Answers to words typed in the bot's DM (listeners._answer_in_dm), beside Discord's
# (adapters.discord.cog): on Slack a nudge comes beside the problem, and only by DM when
# it cannot; the DM takes the commands a nudge or a reminder names.
DM_NOT_A_PROPOSAL = N_(
    "Thanks for your message. I did not take it for a proposal, so I posted nothing. To add "
    "one to your problem in {channel}, write here what you suggest, use “Add a proposal” "
    "under my nudge, or write it beside your problem. You can also type /snooze, "
    "/not-a-problem or /why here."
)
DM_NOTHING_WAITING = N_(
    "Thanks for your message. Nothing of yours is waiting for a proposal right now, so I did "
    "nothing with it. I work in the channels I am invited to. Here you can answer my reminders "
    "with /concern or /mandate, take back a “Not a problem” with /not-a-problem undo, and "
    "/groundrules help lists everything I do."
)


def not_a_proposal_in_dm(channel: str, voice: Voice) -> str:
    """Said in the bot's DM to words that propose nothing while a problem of theirs, at
    `channel`, waits for a proposal: nothing was posted; how to add one."""
    return voice.say(DM_NOT_A_PROPOSAL, channel=channel_link(channel))


def for_the_latest(channel: str, voice: Voice) -> str:
    """Said in the bot's DM before a proposal typed there is posted, when more than one
    problem of theirs waits: it answers the one nudged about last, at `channel`."""
    return voice.say(FOR_THE_LATEST) + f"\n<#{escape(channel)}>"  # a link pings nobody


# At most this many tables are named to someone who typed a table command in the DM.
TABLES_NAMED = 10


def not_a_table(command: str, channels: Sequence[str], voice: Voice, *, routed: bool = True) -> str:
    """Said in the bot's DM to a table command typed there that could be about none or
    several of the person's tables, or that acts in public (not `routed`): nothing was
    done; where to type it."""
    if not channels:
        return voice.say(
            N_("Our direct messages are not a table, so {command} has nothing to act on here. "
               "Type it in your table's channel (invite me there first: /invite @Groundrules)."),
            command=CommandName(command),
        )  # fmt: skip
    named: list[object] = [channel_link(channel) for channel in channels[:TABLES_NAMED]]
    if len(channels) > TABLES_NAMED:
        # Its own words, not the round's "{count} more" (members: "andere leden" in Dutch).
        more = NP_("{count} more table", "{count} more tables")
        named.append(Counted(more, len(channels) - TABLES_NAMED))
    if not routed:
        return voice.say(
            N_("Our direct messages are not a table, so I did nothing with {command}. Type it "
               "in your table's channel: {channels}."),
            command=CommandName(command), channels=Listed(tuple(named)),
        )  # fmt: skip
    return voice.say(
        N_("Our direct messages are not a table, and I cannot tell which of your tables "
           "{command} is for, so I did nothing. Type it in that table's channel: {channels}."),
        command=CommandName(command), channels=Listed(tuple(named)),
    )  # fmt: skip


def not_recorded(voice: Voice) -> str:
    """Said privately to someone whose command, click or form could not be recorded
    (the database did not answer): Slack showed nothing wrong."""
    return voice.say(
        N_("Sorry, that did not go through: nothing was recorded. Please try again in a "
           "few minutes.")
    )  # fmt: skip


# Said privately to someone using a command in a shared channel whose table belongs to
# another organisation's workspace, which removed the bot (adapters.slack.homes).
AWAY = N_(
    "This channel's table belongs to another organisation in it, which removed "
    "Groundrules. Nothing is recorded here until they add it again. If they do not, "
    "their data is deleted after a while, and a new table starts here."
)


def maybe_posted(proposal: str, voice: Voice) -> str:
    """Said privately to the author of a proposal from the nudge's form whose post got no
    answer from Slack (the connection broke, it took too long): it may be there. Its
    words come back, and the nudge's button, used again, looks for the post before
    posting it, so it is not posted twice."""
    return voice(
        Lines(
            (
                Say.of(N_("I am not sure your proposal was posted: Slack did not answer in "
                          "time. Please look in the problem's thread; if it is not there, "
                          "add it again: I will look for it first, so it is not posted "
                          "twice.")),
                Say.of(N_("> {proposal}"), proposal=Quote(proposal)),
            )
        )
    )  # fmt: skip


def not_posted(proposal: str, voice: Voice) -> str:
    """Said privately to the author of a proposal from the nudge's form that Slack would
    not post (the channel archived meanwhile, the bot removed, a lasting rate limit): the
    form has closed, so their words come back with it. Discord's words for the same
    (adapters.discord.cog.NOT_POSTED)."""
    return voice(
        Lines(
            (
                Say.of(N_("I could not post in that channel. Please post your proposal there "
                          "yourself.")),
                Say.of(N_("> {proposal}"), proposal=Quote(proposal)),
            )
        )
    )  # fmt: skip


# Said privately to whoever clicked for a form (or used a shortcut or /agree) that Slack
# did not let open: it takes a click's trigger only for 3 seconds.
FORM_NOT_OPENED = N_("Sorry, I could not open the form in time. Please try again.")


# An answered nudge (or reminder DM): its buttons give way to one line.
DONE = N_("Done.")
SETTLED = N_("This is settled already: there is nothing left to choose.")
NUDGE_ANSWERED = {
    ids.NUDGE_PROPOSE: DONE,
    ids.NUDGE_DISMISS: N_("Noted."),
    ids.NUDGE_HAS_PROPOSAL: N_("Counted as a proposal."),
    ids.NUDGE_SNOOZE: N_("Snoozed."),
}


def answered(action_id: str, voice: Voice) -> str:
    """The line that replaces a nudge after its button `action_id` was used."""
    return voice.say(NUDGE_ANSWERED.get(action_id, DONE))


def text(words: Text, voice: Voice) -> SlackMessage:
    """Any of the engine's texts as it is (commands included), for actions without buttons."""
    rendered = voice(words)
    return SlackMessage(rendered, sections(rendered))


def agreement(action: AnnounceAgreement, voice: Voice) -> list[SlackMessage]:
    """The agreement with everyone who consented and every concern heard, page by page."""
    return pages(voice(agreement_text(action)), voice)


def review(action: AnnounceReview, voice: Voice) -> SlackMessage:
    number = action.agreement.number
    # The Revise form reads the text from storage; this is for when it cannot. The
    # version ("v") keeps the buttons to the version shown, and when it was asked ("t")
    # to this review: a click that crossed someone's Keep is refused.
    value = ids.pack_whole_text(
        action.agreement.text, c=action.channel, n=number, v=action.agreement.version,
        t=int(action.asked_at.timestamp()) if action.asked_at else None, l=voice.lang,
    )  # fmt: skip
    decide = actions(
        f"review:{number}",
        button(voice.label(N_("Keep")), ids.REVIEW_KEEP, value, "primary"),
        button(voice.label(N_("Revise")), ids.REVIEW_REVISE, value),
        button(voice.label(N_("Retire")), ids.REVIEW_RETIRE, value, "danger"),
    )
    # One message: once decided, it is edited in place (closed_review).
    return one_message(
        voice(review_text(action, with_commands=False)),
        last=[decide],
        fallback=voice(review_text(action)),
    )


def closed_review(action: CloseReview, voice: Voice) -> SlackMessage:
    """A decided review's message: what it asked and what was decided, no buttons."""
    return one_message(voice(closed_review_text(action)))


def reply(action: Reply, voice: Voice) -> list[SlackMessage]:
    """A reply as one message or, when it is long (a list of agreements), several. The
    thanks for "Not a problem" (or "It has a proposal") carries its "Undo" button (its
    notification, the command)."""
    if isinstance(action, NotAProblemNoted):
        value = ids.pack(c=action.channel, p=action.problem_id, l=voice.lang)
        undoes = ids.NUDGE_UNDO_PROPOSAL if action.proposes else ids.NUDGE_UNDO
        undo = actions(f"undo:{action.problem_id}", button(voice.label(N_("Undo")), undoes, value))
        return pages(
            voice(not_a_problem_text(action, with_commands=False)), voice, first=[undo],
            fallback=voice(not_a_problem_text(action)),
        )  # fmt: skip
    if isinstance(action, ReviewToOwner):  # by DM, away from its table: it opens with which
        return pages(voice(at_table(action.text, channel_link(action.channel))), voice)
    return pages(voice(action.text), voice)


def posted_proposal(user: str, proposal: str, voice: Voice) -> SlackMessage:
    """A proposal added from a nudge, in the problem's thread, in its author's words."""
    text = voice(
        Lines(
            (
                Say.of(N_("Proposal from {user}:"), user=Member(user)),
                Say.of(N_("> {proposal}"), proposal=Quote(proposal)),
            )
        )
    )
    return SlackMessage(text, sections(text))


# --- modals ----------------------------------------------------------------------------


def _modal(
    callback_id: str, title: str, submit: str, metadata: str, blocks: list[Block], voice: Voice
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": plain(voice.label(title, MAX_TITLE), MAX_TITLE),
        "submit": plain(voice.label(submit, MAX_TITLE), MAX_TITLE),
        "close": plain(voice.label(N_("Cancel"), MAX_TITLE), MAX_TITLE),
        "blocks": blocks,
    }


def text_input(
    block_id: str,
    label: str,
    voice: Voice,
    *,
    initial: str = "",
    multiline: bool = True,
    optional: bool = False,
    hint: str | None = None,
    max_length: int = MAX_INPUT,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": ids.FIELD,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(voice.label(label)),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(voice.label(hint))
    return block


def _quoted(text: str, voice: Voice) -> list[Block]:
    return sections(voice.say(N_("> {text}"), text=Quote(text))) if text else []


def proposal_modal(metadata: str, problem: str, voice: Voice) -> dict[str, Any]:
    blocks = _quoted(problem, voice)
    blocks.append(
        text_input(
            ids.PROPOSAL, N_("Your proposal"), voice,
            hint=N_("It is posted in the problem's thread, under your name."),
        )
    )  # fmt: skip
    return _modal(ids.PROPOSAL_MODAL, N_("Add a proposal"), N_("Post"), metadata, blocks, voice)


def concern_modal(metadata: str, proposal: str, voice: Voice) -> dict[str, Any]:
    blocks = _quoted(proposal, voice)
    blocks.append(text_input(ids.CONCERN, N_("Your concern or reservation"), voice))
    return _modal(ids.CONCERN_MODAL, N_("Your concern"), N_("Send"), metadata, blocks, voice)


def _shortened(text: str, shortened: bool, voice: Voice) -> tuple[list[Block], str]:
    """A prefill that lost its end says so, above the form and with "…" in the field."""
    if not shortened:
        return [], text
    warning = voice.say(END_MISSING)
    return [context(f":warning: {warning}")], text.rstrip() + "…"


def agreement_modal(
    metadata: str, voice: Voice, *, text: str = "", shortened: bool = False
) -> dict[str, Any]:
    """What, why, owner (a member or a role) and review date; `text` prefills what."""
    warning, text = _shortened(text, shortened, voice)
    blocks = [
        *warning,
        text_input(ids.WHAT, N_("What do we agree?"), voice, initial=text),
        text_input(ids.WHY, N_("Why?"), voice),
        {
            "type": "input",
            "block_id": ids.OWNER,
            "label": plain(voice.label(N_("Owner"))),
            "optional": True,
            "element": {"type": "users_select", "action_id": ids.FIELD},
            "hint": plain(voice.label(N_("Leave both owner fields empty and you own it."))),
        },
        text_input(
            ids.ROLE, N_("Or a role as owner"), voice, multiline=False, optional=True,
            max_length=80,
        ),
        {
            "type": "input",
            "block_id": ids.REVIEW,
            "label": plain(voice.label(N_("Review date"))),
            "optional": True,
            "element": {"type": "datepicker", "action_id": ids.FIELD},
            "hint": plain(
                voice.label(N_("Leave it empty to use the table's usual review period."))
            ),
        },
    ]  # fmt: skip
    return _modal(
        ids.AGREEMENT_MODAL, N_("Record an agreement"), N_("Record"), metadata, blocks, voice
    )


def revise_modal(
    metadata: str, number: int, text: str, voice: Voice, *, shortened: bool = False
) -> dict[str, Any]:
    """`text` is the agreement's current text; `shortened` when only its start is known."""
    warning, text = _shortened(text, shortened, voice)
    blocks = [
        *warning,
        *sections(voice.say(N_("Agreement #{number}: {text}"), number=number, text=Quote(text))),
        text_input(
            ids.LESSON,
            N_("What has practice taught us?"),
            voice,
            optional=True,
            max_length=LESSON_LIMIT,
        ),
        text_input(ids.NEW_TEXT, N_("The new text"), voice, initial=text),
        text_input(ids.WHY, N_("Why this change?"), voice),
    ]
    return _modal(ids.REVISE_MODAL, N_("Revise agreement"), N_("Save"), metadata, blocks, voice)


def score_options() -> list[dict[str, Any]]:
    return [{"text": plain(str(n), MAX_OPTION), "value": str(n)} for n in range(1, 6)]


def evaluation_modal(metadata: str, values: Sequence[str], voice: Voice) -> dict[str, Any]:
    """One 1-5 choice per relationship value (`values` are msgids) and a comment."""
    blocks: list[Block] = sections(
        voice.say(
            N_("A short process evaluation, please: how did we do on our relationship "
               "values? Score each from 1 to 5.")
        )
    )  # fmt: skip
    for number, value in enumerate(values, start=1):
        label = gettext(N_("{number}. {value}"), voice.lang).format(
            number=number, value=gettext(value, voice.lang)
        )
        blocks.append(
            {
                "type": "input",
                "block_id": ids.score_block(number),
                "label": plain(label),
                "element": {
                    "type": "static_select",
                    "action_id": ids.FIELD,
                    "placeholder": plain(voice.label(N_("1 to 5"), MAX_OPTION), MAX_OPTION),
                    "options": score_options(),
                },
            }
        )
    blocks.append(
        text_input(ids.COMMENT, N_("Comment"), voice, optional=True, max_length=ids.MAX_COMMENT)
    )
    return _modal(
        ids.EVALUATION_MODAL, N_("Evaluate the meeting"), N_("Send"), metadata, blocks, voice
    )


def errors(invalid: Mapping[str, Say], voice: Voice) -> dict[str, str]:
    """Per-block messages for `response_action: errors` (plain text)."""
    return {block: render(say, voice.lang) for block, say in invalid.items()}


# --- App Home --------------------------------------------------------------------------

HOME_LIMIT = 10  # items a list shows at most
# Slack refuses a view past 100 blocks, or past 250 kB (view_too_large); a member's
# lists are shown within both, however long their items, the rest counted.
MAX_VIEW_BLOCKS = 100
MAX_VIEW_BYTES = 250_000
VIEW_MARGIN = 2000  # the view's own fields around its blocks


def _held_mandate(mandate: HeldMandate) -> Say:
    if mandate.status == "current" and mandate.renewed_on is not None:
        return Say.of(N_("In {channel} you may agree to: {mandate} (renewed {day})"),
                      channel=channel_link(mandate.channel), mandate=Quote(mandate.text),
                      day=Day(mandate.renewed_on))  # fmt: skip
    msgid = {
        "renewal_due": N_("In {channel} you may agree to: {mandate} (to be renewed after the "
                          "meeting)"),
        "checking": N_("In {channel} you may agree to: {mandate} (you are checking with your "
                       "organisation)"),
    }.get(mandate.status, N_("In {channel} you may agree to: {mandate}"))  # fmt: skip
    return Say.of(msgid, channel=channel_link(mandate.channel), mandate=Quote(mandate.text))


def _size(blocks: Sequence[Block]) -> int:
    """Bytes as the view is sent (JSON, non-ASCII escaped)."""
    return len(json.dumps(list(blocks)))


@dataclass(frozen=True)
class _Listing:
    """One list of the App Home: `shown(k)` is the blocks of its first k items (of
    `count`, at most `limit` of them shown)."""

    heading: str
    count: int
    shown: Callable[[int], list[Block]]
    empty: str
    limit: int = HOME_LIMIT

    @property
    def most(self) -> int:
        return min(self.count, self.limit)

    def blocks(self, k: int, voice: Voice) -> list[Block]:
        if not self.count:
            return [context(voice.say(self.empty))]
        more = self.count - k
        if not k:  # not even one fits: "… and 3 more" after nothing reads as a fault
            return [context(voice.say(N_("Too long to show here ({count})."), count=more))]
        tail = [context(voice.say(N_("… and {count} more"), count=more))] if more else []
        return [*self.shown(k), *tail]

    def fitted(self, blocks: int, size: int, voice: Voice) -> list[Block]:
        """As many items as fit in `blocks` blocks and `size` bytes (none at worst)."""
        for k in range(self.most, 0, -1):
            candidate = self.blocks(k, voice)
            if len(candidate) <= blocks and _size(candidate) <= size:
                return candidate
        return self.blocks(0, voice)


def _shares(needs: Sequence[int], room: int) -> list[int]:
    """Each list's part of `room`: all it needs when that is no more than an equal part
    of what is left, the rest split equally among the bigger lists."""
    shares = [0] * len(needs)
    order = sorted(range(len(needs)), key=lambda i: needs[i])
    for position, i in enumerate(order):
        shares[i] = min(needs[i], room // (len(order) - position))
        room -= shares[i]
    return shares


def _lines(items: Sequence[Say], voice: Voice) -> Callable[[int], list[Block]]:
    return lambda k: sections(voice(Lines(tuple(items[:k]))))


def _rounds(page: MemberHome, voice: Voice) -> Callable[[int], list[Block]]:
    def shown(k: int) -> list[Block]:
        blocks: list[Block] = []
        for waiting in page.rounds_waiting[:k]:
            view = RoundView(
                round_id=waiting.round_id, proposal=waiting.proposal,
                proposer=waiting.proposer, thread_id=None, deadline=waiting.deadline,
                participants=(), no_concerns=(), concerns=(),
            )  # fmt: skip
            lines = Lines(
                (
                    Say.of(N_("{proposer} proposes, in {channel}:"),
                           proposer=Member(waiting.proposer),
                           channel=channel_link(waiting.channel)),
                    Say.of(N_("> {proposal}"), proposal=Quote(waiting.proposal)),
                )
            )  # fmt: skip
            blocks += sections(voice(lines))
            blocks.append(round_buttons(view, waiting.channel, voice))
        return blocks

    return shown


def _listings(page: MemberHome, voice: Voice) -> list[_Listing]:
    due = [
        Say.of(
            N_("#{number} {text}, in {channel}: review on {review_on}."),
            number=a.number, text=Quote(a.text), channel=channel_link(a.channel),
            review_on=Day(a.review_on),
        )
        for a in page.reviews_due
    ]  # fmt: skip
    recent = [
        Say.of(
            N_("#{number} {text} ({reason}). Owner: {owner}. Consent: {consenters}. Review on "
               "{review_on}."),
            number=a.number, text=Quote(a.text), reason=reason_label(a.why),
            owner=owner_param(a.owner),
            consenters=Members(tuple(a.consenters)), review_on=Day(a.review_on),
        )
        for a in page.recent_agreements
    ]  # fmt: skip
    held = [_held_mandate(m) for m in page.mandates]
    held += [
        Say.of(N_("Role {role} in {channel}: {tasks}"), role=Quote(r.name),
               channel=channel_link(r.channel), tasks=Quote(r.tasks))
        for r in page.roles
    ]  # fmt: skip
    return [
        _Listing(N_("Concern rounds waiting for your answer"), len(page.rounds_waiting),
                 _rounds(page, voice), N_("Nothing is waiting for your answer.")),
        _Listing(N_("Agreements due for review"), len(page.reviews_due), _lines(due, voice),
                 N_("No agreements are due for review.")),
        _Listing(N_("Recent agreements at your tables"), len(page.recent_agreements),
                 _lines(recent, voice), N_("No agreements recorded at your tables yet.")),
        _Listing(N_("Your mandates and roles"), len(held), _lines(held, voice),
                 N_("No mandate or role yet. Give your mandate with /mandate <text>."),
                 limit=2 * HOME_LIMIT),  # ten of each, as before
    ]  # fmt: skip


def home(page: MemberHome, voice: Voice) -> dict[str, Any]:
    """A member's open rounds (with the answer buttons), reviews due, recent agreements,
    mandates and roles: as many of each as the view has room for, the rest counted."""
    top: list[Block] = [
        {"type": "header", "text": plain(voice.label(N_("Your ground rules at work")), 150)}
    ]
    if page.channels:
        tables = ", ".join(channel_link(c) for c in page.channels[:50])
        bottom = context(voice.say(N_("Your tables: {channels}"), channels=tables))
    else:
        bottom = context(
            voice.say(N_("You are not at any table yet. Invite me to a channel and talk there."))
        )
    listings = _listings(page, voice)
    # Each list under its heading, a divider between them.
    heads = [
        [*([{"type": "divider"}] if n else []), *heading(listing.heading, voice)]
        for n, listing in enumerate(listings)
    ]
    frame = [*top, *(block for head in heads for block in head), {"type": "divider"}, bottom]
    whole = [listing.blocks(listing.most, voice) for listing in listings]
    room_blocks = _shares([len(blocks) for blocks in whole], MAX_VIEW_BLOCKS - len(frame))
    room_size = _shares(
        [_size(blocks) for blocks in whole], MAX_VIEW_BYTES - VIEW_MARGIN - _size(frame)
    )
    blocks = list(top)
    for listing, head, most, size in zip(listings, heads, room_blocks, room_size, strict=True):
        blocks += [*head, *listing.fitted(most, size, voice)]
    blocks += [{"type": "divider"}, bottom]
    return {"type": "home", "blocks": blocks}
