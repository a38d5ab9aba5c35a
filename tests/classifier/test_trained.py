"""The shipped trained classifier: loads offline, labels clear cases, honours thresholds."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from rules.classifier import LABELS
from rules.classifier.normalise import normalise
from rules.classifier.trained import MODEL_DIR, VOCAB_FILE, TrainedClassifier
from rules.understanding import stance_of


@pytest.fixture(scope="module")
def offline():
    """No network while the pipeline loads and runs: everything it needs is shipped."""

    def refuse(*args, **kwargs):
        raise AssertionError("the classifier tried to reach the network")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "create_connection", refuse)
        yield


PROPOSAL = "shall we move the stand-up to 9:30 from next week?"


def _known_miss(*values: str, why: str):
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=why))


@pytest.fixture(scope="module")
def trained(offline) -> TrainedClassifier:
    return TrainedClassifier.load()


def test_shipped_pipeline_loads_offline_and_is_small(offline):
    # How fast it loads is measured by `make bench` (load_s), not timed here: a
    # busy machine failed this test while the code was fine.
    classifier = TrainedClassifier.load()
    assert classifier.nlp.pipe_names == ["textcat"]
    size = sum(path.stat().st_size for path in MODEL_DIR.rglob("*") if path.is_file())
    assert size < 25_000_000
    # thresholds and nudge bars come with the model
    assert set(classifier.thresholds) == set(LABELS)
    assert 0 < classifier.bars.watch < 1 and 0 < classifier.bars.answer < 1
    assert 0 < classifier.bars.doubt < classifier.bars.watch and 0 < classifier.bars.reaction < 1


def test_the_shipped_component_saves_what_it_loaded(trained, tmp_path):
    """It holds its word n-grams only as numbers; saving rebuilds the same vocabulary."""
    trained.nlp.get_pipe("textcat").to_disk(tmp_path)
    shipped = MODEL_DIR / "textcat"
    assert (tmp_path / VOCAB_FILE).read_bytes() == (shipped / VOCAB_FILE).read_bytes()
    with np.load(tmp_path / "weights.npz") as saved, np.load(shipped / "weights.npz") as loaded:
        assert sorted(saved.files) == sorted(loaded.files)
        for name in loaded.files:
            np.testing.assert_array_equal(saved[name], loaded[name])


@pytest.mark.parametrize(
    ("reaction", "neutral"),
    [
        ("again?? that's the third time this week", "the minutes from yesterday are in the drive"),
        ("ugh, seriously?", "thanks, have a nice weekend"),
        ("weer?? dat is al de derde keer deze week", "de notulen van gisteren staan in de map"),
        ("oei, vervelend", "fijn weekend allemaal"),  # a known miss until round 19
        ("oei, vervelend", "goedemorgen allemaal"),
    ],
)
def test_a_reaction_to_trouble_reads_as_one_and_small_talk_does_not(trained, reaction, neutral):
    bar = trained.bars.reaction
    assert trained.classify(reaction).reaction >= bar > trained.classify(neutral).reaction


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("the printer is broken again and nobody can print the rota", "problem"),
        ("staging has been down since this morning, I can't deploy anything", "problem"),
        ("let's move the stand-up to 9:30 from next week", "proposal"),
        ("I'll call the supplier tomorrow morning and ask for a new date", "proposal"),
        ("I like the idea, but I'm worried it will double the planning overhead", "concern"),
        ("agreed, let's do that", "agreement"),
        ("de printer is weer kapot en niemand kan printen", "problem"),
        ("zullen we het overleg naar donderdag verplaatsen?", "proposal"),
        ("mijn zorg is dat de nachtdienst dit niet trekt", "concern"),
        ("akkoord, zo doen we het", "agreement"),
    ],
)
def test_labels_clear_cases_in_both_languages(trained, text, label):
    result = trained.classify(text)
    assert label in result.labels, result.scores
    assert result.scores[label] == max(result.scores.values())


@pytest.mark.parametrize(
    "text",
    [
        # Once missed: the first corpus used these words mostly in hard negatives.
        "I'm worried this plan will overload the night shift",
        "my concern with this proposal is the cost",
    ],
)
def test_guide_concerns_with_the_cue_word(trained, text):
    # The cue word counts for its label even read alone; under the proposal it is
    # about, the message is labelled a concern.
    alone = trained.classify(text)
    assert max(alone.scores, key=alone.scores.get) == "concern" and alone.scores["concern"] > 0.5
    assert "concern" in trained.classify(text, previous=trained.classify(PROPOSAL)).labels


def test_dutch_worry_about_a_proposal_is_a_concern(trained):
    # Once a known miss: the phrase was in only 12 corpus lines before round 5, and
    # in round 10 it fell under even odds read alone (0.48: "zorgen" mostly meant "see
    # to it" in the new Dutch lines, and "voorstel" mostly came in hard negatives).
    # Round 11's contrast batches put "zorgen" and "voorstel" in every role.
    text = "ik maak me zorgen dat dit voorstel te veel werk geeft voor de nachtdienst"
    assert trained.classify(text).labels == {"concern"}
    proposal = trained.classify("zullen we de overdracht naar half acht verplaatsen?")
    assert "concern" in trained.classify(text, previous=proposal).labels
    mine = "mijn zorg is dat dit voorstel de nachtdienst overbelast"
    assert "concern" in trained.classify(mine).labels


# The label words meant as they say. The corpus once used them mostly in hard
# negatives ("no problem", "geen bezwaar"), and the model read lines like these as
# nothing or as their opposite (9 of these 24 before corpus round 11, 19 after it, 21
# since round 12, 22 since round 14; the probe was written before the batches that
# taught them). The misses left are marked.
PLAIN_SENSE = [
    ("problem", "there is a problem with the boiler in block C"),  # 0.582 since round 14
    ("problem", "we've got an issue with the delivery slots, nobody can book Thursday"),
    ("problem", "problem: the shared drive is read-only since this morning"),
    ("problem", "the problem is the night staff never get the handover sheet"),
    ("proposal", "my suggestion: we rotate the Friday late shift"),
    ("proposal", "I propose that we pilot the new form on ward 3 first"),
    ("concern", "I disagree with moving the stand-up to Mondays"),
    ("concern", "I object to closing the branch before the consultation ends"),
    ("concern", "I'm concerned that the new route skips the hospital stop"),
    _known_miss(
        "concern",
        "I have serious concerns about the budget cut for the youth club",
        why="concern 0.33",
    ),
    _known_miss("agreement", "I agree with Sam's proposal", why="agreement 0.33"),
    ("agreement", "I support the plan, go ahead"),
    ("problem", "er is een probleem met de koffieautomaat op de tweede"),
    ("problem", "we zitten met een probleem: de bus voor de uitje is niet geboekt"),
    ("problem", "probleem: de scanner bij de balie doet het niet"),
    ("problem", "het probleem is dat de avonddienst de overdracht niet krijgt"),
    ("proposal", "mijn voorstel: we draaien de vrijdagdienst om de beurt"),
    ("proposal", "ik stel voor dat we eerst op afdeling 3 proefdraaien"),
    ("concern", "ik heb bezwaar tegen het nieuwe rooster"),
    ("concern", "ik ben het niet eens met het sluiten van de vestiging"),
    ("concern", "ik maak me zorgen dat de nieuwe route het ziekenhuis overslaat"),
    ("concern", "ik heb grote twijfels bij de bezuiniging op het jongerenwerk"),
    ("agreement", "ik ben het eens met het voorstel van Fatima"),
    ("agreement", "ik steun het plan, ga je gang"),
]


@pytest.mark.parametrize(("label", "text"), PLAIN_SENSE)
def test_label_words_meant_as_they_say_carry_their_label(trained, label, text):
    assert label in trained.classify(text).labels


@pytest.mark.parametrize("text", ["?", "🙃", "212", "", "  "])
def test_a_message_without_a_letter_neither_raises_nor_answers_a_problem(trained, text):
    after_a_problem = trained.classify_many(
        ["the printer is jammed again", text], previous=[None, 0]
    )
    assert not after_a_problem[1].labels & {"problem", "proposal"}
    assert after_a_problem[1].scores["proposal"] == 0 == after_a_problem[1].scores["problem"]


def test_a_message_is_wordless_exactly_when_its_text_has_no_letter(trained):
    """Read from the token norms, which lose letters only in a few currency codes."""
    texts = ["?", "US$ 40?", "£40?", "+1", "👍 10", "ok", "h2o", "", "C$"]
    docs = list(trained.nlp.tokenizer.pipe(texts))
    _, wordless = trained.textcat.text_logits(docs)
    assert wordless.tolist() == [not any(ch.isalpha() for ch in text) for text in texts]


def test_without_words_a_message_can_still_consent_and_react(trained):
    assert "agreement" in trained.classify("+1").labels
    assert trained.classify("??").reaction >= trained.bars.reaction


@pytest.mark.parametrize(
    "text",
    [
        "De koffieautomaat is stuk",
        "The printer on floor 2 is jammed again.",
        "het rooster klopt weer niet",
        "Let's move the retro to Thursday",
        "Akkoord, zo doen we het",
    ],
)
def test_an_exclamation_mark_neither_makes_nor_unmakes_a_label(trained, text):
    """The corpus's writers hardly ever exclaimed a problem; real people do."""
    plain = trained.classify(text)
    for exclaimed in (text + "!", text + "!!!", text + " !"):
        said = trained.classify(exclaimed)
        assert (said.labels, said.scores) == (plain.labels, plain.scores), exclaimed
    assert plain.labels  # each of these carries a label


