"""Ground rule 5: concise, concrete reports of which agreements and choices we make, and
why. Built from storage inside the transaction that asked for it, so a report shows
exactly the table as it stood; the summary fits one chat message, the full form a file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from bot import views
from bot.in_chunks import in_chunks
from bot.models import (
    AgreementRow,
    AnswerRow,
    DecisionRow,
    EvaluationRow,
    MeetingRow,
    RoundRow,
    WatchRow,
)
from rules.actions import PostReport, RequestReport
from rules.agreements import owner_param, reason_label, same_subject, subject_words
from rules.grammar import EVALUATION_VALUES
from rules.local_time import local_day, local_day_after
from rules.mandates import mandate_line
from rules.problems import STILL_WAITING
from rules.say import N_, Day, Lines, Member, Members, Quote, Say, Score, excerpt

# The summary shows this many items of each kind; the full report shows all.
SHORT = 3
REVIEW_SOON = timedelta(days=7)
# A problem nudged and never answered is no longer watched once the retention sweep has
# erased its text ("expired"); the report still counts it, without its words, for this
# long after it was named: a table that meets monthly sees those since its last meeting.
SWEPT_SHOWN = timedelta(days=30)
# How long a nudge gives its author to answer or snooze before the problem shows, without
# their name, as the table's open question (`_problems`): as long as the shortest snooze.
ANSWER_TIME = timedelta(hours=1)


@dataclass
class Section:
    heading: str
    items: list[Say]
    empty: str | Say | None = None  # what stands under the heading when there are no items
    brief: list[Say] | None = None  # what the summary shows instead of the first items

    def lines(self, limit: int | None) -> list[Say]:
        if not self.items:
            if self.empty is None:
                return []
            empty = self.empty if isinstance(self.empty, Say) else Say.of(self.empty)
            return [Say.of(self.heading), empty]
        if limit is not None and self.brief is not None:
            return [Say.of(self.heading), *self.brief]
        shown = self.items if limit is None else self.items[:limit]
        lines = [Say.of(self.heading), *shown]
        if limit is not None and len(self.items) > limit:
            lines.append(Say.of(N_("… and {count} more (see the full report)"),
                                count=len(self.items) - limit))  # fmt: skip
        return lines


def build(session: Session, request: RequestReport, now: datetime) -> PostReport:
    """Replace a report request with the report itself."""
    workspace, channel, since = request.workspace, request.channel, request.since
    zone = request.timezone  # the days shown are the table's
    sections = [
        _agreements(session, workspace, channel, since, zone, request.title == "meeting"),
        _choices(session, workspace, channel, since),
        _open_concerns(session, workspace, channel, since, zone, request.title == "meeting"),
        _withdrawn_rounds(session, workspace, channel, since, zone),
        _problems(
            session, workspace, channel, now, zone, request.user if request.private else None
        ),
        _reviews_due(session, workspace, channel, now, zone),
        _mandates(session, workspace, channel, zone, request.user if request.private else None),
        _evaluation(session, workspace, channel, zone),
    ]
    title = (
        Say.of(N_("Report of the meeting (since {day})."), day=Day(local_day(since, zone)))
        if request.title == "meeting" and since
        else Say.of(N_("Report since {day}."), day=Day(local_day(since, zone)))
        if since
        else Say.of(N_("Report of this table."))
    )
    summary = [title]
    full = [title]
    for section in sections:
        summary += section.lines(SHORT)
        full += section.lines(None)
    return PostReport(
        workspace=workspace,
        channel=channel,
        lang=request.lang,
        user=request.user,
        private=request.private,
        summary=Lines(tuple(summary)),
        full=Lines(tuple(full)),
    )


def _agreements(session, workspace, channel, since, zone: str, meeting: bool = False) -> Section:
    current = select(AgreementRow).where(
        AgreementRow.workspace == workspace,
        AgreementRow.channel == channel,
        AgreementRow.status == "current",
    )
    query = current if since is None else current.where(AgreementRow.recorded_at >= since)
    rows = session.exec(query.order_by(col(AgreementRow.number))).all()
    empty: str | Say = N_("none yet")
    if not rows and since is not None and session.exec(current.limit(1)).first() is not None:
        # The table has agreements, only none from this period: "none yet" would say
        # it has none at all. A meeting counts from when it started, not from its day:
        # "since 2 March" would deny an agreement recorded that morning.
        empty = (
            Say.of(N_("none new at this meeting"))
            if meeting
            else Say.of(N_("none new since {day}"), day=Day(local_day(since, zone)))
        )
    items = []
    for a in rows:
        pending = tuple(u for u, m in a.mandates if m is None)
        params = {"number": a.number, "text": Quote(label(a.text)), "reason": reason_label(a.why),
                  "owner": owner_param(a.owner), "day": Day(a.review_on)}  # fmt: skip
        if pending:
            items.append(
                Say.of(
                    N_(
                        "#{number} {text} — {reason}. Owner: {owner}; review {day}; "
                        "mandate pending for {members}."
                    ),
                    members=Members(pending),
                    **params,
                )
            )
        else:
            items.append(
                Say.of(N_("#{number} {text} — {reason}. Owner: {owner}; review {day}."), **params)
            )
    return Section(N_("Agreements, and why:"), items, empty)


def _choices(session, workspace, channel, since) -> Section:
    """Each keep, revision and retirement: which agreement, why, and what practice taught."""
    made = [DecisionRow.workspace == workspace, DecisionRow.channel == channel]
    if since is not None:
        made.append(DecisionRow.at >= since)
    decisions = session.exec(
        select(DecisionRow).where(*made).order_by(col(DecisionRow.at), col(DecisionRow.id))
    ).all()
    # Each agreement's versions, oldest first: a choice looks only at its own agreement's.
    versions: dict[int, list[AgreementRow]] = defaultdict(list)
    for a in session.exec(
        select(AgreementRow)
        .where(
            AgreementRow.workspace == workspace,
            AgreementRow.channel == channel,
            # The numbers decided, named in SQL: a table's reviews outgrow a list of values.
            col(AgreementRow.number).in_(select(DecisionRow.number).where(*made)),
        )
        .order_by(col(AgreementRow.version))
    ).all():
        versions[a.number].append(a)
    items = []
    for d in decisions:
        # The version the choice was about: kept or retired, or the one a revision made.
        decided = [a for a in versions[d.number] if a.recorded_at <= d.at]
        text = Quote(label(decided[-1].text)) if decided else Quote("—")
        if d.decision == "revise" and decided:  # its reason is the new version's
            said = Say.of(N_("#{number} revised: now “{text}” — {reason}."), number=d.number,
                          text=text, reason=reason_label(decided[-1].why))  # fmt: skip
        elif d.decision == "revise":
            said = Say.of(N_("#{number} revised."), number=d.number)
        elif d.why:
            said = Say.of(_GIVEN[d.decision], number=d.number, text=text,
                          reason=reason_label(d.why))  # fmt: skip
        else:
            said = Say.of(_PLAIN[d.decision], number=d.number, text=text)
        if d.lesson:
            said = Say.of(N_("{choice} Practice taught: {lesson}"), choice=said,
                          lesson=Quote(d.lesson))  # fmt: skip
        items.append(said)
    return Section(N_("Choices at reviews:"), items)


_GIVEN = {
    "keep": N_("#{number} “{text}” kept — {reason}."),
    "retire": N_("#{number} “{text}” retired — {reason}."),
}
_PLAIN = {
    "keep": N_("#{number} “{text}” kept, as it works."),
    "retire": N_("#{number} “{text}” retired."),
}


def label(text: str) -> str:
    """Someone's sentence quoted inside a line of the report, without the full stop that
    would stand before the line's own punctuation ("“… on Tuesdays.”: …")."""
    return text.rstrip().rstrip(".")


