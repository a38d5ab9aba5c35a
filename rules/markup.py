"""Platform markup in people's words: what a message points at or decorates itself
with, not what it says. Language is told, and subjects are compared, by the words
left once it is taken out."""

from __future__ import annotations

import re

# A mention (<@U01ABCDEF>, Discord's <@!…>), a channel or group (<#C…|name>, <!here>,
# Discord's <@&…> and <#…>).
_MENTION_FORM = r"<[@#!][^>]*>"
_MENTION = re.compile(_MENTION_FORM)
# All of those, a custom emoji (<:name:id>, animated <a:name:id>) or a timestamp
# (<t:1767225600:R>), Discord's.
REFERENCE = re.compile(rf"{_MENTION_FORM}|<(?:a?:\w+:|t:)[^>]*>")
# A link and its label, and a plain URL.
_LINK = re.compile(r"<(?:https?:|mailto:)[^>]*>|https?://\S+")
# A name typed with @ ("@ben", "@everyone", the console's mention, or one not picked
# from Discord's list); an e-mail address ("ben@example.nl") keeps its words.
_TYPED_NAME = re.compile(r"(?<![\w.])@[\w.\-]+")
# Slack writes emoji as shortcodes (":tada:", ":+1:", ":skin-tone-2:"). One letter or
# "+" at least, so a time ("10:30:45") is not one.
_SHORTCODE_FORM = r":(?=[\w+-]*[a-z+])[a-z0-9_+-]+:"
_SHORTCODE = re.compile(_SHORTCODE_FORM)
_ENDS_IN_SHORTCODE = re.compile(rf"{_SHORTCODE_FORM}\Z")
# A fenced block runs to its closing fence, or to the end if it has none.
CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]+`")


def without_markup(text: str) -> str:
    """`text` with mentions, channels, links, emoji codes and timestamps blanked out."""
    if "<" in text or "://" in text:  # only where its mark is present: most have none
        text = _LINK.sub(" ", text)  # first: a link may hold an "@" or a ":"
    return without_references(text)


def without_references(text: str) -> str:
    """`text` with mentions, channels, emoji codes and timestamps blanked out; its links
    stay (a link may be what someone proposes)."""
    if "<" in text:
        text = REFERENCE.sub(" ", text)
    if "@" in text:
        text = _TYPED_NAME.sub(" ", text)
    if ":" in text:
        text = _SHORTCODE.sub(" ", text)
    return text


def without_mentions(text: str) -> str:
    """`text` with the people, groups and channels it names blanked out ("<@U1>",
    "@anna", "<!here>", "<#C1|ops>"); its emoji and links stay."""
    if "<" in text:
        text = _MENTION.sub(" ", text)
    if "@" in text:
        text = _TYPED_NAME.sub(" ", text)
    return text


def ends_in_emoji_code(text: str) -> bool:
    """Whether `text` ends in a whole emoji code ("Pizza :tada:"): its last colon closes
    the code, and is no punctuation of the sentence ("Pizza on Friday:")."""
    # Its tail only: a code is a short name, and a long text is not searched through.
    return text.endswith(":") and _ENDS_IN_SHORTCODE.search(text[-_LONGEST_CODE:]) is not None


_LONGEST_CODE = 100  # characters: Slack's emoji names are at most 100 long


def without_code(text: str) -> str:
    """`text` with code blocks and inline code blanked out: commands, paths and logs
    pasted, not the writer's sentence."""
    if "`" in text:
        text = INLINE_CODE.sub(" ", CODE_BLOCK.sub(" ", text))
    return text
