""" "It has a proposal" said by mistake is taken back ("Undo", /has-proposal undo), as
"Not a problem" is: both corrections it stored go (not exported, not learnt from), the
problem waits for a proposal as before, without a second nudge, and the problems of
others it answered before their nudge wait again too. Only its author may, within an
hour, once. Through the real service and storage, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import CorrectionRow
from bot.presenting import plain
from rules.actions import ForgetDismissal, NotAProblemNoted, RestoreWatch, StoreCorrection
from rules.events import UndoAsked
from rules.i18n import render
from tests.bot.test_races import all_at_once
from tests.bot.test_undo_not_a_problem import PRINTER, exported, nudged, said, watch
from tests.conftest import make_app
from tests.helpers import Chat, at

LIFT = "#problem the lift is stuck again"


def corrections(chat: Chat) -> list[tuple[str | None, str, str, bool]]:
    with Session(chat.app.database) as session:
        rows = session.exec(select(CorrectionRow).order_by(CorrectionRow.id)).all()
        return [(c.message_id, c.user, c.label, c.applies) for c in rows]


def has_proposal_on_its_nudge(chat: Chat) -> NotAProblemNoted:
    chat.say("ben", PRINTER, "09:00")
    chat.tick("09:10:30")  # ben is nudged about it
    [thanks] = chat.relabel("ben", "09:00", "09:12", has_proposal=True)
    assert watch(chat, "09:00") == ("answered", None)
    assert exported(chat) == [PRINTER, PRINTER]  # a problem, and a proposal
    return thanks


# --- the thanks offers it -------------------------------------------------------------


def test_the_thanks_for_has_proposal_offers_to_undo_it(app):
    chat = Chat(app)
    thanks = has_proposal_on_its_nudge(chat)
    assert isinstance(thanks, NotAProblemNoted) and thanks.proposes
    assert (thanks.problem_id, thanks.user, thanks.private) == ("09:00", "ben", True)
    assert plain(thanks).endswith(
        "Said by mistake? /has-proposal undo takes it back, within 1 hour."
    )


# --- undone ---------------------------------------------------------------------------


def test_undo_takes_both_corrections_back_and_the_problem_waits_again_without_a_nudge(app):
    chat = Chat(app)
    has_proposal_on_its_nudge(chat)
    reply = chat.undo("ben", "09:00", "09:20", has_proposal=True)
    assert said(reply) == (
        f"About your message:\n> {PRINTER}\n"
        "Undone: your message no longer counts as a proposal, and I wait for one again."
    )
    assert [a.user for a in reply] == ["ben"]  # privately, to its author alone
    assert corrections(chat) == [] and exported(chat) == []
    assert watch(chat, "09:00") == ("nudged", PRINTER)
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]  # no second nudge
    chat.say("ben", "#proposal I'll call the vendor", "12:05", thread="09:00")
    assert watch(chat, "09:00")[0] == "answered"


def test_a_typed_undo_before_the_nudge_was_due_leaves_it_due_in_time(app):
    chat = Chat(app)
    chat.say("ben", PRINTER, "09:00")
    chat.command("ben", "/has-proposal", "09:02")
    reply = chat.command("ben", "/has-proposal undo", "09:03")
    assert said(reply).endswith("I wait for one again.")
    assert watch(chat, "09:00") == ("open", PRINTER)
    assert exported(chat) == []
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]  # at its deadline, as if never said
    assert watch(chat, "09:00")[0] == "nudged"


def test_undo_brings_back_the_problems_of_others_it_answered_before_their_nudge(app):
    chat = Chat(app)
    chat.say("anna", LIFT, "08:58")
    chat.say("ben", PRINTER, "09:00")
    chat.command("ben", "/has-proposal", "09:02")  # answers anna's too, at the top level
    assert watch(chat, "08:58")[0] == "answered"
    chat.command("ben", "/has-proposal undo", "09:03")
    assert watch(chat, "08:58") == ("open", LIFT)
    chat.tick("09:30")
    # Each at its own deadline, not at once.
    assert nudged(chat) == ["08:58", "09:00"]


def test_undo_in_dutch_is_answered_in_dutch(app):
    chat = Chat(app)
    chat.say("ben", "#problem de printer op de derde verdieping is weer vastgelopen", "09:00")
    chat.command("ben", "/bevat-voorstel", "09:02")
    reply = chat.command("ben", "/bevat-voorstel ongedaan maken", "09:03")
    assert said(reply) == (
        "Over je bericht:\n> #problem de printer op de derde verdieping is weer vastgelopen\n"
        "Teruggedraaid: je bericht telt niet meer als voorstel, en ik wacht weer op een voorstel."
    )
    assert watch(chat, "09:00")[0] == "open"


# --- nothing to undo: said kindly, nothing changes --------------------------------------


def test_only_its_author_can_undo_and_only_the_kind_they_said(app):
    chat = Chat(app)
    has_proposal_on_its_nudge(chat)
    assert said(chat.undo("anna", "09:00", "09:13", has_proposal=True)) == (
        "There is no “It has a proposal” of yours to undo here."
    )
    # An undo of "Not a problem" does not take back an "It has a proposal".
    assert said(chat.command("ben", "/not-a-problem undo", "09:14")) == (
        "There is no “Not a problem” of yours to undo here."
    )
    assert said(chat.undo("ben", "09:00", "09:15")) == (
        "There is no “Not a problem” of yours to undo here."
    )
    assert watch(chat, "09:00") == ("answered", None)
    assert len(corrections(chat)) == 2


def test_undo_twice_undoes_once_and_too_late_changes_nothing(app):
    chat = Chat(app)
    has_proposal_on_its_nudge(chat)
    chat.undo("ben", "09:00", "09:13", has_proposal=True)
    assert said(chat.undo("ben", "09:00", "09:14", has_proposal=True)) == (
        f"About your message:\n> {PRINTER}\n"
        "That is undone already: I wait for a proposal to your message again."
    )
    chat.command("ben", "/has-proposal", "09:16")  # said again, it holds again
    assert watch(chat, "09:00") == ("answered", None)
    assert said(chat.command("ben", "/has-proposal undo", "10:16:01")) == (
        f"About your message:\n> {PRINTER}\n"
        "That “It has a proposal” is more than 1 hour old, so it stays: I only undo one "
        "within 1 hour."
    )
    assert watch(chat, "09:00") == ("answered", None)
    assert exported(chat) == [PRINTER, PRINTER]


# --- storage -----------------------------------------------------------------------------


def test_storage_forgets_only_that_has_proposal_and_restores_only_a_watch_it_answered(app):
    chat = Chat(app)
    chat.say("ben", PRINTER, "09:00")
    chat.command("ben", "/has-proposal", "09:01")
    chat.relabel("anna", "09:00", "09:02")  # someone else's word about the same message
    chat.say("carl", LIFT, "09:03")
    where = {"workspace": "W1", "channel": "C1"}
    with app.store.unit_of_work() as work:
        # ben's own "this is a problem", said at another time, is no part of it.
        work.apply(StoreCorrection(**where, user="ben", text=PRINTER, at=at("09:05"),
                                   message_id="09:00", label="problem", applies=True))  # fmt: skip
        work.apply(
            ForgetDismissal(**where, message_id="09:00", user="ben", proposes=True, at=at("09:01"))
        )
        work.apply(RestoreWatch(**where, problem_id="09:00", text=PRINTER, nudged=False,
                                settled="answered"))  # fmt: skip
        # A problem still waiting is not settled so: left as it is.
        work.apply(RestoreWatch(**where, problem_id="09:03", text="other words", nudged=True,
                                settled="answered"))  # fmt: skip
    assert corrections(chat) == [
        ("09:00", "anna", "problem", False),
        ("09:00", "ben", "problem", True),
    ]
    assert watch(chat, "09:00") == ("open", PRINTER)
    assert watch(chat, "09:03") == ("open", LIFT)


# --- several processes at once (PostgreSQL) ---------------------------------------------


def test_two_undos_of_has_proposal_at_once_in_two_processes_undo_once(postgres_url, tagged):
    for attempt in range(3):
        apps = [make_app(postgres_url, tagged) for _ in range(2)]
        chat = Chat(apps[0], workspace=f"W{attempt}", channel=f"C{attempt}")
        has_proposal_on_its_nudge(chat)
        where = {"workspace": chat.workspace, "channel": chat.channel, "at": at("09:20")}
        undos = [
            UndoAsked(**where, event_id=f"undo-{n}", user="ben", message_id="09:00", proposes=True)
            for n in range(2)
        ]
        results = all_at_once(apps, undos)
        answers = sorted(render(r.text, "en").split("\n")[-1] for [r] in results)
        assert answers == [
            "That is undone already: I wait for a proposal to your message again.",
            "Undone: your message no longer counts as a proposal, and I wait for one again.",
        ]
        assert corrections(chat) == []
        assert watch(chat, "09:00") == ("nudged", PRINTER)