@pytest.mark.parametrize("text", ["goedemorgen allemaal!", "thanks, have a nice weekend"])
def test_small_talk_carries_no_label(trained, text):
    assert trained.classify(text).labels == frozenset()


def test_language_is_detected_or_taken_from_the_caller(trained):
    assert trained.classify("de printer is weer kapot").lang == "nl"
    assert trained.classify("the printer is broken").lang == "en"
    assert trained.classify("ok", lang="nl").lang == "nl"


def test_thresholds_are_honoured():
    text = "the printer is broken again and nobody can print the rota"
    strict = TrainedClassifier.load(thresholds={"problem": 0.999})
    lenient = TrainedClassifier.load(thresholds={label: 0.001 for label in LABELS})
    shipped = TrainedClassifier.load()
    assert strict.thresholds["problem"] == 0.999
    assert strict.thresholds["proposal"] == shipped.thresholds["proposal"]  # others: shipped
    assert strict.classify(text).scores == shipped.classify(text).scores
    assert "problem" in shipped.classify(text).labels
    assert "problem" not in strict.classify(text).labels
    assert lenient.classify(text).labels == frozenset(LABELS)


def test_batch_and_single_agree(trained):
    texts = ["<@U123|ben> staging is down", "zullen we pizza bestellen?", "", "👍"]
    batch = trained.classify_many(texts)
    assert [r.scores for r in batch] == [trained.classify(t).scores for t in texts]


