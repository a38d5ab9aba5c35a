"""The Slack app manifests (manifest.yml, manifest.socket-mode.yml), made from the code:
the shared command grammar, the shortcut and the scopes the adapter uses.

Regenerate both after changing any of them: `python -m adapters.slack.manifest`.
A test fails while the files in the repository differ from what this makes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from adapters.slack import ids
from adapters.slack.adapter import BOT_SCOPES
from adapters.slack.config import EVENTS_PATH
from rules.grammar import COMMANDS

# Replace with the bot's public address when creating the app (HTTP mode).
PUBLIC_URL = "https://groundrules.example.org"
BOT_EVENTS = (
    "app_home_opened",
    "app_mention",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
)
FILES = {False: "manifest.yml", True: "manifest.socket-mode.yml"}
HEADER = """\
# Slack app manifest for Groundrules ({mode}). Create the app at
# https://api.slack.com/apps -> Create New App -> From a manifest, and paste this file.
# Made by `python -m adapters.slack.manifest` from the command grammar; do not edit by hand.
"""


def usage_hint(name: str, usage: str) -> str:
    """ "/agree <what> because <why>" -> "<what> because <why>" (Slack shows the name)."""
    return usage.replace(f"/{name} ", "").replace(f"/{name}", "").strip()


def manifest(*, socket_mode: bool, public_url: str = PUBLIC_URL) -> dict[str, Any]:
    events_url = public_url + EVENTS_PATH
    commands = []
    for spec in COMMANDS:
        command: dict[str, Any] = {"command": f"/{spec.name}"}
        if not socket_mode:
            command["url"] = events_url
        command["description"] = spec.summary
        hint = usage_hint(spec.name, spec.usage)
        if hint:
            command["usage_hint"] = hint
        # Escaped mentions arrive as <@U…>, so "owner @bob" names a member.
        command["should_escape"] = True
        commands.append(command)

    settings: dict[str, Any] = {"event_subscriptions": {"bot_events": list(BOT_EVENTS)}}
    settings["interactivity"] = {"is_enabled": True}
    if not socket_mode:
        settings["event_subscriptions"] = {
            "request_url": events_url,
            **settings["event_subscriptions"],
        }
        settings["interactivity"]["request_url"] = events_url
    settings |= {
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }

    oauth: dict[str, Any] = {}
    if not socket_mode:
        oauth["redirect_urls"] = [public_url + "/slack/oauth_redirect"]
    oauth["scopes"] = {"bot": list(BOT_SCOPES)}

    return {
        "display_information": {
            "name": "Groundrules",
            "description": "Keeps a team to its own ground rules.",
            "long_description": (
                "Groundrules keeps a team to the ground rules of the 'Met andere ogen' "
                "method: a problem is followed by a proposal (a private nudge when none "
                "comes), every member voices concerns in concern rounds, and agreements are "
                "recorded with why, an owner and a review date. Start with /groundrules."
            ),
            "background_color": "#2f4f4f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": False,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "Groundrules", "always_online": True},
            "shortcuts": [
                {
                    "name": "Record as agreement",
                    "type": "message",
                    "callback_id": ids.RECORD_SHORTCUT,
                    "description": "Record this message as an agreement, with why, an owner "
                    "and a review date",
                }
            ],
            "slash_commands": commands,
        },
        "oauth_config": oauth,
        "settings": settings,
    }


def render(*, socket_mode: bool) -> str:
    mode = "Socket Mode" if socket_mode else "HTTP mode: replace the example URLs"
    body = yaml.safe_dump(
        manifest(socket_mode=socket_mode), sort_keys=False, allow_unicode=True, width=100
    )
    return HEADER.format(mode=mode) + body


def main(root: str = ".") -> int:
    for socket_mode, name in FILES.items():
        Path(root, name).write_text(render(socket_mode=socket_mode), encoding="utf-8")
        print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
