""" "Not a problem" said by mistake is taken back ("Undo", /not-a-problem undo): the
correction goes (not exported, not learnt from, the same message nudged about again)
and the problem waits for a proposal as before, without a second nudge. Only its author
may, within an hour, once. Through the real service and storage, on SQLite and
PostgreSQL; two processes at once on PostgreSQL."""

from __future__ import annotations

import io
import json

from sqlmodel import Session, select

from bot.feedback import export_corrections
from bot.models import CorrectionRow, WatchRow
from bot.presenting import plain
from rules.actions import (
    ForgetDismissal,
    NotAProblemNoted,
    PostReport,
    Reply,
    RestoreWatch,
    SendNudge,
)
from rules.events import MessageDeleted, UndoAsked
from rules.i18n import render
from rules.state import Dismissal, Reads
from tests.bot.test_races import all_at_once
from tests.conftest import make_app
from tests.helpers import Chat, at

PRINTER = "#problem the printer on floor three is jammed again"


def watch(chat: Chat, problem_id: str) -> tuple[str, str | None]:
    chat.app.store.flush()
    with Session(chat.app.database) as session:
        row = session.get(WatchRow, (chat.workspace, chat.channel, problem_id))
        return row.status, row.text


def corrections(chat: Chat) -> list[tuple[str | None, str, str]]:
    with Session(chat.app.database) as session:
        rows = session.exec(select(CorrectionRow).order_by(CorrectionRow.id)).all()
        return [(c.message_id, c.user, c.text) for c in rows]


def exported(chat: Chat) -> list[str]:
    out = io.StringIO()
    export_corrections(chat.app.database, out)
    return [json.loads(line)["text"] for line in out.getvalue().splitlines()]


def said(actions) -> str:
    [reply] = [a for a in actions if isinstance(a, Reply)]
    assert reply.private
    return render(reply.text, reply.lang)


def nudged(chat: Chat) -> list[str]:
    return [a.problem_id for a in chat.of_type(SendNudge)]


def dismissed_on_its_nudge(chat: Chat, text: str = PRINTER) -> NotAProblemNoted:
    chat.say("ben", text, "09:00")
    chat.tick("09:10:30")  # ben is nudged about it
    [thanks] = chat.relabel("ben", "09:00", "09:12")  # "Not a problem" on the nudge
    assert watch(chat, "09:00") == ("dismissed", None)
    assert isinstance(thanks, NotAProblemNoted)
    return thanks


# --- 1. the thanks offers it --------------------------------------------------------------


def test_the_thanks_for_not_a_problem_offers_to_undo_it(app):
    chat = Chat(app)
    thanks = dismissed_on_its_nudge(chat)
    assert (thanks.problem_id, thanks.user, thanks.private) == ("09:00", "ben", True)
    # Without buttons (the console, a notification) it names the command, and how long.
    assert plain(thanks).endswith(
        "Said by mistake? /not-a-problem undo takes it back, within 1 hour."
    )
    # A typed /not-a-problem is offered it too; "not a problem" about nothing waiting is not.
    chat.say("ben", "#problem the coffee machine leaks", "10:00")
    [typed] = chat.command("ben", "/not-a-problem", "10:01")
    assert isinstance(typed, NotAProblemNoted) and typed.problem_id == "10:00"
    [nothing] = chat.relabel("ben", "no-such-message", "10:02")
    assert not isinstance(nothing, NotAProblemNoted)


# --- 2. undone --------------------------------------------------------------------------


def test_undo_takes_the_correction_back_and_the_problem_waits_again_without_a_nudge(app):
    chat = Chat(app)
    dismissed_on_its_nudge(chat)
    assert exported(chat) == [PRINTER]

    reply = chat.undo("ben", "09:00", "09:20")
    assert said(reply) == (
        f"About your message:\n> {PRINTER}\nUndone: I will treat your message as a problem again."
    )
    assert [a.user for a in reply] == ["ben"]  # privately, to its author alone
    assert corrections(chat) == [] and exported(chat) == []
    assert watch(chat, "09:00") == ("nudged", PRINTER)
    chat.tick("12:00")
    assert nudged(chat) == ["09:00"]  # no second nudge
    [report] = [a for a in chat.command("anna", "/report", "12:01") if isinstance(a, PostReport)]
    waiting = render(report.full, "en").split("Problems still without a proposal:\n")[1]
    assert "printer on floor three" in waiting.split("\n")[0]
    # A proposal in its thread answers it, as any nudged problem's.
    chat.say("ben", "#proposal I'll call the vendor", "12:05", thread="09:00")
    assert watch(chat, "09:00")[0] == "answered"


