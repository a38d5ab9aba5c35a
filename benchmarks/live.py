"""`python -m benchmarks.live`: the memory of `groundrules run slack discord`, live.

benchmarks/replay.py measures the engine in its own process; this runs the real command
line in a child process with default settings (the trained classifier, the second
reading on) and a SQLite file (or `--database`, an empty one), against the stand-in
Slack and Discord of tests/standins (the real slack-bolt and discord.py code over
loopback: nothing leaves the machine). It
feeds a generated conversation: C0000-C0099 as signed Events API posts, C0100-C0199 as
gateway MESSAGE_CREATEs, "/agree" lines as slash commands; as fast as the bot keeps up
(at most WINDOW per platform unhandled in its /metrics). Every second it reads the
child's VmRSS and VmHWM (the kernel's peak) from /proc. The last line is one JSON object;
it exits 1 if a message was lost or the bot logged a warning or an error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.conversation import generate
from tests.standins import slack_requests
from tests.standins.discord_api import DiscordStandIn
from tests.standins.slack_api import BOT_USER_ID, SlackStandIn

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = 20_000
CHANNELS = 100  # per platform
PEOPLE = 12  # the authors benchmarks.conversation writes as
WINDOW = 100  # per platform, sent but not handled yet: the bot kept busy, never flooded
SECRET = "live-bench-signing-secret"
# Shaped like real tokens: the bot checks the shapes, the stand-ins take any.
SLACK_TOKEN = "xoxb-live-bench-token"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789A"
HANDLED = ("MessagePosted", "CommandInvoked")  # what one fed line becomes in the bot
START_TIMEOUT_S = 180.0
STALL_TIMEOUT_S = 60.0  # nothing handled for this long while messages wait: stuck
AGREE = "/agree "


class BotFailed(Exception):
    pass


class Stalled(BotFailed):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Bot:
    """`groundrules run slack discord` in a child process, watched from here: what its
    /metrics counts as handled, and its memory."""

    def __init__(
        self,
        folder: Path,
        slack: SlackStandIn,
        discord: DiscordStandIn,
        *,
        second_reading: bool,
        database: str | None,
    ) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = folder / "bot.log"
        # Default settings: nothing of this shell's GROUNDRULES_*, SLACK_* or DISCORD_*.
        ours = ("GROUNDRULES_", "SLACK_", "DISCORD_", "DATABASE_URL")
        self.environment = {k: v for k, v in os.environ.items() if not k.startswith(ours)} | {
            "DATABASE_URL": database or f"sqlite:///{folder / 'live.db'}",
            "GROUNDRULES_HTTP_PORT": self.url.rsplit(":", 1)[1],
            "SLACK_BOT_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.url, "DISCORD_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_URL": discord.url, "DISCORD_GATEWAY_URL": discord.gateway_url,
            "NO_PROXY": "127.0.0.1,localhost",
            "GROUNDRULES_SECOND_READING": str(second_reading).lower(),
        }  # fmt: skip
        self.process: asyncio.subprocess.Process | None = None
        self.handled = {"slack": 0, "discord": 0}
        self.counters: dict[str, float] = {}
        self.memory = {"VmRSS": 0.0, "VmHWM": 0.0}
        self.samples: list[tuple[int, float]] = []  # (messages handled, VmRSS) each second
        self.failure: Exception | None = None
        self.moved_at = time.monotonic()  # when the handled count last grew

    async def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", "slack", "discord",
                cwd=ROOT, env=self.environment, stdout=log, stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        # Slack starts first (and serves /metrics); this line says Discord is in too.
        while "discord adapter running" not in self.log.read_text(errors="replace"):
            self.check()
            if time.monotonic() > deadline:
                raise BotFailed(f"not ready within {START_TIMEOUT_S:.0f} s")
            await asyncio.sleep(0.2)

    def check(self) -> None:
        assert self.process is not None
        if self.process.returncode is not None:
            raise BotFailed(f"the bot exited with code {self.process.returncode}")
        if self.failure is not None:
            raise BotFailed(f"watching the bot failed: {self.failure!r}")

    def sample_memory(self) -> None:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in self.memory:
                self.memory[key] = int(value.split()[0]) / 1024
        self.samples.append((sum(self.handled.values()), self.memory["VmRSS"]))

    async def read_metrics(self, http: aiohttp.ClientSession) -> None:
        async with http.get(f"{self.url}/metrics") as response:
            text = await response.text()
        handled, counters = {"slack": 0, "discord": 0}, {}
        for sample in (s for f in text_string_to_metric_families(text) for s in f.samples):
            if sample.name == "groundrules_events_handled_total":
                if sample.labels["kind"] in HANDLED:
                    handled[sample.labels["platform"]] += int(sample.value)
            elif sample.name.endswith("_total"):
                name = sample.name.removeprefix("groundrules_").removesuffix("_total")
                name += f" {sample.labels.get('outcome', '')}".rstrip()  # done / deferred
                counters[name] = counters.get(name, 0) + sample.value
        if handled != self.handled:
            self.moved_at = time.monotonic()
        self.handled, self.counters = handled, counters

    async def watch(self, http: aiohttp.ClientSession) -> None:
        """Until cancelled: the handled counts four times a second, memory every second."""
        try:
            for beat in range(sys.maxsize):
                self.check()
                await self.read_metrics(http)
                if beat % 4 == 0:
                    self.sample_memory()
                await asyncio.sleep(0.25)
        except (BotFailed, aiohttp.ClientError, OSError) as error:
            self.failure = error  # the feeders see it when they next wait for room

    async def room(self, platform: str, sent: int, window: int = WINDOW) -> None:
        """Wait until fewer than `window` messages sent over `platform` are unhandled
        (a window of 1: until all are handled)."""
        waiting_since = time.monotonic()
        while sent - self.handled[platform] >= window:
            self.check()
            if time.monotonic() - max(waiting_since, self.moved_at) > STALL_TIMEOUT_S:
                waiting = sent - self.handled[platform]
                raise Stalled(f"{waiting} {platform} message(s) unhandled, nothing handled "
                                f"for {STALL_TIMEOUT_S:.0f} s")  # fmt: skip
            await asyncio.sleep(0.02)

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:  # it did not stop cleanly: the code says -9
                self.process.kill()
        return await self.process.wait()


async def feed_slack(records, bot: Bot, slack: SlackStandIn, http: aiohttp.ClientSession):
    roots: dict[str, str] = {}  # a thread root's time in the transcript -> its Slack ts
    for sent, record in enumerate(records):
        await bot.room("slack", sent)
        channel, user, text = record["channel"], record["user"], record["text"]
        if text.startswith(AGREE):
            fields = slack_requests.slash_command(
                "/agree", text.removeprefix(AGREE), user_id=user, channel_id=channel,
                channel_name=channel.lower(), response_url=slack.response_url(channel=channel),
            )  # fmt: skip
            request = slack_requests.slash_command_request(fields, SECRET)
        else:
            event = slack_requests.message_event(text, user=user, channel=channel,
                                                 thread_ts=roots.get(record["thread"]))  # fmt: skip
            if record["thread"] is None:
                roots[record["ts"]] = event["ts"]
            body = slack_requests.event_callback(event)
            request = slack_requests.events_api_request(body, SECRET)
        post = http.post(f"{bot.url}/slack/events", data=request.body, headers=request.headers)
        async with post as r:
            if r.status != 200:
                raise BotFailed(f"Slack's post answered {r.status}: {await r.text()}")


async def feed_discord(records, bot: Bot, discord: DiscordStandIn, guild, channels, members):
    roots: dict[str, int] = {}  # a thread root's time -> its message id (replied to)
    for sent, record in enumerate(records):
        await bot.room("discord", sent)
        channel, member = channels[record["channel"]], members[record["user"]]
        if record["text"].startswith(AGREE):
            text = record["text"].removeprefix(AGREE)
            await discord.slash_command(guild, channel, member, "agree", {"text": text})
            continue
        posted = await discord.message_create(guild, channel, member, record["text"],
                                              reply_to=roots.get(record["thread"]))  # fmt: skip
        if record["thread"] is None:
            roots[record["ts"]] = int(posted["id"])


def bot_actions(slack: SlackStandIn, discord: DiscordStandIn) -> dict[str, int]:
    """What the bot showed people: Slack posts, updates, views and response-URL answers;
    Discord messages and interaction answers (not its start-up calls and look-ups)."""
    slack_made = sum(call.method.startswith(("chat.", "views.")) for call in slack.calls)
    skipped = re.compile(r"/commands|/typing|/users/@me")
    discord_made = sum(r.method != "GET" and not skipped.search(r.route or "")
                       for r in discord.requests)  # fmt: skip
    return {"slack": slack_made + len(slack.responses), "discord": discord_made}


def trajectory(samples: list[tuple[int, float]], total: int) -> str:
    """VmRSS as each tenth of the messages was handled: growth, or a plateau."""
    marks = [next((rss for done, rss in samples if done >= total * t / 10), samples[-1][1])
             for t in range(1, 11)]  # fmt: skip
    return ", ".join(f"{rss:.0f}" for rss in marks)


async def run(
    messages: int, folder: Path, *, second_reading: bool = True, database: str | None = None
) -> int:
    records = [json.loads(line) for line in generate(messages, 2 * CHANNELS)]
    on_slack = [r for r in records if int(r["channel"][1:]) < CHANNELS]
    on_discord = [r for r in records if int(r["channel"][1:]) >= CHANNELS]
    sent = {"slack": len(on_slack), "discord": len(on_discord)}
    people = [f"U{n:02d}" for n in range(PEOPLE)]
    async with SlackStandIn() as slack, DiscordStandIn() as discord:
        # The world exists before the bot connects: Discord sends it in GUILD_CREATE.
        for person in people:
            slack.add_user(person, person.lower())
        for n in range(CHANNELS):
            slack.set_members(f"C{n:04d}", [*people, BOT_USER_ID])
        guild = discord.add_guild("Live bench")
        members = {person: guild.add_member(person.lower()) for person in people}
        names = [f"C{n:04d}" for n in range(CHANNELS, 2 * CHANNELS)]
        channels = {name: guild.add_text_channel(name.lower()) for name in names}
        bot = Bot(folder, slack, discord, second_reading=second_reading, database=database)
        async with aiohttp.ClientSession() as http:
            watching = None
            try:
                await bot.start()
                bot.sample_memory()
                ready_rss = bot.memory["VmRSS"]
                watching = asyncio.create_task(bot.watch(http))
                started = time.monotonic()
                await asyncio.gather(
                    feed_slack(on_slack, bot, slack, http),
                    feed_discord(on_discord, bot, discord, guild, channels, members),
                )
                with contextlib.suppress(Stalled):  # what is left is reported as lost
                    for platform, count in sent.items():
                        await bot.room(platform, count, 1)
                # To the last message handled: a stall at the end is not the bot's pace.
                elapsed = max(bot.moved_at - started, 0.001)
                await bot.read_metrics(http)
                bot.sample_memory()
            except (BotFailed, aiohttp.ClientError) as error:
                await bot.stop()
                tail = bot.log.read_text(errors="replace").splitlines()[-30:]
                print(f"live: the bot failed: {error}; the end of its log:", file=sys.stderr)
                print("\n".join(tail), file=sys.stderr)
                return 1
            finally:
                if watching is not None:
                    watching.cancel()
            code = await bot.stop()
        actions = bot_actions(slack, discord)
    handled, counted = sum(bot.handled.values()), bot.counters
    troubles = [line for line in bot.log.read_text(errors="replace").splitlines()
                if re.search(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) ", line)]  # fmt: skip
    print(f"sent:    {messages:,} messages (slack {sent['slack']:,}, discord {sent['discord']:,}; "
          f"{CHANNELS} channels each); handled {handled:,} (slack {bot.handled['slack']:,}, "
          f"discord {bot.handled['discord']:,}) in {elapsed:.1f} s: "
          f"{handled / elapsed:,.0f} messages/s")  # fmt: skip
    print(
        f"memory:  peak RSS {bot.memory['VmHWM']:.0f} MiB (VmHWM), final RSS "
        f"{bot.memory['VmRSS']:.0f} MiB, {ready_rss:.0f} MiB once ready; by tenths of the "
        f"messages: {trajectory(bot.samples, handled)} MiB ({len(bot.samples)} samples)"
    )
    print(f"actions: the stand-ins saw slack {actions['slack']:,}, discord "
          f"{actions['discord']:,}; " + ", ".join(f"{name} {value:,.0f}" for name, value
          in sorted(counted.items()) if not name.startswith("events")))  # fmt: skip
    print(f"bot log: {len(troubles)} warning(s) or error(s); exit code {code} on SIGTERM")
    for line in troubles[:5]:
        print(f"  {line[:160]}")
    print(json.dumps({
        "live_messages": messages, "live_handled": handled,
        "live_slack_messages": sent["slack"], "live_discord_messages": sent["discord"],
        "live_seconds": round(elapsed, 1), "live_msgs_per_s": round(handled / elapsed, 1),
        "live_peak_rss_mb": round(bot.memory["VmHWM"], 1),
        "live_final_rss_mb": round(bot.memory["VmRSS"], 1),
        "live_ready_rss_mb": round(ready_rss, 1), "live_bot_actions": sum(actions.values()),
        "live_lost": messages - handled, "live_log_troubles": len(troubles),
        "live_exit_code": code,
    }))  # fmt: skip
    if handled < messages:
        print(f"live: {messages - handled:,} message(s) lost: the bot did not handle them",
              file=sys.stderr)  # fmt: skip
    if troubles:
        print(f"live: the bot logged {len(troubles)} warning(s) or error(s)", file=sys.stderr)
    return 0 if handled == messages and code == 0 and not troubles else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=MESSAGES, help="to feed, both platforms")
    parser.add_argument("--one-reading", action="store_true",
                        help="the bot with GROUNDRULES_SECOND_READING=false")  # fmt: skip
    parser.add_argument("--database", help="an empty database's URL (default: a SQLite file)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="groundrules-live-") as folder:
        second_reading = not options.one_reading
        return asyncio.run(run(options.messages, Path(folder), second_reading=second_reading,
                               database=options.database))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
