"""Edits of messages, as the problem rule reads them: an edit speaks as of when its
message was posted (what it answers, what it opens), a doubtful problem keeps what
another member's reaction made it, and a correction kept about a message holds its
words as they stand. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.models import CorrectionRow, WatchRow
from rules.actions import SendNudge
from tests.helpers import DOUBTING, Chat


def watch(app, problem_id: str) -> WatchRow | None:
    app.store.flush()
    with Session(app.database) as session:
        return session.exec(select(WatchRow).where(WatchRow.problem_id == problem_id)).first()


def nudged(chat: Chat) -> list[str]:
    return [n.problem_id for n in chat.of_type(SendNudge)]


def test_a_typo_fixed_in_an_older_proposal_answers_no_later_problem(app):
    chat = Chat(app)
    chat.say("anna", "#proposal we rotate the on-call wekly", "08:00")
    chat.say("ben", "#problem the VPN drops every hour", "09:00")
    chat.edit("anna", "08:00", "#proposal we rotate the on-call weekly", "09:03")
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]


def test_a_message_edited_into_a_proposal_answers_what_was_waiting_when_it_was_posted(app):
    chat = Chat(app)
    chat.say("ben", "#problem the VPN drops every hour", "09:00")
    chat.say("anna", "let me look", "09:02")
    chat.edit("anna", "09:02", "#proposal we switch to the backup VPN", "09:04")
    chat.tick("09:30")
    assert nudged(chat) == []
    assert watch(app, "09:00").status == "answered"


def test_an_edit_of_a_message_older_than_the_window_opens_no_nudge(app):
    chat = Chat(app)
    # Posted at 07:00, before the bot was there: only its edit reaches the bot.
    chat.edit("ben", "07:00", "#problem the build is broken agian", "09:00")
    chat.tick("09:30")
    assert nudged(chat) == []
    assert watch(app, "07:00") is None


def test_an_edit_within_the_window_that_names_a_problem_is_posted_as_of_its_post(app):
    chat = Chat(app)
    chat.say("ben", "the build is red", "09:00")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:04")
    kept = watch(app, "09:00")
    assert kept.posted_at.replace(tzinfo=None).strftime("%H:%M") == "09:00"
    # Its proposal is due a window after the edit that named it.
    assert kept.deadline.replace(tzinfo=None).strftime("%H:%M") == "09:14"
    chat.tick("09:15")
    assert nudged(chat) == ["09:00"]


def test_a_typo_fix_keeps_a_doubtful_problem_another_member_confirmed(app):
    app.service.engine.thresholds = DOUBTING
    chat = Chat(app)
    chat.say("ben", "#maybe-problem the till is 40 euro shrot", "09:00")
    chat.say("anna", "#reaction again??", "09:02")
    chat.edit("ben", "09:00", "#maybe-problem the till is 40 euro short", "09:03")
    assert watch(app, "09:00").status == "open"
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]
    assert [n.problem_text for n in chat.of_type(SendNudge)] == [
        "#maybe-problem the till is 40 euro short"
    ]


def test_a_doubtful_problem_edited_into_a_clear_one_is_nudged(app):
    app.service.engine.thresholds = DOUBTING
    chat = Chat(app)
    chat.say("ben", "#maybe-problem the till is short", "09:00")
    chat.edit("ben", "09:00", "#problem the till is short AGAIN, third time", "09:03")
    assert watch(app, "09:00").status == "open"
    chat.tick("09:30")
    assert nudged(chat) == ["09:00"]


def corrections(app) -> list[CorrectionRow]:
    app.store.flush()
    with Session(app.database) as session:
        return list(session.exec(select(CorrectionRow).order_by(CorrectionRow.id)))


def test_an_edit_of_a_message_called_not_a_problem_rewords_its_correction(app):
    chat = Chat(app)
    chat.say("ben", "#problem Kevin's speedtest: 40 down", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    [kept] = corrections(app)
    chat.edit("ben", "09:00", "#problem speedtest: 40 down", "09:05")
    [reworded] = corrections(app)
    assert reworded.text == "#problem speedtest: 40 down"
    assert (reworded.label, reworded.applies, reworded.fingerprint) == (
        "problem",
        False,
        kept.fingerprint,
    )
    # Erased by a deletion, it stays erased: a late edit brings no words back.
    chat.delete("09:00", "09:06")
    chat.edit("ben", "09:00", "#problem Kevin's speedtest again", "09:07")
    assert [c.text for c in corrections(app)] == [""]


def test_a_problem_whose_answer_is_deleted_waits_again(app):
    chat = Chat(app)
    chat.say("ben", "#problem the build is broken", "09:00")
    chat.say("anna", "#proposal pin the base image", "09:02")
    assert watch(app, "09:00").status == "answered"
    chat.delete("09:02", "09:03")
    chat.tick("09:30")
    assert [n.problem_text for n in chat.of_type(SendNudge)] == ["#problem the build is broken"]


def test_a_problem_whose_answer_is_edited_into_none_waits_again(app):
    chat = Chat(app)
    chat.say("ben", "#problem the build is broken", "09:00")
    chat.say("anna", "#proposal pin the base image", "09:02")
    chat.edit("anna", "09:02", "no idea, sorry", "09:20")  # past its due time: nudged now
    chat.tick("09:21")
    assert nudged(chat) == ["09:00"]


def test_an_answer_kept_past_its_time_is_settled_and_the_problem_words_erased(app):
    chat = Chat(app)
    chat.say("ben", "#problem the build is broken", "09:00")
    chat.say("anna", "#proposal pin the base image", "09:02")
    chat.tick("11:00")  # an hour past its due time: the answer stands for good
    settled = watch(app, "09:00")
    assert (settled.status, settled.text) == ("answered", None)
    chat.delete("09:02", "11:05")
    chat.tick("12:00")
    assert nudged(chat) == []


def test_an_older_edit_delivered_late_does_not_undo_a_newer_one(app):
    chat = Chat(app)
    chat.say("ben", "#problem Kevin broke the build again", "09:00")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:02")
    chat.edit("ben", "09:00", "#problem Kevin broke the build again, sigh", "09:01")  # late
    assert watch(app, "09:00").text == "#problem the build is broken again"
    chat.tick("09:30")
    assert [n.problem_text for n in chat.of_type(SendNudge)] == [
        "#problem the build is broken again"
    ]


def test_an_older_edit_delivered_late_does_not_bring_back_a_withdrawn_problem(app):
    chat = Chat(app)
    chat.say("ben", "#problem the VPN is down", "09:00")
    chat.edit("ben", "09:00", "VPN was down for a minute, all good", "09:02")
    chat.edit("ben", "09:00", "#problem the VPN is down, again", "09:01")  # late
    chat.tick("09:30")
    assert nudged(chat) == []


def test_an_older_edit_delivered_late_leaves_a_problem_named_by_a_newer_edit(app):
    """The time of every edit counts, also of the one that named the problem."""
    chat = Chat(app)
    chat.say("ben", "the build ran at nine", "09:00")
    chat.edit("ben", "09:00", "#problem the build is broken again", "09:02")
    chat.edit("ben", "09:00", "#problem Kevin broke the build again", "09:01")  # late
    chat.tick("09:30")
    assert [n.problem_text for n in chat.of_type(SendNudge)] == [
        "#problem the build is broken again"
    ]


def test_an_older_edit_delivered_late_leaves_a_corrections_newer_words(app):
    chat = Chat(app)
    chat.say("ben", "#problem Kevin's speedtest: 40 down", "09:00")
    chat.command("ben", "/not-a-problem", "09:01")
    chat.edit("ben", "09:00", "#problem speedtest: 40 down", "09:05")
    chat.edit("ben", "09:00", "#problem Kevin's speedtest: 40 down, again", "09:03")  # late
    assert [c.text for c in corrections(app)] == ["#problem speedtest: 40 down"]


def test_a_post_delivered_after_its_deletion_opens_no_problem(app):
    chat = Chat(app)
    chat.delete("09:00", "09:01")
    chat.say("ben", "#problem Kevin broke the build again", "09:00:30", message_id="09:00")
    chat.edit("ben", "09:00", "#problem Kevin broke the build, again", "09:00:40")
    chat.tick("09:30")
    assert nudged(chat) == []
    assert watch(app, "09:00") is None


def test_a_deletion_is_forgotten_after_the_retention(app):
    from datetime import timedelta

    from bot.models import DeletedMessageRow
    from tests.helpers import at

    chat = Chat(app)
    chat.delete("09:00", "09:01")
    app.store.sweep(at("09:01") + timedelta(days=1), timedelta(days=2))
    with Session(app.database) as session:
        assert [d.message_id for d in session.exec(select(DeletedMessageRow))] == ["09:00"]
    app.store.sweep(at("09:02") + timedelta(days=2), timedelta(days=2))
    with Session(app.database) as session:
        assert session.exec(select(DeletedMessageRow)).all() == []


@pytest.mark.empty_database
def test_migration_0016_keeps_problems_watched_before_it_and_goes_down_again(database_url, tagged):
    """A problem watched before 0016 was never edited since (edited_at None): an edit
    rewords it as before. Down again, the column and the deletions' markers go."""
    from alembic import command
    from sqlalchemy import inspect, text

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade
    from tests.conftest import make_app
    from tests.helpers import at

    engine = make_engine(database_url)
    upgrade(engine, "0015")
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO problem_watch (workspace, channel, problem_id, "user", text, lang, '
                "posted_at, deadline, status) VALUES ('W1', 'C1', '09:00', 'ben', "
                "'#problem the VPN is down', 'en', :at, :due, 'open')"
            ),
            {"at": at("09:00"), "due": at("09:10")},
        )
    upgrade(engine)
    engine.dispose()
    app = make_app(database_url, tagged)
    try:
        chat = Chat(app)
        chat.edit("ben", "09:00", "#problem the VPN is down again", "09:02")
        assert watch(app, "09:00").text == "#problem the VPN is down again"
        chat.delete("09:05", "09:06")
    finally:
        app.database.dispose()
    command.downgrade(alembic_config(database_url), "0015")
    engine = make_engine(database_url)
    try:
        inspector = inspect(engine)
        assert "edited_at" not in {c["name"] for c in inspector.get_columns("problem_watch")}
        assert "deleted_message" not in inspector.get_table_names()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT text FROM problem_watch")).scalar() == (
                "#problem the VPN is down again"
            )
    finally:
        engine.dispose()


