"""Discord's documented message limits, as the stand-in enforces them.

Discord refuses a message past these limits with 400 and code 50035 ("Invalid Form
Body", the offending field named in `errors`), and nobody sees it; the stand-in refuses
the same, so a test catches a message that would never arrive. Sources:
discord.com/developers/docs/resources/message (create message: content; allowed
mentions: users and roles, "max 100", and `parse` excluding the same list) and
.../resources/message#embed-object-embed-limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONTENT = 2000
ALLOWED_MENTIONS = 100  # ids in allowed_mentions.users, and in .roles
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBEDS_TOTAL = 6000  # all of a message's embeds' texts together

Errors = dict[str, Any]


def _too_long(errors: Errors, path: tuple[str, ...], length: int, limit: int) -> None:
    if length > limit:
        _add(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _add(errors: Errors, path: tuple[str, ...], code: str, message: str) -> None:
    """Discord's shape: {"field": {"0": {"sub": {"_errors": [{code, message}]}}}}."""
    node = errors
    for key in path:
        node = node.setdefault(key, {})
    node.setdefault("_errors", []).append({"code": code, "message": message})


def _text(node: Any, key: str) -> str:
    return str(node.get(key) or "") if isinstance(node, Mapping) else ""


def _embed(errors: Errors, path: tuple[str, ...], embed: Mapping[str, Any]) -> int:
    """Checks one embed; returns how many characters it counts toward EMBEDS_TOTAL."""
    title, description = _text(embed, "title"), _text(embed, "description")
    footer, author = _text(embed.get("footer"), "text"), _text(embed.get("author"), "name")
    _too_long(errors, (*path, "title"), len(title), EMBED_TITLE)
    _too_long(errors, (*path, "description"), len(description), EMBED_DESCRIPTION)
    _too_long(errors, (*path, "footer", "text"), len(footer), EMBED_FOOTER)
    _too_long(errors, (*path, "author", "name"), len(author), EMBED_AUTHOR)
    fields = list(embed.get("fields") or [])
    _too_long(errors, (*path, "fields"), len(fields), EMBED_FIELDS)
    total = len(title) + len(description) + len(footer) + len(author)
    for index, field in enumerate(fields):
        name, value = _text(field, "name"), _text(field, "value")
        _too_long(errors, (*path, "fields", str(index), "name"), len(name), EMBED_FIELD_NAME)
        _too_long(errors, (*path, "fields", str(index), "value"), len(value), EMBED_FIELD_VALUE)
        total += len(name) + len(value)
    return total


def message_errors(payload: Any) -> Errors | None:
    """Why Discord would refuse a message with this body (its `errors`), or None."""
    if not isinstance(payload, Mapping):
        return None
    errors: Errors = {}
    _too_long(errors, ("content",), len(_text(payload, "content")), CONTENT)
    embeds = list(payload.get("embeds") or [])
    _too_long(errors, ("embeds",), len(embeds), EMBEDS)
    total = sum(
        _embed(errors, ("embeds", str(index)), embed)
        for index, embed in enumerate(embeds)
        if isinstance(embed, Mapping)
    )
    if total > EMBEDS_TOTAL:
        _add(errors, ("embeds",), "MAX_EMBED_SIZE_EXCEEDED",
             f"Embed size exceeds maximum size of {EMBEDS_TOTAL}")  # fmt: skip
    mentions = payload.get("allowed_mentions")
    if isinstance(mentions, Mapping):
        parse = list(mentions.get("parse") or [])
        for kind in ("users", "roles"):
            listed = mentions.get(kind)
            if listed is None:
                continue
            _too_long(errors, ("allowed_mentions", kind), len(listed), ALLOWED_MENTIONS)
            if kind in parse:
                _add(errors, ("allowed_mentions",), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                     f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.')  # fmt: skip
    return errors or None
