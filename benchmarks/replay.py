"""`make bench`: replay a large generated conversation and compare with bare spaCy.

Prints messages/s and p50/p99 time per message for the full replay (classification,
storage on a SQLite file, timers), the rate of a bare spaCy tokenizer pass over the
same texts in the same run, and their ratio; then the shipped classifier alone: its
load time, its batched rate (the first, cold pass, and the best of the passes after the
replay, beside the bare tokenizer's and beside the issue's own reference, a blank-English
bag-of-words spaCy textcat) and its p99 for a single message; then the second
reader: the share of messages the replay asked it to read again (live, a worker reads
them beside the engine; here they are counted) and the encoder's rate and latency on
those messages, on one core. The peak memory is the bot's as it runs by default, the
second reader included (a process of its own replays for it); the first replay's is
the bot's without it. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from adapters.console.replay import Replay
from benchmarks.conversation import generate
from bot.bootstrap import bootstrap, build_classifier, second_reader
from bot.runtime import second_reader_thread
from bot.settings import Settings
from rules.actions import ReadAgain
from rules.classifier import LABELS, Classifier
from rules.classifier.spacy_import import import_spacy

MESSAGES = 100_000
CHANNELS = 1_000
# What `groundrules run` holds besides what a replay needs: the runtime and both chat
# adapters (slack-bolt, aiohttp, discord.py), about 25 MB of the bot's memory. Like
# `run`, the bench migrates its database in a child process (Alembic is not held).
DEPLOYED = ("bot.runtime", "adapters.slack", "adapters.discord")


class CountingOutput:
    """Counts what the bot did instead of printing it; keeps the texts it asked the
    second reader to read (live, a background worker reads them)."""

    def __init__(self) -> None:
        self.actions = 0
        self.read_again: list[str] = []

    def show(self, action, at) -> None:
        if isinstance(action, ReadAgain):
            self.read_again.append(action.text)
        else:
            self.actions += 1

    def note(self, text: str) -> None:
        pass


class TimedService:
    """Wraps the service to time each message (its handling plus its share of the batch
    classification) and, apart from that, each timer that fires (a nudge, a reminder):
    live, timers fire on the ticker, not in any message's path."""

    def __init__(self, service) -> None:
        self._service = service
        self.share = 0.0  # each message's share of its batch's classification
        self.per_message: list[float] = []
        self.per_timer: list[float] = []

    def interpret_many(self, events):
        started = time.perf_counter()
        result = self._service.interpret_many(events)
        self.share = (time.perf_counter() - started) / max(1, len(events))
        return result

    def handle_understood(self, understood):
        started = time.perf_counter()
        result = self._service.handle_understood(understood)
        self.per_message.append(time.perf_counter() - started + self.share)
        return result

    def commit_shares(self, one_transaction):
        """The replay commits once per batch: each message of the batch carries its
        share of that commit, as it carries its share of the classification."""

        @contextmanager
        def timed():
            first = len(self.per_message)
            with one_transaction():
                yield
                started = time.perf_counter()
            handled = len(self.per_message) - first
            if handled:
                share = (time.perf_counter() - started) / handled
                self.per_message[first:] = [t + share for t in self.per_message[first:]]

        return timed

    def fire_simulated_until(self, limit):
        """The clock passing a point: every timer due by then, in one transaction."""
        started = time.perf_counter()
        deliveries, next_due = self._service.fire_simulated_until(limit)
        if deliveries:
            self.per_timer.append(time.perf_counter() - started)
        return deliveries, next_due


def fired_timers(app) -> int:
    from sqlmodel import Session, func, select

    from bot.models import TimerRow

    with Session(app.database) as session:
        return session.exec(
            select(func.count()).select_from(TimerRow).where(TimerRow.fired_at.is_not(None))
        ).one()


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:  # a small --messages run
        return max(values, default=0.0)
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1]


