"""Temporary workable agreements (TWO) are revisited with the experience of practice:
at review the table keeps, revises (a new version, linked to the old) or retires them."""

from __future__ import annotations

from datetime import date, datetime

from rules.actions import (
    Action,
    AnnounceAgreement,
    CancelTimer,
    CloseReview,
    LinkRound,
    RecordAgreement,
    RecordDecision,
    ScheduleTimer,
    SetAgreementStatus,
)
from rules.agreements import (
    NO_SUCH_ROLE,
    ROLE_OWNER,
    already_agreed,
    consent,
    group_as_owner,
    linkable_round,
    owner_away,
    owner_not_here,
    owner_param,
    reason_label,
    reason_shown,
    review_key,
    review_timer,
    role_owner,
    wording,
)
from rules.grammar import ReviewAgreement
from rules.local_time import local_day, local_day_after
from rules.say import FORMER_MEMBER, N_, Day, Lines, Member, Quote, Say, Text
from rules.speech import language, private, public
from rules.state import Agreement, Role, Round, TableState
from rules.understanding import Command


def review(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, ReviewAgreement)
    event = command.event
    lang = language(state, command.lang)
    agreement = state.agreements_by_number.get(parsed.number)
    if agreement is None:
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_("There is no agreement #{number} here. /agreements all lists them."),
                    number=parsed.number,
                ),
                lang,
            )
        ]
    # A button or form shown without a language answers in the agreement's own.
    lang = language(state, command.lang or agreement.lang)
    if agreement.status != "current":
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_("Agreement #{number} is no longer current (it was {status})."),
                    number=parsed.number,
                    status=Say.of(_STATUS[agreement.status]),
                ),
                lang,
            )
        ]
    if parsed.version is not None and parsed.version != agreement.version:
        # A review message's buttons are about the version it showed, not a later one
        # that nobody reviewed.
        return [private(event, event.user, _revised_meanwhile(agreement), lang)]
    if _already_decided(parsed, state, agreement.number):
        return [private(event, event.user, _decided_before(state, agreement), lang)]
    if _kept_today(parsed, state, agreement, event.at):
        return [private(event, event.user, _kept_today_said(state, agreement), lang)]
    decision = RecordDecision(
        workspace=event.workspace, channel=event.channel, number=agreement.number,
        decision=parsed.decision, user=event.user, at=event.at, why=parsed.why,
        lesson=parsed.lesson,
    )  # fmt: skip
    old_timer = CancelTimer(
        workspace=event.workspace, channel=event.channel,
        key=review_key(agreement.number, agreement.version),
    )  # fmt: skip
    # The review message is edited in the language it was posted in, whoever decides.
    closed = CloseReview(
        workspace=event.workspace, channel=event.channel,
        lang=language(state, agreement.lang), agreement=agreement.view(),
        decision=parsed.decision, by=event.user,
    )  # fmt: skip
    if parsed.decision == "keep":
        next_review = parsed.review_on or _next_review(command, state, agreement)
        return [
            decision,
            SetAgreementStatus(
                workspace=event.workspace,
                channel=event.channel,
                number=agreement.number,
                version=agreement.version,
                status="current",
                review_on=next_review,
            ),
            _schedule(event, agreement.number, agreement.version, next_review, state),
            closed,
            public(event, _kept(parsed, event.user, next_review), lang, event.thread_id),
            *_tell_the_owner(command, state, agreement, lang),
        ]
    if parsed.decision == "retire":
        return [
            decision,
            old_timer,
            SetAgreementStatus(
                workspace=event.workspace,
                channel=event.channel,
                number=agreement.number,
                version=agreement.version,
                status="retired",
            ),
            closed,
            public(event, _retired(parsed, event.user, agreement), lang, event.thread_id),
            *_tell_the_owner(command, state, agreement, lang),
        ]
    return _revise(command, state, agreement, [decision, old_timer], closed, lang)


def _next_review(command: Command, state: TableState, agreement: Agreement):
    """A kept agreement is next reviewed the usual span from now, but never before the
    review date the table had set: keeping it early (typed before its review) confirms
    that it works, which is no reason to look at it again sooner than planned."""
    after = local_day_after(command.event.at, state.settings.review_after, state.settings.timezone)
    return max(agreement.review_on, after)


