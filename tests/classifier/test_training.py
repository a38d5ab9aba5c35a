"""`make train`'s code path on a tiny corpus: fast, deterministic, faithful to sklearn,
and learning from corrections exported from a real database."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from bot.bootstrap import bootstrap
from bot.feedback import export_corrections
from bot.settings import Settings
from rules.classifier import LABELS
from rules.classifier.rule_based import RuleClassifier
from rules.classifier.trained import NEEDS_WORDS, TrainedClassifier
from rules.events import MessageRelabelled
from tests.helpers import Chat, TaggedClassifier, write_conversation
from training import prepare
from training import train as make_train
from training.config import load_config
from training.dataset import Example, fold_feedback, load_split, previous_lines, write_jsonl
from training.linear import _fit_target, design_matrix, fit_models, follows_problem
from training.thresholds import label_thresholds

ROOT = Path(__file__).resolve().parents[2]
CORRECTED = "the coffee machine on floor two is making a funny noise"

# (text, labels) per batch: a tiny corpus in both languages, two batches per split.
TINY = {
    "train": {
        "en-a": [
            ("the printer is broken again", ["problem"]),
            ("staging is down and nobody can deploy", ["problem"]),
            ("let's call the service desk", ["proposal"]),
            ("I'll order a new toner today", ["proposal"]),
            ("agreed, go ahead", ["agreement"]),
            ("I'm worried the new rota will overload the night shift", ["concern"]),
            ("good morning everyone", []),
            ("no problem, thanks", []),
        ],
        "en-b": [
            ("the van has a flat tyre and the pickup is at ten", ["problem"]),
            ("we could ask the church for their van", ["proposal"]),
            ("sounds good to me", ["agreement"]),
            ("not sure that works for the parents", ["concern"]),
            ("the fridge is too warm again", ["problem"]),
            ("shall we move the meeting to friday?", ["proposal"]),
            ("fine by me", ["agreement"]),
            ("thanks all, see you tomorrow", []),
        ],
        "nl-a": [
            ("de printer is weer kapot", ["problem"]),
            ("zullen we de helpdesk bellen?", ["proposal"]),
            ("akkoord", ["agreement"]),
            ("ik maak me zorgen dat het rooster te krap wordt", ["concern"]),
            ("goedemorgen allemaal", []),
            ("niemand weet wie de sleutel heeft", ["problem"]),
            ("ik bel morgen de leverancier", ["proposal"]),
            ("prima, doen we", ["agreement"]),
        ],
    },
    "dev": {
        "en-c": [
            ("the wifi keeps dropping in room 3", ["problem"]),
            ("let's ask IT to look at it", ["proposal"]),
            ("ok, agreed", ["agreement"]),
            ("have a nice weekend", []),
        ],
        "nl-c": [
            ("de koffieautomaat lekt weer", ["problem"]),
            ("laten we een monteur bellen", ["proposal"]),
            ("goed plan", ["agreement"]),
            ("fijne avond", []),
        ],
    },
    "test": {
        "en-d": [("the lift is broken", ["problem"]), ("thanks!", [])],
        "nl-d": [("de lift is kapot", ["problem"]), ("dank je", [])],
    },
}


def write_tiny_corpus(root: Path) -> Path:
    splits = root / "splits"
    for split, batches in TINY.items():
        records = []
        for batch, lines in batches.items():
            for n, (text, labels) in enumerate(lines, start=1):
                records.append(
                    Example(
                        f"{batch}-{n:04d}", text, batch[:2], tuple(labels), "tiny", batch
                    ).record()
                )
        write_jsonl(splits / f"{split}.jsonl", records)
    return splits


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A tmp dir with splits and a config.toml pointing at it (the real one's settings)."""
    write_tiny_corpus(tmp_path)
    real = (ROOT / "training" / "config.toml").read_text("utf-8")
    paths = {
        'splits = "data/splits"': f'splits = "{tmp_path / "splits"}"',
        'feedback = "data/feedback"': f'feedback = "{tmp_path / "feedback"}"',
        'model = "rules/classifier/model"': f'model = "{tmp_path / "model"}"',
        "min_df = 2": "min_df = 1",
        "folds = 5": "folds = 2",
        "step = 0.01": "step = 0.05",
        "tuning_folds = 4": "tuning_folds = 0",  # the real tuning set only chooses bars
        # replaying the real tuning set for each margin takes a minute: chosen below on
        # tiny conversations instead
        "consent_margins = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]": (
            "consent_margins = []"
        ),
    }
    for old, new in paths.items():
        assert old in real, old
        real = real.replace(old, new)
    (tmp_path / "config.toml").write_text(real, "utf-8")
    return tmp_path


