"""Telling Dutch from English in short chat messages."""

from __future__ import annotations

import pytest

from rules.language import clear_language, detect_language, in_another_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [("the server is down again", "en"), ("de server ligt er weer uit", "nl"),
     ("zullen we het rooster omgooien?", "nl"), ("should we ask legal?", "en"),
     ("Ik stel voor dat we morgen bellen", "nl"), ("waarom staat staging er weer uit?", "nl"),
     ("ff checken of de deploy gelukt is", "nl"), ("can someone reset my password", "en"),
     # Short Dutch replies: one word has to tip them.
     ("Klopt", "nl"), ("Netjes, haha", "nl"), ("ja hoor", "nl"), ("Mooi zo!", "nl"),
     ("Correctie: sensor 2", "nl"), ("Gefixt", "nl"), ("fixed it, thanks", "en")],
)  # fmt: skip
def test_language_detects(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    "text",
    ["hallo", "Hoi!", "dag allemaal", "Goedemorgen", "goedemiddag iedereen", "Top!", "top",
     "Prima", "hallo team", "doei", "dankjewel", "Toppie", "groetjes, Anna", "<@U01ABCDEF> hoi"],
)  # fmt: skip
def test_language_short_dutch_greetings_and_replies_read_as_dutch(text):
    assert detect_language(text, fallback="en") == "nl"


@pytest.mark.parametrize(
    "text",
    ["hi", "Hello!", "hey", "hey all", "morning", "Good morning", "thanks", "thank you", "ok",
     "okay", "great", "cool", "nice", "sure", "fine", "done", "perfect", "cheers", "bye",
     "welcome", "lol", "yes", "no", "stop", "tops", "top priority", "top 3 issues today",
     "on top of it", "the top one", "hello everyone", "hi team", "good day all"],
)  # fmt: skip
def test_language_short_english_stays_english(text):
    """The Dutch greetings and the one-word "top" tip no English message to Dutch."""
    assert detect_language(text, fallback="en") == "en"


@pytest.mark.parametrize("text", ["", "+1", "👍", "https://example.com", "12:30"])
def test_language_falls_back_when_nothing_tips_it(text):
    assert detect_language(text, fallback="nl") == "nl"


@pytest.mark.parametrize(
    "text",
    ["<@U01ABCDEF>", "<@U-BOT> agreements", "<@U01ABCDEF|anna> <#C0123|algemeen> <!here>",
     "<!subteam^S012|@ops> <https://example.nl/aan-de-slag|aan de slag>",
     "<@123456789> <@!42> <@&987654> <#555666> <:oei:1234> <t:1700000000:R>",
     "https://example.nl/aan-de-slag"],
)  # fmt: skip
def test_language_reads_no_mention_channel_or_link_markup(text):
    """Slack and Discord markup names people, channels and links, in no language."""
    assert detect_language(text, fallback="en") == "en"
    assert detect_language(text, fallback="nl") == "nl"


@pytest.mark.parametrize("text", ["@ben", "@al", "@ben @al", "@Jan.de.Vries @everyone"])
def test_language_reads_no_name_typed_with_at(text):
    """A name typed with @ (the console's, or one not picked from Discord's list) is a
    name, as a mention is: "@ben" is not Dutch "ben"."""
    assert detect_language(text, fallback="en") == "en"
    assert detect_language(text, fallback="nl") == "nl"


def test_language_reads_an_email_address_still_as_before():
    assert detect_language("mail ben@example.nl, het is dringend") == "nl"


def test_language_reads_the_words_around_markup():
    assert detect_language("<@U01ABCDEF> de afspraak is goed") == "nl"
    assert detect_language("<@U01ABCDEF> the plan works for us", fallback="nl") == "en"


@pytest.mark.parametrize(
    "text",
    ["Server plat sinds vanochtend", "Printer is alweer kapot", "Den build is kapot",
     "Allez, staging ligt plat", "Amai", "Merci", "merci!", "de build is stuk", "Dag!",
     "dag :wave:", "Top :tada:", "Top :+1:", "ik ben er", "Ben je er?", "al gedaan",
     "Al gedaan?", "zit nog vast", "staat het er nog?"],
)  # fmt: skip
def test_language_short_dutch_with_common_words_reads_as_dutch(text):
    """Common Dutch (and Flemish) words that are no English words tip a short message."""
    assert detect_language(text, fallback="en") == "nl"


@pytest.mark.parametrize(
    "text",
    ["Airflow DAG failed, customers see empty reports", "DAG failed", "Hi all, DAG down",
     "the dag failed", "DAG", "dag?", "Top 3", "TOP?", "top 10", "Hi Ben", "Cheers Al",
     "Hi Ben, thanks", "thanks Al", "top priority", "stop", "Stop it", "Ben here?",
     "merci beaucoup all, done"],
)  # fmt: skip
def test_language_english_with_words_dutch_shares_stays_english(text):
    """ "DAG" is a pipeline, Ben and Al are names, "top" in a sentence is English."""
    assert detect_language(text, fallback="en") == "en"


def test_language_emoji_shortcodes_are_no_words_and_times_stay_times():
    assert detect_language(":tada: :white_check_mark:", fallback="nl") == "nl"
    assert detect_language(":tada: :white_check_mark:", fallback="en") == "en"
    assert detect_language("om 10:30:45 klaar") == "nl"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("We starten de vergadering om 9 uur omdat iedereen er dan is", "nl"),
     ("Lunch at 12 because we get hungry", "en"),
     # A command's words hold names: one word, a Dutch-looking name or a member is no sign.
     ("join Gemeente Utrecht", None), ("assign minutes ben", None), ("language en", None),
     ("handover night lead @ben", None), ("none", None), ("keep 3", None)],
)  # fmt: skip
def test_language_clear_only_when_the_words_clearly_show_it(text, lang):
    assert clear_language(text) == lang


GERMAN_AND_FRENCH = [
    "Die Kaffeemaschine ist schon wieder kaputt, das ist echt ärgerlich",
    "Die Tür ist kaputt",
    "wir müssen das besprechen",
    "Der Drucker im zweiten Stock funktioniert wieder nicht",
    "Le serveur est encore en panne",
    "Le café est froid depuis ce matin",
    "c'est déjà fait, merci",
]


@pytest.mark.parametrize("text", GERMAN_AND_FRENCH)
def test_language_german_and_french_give_no_sign_and_are_another_language(text):
    """German and French share words with Dutch ("die", "echt", "en"): they read as
    Dutch, and their writers were answered in Dutch."""
    assert detect_language(text, fallback="") == ""
    assert detect_language(text, fallback="en") == "en"
    assert in_another_language(text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [('Looks good, but "Delete forever" sounds dramatic in German ("Für immer löschen")', ""),
     ("c'est la vie, the deploy broke again", "en"), ("la bij Henk, derde la", "nl"),
     ("merci Kris, zijt ne held", "nl"), ("maandag 8 juli pas", "nl"),
     ("the DAS report is late", "en"), ("des te beter", "nl"),
     ("the MIT licence is fine", "en"), ("de koffie is weer op", "nl"), ("Danke!", "")],
)  # fmt: skip
def test_language_a_german_or_french_word_in_english_or_dutch_is_not_another_language(text, lang):
    assert not in_another_language(text)
    assert detect_language(text, fallback="") == lang