def _open_concerns(session, workspace, channel, since, zone: str, meeting: bool) -> Section:
    """Concerns nothing has answered yet. A concern is settled by the agreement its round
    became, by withdrawing the round, by its member saying it is resolved, and by what
    the table did next about the same subject: a new round on an adjusted proposal (its
    own answers count from then on) or an agreement recorded on it.

    Open concerns are a state, not an event: a report since a day, or a meeting's, lists
    those raised before it too, with the day they were raised (before a meeting may be
    the same day as it)."""
    query = select(RoundRow).where(RoundRow.workspace == workspace, RoundRow.channel == channel)
    rounds = session.exec(query.order_by(col(RoundRow.started_at))).all()
    agreed: list[tuple[frozenset[str], datetime]] = []
    if rounds:
        agreed = [
            (subject_words(text), at)
            for text, at in session.exec(
                select(AgreementRow.text, AgreementRow.recorded_at).where(
                    AgreementRow.workspace == workspace,
                    AgreementRow.channel == channel,
                    AgreementRow.recorded_at >= rounds[0].started_at,
                )
            ).all()
        ]
    # Each text's words read once: a table's year holds thousands of rounds and agreements.
    words = [subject_words(r.proposal) for r in rounds]
    still_open = []
    for index, round_ in enumerate(rounds):
        settled = round_.agreement_number is not None
        if settled or round_.status == "withdrawn":  # a withdrawn round asked nothing
            continue
        later = [words[i] for i in range(index + 1, len(rounds)) if rounds[i].status != "withdrawn"]
        later += [said for said, at in agreed if at >= round_.started_at]
        if not any(same_subject(said, words[index]) for said in later):
            still_open.append(round_)
    concerns = _concerns(session, workspace, [r.round_id for r in still_open])
    items: list[Say] = []
    for round_ in still_open:
        for a in concerns.get(round_.round_id, ()):
            said = Say.of(
                N_("{member} on “{proposal}”: {concern}"),
                member=Member(a.user),
                proposal=Quote(label(excerpt(round_.proposal))),
                concern=Quote(a.concern),
            )
            raised = a.answered_at or round_.started_at
            if since is not None and raised < since:
                earlier = (N_("{concern} (raised on {day}, before the meeting began)")
                           if meeting else N_("{concern} (raised on {day})"))  # fmt: skip
                said = Say.of(earlier, concern=said, day=Day(local_day(raised, zone)))
            items.append(said)
    return Section(N_("Open concerns:"), items, N_("none"))


