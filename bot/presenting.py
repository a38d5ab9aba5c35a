"""What each outbound action says, as translatable text.

Shared by every adapter: the console prints it, Slack and Discord put it in their
own blocks and embeds (with buttons where they have them) and keep it as fallback.
"""

from __future__ import annotations

from rules.actions import (
    AgreementView,
    AnnounceAgreement,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    CloseReview,
    NotAProblemNoted,
    Outbound,
    PostConcernRound,
    PostReport,
    PostRoundSummary,
    RemindMembers,
    Reply,
    RoundView,
    SendNudge,
    SuggestAgreement,
    UpdateRoundProgress,
)
from rules.agreements import consent_param, owner_param, reason_shown
from rules.dismissals import UNDO_WITHIN
from rules.i18n import render
from rules.say import (
    N_,
    NP_,
    Counted,
    Day,
    Lines,
    Listed,
    Member,
    Members,
    Quote,
    Say,
    Span,
    Text,
)


def nudge_text(
    action: SendNudge, *, with_commands: bool = True, where: object | None = None
) -> Text:
    """`where`: the nudge goes by DM, away from its table: it opens by naming the table
    (the platform's link to its channel), so that someone at several tables, or who reads
    only the notification, knows which one it is about."""
    opening = (
        N_("Hi {user}, a gentle reminder about the problem you named earlier:")
        if action.again
        else N_("Hi {user}, you named a problem a little while ago:")
    )
    named: dict[str, object] = {}
    if action.named_at is not None and not action.again:
        # It went late (its turn came, or the night ended): "a little while ago" may be
        # hours, so it says when.
        named = {"at": action.named_at}
        opening = (
            N_("Hi {user}, you named a problem at {at}:")
            if action.named_at.days_later == 0
            else N_("Hi {user}, you named a problem on {at}:")
        )
    # The ground rule is said once, as the step that comes next, not as a rule broken;
    # the reminder after a snooze only asks again.
    invitation = (
        N_("What would you suggest? A small first step is plenty.")
        if action.again
        else N_("Naming a problem is a good start; under our ground rule, a proposal comes "
                "next. What would you suggest? A small first step is plenty.")
    )  # fmt: skip
    parts: list[Say] = [
        *_at_table(where),
        Say.of(opening, user=Member(action.user), **named),
        Say.of(N_("> {problem}"), problem=Quote(action.problem_text)),
        Say.of(invitation),
    ]
    if action.paced is not None:
        # More of theirs wait: said, so that the next one, later, comes as no surprise.
        parts.append(
            Say.of(
                N_("You named other problems here too. So as not to flood you, I remind you "
                   "of them one at a time, with at least {span} in between; one that gets a "
                   "proposal meanwhile needs no reminder."),
                span=Span(action.paced),
            )
        )  # fmt: skip
    if with_commands:
        parts.append(
            Say.of(
                N_(
                    "Reply to your message with your proposal. Proposed something in it "
                    "already? /has-proposal. Not a problem after all? /not-a-problem. Later? "
                    "/snooze. Why did I think so? /why."
                )
            )
        )
    return Lines(tuple(parts))


def not_a_problem_text(action: NotAProblemNoted, *, with_commands: bool = True) -> Text:
    """The thanks for a "Not a problem" (or "It has a proposal"); where there is no "Undo"
    button, how to undo it."""
    if not with_commands:
        return action.text
    undo = Say.of(
        N_("Said by mistake? /has-proposal undo takes it back, within {span}.")
        if action.proposes
        else N_("Said by mistake? /not-a-problem undo takes it back, within {span}."),
        span=Span(UNDO_WITHIN),
    )
    return Lines((action.text, undo))


def progress_text(view: RoundView, *, names: int | None = None) -> Say:
    """`names`: at most this many of those waited for are named, then how many more (a
    platform's message holds only so many)."""
    answered, total = len(view.answered), len(view.participants)
    if not view.waiting:
        return Say.of(N_("Everyone has answered ({answered} of {total})."), answered=answered,
                      total=total)  # fmt: skip
    waiting: Members | Listed = Members(view.waiting)
    if names is not None and names < len(view.waiting):
        # Dutch "en nog 3" after "we wachten nog op" says "nog" twice: "3 andere leden".
        more = Counted(NP_("{count} more", "{count} more"), len(view.waiting) - names)
        waiting = Listed((*(Member(user) for user in view.waiting[:names]), more))
    return Say.of(
        N_("{answered} of {total} answered; waiting for {waiting}."),
        answered=answered,
        total=total,
        waiting=waiting,
    )


