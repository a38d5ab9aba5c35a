"""`make eval`'s short-message section (labels per language, and which problems reach
the watch bar), and the intervals of its nudge figures."""

from __future__ import annotations

import json
from dataclasses import replace
from operator import attrgetter
from pathlib import Path

import pytest

from rules.classifier.trained import TrainedClassifier
from rules.understanding import Thresholds
from tests.helpers import TaggedClassifier, write_table_conversation
from training.dataset import Example
from training.evaluate import (
    CONVERSATIONS,
    PROBES,
    Replays,
    alone_nudge_section,
    main,
    misses_section,
    nudge_section,
    probe_section,
    request_section,
    word_section,
)
from training.nudges import NudgeScore, interval, nudged_alone
from training.stances import load_replies, stance_section


@pytest.fixture(scope="module")
def trained() -> TrainedClassifier:
    return TrainedClassifier.load()


def line(n: int, text: str, lang: str, *labels: str) -> Example:
    return Example(f"p{n}", text, lang, labels, "probe", "probe")


def test_probe_section_counts_what_reaches_the_watch_bar(trained, rule_classifier):
    probe = [
        line(1, "the printer on floor 2 is jammed again", "en", "problem"),
        line(2, "shall we move the stand-up to 9:30?", "en", "proposal"),
        line(3, "thanks, have a nice weekend", "en"),
        line(4, "de verwarming doet het weer niet", "nl", "problem"),
        line(5, "goedemorgen allemaal", "nl"),
    ]
    watch = trained.bars.watch
    scores = [r.scores["problem"] for r in trained.classify_many([e.text for e in probe])]
    assert scores[0] >= watch and scores[3] >= watch  # clear problems, as the test needs
    assert max(scores[1], scores[2], scores[4]) < watch

    section = probe_section(probe, trained, rule_classifier, "tiny.jsonl")
    assert section.startswith("## Probe tiny.jsonl (5 messages written apart from the corpus")
    assert f"en: 1 of 1 problems reach the watch bar ({watch}), and 0 of 2 other" in section
    assert f"nl: 1 of 1 problems reach the watch bar ({watch}), and 0 of 1 other" in section
    [row] = [row for row in section.splitlines() if row.startswith("| en | problem")]
    assert row.startswith("| en | problem | 1.00 | 1.00 | 1.00 |")  # trained P, R, F1


def test_probe_section_scores_the_hard_negatives_a_probe_marks(tagged):
    """A probe that marks hard negatives (unimagined.jsonl) shows how often each
    classifier gets them wrong; one that marks none shows no such table."""
    marked = [
        line(1, "no problem, #proposal I'll ring them", "en", "proposal"),
        line(2, "agree with Hanna #agreement, lovely hall", "en"),
        line(3, "geen zorgen, de sleutel ligt onder de mat", "nl"),
    ]
    probe = [replace(e, hard_negative=True) for e in marked]
    probe.append(line(4, "de printer is stuk #problem", "nl", "problem"))
    section = probe_section(probe, tagged, tagged, "marked.jsonl")
    assert "Hard negatives (cue word, label absent):" in section
    assert "| en | 0.50 | 0.50 | 0.50 | 0.50 | 2 |" in section  # the agreement it invites
    assert "| nl | 0.00 | 0.00 | 0.00 | 0.00 | 1 |" in section
    assert "| all | 0.33 | 0.33 | 0.33 | 0.33 | 3 |" in section

    unmarked = probe_section([replace(e, hard_negative=False) for e in probe], tagged, tagged)
    assert "Hard negatives" not in unmarked


def test_request_section_counts_tasks_per_set_and_language(tmp_path):
    rows = [
        ("Ben, can you send the rota today?", "en", True),  # found
        ("Kemi, put the sign up", "en", True),  # a plain order: missed
        ("Sam, shall we move the stand-up?", "en", False),
        ("Noor, kun jij Bram bellen?", "nl", True),  # found
        ("Sanne, kun je me zeggen of het lukt?", "nl", False),  # taken as a task: wrong
    ]
    lines = [json.dumps({"text": t, "lang": lang, "request_to_one": g}) for t, lang, g in rows]
    (tmp_path / "set-9.jsonl").write_text("\n".join(lines), "utf-8")
    section = request_section(tmp_path)
    assert section.startswith("## Requests to one named person, never offered for recording")
    assert "| set-9 | en | 2 | 1 | 1 | 1.00 | 0.50 |" in section
    assert "| set-9 | nl | 1 | 2 | 1 | 0.50 | 1.00 |" in section
    assert "| set-9 | all | 3 | 3 | 2 | 0.67 | 0.67 |" in section