def _concerns(session, workspace: str, round_ids: list[str]) -> dict[str, list[AnswerRow]]:
    """The concerns still held in these rounds, by round, in the order each polled its
    members: a statement per `IN_CHUNK` rounds, not one per round."""
    found: dict[str, list[AnswerRow]] = {}
    for chunk in in_chunks(round_ids):
        for answer in session.exec(
            select(AnswerRow)
            .where(
                AnswerRow.workspace == workspace,
                col(AnswerRow.round_id).in_(chunk),
                col(AnswerRow.concern).is_not(None),  # a resolved one keeps no concern
            )
            .order_by(col(AnswerRow.round_id), col(AnswerRow.position))
        ).all():
            found.setdefault(answer.round_id, []).append(answer)
    return found


def _withdrawn_rounds(session, workspace, channel, since, zone: str) -> Section:
    """Rounds stopped before they closed: a choice too, said without their answers."""
    query = select(RoundRow).where(
        RoundRow.workspace == workspace,
        RoundRow.channel == channel,
        RoundRow.status == "withdrawn",
    )
    if since is not None:
        # Withdrawn since then, whenever it was asked: a round asked before a meeting and
        # stopped during it is the meeting's choice.
        withdrawn_at = func.coalesce(RoundRow.closed_at, RoundRow.started_at)
        query = query.where(withdrawn_at >= since)
    items = [
        Say.of(
            N_("“{proposal}”: withdrawn by {member} on {day}."),
            proposal=Quote(label(excerpt(r.proposal))),
            member=Member(r.withdrawn_by or r.proposer),
            day=Day(local_day(r.closed_at or r.started_at, zone)),
        )
        for r in session.exec(query.order_by(col(RoundRow.closed_at))).all()
    ]
    return Section(N_("Withdrawn concern rounds:"), items)