# Messages built to make a careless regular expression scan to the end from every
# position (100 kB each, the most a transcript line or chat message may hold here).
ADVERSARIAL = {
    "links": "[a](b" * 20_000,
    "images": "![a](" * 20_000,
    "brackets": "[" * 100_000,
    "quotes": "> a\n" * 25_000,
    "fences": "```a" * 25_000,
    "backticks": "`a" * 50_000,
    "struck": "~a " * 33_000,
    "reply headers": "On Tue wrote\n" * 8_000,
    "mentions": "@a " * 33_000,
    "commands": "/a " * 33_000,
    "greetings": "Hi all,\n" * 12_500,
    "closings": "Thanks,\n" * 12_500,
    "line breaks": "\n" * 100_000,
}


def measure_adversarial() -> tuple[str, float]:
    """The slowest of the adversarial messages to read, and its time in ms."""
    from rules.classifier.normalise import normalise

    times = {}
    for name, text in ADVERSARIAL.items():
        started = time.perf_counter()
        normalise(text)
        times[name] = (time.perf_counter() - started) * 1000
    worst = max(times, key=times.__getitem__)
    return worst, times[worst]


# Messages that are one "word" of 2,000 characters (a Discord message) built against
# spaCy's tokenizer, which took such words apart in quadratic time (one took a second
# of the engine's single worker): rules/classifier/linear_tokenizer.py.
HOSTILE_WORDS = {
    "exclamation marks": "!" * 2000,
    "?!": "?!" * 1000,
    "'s": "'s" * 1000,
    "emoji": "😡" * 2000,
    "dashes": "—" * 2000,
    "smileys": ":)" * 1000,
    "colons": "@:" * 1000,
}


def measure_hostile_words(classifier: Classifier) -> tuple[str, float]:
    """The slowest of the hostile words to classify, and its time in ms (each read once:
    spaCy's cache of words it has read does not answer)."""
    times = {}
    for name, word in HOSTILE_WORDS.items():
        started = time.perf_counter()
        classifier.classify(word)
        times[name] = (time.perf_counter() - started) * 1000
    worst = max(times, key=times.__getitem__)
    return worst, times[worst]


CLASSIFY_PASSES = 3
# Issue 3 states its 5,000 messages/s against this: "a blank-English bag-of-words
# `textcat` classifies 19k-26k short messages/s batched" on its machine. Read in the same
# process, the reference turns the aim into a ratio that holds on any machine.
REFERENCE_RATES = (19_000, 26_000)
CLASSIFY_AIM = 5_000


def reference_textcat():
    """A blank-English pipeline with a bag-of-words `textcat_multilabel` over the four
    labels (spaCy's efficiency architecture: unigrams, an output layer), initialised,
    untrained: a bag of words costs the same whatever its weights are."""
    nlp = import_spacy().blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
        "ngram_size": 1, "no_output_layer": False, "length": 262144,
    }})  # fmt: skip
    for label in LABELS:
        textcat.add_label(label)
    nlp.initialize()
    return nlp


def drain(docs) -> None:
    for _ in docs:  # not all(): an empty Doc is falsy
        pass


def rate_of(read, sample: list[str]) -> float:
    started = time.perf_counter()
    read(sample)
    return len(sample) / (time.perf_counter() - started)


def measure_classify_passes(
    classifier: Classifier, sample: list[str], tokenizer, reference
) -> dict[str, float]:
    """The best of a few more batched passes, interleaved with the bare tokenizer's and
    the reference textcat's passes over the same messages. These machines' speed drifts
    by up to 2x within a minute (the same pass took 4,458 and 8,820 messages/s, CPU
    time equal to wall time): the best pass says what the code can do, the ratios what
    it costs beside spaCy alone and beside the issue's reference."""
    previous = [None, *range(len(sample) - 1)]
    passes, bare, textcat = [], [], []
    for _ in range(CLASSIFY_PASSES):
        passes.append(rate_of(lambda texts: classifier.classify_many(texts, previous=previous),
                              sample))  # fmt: skip
        bare.append(rate_of(lambda texts: drain(tokenizer.pipe(texts, batch_size=1000)), sample))
        textcat.append(rate_of(lambda texts: drain(reference.pipe(texts, batch_size=1000)), sample))
    return {
        "best_msgs_per_s": max(passes),
        "tokenizer_ratio": max(passes) / max(bare),
        "reference_msgs_per_s": max(textcat),
        "reference_ratio": max(passes) / max(textcat),
    }


