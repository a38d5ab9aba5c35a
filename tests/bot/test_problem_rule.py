"""Ground rule 1 through the real service and storage, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.presenting import text_of
from rules.actions import Reply, SendNudge
from rules.i18n import render
from tests.helpers import CONSENTING, DOUBTING, SURER, Chat, at


def nudges(chat: Chat) -> list[tuple[str, str, str]]:
    """(user, problem id, time fired) of every nudge sent."""
    return [
        (action.user, action.problem_id, moment.strftime("%H:%M:%S"))
        for moment, action in chat.sent
        if isinstance(action, SendNudge)
    ]


@pytest.mark.parametrize(
    ("proposal_at", "expected"),
    [
        ("09:09:59", []),  # within the window: answered
        ("09:10:00", []),  # the window's last second still counts
        ("09:10:01", [("ben", "09:00", "09:10:00")]),  # too late: the nudge went at 09:10
    ],
)
def test_problem_rule_window_edges(app, proposal_at, expected):
    chat = Chat(app)
    chat.say("ben", "#problem the staging deploy is broken", "09:00")
    chat.say("anna", "#proposal let's pin the base image", proposal_at)
    chat.tick("12:00")
    assert nudges(chat) == expected


def test_problem_rule_unanswered_problem_gets_one_private_nudge_quoting_it(app):
    chat = Chat(app)
    chat.say("ben", "#problem the printer is jammed again", "09:00")
    chat.say("anna", "good morning", "09:05")
    chat.tick("23:00")
    [nudge] = chat.of_type(SendNudge)
    assert (nudge.user, nudge.channel, nudge.problem_id) == ("ben", "C1", "09:00")
    assert nudge.problem_text == "#problem the printer is jammed again"
    assert not nudge.again
    # one nudge only, however long the bot keeps ticking
    chat.tick("23:59")
    assert len(chat.of_type(SendNudge)) == 1


def test_problem_rule_proposal_in_the_problems_own_thread_answers(app):
    chat = Chat(app)
    chat.say("ben", "#problem the rota app logs me out", "09:00")
    chat.say("anna", "#proposal ask IT to extend sessions", "09:04", thread="09:00")
    chat.tick("10:00")
    assert nudges(chat) == []


def test_problem_rule_proposal_in_another_thread_does_not_answer(app):
    chat = Chat(app)
    chat.say("carl", "lunch plans?", "08:50")
    chat.say("ben", "#problem the rota app logs me out", "09:00")
    chat.say("anna", "#proposal let's order pizza", "09:04", thread="08:50")
    chat.tick("10:00")
    assert nudges(chat) == [("ben", "09:00", "09:10:00")]


def test_problem_rule_problem_inside_a_thread_is_answered_in_that_thread(app):
    chat = Chat(app)
    chat.say("carl", "release 2.3 thread", "08:50")
    chat.say("ben", "#problem the changelog is missing", "09:00", thread="08:50")
    chat.say("anna", "#proposal I'll write it now", "09:03", thread="08:50")
    chat.tick("10:00")
    assert nudges(chat) == []


def test_problem_rule_top_level_proposal_answers_a_problem_in_a_thread(app):
    chat = Chat(app)
    chat.say("carl", "release 2.3 thread", "08:50")
    chat.say("ben", "#problem the changelog is missing", "09:00", thread="08:50")
    chat.say("anna", "#proposal let's generate changelogs from commits", "09:03")
    chat.tick("10:00")
    assert nudges(chat) == []


# (user, text, time, thread) lines, and the nudges they bring.
THREADS = {
    # one discussion, one nudge: to the person who raised it
    "a reply adding to a waiting problem joins it": (
        [
            ("ben", "#problem the VPN drops every ten minutes", "09:00", None),
            ("anna", "#problem same here, three times already", "09:02", "09:00"),
            ("carl", "#problem and for me since the update", "09:03", "09:00"),
        ],
        [("ben", "09:00", "09:10:00")],
    ),
    "a problem inside a thread is the one the thread's replies join": (
        [
            ("carl", "release 2.3 thread", "08:50", None),
            ("ben", "#problem the changelog is missing", "09:00", "08:50"),
            ("anna", "#problem the tag is missing too", "09:04", "08:50"),
        ],
        [("ben", "09:00", "09:10:00")],
    ),
    "a new problem in a thread after its answer is watched": (
        [
            ("ben", "#problem the VPN drops every ten minutes", "09:00", None),
            ("anna", "#proposal switch split tunneling off", "09:03", "09:00"),
            ("ben", "#problem now it will not connect at all", "09:20", "09:00"),
        ],
        [("ben", "09:20", "09:30:00")],
    ),
    "a problem in another thread is watched on its own": (
        [
            ("ben", "#problem the VPN drops every ten minutes", "09:00", None),
            ("carl", "lunch plans?", "09:01", None),
            ("anna", "#problem the canteen is closed today", "09:02", "09:01"),
        ],
        [("ben", "09:00", "09:10:00"), ("anna", "09:02", "09:12:00")],
    ),
}


def test_problem_rule_a_reply_after_a_dismissed_problem_is_watched(app):
    chat = Chat(app)
    chat.say("ben", "#problem the VPN drops every ten minutes", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    chat.say("anna", "#problem for me it does not connect at all", "09:02", thread="09:00")
    chat.tick("10:00")
    assert nudges(chat) == [("anna", "09:02", "09:12:00")]


@pytest.fixture
def doubting(app):
    """The app with bars under which `#maybe-problem` is a doubtful problem."""
    app.service.engine.thresholds = DOUBTING
    return app


@pytest.mark.parametrize(
    ("reaction", "expected"),
    [
        # another member reacts within the window: it was a problem after all
        (("anna", "#reaction again??", "09:03", None), [("ben", "09:00", "09:10:00")]),
        # in the problem's own thread
        (("anna", "#reaction oei", "09:03", "09:00"), [("ben", "09:00", "09:10:00")]),
        # the author's own words are no one else's reaction
        (("ben", "#reaction ugh", "09:03", None), []),
        # too late: the window had closed
        (("anna", "#reaction again??", "09:11", None), []),
        # a reaction in another conversation
        (("anna", "#reaction again??", "09:03", "08:50"), []),
        # no reaction at all
        (("anna", "morning", "09:03", None), []),
    ],
)
def test_problem_rule_a_doubtful_problem_is_nudged_only_when_someone_reacts(
    doubting, reaction, expected
):
    from bot import views

    chat = Chat(doubting)
    chat.say("carl", "lunch plans?", "08:50")
    chat.say("ben", "#maybe-problem the till is 40 euro short", "09:00")
    user, text, clock, thread = reaction
    chat.say(user, text, clock, thread=thread)
    chat.tick("12:00")
    assert nudges(chat) == expected
    # an unconfirmed doubt was never a named problem
    assert views.problem_counts(doubting.database, "W1").named == len(expected)


DOUBTS = {
    "a proposal answers a doubtful problem before anyone reacts": (
        [
            ("ben", "#maybe-problem the till is 40 euro short", "09:00", None),
            ("anna", "#proposal let's count it again together", "09:02", None),
            ("carl", "#reaction again??", "09:03", None),
        ],
        [],
    ),
    "a reaction that is itself a problem confirms the doubt and joins it": (
        [
            ("ben", "#maybe-problem the VPN dropped again", "09:00", None),
            ("anna", "#problem #reaction same here, three times", "09:02", "09:00"),
        ],
        [("ben", "09:00", "09:10:00")],
    ),
    "a confirmed problem keeps its own window": (
        [
            ("ben", "#maybe-problem the till is 40 euro short", "09:00", None),
            ("anna", "#reaction again??", "09:08", None),
            ("carl", "#proposal let's count it again", "09:12", None),  # after the window
        ],
        [("ben", "09:00", "09:10:00")],
    ),
}


def test_problem_rule_a_doubt_answered_before_anyone_reacted_is_not_counted(doubting):
    from bot import views

    chat = Chat(doubting)
    chat.say("ben", "#maybe-problem the till is 40 euro short", "09:00")
    chat.say("anna", "#proposal let's count it again together", "09:02")
    chat.say("carl", "#problem the card machine dropped out", "09:05")
    chat.say("dana", "#proposal I'll ring the bank", "09:06")
    chat.tick("12:00")
    counts = views.problem_counts(doubting.database, "W1")
    assert (counts.named, counts.answered, counts.nudged) == (1, 1, 0)


CONVERSATIONS = {**THREADS, **DOUBTS}


@pytest.mark.parametrize(("lines", "expected"), CONVERSATIONS.values(), ids=CONVERSATIONS.keys())
def test_problem_rule_in_a_conversation(app, lines, expected):
    """Threads hold one waiting problem; doubtful ones wait for a reaction."""
    app.service.engine.thresholds = DOUBTING
    chat = Chat(app)
    for user, text, clock, thread in lines:
        chat.say(user, text, clock, thread=thread)
    chat.tick("12:00")
    assert nudges(chat) == expected


def test_problem_rule_proposal_in_another_channel_does_not_answer(app):
    chat = Chat(app)
    chat.say("ben", "#problem the changelog is missing", "09:00")
    chat.say("anna", "#proposal let's generate changelogs", "09:03", channel="C2")
    chat.tick("10:00")
    assert nudges(chat) == [("ben", "09:00", "09:10:00")]


def test_problem_rule_a_proposal_before_the_problem_does_not_answer_it(app):
    chat = Chat(app)
    chat.say("anna", "#proposal let's move standup to 9:30", "08:58")
    chat.say("ben", "#problem standup keeps overrunning", "09:00")
    chat.tick("10:00")
    assert nudges(chat) == [("ben", "09:00", "09:10:00")]


def test_problem_rule_a_message_that_is_both_answers_itself(app):
    chat = Chat(app)
    chat.say("ben", "#problem #proposal printer jammed, let's call the vendor", "09:00")
    chat.tick("10:00")
    assert nudges(chat) == []


def test_problem_rule_one_proposal_answers_every_waiting_problem_in_scope(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    chat.say("dana", "#problem and the wiki too", "09:02")
    chat.say("anna", "#proposal I'll call the provider", "09:05")
    chat.tick("10:00")
    assert nudges(chat) == []


def test_problem_rule_windows_are_per_table(app):
    chat = Chat(app)
    chat.command("anna", "/problem-window 2", "08:00")
    chat.say("ben", "#problem VPN is down", "09:00")
    chat.tick("09:05")
    assert nudges(chat) == [("ben", "09:00", "09:02:00")]
    other = replace(chat, channel="C2", sent=[])  # its own event ids
    other.say("ben", "#problem VPN is down", "09:00")
    other.tick("09:05")
    assert nudges(other) == []  # C2 waits its own (default) window
    other.tick("10:00")
    assert [user for user, _, _ in nudges(other)] == ["ben"]


def test_problem_rule_editing_away_the_problem_withdraws_it(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    chat.edit("ben", "09:00", "VPN was down for a minute, all good", "09:02")
    chat.tick("10:00")
    assert nudges(chat) == []


def test_problem_rule_editing_in_a_problem_starts_its_window_at_the_edit(app):
    chat = Chat(app)
    chat.say("ben", "morning", "09:00")
    chat.edit("ben", "09:00", "#problem morning, and the VPN is down", "09:03")
    chat.tick("10:00")
    assert nudges(chat) == [("ben", "09:00", "09:13:00")]


def test_problem_rule_not_a_problem_dismisses_and_stores_the_correction(app):
    from sqlmodel import Session, select

    from bot.models import CorrectionRow

    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    [reply] = chat.command("ben", "/not-a-problem", "09:01")
    assert isinstance(reply, Reply) and reply.private and reply.user == "ben"
    chat.tick("10:00")
    assert nudges(chat) == []
    with Session(app.database) as session:
        [correction] = session.exec(select(CorrectionRow)).all()
    assert (correction.text, correction.label, correction.applies) == (
        "#problem VPN is down",
        "problem",
        False,
    )


@pytest.mark.parametrize(
    ("command", "lang", "thanks"),
    [
        ("/has-proposal", "en", "Thank you, and sorry for asking: your message proposes"),
        ("/bevat-voorstel", "nl", "Dank je, en sorry dat ik het vroeg: je bericht bevat al"),
    ],
)
def test_problem_rule_has_proposal_answers_the_problem_and_stores_the_correction(
    app, command, lang, thanks
):
    from sqlmodel import Session, select

    from bot.models import CorrectionRow, WatchRow

    chat = Chat(app)
    chat.say("ben", "#problem VPN is down, I'd restart the router tonight", "09:00")
    chat.say("anna", "#problem the canteen is closed", "09:01")
    chat.tick("09:11")
    assert [user for user, _, _ in nudges(chat)] == ["ben", "anna"]
    [reply] = chat.command("ben", command, "09:12")
    assert isinstance(reply, Reply) and reply.private and reply.user == "ben"
    _, quote, said, undo = chat.texts()[-1].split("\n")
    assert quote == "> #problem VPN is down, I'd restart the router tonight"
    assert said.startswith(thanks)
    # Said by mistake, it may be taken back (tests.bot.test_undo_has_proposal).
    assert "/has-proposal undo" in undo or "/bevat-voorstel terugdraaien" in undo
    chat.tick("23:00")  # neither reminded nor nudged again
    assert [user for user, _, _ in nudges(chat)] == ["ben", "anna"]
    with Session(app.database) as session:
        corrections = session.exec(select(CorrectionRow).order_by(CorrectionRow.id)).all()
        watches = {w.problem_id: w.status for w in session.exec(select(WatchRow))}
    # a problem that proposes something itself: both are kept to learn from
    text = "#problem VPN is down, I'd restart the router tonight"
    assert [(c.text, c.label, c.applies) for c in corrections] == [
        (text, "problem", True),
        (text, "proposal", True),
    ]
    # Only the caller's own problem: anna's still waits for her proposal.
    assert watches == {"09:00": "answered", "09:01": "nudged"}


def test_problem_rule_has_proposal_answers_others_only_as_a_proposal_posted_then_would(app):
    """Emma's "it has a proposal" on Tuesday closed Joost's Monday problem, long nudged
    and in no thread of hers: a correction answers what her message answered when posted."""
    from bot import views

    chat = Chat(app)
    chat.say("joost", "#problem the waiting list keeps growing", "08:00")
    chat.say("ben", "#problem the canteen is closed", "10:58")
    chat.say("emma", "#problem rent is missed, I'd send a reminder", "11:00")
    chat.tick("11:11")
    chat.command("emma", "/has-proposal", "11:12")
    counts = views.problem_counts(app.database, "W1")
    # emma's own is answered; ben's, posted within the window before hers, was nudged
    # at 11:08 and so is answered only from its own thread; joost's stays too.
    assert (counts.answered, counts.nudged) == (1, 2)


def test_problem_rule_has_proposal_answers_an_open_problem_within_its_window(app):
    from bot import views

    chat = Chat(app)
    chat.say("ben", "#problem the canteen is closed", "09:00")
    chat.say("emma", "#problem rent is missed, I'd send a reminder", "09:05")
    chat.command("emma", "/has-proposal", "09:08")
    chat.tick("12:00")
    assert nudges(chat) == []
    assert views.problem_counts(app.database, "W1").answered == 2


@pytest.mark.parametrize("has_proposal", [True, False])
def test_problem_rule_a_button_on_a_dutch_nudge_is_answered_in_dutch(app, has_proposal):
    chat = Chat(app)
    chat.say(
        "ben", "#problem de printer is weer vastgelopen, ik bel morgen de leverancier", "09:00"
    )
    chat.tick("09:11")
    chat.relabel("ben", "09:00", "09:12", has_proposal=has_proposal)
    expected = (
        "Dank je, en sorry dat ik het vroeg" if has_proposal else "Dank je dat je het laat weten"
    )
    assert chat.texts()[-1].startswith(expected)
    if not has_proposal:  # the way to fewer nudges asks whether the bot got it wrong
        assert chat.texts()[-1].splitlines()[1] == (
            "Zit ik er hier vaak naast? Met /seintjes minder geef ik alleen een seintje over "
            "problemen waar ik vrij zeker van ben, of waar iemand op reageert."
        )


def test_problem_rule_has_proposal_without_a_waiting_problem_says_so(app):
    chat = Chat(app)
    chat.command("ben", "/has-proposal", "09:01")
    assert chat.texts() == [
        "I am not waiting for a proposal from you here, so there was nothing to do.\n"
        "/has-proposal tells me that a message of yours I took for a problem already "
        "proposes something.\n"
        "Is it about another channel? Type it there."
    ]
    [(_, answer)] = chat.sent
    assert render(text_of(answer), "nl") == (
        "Ik wacht hier niet op een voorstel van je, dus er viel niets te doen.\n"
        "Met /bevat-voorstel laat je me weten dat een bericht van je dat ik voor een probleem "
        "hield al een voorstel bevat.\n"
        "Gaat het om een ander kanaal? Typ het daar."
    )
    chat.command("ben", "/not-a-problem", "09:02")
    assert chat.texts()[-1].splitlines()[1] == (
        "/not-a-problem tells me that a message of yours I took for a problem is none."
    )


def test_problem_rule_snooze_after_a_nudge_nudges_again_later(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    chat.tick("09:30")
    chat.command("ben", "/snooze 1h", "09:30")
    chat.tick("11:00")
    assert [(n.user, n.again) for n in chat.of_type(SendNudge)] == [("ben", False), ("ben", True)]
    assert nudges(chat)[-1][2] == "10:30:00"


NEXT_STEP = {
    "en": "Naming a problem is a good start; under our ground rule, a proposal comes next. "
    "What would you suggest? A small first step is plenty.",
    "nl": "Een probleem benoemen is een goed begin; volgens onze spelregel volgt er dan een "
    "voorstel. Wat zou je voorstellen? Een kleine eerste stap is al genoeg.",
}
ASKS_AGAIN = {
    "en": "What would you suggest? A small first step is plenty.",
    "nl": "Wat zou je voorstellen? Een kleine eerste stap is al genoeg.",
}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_problem_rule_nudge_says_the_ground_rule_as_the_next_step_and_its_reminder_only_asks(
    app, lang
):
    """The nudge says the ground rule as the step that comes next, never as a rule broken
    ("fine, as long as"; in Dutch "mag, als"), alike in both languages. The reminder after
    a snooze, which the author asked for, does not say the rule again: it only asks."""
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    chat.tick("09:30")
    chat.command("ben", "/snooze 1h", "09:30")
    chat.tick("11:00")
    nudge, reminder = (render(text_of(n), lang).splitlines() for n in chat.of_type(SendNudge))
    assert nudge[1:3] == ["> #problem VPN is down", NEXT_STEP[lang]]
    assert reminder[1:3] == ["> #problem VPN is down", ASKS_AGAIN[lang]]


def test_problem_rule_answer_in_the_thread_after_a_nudge_closes_it(app):
    from bot import views

    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    chat.tick("09:20")
    chat.say("ben", "#proposal I'll ask IT for a second line", "09:25", thread="09:00")
    counts = views.problem_counts(app.database, "W1")
    assert (counts.answered, counts.nudged) == (1, 0)


def test_problem_rule_restart_in_the_middle_of_a_window_still_nudges_once(tmp_path, tagged):
    from tests.conftest import make_app

    url = f"sqlite:///{tmp_path}/restart.db"
    first = make_app(url, tagged)
    Chat(first).say("ben", "#problem VPN is down", "09:00")
    first.database.dispose()  # the bot stops

    second = make_app(url, tagged)  # a new process: new engine, new connections
    chat = Chat(second)
    chat.tick("09:40")  # it was down past the deadline: the timer fires late, once
    chat.tick("10:40")
    assert nudges(chat) == [("ben", "09:00", "09:10:00")]

    third = make_app(url, tagged)
    assert Chat(third).tick("12:00") == []


def test_problem_rule_live_timer_fires_late_at_now_not_at_its_due_time(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    [delivery] = app.service.fire_due_timers(at("09:45"))
    assert delivery.at == at("09:45")
    assert isinstance(delivery.action, SendNudge)


def test_problem_rule_a_nudge_over_an_hour_late_is_not_sent_and_its_text_goes(app):
    from bot.models import WatchRow

    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    # The bot was down from 09:05 to 10:11: a proposal may have come meanwhile unseen.
    assert app.service.fire_due_timers(at("10:11")) == []
    with app.store.unit_of_work() as uow:
        watch = uow.session.get(WatchRow, ("W1", "C1", "09:00"))
        assert (watch.status, watch.text) == ("withdrawn", None)
    assert Chat(app).tick("12:00") == []


def test_problem_rule_a_nudge_under_an_hour_late_is_still_sent(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    [delivery] = app.service.fire_due_timers(at("10:09"))
    assert isinstance(delivery.action, SendNudge)


def test_problem_rule_a_late_nudge_waits_as_long_as_the_tables_window(app):
    chat = Chat(app)
    chat.command("ann", "/window 2h", "08:00")
    chat.say("ben", "#problem VPN is down", "09:00")
    [delivery] = app.service.fire_due_timers(at("12:59"))  # due 11:00, under 2 h late
    assert isinstance(delivery.action, SendNudge)


def test_problem_rule_a_snooze_reminder_over_an_hour_late_is_not_sent(app):
    chat = Chat(app)
    chat.say("ben", "#problem VPN is down", "09:00")
    chat.tick("09:30")
    chat.command("ben", "/snooze 1h", "09:30")
    assert app.service.fire_due_timers(at("11:31")) == []  # due 10:30
    assert [n.again for n in chat.of_type(SendNudge)] == [False]


def test_problem_rule_nudge_speaks_the_problems_language(app):
    chat = Chat(app)
    chat.say("fatima", "#problem de overdracht gaat steeds mis met de huisarts", "09:00")
    chat.tick("10:00")
    [nudge] = chat.of_type(SendNudge)
    assert nudge.lang == "nl"
    assert "Hoi fatima" in chat.texts()[0]


def test_problem_rule_a_huge_message_is_quoted_back_cut_short(app):
    chat = Chat(app)
    chat.say("ben", "#problem " + "the export is broken " * 5000, "09:00")
    chat.tick("10:00")
    [nudge] = chat.of_type(SendNudge)
    assert len(nudge.problem_text) <= 1500 and nudge.problem_text.endswith("…")


def test_problem_rule_a_correction_keeps_the_proposal_past_the_quote(app):
    from sqlmodel import Session, select

    from bot.models import CorrectionRow

    chat = Chat(app)
    # A long post: the problem first, the writer's proposal after 1,600 characters.
    background = "The nightly export to the county fails again and nobody knows why. " * 24
    proposal = "I'd move the export to 06:00 so the county gets it before the rush."
    chat.say("ben", "#problem " + background + proposal, "09:00")
    chat.tick("10:00")
    [nudge] = chat.of_type(SendNudge)
    assert proposal not in nudge.problem_text and nudge.problem_text.endswith("…")
    chat.relabel("ben", "09:00", "10:05", has_proposal=True)
    with Session(app.database) as session:
        [_, correction] = session.exec(select(CorrectionRow).order_by(CorrectionRow.id)).all()
    assert correction.label == "proposal" and correction.text.endswith(proposal)


def test_problem_rule_bars_come_from_the_model_unless_the_settings_say_otherwise(monkeypatch):
    from types import SimpleNamespace

    from bot.bootstrap import engine_thresholds
    from bot.settings import Settings

    tuned = SimpleNamespace(bars=DOUBTING)
    assert engine_thresholds(Settings(database_url="sqlite://"), tuned) == DOUBTING
    monkeypatch.setenv("GROUNDRULES_DOUBT_THRESHOLD", "0.95")
    monkeypatch.setenv("GROUNDRULES_WATCH_THRESHOLD", "0.8")
    chosen = engine_thresholds(Settings(database_url="sqlite://"), tuned)
    assert (chosen.watch, chosen.answer, chosen.doubt, chosen.reaction) == (0.8, 0.5, 0.95, 0.5)
    # The surer bar of a table asking for fewer nudges, likewise.
    surer = SimpleNamespace(bars=SURER)
    assert engine_thresholds(Settings(database_url="sqlite://"), surer).surer == 0.9
    monkeypatch.setenv("GROUNDRULES_SURER_THRESHOLD", "0.97")
    assert engine_thresholds(Settings(database_url="sqlite://"), surer).surer == 0.97
    # The consent bar of the consensus rule, likewise.
    consenting = SimpleNamespace(bars=CONSENTING)
    assert engine_thresholds(Settings(database_url="sqlite://"), consenting).consent == 0.8
    monkeypatch.setenv("GROUNDRULES_CONSENT_THRESHOLD", "0.9")
    assert engine_thresholds(Settings(database_url="sqlite://"), consenting).consent == 0.9


def test_problem_rule_a_deleted_problem_is_withdrawn_and_never_quoted(app):
    from sqlmodel import Session, select

    from bot.models import WatchRow

    chat = Chat(app)
    chat.say("ben", "#problem my private salary issue with Bob", "09:00")
    chat.delete("09:00", "09:05")
    chat.tick("23:00")
    assert nudges(chat) == []
    with Session(app.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
    assert (watch.status, watch.text) == ("withdrawn", None)


def test_problem_rule_a_problem_deleted_after_its_nudge_is_forgotten(app):
    from sqlmodel import Session, select

    from bot.models import WatchRow

    chat = Chat(app)
    chat.say("ben", "#problem my private salary issue with Bob", "09:00")
    chat.tick("10:00")
    assert len(nudges(chat)) == 1
    chat.delete("09:00", "10:05")
    with Session(app.database) as session:
        [watch] = session.exec(select(WatchRow)).all()
    assert (watch.status, watch.text) == ("withdrawn", None)
    chat.command("ben", "/snooze", "10:06")  # nothing left to snooze
    chat.tick("23:00")
    assert len(nudges(chat)) == 1


def test_problem_rule_an_author_who_left_is_not_nudged(app):
    chat = Chat(app)
    chat.join("anna", "ben")
    chat.say("ben", "#problem the rota is a mess", "09:00")
    chat.leave("ben", "09:05")
    chat.tick("23:00")
    assert nudges(chat) == []


def test_problem_rule_the_same_problem_posted_twice_is_nudged_once(app):
    chat = Chat(app)
    text = "#problem The printer on floor 2 is broken again, nobody can print"
    chat.say("dana", text, "09:00")
    chat.say("dana", text, "09:01")  # a double post
    chat.say("ben", text, "09:02")  # someone else's words are their own problem
    chat.tick("23:00")
    assert nudges(chat) == [("dana", "09:00", "09:10:00"), ("ben", "09:02", "09:12:00")]


def test_problem_rule_a_deleted_doubt_is_not_nudged_when_someone_reacts(doubting):
    chat = Chat(doubting)
    chat.say("ben", "#maybe-problem the secret salary list is on the shared drive", "09:00")
    chat.delete("09:00", "09:01")
    chat.say("anna", "#reaction again??", "09:02")
    chat.tick("12:00")
    assert nudges(chat) == []


def test_problem_rule_a_double_post_is_answered_with_its_first_copy(app):
    chat = Chat(app)
    text = "#problem the printer on floor 2 is broken again"
    chat.say("ben", text, "09:00")
    chat.say("ben", text, "09:00:20", message_id="09:00:20")
    chat.say("anna", "#proposal I'll call the repair desk", "09:03", thread="09:00")
    chat.tick("12:00")
    assert nudges(chat) == []


def test_problem_rule_the_last_member_who_leaves_is_not_nudged(app):
    chat = Chat(app)
    chat.say("zoe", "#problem the rota is a mess", "09:00")
    chat.leave("zoe", "09:05")
    chat.tick("12:00")
    assert nudges(chat) == []


def test_problem_rule_an_author_the_roster_no_longer_holds_is_not_nudged(app):
    from rules.events import RosterSynced

    chat = Chat(app)
    chat.join("anna", "ben")
    chat.say("ben", "#problem the rota is a mess", "09:00")
    synced = RosterSynced(
        workspace="W1", channel="C1", at=at("09:05"), event_id="sync-1",
        members=frozenset({"anna"}),
    )  # fmt: skip
    app.service.handle(synced)
    chat.tick("12:00")
    assert nudges(chat) == []
