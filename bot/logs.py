"""Logging set-up with the standard library; secrets never reach a log line."""

from __future__ import annotations

import logging
import re

# Slack (xoxb-, xoxp-, xapp-, xoxe-) and Discord bot tokens, and bearer headers.
_SECRET = re.compile(
    r"(xox[abposre]-[\w-]+|xapp-[\w-]+|[MN][\w-]{23,25}\.[\w-]{6}\.[\w-]{27,38}"
    r"|Bearer\s+[\w.-]+|Bot\s+[\w.-]{30,})"
)


def redact_secrets(text: str) -> str:
    return _SECRET.sub("[redacted]", text)


class RedactingFilter(logging.Filter):
    """Rewrites every record's message, so no library can log a token by accident."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
