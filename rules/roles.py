"""Ground rule 6 and working in roles: roles carry transferable tasks, so work goes on
when people change; agreements owned by a role move with it at a handover. Roles change
over months: their tasks change, a holder gives one up (it stays, vacant), and a role no
longer needed is removed once it owns no current agreement."""

from __future__ import annotations

from rules.actions import Action, AddRole, AssignRole, ChangeRoleTasks, DeleteRole, VacateRole
from rules.agreements import role_owner
from rules.grammar import AddRole as AddRoleCommand
from rules.grammar import AssignRole as AssignRoleCommand
from rules.grammar import RemoveRole, SetRoleTasks, ShowRoles, UnassignRole
from rules.say import N_, Lines, Member, Quote, Say
from rules.speech import language, private, public
from rules.state import Agreement, Role, TableState
from rules.understanding import Command

# A table with no roles, asked to show or assign one.
NO_ROLES_YET = N_("No roles here yet. Add one with /role add <name> <tasks>.")


def add(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, AddRoleCommand)
    event = command.event
    lang = language(state, command.lang)
    if state.role(parsed.name) is not None:
        return [
            private(
                event,
                event.user,
                Say.of(N_("There is already a role {role} here."), role=Quote(parsed.name)),
                lang,
            )
        ]
    return [
        AddRole(
            workspace=event.workspace,
            channel=event.channel,
            name=parsed.name,
            tasks=parsed.tasks,
            at=event.at,
        ),
        public(
            event,
            Say.of(
                N_("Role {role} added. Its tasks: {tasks}"),
                role=Quote(parsed.name),
                tasks=Quote(parsed.tasks),
            ),
            lang,
        ),
    ]


def assign(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, AssignRoleCommand)
    event = command.event
    lang = language(state, command.lang)
    role = state.role(parsed.name)
    if role is None:
        return [private(event, event.user, _no_such_role(parsed.name, state), lang)]
    if parsed.user not in state.roster:
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_(
                        "{member} is not at this table. Members join when they join the "
                        "channel or speak in it."
                    ),
                    member=Member(parsed.user),
                ),
                lang,
            )
        ]
    if role.holder == parsed.user:
        held = (
            Say.of(N_("You hold the role {role} already."), role=Quote(role.name))
            if parsed.user == event.user
            else Say.of(
                N_("{member} holds the role {role} already."),
                member=Member(parsed.user),
                role=Quote(role.name),
            )
        )
        return [private(event, event.user, held, lang)]
    if role.holder not in (None, event.user) and role.holder in state.roster:
        # Working in roles: the holder passes their tasks on; nobody takes them away.
        return [private(event, event.user, _ask_the_holder(role), lang)]
    if not parsed.handover and role.holder == event.user:
        # The holder at the table (others are answered above): told as "you".
        pass_it_on = Say.of(
            N_("You hold the role {role}. Pass it on with /role handover."), role=Quote(role.name)
        )
        return [private(event, event.user, pass_it_on, lang)]
    # Left here, the holder is nobody, or the one handing over, or someone who left the
    # table: a role whose holder left is vacant, so assigning it is its handover.
    change = AssignRole(
        workspace=event.workspace, channel=event.channel, name=role.name, user=parsed.user,
        at=event.at,
    )  # fmt: skip
    if role.holder is None:
        text: Say | Lines = Say.of(
            N_("{member} now holds the role {role}: {tasks}"),
            member=Member(parsed.user), role=Quote(role.name), tasks=Quote(role.tasks),
        )  # fmt: skip
        return [change, public(event, text, lang)]
    owned = _owned(role, state)
    lines: list[Say] = [
        Say.of(
            N_("Role {role} handed over from {old} to {new}, with its tasks: {tasks}"),
            role=Quote(role.name),
            old=Member(role.holder),
            new=Member(parsed.user),
            tasks=Quote(role.tasks),
        )
    ]
    if owned:
        lines.append(Say.of(N_("With the role go these agreements:")))
        lines += _listed(owned)
    actions: list[Action] = [change, public(event, Lines(tuple(lines)), lang)]
    if role.holder != event.user:  # the holder has left the table: they hear of it
        told = (
            Say.of(
                N_("{member} took over your role {role}, as you are no longer at this table."),
                member=Member(event.user), role=Quote(role.name),
            )
            if parsed.user == event.user
            else Say.of(
                N_("{member} handed over your role {role} to {new}, as you are no "
                   "longer at this table."),
                member=Member(event.user), role=Quote(role.name), new=Member(parsed.user),
            )
        )  # fmt: skip
        actions.append(private(event, role.holder, told, lang))
    return actions


