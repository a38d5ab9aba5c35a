"""Ground rules 2 and 3: everyone is at the table with a mandate for their
organisation, and renews it after each meeting, based on its outcome."""

from __future__ import annotations

from rules.actions import Action, ConfirmMandates, NoteMember, RecordRenewal, SetMandate
from rules.charter import member_line
from rules.events import RenewalAnswered
from rules.grammar import AnswerRenewal, ShowMandates, meant_as_a_mandate
from rules.grammar import SetMandate as SetMandateCommand
from rules.local_time import DEFAULT_ZONE, local_day
from rules.say import N_, Day, Lines, Member, Quote, Say
from rules.speech import language, private, public
from rules.state import Meeting, MemberInfo, TableState
from rules.understanding import Command


def mandate_line(info: MemberInfo, zone: str = DEFAULT_ZONE) -> Say:
    """One member's mandate and its state, for listings and reports."""
    if info.mandate is None:
        return Say.of(N_("{member}: no mandate given yet"), member=Member(info.user))
    msgid = {
        "current": N_("{member}: {mandate} (renewed {day})"),
        "renewal_due": N_("{member}: {mandate} (to be renewed after the meeting)"),
        "checking": N_("{member}: {mandate} (checking with their organisation)"),
    }[info.mandate_status or "renewal_due"]
    day = Day(local_day(info.renewed_at, zone)) if info.renewed_at else ""
    return Say.of(msgid, member=Member(info.user), mandate=Quote(info.mandate), day=day)


def show(command: Command, state: TableState) -> list[Action]:
    assert isinstance(command.parsed, ShowMandates)
    lang = language(state, command.lang)
    if not state.roster:
        text: Say | Lines = Say.of(N_("Nobody is at this table yet."))
    else:
        lines: list[Say] = [Say.of(N_("Mandates at this table:"))]
        for user in sorted(state.roster):
            lines.append(mandate_line(state.roster[user], state.settings.timezone))
        if state.member(command.event.user).mandate is None:
            # Asked by someone without one: the listing is where they look for how.
            lines.append(Say.of(N_("No mandate yet? Set one with /mandate <what I may agree to>.")))
        text = Lines(tuple(lines))
    return [private(command.event, command.event.user, text, lang)]


def set_mandate(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, SetMandateCommand)
    event = command.event
    lang = language(state, command.lang)
    current = state.member(event.user).mandate
    if current is not None and not parsed.quoted and len(parsed.text.split()) <= _AN_ANSWER_AT_MOST:
        # "fine", "klopt nog", "tbc": posted as the new mandate these would replace the real
        # one in public. A short new mandate is given in quotes.
        return [private(event, event.user, _kept_short_words(current, parsed.text), lang)]
    actions: list[Action] = [
        NoteMember(workspace=event.workspace, channel=event.channel, user=event.user, at=event.at),
        SetMandate(
            workspace=event.workspace,
            channel=event.channel,
            user=event.user,
            text=parsed.text,
            status="current",
            at=event.at,
        ),
        ConfirmMandates(
            workspace=event.workspace,
            channel=event.channel,
            user=event.user,
            mandate=parsed.text,
        ),
    ]
    actions += _settle_renewal(command, state, "renewed")
    actions.append(
        public(
            event,
            Say.of(
                N_("{member} is at the table with this mandate: {mandate}"),
                member=Member(event.user),
                mandate=Quote(parsed.text),
            ),
            lang,
        )
    )
    return actions


def answer_renewal(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, AnswerRenewal)
    event = command.event
    # A button shown without a language answers in that of the meeting that asked.
    meeting = state.last_meeting
    lang = language(state, command.lang or (meeting.lang if meeting else None))
    asked_by = parsed.meeting_id and state.meetings_by_id.get(parsed.meeting_id)
    if asked_by and meeting is not None and asked_by.meeting_id != meeting.meeting_id:
        # A mandate is renewed in the light of the latest meeting, not of an earlier one
        # whose button was still there.
        said = _renew_after_latest(asked_by, state.settings.timezone)
        return [private(event, event.user, said, lang)]
    info = state.member(event.user)
    if info.mandate is None:
        text: Say | Lines = Say.of(
            N_("You have no mandate here yet. Say what you may agree to: /mandate "
               "<what I may agree to>")
        )  # fmt: skip
        if parsed.words:
            text = Lines((text, meant_as_a_mandate(parsed.words)))
        return [private(event, event.user, text, lang)]
    answered = _answered_before(command, state, parsed.outcome)
    if answered is not None:
        return [private(event, event.user, answered, lang)]
    renewed = parsed.outcome == "renewed"
    actions: list[Action] = [
        SetMandate(
            workspace=event.workspace,
            channel=event.channel,
            user=event.user,
            text=None,
            status="current" if renewed else "checking",
            at=event.at,
        ),
    ]
    if renewed:
        actions.append(
            ConfirmMandates(
                workspace=event.workspace,
                channel=event.channel,
                user=event.user,
                mandate=info.mandate,
            )
        )
    actions += _settle_renewal(command, state, parsed.outcome)
    reply = (
        Say.of(N_("Mandate renewed: {mandate}"), mandate=Quote(info.mandate))
        if renewed
        else Say.of(
            N_("Noted: you will check your mandate with your organisation. Renew it with "
               "/mandate renew, or give a new one with /mandate <text>.")
        )
    )  # fmt: skip
    actions.append(public(event, Lines((_who(state, event.user), reply)), lang))
    if parsed.words:
        actions.append(
            private(event, event.user, _read_as(parsed.outcome, info.mandate, parsed.words), lang)
        )
    return actions


