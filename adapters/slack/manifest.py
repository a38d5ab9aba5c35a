"""The Slack app manifests, made from the code: the shared command grammar, the shortcut
and the scopes the adapter uses. `manifest.yml` (HTTP) and `manifest.socket-mode.yml`
register the English command names; `manifest.nl.yml` and `manifest.nl.socket-mode.yml`
the same app with the Dutch names (/afspraak, /seintjes, …) and Dutch descriptions, plus
/groundrules, which reaches every command by its English name as well.

Regenerate both after changing any of them: `python -m adapters.slack.manifest`.
A test fails while the files in the repository differ from what this makes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from adapters.slack import ids
from adapters.slack.adapter import BOT_SCOPES
from adapters.slack.config import EVENTS_PATH
from rules.grammar import COMMANDS, CommandSpec
from rules.i18n import gettext
from rules.say import N_

# Replace with the bot's public address when creating the app (HTTP mode).
PUBLIC_URL = "https://groundrules.example.org"
BOT_EVENTS = (
    "app_home_opened",
    "app_mention",
    "app_uninstalled",
    # A channel archived or deleted ends its table's open work; unarchived, it is read
    # afresh (listeners.on_place_gone, on_place_back). channel_*: channels:read;
    # group_* (private channels): groups:read.
    "channel_archive",
    "channel_deleted",
    "channel_id_changed",
    "channel_unarchive",
    # A channel shared with another organisation, or no longer (Slack Connect): its
    # table's members are read again (listeners.on_sharing_changed); channels:read,
    # groups:read.
    "channel_shared",
    "channel_unshared",
    "group_archive",
    "group_deleted",
    "group_unarchive",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
    # Words typed in the bot's DM (its Messages tab): answered (listeners._answer_in_dm).
    "message.im",
    "tokens_revoked",
)
# (socket mode, language of the command names) -> file
FILES = {
    (False, "en"): "manifest.yml",
    (True, "en"): "manifest.socket-mode.yml",
    (False, "nl"): "manifest.nl.yml",
    (True, "nl"): "manifest.nl.socket-mode.yml",
}
DESCRIPTION = N_("Keeps a team to its own ground rules.")
LONG_DESCRIPTION = N_(
    "Groundrules keeps a team to the ground rules of the 'Met andere ogen' method: a problem "
    "is followed by a proposal (a private nudge when none comes), every member voices "
    "concerns in concern rounds, and agreements are recorded with why, an owner and a review "
    "date. Start with /groundrules."
)
SHORTCUT = N_("Record as agreement")
SHORTCUT_DESCRIPTION = N_(
    "Record this message as an agreement, with why, an owner and a review date"
)
HEADER = """\
# Slack app manifest for Groundrules ({mode}). Create the app at
# https://api.slack.com/apps -> Create New App -> From a manifest, and paste this file.
# Made by `python -m adapters.slack.manifest` from the command grammar; do not edit by hand.
"""


def usage_hint(name: str, usage: str) -> str:
    """ "/agree <what> because <why>" -> "<what> because <why>" (Slack shows the name)."""
    return usage.replace(f"/{name} ", "").replace(f"/{name}", "").strip()


def registered_names(lang: str) -> list[tuple[str, CommandSpec]]:
    """The slash commands a manifest in `lang` registers: each command under its name in
    that language; the Dutch one keeps /groundrules too, for the English names."""
    if lang == "en":
        return [(spec.name, spec) for spec in COMMANDS]
    names = [(spec.dutch, spec) for spec in COMMANDS]
    return names + [(spec.name, spec) for spec in COMMANDS if spec.name == "groundrules"]


def manifest(
    *, socket_mode: bool, public_url: str = PUBLIC_URL, lang: str = "en"
) -> dict[str, Any]:
    events_url = public_url + EVENTS_PATH

    def say(msgid: str) -> str:
        return gettext(msgid, lang)

    commands = []
    for name, spec in registered_names(lang):
        command: dict[str, Any] = {"command": f"/{name}"}
        if not socket_mode:
            command["url"] = events_url
        command["description"] = say(spec.summary)
        # Usage lines name the command as the catalogue's language does.
        hint = usage_hint(name, say(spec.usage) if name != spec.name else spec.usage)
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
            "description": say(DESCRIPTION),
            "long_description": say(LONG_DESCRIPTION),
            "background_color": "#2f4f4f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                # The DM is where nudges and reminders may come and where /concern,
                # /mandate, /not-a-problem undo … are typed: Slack shows its composer
                # only with the Messages tab on (off, it says "Sending messages to this
                # app has been turned off", and a DM may fail: messages_tab_disabled).
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "Groundrules", "always_online": True},
            "shortcuts": [
                {
                    "name": say(SHORTCUT),
                    "type": "message",
                    "callback_id": ids.RECORD_SHORTCUT,
                    "description": say(SHORTCUT_DESCRIPTION),
                }
            ],
            "slash_commands": commands,
        },
        "oauth_config": oauth,
        "settings": settings,
    }


def render(*, socket_mode: bool, lang: str = "en") -> str:
    mode = "Socket Mode" if socket_mode else "HTTP mode: replace the example URLs"
    if lang == "nl":
        mode += "; Dutch command names"
    body = yaml.safe_dump(
        manifest(socket_mode=socket_mode, lang=lang), sort_keys=False, allow_unicode=True,
        width=100,
    )  # fmt: skip
    return HEADER.format(mode=mode) + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m adapters.slack.manifest",
        description="Write the Slack app manifests (HTTP mode and Socket Mode; English and "
        "Dutch command names) from the command grammar.",
    )
    parser.add_argument("root", nargs="?", default=".", help="the folder to write them in")
    root = parser.parse_args(argv).root
    if not Path(root).is_dir():
        parser.error(f"{root!r} is not a folder")
    for (socket_mode, lang), name in FILES.items():
        Path(root, name).write_text(render(socket_mode=socket_mode, lang=lang), encoding="utf-8")
        print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
