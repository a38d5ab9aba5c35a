"""How replay and the console show what the bot did: readable text or JSON Lines."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TextIO

from bot.presenting import plain
from bot.printable import printable, printable_json, printable_line
from rules.actions import (
    AgreementView,
    AnnounceAgreement,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    CloseReview,
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
from rules.i18n import render


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _round(view: RoundView) -> dict:
    return {
        "round_id": view.round_id,
        "proposer": view.proposer,
        "proposal": view.proposal,
        "participants": list(view.participants),
        "answered": list(view.answered),
        "waiting": list(view.waiting),
        "no_concerns": list(view.no_concerns),
        "concerns": [{"user": u, "text": t} for u, t in view.concerns],
        **_resolved(view),
    }


def _resolved(view: RoundView) -> dict:
    """Concerns raised and since resolved, only when some were: the records of rounds
    without one stay as they were."""
    if not view.resolved:
        return {}
    return {"resolved": [{"user": u, "text": t} for u, t in view.resolved]}


def _resolved_concerns(agreement: AgreementView) -> dict:
    """As `_resolved`, for an agreement: the concerns of its round said resolved."""
    if not agreement.resolved_concerns:
        return {}
    return {"resolved_concerns": [{"user": u, "text": t} for u, t in agreement.resolved_concerns]}


def as_record(action: Outbound, at: datetime) -> dict:
    """One JSON object per action; `type` says which, `at` when it happened."""
    record: dict = {"at": _iso(at), "channel": action.channel}
    match action:
        case SendNudge():
            record |= {"type": "nudge", "user": action.user, "problem_ts": action.problem_id,
                       "thread": action.thread_id, "problem": action.problem_text,
                       "again": action.again}  # fmt: skip
        case Reply():
            record |= {"type": "reply", "user": action.user, "private": action.private}
        case PostConcernRound():
            record |= {"type": "concern_round", "deadline": _iso(action.round.deadline)}
            record |= _round(action.round)
        case UpdateRoundProgress():
            record |= {"type": "round_progress"} | _round(action.round)
        case RemindMembers():
            record |= {"type": "reminder", "users": list(action.users)} | _round(action.round)
        case PostRoundSummary():
            closed = {"type": "round_closed", "outcome": action.outcome,
                      "suggest_agreement": action.suggest_agreement}  # fmt: skip
            record |= closed | _round(action.round)
        case AskRenewal():
            record |= {
                "type": "renewal_reminder" if action.reminder else "renewal_request",
                "meeting_id": action.meeting_id,
                "users": list(action.users),
            }
        case AskEvaluation():
            record |= {"type": "evaluation_request", "meeting_id": action.meeting_id}
        case SuggestAgreement():
            record |= {
                "type": "agreement_suggested",
                "proposal": action.proposal,
                "proposer": action.proposer,
                "agreeing": list(action.agreeing),
                "thread": action.thread_id,
            }
        case PostReport():
            record |= {
                "type": "report",
                "user": action.user,
                "private": action.private,
                "full": render(action.full, action.lang),
            }
        case CloseReview():
            record |= {"type": "review_decided", "number": action.agreement.number,
                       "version": action.agreement.version, "decision": action.decision,
                       "user": action.by}  # fmt: skip
        case AnnounceAgreement() | AnnounceReview():
            agreement = action.agreement
            record |= {
                "type": "agreement" if isinstance(action, AnnounceAgreement) else "review",
                "number": agreement.number, "text": agreement.text, "why": agreement.why,
                "owner": agreement.owner, "consenters": list(agreement.consenters),
                "concerns": [{"user": u, "text": t} for u, t in agreement.concerns],
                "review_on": agreement.review_on.isoformat(),
                "version": agreement.version, "replaces": agreement.replaces,
                "mandates": [{"user": u, "mandate": m} for u, m in agreement.mandates],
                **_resolved_concerns(agreement),
            }  # fmt: skip
    record["message"] = plain(action)
    return record


_TITLES = {
    "nudge": "private nudge to {user}",
    "reply": "reply",
    "concern_round": "concern round opened",
    "round_progress": "progress",
    "reminder": "reminder to {users}",
    "round_closed": "concern round closed ({outcome})",
    "agreement": "agreement #{number} recorded",
    "review": "agreement #{number} due for review",
    "review_decided": "review of agreement #{number} decided",
    "renewal_request": "mandate renewal asked of {users}",
    "renewal_reminder": "mandate renewal reminder to {users}",
    "evaluation_request": "process evaluation asked",
    "agreement_suggested": "suggests recording an agreement",
    "report": "report",
}


class TextOutput:
    """For people: when, where, what happened, and what the bot said (people's words
    with their control characters shown, not sent to the terminal: bot.printable)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def show(self, action: Outbound, at: datetime) -> None:
        record = as_record(action, at)
        kind = record["type"]
        title = _TITLES[kind].format(
            user=record.get("user"),
            users=", ".join(record.get("users", [])),
            outcome=record.get("outcome"),
            number=record.get("number"),
        )
        if kind in ("reply", "report"):
            title = f"private {kind} to {action.user}" if action.private else kind
        # The transcript's own clock, UTC: said, so that a nudge held until 08:00 in
        # Amsterdam is not read as sent at 07:00 there.
        when = at.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(printable_line(f"{when}  #{action.channel}  {title}"), file=self.stream)
        for line in record["message"].splitlines():
            print(f"    {printable_line(line)}", file=self.stream)

    def note(self, text: str) -> None:
        print(printable(text), file=self.stream)


class JsonOutput:
    """For programs: one JSON object per action (see `as_record`)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def show(self, action: Outbound, at: datetime) -> None:
        self.stream.write(printable_json(as_record(action, at)) + "\n")

    def note(self, text: str) -> None:
        pass
