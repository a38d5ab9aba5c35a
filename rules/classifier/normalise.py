"""Chat text to what the trained model reads: the writer's own words, markup undone.

The model weighs words, so whatever is not the writer's own words outweighs them:
- a pasted log or traceback buries the one sentence about it ("since 5.2 login
  fails"), so code blocks are left out (inline code becomes one word);
- a quoted proposal is not the replier's, so quoted lines, an e-mail's quoted
  original ("On Tue, Anna wrote:", "Op di 3 mrt schreef Anna:") and a signature
  after "-- " are left out (the corpus labels a reply by its own words);
- a message's frame is not its words: an e-mail's or a forum post's greeting line
  ("Hi all,", "Beste collega's,"), its sign-off ("Kind regards," or "Groetjes, Sanne"
  and a few short lines after it: a name, a role) and a reply's or a forward's title
  line ("Re: Friday rota", "Onderwerp: Antw: planning": the thread's words) are left
  out; a title of the writer's own keeps its words, not its "Subject:". Only whole
  lines at the ends of a message of several lines, and never all it says: one line
  ("Thanks, Anna", "Beste plan tot nu toe") is read whole;
- struck-out text is taken back by its writer, so it is left out;
- names of links and people carry no label and would be memorised, so links and
  mentions become one word each, and the people a message is addressed to at its
  start ("@anna lgtm") are left out; a markdown link keeps its text, an image goes;
- every digit reads as 0: "still broken on 2.4.1" and "on 3.0.2", "£2,300 over" and
  "£1,100 over" are the same kind of message, and the numbers would be memorised.
All of this happens before the message is cut to its first characters
(`rule_based.prepare`), so words after a long paste are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from rules.classifier.rule_based import prepare
from rules.markup import CODE_BLOCK, INLINE_CODE, REFERENCE

# Placeholders survive spaCy's tokenizer as one token each.
URL, USER, CODE = "xxurl", "xxuser", "xxcode"

# Quoted lines (e-mail, forums, Slack's "&gt;" once unescaped); Discord's ">>> " quotes
# the rest of the message.
_QUOTED = re.compile(r"^[ \t]*>>>[ \t][\s\S]*|(?:^[ \t]*>.*(?:\n|\Z))+", re.MULTILINE)
# The line a mail client puts above the original it quotes.
_REPLY_HEADER = re.compile(
    r"^[ \t]*(?:On\b[^\n]{0,200}\bwrote:|Op\b[^\n]{0,200}\bschreef[^\n]{0,100}:"
    r"|-{2,}\s*(?:Original Message|Oorspronkelijk bericht|Origineel bericht)\s*-{2,})[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^-- ?$[\s\S]*", re.MULTILINE)
# A message's frame (`_without_frame`): a title line, a greeting line, a closing line,
# each matched against one short line only, never the whole message. A reply's or a
# forward's title ("Re: Friday rota") is the thread's, not the writer's: it goes. A
# title of their own ("Subject: Lift out of order") is their words: its header goes.
# "Re:" as mail clients and forums write it ("re: the rota" in chat may be the words).
_HEADER = r"(?:Subject|SUBJECT|Title|Onderwerp|Betreft|Titel)[ \t]*:"
_LIST_TAG = r"\[[^\[\]\n]{1,40}\]"  # a mailing list's "[Tenants]"
_REPLY_TITLE = re.compile(
    rf"(?:{_HEADER}[ \t]*)?(?:{_LIST_TAG}[ \t]*)?"
    r"(?:(?:Re|RE|Fwd|FWD|Fw|FW|Antw|ANTW|Doorst|DOORST)[ \t]*:[ \t]*)+\S.*"
)
_TITLE_HEADER = re.compile(rf"[ \t]*{_HEADER}")  # "[VOTE]", "[RESULT]" after it stay
_GREETING = re.compile(
    r"(?:hi|hello|hey|hiya|dear|greetings|(?:good[ \t]+)?(?:morning|afternoon|evening)"
    r"|hoi|hallo|hai|hee|beste|geachte|lieve|dag|goede(?:morgen|middag|navond)|goeiemorgen)"
    r"\b(?P<to>.*)",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"(?:(?:many )?thanks(?: again| in advance)?|thank you(?: so much| very much)?|thx|cheers"
    r"|best|all the best|best wishes|(?:kind |best |warm |warmest )?regards|(?:yours )?sincerely"
    r"|take care|talk soon|speak soon|(?:met )?(?:vriendelijke |hartelijke )?groet(?:en|jes)?"
    r"|mvg|m\.v\.g\.|gr|grt|vg|dank(?: je| jullie)?(?: wel)?|(?:alvast )?bedankt|alvast dank"
    r"|liefs|tot (?:snel|straks|zo))\b(?P<to>.*)",
    re.IGNORECASE,
)
# Whom a greeting or a closing may name, besides people by name: "Hi all", "Dear Sir or
# Madam", "Beste collega's", "Groetjes allemaal".
_ADDRESSED = frozenset({
    "all", "everyone", "everybody", "team", "folks", "guys", "people", "colleagues",
    "there", "both", "friends", "members", "neighbours", "neighbors", "sir", "madam",
    "ladies", "gentlemen", "and", "or",
    "allemaal", "allen", "iedereen", "collega's", "collega’s", "jongens", "mensen",
    "leden", "buren", "beiden", "heer", "mevrouw", "dames", "heren", "en", "of", "van",
    "de", "der", "den",
})  # fmt: skip
_ADDRESS_WORD = re.compile(r"[^\s,/&]+")
_ROLE = re.compile(r"\([^()]*\)")  # "Groet, Karin (penningmeester)"
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# A frame line is short; the lines after a closing (a name, a role, an organisation) too.
FRAME_LINE_CHARS, SIGNED_LINE_CHARS, SIGNED_LINES = 80, 40, 3
# What a message must keep for its frame to be taken: a word, not only links or mentions.
_NOT_WORDS = re.compile(r"<[^<>\n]*>|https?://\S+|www\.\S+|@[\w.-]+")
_STRUCK = re.compile(r"~~[^~\n]+~~|(?<![\w~])~(?=\S)[^~\n]+(?<=\S)~(?![\w~])")
# No part may run past the next bracket: these run on the whole message, and a
# 100 kB paste of "[a](b" must not cost a scan to its end from every bracket.
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\s]*\)")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\s]*\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_LEADING_MENTIONS = re.compile(r"^(?:@[\w][\w.-]*[,:]?\s+)+")
_MENTION = re.compile(r"(?<![\w@])@[\w][\w.-]*")
# "/lgtm /approve" at the start of a line: command words, read as the words.
_COMMANDS = re.compile(r"^[ \t]*(?:/[a-z][a-z-]*(?:[ \t]+|$))+", re.MULTILINE)
# Slack writes emoji as :shortcodes:, Discord and phones as characters; the corpus has
# both. The few that carry a label (consent, thanks, celebration) are unified.
_SHORTCODES = {
    "+1": "👍",
    "thumbsup": "👍",
    "-1": "👎",
    "thumbsdown": "👎",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔",
    "ok_hand": "👌",
    "pray": "🙏",
    "tada": "🎉",
    "raised_hands": "🙌",
    "clap": "👏",
    "heart": "❤",
    "muscle": "💪",
    "eyes": "👀",
}
_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")
# Slack's mentions of many: <!here>, <!channel>, <!everyone>, a group's <!subteam^S1|@eng>.
_EVERYONE = re.compile(r"<!(?:(here|channel|everyone)\b|subteam\^[^|>]*\|@?([^>]+)>)")
_DIGIT = re.compile(r"\d")
# What `own_words` may take away (code, quotes, struck text, links, mentions, a mail's
# quoted original or signature): a text without any of it is its own words as it is.
_MAY_TAKE_AWAY = re.compile(r"[`>~<@\[:]|--|www\.")
# A letter, a digit, or an emoji (anything beyond ASCII that is no space): not only
# punctuation.
_WORD_CHARACTER = re.compile(r"[^\W_]|[^\x00-\x7f\s]")


def normalise(text: str) -> str:
    """What the model reads: the writer's own words, every digit read as 0."""
    return _DIGIT.sub("0", own_words(text))


