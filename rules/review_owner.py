"""The TWO revisited (ground rule 6): when an agreement's review comes, the table is asked
in public, and its owner, who carries it, hears privately that the table looks at it now
and how to keep, revise or retire it; not only from the channel, nor only once someone
else decided. Pure: the time comes with the event.

Reviews on one day all come at the same hour (agreements.REVIEW_HOUR), so an owner of
several agreements due together hears once, of all of them: the first of them by number
tells of the rest, whose own timers then say nothing more to the owner."""

from __future__ import annotations

from rules import agreements
from rules.actions import Action, AnnounceReview, ReviewToOwner
from rules.agreements import ROLE_OWNER
from rules.events import TimerFired
from rules.say import FORMER_MEMBER, N_, Lines, Listed, Quote, Say
from rules.snoozed_reminders import snoozed
from rules.state import Agreement, TableState


def on_timer(fired: TimerFired, state: TableState) -> list[Action]:
    """The review in public and, beside it, the word to its owner, in the same language."""
    actions = agreements.on_timer(fired, state)
    for action in actions:
        if isinstance(action, AnnounceReview):
            agreement = state.agreements_by_number[action.agreement.number]
            return [*actions, *owner_told(fired, state, agreement, action.lang)]
    return actions


def owner_told(
    fired: TimerFired, state: TableState, agreement: Agreement, lang: str
) -> list[Action]:
    """The owner's word about the review `fired` asks for; none for an owner nobody can
    reach at the table: written in words, a role nobody holds, someone who left the table
    (or the workspace, or asked to be forgotten), or who said "not now" to reminders
    here until after it. The public review is enough then."""
    owner, role = _reached(state, agreement)
    if owner is None or owner not in state.members or snoozed(state, owner, fired.at):
        return []
    together = due_together(state, agreement)
    if together[0].number != agreement.number:
        return []  # told already, or to be told, with the first of them
    text = _of_one(agreement, role) if len(together) == 1 else _of_several(together, role)
    return [
        ReviewToOwner(
            workspace=fired.workspace, channel=fired.channel, lang=lang, user=owner,
            text=text, private=True, direct=True, number=agreement.number,
        )
    ]  # fmt: skip


def due_together(state: TableState, agreement: Agreement) -> list[Agreement]:
    """`agreement` and the table's other current ones with the same owner (a person, or a
    role) that come up for review on the same day, by number."""
    return sorted(
        (
            other
            for other in state.agreements_by_number.values()
            if other.number == agreement.number
            or (
                other.status == "current"
                and other.owner == agreement.owner
                and other.review_on == agreement.review_on
            )
        ),
        key=lambda other: other.number,
    )


def _of_one(agreement: Agreement, role: str | None) -> Lines:
    yours = (
        Say.of(N_("your role {role} owns it"), role=Quote(role))
        if role is not None
        else Say.of(N_("you own it"))
    )
    return Lines((
        Say.of(N_("Agreement #{number} ({yours}) comes up for review today: the table looks "
                  "at it now, with what practice has taught."),
               number=agreement.number, yours=yours),
        Say.of(N_("> {text}"), text=Quote(agreement.text)),
        Say.of(N_("Keep it, revise it or retire it: /review keep {number}, /review revise "
                  "{number} <new text> because <why>, or /review retire {number}."),
               number=agreement.number),
    ))  # fmt: skip


def _of_several(together: list[Agreement], role: str | None) -> Lines:
    yours = (
        Say.of(N_("your role {role} owns them"), role=Quote(role))
        if role is not None
        else Say.of(N_("you own them"))
    )
    numbers = Listed(tuple(f"#{agreement.number}" for agreement in together))
    return Lines((
        Say.of(N_("Agreements {numbers} ({yours}) come up for review today: the table looks "
                  "at them now, with what practice has taught."),
               numbers=numbers, yours=yours),
        *(Say.of(N_("#{number} {text}"), number=agreement.number, text=Quote(agreement.text))
          for agreement in together),
        Say.of(N_("Keep, revise or retire each: /review keep <number>, /review revise <number> "
                  "<new text> because <why>, or /review retire <number>.")),
    ))  # fmt: skip


def _reached(state: TableState, agreement: Agreement) -> tuple[str | None, str | None]:
    """Who owns `agreement` in person (a member, or the holder of its role), and the name
    of the role through which they do (None: in their own name); None for nobody."""
    if agreement.owner.startswith(ROLE_OWNER):
        role = state.role(agreement.owner.removeprefix(ROLE_OWNER))
        if role is None or role.holder is None:
            return None, None
        return role.holder, role.name
    if " " in agreement.owner or agreement.owner == FORMER_MEMBER:
        return None, None  # an owner written in words, or forgotten: nobody to reach
    return agreement.owner, None