TRACEBACK = """```
Traceback (most recent call last):
  File "/app/server.py", line 88, in handle
    user = session.query(User).filter_by(email=email).one()
sqlalchemy.exc.NoResultFound: No row was found when one was required
```"""
LOG_LINES = "\n".join(f"12:00:{i:02} INFO worker[{i}] ok size={i * 3}" for i in range(30))
LOG = f"```\n{LOG_LINES}\n```"


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        (f"Since 5.2 the login page returns a 500 error for every user.\n{LOG}", "problem", True),
        (f"Thanks, that fixed it!\n{TRACEBACK}", "problem", False),
        (f"Shall we pin the dependency to 5.1 until this is fixed?\n{LOG}", "proposal", True),
        (f"Sinds 5.2 kan niemand meer inloggen, zie log:\n{LOG}", "problem", True),
        (LOG, "problem", False),
    ],
)
def test_a_pasted_log_does_not_outweigh_the_words_about_it(trained, text, label, expected):
    assert (label in trained.classify(text).labels) is expected


@pytest.mark.parametrize(
    "text",
    [
        "> Shall we move the retro to Thursday?\n\nWorks for me 👍",
        "> Zullen we de vergadering naar donderdag verplaatsen?\n\nPrima, akkoord.",
    ],
)
def test_quoting_a_proposal_to_agree_with_it_is_not_proposing(trained, text):
    assert trained.classify(text).labels == {"agreement"}


