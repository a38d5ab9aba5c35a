"""A Socket Mode start that Slack refuses for its app-level token ends the process with
one line that says what to do, as a Discord token Discord refuses does: slack_sdk would
ask again every 10 seconds for ever, logging a traceback each time."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from adapters.slack.outbound import TOKEN_ERRORS, error_of

# apps.connections.open's answers to a token that cannot open Socket Mode: one Slack does
# not know, revoked or expired, not an app-level one, or one without connections:write.
APP_TOKEN_ERRORS = TOKEN_ERRORS | {"token_expired", "not_allowed_token_type", "missing_scope"}

APP_TOKEN_REFUSED = (
    "groundrules: SLACK_APP_TOKEN: Slack refused the token ({error}); copy the app-level "
    "token (xapp-…) with the connections:write scope from your app's page at "
    "api.slack.com/apps (Basic Information -> App-Level Tokens), and start again."
)


class SlackStartError(SystemExit):
    """Slack will not let the bot in; the message says what to change. Exits with 1."""


def app_token_refused(error: SlackApiError) -> SlackStartError | None:
    """The one-line exit for an app-level token Slack refused, or None for any other
    error (one slack_sdk rightly tries again: ratelimited, internal_error)."""
    refused = error_of(error)
    if refused not in APP_TOKEN_ERRORS:
        return None
    return SlackStartError(APP_TOKEN_REFUSED.format(error=refused))
