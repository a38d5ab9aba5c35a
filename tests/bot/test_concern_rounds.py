"""Ground rule 4 through the real service and storage: every member is asked."""

from __future__ import annotations

import pytest

from bot.presenting import text_of
from rules.actions import (
    PostConcernRound,
    PostRoundSummary,
    RemindMembers,
    Reply,
    SendNudge,
    SuggestAgreement,
    UpdateRoundProgress,
)
from rules.i18n import render
from tests.conftest import bot_on, make_app
from tests.helpers import Chat


def start(chat: Chat, proposer: str = "ben", when: str = "09:00") -> str:
    [posted] = [
        a
        for a in chat.command(proposer, "/concerns pin the base image to 1.4", when)
        if isinstance(a, PostConcernRound)
    ]
    return posted.round.round_id


def test_concern_round_polls_every_member_but_the_proposer(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("eve", "hello", "08:30")  # speaking also brings you to the table
    round_id = start(chat)
    [posted] = chat.of_type(PostConcernRound)
    assert posted.round.participants == ("anna", "chris", "dana", "eve")
    assert posted.round.proposer == "ben"
    assert posted.round.proposal == "pin the base image to 1.4"
    assert round_id


def test_concern_round_progress_names_who_we_are_waiting_for(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    [progress] = chat.of_type(UpdateRoundProgress)
    assert progress.round.answered == ("anna",)
    assert progress.round.waiting == ("chris", "dana")
    assert chat.texts()[-1] == "1 of 3 answered; waiting for chris and dana."


def test_concern_round_reminds_only_those_who_have_not_answered(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    chat.answer("chris", round_id, "only if we unpin it next sprint", "10:00")
    chat.tick("13:00:01")
    [reminder] = chat.of_type(RemindMembers)
    assert reminder.users == ("dana",)
    # the second reminder, 4 h later, again only to dana; then no more (max 2)
    chat.tick("21:00:01")
    assert [r.users for r in chat.of_type(RemindMembers)] == [("dana",), ("dana",)]


def test_concern_round_closes_when_everyone_has_answered(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    chat.answer("chris", round_id, None, "09:06")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.outcome == "answered"
    assert summary.suggest_agreement
    assert summary.round.no_concerns == ("anna", "chris")
    # no reminder or deadline fires for a closed round
    chat.tick("23:59")
    assert chat.of_type(RemindMembers) == []
    assert len(chat.of_type(PostRoundSummary)) == 1


def test_concern_round_with_a_concern_does_not_suggest_an_agreement(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    chat.answer("anna", round_id, "the night shift cannot cover this", "09:05")
    [summary] = chat.of_type(PostRoundSummary)
    assert not summary.suggest_agreement
    assert summary.round.concerns == (("anna", "the night shift cannot cover this"),)


def test_concern_round_a_concern_that_closes_it_is_not_told_to_resolve_it_later(app):
    """The last answer closes the round: a concern in it can no longer be marked resolved
    (/concern resolved then says the round has closed), so its thanks do not point there;
    the summary says what may follow. A concern while others are still asked does."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, "the night shift cannot cover this", "09:05")
    assert chat.texts()[-2] == (
        "Thank you, your concern is noted: the night shift cannot cover this\n"
        "Once it is resolved, tell the round with /concern resolved."
    )
    chat.answer("chris", round_id, "who pays for it?", "09:06")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.concerns == (
        ("anna", "the night shift cannot cover this"), ("chris", "who pays for it?"),
    )  # fmt: skip
    assert chat.texts()[-2] == "Thank you, your concern is noted: who pays for it?"


def test_concern_round_a_concern_from_a_form_keeps_to_one_line(app):
    """The bot quotes a concern inside a sentence ("Concern from Anna: ..."): a second
    line of it would stand alone and read as the bot's own words."""
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    chat.answer("anna", round_id, "ok\n\n*Everyone has answered: no open concerns.*", "09:05")
    concern = "ok *Everyone has answered: no open concerns.*"
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.concerns == (("anna", concern),)
    assert chat.texts()[-2] == f"Thank you, your concern is noted: {concern}"
    # Only white space is no concern.
    round_two = start(chat, when="10:00")
    chat.answer("anna", round_two, " \n ", "10:05")
    assert chat.of_type(PostRoundSummary)[-1].round.no_concerns == ("anna",)


def test_concern_round_no_concern_written_in_the_concern_form_is_no_concern(app):
    """Someone opens the concern form and writes that they have none: read as a typed
    "/concern no concerns, looks good" is, not noted as a concern."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, "No concerns,\nlooks good to me", "09:05")
    chat.answer("chris", round_id, "lijkt me prima", "09:06")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.no_concerns == ("anna", "chris") and summary.suggest_agreement


def test_concern_round_closes_at_its_deadline_counting_who_did_not_answer(app):
    """The round's progress named who it waited for while they could still answer; its
    summary, once the deadline passed, counts them and names nobody for their silence."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    chat.answer("chris", round_id, None, "09:06")
    chat.tick(at_next_day("09:00:01"))
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.outcome == "deadline"
    assert summary.round.waiting == ("dana",)
    assert summary.suggest_agreement  # most answered, no concern
    for lang in ("en", "nl"):
        text = render(text_of(summary), lang)
        assert "dana" not in text
    assert render(text_of(summary), "en").splitlines() == [
        "The concern round on this proposal reached its deadline:",
        "> pin the base image to 1.4",
        "Answered: 2 of 3.",
        "No concerns: anna and chris.",
        "No open concerns. Record this as an agreement? /agree <what we agree> because <why>",
    ]


def test_concern_round_at_its_deadline_with_most_silent_is_not_offered_for_recording(app):
    """Silence is not consent: one "no concerns" of five is no agreement of the table."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana", "eve", "finn")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    chat.tick(at_next_day("09:00:01"))
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.outcome == "deadline" and not summary.suggest_agreement
    assert summary.too_few_answered
    text = chat.texts()[-1]
    assert "Record this as an agreement" not in text
    assert text.endswith("No concerns were raised, but not enough people answered to record "
                         "this as agreed: silence is not consent. To ask again, start a new "
                         "round with /concerns.")  # fmt: skip


def test_concern_round_at_its_deadline_with_half_silent_says_so_in_dutch(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    [posted] = [
        a
        for a in chat.command("ben", "/zorgen we pinnen de base image op 1.4", "09:00")
        if isinstance(a, PostConcernRound)
    ]
    chat.answer("anna", posted.round.round_id, None, "09:05")
    chat.tick(at_next_day("09:00:01"))
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.too_few_answered and not summary.suggest_agreement  # 1 of 2: not most
    assert "/zorgen" in chat.texts()[-1] and "zwijgen is geen instemming" in chat.texts()[-1]


def test_concern_round_at_its_deadline_with_a_concern_is_not_called_silent(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, "not before the release", "09:05")
    chat.tick(at_next_day("09:00:01"))
    [summary] = chat.of_type(PostRoundSummary)
    assert not summary.suggest_agreement and not summary.too_few_answered
    assert chat.texts()[-1].endswith(
        "\nSome concerns are still open. Talking them through together and adjusting the "
        "proposal can help; a new round can follow after that: /concerns <adjusted proposal>."
    )  # the next step named, as the round's other endings name it
    assert render(text_of(summary), "nl").endswith(
        "\nEr staan nog zorgen open. Ze samen bespreken en het voorstel aanpassen kan helpen; "
        "daarna kan er een nieuwe ronde volgen: /zorgen <aangepast voorstel>."
    )


def test_concern_round_a_reminder_fired_after_the_deadline_is_skipped_for_the_summary(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    # The bot was down through the whole round: it is back the next day.
    fired = [d.action for d in app.service.fire_due_timers(at_next_day("10:00"))]
    assert [type(a) for a in fired] == [PostRoundSummary]


def at_next_day(clock: str):
    from datetime import timedelta

    from tests.helpers import at

    return at(clock) + timedelta(days=1)


def test_concern_round_answer_can_be_changed_while_open(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, "worried about cost", "09:05")
    chat.answer("anna", round_id, None, "09:10")  # withdrawn after a talk
    chat.answer("chris", round_id, None, "09:11")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.concerns == ()
    assert summary.suggest_agreement


def test_concern_round_text_command_answers_the_open_round(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    start(chat)
    chat.command("anna", "/concern none", "09:05")
    assert chat.of_type(PostRoundSummary)[0].round.no_concerns == ("anna",)


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("/concern non", "Did you mean “none”, no concerns? Then type /concern none."),
        ("/zorg gene", "Bedoel je “geen”, geen zorgen? Typ dan /zorg geen."),
    ],
)
def test_concern_round_a_near_typo_of_none_is_asked_about_not_noted(app, line, question):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    [reply] = chat.command("anna", line, "09:05")
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    assert question in chat.texts()[-1], chat.texts()[-1]
    assert not chat.of_type(UpdateRoundProgress)  # nothing recorded: still waited for
    chat.command("anna", line.split()[0] + ' "' + line.split()[1] + '"', "09:06")
    chat.answer("chris", round_id, None, "09:07")
    [summary] = chat.of_type(PostRoundSummary)
    assert [user for user, _ in summary.round.concerns] == ["anna"]


@pytest.mark.parametrize(
    ("line", "question"),
    [("/concern @ben non", "Did you mean “none”"), ("/zorg gene @ben", "Bedoel je “geen”")],
)
def test_concern_round_a_near_typo_of_none_said_to_someone_is_asked_about_too(app, line, question):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    [reply] = chat.command("anna", line, "09:05")
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    assert question in chat.texts()[-1], chat.texts()[-1]
    assert not chat.of_type(UpdateRoundProgress)  # nothing recorded: still waited for


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("/concern @ben nonn", 'Or is “nonn” your concern? Then put it in quotes, /concern "nonn"'),
        ("/zorg <@ben>: gene",
         'Of is “gene” je zorg? Zet het dan tussen aanhalingstekens, /zorg "gene"'),
    ],
)  # fmt: skip
def test_concern_round_a_near_typo_of_none_said_to_someone_quotes_only_its_own_words(
    app, line, question
):
    """Whom it is said to is no part of the answer: the question quotes the writer's own
    words, and the quotes it suggests hold those alone."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    chat.command("anna", line, "09:05")
    text = chat.texts()[-1]
    assert question in text, text
    assert "ben" not in text, text


def test_concern_round_an_answer_of_only_a_mention_without_a_round_hears_there_is_none(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    [reply] = chat.command("anna", "/concern @ben", "09:05")
    assert isinstance(reply, Reply) and reply.private
    assert chat.texts()[-1].startswith("No concern round is open here right now."), chat.texts()


@pytest.mark.parametrize(
    ("line", "no_round", "question"),
    [
        ("/concern non", "No concern round is open here right now.", "Did you mean"),
        ("/zorg gene", "Hier loopt nu geen zorgenronde.", "Bedoel je"),
    ],
)
def test_concern_round_a_near_typo_of_none_without_a_round_hears_there_is_none(
    app, line, no_round, question
):
    """With no round open there is nothing to answer: that comes first, with how to
    start one, rather than a question about which answer was meant."""
    chat = Chat(app)
    chat.join("anna", "ben")
    [reply] = chat.command("anna", line, "09:05")
    assert isinstance(reply, Reply) and reply.private and reply.user == "anna"
    text = chat.texts()[-1]
    assert text.startswith(no_round), text
    assert question not in text, text


def test_concern_round_dutch_command_answers_in_dutch(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    [reply, _progress] = chat.command("anna", "/zorg mits de privacy geregeld is", "09:05")
    assert isinstance(reply, Reply) and reply.lang == "nl"
    assert chat.texts()[-2] == (
        "Dank je, je zorg is genoteerd: mits de privacy geregeld is\n"
        "Is het opgelost, laat het de ronde dan weten met /zorg opgelost."
    )


def test_concern_round_only_one_at_a_time_per_table(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    start(chat)
    [reply] = chat.command("anna", "/concerns something else", "09:02")
    assert isinstance(reply, Reply) and reply.private
    assert len(chat.of_type(PostConcernRound)) == 1


def test_concern_round_needs_someone_to_ask(app):
    chat = Chat(app)
    chat.join("ben")
    [reply] = chat.command("ben", "/concerns pin the image", "09:00")
    assert isinstance(reply, Reply) and reply.private
    assert chat.of_type(PostConcernRound) == []


def test_concern_round_answer_to_a_closed_round_is_kindly_refused(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    [reply] = chat.answer("anna", round_id, "wait", "09:06")
    assert isinstance(reply, Reply) and reply.private
    assert len(chat.of_type(PostRoundSummary)) == 1


def test_concern_round_late_joiner_may_answer(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    chat.join("zoe", when="09:02")  # joined after the round began: at the table now
    chat.answer("zoe", round_id, None, "09:03")
    progress = chat.of_type(UpdateRoundProgress)[-1]
    assert progress.round.participants == ("anna", "zoe")
    assert progress.round.waiting == ("anna",)


def test_concern_round_answer_from_someone_who_left_is_kindly_refused(app):
    """A reminder stays in the DMs of someone who left the table: its answer does not count."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.leave("chris", "09:02")
    [reply] = chat.answer("chris", round_id, "I am not even here any more", "09:03")
    assert isinstance(reply, Reply) and reply.private and reply.user == "chris"
    assert chat.texts()[-1] == (
        "This concern round is for the people at its table, and I do not see you there now, "
        "so I have not counted your answer. If you join the channel again, you are welcome "
        "to answer."
    )
    chat.answer("anna", round_id, None, "09:04")
    chat.answer("dana", round_id, None, "09:05")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.participants == ("anna", "dana") and summary.round.concerns == ()
    assert summary.suggest_agreement


def test_concern_round_typed_answer_from_someone_never_at_the_table_is_refused_in_dutch(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    [reply] = chat.command("zoe", "/zorg mits het snel gaat", "09:03")
    assert isinstance(reply, Reply) and reply.private and reply.user == "zoe"
    assert chat.texts()[-1].startswith("Deze zorgenronde is voor de mensen aan deze tafel")
    assert chat.of_type(UpdateRoundProgress) == []


def test_concern_round_survives_a_restart(tmp_path, tagged):
    url = f"sqlite:///{tmp_path}/rounds.db"
    first = make_app(url, tagged)
    chat = Chat(first)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    first.database.dispose()

    again = Chat(make_app(url, tagged), _ids=chat._ids)
    again.tick("13:00:01")
    [reminder] = again.of_type(RemindMembers)
    assert reminder.users == ("chris",)


def test_concern_round_a_member_who_leaves_is_no_longer_waited_for(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:01")
    chat.leave("dana", "09:02")
    [progress] = chat.of_type(UpdateRoundProgress)[-1:]
    assert progress.round.waiting == ("chris",) and "dana" not in progress.round.participants
    # The last one still at the table answers: the round closes as answered.
    chat.answer("chris", round_id, None, "09:03")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.outcome == "answered" and summary.suggest_agreement
    assert chat.of_type(RemindMembers) == []


def test_concern_round_closes_when_the_last_one_it_waited_for_leaves(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.answer("anna", round_id, "only until Friday", "09:01")
    chat.leave("chris", "09:02")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.outcome == "answered"
    assert summary.round.concerns == (("anna", "only until Friday"),)
    chat.tick("23:00")
    assert chat.of_type(RemindMembers) == []


def test_concern_round_an_answer_given_before_leaving_stays(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, "not on Fridays", "09:01")
    chat.leave("anna", "09:02")
    chat.answer("chris", round_id, None, "09:03")
    chat.answer("dana", round_id, None, "09:04")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.concerns == (("anna", "not on Fridays"),)


def test_concern_round_text_with_a_nul_character_is_stored_without_it(app):
    # PostgreSQL refuses NUL in text; a pasted one must not lose the command.
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.command("ben", "/concerns ship\x00 it on Friday", "09:00")
    [posted] = chat.of_type(PostConcernRound)
    assert posted.round.proposal == "ship it on Friday"
    chat.say("anna", "#problem the\x00 build is red", "09:01")
    chat.tick("23:00")
    [nudge] = chat.of_type(SendNudge)
    assert nudge.problem_text == "#problem the build is red"


def test_concern_round_about_no_concern_is_refused_privately(app):
    """/zorgen geen zorgen answers a round; it does not ask the whole table about it."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    [reply] = chat.command("ben", "/zorgen geen zorgen", "09:00")
    assert isinstance(reply, Reply) and reply.private and reply.user == "ben"
    assert reply.lang == "nl" and "/zorg geen" in chat.texts()[-1]
    assert not chat.of_type(PostConcernRound)


def test_concern_round_answer_speaks_the_language_its_button_was_shown_in(app):
    """A round asked in English, answered from a Dutch button (Slack's App Home, a Dutch
    Discord client): thanked in Dutch; with no language known, in the round's. A table's
    chosen language still wins."""
    from bot.presenting import plain

    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)

    def thanks(user: str, when: str, lang: str | None) -> str:
        answered = chat.answer(user, round_id, None, when, lang=lang)
        [reply] = [a for a in answered if isinstance(a, Reply) and a.user == user]
        return plain(reply)

    assert thanks("anna", "09:01", "nl") == "Dank je, genoteerd: geen zorgen."
    assert thanks("chris", "09:02", None) == "Thank you, noted: no concerns."
    chat.command("ben", "/table language en", "09:03")
    assert thanks("dana", "09:04", "nl") == "Thank you, noted: no concerns."


def test_concern_round_alone_speaks_the_language_of_its_proposal(app):
    """`/concerns` alone has no words of its own: the proposal it polls has, and the round
    was posted in English under a Dutch proposal."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.say("ben", "#proposal Zullen we de vergadering voortaan op dinsdag houden?", "09:00")
    [posted] = [a for a in chat.command("ben", "/concerns", "09:01")
                if isinstance(a, PostConcernRound)]  # fmt: skip
    assert posted.lang == "nl"
    assert chat.texts()[-1].startswith("Zorgenronde")


def test_concern_round_about_a_short_proposal_typed_out_speaks_the_proposals_language(app):
    """ "/concerns Zullen we vrijdag vrij nemen?" from an English client: too few words for
    a command's clear sign of a language, yet the proposal is a sentence, read as
    `/concerns` alone reads the message it polls: a Dutch round, not an English one under
    a Dutch proposal. The same the other way round, under the Dutch command name."""
    chat = Chat(app)
    chat.join("anna", "ben")
    [dutch] = [a for a in chat.command("anna", "/concerns Zullen we vrijdag vrij nemen?", "09:00",
                                       lang="en") if isinstance(a, PostConcernRound)]  # fmt: skip
    assert dutch.lang == "nl"
    chat.command("anna", "/concerns withdraw", "09:01")
    [english] = [a for a in chat.command("anna", "/zorgen Shall we take Friday off?", "09:02",
                                         lang="nl") if isinstance(a, PostConcernRound)]  # fmt: skip
    assert english.lang == "en"


def test_concern_round_typed_answer_with_no_language_of_its_own_speaks_the_rounds(app):
    """ "/concern da's goed" from a member whose client is English, in a Dutch round: the
    answer shows no language of its own, so it is thanked in the round's, not the
    client's; words that show one still win."""
    from bot.presenting import plain

    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal Zullen we de vergadering voortaan om 9u beginnen?", "09:00")
    chat.command("ben", "/concerns", "09:01")

    def thanks(user: str, line: str, when: str) -> str:
        answered = chat.command(user, line, when, lang="en")
        [reply] = [a for a in answered if isinstance(a, Reply) and a.user == user]
        return plain(reply)

    assert thanks("anna", "/concern da's goed", "09:02") == "Dank je, genoteerd: geen zorgen."
    assert thanks("chris", "/concern geen", "09:03") == "Dank je, genoteerd: geen zorgen."
    # the last answer: it closes the round, which can no longer be told it is resolved
    assert thanks("dana", "/concern the cost worries me", "09:04") == (
        "Thank you, your concern is noted: the cost worries me"
    )


def test_concern_round_form_answer_speaks_the_language_of_its_words(app):
    """A concern written in the form is thanked in its words' language, as the same
    words typed with /concern are: English words at a Dutch round (a Dutch form) get
    English thanks. Words that show no language leave it to the form's; a table's chosen
    language still wins."""
    from bot.presenting import plain

    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "#proposal Zullen we de inloop op dinsdag en donderdag houden?", "09:00")
    chat.command("ben", "/concerns", "09:01")
    [round_id] = [a.round.round_id for a in chat.of_type(PostConcernRound)]

    def thanks(user: str, concern: str, when: str) -> str:
        answered = chat.answer(user, round_id, concern, when, lang="nl")
        [reply] = [a for a in answered if isinstance(a, Reply) and a.user == user]
        return plain(reply).splitlines()[0]

    assert thanks("anna", "Thursdays do not work for our volunteers", "09:02") == (
        "Thank you, your concern is noted: Thursdays do not work for our volunteers"
    )
    assert thanks("chris", "€ 400", "09:03") == "Dank je, je zorg is genoteerd: € 400"
    chat.command("ben", "/table language nl", "09:04")
    assert thanks("dana", "Thursdays do not work for us", "09:05") == (
        "Dank je, je zorg is genoteerd: Thursdays do not work for us"
    )


@pytest.mark.parametrize("line", ["/concerns", "/zorgen"])
def test_concern_round_alone_polls_a_proposal_already_offered_for_recording(app, line):
    """Most said yes in its thread and the bot offered to record it; its proposer, unsure,
    asks everyone first: the offer does not hide the proposal from the round."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    chat.say("ben", "weekend shifts", "08:59")
    chat.say("ben", "#proposal let's rotate the weekend shift", "09:00", thread="08:59")
    chat.say("anna", "#agreement sounds good", "09:01", thread="08:59")
    [offer] = chat.say("chris", "#agreement +1", "09:02", thread="08:59")
    assert isinstance(offer, SuggestAgreement)
    [posted] = [a for a in chat.command("ben", line, "09:05") if isinstance(a, PostConcernRound)]
    assert posted.round.proposal == "#proposal let's rotate the weekend shift"
    assert (posted.round.proposer, posted.round.thread_id) == ("ben", "08:59")


def test_concern_round_open_on_a_proposal_keeps_it_from_being_recorded_meanwhile(app):
    """An /agree on the proposal a round is still polling was recorded, and the round
    went on reminding the rest about it and ended saying too few answered to record it."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris", "dana")
    round_id = start(chat)
    chat.answer("anna", round_id, None, "09:05")
    refused = chat.command("ben", "/agree pin the base image to 1.4 because builds broke", "09:10")
    assert [type(a) for a in refused] == [Reply] and refused[0].user == "ben"
    assert chat.texts()[-1] == (
        "A concern round on this proposal is still open: 1 of 3 answered. Let it close "
        "first, so that everyone's concerns are heard, then record it. What you wrote, to "
        "use again: pin the base image to 1.4 because builds broke"
    )
    chat.answer("chris", round_id, None, "09:20")
    chat.answer("dana", round_id, None, "09:30")
    [recorded] = [
        a.agreement.consenters
        for a in chat.command("ben", "/agree pin the base image to 1.4 because builds broke",
                              "09:40")
        if hasattr(a, "agreement")
    ]  # fmt: skip
    assert set(recorded) == {"anna", "ben", "chris", "dana"}


def test_concern_round_open_on_another_proposal_lets_an_agreement_be_recorded(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    start(chat)
    recorded = chat.command("anna", "/agree tea on fridays because morale", "09:10")
    assert any(hasattr(a, "agreement") for a in recorded)


def test_concern_round_open_on_a_proposal_refuses_its_agreement_in_dutch(app):
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    chat.command("ben", "/zorgen we zetten een extra vriezer in de schuur", "09:00")
    chat.command("ben", "/afspraak we zetten een extra vriezer in de schuur omdat er ruimte "
                 "tekort is", "09:05")  # fmt: skip
    assert chat.texts()[-1].startswith(
        "Over dit voorstel loopt nog een zorgenronde: 0 van 2 geantwoord. Wacht tot die "
        "gesloten is, zodat ieders zorgen gehoord worden, en leg het daarna vast."
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/concern none", "It is your own proposal, so you count as having no concerns "
         "already: this round asks the others."),
        ("/zorg geen", "Het is je eigen voorstel, dus je telt al als iemand zonder zorgen: "
         "deze ronde vraagt het de anderen."),
    ],
)  # fmt: skip
def test_concern_round_a_proposer_it_did_not_poll_answering_none_is_not_counted(app, line, said):
    """Its proposer's "none" made them one of those asked: "0 of 1 answered" became
    "1 of 2", and the round waited for the same one member as before."""
    chat = Chat(app)
    chat.join("anna", "ben")
    round_id = start(chat)
    [reply] = chat.command("ben", line, "09:05")
    assert isinstance(reply, Reply) and reply.private and reply.user == "ben"
    assert chat.texts()[-1] == said
    chat.answer("ben", round_id, None, "09:06")  # the round's button: the same
    assert chat.of_type(UpdateRoundProgress) == []
    chat.answer("anna", round_id, None, "09:10")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.round.participants == ("anna",) and summary.round.no_concerns == ("anna",)


def test_concern_round_a_proposer_it_did_not_poll_may_still_raise_a_concern(app):
    """Their own doubt about their proposal is heard (ground rule 4), and the round shows
    them among those who answered."""
    chat = Chat(app)
    chat.join("anna", "ben")
    start(chat)
    chat.command("ben", "/concern 1.4 may miss the security fix", "09:05")
    [progress] = chat.of_type(UpdateRoundProgress)
    assert progress.round.concerns == (("ben", "1.4 may miss the security fix"),)
    assert chat.texts()[-1] == "1 of 2 answered; waiting for anna."


def test_concern_round_polling_its_proposer_counts_their_answer(database_url, tagged):
    with bot_on(database_url, tagged, poll_proposer=True) as app:
        chat = Chat(app)
        chat.join("anna", "ben")
        start(chat)
        chat.command("ben", "/concern none", "09:05")
        assert chat.texts()[-1] == "1 of 2 answered; waiting for anna."


def test_concern_round_a_proposer_with_a_concern_is_not_recorded_as_consenting(app):
    """The record listed its proposer among those who consented and, beside it, the
    concern they raised in the round and never said was resolved."""
    chat = Chat(app)
    chat.join("anna", "ben", "chris")
    round_id = start(chat)
    chat.command("ben", "/concern 1.4 may miss the security fix", "09:05")
    chat.answer("anna", round_id, None, "09:06")
    chat.answer("chris", round_id, None, "09:07")
    [summary] = chat.of_type(PostRoundSummary)
    assert not summary.suggest_agreement  # its proposer's concern is open
    [recorded] = [
        a.agreement
        for a in chat.command("anna", "/agree pin the base image to 1.4 because builds broke",
                              "09:40")
        if hasattr(a, "agreement")
    ]  # fmt: skip
    assert recorded.consenters == ("anna", "chris")
    assert recorded.concerns == (("ben", "1.4 may miss the security fix"),)
