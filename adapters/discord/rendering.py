"""Text the bot shows on Discord: display names that never ping, quotes that cannot ping,
and Discord's limits (2,000 characters a message, 4,096 an embed, 100 pings allowed).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import discord
from discord.utils import escape_mentions

from adapters.long_lines import CONTINUED, CONTINUED_UNTITLED, cut_line, title_of
from rules.bidi import FSI, PDI, closed, open_isolates
from rules.i18n import gettext, render
from rules.say import N_, Lines, Moment, Say, Text

MESSAGE_LIMIT = 2000
EMBED_LIMIT = 4096
MENTIONS_LIMIT = 100  # users a message may allow to ping (allowed_mentions.users)
# A longer answer goes as a file rather than as a wall of messages.
MAX_PIECES = 4
# A long message's first line, in its content (`headline`): what a notification shows.
HEADLINE_LIMIT = 200

_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
# Markdown in someone's words that could dress them up as the bot's own: emphasis,
# spoilers, code (a fence swallows what follows), masked links (a link to anywhere that
# shows as any text); links stay as written, escapes inside them would break them.
_URL = re.compile(r"(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s]")
_INLINE = re.compile(r"[\\*_~|`\[\]]")
# ... except what would make a masked link or a code block of what follows, should
# Discord end a link sooner than we do: a link has no business holding them as they are
# (RFC 3986 has them percent-encoded), so they are escaped even inside one.
_IN_LINK = re.compile(r"[`\[\]]")
# ... and at the start of a line: headings, subtext, quotes and lists.
_LINE_START = re.compile(r"^(\s*)(#{1,3}\s|-#\s|>|[-+]\s)|^(\s*\d+)(\.\s)")
_ESCAPED = re.compile(r"\\([^A-Za-z0-9\s])")
_ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")
# Mentions, channels, emoji and timestamps, which a cut must not split.
_TOKEN = re.compile(r"<[^\s<>]{1,100}>")
# What rendering adds to someone's words: a zero-width space keeps "@everyone" inert, an
# isolate holds right-to-left words (rules.bidi).
_ADDED = re.compile(f"[\u200b{FSI}{PDI}]")
_LONG_ANSWER = N_("The answer is long, so it is in the attached file.")


def say(msgid: str, lang: str, **params: object) -> str:
    """One message of our own (a button label, a form's title) in `lang`."""
    return render(Say.of(msgid, **params), lang)


class Renderer:
    """Renders the engine's text for one guild and language."""

    def __init__(
        self, guild: discord.Guild | None, lang: str, client: discord.Client | None = None
    ) -> None:
        self.guild = guild
        self.lang = lang
        self.client = client

    def __call__(self, text: Text) -> str:
        return render(text, self.lang, name_of=self.name_of, quote=self.quote, moment=self.moment)

    @staticmethod
    def moment(moment: Moment, named: str) -> str:
        """On each reader's own clock (Discord's timestamp markup), with its day when it
        is another."""
        return f"<t:{int(moment.at.timestamp())}:{'t' if moment.days_later == 0 else 'f'}>"

    def name_of(self, user: str) -> str:
        """A display name; free text (an owner that is a role) as written. Never a mention."""
        if not user.isdigit():
            return escape_mentions(escape_markdown(user))
        member = self.guild.get_member(int(user)) if self.guild else None
        found = member or (self.client.get_user(int(user)) if self.client else None)
        if found is None:
            return gettext(N_("someone"), self.lang)
        return escape_mentions(escape_markdown(found.display_name))

    def role_name(self, role: str) -> str:
        found = self.guild.get_role(int(role)) if self.guild else None
        return escape_markdown(found.name) if found else gettext(N_("a role"), self.lang)

    def quote(self, text: str) -> str:
        return quote_text(text, name_of=self.name_of, role_name=self.role_name)


def quote_text(text: str, *, name_of, role_name) -> str:
    """Someone's words on one line, mentions shown as plain @names, @everyone/@here inert,
    and their markdown shown as typed rather than rendered."""
    text = escape_markdown(" ".join(text.split()))
    # Names come escaped already.
    text = _USER_MENTION.sub(lambda m: "@" + name_of(m[1]), text)
    text = _ROLE_MENTION.sub(lambda m: "@" + role_name(m[1]), text)
    return escape_mentions(text)


def escape_markdown(text: str) -> str:
    """Text that shows as typed: a backslash before each markdown character (Discord
    hides it), links left whole but for what `_IN_LINK` names."""
    shown: list[str] = []
    start = 0
    for url in _links(text):
        shown += [_INLINE.sub(r"\\\g<0>", text[start : url.start()])]
        shown += [_IN_LINK.sub(r"\\\g<0>", url[0])]
        start = url.end()
    shown.append(_INLINE.sub(r"\\\g<0>", text[start:]))
    return _LINE_START.sub(_escape_line_start, "".join(shown))


def _links(text: str) -> Iterator[re.Match[str]]:
    """The links in `text`, each ending no later than Discord ends it: at the first
    invisible character (a control, format or space character). Discord's link rule is
    ours read by JavaScript, whose \\s takes U+FEFF that Python's does not; were a link
    to run on past where Discord ends it, what follows would go unescaped ("[label](url)"
    right after it a masked link)."""
    start = 0
    while (found := _URL.search(text, start)) is not None:
        visible = next(
            (i for i, c in enumerate(found[0]) if unicodedata.category(c)[0] in "CZ"),
            len(found[0]),
        )
        link = _URL.match(text, found.start(), found.start() + visible)
        if link is not None:
            yield link
        start = link.end() if link is not None else found.start() + 1


def _line_start_shown(rest: str) -> str:
    """The rest of a line cut in two, which opens a piece of its own (after "> "): a
    "# ", "-# ", "> " or list mark that stood inside someone's words would there make a
    heading, subtext, a quote or a list of the bot's."""
    return _LINE_START.sub(_escape_line_start, rest)


def _escape_line_start(match: re.Match[str]) -> str:
    if match[2] is not None:
        return f"{match[1]}\\{match[2]}"
    return f"{match[3]}\\{match[4]}"


def unescape_markdown(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def as_typed(text: str) -> str:
    """Text of a message the bot rendered, people's words in it as they typed them: the
    backslashes and invisible marks `quote_text` added go."""
    return unescape_markdown(_ADDED.sub("", text))


def first_quote(text: str) -> str | None:
    """The first quoted line of a message the bot rendered (the proposal of a round), as
    its author typed it."""
    for line in text.splitlines():
        if line.startswith("> "):
            return as_typed(line.removeprefix("> "))
    return None


def channel_mention(channel: str) -> str:
    """A table's channel, as a DM away from it names it: a mention, which pings nobody."""
    return f"<#{int(channel)}>"


def jump_url(guild: int, channel: int, message: int) -> str:
    return f"https://discord.com/channels/{guild}/{channel}/{message}"


@dataclass
class Outgoing:
    """One message to send: text, or an embed for longer text, or a file."""

    content: str | None = None
    embed: discord.Embed | None = None
    file_text: str | None = None
    file_name: str = "groundrules.txt"

    def kwargs(self) -> dict[str, object]:
        found: dict[str, object] = {}
        if self.content is not None:
            found["content"] = self.content
        if self.embed is not None:
            found["embed"] = self.embed
        if self.file_text is not None:
            data = io.BytesIO(self.file_text.encode())
            found["file"] = discord.File(data, filename=self.file_name)
        return found

    def edit_kwargs(self) -> dict[str, object]:
        """For an edit: what is not given is cleared (text may have become an embed)."""
        return {"content": self.content, "embed": self.embed}

    def kept(self) -> dict[str, object]:
        """As a retry reads it back (bot.sent_steps): `from_kept`."""
        embed = None if self.embed is None else self.embed.to_dict()
        return {"content": self.content, "embed": embed, "file_text": self.file_text,
                "file_name": self.file_name}  # fmt: skip

    @classmethod
    def from_kept(cls, kept: object) -> Outgoing:
        fields = dict(kept)  # type: ignore[call-overload]
        if fields["embed"] is not None:
            fields["embed"] = discord.Embed.from_dict(fields["embed"])
        return cls(**fields)


def headline(text: str) -> tuple[str, str]:
    """A long text's first line, for a message's content, and what goes in its embed:
    an embed alone shows nothing in a notification or the channel list, and a screen
    reader meets it untitled. A first line too long for a headline is cut between words
    (with "…") and the embed keeps the whole text."""
    first, _, rest = text.partition("\n")
    if len(first) <= HEADLINE_LIMIT and rest.strip():
        return first, rest
    cut = first.rfind(" ", 0, HEADLINE_LIMIT)
    shown = first[: cut if cut > HEADLINE_LIMIT // 2 else HEADLINE_LIMIT - 1]
    # An isolate it cuts is closed after the "…", within the limit (rules.bidi).
    return closed(shown[: len(shown) - open_isolates(shown)] + "…"), text


def one_message(text: str) -> Outgoing:
    """For messages that must stay one (they carry buttons or are edited later); past
    Discord's limit, a headline and an embed."""
    if len(text) <= MESSAGE_LIMIT:
        return Outgoing(content=text)
    content, rest = headline(text)
    return Outgoing(content=content, embed=discord.Embed(description=clip(rest, EMBED_LIMIT)))


def naming_fewer(text_naming: Callable[[int | None], str], names: int) -> Outgoing:
    """One message that names people (those a round waits for): when naming all `names`
    is too long for it, as many whole names as fit, then how many more, rather than a
    list cut off mid-name. `text_naming(n)`: the text naming n of them, None for all."""
    text = text_naming(None)
    if len(text) <= EMBED_LIMIT:
        return one_message(text)
    fits, too_many = 0, names  # naming none is assumed to fit (one_message clips if not)
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if len(text_naming(middle)) <= EMBED_LIMIT:
            fits = middle
        else:
            too_many = middle
    return one_message(text_naming(fits))


def long_post(text: str, lang: str) -> list[Outgoing]:
    """A post that must lose nothing and whose first message carries the buttons (and
    the quote they read): text, or embeds split between lines. Like the first, each later
    one has content, what a notification shows: its heading (`continued`)."""
    if len(text) <= MESSAGE_LIMIT:
        return [Outgoing(content=text)]
    content, rest = headline(text)
    posts = [Outgoing(embed=discord.Embed(description=part)) for part in chunks(rest, EMBED_LIMIT)]
    posts[0].content = content
    for post in posts[1:]:
        post.content = continued(text, lang)
    return posts


def continued(text: str, lang: str) -> str:
    """The heading of the messages after the first of a long `text` (rendered already, so
    its opening line goes in as it is): "(continued)" and that line."""
    title = title_of(text, _piece_end)
    if title is None:
        return render(Say.of(CONTINUED_UNTITLED), lang)
    return render(Say.of(CONTINUED, title=title), lang)


def paged(text: str, lang: str) -> list[str]:
    """`text` in pieces of one message each; every piece after the first opens with its
    heading (`continued`), and with it stays within Discord's limit."""
    parts = chunks(text)
    if len(parts) < 2:
        return parts
    heading = continued(text, lang)
    first, *rest = chunks(text, MESSAGE_LIMIT - len(heading) - 1)
    return [first, *(f"{heading}\n{part}" for part in rest)]


def ping_groups(users: Sequence[int]) -> list[list[int]]:
    """Those to ping, in groups that each fit one message: Discord lets a message allow
    at most MENTIONS_LIMIT pings, and the mentions must fit its content."""
    groups: list[list[int]] = []
    length = 0
    for user in users:
        mention = len(f"<@{user}>")
        if groups and len(groups[-1]) < MENTIONS_LIMIT and length + 1 + mention <= MESSAGE_LIMIT:
            groups[-1].append(user)
            length += 1 + mention
        else:
            groups.append([user])
            length = mention
    return groups


def with_pings(mentions: list[str], text: str) -> Outgoing:
    """Text that pings (`mentions`, one of `ping_groups`): the mentions stay in the
    content, where they ping (a mention in an embed does not); text too long to share
    the message with them moves to an embed."""
    pings = " ".join(mentions)
    if len(pings) + 1 + len(text) <= MESSAGE_LIMIT:
        return Outgoing(content=f"{pings}\n{text}" if pings else text)
    first, rest = headline(text)
    if len(pings) + 1 + len(first) > MESSAGE_LIMIT:  # the pings come first: they must ping
        first, rest = "", text
    content = "\n".join(part for part in (pings, first) if part)
    embed = discord.Embed(description=clip(rest, EMBED_LIMIT))
    return Outgoing(content=content or None, embed=embed)


def pieces(text: str, lang: str) -> list[Outgoing]:
    """Answers and announcements: split on lines (`paged`); very long ones as a file."""
    parts = paged(text, lang)
    if len(parts) <= MAX_PIECES:
        return [Outgoing(content=part) for part in parts]
    return [Outgoing(content=render(Say.of(_LONG_ANSWER), lang), file_text=text)]


def with_file(text: str, file_text: str, file_name: str, lang: str) -> list[Outgoing]:
    """Text split under the limit, the file attached to its last piece; very long text
    leaves only the file."""
    parts = paged(text, lang)
    if len(parts) > MAX_PIECES:
        parts = [render(Say.of(_LONG_ANSWER), lang)]
    messages = [Outgoing(content=part) for part in parts]
    messages[-1].file_text, messages[-1].file_name = file_text, file_name
    return messages


def markdown(text: Text, render_one: Callable[[Text], str]) -> str:
    """A report as Markdown: its first line the title, lines that introduce a list (no
    parameters, ending in a colon) headings, the rest list items."""
    parts = text.parts if isinstance(text, Lines) else (text,)
    lines: list[str] = []
    for index, part in enumerate(parts):
        shown = render_one(part).strip()
        if not shown:
            continue
        if index == 0:
            lines += [f"# {shown}", ""]
        elif isinstance(part, Say) and not part.params and part.msgid.endswith(":"):
            lines += ["", f"## {shown}", ""] if lines[-1:] != [""] else [f"## {shown}", ""]
        else:
            lines += [f"- {line}" for line in shown.splitlines()]
    return "\n".join(lines).strip() + "\n"


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut between lines where a line allows it;
    a longer line goes on quoted (adapters.long_lines)."""
    parts: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        *whole, line = cut_line(line, limit, _piece_end, _line_start_shown)
        if whole:
            if current is not None:
                parts.append(current)
                current = None
            parts += whole
        if current is None:
            current = line
        elif len(current) + 1 + len(line) <= limit:
            current += "\n" + line
        else:
            parts.append(current)
            current = line
    if current is not None:
        parts.append(current)
    # Discord refuses empty messages.
    return [part for part in parts if part.strip()] or [text[:limit]]


def _piece_end(line: str, room: int) -> int:
    """Where a piece of a long line ends: between words where it can, and never inside a
    mention, channel or emoji ("<#1…>") nor between an escape and what it escapes."""
    end = room
    space = line.rfind(" ", 0, end)
    if space > room // 2:
        end = space
    opening = line.rfind("<", 0, end)
    token = _TOKEN.match(line, opening) if opening > 0 else None
    if token is not None and token.end() > end:
        end = opening
    escapes = len(line[:end]) - len(line[:end].rstrip("\\"))
    return end - 1 if escapes % 2 else end


def clip(text: str, limit: int) -> str:
    """The start of `text` and "…"; an isolate it cuts is closed (rules.bidi)."""
    if len(text) <= limit:
        return text
    start = text[: limit - 1]
    return closed(start[: limit - 1 - open_isolates(start)] + "…")