def _problems(session, workspace, channel, now: datetime, zone: str, asker: str | None) -> Section:
    """Problems still waiting for a proposal, as the table's open questions: without the
    name of whoever named them. The bot promises to remind the author "once, privately,
    never in public"; a report naming them beside their words would undo that, and turn
    a bad day into a tally (ground rule 1 asks for a proposal, not for a culprit). A
    problem is the table's only once its author was nudged and let `ANSWER_TIME` pass
    without answering or snoozing it; before that (its window still running, the nudge
    just sent, or snoozed) it is its author's business, and only they see it listed.
    Their words are already in the channel, so quoting them tells the table nothing
    private and lets anyone take one up (ground rule 6): a proposal in its thread
    answers it. Those whose words the retention sweep erased are only counted: a line
    per day with nothing to act on would not keep the report concise.

    `asker`: who gets this report privately (None: it is posted at the table). Their own
    problems show in full, marked as theirs, also those still in their window; anyone
    else's as at the table: any member can ask for a report, so names there would be
    the same tally, one command away."""
    waiting = col(WatchRow.status).in_(STILL_WAITING)
    swept = (WatchRow.status == "expired") & (WatchRow.posted_at >= now - SWEPT_SHOWN)
    rows = session.exec(
        select(WatchRow)
        .where(WatchRow.workspace == workspace, WatchRow.channel == channel, waiting | swept)
        .order_by(col(WatchRow.posted_at))
    ).all()
    items: list[Say] = []
    wordless = 0
    for w in rows:
        if asker is not None and w.user == asker:
            items.append(_yours(w, zone))
        elif not _the_tables(w, now):
            continue
        elif w.text:
            items.append(Say.of(N_("“{problem}”"), problem=Quote(label(excerpt(w.text)))))
        else:
            wordless += 1
    if wordless:
        items.append(
            Say.of(
                N_("One problem named earlier still waits for a proposal (its words are no "
                   "longer kept).")
                if wordless == 1
                else N_("{count} problems named earlier still wait for a proposal (their "
                        "words are no longer kept)."),
                count=wordless,
            )
        )  # fmt: skip
    return Section(N_("Problems still without a proposal:"), items, N_("none"))


def _yours(watch: WatchRow, zone: str) -> Say:
    """The asker's own waiting problem, in the report only they see."""
    if watch.text:
        return Say.of(N_("yours: {problem}"), problem=Quote(excerpt(watch.text)))
    day = Day(local_day(watch.posted_at, zone))
    return Say.of(N_("yours: a problem named on {day}"), day=day)


def _the_tables(watch: WatchRow, now: datetime) -> bool:
    """Whether a waiting problem is the table's question now: its author was nudged at
    least `ANSWER_TIME` ago and neither answered nor snoozed it (or the sweep let it go
    unanswered)."""
    if watch.status == "expired":
        return True
    nudged_at = watch.closed_at
    return watch.status == "nudged" and nudged_at is not None and nudged_at <= now - ANSWER_TIME


def _reviews_due(session, workspace, channel, now: datetime, zone: str) -> Section:
    rows = session.exec(
        select(AgreementRow)
        .where(
            AgreementRow.workspace == workspace,
            AgreementRow.channel == channel,
            AgreementRow.status == "current",
            AgreementRow.review_on <= local_day_after(now, REVIEW_SOON, zone),
        )
        .order_by(col(AgreementRow.review_on))
    ).all()
    items = [
        Say.of(
            N_("#{number} {text}: review on {day}"),
            number=a.number,
            text=Quote(label(a.text)),
            day=Day(a.review_on),
        )
        for a in rows
    ]
    return Section(N_("Reviews due:"), items)