# How a round's own message ends once the round is over (`round_text`'s `ended`).
ROUND_ENDED = {
    "closed": N_("This concern round has closed."),
    "withdrawn": N_("This concern round was withdrawn."),
}


def round_text(
    view: RoundView,
    *,
    with_commands: bool = True,
    names: int | None = None,
    ended: str | None = None,
) -> Text:
    """A round's own message. `ended` ("closed" or "withdrawn"): the round is over, so
    it asks nobody to answer and waits for nobody; it says how the round ended."""
    parts: list[Say] = [
        Say.of(N_("Concern round: {proposer} proposes"), proposer=Member(view.proposer)),
        Say.of(N_("> {proposal}"), proposal=Quote(view.proposal)),
    ]
    if ended is None:
        parts.append(
            Say.of(
                N_("Everyone at the table: do you have concerns or reservations? Silence is "
                   "not consent, so please answer, even if it is “no concerns”.")
            )
        )  # fmt: skip
    if view.reworded:
        parts.append(
            Say.of(
                N_("{proposer} changed the proposal while this round was open: answers given "
                   "before were about its earlier words."),
                proposer=Member(view.proposer),
            )
        )  # fmt: skip
    if ended is not None:
        parts.append(Say.of(ROUND_ENDED[ended]))
        if ended == "closed":  # a withdrawn question shows nobody's answers (summary_text)
            parts.append(_answered_count(view))
        return Lines(tuple(parts))
    if with_commands:
        parts.append(Say.of(N_("Answer with /concern none or /concern <your concern>.")))
    parts.append(progress_text(view, names=names))
    return Lines(tuple(parts))


def round_ended(*, closed: bool, withdrawn: bool) -> str | None:
    """`round_text`'s `ended` for a round message shown closed (or withdrawn), else None."""
    if withdrawn:
        return "withdrawn"
    return "closed" if closed else None


def _answered_count(view: RoundView) -> Say:
    return Say.of(N_("Answered: {answered} of {total}."), answered=len(view.answered),
                  total=len(view.participants))  # fmt: skip


def reminder_text(
    action: RemindMembers, *, with_commands: bool = True, where: object | None = None
) -> Text:
    """`where`: the reminder goes by DM, away from its table: it opens by naming the table
    (the platform's link to its channel) and its commands say to type them there."""
    parts: list[Say] = [*_at_table(where)]
    parts += [
        Say.of(
            N_("A friendly reminder: the table would like your answer on this proposal by "
               "{proposer}:"),
            proposer=Member(action.round.proposer),
        ),
        Say.of(N_("> {proposal}"), proposal=Quote(action.round.proposal)),
    ]  # fmt: skip
    if with_commands and where is not None:
        parts.append(
            Say.of(N_("Answer in {channel} with /concern none or /concern <your concern>."),
                   channel=where)
        )  # fmt: skip
    elif with_commands:
        parts.append(Say.of(N_("Answer with /concern none or /concern <your concern>.")))
    return Lines(tuple(parts))


def unnamed_reminder_text(action: RemindMembers) -> Text:
    """A round's reminder in its channel, for those its DMs could not reach: it names
    and pings nobody, since who has not answered, in public, would be a tally."""
    return Lines((
        Say.of(N_("A friendly reminder: this proposal by {proposer} still waits for some "
                  "answers:"), proposer=Member(action.round.proposer)),
        Say.of(N_("> {proposal}"), proposal=Quote(action.round.proposal)),
        Say.of(N_("Not answered yet? These buttons are for you.")),
    ))  # fmt: skip


def _at_table(where: object | None) -> list[Say]:
    """The opening line of a message sent away from its table (by DM): which table."""
    return [] if where is None else [Say.of(N_("In {channel}:"), channel=where)]


