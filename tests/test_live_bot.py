"""The real `groundrules run slack discord`, in a process of its own, fed by the stand-in
Slack and Discord: every message handled, nothing lost, a clean stop (benchmarks/live.py,
which `make bench-live` runs at 100,000 messages)."""

from __future__ import annotations

import json

from benchmarks.live import run


async def test_the_running_bot_handles_every_message_from_both_platforms(tmp_path, capsys):
    code = await run(300, tmp_path)
    printed = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(printed[-1])
    assert code == 0, printed
    assert figures["live_handled"] == figures["live_messages"] == 300
    assert figures["live_slack_messages"] > 0 and figures["live_discord_messages"] > 0
    assert figures["live_lost"] == 0 and figures["live_log_troubles"] == 0
    assert figures["live_exit_code"] == 0