def _kept(parsed: ReviewAgreement, user: str, next_review) -> Text:
    said = (
        Say.of(N_("{member} kept agreement #{number} — {reason}. Next review on {day}."),
               reason=reason_label(parsed.why), member=Member(user), number=parsed.number,
               day=Day(next_review))
        if parsed.why
        else Say.of(N_("{member} kept agreement #{number}, as it works. Next review on {day}."),
                    member=Member(user), number=parsed.number, day=Day(next_review))
    )  # fmt: skip
    return _with_lesson(said, parsed.lesson)


def _retired(parsed: ReviewAgreement, user: str, agreement: Agreement) -> Text:
    said = (
        Say.of(N_("{member} retired agreement #{number} — {reason}; it stays in the history: "
                  "{text}"),
               reason=reason_label(parsed.why), member=Member(user), number=agreement.number,
               text=Quote(agreement.text))
        if parsed.why
        else Say.of(N_("{member} retired agreement #{number}; it stays in the history: {text}"),
                    member=Member(user), number=agreement.number, text=Quote(agreement.text))
    )  # fmt: skip
    return _with_lesson(said, parsed.lesson)


def _with_lesson(said: Say, lesson: str | None) -> Text:
    if lesson is None:
        return said
    return Lines((said, Say.of(N_("Practice taught: {lesson}"), lesson=Quote(lesson))))


# What the owner is told when someone else decides on their agreement.
_TOLD = {
    "keep": N_("{member} kept agreement #{number} ({yours}): {text}"),
    "retire": N_("{member} retired agreement #{number} ({yours}): {text}"),
    "revise": N_("{member} revised agreement #{number} ({yours}); it now says: {text}"),
}


def _tell_the_owner(
    command: Command,
    state: TableState,
    agreement: Agreement,
    lang: str,
    new_owner: str | None = None,
) -> list[Action]:
    """An agreement is the table's: anyone at it may keep, revise or retire it. Its owner
    (a person, or the holder of the role that owns it) hears privately when someone else
    did, who and why, so that no owner finds out from the history; and when a revision
    gave it another owner (`new_owner`), who owns it now. An owner who is not at the table
    (left it, or was removed) hears none of the table's decisions: the one deciding hears
    instead that the agreement needs someone at the table to own it."""
    parsed = command.parsed
    assert isinstance(parsed, ReviewAgreement)
    event = command.event
    role = None
    moved = new_owner if new_owner not in (None, agreement.owner) else None
    if agreement.owner.startswith(ROLE_OWNER):
        role = state.role(agreement.owner.removeprefix(ROLE_OWNER))
        if role is None:
            return []
        if role.holder is None:
            # A role given up: whoever decides hears that nobody carries the agreement.
            if moved is None and parsed.decision != "retire":
                return [private(event, event.user, _role_unheld(agreement.number, role), lang)]
            return []
        owner = role.holder
        yours = Say.of(N_("your role {role} owns it"), role=Quote(role.name))
    elif " " in agreement.owner and agreement.owner != FORMER_MEMBER:
        return []  # an owner written in words: nobody to reach
    else:
        owner = agreement.owner
        yours = Say.of(N_("you own it"))
    if owner == event.user:
        return []
    if owner not in state.members:
        # Someone not at the table hears none of its decisions. Whoever decides hears that
        # the agreement needs an owner at the table, unless it got one or is retired; an
        # empty roster knows nobody's absence.
        if state.members and moved is None and parsed.decision != "retire":
            return [private(event, event.user, _owner_gone(agreement.number, owner, role), lang)]
        return []
    if moved is not None:
        now = owner_param(moved)
        yours = (
            Say.of(N_("your role {role} owned it; its owner is now {owner}"),
                   role=Quote(role.name), owner=now)
            if role is not None
            else Say.of(N_("it was yours; its owner is now {owner}"), owner=now)
        )  # fmt: skip
    text = parsed.new_text if parsed.decision == "revise" else agreement.text
    lines = [
        Say.of(_TOLD[parsed.decision], member=Member(event.user), number=agreement.number,
               yours=yours, text=Quote(text or "")),
    ]  # fmt: skip
    if parsed.why:
        lines.append(Say.of(N_("Why: {why}"), why=Quote(reason_shown(parsed.why))))
    if parsed.lesson:
        lines.append(Say.of(N_("Practice taught: {lesson}"), lesson=Quote(parsed.lesson)))
    return [private(event, owner, Lines(tuple(lines)), lang)]