def scores_of(model: Path, texts: list[str]) -> list[dict[str, float]]:
    classifier = TrainedClassifier.load(model)
    return [dict(result.scores) for result in classifier.classify_many(texts)]


def test_make_train_reproduces_a_pipeline_deterministically(tiny, capsys):
    texts = ["the printer is broken", "zullen we bellen?", "akkoord", "hello"]
    assert make_train.main([str(tiny / "config.toml")]) == 0
    assert "wrote" in capsys.readouterr().out
    first = scores_of(tiny / "model", texts)
    meta = json.loads((tiny / "model" / "meta.json").read_text("utf-8"))["groundrules"]
    assert set(meta["thresholds"]) == set(LABELS)
    assert meta["trained_on"]["lines"] == 24 + 8  # train + dev, the test split untouched
    # a table asking for fewer nudges gets a surer watch bar, and the bot reads it
    assert meta["bars"]["surer"] > meta["bars"]["watch"]
    assert TrainedClassifier.load(tiny / "model").bars.surer == meta["bars"]["surer"]
    # again, into another folder: the same pipeline, the config's own left as it was
    written = (tiny / "model" / "meta.json").stat().st_mtime_ns
    assert make_train.main([str(tiny / "config.toml"), "--output", str(tiny / "again")]) == 0
    assert scores_of(tiny / "again", texts) == first
    assert (tiny / "model" / "meta.json").stat().st_mtime_ns == written
    # the reaction head is saved and loaded with the rest
    assert all(
        c.reaction is not None for c in TrainedClassifier.load(tiny / "model").classify_many(texts)
    )
    # it learnt something: each clear case scores highest on its own label
    assert max(first[0], key=first[0].get) == "problem"
    assert max(first[2], key=first[2].get) == "agreement"


@pytest.mark.parametrize("module", [make_train, prepare])
def test_the_training_commands_explain_themselves_and_name_a_missing_settings_file(
    module, tmp_path, capsys
):
    with pytest.raises(SystemExit) as asked:
        module.main(["--help"])
    assert asked.value.code == 0
    assert "config" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        module.main([str(tmp_path / "nowhere.toml")])
    assert refused.value.code == 2
    assert f"no settings file at {tmp_path / 'nowhere.toml'}" in capsys.readouterr().err


def with_log_count_power(config, power: float):
    return replace(config, model=replace(config.model, log_count_power=power))


def test_the_component_saved_half_width_scores_within_a_thousandth(tiny, tmp_path):
    config = load_config(tiny / "config.toml")
    examples = load_split(config.splits, "train")
    fitted = fit_models(examples, config)
    texts = [e.text for e in examples] + ["something else entirely, STILL"]
    before = np.array([[d.cats[label] for label in LABELS] for d in fitted.nlp.pipe(texts)])
    fitted.nlp.to_disk(tmp_path / "saved")
    reloaded = TrainedClassifier.load(tmp_path / "saved").classify_many(texts)
    after = np.array([[c.scores[label] for label in LABELS] for c in reloaded])
    assert np.abs(after - before).max() < 1e-3
    with np.load(tmp_path / "saved" / "textcat" / "weights.npz") as stored:
        assert stored["weights"].dtype == np.float16


@pytest.mark.parametrize("power", [0.0, 0.5])
def test_component_reproduces_scikit_learn(tiny, power):
    config = with_log_count_power(load_config(tiny / "config.toml"), power)
    examples = load_split(config.splits, "train")
    fitted = fit_models(examples, config)
    texts = [e.text for e in examples] + ["something else entirely, STILL"]
    wordless = ["", "?", "👍 10"]
    ours = np.array(
        [[doc.cats[label] for label in LABELS] for doc in fitted.nlp.pipe(texts + wordless)]
    )
    theirs = fitted.probabilities(texts + wordless)
    assert np.allclose(ours[: len(texts)], theirs[: len(texts)], atol=1e-6)
    # Without a letter a message names no problem and proposes nothing; the rest is
    # the model's.
    needs_words = [LABELS.index(label) for label in NEEDS_WORDS]
    rest = [i for i in range(len(LABELS)) if i not in needs_words]
    assert not ours[len(texts) :, needs_words].any()
    assert np.allclose(ours[len(texts) :, rest], theirs[len(texts) :, rest], atol=1e-6)