def _ask_the_holder(role: Role) -> Say:
    assert role.holder is not None
    return Say.of(
        N_("{member} holds the role {role}; only they can hand it over while they are at "
           "this table. You could ask them to: /role handover {role} @name"),
        member=Member(role.holder), role=Quote(role.name),
    )  # fmt: skip


def show(command: Command, state: TableState) -> list[Action]:
    assert isinstance(command.parsed, ShowRoles)
    lang = language(state, command.lang)
    if not state.roles:
        text: Say | Lines = Say.of(NO_ROLES_YET)
    else:
        lines: list[Say] = [Say.of(N_("Roles at this table:"))]
        unheld_with_agreements = False
        for role in state.roles:
            owned = len(_owned(role, state))
            if role.holder is None:
                holder: Member | Say = Say.of(N_("nobody"))
            elif _has_left(role.holder, state):
                # The role looks covered while nobody at the table carries its tasks.
                holder = Say.of(N_("vacant ({member} left the table)"), member=Member(role.holder))
            else:
                holder = Member(role.holder)
            unheld_with_agreements |= owned > 0 and not isinstance(holder, Member)
            lines.append(
                Say.of(
                    _owns(owned),
                    role=Quote(role.name),
                    tasks=Quote(role.tasks),
                    holder=holder,
                    count=owned,
                )
            )
        if unheld_with_agreements:
            lines.append(
                Say.of(N_("A role nobody holds has nobody to look after its agreements: "
                          "/role assign <name> @member."))
            )  # fmt: skip
        text = Lines(tuple(lines))
    return [private(command.event, command.event.user, text, lang)]


def _owns(count: int) -> str:
    """A role's line in the list, its agreements counted as people say it ("owns 0
    agreements" reads like a form)."""
    if count == 0:
        return N_("{role}: {tasks}. Holder: {holder}; no agreements yet.")
    if count == 1:
        return N_("{role}: {tasks}. Holder: {holder}; owns {count} agreement.")
    return N_("{role}: {tasks}. Holder: {holder}; owns {count} agreements.")


def set_tasks(command: Command, state: TableState) -> list[Action]:
    """Anyone at the table may change a role's tasks, as anyone may add a role; the table
    sees the old and the new tasks, so the change is on the record."""
    parsed = command.parsed
    assert isinstance(parsed, SetRoleTasks)
    event = command.event
    lang = language(state, command.lang)
    role = state.role(parsed.name)
    if role is None:
        return [private(event, event.user, _no_such_role(parsed.name, state), lang)]
    if role.tasks == parsed.tasks:
        return [
            private(
                event,
                event.user,
                Say.of(N_("The role {role} has these tasks already."), role=Quote(role.name)),
                lang,
            )
        ]
    return [
        ChangeRoleTasks(
            workspace=event.workspace, channel=event.channel, name=role.name, tasks=parsed.tasks
        ),
        public(
            event,
            Lines((
                Say.of(N_("{member} changed the tasks of the role {role}: {tasks}"),
                       member=Member(event.user), role=Quote(role.name),
                       tasks=Quote(parsed.tasks)),
                Say.of(N_("Its tasks were: {tasks}"), tasks=Quote(role.tasks)),
            )),
            lang,
        ),
    ]  # fmt: skip


