"""Forgetting one person at their request (bot.person_data, `groundrules person forget`):
everything the bot keeps about them in a workspace goes, their organisation, mandate,
roles, concerns, evaluation, problems, corrections, proposals and yeses included; the
table's agreements stay, with "a former member" where they consented, owned, recorded
or decided, in the reader's language. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from bot import dm_once, person_data
from bot.models import AgreementRow, ProcessedEvent, RoleRow
from rules.actions import SendNudge, SuggestAgreement, UpdateRoundProgress
from rules.events import ConcernAnswered
from rules.say import FORMER_MEMBER
from tests.helpers import Chat, at

WHO = "fatima"
WORKSPACE = "slack:T1"
# What she said to the bot, each kept somewhere until she is forgotten.
HER_WORDS = (
    "Women's Shelter Utrecht",  # her organisation
    "they are in hiding",  # her concern in a round
    "ex-partner keeps calling",  # a problem she named, and her "not a problem"
    "I felt unsafe today",  # her evaluation's comment
    "we rotate the night shifts",  # a proposal of hers, waiting for the table's yes
)
# Her mandate, as each agreement she consented to keeps it: the table's record.
HER_MANDATE = "agree to intake slots for my clients"


def rows_holding(app, words: str, workspace: str = WORKSPACE) -> dict[str, int]:
    """Every table with a workspace column: how many of `workspace`'s rows hold `words`."""
    found: dict[str, int] = {}
    with app.database.connect() as connection:
        for table in inspect(connection).get_table_names():
            columns = {c["name"] for c in inspect(connection).get_columns(table)}
            if "workspace" not in columns:
                continue
            rows = connection.execute(
                text(f'SELECT * FROM "{table}" WHERE workspace = :w'), {"w": workspace}
            ).all()
            hits = sum(any(words in str(value) for value in row) for row in rows)
            if hits:
                found[table] = hits
    return found


def a_table_with_fatima(app, workspace: str = WORKSPACE) -> Chat:
    """Fatima at a table: an organisation, a mandate, a role, a concern, a problem and
    its correction, a meeting she ran and evaluated, a proposal, a yes, two agreements
    (one she recorded, and owns; one she owns that anna recorded), a review and a round
    she asked for."""
    chat = Chat(app, workspace=workspace)
    chat.join("anna", "ben", WHO)
    chat.command(WHO, "/table join Women's Shelter Utrecht", "09:00")
    chat.command(WHO, f"/mandate {HER_MANDATE}", "09:01")
    chat.command("anna", "/role add intake screens new clients", "09:02")
    chat.command("anna", f"/role assign intake @{WHO}", "09:03")
    chat.command("anna", "/concerns #proposal we share client lists weekly", "09:04")
    [round_id] = {a.round.round_id for _, a in chat.sent if hasattr(a, "round")}
    chat.answer(WHO, round_id, "I cannot share my clients' names, they are in hiding", "09:05")
    chat.answer("ben", round_id, None, "09:06")
    chat.say(WHO, "#problem my ex-partner keeps calling the office", "09:10")
    chat.tick("09:30")
    chat.relabel(WHO, "09:10", "09:31")  # "not a problem": kept with its words
    chat.command(WHO, "/meeting start", "09:40")
    chat.command(WHO, "/agree we keep four intake slots a week because clients wait", "09:45")
    chat.command("anna", f"/agree we answer calls by noon because it helps owner @{WHO}",
                 "09:46")  # fmt: skip
    chat.command(WHO, "/review keep 1 because it works", "09:50")
    chat.command("anna", "/meeting end", "10:00")
    chat.command(WHO, "/evaluate 3 3 3 3 3 3 3 3 3 I felt unsafe today", "10:01")
    chat.say("ben", "#proposal we close the office at five", "10:02")
    chat.say(WHO, "#agreement fine by me", "10:03")
    chat.say(WHO, "#proposal we rotate the night shifts", "10:04", thread="10:04")
    chat.command(WHO, "/concerns #proposal we open on saturdays", "10:05")
    app.store.flush()
    return chat


def test_everything_of_her_is_kept_until_she_is_forgotten(app):
    a_table_with_fatima(app)
    assert all(rows_holding(app, words) for words in HER_WORDS)
    assert rows_holding(app, WHO)


