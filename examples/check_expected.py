"""Check written conversations against their hand-written sidecars: the held-out
evaluation set (examples/conversations/) and the tuning set (examples/tuning/).

For every <set>/<name>.jsonl this script

* validates the transcript: one JSON object per line with exactly the keys
  ts/channel/user/text/thread, timestamps unique and strictly increasing,
  every `thread` is the ts of an earlier top-level message in the same channel;
* validates the sidecar <name>.expected.json: window, language (taken from the
  file name prefix), a label list for every message and for nothing else,
  only known labels;
* checks the shape each set's brief asked for (`SHAPES`: held-out 30-70 messages,
  3-7 people, 1-4 hours, 3-8 problems; tuning 40-80 messages, 4-8 people, 1-5 hours,
  4-8 problems; both 1-3 channels and gaps of at most 40 minutes); the held-out set
  also holds conversations written to the tuning brief (en-63 … en-86, nl-63 … nl-86),
  so its bounds take in both;
* recomputes the nudges from the labels and the answering rule and asserts
  they equal the sidecar's hand-written nudge list.

The answering rule (fixed by the design):
  A problem P is answered by a proposal Q when Q is in the same channel,
  Q was posted after P and at most `window_minutes` after P, and Q is either
  top-level or in P's own thread (P's thread if P is a reply, else the thread
  rooted at P). A message labelled both problem and proposal answers itself.
  Every unanswered problem gets exactly one nudge, to its author.
To keep the examples unambiguous, no proposal that could answer a problem may
fall exactly on the window boundary (so "<= window" and "< window" agree).

Stdlib only. Usage: python examples/check_expected.py [--set conversations|tuning|larger-tables]
[-v] [name ...]  (the set defaults to conversations)
Exit status 0 when everything passes.
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Shape:
    messages: tuple[int, int]
    people: tuple[int, int]
    max_hours: int
    problems: tuple[int, int]
    min_hours: float = 1


SHAPES = {
    # Both briefs: en-63 … en-86 and nl-63 … nl-86 were written to the tuning one.
    "conversations": Shape(messages=(30, 80), people=(3, 8), max_hours=5, problems=(3, 8)),
    "tuning": Shape(messages=(40, 80), people=(4, 8), max_hours=5, problems=(4, 8)),
    # Larger tables reacting to proposals (examples/larger-tables/README.md).
    "larger-tables": Shape(
        messages=(25, 45), people=(6, 9), max_hours=5, problems=(0, 12), min_hours=0.5
    ),
}
KNOWN_LABELS = {"problem", "proposal", "concern", "agreement"}
KEYS = {"ts", "channel", "user", "text", "thread"}


def parse_ts(s: str) -> datetime:
    if not (isinstance(s, str) and s.endswith("Z")):
        raise ValueError(f"bad ts {s!r}")
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def fmt_delta(d: timedelta) -> str:
    s = int(d.total_seconds())
    return f"{s // 60}m{s % 60:02d}s"


def load_transcript(path: Path) -> list[dict]:
    msgs = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                raise AssertionError(f"{path.name}:{n}: empty line")
            m = json.loads(line)
            if set(m) != KEYS:
                raise AssertionError(f"{path.name}:{n}: keys {sorted(m)} != {sorted(KEYS)}")
            for k in ("ts", "channel", "user", "text"):
                if not isinstance(m[k], str) or not m[k].strip():
                    raise AssertionError(f"{path.name}:{n}: empty or non-string {k}")
            if m["thread"] is not None and not isinstance(m["thread"], str):
                raise AssertionError(f"{path.name}:{n}: thread must be null or a ts string")
            m["_t"] = parse_ts(m["ts"])
            m["_line"] = n
            msgs.append(m)
    return msgs


def check_transcript(name: str, msgs: list[dict]) -> list[str]:
    errors = []
    seen: dict[str, dict] = {}
    prev = None
    for m in msgs:
        if m["ts"] in seen:
            errors.append(f"line {m['_line']}: duplicate ts {m['ts']}")
        if prev is not None and m["_t"] <= prev["_t"]:
            errors.append(f"line {m['_line']}: ts {m['ts']} not after previous {prev['ts']}")
        if m["thread"] is not None:
            root = seen.get(m["thread"])
            if root is None:
                errors.append(f"line {m['_line']}: thread {m['thread']} is not an earlier message")
            elif root["thread"] is not None:
                errors.append(f"line {m['_line']}: thread {m['thread']} is not top-level")
            elif root["channel"] != m["channel"]:
                errors.append(
                    f"line {m['_line']}: thread root {m['thread']} is in {root['channel']},"
                    f" reply is in {m['channel']}"
                )
        seen[m["ts"]] = m
        prev = m
    return errors


def check_shape(msgs: list[dict], labels: dict[str, list[str]], shape: Shape) -> list[str]:
    errors = []
    n = len(msgs)
    low, high = shape.messages
    if not low <= n <= high:
        errors.append(f"{n} messages, want {low}-{high}")
    channels = {m["channel"] for m in msgs}
    if not 1 <= len(channels) <= 3:
        errors.append(f"{len(channels)} channels, want 1-3")
    users = {m["user"] for m in msgs}
    low, high = shape.people
    if not low <= len(users) <= high:
        errors.append(f"{len(users)} people, want {low}-{high}")
    if msgs:
        span = msgs[-1]["_t"] - msgs[0]["_t"]
        if not timedelta(hours=shape.min_hours) <= span <= timedelta(hours=shape.max_hours):
            errors.append(f"span {span}, want {shape.min_hours}-{shape.max_hours} hours")
        for a, b in itertools.pairwise(msgs):
            if b["_t"] - a["_t"] > timedelta(minutes=40):
                errors.append(f"gap of {b['_t'] - a['_t']} before {b['ts']}, want <= 40 min")
    n_problems = sum("problem" in labels.get(m["ts"], []) for m in msgs)
    low, high = shape.problems
    if not low <= n_problems <= high:
        errors.append(f"{n_problems} problems, want {low}-{high}")
    return errors


def own_thread(m: dict) -> str:
    return m["thread"] if m["thread"] is not None else m["ts"]


def answers(q: dict, p: dict, window: timedelta) -> bool:
    """Does proposal q answer problem p (ignoring labels)?"""
    if q["channel"] != p["channel"]:
        return False
    if not (p["_t"] < q["_t"] <= p["_t"] + window):
        return False
    return q["thread"] is None or q["thread"] == own_thread(p)


def compute_nudges(msgs, labels, window):
    """Return (nudges, notes, errors) following the answering rule."""
    nudges, notes, errors = [], [], []
    for p in msgs:
        if "problem" not in labels[p["ts"]]:
            continue
        if "proposal" in labels[p["ts"]]:
            notes.append(f"{p['ts']} {p['user']}: answers itself (problem + proposal)")
            continue
        answered_by = None
        for q in msgs:
            if "proposal" not in labels[q["ts"]] or q is p:
                continue
            if q["channel"] != p["channel"] or q["_t"] <= p["_t"]:
                continue
            d = q["_t"] - p["_t"]
            same_place = q["thread"] is None or q["thread"] == own_thread(p)
            if same_place and d == window:
                errors.append(
                    f"proposal {q['ts']} is exactly on the window boundary of problem {p['ts']}"
                )
            if answers(q, p, window):
                answered_by = answered_by or q
            elif same_place and window < d <= window + timedelta(minutes=2):
                notes.append(
                    f"{p['ts']} {p['user']}: proposal {q['ts']} just OUTSIDE window"
                    f" (+{fmt_delta(d)})"
                )
            elif not same_place and d <= window:
                notes.append(
                    f"{p['ts']} {p['user']}: proposal {q['ts']} in another thread"
                    f" (+{fmt_delta(d)}) does not answer"
                )
        if answered_by is None:
            nudges.append({"channel": p["channel"], "user": p["user"], "problem_ts": p["ts"]})
        else:
            d = answered_by["_t"] - p["_t"]
            where = "top level" if answered_by["thread"] is None else "own thread"
            tag = " (just inside)" if d >= window - timedelta(minutes=1) else ""
            notes.append(
                f"{p['ts']} {p['user']}: answered by {answered_by['ts']}"
                f" at {where} (+{fmt_delta(d)}){tag}"
            )
    return nudges, notes, errors


def check_one(jsonl: Path, verbose: bool) -> tuple[bool, str]:
    name = jsonl.name[: -len(".jsonl")]
    side_path = jsonl.parent / f"{name}.expected.json"
    errors: list[str] = []
    try:
        msgs = load_transcript(jsonl)
    except (AssertionError, ValueError, json.JSONDecodeError) as e:
        return False, f"{name}: FAIL\n  {e}"
    if not side_path.exists():
        return False, f"{name}: FAIL\n  missing {side_path.name}"
    side = json.loads(side_path.read_text(encoding="utf-8"))

    errors += check_transcript(name, msgs)

    expected_keys = {"window_minutes", "language", "description", "labels", "nudges"}
    if set(side) != expected_keys:
        errors.append(f"sidecar keys {sorted(side)} != {sorted(expected_keys)}")
    window_min = side.get("window_minutes")
    if window_min != 10:
        errors.append(f"window_minutes is {window_min!r}, want 10")
    lang = name.split("-", 1)[0]
    if side.get("language") != lang:
        errors.append(f"language {side.get('language')!r} does not match file name ({lang})")
    if not isinstance(side.get("description"), str) or not side["description"].strip():
        errors.append("description missing")

    labels = side.get("labels", {})
    ts_set = {m["ts"] for m in msgs}
    missing = ts_set - set(labels)
    extra = set(labels) - ts_set
    if missing:
        errors.append(f"no labels for {sorted(missing)}")
    if extra:
        errors.append(f"labels for unknown ts {sorted(extra)}")
    for ts, labs in labels.items():
        valid = isinstance(labs, list) and set(labs) <= KNOWN_LABELS
        if not valid or len(set(labs)) != len(labs):
            errors.append(f"bad labels at {ts}: {labs!r}")
    if errors:
        return False, f"{name}: FAIL\n  " + "\n  ".join(errors)

    errors += check_shape(msgs, labels, SHAPES[jsonl.parent.name])

    window = timedelta(minutes=window_min)
    computed, notes, rule_errors = compute_nudges(msgs, labels, window)
    errors += rule_errors

    written = side.get("nudges", [])
    for nd in written:
        if set(nd) != {"channel", "user", "problem_ts", "why"}:
            errors.append(f"nudge has keys {sorted(nd)}")
        elif not str(nd["why"]).strip():
            errors.append(f"nudge for {nd['problem_ts']} has an empty 'why'")
    strip = [{k: nd.get(k) for k in ("channel", "user", "problem_ts")} for nd in written]
    key = lambda nd: (nd["problem_ts"] or "", nd["channel"] or "", nd["user"] or "")  # noqa: E731
    if sorted(strip, key=key) != sorted(computed, key=key):
        w = {key(n) for n in strip}
        c = {key(n) for n in computed}
        for k in sorted(c - w):
            errors.append(f"rule nudges {k} but the sidecar does not")
        for k in sorted(w - c):
            errors.append(f"sidecar nudges {k} but the rule does not")
        if w == c:
            errors.append("nudge lists differ (duplicates?)")
    if [n["problem_ts"] for n in written] != sorted(n["problem_ts"] for n in written):
        errors.append("sidecar nudges are not in problem_ts order")

    counts = {lab: sum(lab in v for v in labels.values()) for lab in sorted(KNOWN_LABELS)}
    summary = (
        f"{name}: {len(msgs)} messages, {counts['problem']} problems,"
        f" {len(computed)} nudges; labels {counts}"
    )
    if errors:
        return False, f"{summary}\n  FAIL\n  " + "\n  ".join(errors)
    out = f"{summary}  OK"
    if verbose:
        out += "\n    " + "\n    ".join(notes)
    return True, out


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    chosen = "conversations"
    if "--set" in argv:
        at = argv.index("--set")
        chosen = argv[at + 1] if at + 1 < len(argv) else ""
        argv = argv[:at] + argv[at + 2 :]
    if chosen not in SHAPES:
        print(f"--set must be one of {', '.join(SHAPES)}")
        return 2
    names = [a for a in argv if not a.startswith("-")]
    files = sorted((HERE / chosen).glob("*.jsonl"))
    if names:
        files = [f for f in files if f.name[: -len(".jsonl")] in names]
    if not files:
        print("no conversations found")
        return 1
    ok_all = True
    for f in files:
        ok, text = check_one(f, verbose)
        ok_all &= ok
        print(text)
    print("PASS" if ok_all else "FAILED")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