def unassign(command: Command, state: TableState) -> list[Action]:
    """A holder gives up a role and it stays, vacant, with its tasks and agreements, for
    someone to take on. Nobody takes a role away from a holder at the table; a role whose
    holder left may be marked vacant by anyone."""
    parsed = command.parsed
    assert isinstance(parsed, UnassignRole)
    event = command.event
    lang = language(state, command.lang)
    role = state.role(parsed.name)
    if role is None:
        return [private(event, event.user, _no_such_role(parsed.name, state), lang)]
    if role.holder is None:
        refusal = Say.of(N_("Nobody holds the role {role}."), role=Quote(role.name))
        return [private(event, event.user, refusal, lang)]
    if parsed.user is not None and parsed.user != role.holder:
        refusal = Say.of(
            N_("{member} does not hold the role {role}; {holder} does."),
            member=Member(parsed.user), role=Quote(role.name), holder=Member(role.holder),
        )  # fmt: skip
        return [private(event, event.user, refusal, lang)]
    left = _has_left(role.holder, state)
    if role.holder != event.user and not left:
        refusal = Say.of(
            N_("{member} holds the role {role}; only they can give it up while they are at "
               "this table."),
            member=Member(role.holder), role=Quote(role.name),
        )  # fmt: skip
        return [private(event, event.user, refusal, lang)]
    lines: list[Say] = [
        Say.of(N_("{member} gave up the role {role}; nobody holds it now. Its tasks: {tasks}"),
               member=Member(event.user), role=Quote(role.name), tasks=Quote(role.tasks))
        if not left
        else Say.of(
            N_("{member} left the table, so nobody holds the role {role} now. Its tasks: "
               "{tasks}"),
            member=Member(role.holder), role=Quote(role.name), tasks=Quote(role.tasks),
        )
    ]  # fmt: skip
    owned = _owned(role, state)
    if owned:
        lines.append(
            Say.of(N_("It owns these agreements, which need someone to hold the role: "
                      "/role assign {role} @member"), role=Quote(role.name))
        )  # fmt: skip
        lines += _listed(owned)
    else:
        lines.append(
            Say.of(N_("Anyone may take it on: /role assign {role} @member"), role=Quote(role.name))
        )
    return [
        VacateRole(workspace=event.workspace, channel=event.channel, name=role.name),
        public(event, Lines(tuple(lines)), lang),
    ]


def remove(command: Command, state: TableState) -> list[Action]:
    """A role no longer needed goes. Not while it owns current agreements: the table made
    them with that owner, so each gets another owner, or is retired, at a review, where the
    record says who decided and why; moving them quietly to whoever removes the role would
    change the record without the table."""
    parsed = command.parsed
    assert isinstance(parsed, RemoveRole)
    event = command.event
    lang = language(state, command.lang)
    role = state.role(parsed.name)
    if role is None:
        return [private(event, event.user, _no_such_role(parsed.name, state), lang)]
    if role.holder not in (None, event.user) and not _has_left(role.holder, state):
        refusal = Say.of(
            N_("{member} holds the role {role}; it can be removed once they give it up: "
               "/role unassign {role}"),
            member=Member(role.holder), role=Quote(role.name),
        )  # fmt: skip
        return [private(event, event.user, refusal, lang)]
    owned = _owned(role, state)
    if owned:
        first = owned[0].number
        lines = [
            Say.of(N_("The role {role} owns these current agreements, so it stays:"),
                   role=Quote(role.name)),
            *_listed(owned),
            Say.of(N_("Give each another owner, /review revise {number} <text> because <why> "
                      "owner @who, or retire it, /review retire {number}; then remove the role."),
                   number=first),
        ]  # fmt: skip
        return [private(event, event.user, Lines(tuple(lines)), lang)]
    return [
        DeleteRole(workspace=event.workspace, channel=event.channel, name=role.name),
        public(
            event,
            Say.of(N_("{member} removed the role {role}. Its tasks were: {tasks}"),
                   member=Member(event.user), role=Quote(role.name), tasks=Quote(role.tasks)),
            lang,
        ),
    ]  # fmt: skip


def _no_such_role(name: str, state: TableState) -> Say:
    if not state.roles:
        return Say.of(NO_ROLES_YET)
    return Say.of(
        N_("There is no role {role} here. Roles: {roles}. Add one with /role add."),
        role=Quote(name),
        roles=Quote(", ".join(r.name for r in state.roles)),
    )


def _has_left(holder: str, state: TableState) -> bool:
    """A holder no longer at the table; not known while the table knows nobody."""
    return bool(state.members) and holder not in state.members


def _owned(role: Role, state: TableState) -> list[Agreement]:
    return [
        a for a in state.agreements
        if a.status == "current" and a.owner == role_owner(role.name)
    ]  # fmt: skip


def _listed(agreements: list[Agreement]) -> list[Say]:
    return [Say.of(N_("#{number} {text}"), number=a.number, text=Quote(a.text)) for a in agreements]
