"""A command the bot cannot read is answered privately, in the person's language, with
what it expected: a mistyped name, a mistyped sub-word, a name no command has."""

from __future__ import annotations

import pytest

from rules.actions import AnnounceAgreement, PostConcernRound, Reply
from tests.helpers import Chat


def private_reply(chat: Chat, user: str, line: str, when: str) -> tuple[Reply, str]:
    [reply] = chat.command(user, line, when)
    assert isinstance(reply, Reply) and reply.private and reply.user == user
    return reply, chat.texts()[-1]


@pytest.mark.parametrize(
    ("line", "lang", "said"),
    [
        # a mistyped name: the command it resembles, in that name's language
        ("/afsprak We ruimen op omdat het rommelig is", "nl",
         ["Het commando /afsprak ken ik niet. Bedoel je /afspraak?",
          "Gebruik: /afspraak <wat we afspreken> omdat <waarom>"]),
        ("/agre we merge on green because fewer broken builds", "en",
         ["I do not know the command /agre. Did you mean /agree?",
          "Usage: /agree <what we agree> because <why>"]),
        ("/herzeining behouden 3", "nl",
         ["Het commando /herzeining ken ik niet. Bedoel je /herziening?",
          "Gebruik: /herziening behouden|intrekken <nr>"]),
        # through the one registered name, or a mention ("@Groundrules agre ...")
        ("/groundrules afsprak iets omdat", "nl",
         ["Het commando /afsprak ken ik niet. Bedoel je /afspraak?"]),
        ("/spelregels rollne", "nl", ["Het commando /rollne ken ik niet. Bedoel je /rollen?"]),
        # no command near it: the words typed after it tell the language
        ("/frobnicate de tafel is het niet eens", "nl",
         ["Het commando /frobnicate ken ik niet. Typ /spelregels hulp voor de commando's."]),
        ("/frobnicate the table", "en",
         ["I do not know the command /frobnicate. Type /groundrules help to see the commands."]),
        # a sub-word the grammar cannot read: that command's usage, in its language
        ("/tafel taaal nl", "nl", ["Gebruik: /tafel [over|niet-over|routing <tekst>"]),
        ("/table taaal nl", "en", ["Usage: /table [about|not-about|routing <text>"]),
        ("/herziening bewaren 3", "nl", ["Gebruik: /herziening behouden|intrekken <nr>"]),
        ("/rol weg nachtdienst", "nl", ["Gebruik: /rol toevoegen|taken <naam> <taken>"]),
        ("/role away nights", "en", ["Usage: /role add|tasks <name> <tasks>"]),
    ],
)  # fmt: skip
def test_an_unreadable_command_is_answered_in_the_persons_language(app, line, lang, said):
    reply, text = private_reply(Chat(app), "ann", line, "09:00")
    assert reply.lang == lang
    for part in said:
        assert part in text


def test_a_table_that_chose_its_language_keeps_it_for_mistakes_too(app):
    chat = Chat(app)
    chat.command("ann", "/tafel taal nl", "09:00")
    reply, text = private_reply(chat, "ann", "/frobnicate the table", "09:01")
    assert reply.lang == "nl" and text.startswith("Het commando /frobnicate ken ik niet.")


@pytest.mark.parametrize("line", ["/groundrules what can you do", "/groundrules rules"])
def test_help_through_the_registered_name_is_still_help(app, line):
    reply, text = private_reply(Chat(app), "ann", line, "09:00")
    assert reply.lang == "en" and text.startswith("Our ground rules:")
    assert "Commands:" in text


