"""The benchmarks' command lines: `make bench` runs the full replay, a smaller one is asked."""

from __future__ import annotations

import pytest

from benchmarks.replay import (
    CHANNELS,
    MESSAGES,
    measure_classify_passes,
    options,
    reference_textcat,
)
from rules.classifier import LABELS
from rules.classifier.spacy_import import import_spacy


def test_replay_bench_defaults_to_the_full_replay():
    chosen = options([])
    assert (chosen.messages, chosen.channels, chosen.second_reading) == (MESSAGES, CHANNELS, None)


def test_replay_bench_help_describes_it_and_runs_nothing(capsys):
    with pytest.raises(SystemExit) as done:
        options(["--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert "--messages" in shown and "--channels" in shown


def test_replay_bench_takes_a_smaller_size_and_refuses_none(capsys):
    chosen = options(["--messages", "500", "--channels", "3"])
    assert (chosen.messages, chosen.channels) == (500, 3)
    with pytest.raises(SystemExit):
        options(["--messages", "0"])
    assert "at least 1" in capsys.readouterr().err


def test_scale_bench_defaults_to_a_year_of_a_big_organisation_and_refuses_too_little(capsys):
    from benchmarks.big_org import YEAR
    from benchmarks.scale import options

    chosen = options([])
    assert (chosen.agreements, chosen.members) == (YEAR.agreements, YEAR.big_members)
    with pytest.raises(SystemExit):
        options(["--agreements", "5"])
    assert "at least 10" in capsys.readouterr().err


def test_scale_bench_measures_each_path_beside_its_former_form():
    from benchmarks.big_org import Size
    from benchmarks.scale import main

    small = Size(tables=3, big_members=30, members=6, agreements=40, meetings=4, corrections=20)
    figures = main(small)
    for path in ("reviews_at_start", "mandates_due", "report_words", "report_concerns",
                 "answer_reads_round", "report_choices"):  # fmt: skip
        assert figures[path]["ms"] > 0 and figures[path]["former_ms"] > 0, path


def test_rosters_bench_reads_a_channel_both_ways_and_refuses_a_channel_bigger_than_all(capsys):
    import asyncio
    import json

    from benchmarks.rosters import main, options

    assert (options([]).members, options([]).people) == (3_000, 10_000)
    with pytest.raises(SystemExit):
        options(["--members", "20", "--people", "10"])
    assert "at most --people" in capsys.readouterr().err

    assert asyncio.run(main(members=300, people=900)) == 0
    figures = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert figures["looked_up_calls"] == 300 + 2  # and conversations.members, 200 a page
    assert figures["listed_calls"] < 10 and figures["rate_limited_ratio"] > 1


def test_the_issues_reference_textcat_reads_every_message_with_the_four_labels():
    reference = reference_textcat()
    docs = list(reference.pipe(["", "why is staging down again?", "zullen we legal vragen?"]))
    assert [sorted(doc.cats) for doc in docs] == [sorted(LABELS)] * 3
    assert "sparse_linear" in reference.get_pipe("textcat_multilabel").model.name  # a bag of words


def test_classify_passes_are_read_beside_the_tokenizer_and_the_reference(trained_classifier):
    sample = ["", "why is staging down again?", "zullen we legal vragen?", "👍"] * 25
    tokenizer = import_spacy().blank("en").tokenizer
    figures = measure_classify_passes(trained_classifier, sample, tokenizer, reference_textcat())
    assert figures["best_msgs_per_s"] > 0 and figures["reference_msgs_per_s"] > 0
    assert figures["reference_ratio"] == pytest.approx(
        figures["best_msgs_per_s"] / figures["reference_msgs_per_s"]
    )
    assert figures["tokenizer_ratio"] > 0