def test_reaction_head_learns_which_lines_follow_a_problem_and_reproduces_scikit_learn(tiny):
    config = load_config(tiny / "config.toml")
    examples = load_split(config.splits, "train")
    target = follows_problem(examples)
    before = previous_lines(examples)
    assert [bool(t) for t in target] == [
        b is not None and examples[b].has("problem") and not examples[b].has("proposal")
        for b in before
    ]
    assert target.any() and not target.all()
    fitted = fit_models(examples, config)
    texts = [e.text for e in examples] + ["again??", ""]
    reported = [c.reaction for c in TrainedClassifier(fitted.nlp).classify_many(texts)]
    assert np.allclose(reported, fitted.reaction_probabilities(texts), atol=1e-4)
    # off in the config: no head, and classifications say so
    plain = fit_models(examples, replace(config, context=replace(config.context, reaction=False)))
    assert TrainedClassifier(plain.nlp).classify("again??").reaction is None
    with pytest.raises(ValueError, match="no reaction head"):
        plain.reaction_probabilities(["again??"])


def test_the_in_context_head_is_fitted_to_its_own_tolerance(tiny):
    # Fitted to scikit-learn's default, it moved with another machine's rounding of
    # the scores it reads (training/RESULTS.md); the text-alone heads keep the default.
    config = load_config(tiny / "config.toml")
    assert config.context.tol == 1e-6
    config = replace(config, context=replace(config.context, tol=1e-8))
    examples = load_split(config.splits, "train")
    context = np.full((len(examples), len(LABELS)), np.nan)
    context[1:] = 0.5
    fitted = fit_models(examples, config, previous_scores=context)
    assert {model[-1].tol for model in fitted.in_context.values() if model} == {1e-8}
    assert {model[-1].tol for model in fitted.models.values() if model} == {1e-4}


@pytest.mark.parametrize("power", [0.0, 0.5])
def test_in_context_head_reproduces_scikit_learn_and_reads_the_line_before(tiny, power):
    config = with_log_count_power(load_config(tiny / "config.toml"), power)
    examples = load_split(config.splits, "train")
    before = previous_lines(examples)
    assert before[:3] == [None, 0, 1]  # each batch is a conversation in id order
    alone = fit_models(examples, config).probabilities([e.text for e in examples])
    context = np.full((len(examples), len(LABELS)), np.nan)
    for i, b in enumerate(before):
        if b is not None:
            context[i] = np.round(alone[b], 4)
    fitted = fit_models(examples, config, previous_scores=context)
    textcat = fitted.nlp.get_pipe("textcat")
    assert textcat.reads_context
    docs = list(fitted.nlp.tokenizer.pipe(e.text for e in examples))
    ours, own, in_context, _ = textcat.score_batch(
        docs,
        [
            None if b is None else dict(zip(LABELS, context[i], strict=True))
            for i, b in enumerate(before)
        ],
    )
    assert np.allclose(ours, fitted.probabilities([e.text for e in examples], context), atol=1e-6)
    assert np.allclose(own, fitted.probabilities([e.text for e in examples]), atol=1e-6)
    # a line that opens its conversation is read by the text-alone head
    assert list(in_context) == [b is not None for b in before]
    assert np.allclose(ours[~in_context], own[~in_context])
    # the same text reads differently after a proposal than after nothing
    classifier = TrainedClassifier(fitted.nlp)
    pair = classifier.classify_many(
        ["shall we move the meeting to friday?", "fine"], previous=[None, 0]
    )
    alone_fine = classifier.classify("fine")
    assert pair[1].scores != alone_fine.scores
    assert pair[1].own_scores == alone_fine.own_scores == alone_fine.scores
    assert alone_fine.text_scores is None  # read alone: its scores are its own
    # a classification carried between calls gives what an index in one call gives
    assert classifier.classify("fine", previous=pair[0]).scores == pair[1].scores
    with pytest.raises(ValueError, match="cannot follow"):
        classifier.classify_many(["a", "b"], previous=[1, None])