@pytest.mark.parametrize(
    ("line", "lang"),
    [
        # sentences and word forms to @Groundrules: no command was meant
        ("/groundrules ground rules please", "en"),
        ("/groundrules ground rules please?", "en"),
        ("/groundrules agreed!", "en"),
        ("/groundrules concerned about this", "en"),
        # words asking for the rules or help, with punctuation, in their own language
        ("/groundrules rule", "en"),
        ("/groundrules rules!", "en"),
        ("/groundrules help?", "en"),
        ("/groundrules hulp?", "nl"),
        ("/groundrules regel?", "nl"),
        ("/groundrules regels!", "nl"),
        ("/groundrules spelregel", "nl"),
        # a bare question about a command that would act: what it does, not doing it
        ("/groundrules zorgen?", "nl"),
        ("/groundrules concerns?", "en"),
    ],
)
def test_a_word_or_sentence_to_groundrules_gets_the_rules_in_its_language(app, line, lang):
    chat = Chat(app)
    chat.join("ann", "ben")
    reply, text = private_reply(chat, "ann", line, "09:00")
    assert reply.lang == lang
    assert text.startswith({"en": "Our ground rules:", "nl": "Onze spelregels:"}[lang])


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/groundrules roles?", "No roles here yet."),
        ("/groundrules agreements?", "No agreements recorded at this table yet."),
        ("/groundrules afspraken!", "Aan deze tafel zijn nog geen afspraken vastgelegd."),
    ],
)
def test_a_command_name_with_punctuation_after_groundrules_is_that_command(app, line, said):
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert text.startswith(said)


def test_a_command_with_a_colon_after_groundrules_is_that_command(app):
    [announced] = Chat(app).command("ann", "/groundrules agree: x because y", "09:00")
    assert isinstance(announced, AnnounceAgreement)
    assert (announced.agreement.text, announced.agreement.why) == ("x", "y")


def test_a_bare_question_about_concerns_starts_no_round(app):
    chat = Chat(app)
    chat.join("ann", "ben")
    chat.say("ann", "We could pin the base image to 1.4 #proposal", "08:59")
    actions = chat.command("ann", "/groundrules zorgen?", "09:00")
    assert [a for a in actions if isinstance(a, PostConcernRound)] == []


@pytest.mark.parametrize(
    ("line", "lang", "usage"),
    [
        ("/concerns help", "en", "Usage: /concerns [<proposal>] | /concerns withdraw"),
        ("/zorgen hulp", "nl", "Gebruik: /zorgen [<voorstel>] | /zorgen intrekken"),
        ("/concerns hulp?", "nl", "Gebruik: /zorgen [<voorstel>] | /zorgen intrekken"),
        ("/concerns ?", "en", "Usage: /concerns [<proposal>] | /concerns withdraw"),
        ("/mandate help", "en", "Usage: /mandate [<what I may agree to> | renew | check]"),
        ("/mandaat hulp", "nl", "Gebruik: /mandaat [<waarmee ik mag instemmen>"),
        ("/role --help", "en", "Usage: /role add|tasks <name> <tasks>"),
        ("/groundrules concerns help", "en", "Usage: /concerns [<proposal>]"),
    ],
)  # fmt: skip
def test_help_after_a_command_shows_how_it_works_and_does_nothing(app, line, lang, usage):
    """Asking a command how it works starts no round about "help", sets no mandate
    "help", and answers only the one who asked."""
    chat = Chat(app)
    chat.join("ann", "ben")
    reply, text = private_reply(chat, "ann", line, "09:00")
    assert reply.lang == lang
    assert usage in text
    _, mandates = private_reply(chat, "ann", "/mandate", "09:01")
    assert "no mandate given yet" in mandates.splitlines()[1]


def test_help_in_an_open_round_is_no_concern(app):
    chat = Chat(app)
    chat.join("ann", "ben")
    chat.command("ann", "/concerns We pin the base image to 1.4", "09:00")
    _, text = private_reply(chat, "ben", "/concern help", "09:01")
    assert text.startswith("Answer the open concern round")
    assert "Usage: /concern none | /concern <your concern> | /concern resolved" in text
    chat.command("ben", "/concern none", "09:02")
    assert "No concerns: ben." in chat.texts()[-1]


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/groundrules help agree",
         ["Record an agreement, with why, an owner and a review date",
          "Usage: /agree <what we agree> because <why> [owner @who] [review <date | in N weeks>]",
          "Example: /agree We lunch at 12:30 because the kitchen is free then owner @ben "
          "review in 6 weeks"]),
        ("/spelregels hulp /herziening",
         ["Behoud, herzie of trek een afspraak in op haar herzieningsdatum",
          "Gebruik: /herziening behouden|intrekken <nr> [omdat <waarom>] | herzien <nr> <tekst> "
          "omdat <waarom> [geleerd <les>]",
          "Voorbeeld: /herziening behouden 3 omdat het werkt"]),
        ("/snooze help",
         ["Remind me later: about my open problem, a concern round or my mandate",
          "Usage: /snooze [1h]",
          "Example: /snooze 2h"]),
        ("/why help", ["Ask why the bot read your last flagged message as a problem",
                       "Usage: /why"]),
    ],
)  # fmt: skip
def test_help_for_one_command_says_what_it_does_how_and_an_example(app, line, said):
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert text.splitlines() == said