def at_table(text: Text, where: object) -> Text:
    """`text` sent away from its table (by DM), opening as a nudge or a reminder by DM
    does: with which table (`where`, the platform's link to its channel), so that someone
    at several tables, or who reads only the notification, knows which one it is about."""
    return Lines((*_at_table(where), text))


def summary_text(action: PostRoundSummary, *, with_commands: bool = True) -> Text:
    view = action.round
    if action.outcome == "withdrawn":
        # The question is off the table: nobody's answer is shown for it.
        return Lines((
            Say.of(N_("The concern round on this proposal was withdrawn by {member}:"),
                   member=Member(action.withdrawn_by or view.proposer)),
            Say.of(N_("> {proposal}"), proposal=Quote(view.proposal)),
        ))  # fmt: skip
    parts: list[Say] = [
        Say.of(
            N_("The concern round on this proposal has closed:")
            if action.outcome == "answered"
            else N_("The concern round on this proposal reached its deadline:")
        ),
        Say.of(N_("> {proposal}"), proposal=Quote(view.proposal)),
        _answered_count(view),
    ]
    if view.no_concerns:
        parts.append(Say.of(N_("No concerns: {users}."), users=Members(view.no_concerns)))
    for user, concern in view.concerns:
        parts.append(
            Say.of(N_("Concern from {user}: {concern}"), user=Member(user), concern=Quote(concern))
        )
    for user, concern in view.resolved:  # raised, then said resolved: the record keeps it
        parts.append(
            Say.of(N_("Concern from {user}, since resolved: {concern}"), user=Member(user),
                   concern=Quote(concern))
        )  # fmt: skip
    # Who did not answer is not named: the round's progress did that while they still
    # could, and its reminders were private. After the deadline a list of names is a
    # tally of silences; "Answered: 2 of 3" above counts them.
    if view.reworded:
        # The words above are the proposal as it stands; the table was asked about
        # earlier ones, so this round cannot make them an agreement.
        parts.append(
            Say.of(
                N_(
                    "{proposer} changed the proposal while this round was open, so the answers "
                    "were given to its earlier words. To make it an agreement, ask the table "
                    "about it as it stands with a new round: /concerns."
                ),
                proposer=Member(view.proposer),
            )
        )
    if action.suggest_agreement and with_commands:
        parts.append(
            Say.of(
                N_(
                    "No open concerns. Record this as an agreement? /agree <what we agree> "
                    "because <why>"
                )
            )
        )
    elif action.suggest_agreement:
        parts.append(Say.of(N_("No open concerns. Record this as an agreement?")))
    elif action.too_few_answered:
        parts.append(
            Say.of(
                N_(
                    "No concerns were raised, but not enough people answered to record this "
                    "as agreed: silence is not consent. To ask again, start a new round with "
                    "/concerns."
                )
            )
        )
    elif view.concerns:
        parts.append(
            Say.of(
                N_(
                    "Some concerns are still open. Talking them through together and adjusting "
                    "the proposal can help; a new round can follow after that: /concerns "
                    "<adjusted proposal>."
                )
            )
        )
    return Lines(tuple(parts))


def agreement_lines(agreement: AgreementView) -> list[Say]:
    title = (
        Say.of(N_("Agreement #{number}, version {version}: {text}"), number=agreement.number,
               version=agreement.version, text=Quote(agreement.text))
        if agreement.version > 1
        else Say.of(N_("Agreement #{number}: {text}"), number=agreement.number,
                    text=Quote(agreement.text))
    )  # fmt: skip
    parts = [
        title,
        Say.of(N_("Why: {why}"), why=Quote(reason_shown(agreement.why))),
        Say.of(N_("Owner: {owner}. Consent: {consenters}."), owner=owner_param(agreement.owner),
               consenters=consent_param(agreement.consenters, agreement.mandates,
                                        agreement.organisations)),
    ]  # fmt: skip
    for user, concern in agreement.concerns:
        parts.append(
            Say.of(N_("Concern heard from {user}: {concern}"), user=Member(user),
                   concern=Quote(concern))
        )  # fmt: skip
    for user, concern in agreement.resolved_concerns:  # they consented; the record keeps it
        parts.append(
            Say.of(N_("Concern heard from {user}, since resolved: {concern}"),
                   user=Member(user), concern=Quote(concern))
        )  # fmt: skip
    parts.append(
        Say.of(
            N_("A temporary workable agreement: we review it on {date}."),
            date=Day(agreement.review_on),
        )
    )
    return parts


