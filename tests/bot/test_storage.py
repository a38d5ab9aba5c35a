"""Storage: migrations, retried events, the outbox, retention, codecs."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text
from sqlmodel import Session, SQLModel, select

from bot import codec
from bot.database import make_engine, normalise_url, redact
from bot.migrate import include_object, upgrade
from bot.models import MemberRow, OutboxRow, ProcessedEvent, WatchRow
from bot.store import DELIVERY_LEASE
from rules.actions import (
    AgreementView,
    AnnounceAgreement,
    AskRenewal,
    PostConcernRound,
    PostRoundSummary,
    Reply,
    RewordWatch,
    RoundView,
    SendNudge,
    WordToProposer,
)
from rules.events import MessagePosted
from rules.say import Day, Lines, Member, Members, Quote, Say, Span
from tests.conftest import make_app
from tests.helpers import Chat, at


@pytest.mark.empty_database
def test_storage_migrations_build_exactly_the_models_schema(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.empty_database
def test_storage_migration_0005_remembers_which_waiting_watches_are_doubts(database_url):

    engine = make_engine(database_url)
    upgrade(engine, "0004")
    insert = text(
        'INSERT INTO problem_watch (workspace, channel, problem_id, "user", lang, posted_at, '
        "deadline, status) VALUES ('W1', 'C1', :p, 'ben', 'en', :at, :at, :status)"
    )
    with engine.begin() as connection:
        for problem_id, status in (("1", "doubtful"), ("2", "open"), ("3", "nudged")):
            connection.execute(insert, {"p": problem_id, "at": at("09:00"), "status": status})
    upgrade(engine)
    with Session(engine) as session:
        doubted = {row.problem_id: row.doubted for row in session.exec(select(WatchRow))}
    engine.dispose()
    assert doubted == {"1": True, "2": False, "3": False}


@pytest.mark.empty_database
def test_storage_migrating_twice_is_harmless(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    engine.dispose()


def test_storage_retried_event_is_handled_once_across_two_processes(database_url, tagged):
    first, second = make_app(database_url, tagged), make_app(database_url, tagged)
    event = MessagePosted(
        workspace="W1", channel="C1", at=at("09:00"), event_id="Ev-retried", user="ben",
        message_id="1.0", text="#problem the deploy is broken",
    )  # fmt: skip
    barrier = threading.Barrier(2)
    results = []

    def handle(app):
        barrier.wait()
        results.append(app.service.handle(event))

    threads = [threading.Thread(target=handle, args=(a,)) for a in (first, second)]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    with Session(first.database) as session:
        assert len(session.exec(select(WatchRow)).all()) == 1
        assert len(session.exec(select(ProcessedEvent)).all()) == 1


def test_storage_outbox_keeps_what_was_not_delivered(app):
    chat = Chat(app)
    chat.say("ben", "#problem broken", "09:00")
    [delivery] = app.service.fire_due_timers(at("09:30"))  # decided, never delivered
    lease_ends = at("09:30") + DELIVERY_LEASE
    assert app.store.claim_undelivered(lease_ends - timedelta(seconds=1)) == []
    [again] = app.store.claim_undelivered(lease_ends)
    assert again.outbox_id == delivery.outbox_id and again.action == delivery.action
    assert again.claim is not None and again.claim != delivery.claim
    app.store.mark_delivered(again.outbox_id, lease_ends)
    assert app.store.claim_undelivered(at("11:00")) == []


def test_storage_failed_delivery_is_retried_with_backoff(app):
    chat = Chat(app)
    chat.say("ben", "#problem broken", "09:00")
    [delivery] = app.service.fire_due_timers(at("09:30"))
    app.store.mark_failed(delivery.outbox_id, at("09:30"), "ConnectionError()")
    assert app.store.claim_undelivered(at("09:30:10")) == []
    assert len(app.store.claim_undelivered(at("09:31"))) == 1
    with Session(app.database) as session:
        row = session.get(OutboxRow, delivery.outbox_id)
        assert (row.attempts, row.last_error) == (1, "ConnectionError()")


def test_storage_a_late_lease_renewal_keeps_a_failed_deliverys_back_off(app):
    """The lease renewer (bot.leases) snapshots its claims, then renews them in a thread:
    a renewal that commits after `mark_failed` must not turn the back-off (here the wait
    Discord asks for after "opening DMs too fast") into the lease's 2 minutes."""
    chat = Chat(app)
    chat.say("ben", "#problem the printer is jammed again", "09:00")
    app.service.fire_due_timers(at("09:20"))
    [claimed] = app.store.claim_undelivered(at("09:30"))
    throttled = at("09:30") + timedelta(minutes=5)
    app.store.mark_failed(claimed.outbox_id, at("09:30"), "40003", not_before=throttled)

    assert app.store.renew_claims([claimed.claim], at("09:32")) == set()
    with Session(app.database) as session:
        assert _aware(session.get(OutboxRow, claimed.outbox_id).next_attempt_at) == throttled
    assert app.store.claim_undelivered(at("09:34")) == []


