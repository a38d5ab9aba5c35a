"""Slack: Bolt for Python in front of the shared engine (issue 5).

`groundrules run slack` calls `build_adapter(settings)`. Inbound payloads become neutral
events in `translate`, outbound actions become Block Kit in `blocks`, the Web API calls
are in `outbound`; `listeners` wires them to Bolt and `adapter` runs it all.
"""

from adapters.slack.adapter import BOT_SCOPES, SlackAdapter, build_adapter

__all__ = ["BOT_SCOPES", "SlackAdapter", "build_adapter"]