def _mandates(session, workspace, channel, zone: str, asker: str | None) -> Section:
    """Each mandate given, with its state; those not given yet only counted. A member
    without one is asked for it privately at a meeting's end (rules.meetings): named
    here, beside everyone's mandate, their lack would be the table's tally.

    `asker`: who gets this report privately (None: it is posted at the table); their own
    lack shows, with how to end it; anyone else's as at the table, since any member can
    ask for a report."""
    roster = views.roster(session, workspace, channel)
    items = [mandate_line(member, zone) for member in roster if member.mandate is not None]
    if any(member.user == asker and member.mandate is None for member in roster):
        items.append(Say.of(N_("you: no mandate given yet (/mandate <what I may agree to>)")))
    unset = sum(1 for member in roster if member.mandate is None and member.user != asker)
    if unset:
        items.append(
            Say.of(
                N_("One member has no mandate here yet.")
                if unset == 1
                else N_("{count} members have no mandate here yet."),
                count=unset,
            )
        )
    return Section(N_("Mandates:"), items, N_("nobody at the table yet"))


def _evaluation(session, workspace, channel, zone: str) -> Section:
    """The evaluation of the latest meeting anyone scored. A meeting is scored after it
    ends, so the report at its end shows the one before, with its date."""
    ended = (
        MeetingRow.workspace == workspace,
        MeetingRow.channel == channel,
        MeetingRow.status == "ended",
    )
    meeting = session.exec(
        select(MeetingRow)
        .join(
            EvaluationRow,
            (EvaluationRow.workspace == MeetingRow.workspace)
            & (EvaluationRow.meeting_id == MeetingRow.meeting_id),
        )
        .where(*ended)
        .order_by(col(MeetingRow.ended_at).desc())
        .limit(1)
    ).first()
    if meeting is None:
        any_ended = session.exec(select(MeetingRow.meeting_id).where(*ended).limit(1)).first()
        empty = N_("no scores given yet") if any_ended is not None else None
        return Section(N_("Process evaluation:"), [], empty)
    scores = session.exec(
        select(EvaluationRow).where(
            EvaluationRow.workspace == workspace, EvaluationRow.meeting_id == meeting.meeting_id
        )
    ).all()
    day = Day(local_day(meeting.started_at, zone))
    count = len(scores)
    averages = [sum(s.scores[i] for s in scores) / count for i in range(len(EVALUATION_VALUES))]
    lowest = min(range(len(averages)), key=averages.__getitem__)
    average = Score(sum(averages) / len(averages))
    if averages[lowest] == max(averages):  # all alike: none is lowest
        brief = [
            Say.of(
                N_("One member scored the meeting of {day}: {average} of 5 on every value.")
                if count == 1
                else N_("{count} members scored the meeting of {day}: {average} of 5 on every "
                        "value."),
                count=count, average=average, day=day,
            )
        ]  # fmt: skip
    else:
        brief = [
            Say.of(
                N_("One member scored the meeting of {day}: {average} of 5 on average; lowest "
                   "on “{value}” ({lowest}).")
                if count == 1
                else N_("{count} members scored the meeting of {day}: {average} of 5 on "
                        "average; lowest on “{value}” ({lowest})."),
                count=count, average=average, value=Say.of(EVALUATION_VALUES[lowest]),
                lowest=Score(averages[lowest]), day=day,
            )
        ]  # fmt: skip
    items = [
        Say.of(
            N_("{value}: {average} (of 5)"),
            value=Say.of(value),
            average=Score(averages[i]),
        )
        for i, value in enumerate(EVALUATION_VALUES)
    ]
    scored = (
        N_("One member scored the meeting of {day}:")
        if count == 1
        else N_("{count} members scored the meeting of {day}:")
    )
    items.insert(0, Say.of(scored, count=count, day=day))
    comments = [s.comment for s in scores if s.comment]
    items += [Say.of(N_("Comment: {comment}"), comment=Quote(c)) for c in comments]
    return Section(N_("Process evaluation:"), items, brief=brief)