def test_storage_a_renewal_waiting_on_a_failing_delivery_keeps_its_back_off(app):
    """The order forced: the renewal's UPDATE arrives while `mark_failed`'s transaction
    is open (on PostgreSQL it waits on the row's lock), and runs once it commits."""
    chat = Chat(app)
    chat.say("ben", "#problem the printer is jammed again", "09:00")
    app.service.fire_due_timers(at("09:20"))
    [claimed] = app.store.claim_undelivered(at("09:30"))
    renewed: list[set[str]] = []
    renewal = threading.Thread(
        target=lambda: renewed.append(app.store.renew_claims([claimed.claim], at("09:32")))
    )

    def before_commit(connection):
        if threading.current_thread() is threading.main_thread() and not renewal.is_alive():
            renewal.start()
            _until_it_waits(app, renewal)

    event.listen(app.database, "commit", before_commit)
    try:
        throttled = at("09:30") + timedelta(minutes=5)
        app.store.mark_failed(claimed.outbox_id, at("09:30"), "40003", not_before=throttled)
    finally:
        event.remove(app.database, "commit", before_commit)
    renewal.join(timeout=30)
    assert renewed == [set()]
    with Session(app.database) as session:
        assert _aware(session.get(OutboxRow, claimed.outbox_id).next_attempt_at) == throttled


def _until_it_waits(app, renewal: threading.Thread) -> None:
    """Until `renewal` waits for a lock: seen in pg_stat_activity on PostgreSQL; on
    SQLite (one writer at a time) after a moment."""
    if app.database.dialect.name != "postgresql":
        renewal.join(timeout=0.5)
        return
    with app.database.connect() as watcher:
        for _ in range(200):
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND query LIKE :renewal"
                ),
                {"renewal": "UPDATE outbox%"},
            ).scalar()
            if waiting:
                return
            # pg_stat_activity is read once per transaction: a new one sees it anew.
            watcher.rollback()
            renewal.join(timeout=0.05)
    raise AssertionError("the renewal never waited on the row's lock")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_storage_outbox_lease_counts_from_when_it_was_written_live(app):
    # A platform's retry of a message posted long ago: its cause is old, but the process
    # handling it is delivering it now, and no other may take it for the lease's length.
    written = at("09:00") + timedelta(hours=5)
    app.service.clock = lambda: written
    chat = Chat(app)
    chat.say("ben", "#problem broken", "09:00")
    [delivery] = app.service.fire_due_timers(at("09:30"))
    assert app.store.claim_undelivered(written + DELIVERY_LEASE - timedelta(seconds=1)) == []
    [again] = app.store.claim_undelivered(written + DELIVERY_LEASE)
    assert again.outbox_id == delivery.outbox_id


def unreadable_outbox_row(app, written: datetime) -> int:
    """An outbox row this version cannot read: an action class a newer version added."""
    payload = '{"$":"AskAvailability","workspace":"W1","channel":"C1","users":["ann"]}'
    with Session(app.database) as session:
        row = OutboxRow(
            workspace="W1", channel="C1", payload=payload, created_at=written,
            next_attempt_at=written,
        )  # fmt: skip
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def test_storage_an_unreadable_outbox_row_is_left_for_a_newer_process(app, caplog):
    unreadable = unreadable_outbox_row(app, at("08:00"))
    chat = Chat(app)
    chat.say("ben", "#problem broken", "09:00")
    [delivery] = app.service.fire_due_timers(at("09:30"))  # decided, never delivered

    # The rows behind it are claimed all the same, lease after lease.
    [claimed] = app.store.claim_undelivered(at("09:30") + DELIVERY_LEASE)
    assert claimed.outbox_id == delivery.outbox_id
    [claimed] = app.store.claim_undelivered(at("09:30") + 2 * DELIVERY_LEASE)
    assert claimed.outbox_id == delivery.outbox_id
    # Said once, not every tick.
    assert [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()] == [
        f"outbox item {unreadable} cannot be read by this version, left for another: "
        "KeyError('AskAvailability')"
    ]
    # Not claimed, not given up: a process that can read it takes it at once.
    with Session(app.database) as session:
        row = session.get(OutboxRow, unreadable)
        assert (row.delivered_at, row.attempts, row.last_error) == (None, 0, None)
        assert row.next_attempt_at == at("08:00")