def _owner_gone(number: int, owner: str, role: Role | None) -> Say:
    """Ground rule 6: an agreement kept or revised for a table needs an owner at it, and
    someone who left hears nothing more of the table. The one deciding, at the table,
    is told how to pass it on (as an author is told of an owner not at the table)."""
    if owner == FORMER_MEMBER:  # forgotten at their request: no one to name
        return Say.of(
            N_("Agreement #{number} has no owner at this table any more, so nobody was "
               "told. Give it one: /review revise {number} <text> because <why> owner @who"),
            number=number,
        )  # fmt: skip
    if role is None:
        return Say.of(
            N_("{member}, the owner of agreement #{number}, is not at this table, so they "
               "were not told. Give it an owner at the table: /review revise {number} "
               "<text> because <why> owner @who"),
            member=Member(owner), number=number,
        )  # fmt: skip
    return Say.of(
        N_("{member} holds the role {role}, which owns agreement #{number}, and is not at "
           "this table, so they were not told. Hand the role on to someone at the table: "
           "/role handover {role} @name"),
        member=Member(owner), role=Quote(role.name), number=number,
    )  # fmt: skip


def _role_unheld(number: int, role: Role) -> Say:
    """An agreement owned by a role nobody holds has nobody at the table to carry it."""
    return Say.of(
        N_("Agreement #{number} is owned by the role {role}, which nobody holds, so nobody "
           "was told. Give the role to someone at the table: /role assign {role} @name"),
        number=number, role=Quote(role.name),
    )  # fmt: skip


def _revised_meanwhile(agreement: Agreement) -> Say:
    return Say.of(
        N_("Agreement #{number} was revised meanwhile (now version {version}): {text}. This "
           "review was about an earlier version, so nothing is changed. /agreements shows "
           "the current one."),
        number=agreement.number,
        version=agreement.version,
        text=Quote(agreement.text),
    )  # fmt: skip


def _already_decided(parsed: ReviewAgreement, state: TableState, number: int) -> bool:
    """A Keep or Retire button of a review message someone decided since it was asked (a
    click that crossed a Keep). Typed /review acts on the agreement as it is now, and so
    does the Revise form, whose new text is a decision of its own."""
    decided = state.last_decisions.get(number)
    return (
        parsed.asked_at is not None
        and parsed.decision in ("keep", "retire")
        and decided is not None
        and decided.at >= parsed.asked_at
    )


def _kept_today(
    parsed: ReviewAgreement, state: TableState, agreement: Agreement, at: datetime
) -> bool:
    """A keep of an agreement kept earlier the same day on the table's clock (typed twice,
    or by two people), that names no other next review: it would say "kept" in public
    again, and list the decision twice in the report."""
    decided = state.last_decisions.get(agreement.number)
    zone = state.settings.timezone
    return (
        parsed.decision == "keep"
        and decided is not None
        and decided.decision == "keep"
        and local_day(decided.at, zone) == local_day(at, zone)
        and parsed.review_on in (None, agreement.review_on)
    )


def _kept_today_said(state: TableState, agreement: Agreement) -> Say:
    decided = state.last_decisions[agreement.number]
    return Say.of(
        N_("Agreement #{number} was already kept today, by {member}: nothing new is "
           "recorded. Its next review is on {next_day}."),
        number=agreement.number,
        member=Member(decided.user),
        next_day=Day(agreement.review_on),
    )  # fmt: skip


def _decided_before(state: TableState, agreement: Agreement) -> Say:
    decided = state.last_decisions[agreement.number]  # a keep: the agreement is current
    return Say.of(
        N_("Already decided: {member} kept agreement #{number} on {day}. Its next review is "
           "on {next_day}."),
        member=Member(decided.user),
        number=agreement.number,
        day=Day(local_day(decided.at, state.settings.timezone)),
        next_day=Day(agreement.review_on),
    )  # fmt: skip


_STATUS = {"revised": N_("revised"), "retired": N_("retired"), "current": N_("current")}


def _schedule(event, number: int, version: int, day, state: TableState) -> ScheduleTimer:
    return review_timer(
        event, number, version, day, state.settings.timezone, state.settings.quiet_hours
    )