def test_an_undone_not_a_problem_no_longer_spares_the_same_message_when_it_comes_back(app):
    chat = Chat(app)
    dismissed_on_its_nudge(chat)
    chat.undo("ben", "09:00", "09:20")
    chat.say("anna", PRINTER, "10:00")
    chat.tick("10:30")
    assert nudged(chat) == ["09:00", "10:00"]


def test_undo_before_the_nudge_was_due_leaves_it_due_in_time(app):
    chat = Chat(app)
    chat.say("ben", PRINTER, "09:00")
    chat.command("ben", "/not-a-problem", "09:02")
    reply = chat.command("ben", "/not-a-problem undo", "09:03")
    assert said(reply).endswith("Undone: I will treat your message as a problem again.")
    assert watch(chat, "09:00") == ("open", PRINTER)
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]  # at its deadline, as if never dismissed
    assert watch(chat, "09:00")[0] == "nudged"


def test_a_typed_undo_in_a_problems_thread_takes_back_that_one(app):
    chat = Chat(app)
    chat.say("ben", "#problem the coffee machine leaks", "09:00")
    chat.say("ben", PRINTER, "09:05")
    chat.tick("09:15:30")  # both nudged
    chat.relabel("ben", "09:00", "09:16")
    chat.relabel("ben", "09:05", "09:17")
    reply = chat.command("ben", "/not-a-problem undo", "09:18", thread="09:00")
    assert "> #problem the coffee machine leaks" in said(reply)
    assert (watch(chat, "09:00")[0], watch(chat, "09:05")[0]) == ("nudged", "dismissed")
    # Elsewhere, the latest.
    reply = chat.command("ben", "/not-a-problem undo", "09:19")
    assert f"> {PRINTER}" in said(reply)
    assert watch(chat, "09:05") == ("nudged", PRINTER)


def test_undo_brings_back_the_words_as_their_writer_last_edited_them(app):
    chat = Chat(app)
    dismissed_on_its_nudge(chat)
    edited = "#problem the printer on floor three is jammed, twice today"
    chat.edit("ben", "09:00", edited, "09:15")
    chat.undo("ben", "09:00", "09:20")
    assert watch(chat, "09:00") == ("nudged", edited)


def test_undo_in_dutch_is_answered_in_dutch(app):
    chat = Chat(app)
    chat.say("ben", "#problem de printer op de derde verdieping is weer vastgelopen", "09:00")
    chat.command("ben", "/geen-probleem", "09:02")
    reply = chat.command("ben", "/geen-probleem ongedaan maken", "09:03")
    assert said(reply) == (
        "Over je bericht:\n> #problem de printer op de derde verdieping is weer vastgelopen\n"
        "Teruggedraaid: ik tel je bericht weer als probleem."
    )
    assert watch(chat, "09:00")[0] == "open"


# --- 3. nothing to undo: said kindly, nothing changes -------------------------------------


def test_only_its_author_can_undo_a_not_a_problem(app):
    chat = Chat(app)
    dismissed_on_its_nudge(chat)
    assert said(chat.undo("anna", "09:00", "09:13")) == (
        "There is no “Not a problem” of yours to undo here."
    )
    assert said(chat.command("anna", "/not-a-problem undo", "09:14")) == (
        "There is no “Not a problem” of yours to undo here."
    )
    assert watch(chat, "09:00") == ("dismissed", None)
    assert corrections(chat) == [("09:00", "ben", PRINTER)]


def test_undo_twice_undoes_once(app):
    chat = Chat(app)
    dismissed_on_its_nudge(chat)
    chat.undo("ben", "09:00", "09:13")
    assert said(chat.undo("ben", "09:00", "09:14")) == (
        f"About your message:\n> {PRINTER}\n"
        "That is undone already: I treat your message as a problem again."
    )
    assert said(chat.command("ben", "/not-a-problem undo", "09:15")) == (
        "There is no “Not a problem” of yours to undo here."
    )
    assert watch(chat, "09:00") == ("nudged", PRINTER)
    # Said again, it holds again, and may be undone again.
    chat.command("ben", "/not-a-problem", "09:16")
    assert watch(chat, "09:00") == ("dismissed", None)
    assert len(corrections(chat)) == 1


def test_undo_after_an_hour_is_too_late_and_changes_nothing(app):
    chat = Chat(app)
    dismissed_on_its_nudge(chat)
    assert said(chat.undo("ben", "09:00", "10:12:01")) == (
        f"About your message:\n> {PRINTER}\n"
        "That “Not a problem” is more than 1 hour old, so it stays: I only undo one within "
        "1 hour."
    )
    assert watch(chat, "09:00") == ("dismissed", None)
    assert exported(chat) == [PRINTER]