def test_storage_retention_forgets_old_texts_and_event_ids(app):
    chat = Chat(app)
    chat.say("ben", "#problem the secret project is late", "09:00")
    chat.tick("09:30")  # nudged: the text is kept a while, for corrections and snoozes
    with Session(app.database) as session:
        assert session.exec(select(WatchRow.text)).one() == "#problem the secret project is late"
    swept = app.store.sweep(at("09:30") + timedelta(days=3), timedelta(days=2))
    assert swept["events"] >= 1
    with Session(app.database) as session:
        watch = session.exec(select(WatchRow)).one()
        assert (watch.text, watch.status) == (None, "expired")
        assert session.exec(select(ProcessedEvent)).all() == []


def test_storage_retention_gives_up_what_was_never_delivered_and_erases_its_words(app):
    chat = Chat(app)
    chat.say("ben", "#problem the secret project is late", "09:00")
    # Decided for a platform no process serves: never delivered.
    [delivery] = app.service.fire_due_timers(at("09:30"))
    assert app.store.sweep(at("09:30") + timedelta(days=1), timedelta(days=2))["given_up"] == 0

    swept = app.store.sweep(at("09:30") + timedelta(days=3), timedelta(days=2))
    assert swept["given_up"] == 1
    with Session(app.database) as session:
        row = session.get(OutboxRow, delivery.outbox_id)
        assert "secret" not in row.payload and "SendNudge" in row.payload
        assert row.delivered_at == at("09:30") + timedelta(days=3)
        assert row.last_error == "given up: not delivered within the retention period"
    assert app.store.claim_undelivered(at("09:30") + timedelta(days=300)) == []


def test_storage_retention_keeps_a_snoozed_problem_for_its_reminder(app):
    chat = Chat(app)
    chat.say("ben", "#problem the secret project is late", "09:00")
    chat.tick("09:30")
    chat.command("ben", "/snooze 5d", "09:31")
    # The runtime sweeps every so often; the default retention is two days.
    moment = at("09:31")
    while moment < at("09:31") + timedelta(days=5, hours=1):
        moment += timedelta(hours=6)
        app.store.sweep(moment, timedelta(days=2))
        chat.tick(moment)
    reminders = [a for _, a in chat.sent if isinstance(a, SendNudge) and a.again]
    assert [r.problem_text for r in reminders] == ["#problem the secret project is late"]
    # Once it has reminded, the text goes with the retention, counted from then.
    app.store.sweep(moment + timedelta(days=3), timedelta(days=2))
    with Session(app.database) as session:
        watch = session.exec(select(WatchRow)).one()
        assert (watch.text, watch.status) == (None, "expired")


def test_storage_answered_problem_text_is_erased_once_its_answer_stands(app):
    chat = Chat(app)
    chat.say("ben", "#problem the secret project is late", "09:00")
    chat.say("anna", "#proposal let's cut scope", "09:02")
    # Kept while the proposal may still be taken back (then the problem waits again).
    chat.tick("10:09")
    with Session(app.database) as session:
        assert session.exec(select(WatchRow.text)).one() == "#problem the secret project is late"
    chat.tick("10:10")  # an hour past its due time: the answer stands, the words go
    with Session(app.database) as session:
        assert session.exec(select(WatchRow.text)).one() is None


def test_storage_an_edit_rewords_a_watched_problem_but_never_revives_erased_words(app):
    chat = Chat(app)
    chat.say("ben", "#problem Kevin broke the build", "09:00")
    chat.say("ben", "#problem the wiki is down", "09:01")
    chat.say("anna", "#proposal let's restart it", "09:02")  # answers both
    chat.tick("10:12")  # an hour past their due time the answer stands: words erased
    reworded = {"workspace": "W1", "channel": "C1", "read_after": {"problem": 0.25}}
    with app.store.unit_of_work() as work:
        work.apply(RewordWatch(**reworded, problem_id="09:00", text="#problem the build broke"))
    chat.say("ben", "#problem the printer jams", "10:13", message_id="09:03")
    with app.store.unit_of_work() as work:
        work.apply(RewordWatch(**reworded, problem_id="09:03", text="#problem it jams"))
    with Session(app.database) as session:
        rows = {w.problem_id: w for w in session.exec(select(WatchRow))}
    assert [rows[p].text for p in ("09:00", "09:01")] == [None, None]
    assert rows["09:00"].read_after is None  # settled: not touched
    assert (rows["09:03"].text, rows["09:03"].read_after) == ("#problem it jams", {"problem": 0.25})