def test_forgetting_her_leaves_nothing_of_her_but_her_part_in_the_tables_record(app):
    a_table_with_fatima(app)
    before = _agreements(app)
    person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))

    # Not her id, anywhere, but in the note that she was forgotten, kept for a while.
    assert rows_holding(app, WHO) == {"forgotten_person": 1}
    for words in HER_WORDS:
        assert rows_holding(app, words) == {}, words
    # The agreements stand: the same versions, words and consent, a former member where
    # she recorded, owned or consented.
    after = _agreements(app)
    assert [(a.number, a.version, a.text, a.why) for a in after] == [
        (a.number, a.version, a.text, a.why) for a in before
    ]
    first, second = after
    assert (first.recorded_by, first.owner, first.consenters) == (
        FORMER_MEMBER, FORMER_MEMBER, [FORMER_MEMBER]
    )  # fmt: skip
    assert first.mandates == [[FORMER_MEMBER, HER_MANDATE]]
    assert (second.recorded_by, second.owner) == ("anna", FORMER_MEMBER)
    # Her role is the table's: it stays, held by nobody.
    with Session(app.database) as session:
        role = session.exec(select(RoleRow)).one()
    assert (role.name, role.tasks, role.holder) == ("intake", "screens new clients", None)


def test_the_table_sees_a_former_member_in_her_place_in_its_own_language(app):
    chat = a_table_with_fatima(app)
    person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))
    [listed] = chat.command("anna", "/agreements", "11:01")
    english = plain_text(listed)
    assert "Owner: a former member. Consent: a former member" in english
    assert WHO not in english
    chat.command("anna", "/table language nl", "11:02")
    [dutch] = chat.command("anna", "/afspraken", "11:03")
    assert "Eigenaar: een oud-lid" in plain_text(dutch)


def test_a_review_of_an_agreement_she_owned_asks_for_an_owner_at_the_table(app):
    chat = a_table_with_fatima(app)
    person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))
    told = chat.command("ben", "/review keep 2 because it still helps", "11:05")
    private = [plain_text(a) for a in told if getattr(a, "private", False)]
    assert private == [
        "Agreement #2 has no owner at this table any more, so nobody was told. Give it one: "
        "/review revise 2 <text> because <why> owner @who"
    ]


def test_her_concern_leaves_the_round_s_record_and_her_yes_no_longer_counts(app):
    chat = a_table_with_fatima(app)
    [report] = chat.command("anna", "/report", "10:59")
    assert "fatima on “#proposal we share client lists weekly”: I cannot share" in (
        plain_text(report)
    )
    person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))
    [report] = chat.command("anna", "/report", "11:01")
    assert "in hiding" not in plain_text(report)
    # Ben's proposal had her yes: it has none now. Anna's is most of the table as it is
    # now, and the offer to record names her alone.
    chat.say("anna", "#agreement yes", "11:02")
    [offer] = chat.of_type(SuggestAgreement)
    assert offer.agreeing == ("anna",)


def test_what_waits_to_go_out_to_her_is_not_sent(app):
    chat = Chat(app, workspace=WORKSPACE)
    chat.join("anna", WHO)
    chat.say(WHO, "#problem my ex-partner keeps calling the office", "09:10")
    chat.say("anna", "#problem the printer is jammed", "09:11")
    waiting = app.service.fire_due_timers(at("09:30"))  # a platform outage: both wait
    assert sorted(d.action.user for d in waiting if isinstance(d.action, SendNudge)) == [
        "anna", WHO,
    ]  # fmt: skip
    person_data.forget(app.database, WORKSPACE, WHO, at("09:40"))
    assert [d.action.user for d in app.store.claim_undelivered(at("10:00"))] == ["anna"]
    assert rows_holding(app, "ex-partner") == {}


