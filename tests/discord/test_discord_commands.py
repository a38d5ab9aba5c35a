"""Every command of the shared grammar is a slash command, named and described in Dutch too."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord.commands import CatalogueTranslator, build_commands, takes_text
from rules.grammar import COMMANDS
from rules.i18n import gettext


async def _nothing(interaction, spec, text) -> None:
    return None


def test_commands_one_per_grammar_command_with_one_text_option():
    built = {command.name: command for command in build_commands(_nothing)}
    assert sorted(built) == sorted(spec.name for spec in COMMANDS)
    for spec in COMMANDS:
        command = built[spec.name]
        assert command.description == spec.summary
        assert command.guild_only
        options = [parameter.name for parameter in command.parameters]
        assert options == (["text"] if takes_text(spec) else [])
        assert all(not parameter.required for parameter in command.parameters)


async def test_commands_dutch_payload_from_the_catalogue():
    tree_client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(tree_client)
    await tree.set_translator(CatalogueTranslator())
    for command in build_commands(_nothing):
        tree.add_command(command)
    translator = tree.translator
    assert translator is not None
    payloads = {
        c.name: await c.get_translated_payload(tree, translator) for c in tree.get_commands()
    }
    agree = payloads["agree"]
    assert agree["name_localizations"] == {"nl": "afspraak"}
    assert agree["description_localizations"]["nl"].startswith("Leg een afspraak vast")
    [text] = agree["options"]
    assert text["name_localizations"] == {"nl": "tekst"}
    # What follows the name, which Discord shows just above it.
    assert text["description"].startswith("<what we agree> because <why>")
    assert text["description_localizations"]["nl"].startswith("<wat we afspreken> omdat")
    for spec in COMMANDS:
        payload = payloads[spec.name]
        assert payload["name_localizations"] == {"nl": spec.dutch}
        assert 1 <= len(payload["description"]) <= 100
        dutch = gettext(spec.summary, "nl")  # untranslated: no localisation at all
        expected = {"nl": dutch[:100]} if dutch != spec.summary else {}
        assert (payload.get("description_localizations") or {}) == expected