def test_scores_are_probabilities(trained):
    scores = np.array([list(r.scores.values()) for r in trained.classify_many(["x", "y z"])])
    assert ((scores >= 0) & (scores <= 1)).all()


def test_concern_and_agreement_read_the_message_before(trained):
    """A reply is read after the message it follows; problem and proposal are read from
    the text alone (context there learnt the corpus's order, not the message)."""
    proposal = trained.classify("shall we move the stand-up to 9:30 from next week?")
    complaint = trained.classify("the printer is broken again and nobody can print")
    for reply in ("fine by me", "hmm, what about the night shift though?", "same here"):
        alone = trained.classify(reply)
        for before in (proposal, complaint):
            read = trained.classify(reply, previous=before)
            assert read.scores["problem"] == alone.scores["problem"]
            assert read.scores["proposal"] == alone.scores["proposal"]
            assert read.own_scores == alone.scores
        after_proposal = trained.classify(reply, previous=proposal)
        after_complaint = trained.classify(reply, previous=complaint)
        # a stock consent can be certain either way ("fine by me": agreement 1.0), so
        # the two labels read in context are compared together
        read_in_context = ("agreement", "concern")
        assert [after_proposal.scores[label] for label in read_in_context] != [
            after_complaint.scores[label] for label in read_in_context
        ]
    consent = trained.classify("fine by me", previous=proposal)
    assert "agreement" in consent.labels


@pytest.mark.parametrize(
    ("blocked", "offer"),
    [
        ("I can't log in to the rota app", "I can take the Tuesday shift"),
        ("I can't log in", "I can log in and check it for you"),
        ("ik kan niet inloggen", "ik kan het wel oppakken"),
        ("ik kan niet inloggen op het rooster", "ik kan morgen de dienst overnemen"),
    ],
)
def test_a_negated_modal_is_not_read_as_an_offer(trained, blocked, offer):
    """In chat "<s> i can" is mostly an offer: before negated modals were read as one
    word ("can~not"), "I can't log in" (the guide's own problem) was a proposal."""
    assert trained.textcat.analyzer.negation
    read = trained.classify(blocked)
    assert "problem" in read.labels and "proposal" not in read.labels, read.scores
    assert trained.classify(offer).labels == {"proposal"}


@pytest.mark.parametrize(
    "text", ["Can't we just move it to Monday?", "Kunnen we het niet gewoon naar maandag schuiven?"]
)
def test_a_negative_question_that_suggests_stays_a_proposal(trained, text):
    assert "proposal" in trained.classify(text).labels