def test_storage_one_transaction_commits_its_units_together(app):
    """A replay's batch: every unit inside shares one commit, at the end."""
    chat = Chat(app)
    begun = []

    def count(connection):
        begun.append(connection)

    event.listen(app.database, "begin", count)
    with app.store.one_transaction():
        chat.say("ben", "#problem the deploy is broken", "09:00")
        chat.say("anna", "#problem the build is red", "09:01")
        chat.say("ben", "#problem and the wiki is down", "09:02")
    event.remove(app.database, "begin", count)
    assert len(begun) == 1
    with Session(app.database) as session:
        assert sorted(session.exec(select(WatchRow.user)).all()) == ["anna", "ben", "ben"]
    chat.tick("10:30")  # the timers scheduled inside fire (ben's second an hour on: pacing)
    assert sorted(n.user for n in chat.of_type(SendNudge)) == ["anna", "ben", "ben"]


def test_storage_a_batch_asks_once_whether_its_workspace_deleted_anything(app):
    """A replay's batch reads no deletion marker for every message: it asks once whether
    the workspace holds any (a replay's transcript deletes nothing)."""
    chat = Chat(app)
    asked = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        if "FROM deleted_message" in statement:
            asked.append(statement)

    event.listen(app.database, "before_cursor_execute", note)
    with app.store.one_transaction():
        chat.say("ben", "#problem the deploy is broken", "09:00")
        chat.say("anna", "#problem the build is red", "09:01")
        chat.say("ben", "#proposal let's roll back", "09:02")
    event.remove(app.database, "before_cursor_execute", note)
    assert len(asked) == 1


def test_storage_a_batch_still_finds_the_deletions_heard_before_a_post(app):
    """Deleted before the batch, or in it before its post arrives: it opens nothing."""
    before, within = Chat(app, workspace="W1"), Chat(app, workspace="W2")
    before.delete("09:00", "09:01")
    with app.store.one_transaction():
        before.say("ben", "#problem the deploy is broken", "09:00:30", message_id="09:00")
        within.say("anna", "#problem the wiki is down", "09:02")
        within.delete("09:03", "09:04")
        within.say("anna", "#problem the build is red", "09:03:30", message_id="09:03")
    with Session(app.database) as session:
        watched = session.exec(select(WatchRow.workspace, WatchRow.problem_id)).all()
    assert sorted(watched) == [("W2", "09:02")]


def test_storage_one_transaction_rolls_back_everything_when_one_unit_fails(app):
    chat = Chat(app)
    with pytest.raises(RuntimeError), app.store.one_transaction():
        chat.say("ben", "#problem the deploy is broken", "09:00")
        raise RuntimeError("the replay stops here")
    with Session(app.database) as session:
        assert session.exec(select(WatchRow)).all() == []
        assert session.exec(select(MemberRow)).all() == []
    # Members the rolled-back batch noted are not taken as known: they are written again.
    chat.say("ben", "#problem the deploy is still broken", "09:05")
    with Session(app.database) as session:
        assert session.exec(select(MemberRow.user)).all() == ["ben"]
        assert len(session.exec(select(WatchRow)).all()) == 1


def test_storage_one_transaction_reads_a_table_setting_changed_inside_it(app):
    chat = Chat(app)
    with app.store.one_transaction():
        chat.say("ben", "#problem VPN is down", "08:59")  # read with the default window
        chat.command("anna", "/problem-window 2", "09:00")
        # Another writer: ben's own second problem would wait an hour (rules.pacing).
        chat.say("carl", "#problem VPN is down again", "09:01")
    chat.tick("09:30")
    nudged = sorted((when, n.problem_text) for when, n in chat.sent if isinstance(n, SendNudge))
    assert nudged == [
        (at("09:03"), "#problem VPN is down again"),  # the new 2-minute window
        (at("09:09"), "#problem VPN is down"),
    ]