@pytest.mark.parametrize(
    ("line", "first"),
    [
        # the usage the list shows ("/concerns withdraw"), asked about as it is written
        ("/groundrules help concerns withdraw",
         "Ask every member for concerns about a proposal (without one: your latest proposal)"),
        ("/spelregels hulp /zorgen intrekken",
         "Vraag elk lid naar zorgen over een voorstel (zonder voorstel: je laatste voorstel)"),
        ("/groundrules help not-a-problem undo",
         "Tell the bot your last flagged message was not a problem, or undo that"),
        # a command's name mistyped after help, as it would be typed alone
        ("/spelregels hulp sluimeren",
         "Herinner me later: aan mijn open probleem, een zorgenronde of mijn mandaat"),
        ("/groundrules help agre", "Record an agreement, with why, an owner and a review date"),
    ],
)  # fmt: skip
def test_help_about_a_command_written_as_used_or_mistyped_shows_that_command(app, line, first):
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert text.splitlines()[0] == first


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/groundrules help frobnicate", "I do not know the command /frobnicate."),
        ("/spelregels hulp fietsenstalling", "Het commando /fietsenstalling ken ik niet."),
    ],
)  # fmt: skip
def test_help_about_a_command_there_is_not_says_so_above_the_list(app, line, said):
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    lines = text.splitlines()
    assert lines[0] == said
    assert lines[-1].endswith(("with an example.", "met een voorbeeld."))


@pytest.mark.parametrize(
    ("line", "first"),
    [("/groundrules help groundrules", "Our ground rules:"),
     ("/groundrules help /groundrules", "Our ground rules:"),
     ("/groundrules help help", "Our ground rules:"),
     ("/spelregels hulp spelregels", "Onze spelregels:"),
     ("/spelregels hulp hulp", "Onze spelregels:")],
)  # fmt: skip
def test_help_about_the_help_command_itself_shows_the_list_not_that_it_is_unknown(app, line, first):
    """/groundrules is a command the list names: asked about, it is that list, never "I
    do not know the command /groundrules"."""
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    lines = text.splitlines()
    assert lines[0] == first, text
    assert lines[-1].endswith(("with an example.", "met een voorbeeld."))


def test_help_about_something_that_is_no_word_shows_the_list_without_echoing_it(app):
    _, text = private_reply(Chat(app), "ann", "/groundrules help <!channel>", "09:00")
    assert text.startswith("Our ground rules:") and "channel" not in text


def test_a_usage_answer_ends_in_an_example_in_its_language(app):
    _, text = private_reply(Chat(app), "ann", "/zorg", "09:00")
    assert text.splitlines()[-1] == "Voorbeeld: /zorg Wie neemt dan de vroege dienst over?"


@pytest.mark.parametrize(
    ("line", "example"),
    [
        ("/table join", "Example: /table join Food Bank North"),
        ("/tafel aanschuiven", "Voorbeeld: /tafel aanschuiven Voedselbank Noord"),
        ("/table organisation  ", "Example: /table join Food Bank North"),
    ],
)
def test_table_join_without_an_organisation_shows_an_example_of_joining(app, line, example):
    """The example under the usage is of the words that were missing, not of another
    part of /table."""
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert text.splitlines()[-1] == example, text