def test_what_waits_to_go_out_to_the_table_still_goes_without_her(app):
    """A round's progress still waiting (an outage) when she is forgotten goes to the
    table as it stands without her: her concern's words and her place among those asked
    are gone, the others' answers stay."""
    chat = Chat(app, workspace=WORKSPACE)
    chat.join("anna", "ben", "carol", WHO)  # carol has not answered: the round stays open
    chat.command("anna", "/concerns #proposal we share client lists weekly", "09:04")
    [round_id] = {a.round.round_id for _, a in chat.sent if hasattr(a, "round")}
    chat.answer("ben", round_id, None, "09:05")
    answered = ConcernAnswered(
        workspace=WORKSPACE, channel=chat.channel, at=at("09:06"), event_id="her-answer",
        user=WHO, round_id=round_id, concern="I cannot share my clients' names, they are in hiding",
    )  # fmt: skip
    waiting = [d.action for d in app.service.handle(answered)]  # not delivered: an outage
    assert {type(a).__name__ for a in waiting} >= {"UpdateRoundProgress"}, waiting
    person_data.forget(app.database, WORKSPACE, WHO, at("09:40"))
    [progress] = [
        d.action for d in app.store.claim_undelivered(at("10:00"))
        if isinstance(d.action, UpdateRoundProgress)
    ]  # fmt: skip
    assert WHO not in progress.round.participants and progress.round.concerns == ()
    assert progress.round.waiting == ("carol",)
    assert progress.round.no_concerns == ("ben",) and progress.round.proposer == "anna"
    assert rows_holding(app, "they are in hiding") == {}


def test_a_dry_run_lists_exactly_what_forgetting_does_and_changes_nothing(app):
    a_table_with_fatima(app)
    before = {words: rows_holding(app, words) for words in (WHO, *HER_WORDS)}
    listed = person_data.held(app.database, WORKSPACE, WHO, at("11:00"))
    assert {words: rows_holding(app, words) for words in before} == before
    done = person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))
    assert listed == done
    assert {part.table for part in done} >= {
        "member", "mandate", "mandate_renewal", "evaluation", "round_answer", "correction",
        "problem_watch", "proposal_seen", "role", "agreement", "review_decision", "meeting",
        "concern_round",
    }  # fmt: skip
    assert person_data.held(app.database, WORKSPACE, WHO, at("11:01")) == []


def test_only_the_workspace_named_forgets_her(app):
    a_table_with_fatima(app)
    a_table_with_fatima(app, workspace="discord:42")
    person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))
    assert rows_holding(app, WHO) == {"forgotten_person": 1}
    assert "forgotten_person" not in rows_holding(app, WHO, workspace="discord:42")
    assert rows_holding(app, WHO, workspace="discord:42")
    assert rows_holding(app, "they are in hiding", workspace="discord:42")


@pytest.mark.parametrize("lang, shown", [("en", "a former member"), ("nl", "een oud-lid")])
def test_a_former_member_is_named_so_in_each_language(lang, shown):
    from rules.i18n import render
    from rules.say import Member, Members, Say

    said = Say.of("{member}", member=Member(FORMER_MEMBER))
    assert render(said, lang, name_of=lambda user: f"<@{user}>") == shown
    both = Say.of("{members}", members=Members(("anna", FORMER_MEMBER)))
    assert render(both, lang, name_of=lambda user: f"<@{user}>").endswith(shown)


def _agreements(app) -> list[AgreementRow]:
    with Session(app.database) as session:
        return list(
            session.exec(
                select(AgreementRow)
                .where(AgreementRow.workspace == WORKSPACE)
                .order_by(AgreementRow.number, AgreementRow.version)
            ).all()
        )


def plain_text(action) -> str:
    from bot.presenting import plain

    return plain(action)


def test_the_ids_of_her_words_in_the_bots_dm_are_forgotten_with_her(app):
    """Words typed in the bot's DM are answered once by their delivery's id, which names
    who typed them (bot.dm_once): Slack's in the workspace, Discord's where its DMs are
    (a DM is with no server); forgetting her in a Discord server forgets hers there."""
    discord_dms = dm_once.dms_of("discord:")
    on_slack = (WORKSPACE, dm_once.answer_id(WHO, "Ev1"))
    on_discord = (discord_dms, dm_once.answer_id(WHO, "1001"))
    bens = (discord_dms, dm_once.answer_id("ben", "1002"))
    for workspace, event_id in (on_slack, on_discord, bens):
        assert app.store.claim_event(workspace, event_id, at("09:00"))

    person_data.forget(app.database, WORKSPACE, WHO, at("11:00"))
    assert processed(app) == {on_discord, bens}
    person_data.forget(app.database, "discord:42", WHO, at("11:00"))
    assert processed(app) == {bens}


def processed(app) -> set[tuple[str, str]]:
    with Session(app.database) as session:
        return {(row.workspace, row.event_id) for row in session.exec(select(ProcessedEvent))}