@pytest.mark.empty_database
def test_migration_0020_keeps_a_problems_edit_time_in_one_place_and_goes_down(database_url, tagged):
    """A problem's edit time moves from problem_watch.edited_at to edited_message (the
    later, where both held one); an older edit delivered after the upgrade changes
    nothing. Down again, the column comes back with the times."""
    from alembic import command
    from sqlalchemy import inspect, text

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade
    from tests.conftest import make_app
    from tests.helpers import at

    watched = (
        'INSERT INTO problem_watch (workspace, channel, problem_id, "user", text, lang, '
        "posted_at, deadline, status, edited_at) VALUES ('W1', 'C1', :id, 'ben', :text, "
        "'en', :at, :due, 'open', :edited)"
    )
    engine = make_engine(database_url)
    upgrade(engine, "0019")
    with engine.begin() as connection:
        for problem_id, words, edited in [
            ("09:00", "#problem the VPN is down again", "09:04"),
            ("09:01", "#problem the wiki is down again", "09:05"),
            ("09:02", "#problem the printer jams", None),
        ]:
            connection.execute(
                text(watched),
                {"id": problem_id, "text": words, "at": at(problem_id),
                 "due": at(problem_id) + timedelta(minutes=10),
                 "edited": edited and at(edited)},
            )  # fmt: skip
        # Known to both places: the later time is kept, whichever held it.
        connection.execute(
            text(
                "INSERT INTO edited_message (workspace, channel, message_id, edited_at) "
                "VALUES ('W1', 'C1', '09:01', :earlier), ('W1', 'C1', '09:02', :only)"
            ),
            {"earlier": at("09:03"), "only": at("09:06")},
        )
    upgrade(engine)
    with engine.connect() as connection:
        times = connection.execute(
            text("SELECT message_id, edited_at FROM edited_message ORDER BY message_id")
        ).all()
    assert [(m, str(t)[11:16]) for m, t in times] == [
        ("09:00", "09:04"), ("09:01", "09:05"), ("09:02", "09:06")
    ]  # fmt: skip
    assert "edited_at" not in {c["name"] for c in inspect(engine).get_columns("problem_watch")}
    engine.dispose()
    app = make_app(database_url, tagged)
    try:
        Chat(app).edit("ben", "09:00", "#problem the VPN is down", "09:03")  # late
        assert watch(app, "09:00").text == "#problem the VPN is down again"
    finally:
        app.database.dispose()
    command.downgrade(alembic_config(database_url), "0019")
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            times = connection.execute(
                text("SELECT problem_id, edited_at FROM problem_watch ORDER BY problem_id")
            ).all()
        assert [(p, str(t)[11:16]) for p, t in times] == [
            ("09:00", "09:04"), ("09:01", "09:05"), ("09:02", "09:06")
        ]  # fmt: skip
    finally:
        engine.dispose()


def test_a_same_here_waits_on_its_own_when_the_first_writer_deletes_theirs(app):
    chat = Chat(app)
    chat.say("ben", "#problem the VPN drops every hour", "09:00")
    chat.say("carl", "#problem same here, dropped twice", "09:01", thread="09:00")
    chat.say("dana", "#problem here too", "09:02", thread="09:00")
    chat.delete("09:00", "09:03")
    chat.tick("09:30")
    nudges = chat.of_type(SendNudge)
    assert [(n.user, n.problem_text) for n in nudges] == [
        ("carl", "#problem same here, dropped twice")
    ]


def test_a_same_here_is_not_nudged_while_the_problem_it_joined_stands(app):
    from bot.views import problem_counts

    chat = Chat(app)
    chat.say("ben", "#problem the VPN drops every hour", "09:00")
    chat.say("carl", "#problem same here, dropped twice", "09:01", thread="09:00")
    chat.tick("09:30")
    assert [n.user for n in chat.of_type(SendNudge)] == ["ben"]
    # Its words go once the one it joined can no longer be taken back for it.
    assert (watch(app, "09:01").status, watch(app, "09:01").text) == ("joined", None)
    counts = problem_counts(app.database, "W1")
    assert (counts.named, counts.nudged) == (1, 1)