def test_undo_after_the_message_was_deleted_brings_nothing_back(app):
    chat = Chat(app)
    dismissed_on_its_nudge(chat)
    chat.delete("09:00", "09:15")
    assert said(chat.undo("ben", "09:00", "09:20")) == (
        "That message was deleted, so there is nothing to treat as a problem again."
    )
    assert watch(chat, "09:00") == ("dismissed", None)
    assert corrections(chat) == [("09:00", "ben", "")]


# --- 4. storage -------------------------------------------------------------------------


def test_storage_reads_a_persons_not_a_problems_and_the_problems_they_settled(app):
    chat = Chat(app)
    chat.say("ben", "#problem the coffee machine leaks", "09:00")
    chat.say("ben", PRINTER, "09:01")
    chat.say("anna", "#problem the lift is stuck", "09:02")
    chat.command("ben", "/not-a-problem", "09:03", thread="09:00")
    chat.command("ben", "/has-proposal", "09:04")  # no "not a problem": read as what it is
    chat.command("anna", "/not-a-problem", "09:05")
    with app.store.unit_of_work() as work:
        state = work.load("W1", "C1", Reads(dismissals_of="ben"))
    assert state.dismissals == (
        Dismissal("09:01", "ben", PRINTER, at("09:04"), proposes=True),
        Dismissal("09:00", "ben", "#problem the coffee machine leaks", at("09:03")),
    )
    assert sorted((w.problem_id, w.status) for w in state.watches) == [
        ("09:00", "dismissed"), ("09:01", "answered"),
    ]  # fmt: skip


def test_storage_forgets_only_that_persons_not_a_problem_and_restores_only_a_dismissed_watch(
    app,
):
    chat = Chat(app)
    chat.say("ben", PRINTER, "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    chat.relabel("anna", "09:00", "09:02")  # someone else's word about the same message
    chat.say("carl", "#problem the lift is stuck", "09:03")
    where = {"workspace": "W1", "channel": "C1"}
    with app.store.unit_of_work() as work:
        work.apply(ForgetDismissal(**where, message_id="09:00", user="ben"))
        work.apply(RestoreWatch(**where, problem_id="09:00", text=PRINTER, nudged=False))
        # A problem still waiting is no dismissed one: left as it is.
        work.apply(RestoreWatch(**where, problem_id="09:03", text="other words", nudged=True))
    assert [(m, u) for m, u, _ in corrections(chat)] == [("09:00", "anna")]
    assert watch(chat, "09:00") == ("open", PRINTER)
    assert watch(chat, "09:03") == ("open", "#problem the lift is stuck")


# --- 5. several processes at once (PostgreSQL) ---------------------------------------------


def _undo_event(chat: Chat, user: str, n: int) -> UndoAsked:
    return UndoAsked(
        workspace=chat.workspace, channel=chat.channel, at=at("09:20"), event_id=f"undo-{n}",
        user=user, message_id="09:00",
    )  # fmt: skip


def test_two_undos_at_once_in_two_processes_undo_once(postgres_url, tagged):
    for attempt in range(3):
        apps = [make_app(postgres_url, tagged) for _ in range(2)]
        chat = Chat(apps[0], workspace=f"W{attempt}", channel=f"C{attempt}")
        dismissed_on_its_nudge(chat)
        results = all_at_once(apps, [_undo_event(chat, "ben", n) for n in range(2)])
        answers = sorted(render(r.text, "en").split("\n")[-1] for [r] in results)
        assert answers == [
            "That is undone already: I treat your message as a problem again.",
            "Undone: I will treat your message as a problem again.",
        ]
        assert corrections(chat) == []
        assert watch(chat, "09:00") == ("nudged", PRINTER)


def test_an_undo_and_a_deletion_at_once_keep_no_words_of_the_deleted_message(postgres_url, tagged):
    for attempt in range(3):
        apps = [make_app(postgres_url, tagged) for _ in range(2)]
        chat = Chat(apps[0], workspace=f"W{attempt}", channel=f"C{attempt}")
        dismissed_on_its_nudge(chat)
        deleted = MessageDeleted(
            workspace=chat.workspace, channel=chat.channel, at=at("09:20"),
            event_id=f"delete-{attempt}", message_id="09:00",
        )  # fmt: skip
        results = all_at_once(apps, [_undo_event(chat, "ben", 0), deleted])
        assert not [r for r in results if isinstance(r, Exception)]
        # Either the undo came first and the deletion withdrew the problem it brought
        # back, or the deletion came first and the undo found nothing to bring back.
        status, text = watch(chat, "09:00")
        assert (status, text) in (("withdrawn", None), ("dismissed", None))
        assert exported(chat) == []
