"""Logging set-up with the standard library; secrets never reach a log line."""

from __future__ import annotations

import logging
import re

# Slack (xoxb-, xoxp-, xapp-, xoxe-) and Discord bot tokens (the first part is the bot's
# id in base64: "M", "N" or "O" as the id starts with 1-3, 4-7 or 8-9), and bearer headers.
_SECRET = re.compile(
    r"(xox[abposre]-[\w-]+|xapp-[\w-]+|[MNO][\w-]{23,27}\.[\w-]{6}\.[\w-]{27,38}"
    r"|Bearer\s+[\w.-]+|Bot\s+[\w.-]{30,})"
)
# OAuth authorisation codes, client secrets and Socket Mode tickets (whoever holds the
# wss://…?ticket= URL can open the app's connection), known by the name before them: Bolt's
# "with code: <code>" when an install fails, a request's {'code': ['<code>']} or
# {'client_secret': '<secret>'} at DEBUG, and a redirect's ?code=<code> (URL-encoded too,
# %3Fcode%3D<code>, as a redirect's own query carries it). Discord's error
# codes ("error code: 50013", {"code": 50013}) are left alone, and so is "[redacted]"
# (the filter and the formatter both redact).
_NAMED_SECRET = re.compile(
    r"""(with code: |\\*['"](?:code|client_secret)\\*['"]:\s*\[?\s*\\*['"]"""
    r"""|(?:[?&]|%3[fF]|%26)(?:code|client_secret|ticket)(?:=|%3[dD])|\bclient_secret=)"""
    r"""[^\s'"\\&%,\[\]}]+"""
)
# URLs whose path holds a credential, at DEBUG in slack_sdk's and discord.py's requests
# and in the payloads they log: a Slack response_url (hooks.slack.com/actions/T…/…/<secret>,
# also /commands/: whoever holds it may post as the app for half an hour) and a Discord
# interaction's token (/interactions/<id>/<token>/callback, /webhooks/<app>/<token>/…:
# for 15 minutes it answers and follows up as the bot). The part after them goes.
# A slash as payloads write it: plain, escaped in JSON (\/, shown \\/ in a repr), or
# URL-encoded (%2F, %252F encoded twice).
_SLASH = r"(?:\\*/|%(?:25)*2[fF])"
_PART = r"[^/\\%\s'\"]+"
_SECRET_IN_PATH = re.compile(
    rf"({_SLASH}(?:actions|commands){_SLASH}{_PART}{_SLASH}{_PART}{_SLASH}"
    rf"|{_SLASH}(?:interactions|webhooks){_SLASH}\d+{_SLASH})"
    r"[^/\\%\s'\"?&,]+"
)
# A payload's own "token": a Discord interaction's, Slack's legacy verification token.
# Its quotes may be escaped, as in a JSON text shown in a log line.
_TOKEN_FIELD = re.compile(r"""(\\*['"]token\\*['"]:\s*\\*['"])[^'"\\]+""")
# Formats a record's traceback the way every standard formatter does.
_TRACEBACKS = logging.Formatter()


def redact_secrets(text: str) -> str:
    text = _NAMED_SECRET.sub(r"\1[redacted]", _SECRET.sub("[redacted]", text))
    return _TOKEN_FIELD.sub(r"\1[redacted]", _SECRET_IN_PATH.sub(r"\1[redacted]", text))


class RedactingFilter(logging.Filter):
    """Rewrites every record's message, traceback and stack, so no library can log a
    token by accident (an exception's text carries whatever the failed call held)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters print exc_text when it is set and format exc_info only when not.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_secrets(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the finished line too: whatever a handler adds to a record is covered."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_secrets(super().format(record))


def configure_logging(level: str = "INFO") -> None:
    """One handler on the root logger, so every library's records (aiohttp, slack_bolt,
    discord.py, SQLAlchemy) pass through the same redaction."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