def test_the_probes_are_never_training_data():
    """Training reads data/corpus, the splits, feedback and the tuning conversations;
    the probes live apart from all of them."""
    from training.config import load_config

    config = load_config()
    for folder in (config.corpus, config.splits, config.feedback):
        assert PROBES.resolve() != folder.resolve()
        assert folder.resolve() not in PROBES.resolve().parents


def test_a_nudge_interval_holds_the_figure_and_narrows_with_more_conversations():
    parts = [NudgeScore(3, 3, 3), NudgeScore(2, 3, 1), NudgeScore(4, 4, 3), NudgeScore(3, 2, 2)]
    total = sum(parts, NudgeScore(0, 0, 0))
    low, high = interval(parts, attrgetter("precision"))
    assert 0.0 <= low < total.precision < high <= 1.0
    assert interval(parts, attrgetter("precision")) == (low, high)  # the seed is fixed
    many_low, many_high = interval(parts * 8, attrgetter("precision"))
    assert high - low > many_high - many_low > 0


def test_a_nudge_interval_has_no_width_when_every_conversation_scores_alike():
    parts = [NudgeScore(4, 5, 3)] * 12
    assert interval(parts, attrgetter("recall")) == pytest.approx((0.75, 0.75))
    with pytest.raises(ValueError, match="no conversations"):
        interval([], attrgetter("recall"))