@pytest.mark.parametrize(
    ("line", "example"),
    [
        (
            "/table routing",
            "Example: /table routing decisions go to the steering group on Thursdays",
        ),
        ("/table not-about", "Example: /table not-about individual client cases"),
        ("/tafel niet-over", "Voorbeeld: /tafel niet-over individuele cliëntdossiers"),
        (
            "/tafel routing",
            "Voorbeeld: /tafel routing besluiten gaan op donderdag naar de stuurgroep",
        ),
        ("/table about", "Example: /table about the weekend rota"),
    ],
)
def test_a_charter_field_without_words_shows_an_example_of_that_field(app, line, example):
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert text.splitlines()[-1] == example, text


def test_the_list_of_commands_says_how_to_see_one(app):
    _, text = private_reply(Chat(app), "ann", "/groundrules help", "09:00")
    assert text.splitlines()[-1] == (
        "/groundrules help <command> shows how one works, with an example."
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/role add @ben takes notes",
         "A role is named with a word, not a member: /role add <name> <tasks>, then "
         "/role assign <name> ben."),
        ("/rol toevoegen @ben notuleert",
         "Een rol heeft een woord als naam, geen lid: /rol toevoegen <naam> <taken>, en dan "
         "/rol toewijzen <naam> ben."),
        ("/role tasks <@U0BEN> takes notes",
         "A role is named with a word, not a member: /role add <name> <tasks>, then "
         "/role assign <name> U0BEN."),
    ],
)  # fmt: skip
def test_a_member_where_a_roles_name_goes_makes_no_role(app, line, said):
    chat = Chat(app)
    _, text = private_reply(chat, "ann", line, "09:00")
    assert text.splitlines()[0] == said
    _, roles = private_reply(chat, "ann", "/roles", "09:01")
    assert roles.startswith("No roles here yet.")


@pytest.mark.parametrize(
    ("line", "said"),
    [
        # @everyone and @here as Discord sends them typed: everyone, not a member or a role
        ("/role add @everyone takes notes",
         "A role is named with a word, not a mention: /role add <name> <tasks>."),
        ("/rol toevoegen @here notuleert",
         "Een rol heeft een woord als naam, geen vermelding: /rol toevoegen <naam> <taken>."),
        ("/role assign chair @everyone", "Name the member with @, like @anna."),
        ("/agree tea at 9 because it helps owner @everyone",
         "An agreement has one owner: name one member, like owner @anna."),
        ("/afspraak thee om 9 omdat het helpt eigenaar @here",
         "Een afspraak heeft één eigenaar: noem één lid, zoals eigenaar @anna."),
    ],
)  # fmt: skip
def test_everyone_or_here_is_no_member_nor_a_role(app, line, said):
    chat = Chat(app)
    chat.join("ann", "ben")
    chat.command("ann", "/role add chair runs the meeting", "08:59")
    _, text = private_reply(chat, "ann", line, "09:00")
    assert text.splitlines()[0] == said
    _, roles = private_reply(chat, "ann", "/roles", "09:01")
    assert "everyone" not in roles and "here" not in roles, roles
    assert not chat.of_type(AnnounceAgreement)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/role assign @ben chair", "Name the role first, then the member: /role assign chair ben"),
        ("/rol overdragen @ben night lead",
         "Noem eerst de rol, dan het lid: /rol overdragen night lead ben"),
        ("/role assign chair ben", "Name the member with @, like @anna."),
    ],
)  # fmt: skip
def test_a_member_named_before_the_role_is_told_the_order(app, line, said):
    chat = Chat(app)
    chat.join("ann", "ben")
    chat.command("ann", "/role add chair runs the meeting", "08:59")
    _, text = private_reply(chat, "ann", line, "09:00")
    assert text.splitlines()[0] == said


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/evaluate 1 2 3 4 5 6 7 8 9",
         "Scores go from 1 to 5, so I could not use these scores: 6 7 8 9. Give nine scores "
         "from 1 to 5, one for each value, in order."),
        ("/evaluate 4 4 4 4 4 4 4 4 6",
         "Scores go from 1 to 5, so I could not use this score: 6. Give nine scores from 1 to "
         "5, one for each value, in order."),
        ("/evaluatie 0 4 4 4 4 4 4 4 4 prima",
         "Scores gaan van 1 tot 5, dus deze score kon ik niet gebruiken: 0. Geef negen scores "
         "van 1 tot 5, één per waarde, op volgorde."),
    ],
)  # fmt: skip
def test_scores_past_the_scale_are_named(app, line, said):
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert text.splitlines()[0] == said


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/review keep", "Which agreement? Give its number, as /agreements shows it: "
                         "/review keep 3"),
        ("/review retire the tea one", "Which agreement? Give its number, as /agreements shows "
                                       "it: /review retire 3"),
        ("/herziening behouden", "Welke afspraak? Geef haar nummer, zoals /afspraken het toont: "
                                 "/herziening behouden 3"),
        ("/review 1 keep", "Say what to do first, then the number: /review keep 1"),
        ("/review postpone 1 because we are busy",
         "I cannot read “postpone” as what to do with agreement 1: keep, revise or retire."),
        ("/herziening uitstellen 1", "Ik kan “uitstellen” niet lezen als wat we met afspraak 1 "
                                     "doen: behouden, herzien of intrekken."),
        ("/herziening 1 behouden omdat het werkt",
         "Zeg eerst wat je wilt, dan het nummer: /herziening behouden 1"),
    ],
)  # fmt: skip
def test_a_review_without_its_number_or_in_the_wrong_order_says_what_is_missing(app, line, said):
    chat = Chat(app)
    chat.command("ann", "/agree Tea at four because it helps", "08:59")
    _, text = private_reply(chat, "ann", line, "09:00")
    assert text.splitlines()[0] == said


