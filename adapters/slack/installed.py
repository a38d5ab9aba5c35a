"""Which slash commands a Slack app has: `manifest.yml` installs the English names,
`manifest.nl.yml` the Dutch ones, and both /groundrules (SLACK_COMMANDS says which one a
workspace's app was made from). A command the bot names that the app lacks is shown as
/groundrules <name>, which reaches every command by either name.
"""

from __future__ import annotations

import re

from rules.grammar import COMMANDS, find_command

# A command name as the bot's own texts write it: "/afspraak", not "https://x/y" or "1/5".
_NAMED = re.compile(r"(?<![\w/:<&])/([a-z][a-z-]*[a-z])\b")


def installed_names(manifest: str) -> frozenset[str]:
    """The command names a manifest installs: "en" (manifest.yml) or "nl" (manifest.nl.yml)."""
    names = (spec.dutch if manifest == "nl" else spec.name for spec in COMMANDS)
    return frozenset({*names, "groundrules"})


def through_groundrules(text: str, installed: frozenset[str]) -> str:
    """`text` with each command the app lacks named as /groundrules <name>."""

    def named(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in installed or find_command(name) is None:
            return match.group(0)
        return f"/groundrules {name}"

    return _NAMED.sub(named, text)
