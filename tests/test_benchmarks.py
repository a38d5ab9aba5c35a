"""The benchmarks' command lines: `make bench` runs the full replay, a smaller one is asked."""

from __future__ import annotations

import pytest

from benchmarks.replay import CHANNELS, MESSAGES, options


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