def agreement_text(action: AnnounceAgreement) -> Text:
    agreement = action.agreement
    heading = (
        Say.of(N_("Agreement revised by {member}."), member=Member(agreement.recorded_by))
        if agreement.version > 1
        else Say.of(N_("Agreement recorded."))
    )
    return Lines((heading, *agreement_lines(agreement)))


def review_text(action: AnnounceReview, *, with_commands: bool = True) -> Text:
    return _review_text(action.agreement, with_commands=with_commands)


_DECIDED = {
    "keep": N_("Decided: {member} kept agreement #{number}."),
    "revise": N_("Decided: {member} revised agreement #{number}."),
    "retire": N_("Decided: {member} retired agreement #{number}."),
}


def decided_text(action: CloseReview) -> Say:
    return Say.of(_DECIDED[action.decision], member=Member(action.by),
                  number=action.agreement.number)  # fmt: skip


def closed_review_text(action: CloseReview) -> Text:
    """A review message once decided: what it asked, and what was decided, no buttons."""
    return _review_text(action.agreement, with_commands=False, decided=decided_text(action))


def _review_text(
    agreement: AgreementView, *, with_commands: bool, decided: Say | None = None
) -> Text:
    parts: list[Say] = [
        Say.of(
            N_("Time to review agreement #{number}. What has practice taught us?"),
            number=agreement.number,
        ),
        Say.of(N_("> {text}"), text=Quote(agreement.text)),
        Say.of(N_("Why: {why}"), why=Quote(reason_shown(agreement.why))),
    ]
    if with_commands:
        parts.append(
            Say.of(
                N_("Keep it, revise it or retire it: /review keep {number}, /review revise "
                   "{number} <new text> because <why>, or /review retire {number}."),
                number=agreement.number,
            )
        )  # fmt: skip
    if decided is not None:
        parts.append(decided)
    return Lines(tuple(parts))


def renewal_text(
    action: AskRenewal, *, with_commands: bool = True, where: object | None = None
) -> Text:
    """Ground rule 3 asks to renew a mandate; someone who never set one is asked to set
    one (rule 2), with the command always: no button sets a mandate. `where`: as for
    `reminder_text`, a reminder by DM names its table and where to type the commands."""
    unset = tuple(u for u in action.users if u in action.without_mandate)
    renewing = tuple(u for u in action.users if u not in action.without_mandate)
    parts: list[Say] = [*_at_table(where)]
    if action.reminder and action.first and not renewing:  # asked, not reminded, yet
        parts.append(
            Say.of(N_("The meeting has ended, and you have no mandate here yet. Please say what "
                      "you may agree to on behalf of your organisation."))
        )  # fmt: skip
    elif action.reminder and renewing:
        parts.append(
            Say.of(N_("A friendly reminder: the meeting has ended; please renew your mandate."))
        )
    elif action.reminder:
        parts.append(
            Say.of(N_("A friendly reminder: the meeting has ended, and you have no mandate here "
                      "yet. Please say what you may agree to on behalf of your organisation."))
        )  # fmt: skip
    elif renewing:
        parts.append(
            Say.of(
                N_("The meeting has ended. Ground rule 3: everyone renews their mandate based on "
                   "its outcome: {members}."),
                members=Members(renewing),
            )
        )  # fmt: skip
        if unset:
            # Counted, never named: who has no mandate yet hears it alone (meetings.end).
            parts.append(
                Say.of(
                    N_("One member has no mandate here yet: I have asked them privately to say "
                       "what they may agree to on behalf of their organisation.")
                    if len(unset) == 1
                    else N_("{count} members have no mandate here yet: I have asked each of "
                            "them privately to say what they may agree to on behalf of their "
                            "organisation."),
                    count=len(unset),
                )
            )  # fmt: skip
    else:
        parts.append(
            Say.of(
                N_("The meeting has ended. Ground rule 2: everyone at the table has a mandate to "
                   "make agreements. Nobody here has one yet: I have asked each of you privately "
                   "to say what you may agree to on behalf of your organisation.")
            )
        )  # fmt: skip
    if with_commands and renewing and where is not None:
        parts.append(
            Say.of(N_("Answer in {channel} with /mandate renew, /mandate check (if you must "
                      "check with your organisation first) or /mandate <new mandate>."),
                   channel=where)
        )  # fmt: skip
    elif with_commands and renewing:
        parts.append(
            Say.of(N_("Answer with /mandate renew, /mandate check (if you must check with your "
                      "organisation first) or /mandate <new mandate>."))
        )  # fmt: skip
    if unset and where is not None:
        parts.append(
            Say.of(N_("No mandate yet? Set one in {channel} with /mandate <what I may agree "
                      "to>."), channel=where)
        )  # fmt: skip
    elif unset:
        parts.append(Say.of(N_("No mandate yet? Set one with /mandate <what I may agree to>.")))
    return Lines(tuple(parts))