PROPOSALS = {"en": PROPOSAL, "nl": "zullen we het overleg voortaan op vrijdag doen?"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I don't agree with moving it to Friday"),
        ("en", "Not ok with this, we never discussed the budget"),
        ("en", "I'm not happy with this plan"),
        ("en", "not convinced this solves anything"),
        ("en", "Not sure that's a good idea"),
        ("en", "That doesn't work for me, I have school pickup"),  # a known miss until round 19
        ("nl", "Ik ben het er niet mee eens"),  # a known miss before the dissent guard
        ("nl", "Niet akkoord, het budget is nooit besproken"),
        ("nl", "Daar ben ik niet blij mee"),
        ("nl", "Dat vind ik geen goed idee"),
        ("nl", "Ik denk niet dat dat werkt voor het weekendteam"),
    ],
)
def test_dissent_with_a_consent_word_in_it_is_not_counted_as_consent(trained, lang, text):
    """A reply to a proposal that disagrees must not count towards recording it, though
    it holds "agree", "ok", "happy", "akkoord" or "goed idee"."""
    proposal = trained.classify(PROPOSALS[lang])
    assert stance_of(trained.classify(text, previous=proposal), trained.bars.consent) == "concern"


DUTCH_PLAN = "Ik stel voor dat we maandag live gaan met het nieuwe formulier."


@pytest.mark.parametrize(
    "text",
    [
        # read as consent by the model alone (agreement 0.67-0.94)
        "Ik ben het er niet mee eens.",
        "Niet mee eens, het budget is nooit besproken.",
        "Objection from me: the volunteers haven't been asked.",
        "Hard no from me until security signs off.",
        # read as nothing by the model alone
        "One objection: legal hasn't seen this yet.",
        "Eén bezwaar: legal heeft dit nog niet gezien.",
        "Bezwaar: de ouders zijn niet ingelicht.",
        "Oneens. Eerst de teamleiders spreken.",
        "Ik ben ertegen, dit is te snel.",
    ],
)
def test_stated_dissent_is_a_concern_and_never_consent(trained, text):
    """The dissent guard (rules/classifier/dissent.py) overrules the model: no agreement
    label, whatever the consent bar, and the concern label; what the next message reads
    of it (its text-alone scores) stays the model's own reading."""
    read = trained.classify(text, previous=trained.classify(DUTCH_PLAN))
    assert read.dissent is not None
    assert "agreement" not in read.labels and "concern" in read.labels, read.scores
    assert stance_of(read, 0.01) == "concern"
    alone = trained.textcat.score_batch([trained.nlp.tokenizer(normalise(text))], [None])
    assert read.own_scores == dict(zip(LABELS, np.round(alone.own[0], 4).tolist(), strict=True))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "No objection from me"),
        ("en", "I don't mind, go for it"),
        ("nl", "Geen bezwaar"),
        ("nl", "Prima, niks op tegen"),
    ],
)
def test_consent_through_a_negated_objection_counts_as_consent(trained, lang, text):
    proposal = trained.classify(PROPOSALS[lang])
    assert stance_of(trained.classify(text, previous=proposal), trained.bars.consent) == "agree"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # read as concern by the model after a proposal (0.75-0.99)
        ("en", "I don't disagree"),
        ("en", "I'm not against it"),
        ("en", "I wouldn't object"),
        ("nl", "ik ben er niet tegen"),
        ("nl", "daar zeg ik geen nee tegen"),
        ("nl", "Niks op tegen"),
        # read as nothing
        ("nl", "Niet oneens hoor"),
        ("nl", "ik zal het niet blokkeren"),
        # read as consent already
        ("en", "No objection from me"),
        ("en", "no objections here"),
        ("en", "I can live with that"),
        ("nl", "geen bezwaar van mijn kant"),
        ("nl", "Prima, geen bezwaar"),
        ("nl", "kan ermee leven"),
    ],
)
def test_a_negated_objection_alone_is_consent_and_no_concern(trained, lang, text):
    """The consent guard (rules/classifier/consent.py) overrules the model: agreement
    over the consent bar, no concern; what the next message reads of it (its text-alone
    scores) stays the model's own reading."""
    read = trained.classify(text, previous=trained.classify(PROPOSALS[lang]))
    assert read.consent is not None and read.dissent is None
    assert read.labels == {"agreement"}, read.scores
    assert stance_of(read, trained.bars.consent) == "agree"
    alone = trained.textcat.score_batch([trained.nlp.tokenizer(normalise(text))], [None])
    assert read.own_scores == dict(zip(LABELS, np.round(alone.own[0], 4).tolist(), strict=True))


