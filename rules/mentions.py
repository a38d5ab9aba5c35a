"""Recognise member references as people type them on each platform."""

from __future__ import annotations

import re

# Slack <@U123> / <@U123|name>, Discord <@123> / <@!123>, console and transcripts @name.
_MENTION = re.compile(r"^<@!?([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$|^@([\w.\-]+)$")


# "@everyone", "@here", "@channel" typed as words (Discord sends them so, as the console
# does): everyone in a place, never one member.
_EVERYONE = frozenset({"everyone", "here", "channel"})


def member_reference(token: str) -> str | None:
    """The user id a mention token names, or None when the token is not a mention (nor
    "@everyone" or "@here", which name no one member)."""
    match = _MENTION.match(token.strip())
    if not match:
        return None
    if match.group(2) is not None and match.group(2).casefold() in _EVERYONE:
        return None
    return match.group(1) or match.group(2)


def names_everyone(token: str) -> bool:
    """Whether a token is "@everyone", "@here" or "@channel", or Slack's <!here> and the
    like: a mention of everyone in a place."""
    token = token.strip()
    if re.fullmatch(r"<!(?:here|channel|everyone)(?:\|[^>]*)?>", token):
        return True
    return token.startswith("@") and token[1:].casefold() in _EVERYONE


# A group named by mention: Discord <@&123> (a role), Slack <!subteam^S123|@name> or
# <!subteam^S123> (a user group). Where organisations are roles or groups, this names one.
_GROUP = re.compile(r"<@&\d+>|<!subteam\^\w+(?:\|([^>]*))?>")


def names_a_group(text: str) -> bool:
    return _GROUP.search(text) is not None


def group_reference(token: str) -> str | None:
    """The mention itself when the token is one group mention, else None."""
    token = token.strip()
    return token if _GROUP.fullmatch(token) else None


def group_name(mention: str) -> str | None:
    """The name a Slack user-group mention carries ("eng" in <!subteam^S1|@eng>); a
    Discord role mention carries none."""
    match = _GROUP.fullmatch(mention)
    return match[1].lstrip("@") if match and match[1] else None


def groups_by_name(text: str) -> str:
    """Slack user-group mentions as the @name they carry, which Slack shows as written
    (its markup would show as typed); Discord role mentions stay, as its renderer shows
    them by the role's current name. Neither pings when the bot echoes them."""
    return _GROUP.sub(lambda m: "@" + m[1].lstrip("@") if m[1] else m[0], text)