def _revise(
    command, state, agreement: Agreement, decided: list[Action], closed: CloseReview, lang
) -> list[Action]:
    parsed = command.parsed
    event = command.event
    if parsed.owner_group is not None:
        return [private(event, event.user, group_as_owner(state, parsed.owner_group), lang)]
    owner = _new_owner(parsed, state, agreement)
    if isinstance(owner, Say):
        return [private(event, event.user, owner, lang)]
    if _says_already(parsed, agreement, owner):  # two people typed the same revision
        return [private(event, event.user, _unchanged(agreement), lang)]
    same = already_agreed(state, parsed.new_text, besides=agreement.number)
    if same is not None:  # two current agreements would say the same
        same_day = local_day(same.recorded_at, state.settings.timezone)
        return [private(event, event.user, _already(same, agreement.number, same_day), lang)]
    version = agreement.version + 1
    review_on = parsed.review_on or local_day_after(
        event.at, state.settings.review_after, state.settings.timezone
    )
    # A revision the table just held a concern round on carries that round's answers, as
    # an agreement does.
    round_ = linkable_round(state, event.at, parsed.new_text)
    consenters, concerns, resolved = consent(event.user, round_)
    mandates = tuple((u, state.member(u).current_mandate) for u in consenters)
    revised = Agreement(
        number=agreement.number, text=parsed.new_text, why=parsed.why, owner=owner,
        recorded_by=event.user, consenters=consenters, concerns=concerns,
        resolved_concerns=resolved, review_on=review_on,
        version=version, replaces=agreement.version, status="current", recorded_at=event.at,
        lang=lang, mandates=mandates, channel=event.channel, lesson=parsed.lesson,
    )  # fmt: skip
    return [
        *decided,
        SetAgreementStatus(
            workspace=event.workspace,
            channel=event.channel,
            number=agreement.number,
            version=agreement.version,
            status="revised",
        ),
        RecordAgreement(
            workspace=event.workspace,
            channel=event.channel,
            number=agreement.number,
            text=revised.text,
            why=revised.why,
            recorded_by=event.user,
            owner=revised.owner,
            consenters=consenters,
            concerns=concerns,
            resolved_concerns=resolved,
            review_on=review_on,
            lang=lang,
            at=event.at,
            round_id=round_.round_id if round_ else None,
            version=version,
            replaces=agreement.version,
            mandates=mandates,
            lesson=parsed.lesson,
        ),
        *_link(event, round_, agreement.number),
        _schedule(event, agreement.number, version, review_on, state),
        closed,
        AnnounceAgreement(
            workspace=event.workspace,
            channel=event.channel,
            lang=lang,
            agreement=revised.view(state.organisations(consenters)),
            thread_id=event.thread_id,
        ),
        *_tell_the_owner(command, state, agreement, lang, new_owner=owner),
        *(
            [private(event, event.user, owner_not_here(agreement.number, owner), lang)]
            if owner != agreement.owner and owner_away(owner, event.user, state)
            else []
        ),
    ]


def _new_owner(parsed: ReviewAgreement, state: TableState, agreement: Agreement) -> str | Say:
    """The revision's owner: the one it names (a role only when the table has it), else
    the agreement's own."""
    if parsed.owner is None:
        return agreement.owner
    if not parsed.owner.startswith(ROLE_OWNER):
        return parsed.owner
    role = state.role(parsed.owner.removeprefix(ROLE_OWNER))
    if role is None:
        return Say.of(NO_SUCH_ROLE, role=Quote(parsed.owner.removeprefix(ROLE_OWNER)))
    return role_owner(role.name)


def _link(event, round_: Round | None, number: int) -> list[Action]:
    """The round the revision settles is not offered again, nor its concerns left open."""
    if round_ is None:
        return []
    return [
        LinkRound(
            workspace=event.workspace, channel=event.channel, round_id=round_.round_id,
            number=number,
        )
    ]  # fmt: skip


def _says_already(parsed: ReviewAgreement, agreement: Agreement, owner: str) -> bool:
    """The revision's words, reason, lesson, owner and review date are the agreement's
    own: a new version would change nothing but drop everyone's consent. New words under
    the same reason, a new reason under the same words, or a new owner or review date, is
    a revision."""
    return (
        wording(parsed.new_text or "") == wording(agreement.text)
        and wording(parsed.why or agreement.why) == wording(agreement.why)
        and parsed.lesson in (None, agreement.lesson)
        and owner == agreement.owner
        and parsed.review_on in (None, agreement.review_on)
    )


def _unchanged(agreement: Agreement) -> Say:
    return Say.of(
        N_("Nothing is changed: agreement #{number} already says this: {text}"),
        number=agreement.number,
        text=Quote(agreement.text),
    )


def _already(same: Agreement, revised: int, day: date) -> Say:
    return Say.of(
        N_("Agreement #{number} already says this (recorded on {day} by {member}); "
           "#{revised} stays as it was. If #{revised} is no longer needed: /review retire "
           "{revised}"),
        number=same.number,
        day=Day(day),
        member=Member(same.recorded_by),
        revised=revised,
    )  # fmt: skip
