"""Recognise member references as people type them on each platform."""

from __future__ import annotations

import re

# Slack <@U123> / <@U123|name>, Discord <@123> / <@!123>, console and transcripts @name.
_MENTION = re.compile(r"^<@!?([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$|^@([\w.\-]+)$")


def member_reference(token: str) -> str | None:
    """The user id a mention token names, or None when the token is not a mention."""
    match = _MENTION.match(token.strip())
    if not match:
        return None
    return match.group(1) or match.group(2)
