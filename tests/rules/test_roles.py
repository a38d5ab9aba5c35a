"""Roles over months: a role's tasks change, a holder gives one up, a role no longer
needed goes, and a holder who left the table no longer holds it. The grammar and the
decisions alone, on a table's state: no storage, no platform."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rules import roles
from rules.actions import AssignRole, ChangeRoleTasks, DeleteRole, Reply, VacateRole
from rules.engine import _COMMANDS
from rules.events import CommandInvoked
from rules.grammar import (
    DID_YOU_MEAN,
    RemoveRole,
    SetRoleTasks,
    ShowRoles,
    UnassignRole,
    UsageError,
    find_command,
    parse_command,
)
from rules.grammar import AssignRole as AssignRoleCommand
from rules.i18n import render
from rules.state import Agreement, Role, TableState
from rules.understanding import Command

AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def parsed(name: str, args: str):
    spec, lang = find_command(name)
    return parse_command(spec, args, today=AT.date(), lang=lang)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("role", "remove chair", RemoveRole("chair")),
        ("role", 'delete "night lead"', RemoveRole("night lead")),
        ("rol", "verwijderen notulist", RemoveRole("notulist")),
        ("rol", "schrappen nacht dienst", RemoveRole("nacht dienst")),
        ("role", "tasks chair leads the meeting", SetRoleTasks("chair", "leads the meeting")),
        ("rol", "wijzigen notulist maakt de notulen", SetRoleTasks("notulist", "maakt de notulen")),
        ("rol", "taken notulist maakt de notulen", SetRoleTasks("notulist", "maakt de notulen")),
        ("role", "unassign chair", UnassignRole("chair", None)),
        ("role", "unassign chair @anna", UnassignRole("chair", "anna")),
        ("role", "unassign night lead", UnassignRole("night lead", None)),
        ("role", "give up chair", UnassignRole("chair", None)),
        ("rol", "neerleggen notulist", UnassignRole("notulist", None)),
        ("rol", "teruggeven notulist @anna", UnassignRole("notulist", "anna")),
        ("role", "remove chair @anna", UnassignRole("chair", "anna")),
        # "give" still assigns
        ("role", "give chair @ben", AssignRoleCommand("chair", "ben", handover=False)),
    ],
)  # fmt: skip
def test_role_remove_tasks_and_unassign_parse_in_both_languages(name, args, expected):
    assert parsed(name, args) == expected


def test_role_tasks_without_tasks_and_a_mistyped_keyword_are_explained():
    spec = find_command("role")[0]
    assert isinstance(parsed("role", "tasks chair"), UsageError)
    mistyped = parsed("role", "remvoe chair")
    assert isinstance(mistyped, UsageError) and mistyped.reason.msgid == DID_YOU_MEAN
    assert render(mistyped.reason, "nl") == "Bedoelde je /rol schrappen?"
    assert parsed("role", "frobnicate chair") == UsageError(spec)


ANNA, BEN, CHRIS = "anna", "ben", "chris"


def agreement(number: int, owner: str, status: str = "current") -> Agreement:
    return Agreement(
        number=number, text=f"rule {number}", why="why", owner=owner, recorded_by=ANNA,
        consenters=(ANNA,), concerns=(), review_on=date(2027, 4, 1), version=1, replaces=None,
        status=status, recorded_at=AT,
    )  # fmt: skip


def table(holder: str | None, *agreements: Agreement, members=(ANNA, BEN, CHRIS)) -> TableState:
    return TableState(
        workspace="W", channel="C", members=frozenset(members),
        roster={m: None for m in members},  # type: ignore[misc]
        roles=(Role("chair", "leads the meeting", holder),), agreements=agreements,
    )  # fmt: skip


def decide(user: str, name: str, args: str, state: TableState):
    event = CommandInvoked(
        workspace="W", channel="C", at=AT, event_id="e1", user=user, name=name, args=args
    )
    spec, lang = find_command(name)
    command = Command(event, spec, parse_command(spec, args, today=AT.date(), lang=lang), lang)
    return _COMMANDS[type(command.parsed)][1](command, state)


def said(actions, lang: str = "en") -> list[str]:
    return [render(a.text, lang) for a in actions if isinstance(a, Reply)]


def test_removing_a_role_that_owns_current_agreements_is_refused_naming_them():
    """Its agreements were made with that owner: they get another at a review first."""
    state = table(None, agreement(1, "role:chair"), agreement(2, "role:chair", "retired"))
    [refusal] = decide(ANNA, "role", "remove chair", state)
    assert isinstance(refusal, Reply) and refusal.private and refusal.user == ANNA
    assert render(refusal.text, "en").splitlines() == [
        "The role chair owns these current agreements, so it stays:",
        "#1 rule 1",
        "Give each another owner, /review revise 1 <text> because <why> owner @who, or retire "
        "it, /review retire 1; then remove the role.",
    ]


def test_a_role_without_current_agreements_is_removed_publicly():
    state = table(None, agreement(1, "role:chair", "retired"))
    delete, announced = decide(ANNA, "role", "remove chair", state)
    assert isinstance(delete, DeleteRole) and delete.name == "chair"
    assert isinstance(announced, Reply) and not announced.private
    assert said([announced], "nl") == [
        "anna heeft de rol chair geschrapt. De taken waren: leads the meeting"
    ]


def test_a_role_held_by_someone_at_the_table_is_removed_only_by_them():
    [refusal] = decide(BEN, "role", "remove chair", table(ANNA))
    assert refusal.private and said([refusal]) == [
        "anna holds the role chair; it can be removed once they give it up: /role unassign chair"
    ]
    assert isinstance(decide(ANNA, "role", "remove chair", table(ANNA))[0], DeleteRole)
    # A holder who left keeps nobody from removing it.
    assert isinstance(decide(BEN, "role", "remove chair", table(CHRIS, members=(ANNA, BEN)))[0],
                      DeleteRole)  # fmt: skip


def test_a_roles_tasks_are_changed_publicly_with_the_old_ones_on_the_record():
    change, announced = decide(BEN, "rol", "taken chair zit de vergadering voor", table(ANNA))
    assert isinstance(change, ChangeRoleTasks) and change.tasks == "zit de vergadering voor"
    assert not announced.private
    assert said([announced], "nl")[0].splitlines() == [
        "ben heeft de taken van de rol chair gewijzigd: zit de vergadering voor",
        "De taken waren: leads the meeting",
    ]
    [same] = decide(BEN, "role", "tasks chair leads the meeting", table(ANNA))
    assert same.private and said([same]) == ["The role chair has these tasks already."]


def test_a_holder_gives_up_a_role_and_its_agreements_wait_for_a_new_holder():
    vacate, announced = decide(ANNA, "role", "unassign chair @anna",
                               table(ANNA, agreement(3, "role:chair")))  # fmt: skip
    assert isinstance(vacate, VacateRole) and vacate.name == "chair"
    assert not announced.private
    assert said([announced])[0].splitlines() == [
        "anna gave up the role chair; nobody holds it now. Its tasks: leads the meeting",
        "It owns these agreements, which need someone to hold the role: /role assign chair @member",
        "#3 rule 3",
    ]


@pytest.mark.parametrize(
    ("user", "args", "refused"),
    [
        (BEN, "unassign chair", "anna holds the role chair; only they can give it up while "
         "they are at this table."),
        (ANNA, "unassign chair @ben", "ben does not hold the role chair; anna does."),
    ],
)  # fmt: skip
def test_nobody_gives_up_a_role_for_a_holder_at_the_table(user, args, refused):
    [refusal] = decide(user, "role", args, table(ANNA))
    assert refusal.private and said([refusal]) == [refused]


def test_a_holder_who_left_is_shown_as_gone_and_the_role_is_assigned_as_a_handover():
    gone = table(ANNA, agreement(1, "role:chair"), members=(BEN, CHRIS))
    [shown] = decide(BEN, "roles", "", gone)
    assert said([shown])[0].splitlines() == [
        "Roles at this table:",
        "chair: leads the meeting. Holder: vacant (anna left the table); owns 1 agreement.",
        "A role nobody holds has nobody to look after its agreements: /role assign <name> @member.",
    ]
    assert said([shown], "nl")[0].splitlines()[1] == (
        "chair: leads the meeting. Rolhouder: niemand, want anna zit niet meer aan deze tafel; "
        "eigenaar van 1 afspraak."
    )
    assign, announced, told = decide(BEN, "role", "assign chair @ben", gone)
    assert isinstance(assign, AssignRole) and assign.user == BEN
    assert said([announced])[0].splitlines() == [
        "Role chair handed over from anna to ben, with its tasks: leads the meeting",
        "With the role go these agreements:",
        "#1 rule 1",
    ]
    assert told.user == ANNA and said([told]) == [
        "ben took over your role chair, as you are no longer at this table."
    ]


def test_a_table_that_knows_nobody_does_not_call_a_holder_gone():
    state = table(ANNA, members=())
    [shown] = roles.show(
        Command(
            CommandInvoked(workspace="W", channel="C", at=AT, event_id="e", user=BEN,
                           name="roles"),
            find_command("roles")[0], ShowRoles(), "en",
        ),
        state,
    )  # fmt: skip
    assert "Holder: anna;" in said([shown])[0]


def test_removing_a_role_that_owns_agreements_in_dutch_speaks_of_an_agreement_as_ze():
    """In Dutch an agreement (afspraak) is "ze"/"haar" everywhere the bot speaks of one;
    "trek hem in" reads as if a role or the owner were to be retired."""
    state = table(None, agreement(1, "role:chair"))
    [refusal] = decide(ANNA, "rol", "schrappen chair", state)
    assert render(refusal.text, "nl").splitlines()[-1] == (
        "Geef elke afspraak een andere eigenaar, /herziening herzien 1 <tekst> omdat <waarom> "
        "eigenaar @wie, of trek haar in, /herziening intrekken 1; schrap daarna de rol."
    )


@pytest.mark.parametrize(
    ("owned", "english", "dutch"),
    [
        (0, "Holder: anna; no agreements yet.", "Rolhouder: anna; nog geen afspraken."),
        (1, "Holder: anna; owns 1 agreement.", "Rolhouder: anna; eigenaar van 1 afspraak."),
        (2, "Holder: anna; owns 2 agreements.", "Rolhouder: anna; eigenaar van 2 afspraken."),
    ],
)
def test_the_roles_list_counts_agreements_as_people_say_it(owned, english, dutch):
    """A role without agreements says so in words: "owns 0 agreements" reads like a form."""
    state = table(ANNA, *(agreement(n, "role:chair") for n in range(1, owned + 1)))
    [shown] = decide(BEN, "roles", "", state)
    assert said([shown])[0].splitlines()[1] == f"chair: leads the meeting. {english}"
    assert said([shown], "nl")[0].splitlines()[1] == f"chair: leads the meeting. {dutch}"
