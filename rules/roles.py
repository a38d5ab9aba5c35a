"""Ground rule 6 and working in roles: roles carry transferable tasks, so work goes on
when people change; agreements owned by a role move with it at a handover."""

from __future__ import annotations

from rules.actions import Action, AddRole, AssignRole
from rules.agreements import role_owner
from rules.grammar import AddRole as AddRoleCommand
from rules.grammar import AssignRole as AssignRoleCommand
from rules.grammar import ShowRoles
from rules.say import N_, Lines, Member, Quote, Say
from rules.speech import language, private, public
from rules.state import Role, TableState
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
    if role is None and not state.roles:
        return [private(event, event.user, Say.of(NO_ROLES_YET), lang)]
    if role is None:
        known = ", ".join(r.name for r in state.roles)
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_("There is no role {role} here. Roles: {roles}. Add one with /role add."),
                    role=Quote(parsed.name),
                    roles=Quote(known),
                ),
                lang,
            )
        ]
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
    if not parsed.handover and role.holder not in (None, parsed.user):
        # Only the holder gets here while at the table (see above): told as "you".
        pass_it_on = (
            Say.of(
                N_("You hold the role {role}. Pass it on with /role handover."),
                role=Quote(role.name),
            )
            if role.holder == event.user
            else Say.of(
                N_("{member} holds the role {role}. Pass it on with /role handover."),
                member=Member(role.holder),
                role=Quote(role.name),
            )
        )
        return [private(event, event.user, pass_it_on, lang)]
    change = AssignRole(
        workspace=event.workspace, channel=event.channel, name=role.name, user=parsed.user,
        at=event.at,
    )  # fmt: skip
    if not parsed.handover or role.holder is None:
        text: Say | Lines = Say.of(
            N_("{member} now holds the role {role}: {tasks}"),
            member=Member(parsed.user), role=Quote(role.name), tasks=Quote(role.tasks),
        )  # fmt: skip
        return [change, public(event, text, lang)]
    owned = [a for a in state.agreements if a.status == "current"
             and a.owner == role_owner(role.name)]  # fmt: skip
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
        lines += [
            Say.of(N_("#{number} {text}"), number=a.number, text=Quote(a.text)) for a in owned
        ]
    actions: list[Action] = [change, public(event, Lines(tuple(lines)), lang)]
    if role.holder != event.user:  # the holder has left the table: they hear of it
        actions.append(
            private(
                event,
                role.holder,
                Say.of(
                    N_("{member} handed over your role {role} to {new}, as you are no "
                       "longer at this table."),
                    member=Member(event.user), role=Quote(role.name), new=Member(parsed.user),
                ),
                lang,
            )
        )  # fmt: skip
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
        for role in state.roles:
            owned = sum(
                1
                for a in state.agreements
                if a.status == "current" and a.owner == role_owner(role.name)
            )
            holder = Member(role.holder) if role.holder else Say.of(N_("nobody yet"))
            lines.append(
                Say.of(
                    N_("{role}: {tasks}. Holder: {holder}; owns {count} agreement.")
                    if owned == 1
                    else N_("{role}: {tasks}. Holder: {holder}; owns {count} agreements."),
                    role=Quote(role.name),
                    tasks=Quote(role.tasks),
                    holder=holder,
                    count=owned,
                )
            )
        text = Lines(tuple(lines))
    return [private(command.event, command.event.user, text, lang)]
