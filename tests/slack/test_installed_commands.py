"""The bot names only the slash commands the workspace's app has: with the English
manifest (manifest.yml, the default) a Dutch answer says /groundrules afspraak where
/afspraak does not exist; with the Dutch one (SLACK_COMMANDS=nl) an English answer says
/groundrules agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from adapters.slack.installed import installed_names, through_groundrules
from rules.events import CommandInvoked
from tests.slack.conftest import BOB, SlackBot, shown_text

ROOT = Path(__file__).resolve().parents[2]
NAMED = re.compile(r"(?<![\w<])/[a-z][a-z-]+")


def registered(manifest: str) -> set[str]:
    commands = yaml.safe_load((ROOT / manifest).read_text())["features"]["slash_commands"]
    return {command["command"] for command in commands}


@pytest.mark.parametrize(("manifest", "lang"), [("manifest.yml", "en"), ("manifest.nl.yml", "nl")])
def test_installed_names_are_the_manifests(manifest, lang):
    assert {f"/{name}" for name in installed_names(lang)} == registered(manifest)


def test_installed_names_leave_other_slashes_alone():
    english = installed_names("en")
    assert through_groundrules("Typ /afspraak of /agree", english) == (
        "Typ /groundrules afspraak of /agree"
    )
    same = "Zie https://x.example/afspraak, 1/5, /invite @Groundrules en /groundrules"
    assert through_groundrules(same, english) == same


async def said(bot: SlackBot) -> list[str]:
    """What the bot said to Bob (Dutch) after three Dutch commands and his Home tab."""
    await bot.command("/groundrules", "afspraak koffie om 10", user_id=BOB)  # shown back
    await bot.command("/groundrules", "afspraak hulp", user_id=BOB)
    await bot.command("/groundrules", "mandaat vernieuwd", user_id=BOB)
    await bot.handled(CommandInvoked, 3)
    await bot.event({"type": "app_home_opened", "user": BOB, "channel": "D1", "tab": "home"})
    [home] = await bot.slack.wait_for("views.publish")
    return [shown_text(call) for call in bot.calls("chat.postEphemeral")] + [shown_text(home)]


async def test_the_english_manifest_dutch_answers_name_commands_through_groundrules(
    bot: SlackBot,
):
    texts = await said(bot)
    assert all(set(NAMED.findall(text)) <= registered("manifest.yml") for text in texts), texts
    assert any("/groundrules afspraak &lt;wat we afspreken&gt;" in text for text in texts)
    assert any("/groundrules afspraak koffie om 10" in text for text in texts)


@pytest.mark.parametrize("bot_settings", [{"slack_commands": "nl"}], ids=["nl"])
async def test_the_dutch_manifest_answers_name_its_own_commands(bot: SlackBot):
    texts = await said(bot)
    assert all(set(NAMED.findall(text)) <= registered("manifest.nl.yml") for text in texts), texts
    assert any("/afspraak &lt;wat we afspreken&gt;" in text for text in texts)
    await bot.command("/groundrules", "agree help")  # English here goes through /groundrules
    await bot.handled(CommandInvoked, 4)
    [*_, usage] = await bot.slack.wait_for("chat.postEphemeral", 4)
    assert "/groundrules agree &lt;what we agree&gt;" in shown_text(usage)