@pytest.mark.parametrize(
    ("line", "lead", "usage"),
    [
        ("/concern", "Your answer is missing, so nothing was recorded.",
         "Usage: /concern none | /concern <your concern>"),
        ("/zorg", "Je antwoord ontbreekt, dus er is niets genoteerd.",
         "Gebruik: /zorg geen | /zorg <je zorg>"),
        ("/nudges fewer or off", "I cannot read “fewer or off” as how readily I nudge here: "
         "say one word, normal, fewer or off.", "Usage: /nudges [normal | fewer | off]"),
        ("/seintjes heel veel", "Ik kan “heel veel” niet lezen als hoe snel ik hier een "
         "seintje geef: zeg één woord, normaal, minder of uit.",
         "Gebruik: /seintjes [normaal | minder | uit]"),
        ("/agreements due", "I cannot read “due” as which agreements to list: the current "
         "ones, or all with their history.", "Usage: /agreements [all]"),
        ("/afspraken van ben", "Ik kan “van ben” niet lezen als welke afspraken ik laat zien: "
         "de huidige, of alle met hun geschiedenis.", "Gebruik: /afspraken [alle]"),
    ],
)  # fmt: skip
def test_a_usage_answer_says_first_what_was_missing(app, line, lead, usage):
    """An empty /concern and words /nudges cannot read got only the usage, with nothing
    said about what was missing."""
    chat = Chat(app)
    chat.join("ann", "ben")
    chat.command("ben", "/concerns pin the base image to 1.4", "08:59")
    _, text = private_reply(chat, "ann", line, "09:00")
    first, second, *_ = text.splitlines()
    assert first == lead and second.startswith(usage), text


@pytest.mark.parametrize(
    ("line", "again"),
    [
        ("/agre we merge on green because fewer broken builds",
         "Your words with /agree, to send again: /agree we merge on green because fewer "
         "broken builds"),
        ("/groundrules afsprak We ruimen op omdat het rommelig is",
         "Je woorden met /afspraak, om opnieuw te sturen: /afspraak We ruimen op omdat het "
         "rommelig is"),
    ],
)  # fmt: skip
def test_a_mistyped_command_gives_its_words_back_with_the_command_meant(app, line, again):
    """Slack and Discord empty the box: a long /agree under a mistyped name was lost, the
    answer naming the command meant but not what was typed after it."""
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert text.splitlines()[-1] == again


@pytest.mark.parametrize("line", ["/agre", "/frobnicate the table"])
def test_a_mistyped_command_without_words_or_a_command_meant_gives_nothing_back(app, line):
    _, text = private_reply(Chat(app), "ann", line, "09:00")
    assert "to send again" not in text