def test_a_correction_round_trips_into_training_data(tmp_path):
    url = f"sqlite:///{tmp_path}/groundrules.db"
    app = bootstrap(Settings(database_url=url), classifier=RuleClassifier())
    try:
        at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        for n, (label, applies) in enumerate([("problem", False), ("proposal", True)]):
            app.service.handle(
                MessageRelabelled(
                    workspace="W1",
                    channel="C1",
                    at=at,
                    event_id=f"e{n}",
                    user="U-ben",
                    message_id="m1",
                    text=CORRECTED,
                    label=label,
                    applies=applies,
                )
            )
    finally:
        app.database.dispose()

    out = io.StringIO()
    assert export_corrections(url, out) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [
        {"text": CORRECTED, "label": "problem", "applies": False, "lang": "en"},
        {"text": CORRECTED, "label": "proposal", "applies": True, "lang": "en"},
    ]
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    (feedback / "export.jsonl").write_text(out.getvalue(), "utf-8")

    corpus = [
        Example("en-x-0001", CORRECTED.capitalize() + "!", "en", ("problem", "concern")),
        Example("en-x-0002", "the printer is broken", "en", ("problem",)),
    ]
    folded, stats = fold_feedback(corpus, feedback)
    assert folded[0].labels == ("proposal", "concern")  # problem removed, proposal added
    assert folded[1] == corpus[1]
    assert stats == {"corrections": 2, "changed": 2, "added": 0, "held_out": 0}

    # a text the corpus lacks becomes a new example, of the labels the corrections name
    # (concern and agreement: nobody said); one in a held-out split is skipped
    new, stats = fold_feedback(corpus[1:], feedback)
    assert [e.labels for e in new] == [("problem",), ("proposal",)]
    assert new[1].unknown == ("concern", "agreement") and new[0].unknown == ()
    assert stats["added"] == 1
    held, stats = fold_feedback(corpus[1:], feedback, held_out=[replace(corpus[0], id="t")])
    assert held == corpus[1:] and stats["held_out"] == 2


def test_it_has_a_proposal_on_a_nudge_is_learnt_as_a_problem_that_proposes(tmp_path):
    """The engine answers such a problem with itself: it is a problem and a proposal,
    and nobody said whether it is a concern or an agreement."""
    url = f"sqlite:///{tmp_path}/groundrules.db"
    app = bootstrap(Settings(database_url=url, second_reading=False), classifier=TaggedClassifier())
    chat = Chat(app)
    chat.say("ben", f"#problem {CORRECTED}", "09:00")
    chat.tick("09:30")
    chat.command("ben", "/has-proposal", "09:31")
    app.database.dispose()
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    with (feedback / "export.jsonl").open("w", encoding="utf-8") as out:
        assert export_corrections(url, out) == 2
    [added] = fold_feedback([], feedback)[0]
    assert (added.labels, added.unknown) == (("problem", "proposal"), ("concern", "agreement"))


def test_a_new_text_s_line_is_left_out_of_the_heads_nobody_said_anything_of(tiny):
    config = load_config(tiny / "config.toml")
    corpus = load_split(config.splits, "train")
    # "not a problem", of a text that reads as a concern: that says nothing of concern
    said = Example("feedback-00001", "I'm worried nobody covers the night shift", "en", (),
                   unknown=("proposal", "concern", "agreement"))  # fmt: skip
    fitted = fit_models([*corpus, said], config)
    matrix = design_matrix(fitted.nlp, [e.text for e in corpus], fitted.words, fitted.chars,
                           fit=False, char_weight=fitted.char_weight)  # fmt: skip

    def without_the_line(label: str) -> np.ndarray:
        target = np.array([e.has(label) for e in corpus], dtype=int)
        _, _, model = _fit_target(matrix, target, config, text_columns=matrix.shape[1])
        return model.predict_proba(matrix)

    concern = fitted.models["concern"].predict_proba(matrix)
    assert np.allclose(concern, without_the_line("concern"))
    problem = fitted.models["problem"].predict_proba(matrix)  # it said: not a problem
    assert not np.allclose(problem, without_the_line("problem"))
    # nor do they count where a label's threshold is chosen
    lines = [Example("a", "a", "en", ("concern",)), Example("b", "b", "en", ()),
             Example("c", "c", "en", (), unknown=("concern",))]  # fmt: skip
    scores = {label: [0.9, 0.2, 0.5] for label in LABELS}
    assert label_thresholds(lines, scores, config.thresholds)["concern"] < 0.5
    said_absent = [*lines[:2], replace(lines[2], unknown=())]
    assert label_thresholds(said_absent, scores, config.thresholds)["concern"] > 0.5


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"text": "x", "label": "problem", "applies": "false"}',
         "“applies” must be true or false, not \"false\""),
        ('{"text": "x", "applies": false}', "“label” must be one of"),
        ('{"label": "problem", "applies": false}', "“text” must be the message's words"),
        ('{"text": "x", "label": "problem", "applies": true, "lang": "fr"}', "“lang” must be"),
        ('["x"]', "expected an object"),
    ],
)  # fmt: skip
def test_a_corrections_file_edited_by_hand_is_refused_by_file_and_line(tmp_path, line, said):
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    good = '{"text": "the printer is broken", "label": "problem", "applies": false}'
    (feedback / "team.jsonl").write_text(f"{good}\n\n{line}\n", "utf-8")
    with pytest.raises(ValueError) as refused:
        fold_feedback([], feedback)
    assert str(refused.value).startswith(f"{feedback / 'team.jsonl'}:3: {said}")