@pytest.mark.parametrize(
    ("lang", "text", "stance"),
    [
        # a reservation: agreement + concern, read by the model (a concern outweighs)
        ("en", "I'm not against it, but the budget is tight", "concern"),
        ("nl", "geen bezwaar, maar het budget moet rond zijn", "concern"),
        ("en", "no objection as long as legal signs off", "concern"),
        # dissent outweighs
        ("en", "I don't disagree with the goal, but I object to the timing", "concern"),
        # someone else's, or asked: the model's (whatever it reads)
        ("en", "Anna has no objection", None),
        ("nl", "zij is er niet tegen", None),
        ("en", "no objections?", None),
        ("nl", "niemand bezwaar?", None),
    ],
)
def test_a_negated_objection_with_more_to_it_is_left_to_the_model(trained, lang, text, stance):
    read = trained.classify(text, previous=trained.classify(PROPOSALS[lang]))
    assert read.consent is None
    if stance is not None:
        assert stance_of(read, trained.bars.consent) == stance


@pytest.mark.parametrize("text", ["on it", "Perfect, thank you."])
def test_an_acknowledgement_read_as_agreement_is_under_the_consent_bar(trained, text):
    """The consent bar (training/RESULTS.md, "Consent, a bar above agreement") keeps a
    reply the model only half reads as a yes from counting towards an offer."""
    reply = trained.classify(text, previous=trained.classify(PROPOSALS["en"]))
    assert "agreement" in reply.labels
    assert stance_of(reply, trained.bars.consent) is None
    assert stance_of(reply) == "agree"  # at the label's bar it would count


def test_scores_do_not_depend_on_which_words_are_cached(trained, monkeypatch):
    """A word's character n-grams are looked up once and cached while there is room;
    beyond it they are looked up each time, with the same result."""
    texts = [
        "de printer is weer kapot en niemand kan printen",
        "shall we move the stand-up to 9:30 from next week?",
        "the printer is broken again, can we call the supplier?",
        "café één naïeve coöperatie 🙃",
    ]
    monkeypatch.setattr("rules.classifier.trained.CACHE_WORDS", 3)
    crowded = TrainedClassifier.load()
    for text in texts + texts:
        assert crowded.classify(text).scores == trained.classify(text).scores


@pytest.mark.parametrize("n_docs", [1, 256, 40_000])  # 40,000 docs: keys of 64 bits
def test_tfidf_counts_each_feature_as_numpy_unique_does(trained, n_docs):
    """A block's TF-IDF, its (doc, feature) pairs counted by a sort of 32-bit keys where
    they fit, is the same to the bit as counted by `np.unique` on 64-bit keys."""
    textcat = trained.textcat
    idf = textcat.char_idf
    rng = np.random.default_rng(5)
    docs = np.sort(rng.integers(0, n_docs, 3_000))
    ids = rng.integers(0, len(idf), 3_000).astype(np.int32)
    ids[1::3] = ids[::3][: len(ids[1::3])]  # features repeated within a doc
    doc, feature, values = textcat.tfidf(docs, ids, n_docs, idf)

    pairs, counts = np.unique(docs.astype(np.int64) * len(idf) + ids, return_counts=True)
    expected_doc, expected_feature = np.divmod(pairs, len(idf))
    tf = 1.0 + np.log(counts.astype(np.float64))
    expected = tf * idf[expected_feature]
    expected /= np.sqrt(np.bincount(expected_doc, expected * expected, minlength=n_docs))[
        expected_doc
    ]
    assert doc.tolist() == expected_doc.tolist()
    assert feature.tolist() == expected_feature.tolist()
    assert values.tobytes() == expected.tobytes()