def unnamed_renewal_text() -> Text:
    """A renewal reminder in its channel, for those its DMs could not reach: it names and
    pings nobody, since who has not renewed, in public, would be a tally."""
    return Lines((
        Say.of(N_("A friendly reminder: the meeting has ended, and some mandates here still "
                  "wait to be renewed.")),
        Say.of(N_("Not renewed yet? These buttons are for you.")),
    ))  # fmt: skip


def evaluation_text(action: AskEvaluation, *, with_commands: bool = True) -> Text:
    parts: list[Say] = [
        Say.of(N_("A short process evaluation, please: how did we do on our relationship "
                  "values? Score each from 1 to 5."))
    ]  # fmt: skip
    parts += [
        Say.of(N_("{number}. {value}"), number=n, value=Say.of(v))
        for n, v in enumerate(action.values, start=1)
    ]
    if with_commands:
        parts.append(Say.of(N_("Answer with /evaluate and nine scores, e.g. /evaluate 4 5 3 4 4 "
                               "5 4 3 5 and a comment if you like.")))  # fmt: skip
    return Lines(tuple(parts))


def suggestion_text(action: SuggestAgreement, *, with_commands: bool = True) -> Text:
    parts: list[Say] = [
        Say.of(
            N_("Most of the table agrees with this proposal by {proposer} ({members}), and no "
               "concern is open:"),
            proposer=Member(action.proposer),
            members=Members(action.agreeing),
        ),
        Say.of(N_("> {proposal}"), proposal=Quote(action.proposal)),
        Say.of(N_("Record it as an agreement? I never do that on my own.")),
    ]  # fmt: skip
    if with_commands:
        parts.append(Say.of(N_("/agree <what we agree> because <why>")))
    return Lines(tuple(parts))


def text_of(action: Outbound) -> Text:
    """The plain text of any outbound action (console, replay, notifications)."""
    match action:
        case SendNudge():
            return nudge_text(action)
        case NotAProblemNoted():
            return not_a_problem_text(action)
        case Reply():
            return action.text
        case PostConcernRound():
            ended = round_ended(closed=action.closed, withdrawn=action.withdrawn)
            return round_text(action.round, with_commands=ended is None, ended=ended)
        case UpdateRoundProgress():
            return progress_text(action.round)
        case RemindMembers():
            return reminder_text(action)
        case PostRoundSummary():
            return summary_text(action)
        case AnnounceAgreement():
            return agreement_text(action)
        case AnnounceReview():
            return review_text(action)
        case CloseReview():
            return decided_text(action)
        case AskRenewal():
            return renewal_text(action)
        case AskEvaluation():
            return evaluation_text(action)
        case SuggestAgreement():
            return suggestion_text(action)
        case PostReport():
            return action.summary
    raise TypeError(f"no text for {type(action).__name__}")


def plain(action: Outbound, *, name_of=lambda user: user) -> str:
    return render(text_of(action), action.lang, name_of=name_of)