def test_training_learns_from_exported_corrections(tiny):
    config = load_config(tiny / "config.toml")
    config = replace(config, thresholds=replace(config.thresholds, choose_on="dev"))
    feedback = tiny / "feedback"
    feedback.mkdir()
    text = "the printer is broken again"  # a problem in the tiny corpus
    before = make_train.train(config).nlp(text).cats["problem"]
    write_jsonl(
        feedback / "export.jsonl",
        [{"text": text, "label": "problem", "applies": False, "lang": "en"}],
    )
    trained = make_train.train(config)
    assert trained.feedback["changed"] == 1
    assert trained.nlp(text).cats["problem"] < before


KILN = [
    ("the kiln is cracked again", ["problem"]),
    ("I'll ring the potter this afternoon", ["proposal"]),
    ("the lift is broken", ["problem"]),  # a test line: not learnt
    ("cheers", []),
]
OVEN = [
    ("de oven is weer gebarsten", ["problem"]),
    ("ik bel vanmiddag de pottenbakker", ["proposal"]),
    ("top", []),
]


def test_training_learns_from_the_tuning_conversations_and_scores_them_out_of_fold(tiny):
    tuning_folder = tiny / "tuning"
    tuning_folder.mkdir()
    write_conversation(tuning_folder, "en-01", KILN)
    write_conversation(tuning_folder, "nl-01", OVEN)
    config_path = tiny / "config.toml"
    written = config_path.read_text("utf-8")
    config_path.write_text(
        written.replace('tuning = "examples/tuning"', f'tuning = "{tuning_folder}"'), "utf-8"
    )
    # the conversations' own problem lines: on a corpus of 32 lines, what a paraphrase
    # shares with them moves by chance under the log-count scaling
    kiln = ["the kiln is cracked again", "de oven is weer gebarsten"]

    assert make_train.main([str(config_path)]) == 0
    without = scores_of(tiny / "model", kiln)
    learning = (
        config_path.read_text("utf-8")
        .replace("tuning_folds = 0", "tuning_folds = 2")
        .replace("consent_margins = []", "consent_margins = [0.0, 0.25]")
    )
    config_path.write_text(learning, "utf-8")
    assert make_train.main([str(config_path)]) == 0
    learnt = scores_of(tiny / "model", kiln)

    meta = json.loads((tiny / "model" / "meta.json").read_text("utf-8"))["groundrules"]
    # The consent bar is chosen on the same out-of-fold models (training/consent_bar.py):
    # no offer is written or made here, so every margin does alike and the least wins.
    assert meta["bars"]["consent"] == meta["thresholds"]["agreement"]
    assert (meta["chosen_on"]["offers"], meta["chosen_on"]["offer_precision"]) == (0, 1.0)
    assert TrainedClassifier.load(tiny / "model").bars.consent == meta["bars"]["consent"]
    assert meta["trained_on"]["conversation_lines"] == len(KILN) + len(OVEN) - 1
    assert meta["trained_on"]["lines"] == 24 + 8 + len(KILN) + len(OVEN) - 1
    assert "fitted without it (2 folds)" in meta["chosen_on"]["bars_chosen_on"]
    for before, after in zip(without, learnt, strict=True):
        assert after["problem"] > before["problem"]
