"""The shared command grammar as Discord application (slash) commands, English and Dutch.

Every command takes one free-text option: the engine parses the text with the grammar,
as it does for every platform. Dutch names come from the grammar, Dutch descriptions
from the gettext catalogue. The option's description is the hint of what to type: the
usage line after the command's name (Discord shows the name just above it), as Slack's
usage hint is.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.app_commands import locale_str

from rules.grammar import COMMANDS, CommandSpec
from rules.i18n import gettext
from rules.say import N_

DESCRIPTION_LIMIT = 100
Run = Callable[[discord.Interaction, CommandSpec, str], Awaitable[None]]
_TEXT = locale_str("text", nl="tekst")
# Hints for Discord alone, of the usage lines longer than its 100 characters after the
# name, in either language: what a command takes, with an example where one says most.
SHORTER_HINTS = {
    "table": N_(
        "about|not-about|routing … | join <org> | language en|nl | timezone <zone> | "
        "quiet-hours 08:00-16:00"
    ),
}


class CatalogueTranslator(app_commands.Translator):
    """Dutch localisations: a text given as `nl=` extra (a name, an option's hint),
    else the catalogue's msgstr of the whole English text (`msgid=` extra; the message
    itself may be clipped)."""

    async def translate(
        self,
        string: locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is not discord.Locale.dutch:
            return None
        if "nl" in string.extras:
            return string.extras["nl"]
        msgid = string.extras.get("msgid", string.message)
        dutch = gettext(msgid, "nl")
        if dutch == msgid:
            return None
        return dutch[:DESCRIPTION_LIMIT]


def takes_text(spec: CommandSpec) -> bool:
    """A usage line with anything after the name has something to type."""
    return spec.usage.strip() != f"/{spec.name}"


def build_commands(run: Run) -> list[app_commands.Command]:
    return [_command(spec, run) for spec in COMMANDS]


def _command(spec: CommandSpec, run: Run) -> app_commands.Command:
    if takes_text(spec):

        @app_commands.rename(text=_TEXT)
        @app_commands.describe(text=_hinted(spec))
        async def callback(interaction: discord.Interaction, text: str | None = None) -> None:
            await run(interaction, spec, text or "")

    else:

        async def callback(interaction: discord.Interaction) -> None:  # type: ignore[misc]
            await run(interaction, spec, "")

    command = app_commands.Command(
        name=locale_str(spec.name, nl=spec.dutch),
        description=_described(spec.summary),
        callback=callback,
    )
    return app_commands.guild_only(command)


def hint(spec: CommandSpec, lang: str) -> str:
    """What `spec`'s text option says to type, in `lang`, whole (registered clipped to
    Discord's limit, which a test keeps each of them within)."""
    shorter = SHORTER_HINTS.get(spec.name)
    if shorter is not None:
        return gettext(shorter, lang)
    return _after_the_name(gettext(spec.usage, lang), spec)


def _after_the_name(usage: str, spec: CommandSpec) -> str:
    """ "/concerns [<proposal>] | /concerns withdraw" -> "[<proposal>] | withdraw"."""
    for name in spec.names:
        usage = re.sub(rf"/{re.escape(name)}(?![\w-])\s*", "", usage)
    return usage.strip()


def _hinted(spec: CommandSpec) -> locale_str:
    english, dutch = hint(spec, "en"), hint(spec, "nl")
    if dutch == english:  # untranslated: no localisation
        return locale_str(english[:DESCRIPTION_LIMIT])
    return locale_str(english[:DESCRIPTION_LIMIT], nl=dutch[:DESCRIPTION_LIMIT])


def _described(english: str) -> locale_str:
    """Discord takes 100 characters; the catalogue is looked up with the whole text and
    the translation clipped after."""
    return locale_str(english[:DESCRIPTION_LIMIT], msgid=english)