def test_the_nudge_table_gives_each_figure_its_interval(monkeypatch, tmp_path, rule_classifier):
    # One conversation: every redraw is that conversation, so each interval is the figure.
    for name in ("en-01.jsonl", "en-01.expected.json"):
        (tmp_path / name).write_bytes((CONVERSATIONS / name).read_bytes())
    monkeypatch.setattr("training.evaluate.CONVERSATIONS", tmp_path)
    section = nudge_section({"rules": (rule_classifier, Thresholds(), "normal", False)})
    assert section.startswith("## Nudges replaying 1 held-out example conversations")
    assert "| precision 95% | recall 95% |" in section
    [row] = [row for row in section.splitlines() if row.startswith("| rules | all |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    precision, recall = cells[5], cells[6]
    assert cells[7:9] == [f"{precision}-{precision}", f"{recall}-{recall}"]


def test_the_nudge_table_reads_again_with_a_candidate_encoder(monkeypatch, tmp_path):
    """`--encoder DIR`: the candidate, not the shipped encoder, confirms or closes."""
    import json

    from rules.understanding import SecondReading
    from tests.helpers import TaggedClassifier, TaggedSecondReader

    lines = [
        ("09:00", "ann", "#problem #2-problem the lift is stuck"),  # the candidate agrees
        ("09:30", "ben", "#problem the printer is jammed"),  # the candidate doubts it
    ]
    stamp = "2026-03-02T{}:00Z".format
    with (tmp_path / "en-candidate.jsonl").open("w", encoding="utf-8") as out:
        for clock, user, text in lines:
            out.write(json.dumps({"ts": stamp(clock), "channel": "C1", "user": user, "text": text}))
            out.write("\n")
    nudges = [{"channel": "C1", "user": u, "problem_ts": stamp(c)} for c, u, _ in lines]
    sidecar = {"window_minutes": 10, "language": "en", "nudges": nudges}
    (tmp_path / "en-candidate.expected.json").write_text(json.dumps(sidecar), encoding="utf-8")
    monkeypatch.setattr("training.evaluate.CONVERSATIONS", tmp_path)
    bars = Thresholds(watch=0.9, answer=0.5)
    reader = TaggedSecondReader(
        SecondReading(bars=Thresholds(watch=0.75, answer=0.6), answer_from=0.2)
    )
    runs = {
        "again": (TaggedClassifier(), bars, "normal", True),
        "once": (TaggedClassifier(), bars, "normal", False),
    }

    section = nudge_section(runs, reader)

    def sent_and_right(name: str) -> list[str]:
        [row] = [row for row in section.splitlines() if row.startswith(f"| {name} | all |")]
        return [cell.strip() for cell in row.strip("|").split("|")][3:5]

    assert sent_and_right("again") == ["1", "1"]
    assert sent_and_right("once") == ["2", "2"]
    assert any("the printer" in text for text in reader.read)


def test_evaluate_refuses_a_candidate_folder_without_an_encoder(tmp_path):
    with pytest.raises(SystemExit, match="--encoder: no encoder in"):
        main(["--encoder", str(tmp_path)])


def test_evaluate_refuses_a_candidate_encoder_without_bars(tmp_path):
    from rules.classifier.encoder import ENCODER_DIR

    for name in ("pieces.json", "weights.npz"):  # the shipped encoder, less its bars.json
        (tmp_path / name).write_bytes((ENCODER_DIR / name).read_bytes())
    with pytest.raises(SystemExit, match=r"has no bars\.json"):
        main(["--encoder", str(tmp_path)])


def test_the_word_to_a_proposer_is_counted_against_the_labels_and_the_roster(tmp_path):
    # Six people post; two tag a yes, but the labels say chris's "+1" was no yes.
    write_table_conversation(
        tmp_path,
        [
            ("ben", "#proposal let's rotate the weekend shift", ["proposal"]),
            ("anna", "#agreement yes", ["agreement"]),
            ("chris", "#agreement +1", []),
            ("dana", "morning", []),
            ("eve", "morning all", []),
            ("fay", "hi", []),
        ],
    )
    sets = {"known from the start": (tmp_path, True), "so far": (tmp_path, False)}
    section = word_section(TaggedClassifier(), Thresholds(), False, sets, Replays())
    rows = {
        row.split("|")[1].strip(): [cell.strip() for cell in row.strip("|").split("|")]
        for row in section.splitlines()
        if row.startswith("| ") and "| all |" in row
    }
    # Known from the start, two yeses of five others: the bot says a word the labels
    # do not. So far, two of the two others who had posted are most of the table.
    assert rows["known from the start"][2:5] == ["0", "1", "0"]
    assert rows["so far"][2:5] == ["0", "0", "0"]


def test_the_measured_replay_nudges_by_the_window_and_the_default_one_waits_for_morning(
    tmp_path, monkeypatch
):
    """The expected nudges say which problems deserve one, not when: the measured replay
    leaves quiet hours out. With the bot's default quiet hours (21:00-08:00 on the
    conversation's clock) a problem named at 06:00 waits for 08:00, and a proposal made
    meanwhile in its thread answers it: no nudge."""
    from training.nudges import replay

    monkeypatch.delenv("GROUNDRULES_QUIET_HOURS", raising=False)  # the bot's default
    path = tmp_path / "en-early.jsonl"
    lines = [
        ("2026-03-02T06:00:00Z", "ben", "#problem the night shift left no handover notes"),
        ("2026-03-02T07:30:00Z", "anna", "morning all"),
        (
            "2026-03-02T07:40:00Z",
            "anna",
            "#proposal we keep a handover sheet at the desk",
            "2026-03-02T06:00:00Z",
        ),
        ("2026-03-02T09:00:00Z", "anna", "coffee?"),
    ]
    with path.open("w", encoding="utf-8") as out:
        for ts, user, text, *thread in lines:
            out.write(json.dumps({"ts": ts, "channel": "C1", "user": user, "text": text,
                                  "thread": thread[0] if thread else None}) + "\n")  # fmt: skip
    sidecar = {"window_minutes": 10, "language": "en", "labels": {}, "nudges": []}
    path.with_suffix(".expected.json").write_text(json.dumps(sidecar), encoding="utf-8")
    classifier, bars = TaggedClassifier(), Thresholds()
    measured = replay(classifier, path, bars, second_reading=False)
    assert {user for _, user, _ in measured.nudges} == {"ben"}
    at_night = replay(classifier, path, bars, second_reading=False, quiet_hours=True)
    assert at_night.nudges == frozenset()


def test_stance_section_counts_replies_read_after_their_proposal(tmp_path):
    probe = tmp_path / "stances.jsonl"
    lines = [
        ("en", "#proposal lunch at 12", "#agreement fine", "agree"),
        ("en", "#proposal lunch at 12", "#concern too early", "concern"),
        ("nl", "#proposal lunch om 12", "#agreement prima", "concern"),
        ("nl", "#proposal lunch om 12", "hoe laat?", "none"),
    ]
    probe.write_text(
        "".join(
            json.dumps({"id": f"s{n}", "lang": lang, "proposal": p, "reply": r, "stance": s}) + "\n"
            for n, (lang, p, r, s) in enumerate(lines)
        ),
        encoding="utf-8",
    )
    shown = stance_section(load_replies(probe), {"tagged": (TaggedClassifier(), None)}, "x")
    assert "tagged, en: 2 of 2 right (1.000)" in shown
    assert "tagged, nl: 1 of 2 right (0.500)" in shown
    assert "| tagged | nl | concern | 1 | 0 | 0 |" in shown


def test_a_probes_lines_posted_alone_are_nudged_as_the_bot_would(tagged):
    """Each line replayed alone through the real engine: a problem that proposes nothing
    is nudged, one that proposes in the same message is not, nor is anything else."""
    probe = [
        line(1, "#problem the printer on floor 2 is jammed again", "en", "problem"),
        line(2, "#problem #proposal jammed, call the supplier?", "en", "problem", "proposal"),
        line(3, "#proposal shall we move the stand-up to 9:30?", "en", "proposal"),
        line(4, "#problem de verwarming doet het weer niet", "nl", "problem"),
        line(5, "#problem de lift is kapot, neem de trap", "nl", "problem", "proposal"),
        line(6, "goedemorgen allemaal", "nl"),
    ]
    assert nudged_alone(tagged, probe, tagged.bars, second_reading=False) == [
        True, False, False, True, True, False,
    ]  # fmt: skip
    section = alone_nudge_section(probe, tagged, tagged.bars, "tiny.jsonl", second_reading=False)
    assert section.startswith("## Nudges on probe tiny.jsonl, each line posted alone")
    # Line 5 is labelled problem + proposal but tagged a problem only: the one wrong nudge.
    assert "| en | 0 of 1 | 1 of 1 | 0 of 1 |" in section, section
    assert "| nl | 1 of 1 | 1 of 1 | 0 of 1 |" in section, section
    assert "| all | 1 of 2 | 2 of 2 | 0 of 2 |" in section, section


def test_a_probes_wrong_lines_are_listed_with_both_readings(tagged):
    """`--misses`: a problem proposing nothing that was not nudged, and a nudge that was
    no such problem, each with both readings' problem and proposal scores; the lines the
    bot got right are left out."""
    from rules.understanding import SecondReading
    from tests.helpers import TaggedSecondReader

    probe = [
        line(1, "#problem the printer is jammed", "en", "problem"),
        line(2, "#maybe-problem #2-problem till | short", "en", "problem"),
        line(3, "#problem #2-proposal late, I'll ring", "en", "problem", "proposal"),
        line(4, "goedemorgen allemaal", "nl"),
    ]
    reader = TaggedSecondReader(SecondReading(bars=Thresholds(watch=0.5), answer_from=0.2))
    section = misses_section(probe, [True, False, True, False], tagged, reader, "tiny.jsonl")
    rows = [row for row in section.splitlines() if row.startswith("| p")]
    assert rows == [
        r"| p2 | missed | 0.60 / 0.00 | 1.00 / 0.00 | #maybe-problem #2-problem till \| short |",
        "| p3 | nudged | 1.00 / 0.00 | 0.00 / 1.00 | #problem #2-proposal late, I'll ring |",
    ]
    assert reader.read == [probe[1].text, probe[2].text]  # only the wrong ones are read
    alone = misses_section(probe, [True, False, True, False], tagged, None, "tiny.jsonl")
    assert "second:" not in alone and "| p2 | missed | 0.60 / 0.00 | #maybe" in alone
    right = misses_section(probe[:1], [True], tagged, reader, "tiny.jsonl")
    assert right.endswith("none")


def write_probe(path, records) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


def test_evaluate_measures_a_probe_kept_outside_the_repository(tmp_path, capsys):
    """Real public text is not ours to publish: `--probe` measures a file kept elsewhere
    (labels and the bot's nudges on each line), and nothing else."""
    probe = tmp_path / "real.jsonl"
    write_probe(probe, [
        {"id": "r1", "text": "the printer on floor 2 is jammed again", "lang": "en",
         "labels": ["problem"], "source": "a forum", "previous": None},
        {"id": "r2", "text": "thanks, have a nice weekend", "lang": "en", "labels": []},
        {"id": "r3", "text": "de verwarming doet het weer niet", "lang": "nl",
         "labels": ["problem"]},
        {"id": "r4", "text": "goedemorgen allemaal", "lang": "nl", "labels": []},
    ])  # fmt: skip
    assert main(["--probe", str(probe)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Probe real.jsonl (4 messages written apart from the corpus")
    assert "## Nudges on probe real.jsonl, each line posted alone (the bot as it runs)" in out
    assert "| en | 0 of 0 | 1 of 1 | 0 of 1 |" in out, out
    assert "| nl | 0 of 0 | 1 of 1 | 0 of 1 |" in out, out
    assert "Nudges replaying" not in out  # only the probe

    write_probe(probe, [{"id": "r1", "text": "hello all", "lang": "nl", "labels": []}])
    assert main(["--probe", str(probe)]) == 0
    out = capsys.readouterr().out
    assert "| nl | problem |" in out and "| nl | 0 of 0 | 0 of 0 | 0 of 1 |" in out, out
    assert "| en |" not in out and "| all |" not in out, out  # a probe in one language


def test_evaluate_names_a_probe_line_it_cannot_read(tmp_path):
    probe = tmp_path / "real.jsonl"
    write_probe(probe, [{"id": "r1", "text": "hello", "lang": "en", "labels": []}])
    with probe.open("a", encoding="utf-8") as more:
        more.write('{"id": "r2", "text": "no labels known", "lang": "en", "labels": ["bug"]}\n')
    with pytest.raises(SystemExit, match=r"real.jsonl, line 2: r2: unknown labels \['bug'\]"):
        main(["--probe", str(probe)])
    write_probe(probe, [{"id": "r1", "lang": "en", "labels": []}])
    with pytest.raises(SystemExit, match=r"real.jsonl, line 1: no 'text'"):
        main(["--probe", str(probe)])
    with pytest.raises(SystemExit, match=r"missing.jsonl: No such file"):
        main(["--probe", str(tmp_path / "missing.jsonl")])


def _write_fresh_conversation(folder: Path, expected_at: list[str]) -> None:
    """A two-line conversation: a clear problem at 09:00 and small talk at 09:40, with
    the nudges expected on the lines at `expected_at` (whatever the lines say)."""
    stamp = "2026-03-02T{}:00Z".format
    lines = [
        ("09:00", "ann", "the lift on the ward is stuck between floors again"),
        ("09:40", "ben", "good morning everyone, coffee is in the kitchen"),
    ]
    with (folder / "en-fresh.jsonl").open("w", encoding="utf-8") as out:
        for clock, user, text in lines:
            record = {"ts": stamp(clock), "channel": "C1", "user": user, "text": text}
            out.write(json.dumps(record | {"thread": None}) + "\n")
    users = dict((clock, user) for clock, user, _ in lines)
    sidecar = {
        "window_minutes": 10,
        "language": "en",
        "labels": {stamp("09:00"): ["problem"], stamp("09:40"): []},
        "nudges": [
            {"channel": "C1", "user": users[c], "problem_ts": stamp(c)} for c in expected_at
        ],
    }
    (folder / "en-fresh.expected.json").write_text(json.dumps(sidecar), encoding="utf-8")


def test_evaluate_measures_the_nudges_of_a_fresh_set_of_conversations(tmp_path, capsys):
    """`--conversations DIR`: a set written apart is measured before it joins the
    held-out one, with the nudges the bot really sends there, and nothing else."""
    _write_fresh_conversation(tmp_path, expected_at=["09:00"])

    assert main(["--conversations", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"## Nudges replaying 1 conversations in {tmp_path}" in out, out
    assert "held-out example conversations" not in out  # not the held-out set
    assert "## Labels" not in out and "## Agreements" not in out  # only the nudges
    [row] = [r for r in out.splitlines() if r.startswith("| trained (the model's bars) | all |")]
    expected, sent, right = (cell.strip() for cell in row.strip("|").split("|")[2:5])
    assert (expected, sent, right) == ("1", "1", "1"), row

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SystemExit, match="empty: no conversations"):
        main(["--conversations", str(empty)])


def test_evaluate_lists_the_nudges_it_got_wrong_in_a_fresh_set(tmp_path, capsys):
    """`--conversations DIR --misses`: the nudge the bot did not send where one was
    expected, and the one it sent where none was, each with its text and scores."""
    _write_fresh_conversation(tmp_path, expected_at=["09:40"])  # wrongly, on purpose

    assert main(["--conversations", str(tmp_path), "--misses"]) == 0
    out = capsys.readouterr().out
    listed = out.split(f"## Nudges the bot got wrong in {tmp_path}", 1)[1]
    rows = {r.split("|")[2].strip(): r for r in listed.splitlines() if r.startswith("| en-fresh")}
    assert set(rows) == {"missed", "nudged"}, listed
    assert "coffee is in the kitchen" in rows["missed"]
    assert "the lift on the ward is stuck" in rows["nudged"]

    _write_fresh_conversation(tmp_path, expected_at=["09:00"])  # as it should be
    main(["--conversations", str(tmp_path), "--misses"])
    assert f"## Nudges the bot got wrong in {tmp_path}\n\nnone" in capsys.readouterr().out