def measure_classifier(texts: list[str]) -> tuple[dict[str, float], Classifier]:
    """Load time, batched rate and single-message p99 of the shipped classifier."""
    started = time.perf_counter()
    classifier = build_classifier("trained")
    load_s = time.perf_counter() - started
    sample = texts[:20_000]
    started = time.perf_counter()
    # Each message read after the one before it, as in a conversation.
    classifier.classify_many(sample, previous=[None, *range(len(sample) - 1)])
    batched = len(sample) / (time.perf_counter() - started)
    single = []
    # Past the batched sample; a small --messages run reads its own messages again.
    for text in texts[20_000:22_000] or texts[:2_000]:
        started = time.perf_counter()
        classifier.classify(text)
        single.append(time.perf_counter() - started)
    # A fresh process pays for importing spaCy and numpy too: what a restart costs.
    cold = subprocess.run(
        [sys.executable, "-c", "import time; t = time.perf_counter(); "
         "from bot.bootstrap import build_classifier; build_classifier('trained'); "
         "print(time.perf_counter() - t)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = {
        "load_s": load_s,
        "cold_load_s": float(cold.stdout.strip()),
        "first_pass_msgs_per_s": batched,
        "p99_ms": percentile(single, 0.99) * 1000,
    }
    return figures, classifier


SECOND_LINES = MESSAGES  # replayed with the second reading on, in a process of its own
SECOND_SAMPLE = 200  # messages the encoder reads batched (about 40 ms each)
SECOND_SINGLE = 300  # read singly, as live: enough for the reader's memory to settle


def second_reading_figures(transcript: Path) -> dict[str, float]:
    """The bot with GROUNDRULES_SECOND_READING=true, in a fresh process (so that its
    peak memory is its own): {} when no encoder ships."""
    found = subprocess.run(
        [sys.executable, "-m", "benchmarks.replay", "--second-reading", str(transcript)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(found.stdout.strip().splitlines()[-1])


def hold_what_a_running_bot_holds() -> None:
    for module in DEPLOYED:
        importlib.import_module(module)


def measure_second_reading(transcript: Path) -> dict[str, float]:
    """Replay the first SECOND_LINES messages with the second reading on, counting what
    the engine asks to read again (live, a worker reads it beside the engine); then
    read single asked messages as the worker does, and take the peak memory; then the
    batched rate, the bench's own batches, after it."""
    from threadpoolctl import threadpool_limits

    hold_what_a_running_bot_holds()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'second.db'}",
                            second_reading=True)  # fmt: skip
        classifier = build_classifier("trained")
        # The encoder's load alone (bootstrap then finds it loaded, as it is kept).
        started = time.perf_counter()
        reader = second_reader(settings, classifier)
        load_s = time.perf_counter() - started
        if reader is None:
            return {}
        app = bootstrap(settings, classifier=classifier, migrate_apart=True)
        app.service.read_inline = False
        output = CountingOutput()
        with transcript.open(encoding="utf-8") as lines:
            result = Replay(app, output, workspace="bench").run(
                itertools.islice(lines, SECOND_LINES)
            )
        asked = list(dict.fromkeys(output.read_again))  # the distinct texts
        # One by one in the runtime's reader thread: its allocator arena is part of
        # what the running bot holds.
        with threadpool_limits(1), second_reader_thread() as worker:
            single = []
            for text in asked[:SECOND_SINGLE]:
                started = time.perf_counter()
                worker.submit(reader.scores, [text]).result()
                single.append(time.perf_counter() - started)
            peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            # A small --messages run reads its own messages again.
            sample = asked[SECOND_SINGLE : SECOND_SINGLE + SECOND_SAMPLE] or asked[:SECOND_SAMPLE]
            started = time.perf_counter()
            reader.read(sample)
            rate = len(sample) / (time.perf_counter() - started)
        app.database.dispose()
    share = len(output.read_again) / result.lines
    return {
        "second_read_share": share,
        "second_msgs_per_s": rate,
        "second_p50_ms": percentile(single, 0.5) * 1000,
        "second_p99_ms": percentile(single, 0.99) * 1000,
        "second_capacity_msgs_per_s": rate / share,
        "second_peak_rss_mb": peak_rss_mb,
        "second_load_s": load_s,
    }


def texts_of(transcript: Path, *, limit: int | None = None) -> list[str]:
    with transcript.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in itertools.islice(lines, limit)]


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.replay", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--messages", type=int, default=MESSAGES,
                        help=f"to generate and replay (default {MESSAGES:,})")  # fmt: skip
    parser.add_argument("--channels", type=int, default=CHANNELS,
                        help=f"they are spread over (default {CHANNELS:,})")  # fmt: skip
    # Internal: the second-reading figures, measured in a process of their own.
    parser.add_argument("--second-reading", type=Path, metavar="TRANSCRIPT",
                        help=argparse.SUPPRESS)  # fmt: skip
    chosen = parser.parse_args(argv)
    if chosen.messages < 1 or chosen.channels < 1:
        parser.error("--messages and --channels must be at least 1")
    return chosen