def _who(state: TableState, user: str) -> Say:
    """Who renewed, as the table hears it: for which organisation, where it is known. An
    organisation not given yet is not announced beside their renewal (/table shows it)."""
    if state.member(user).organisation:
        return member_line(state, user)
    return Say.of(N_("{member}"), member=Member(user))


# The mandate's status each answer to a renewal request leaves.
_STATUS_AFTER = {"renewed": "current", "check": "checking"}


def _answered_before(command: Command, state: TableState, outcome: str) -> Say | None:
    """What to tell, privately, someone who answered the latest meeting's renewal request
    already, else None. The same answer again (a double click, a second look at the
    message, a second /mandate renew) changes nothing: announced again, it would read to
    the table as a second renewal. Must check, clicked after renewing, is a settled
    button, as a review's Keep is once someone kept it: nothing changes, and the answer
    names the typed command that does check after all. Renewing after checking is how a
    check ends, by button or typed, so that goes ahead."""
    meeting = state.last_meeting
    user = command.event.user
    before = meeting.renewals.get(user) if meeting is not None else None
    info = state.member(user)
    if before is None or info.mandate is None or info.mandate_status != _STATUS_AFTER[before]:
        return None  # not asked, not answered yet, or the mandate changed since
    if before == outcome:
        return _already_answered(outcome, info.mandate)
    if before == "renewed" and isinstance(command.form, RenewalAnswered) and info.renewed_at:
        return Say.of(
            N_("Already decided: you renewed your mandate on {day}: {mandate}. Nothing is "
               "changed. To check with your organisation after all, say /mandate check."),
            day=Day(local_day(info.renewed_at, state.settings.timezone)),
            mandate=Quote(info.mandate),
        )  # fmt: skip
    return None


def _already_answered(outcome: str, mandate: str) -> Say:
    if outcome == "renewed":
        return Say.of(N_("Already renewed: {mandate}. Nothing is changed."), mandate=Quote(mandate))
    return Say.of(
        N_("Already noted: you will check your mandate with your organisation. Renew it with "
           "/mandate renew, or give a new one with /mandate <text>.")
    )  # fmt: skip


def _read_as(outcome: str, mandate: str, words: str) -> Lines:
    """Said in more words than the answer: how they were read, kept private, and how to
    give them as a new mandate if that is what they were."""
    read = (
        Say.of(N_("I read that as renewing your mandate unchanged: {mandate}. Your other "
                  "words are not stored; say them in the channel if the table should know."),
               mandate=Quote(mandate))
        if outcome == "renewed"
        else Say.of(N_("I read that as checking with your organisation first; until then your "
                       "mandate stays: {mandate}. Your other words are not stored; say them in "
                       "the channel if the table should know."),
                    mandate=Quote(mandate))
    )  # fmt: skip
    return Lines((read, meant_as_a_mandate(words)))


# Unquoted words this short, from someone who has a mandate, read as an answer.
_AN_ANSWER_AT_MOST = 4


def _kept_short_words(mandate: str, words: str) -> Say:
    return Say.of(
        N_("I did not replace your mandate with “{words}”, which may be an answer rather "
           "than a mandate. Renew it with /mandate renew, or say /mandate check to check with "
           'your organisation first. To make it your new mandate, give it in quotes: /mandate '
           '"{words}". Your mandate stays: {mandate}'),
        mandate=Quote(mandate),
        words=Quote(words),
    )  # fmt: skip


def _settle_renewal(command: Command, state: TableState, outcome: str) -> list[Action]:
    meeting = state.last_meeting
    event = command.event
    if meeting is None or event.user not in meeting.renewals:
        return []
    return [
        RecordRenewal(
            workspace=event.workspace,
            channel=event.channel,
            meeting_id=meeting.meeting_id,
            user=event.user,
            outcome=outcome,
            at=event.at,
        )
    ]


def _renew_after_latest(asked_by: Meeting, zone: str) -> Say:
    return Say.of(
        N_("That button is from an earlier meeting (of {day}); a later one has ended since. "
           "Renew your mandate in the light of the latest meeting: with the buttons under "
           "it, or /mandate renew. Nothing is changed."),
        day=Day(local_day(asked_by.started_at, zone)),
    )  # fmt: skip