def test_storage_workspaces_never_see_each_others_rows(app):
    Chat(app, workspace="W1").say("ben", "#problem broken", "09:00")
    other = Chat(app, workspace="W2")
    other.say("ben", "#proposal let's fix it", "09:01")  # must not answer W1's problem
    Chat(app, workspace="W1").tick("09:30")
    assert Chat(app).of_type(SendNudge) == []  # (a fresh driver has sent nothing)
    with Session(app.database) as session:
        statuses = dict(session.exec(select(WatchRow.workspace, WatchRow.status)).all())
    assert statuses == {"W1": "nudged"}


@pytest.mark.parametrize(
    "action",
    [
        SendNudge(workspace="W", channel="C", lang="nl", user="U1", problem_id="1.2",
                  thread_id=None, problem_text="kapot <!channel>",
                  posted_at=datetime(2026, 3, 2, 9, tzinfo=UTC)),
        Reply(workspace="W", channel="C", lang="en", user=None, private=False,
              text=Lines((Say.of("a {x}", x=Quote("q")), Say.of("{m} {n} {d} {s}",
                         m=Member("U"), n=Members(("a", "b")), d=Day(date(2026, 1, 2)),
                         s=Span(timedelta(minutes=5)))))),
        WordToProposer(workspace="W", channel="C", lang="nl", user="ben", private=True,
                       text=Lines((Say.of("{m}", m=Members(("a", "b"))),)), thread_id="1.2",
                       proposal="laten we rouleren", agreeing=("a", "b")),
        PostConcernRound(workspace="W", channel="C", lang="en",
                         round=RoundView("r1", "p", "ben", None,
                                         datetime(2026, 3, 3, tzinfo=UTC), ("a", "b"), ("a",),
                                         (("b", "c"),))),
        AnnounceAgreement(workspace="W", channel="C", lang="en", agreement=AgreementView(
            1, "t", "w", "o", "r", ("a",), (("b", "c"),), date(2026, 4, 1), 1, None, "current")),
    ],
)  # fmt: skip
def test_storage_outbox_codec_round_trips_every_shape(action):
    assert codec.loads(codec.dumps(action)) == action


def test_storage_codec_leaves_out_fields_at_their_default_for_a_rollback():
    # An undelivered item must stay readable by the previous version, which does not
    # know fields added since (a round's `closed`, a summary's `withdrawn_by`, ...).
    view = RoundView("r1", "p", "ben", None, datetime(2026, 3, 3, tzinfo=UTC), ("a",), (), ())
    post = PostConcernRound(workspace="W", channel="C", lang="en", round=view)
    summary = PostRoundSummary(
        workspace="W",
        channel="C",
        lang="en",
        round=view,
        outcome="answered",
        suggest_agreement=True,
    )
    assert set(json.loads(codec.dumps(post))) == {"$", "workspace", "channel", "lang", "round"}
    assert set(json.loads(codec.dumps(summary))) == {
        "$",
        "workspace",
        "channel",
        "lang",
        "round",
        "outcome",
        "suggest_agreement",
    }
    assert codec.loads(codec.dumps(post)) == post
    assert codec.loads(codec.dumps(summary)) == summary
    # A field set away from its default is kept.
    closed = dataclasses.replace(post, closed=True)
    assert json.loads(codec.dumps(closed))["closed"] is True
    assert codec.loads(codec.dumps(closed)) == closed


def test_storage_codec_keeps_a_renewal_without_anyone_unset_readable_by_c9c78fa():
    """c9c78fa's AskRenewal had no `without_mandate` (README: going back): a renewal
    where everyone has a mandate keeps its shape; only one naming someone without a
    mandate carries the field, which c9c78fa cannot read."""
    renewal = AskRenewal(workspace="W", channel="C", lang="en", meeting_id="m", users=("a",))
    assert set(json.loads(codec.dumps(renewal))) == {
        "$", "workspace", "channel", "lang", "meeting_id", "users",
    }  # fmt: skip
    unset = dataclasses.replace(renewal, users=("a", "b"), without_mandate=("b",))
    assert json.loads(codec.dumps(unset))["without_mandate"] == ["b"]
    assert codec.loads(codec.dumps(unset)) == unset


def test_storage_codec_refuses_unknown_types():
    with pytest.raises(KeyError):
        codec.loads('{"$": "os.system", "x": 1}')


def test_storage_urls_pick_drivers_and_hide_passwords():
    assert normalise_url("postgresql://u:pw@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("postgres://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    assert redact("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
    assert redact("postgresql://u@h/db?sslmode=require&password=pw&sslpassword=key") == (
        "postgresql://u@h/db?password=***&sslmode=require&sslpassword=***"
    )
    assert redact("sqlite:///x.db?mode=ro") == "sqlite:///x.db?mode=ro"