def own_words(text: str) -> str:
    """The writer's own words, markup undone (numbers as written)."""
    # Each rewrite only where its mark is present: most messages have none.
    if "`" in text:
        text = INLINE_CODE.sub(f" {CODE} ", CODE_BLOCK.sub(" ", text))
    if ":" in text or "--" in text:
        text = _without_quoted_original(text)
    if ">" in text:
        text = _QUOTED.sub(" ", text)
    if "\n--" in text or text.startswith("--"):
        text = _SIGNATURE.sub(" ", text)
    if "\n" in text:
        text = _without_frame(text)
    if "~" in text:
        text = _STRUCK.sub(" ", text)
    if "](" in text:
        text = _LINK.sub(r"\1", _IMAGE.sub(" ", text))
    if "/" in text:
        text = _COMMANDS.sub(lambda m: m.group(0).replace("/", " "), text)
    if "<" in text:
        text = REFERENCE.sub(_as_slack_writes_it, text)
    text = prepare(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if "http" in text or "www." in text:
        text = _URL.sub(f" {URL} ", text)
    if "@" in text:
        text = _MENTION.sub(f" {USER} ", _LEADING_MENTIONS.sub("", text))
    if ":" in text:
        text = _SHORTCODE.sub(lambda m: _SHORTCODES.get(m.group(1), m.group(0)), text)
    return " ".join(text.split())


def has_own_words(text: str) -> bool:
    """Whether a message says anything in words of its own: not one without text (an
    image, a sticker, a file, a poll, a forwarded message), nor one of only links (a
    GIF), mentions, channels, Discord's own emoji and timestamps, pasted code or quoted
    lines."""
    if _MAY_TAKE_AWAY.search(text) is None:  # most messages: no markup to undo
        return _WORD_CHARACTER.search(text) is not None
    if "<" in text:
        text = REFERENCE.sub(" ", text)
    return any(
        token not in (URL, USER) and _WORD_CHARACTER.search(token)
        for token in own_words(text).split()
    )


def _as_slack_writes_it(reference: re.Match[str]) -> str:
    """A mention as `prepare` and `_MENTION` read a person's: Discord's <@!id> and a
    role's <@&id>, Slack's <!here> and a group's <!subteam^…|@eng>. A custom emoji as
    its code (":name:"), a timestamp as nothing; channels and the rest as they are."""
    written = reference.group()
    if written.startswith(("<@!", "<@&")):
        return "<@" + written[3:]
    if (everyone := _EVERYONE.match(written)) is not None:
        return f" @{everyone.group(1) or everyone.group(2)} "
    if written.startswith(("<:", "<a:")):
        return " :" + written.split(":")[1] + ": "
    if written.startswith("<t:"):
        return " "
    return written


def _without_quoted_original(text: str) -> str:
    """Everything after a mail client's reply header is the quoted original, unless it
    is quoted line by line: then only the header goes (the quote goes with the other
    quoted lines), since the reply may follow it."""
    header = _REPLY_HEADER.search(text)
    if header is None:
        return text
    rest = text[header.end() :]
    if rest.lstrip().startswith(">"):
        return text[: header.start()] + rest
    return text[: header.start()]


def _without_frame(text: str) -> str:
    """A message of several lines without its frame: a title line ("Re: Friday rota",
    "Onderwerp: planning") and a greeting line ("Hi all,", "Beste collega's,") at its
    start, a closing line ("Kind regards,", "Groetjes, Sanne") with at most a few short
    lines after it (a name, a role) at its end. Only whole lines, only at the ends, and
    never all of what it says."""
    whole = text.strip()
    body = _without_first_line(whole, _is_reply_title)
    if body is whole and (header := _TITLE_HEADER.match(whole)) is not None:
        body = whole[header.end() :]
    body = _without_first_line(body, _is_greeting)
    body = _without_closing(body)
    if body == whole or not _LETTER_OR_DIGIT.search(_NOT_WORDS.sub(" ", body)):
        return text
    return body


def _without_first_line(text: str, is_frame: Callable[[str], bool]) -> str:
    first, newline, rest = text.partition("\n")
    return rest.lstrip() if newline and is_frame(first) else text


def _without_closing(text: str) -> str:
    """The text without a closing line and the short lines after it, if it ends so."""
    lines = text.rsplit("\n", SIGNED_LINES + 3)  # blank lines between them too
    for at in range(1, len(lines)):
        after = [line for line in lines[at + 1 :] if line.strip()]
        if (
            len(after) <= SIGNED_LINES
            and all(map(_is_signed_line, after))
            and _is_greeting(lines[at], _CLOSING)
        ):
            return "\n".join(lines[:at])
    return text


def _is_reply_title(line: str) -> bool:
    return len(line) <= FRAME_LINE_CHARS and _REPLY_TITLE.fullmatch(line.strip()) is not None


def _is_greeting(line: str, pattern: re.Pattern[str] = _GREETING) -> bool:
    """Whether the line is only a greeting (or a closing) and whom it names: people,
    mentions, "all", "team", maybe a role in brackets (not "Beste plan tot nu toe",
    "Thanks for the fix")."""
    found = pattern.fullmatch(line.strip()) if len(line) <= FRAME_LINE_CHARS else None
    if found is None:
        return False
    named = _ADDRESS_WORD.findall(_ROLE.sub(" ", found.group("to")).rstrip(" \t,.!:"))
    return len(named) <= 4 and all(map(_is_addressee, named))


def _is_addressee(word: str) -> bool:
    return (
        word[0].isupper()
        or word.lower() in _ADDRESSED
        or word.startswith(("@", "<@"))
        or _LETTER_OR_DIGIT.search(word) is None  # an emoji, a dash
    )


def _is_signed_line(line: str) -> bool:
    """A line that may follow a closing: a name, a role, an organisation, not a question."""
    line = line.strip()
    return len(line) <= SIGNED_LINE_CHARS and not line.endswith("?")
