"""`groundrules run discord` as a person runs it, against the stand-in Discord.

One test only: a process start costs seconds (the settings and token checks are tested
in-process in test_discord_config).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from adapters.discord.adapter import INTENTS_OFF
from tests.discord.harness import TOKEN

ROOT = Path(__file__).resolve().parents[2]


async def run_discord(world, tmp_path) -> tuple[int, str]:
    """Run the real command line in a process of its own (it owns its event loop)."""
    environment = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_URL": world.api.url,
        "DISCORD_GATEWAY_URL": world.api.gateway_url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
    }
    environment.pop("GROUNDRULES_DISCORD_SHARDS", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "discord",
        cwd=ROOT, env=environment, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_cli_refused_intents_end_the_run_with_one_clear_line(world, tmp_path):
    world.api.refuse_privileged_intents()
    code, stderr = await run_discord(world, tmp_path)

    assert code == 1
    assert stderr.splitlines()[-1] == INTENTS_OFF
    assert "Traceback" not in stderr
    assert TOKEN not in stderr