def main(messages: int = MESSAGES, channels: int = CHANNELS) -> int:
    hold_what_a_running_bot_holds()
    with tempfile.TemporaryDirectory() as folder:
        # The transcript is read from a file as `groundrules replay` reads it, so the
        # peak memory is the bot's, not the benchmark's copy of 100,000 lines.
        transcript = Path(folder) / "transcript.jsonl"
        with transcript.open("w", encoding="utf-8") as out:
            for line in generate(messages, channels):
                out.write(line + "\n")
        classify, classifier = measure_classifier(texts_of(transcript, limit=22_000))

        # The bot holds one classifier: the one just measured. The engine's rate is
        # measured without the second reader, which reads beside it when live.
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
                            second_reading=False)  # fmt: skip
        app = bootstrap(settings, classifier=classifier, migrate_apart=True)
        timed = TimedService(app.service)
        app.service = timed
        app.store.one_transaction = timed.commit_shares(app.store.one_transaction)
        output = CountingOutput()
        started = time.perf_counter()
        with transcript.open(encoding="utf-8") as lines:
            result = Replay(app, output, workspace="bench").run(lines)
        replay_s = time.perf_counter() - started
        first_peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        fired = fired_timers(app)
        app.database.dispose()
        texts = texts_of(transcript)
        second = second_reading_figures(transcript)

    tokenizer = import_spacy().blank("en").tokenizer
    # After the peak RSS is read: the bench's own pipelines are not the bot's memory.
    passes = measure_classify_passes(classifier, texts[:20_000], tokenizer, reference_textcat())
    classify["msgs_per_s"] = max(passes["best_msgs_per_s"], classify["first_pass_msgs_per_s"])
    classify["tokenizer_ratio"] = passes["tokenizer_ratio"]
    reference_ratio = passes["reference_ratio"]
    low, high = (reference_ratio * rate for rate in REFERENCE_RATES)
    started = time.perf_counter()
    for _ in tokenizer.pipe(texts, batch_size=1000):
        pass
    tokenizer_s = time.perf_counter() - started

    replay_rate = result.lines / replay_s
    tokenizer_rate = len(texts) / tokenizer_s
    p50 = percentile(timed.per_message, 0.5) * 1000
    p99 = percentile(timed.per_message, 0.99) * 1000
    timer_p99 = percentile(timed.per_timer, 0.99) * 1000 if len(timed.per_timer) > 1 else 0.0
    print(f"replayed {result.lines:,} messages in {len(result.channels):,} channels "
          f"({output.actions:,} bot actions) in {replay_s:.1f} s")  # fmt: skip
    print(f"replay:    {replay_rate:,.0f} messages/s; per message p50 {p50:.3f} ms, "
          f"p99 {p99:.3f} ms")  # fmt: skip
    print(f"timers:    {fired:,} fired, in {len(timed.per_timer):,} steps of the replay's clock; "
          f"p99 {timer_p99:.3f} ms a step")  # fmt: skip
    print(f"tokenizer: {tokenizer_rate:,.0f} messages/s (bare spaCy, same texts, same run)")
    print(f"ratio:     replay runs at {replay_rate / tokenizer_rate:.1%} of the tokenizer rate")
    print(f"classify:  {classify['msgs_per_s']:,.0f} messages/s batched (best pass; the first, "
          f"cold: {classify['first_pass_msgs_per_s']:,.0f}; {classify['tokenizer_ratio']:.1%} of "
          f"the bare tokenizer's rate); single message p99 {classify['p99_ms']:.3f} ms; "
          f"load {classify['load_s']:.2f} s "
          f"({classify['cold_load_s']:.2f} s in a fresh process, with imports)")  # fmt: skip
    print(f"reference: a blank-English bag-of-words textcat reads "
          f"{passes['reference_msgs_per_s']:,.0f} messages/s here; the classifier's best pass "
          f"is {reference_ratio:.0%} of it. Issue 3 measured that textcat at 19,000-26,000 "
          f"messages/s on its machine: there this ratio is {low:,.0f}-{high:,.0f} messages/s "
          f"(aim {CLASSIFY_AIM:,}: {'met' if low >= CLASSIFY_AIM else 'not met'})")  # fmt: skip
    # The bot as it runs by default reads again: its peak is the second replay's.
    peak_rss_mb = second.pop("second_peak_rss_mb", first_peak_rss_mb)
    print(f"peak RSS:  {peak_rss_mb:.0f} MiB (the whole bot as it runs by default: classifier, "
          f"second reader, engine, storage, runtime and chat adapters; "
          f"{first_peak_rss_mb:.0f} MiB with GROUNDRULES_SECOND_READING=false)")  # fmt: skip
    if second:
        second["second_classify_ratio"] = second["second_msgs_per_s"] / classify["msgs_per_s"]
        print(f"second:    {second['second_read_share']:.1%} "
              f"of {min(SECOND_LINES, result.lines):,} messages were read again; the encoder reads "
              f"{second['second_msgs_per_s']:,.1f} messages/s batched "
              f"({second['second_classify_ratio']:.2%} of the classifier's rate), a single one "
              f"in {second['second_p50_ms']:.0f} ms (p99 {second['second_p99_ms']:.0f} ms), "
              f"on one core: enough for a chat of "
              f"{second['second_capacity_msgs_per_s']:,.0f} messages/s; encoder load "
              f"{second['second_load_s']:.2f} s")  # fmt: skip
    worst, worst_ms = measure_adversarial()
    print(f"hostile:   the slowest 100 kB message built against the text rewrites reads in "
          f"{worst_ms:.1f} ms ({worst})")  # fmt: skip
    word, word_ms = measure_hostile_words(classifier)
    print(f"hostile:   the slowest 2,000-character word built against spaCy's tokenizer is "
          f"classified in {word_ms:.1f} ms ({word})")  # fmt: skip
    summary = {
        "messages": result.lines,
        "channels": len(result.channels),
        "actions": output.actions,
        "replay_msgs_per_s": round(replay_rate, 1),
        "tokenizer_msgs_per_s": round(tokenizer_rate, 1),
        "ratio": round(replay_rate / tokenizer_rate, 4),
        "p50_ms": round(p50, 4),
        "p99_ms": round(p99, 4),
        "timers_fired": fired,
        "timer_step_p99_ms": round(timer_p99, 4),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "first_reading_peak_rss_mb": round(first_peak_rss_mb, 1),
        "classify_msgs_per_s": round(classify["msgs_per_s"], 1),
        "classify_first_pass_msgs_per_s": round(classify["first_pass_msgs_per_s"], 1),
        "classify_tokenizer_ratio": round(classify["tokenizer_ratio"], 4),
        "reference_textcat_msgs_per_s": round(passes["reference_msgs_per_s"], 1),
        "classify_reference_ratio": round(reference_ratio, 4),
        "classify_at_reference_msgs_per_s": [round(low), round(high)],
        "classify_p99_ms": round(classify["p99_ms"], 4),
        "load_s": round(classify["load_s"], 3),
        "cold_load_s": round(classify["cold_load_s"], 3),
        "adversarial_normalise_max_ms": round(worst_ms, 2),
        "hostile_word_classify_max_ms": round(word_ms, 2),
    } | {name: round(value, 4) for name, value in second.items()}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    chosen = options()
    if chosen.second_reading is not None:
        print(json.dumps(measure_second_reading(chosen.second_reading)))
        sys.exit(0)
    sys.exit(main(chosen.messages, chosen.channels))
