"""Consensus, noticed: after a proposal, when most members post agreement and no
concern is open, the bot asks whether to record it. It never records silently. When
some of a larger table say yes but most have not spoken, silence is not consent: the
proposer is told, privately and once, that a concern round (/concerns) asks the rest.

A request to one named person ("Marcus can you move the chicken to freezer 1?") is a
task, not something the table agrees and reviews: it is noted, so that the replies to
it are not read as replies to an older proposal, but never offered
(rules/addressing.py)."""

from __future__ import annotations

from datetime import timedelta

from rules.actions import (
    Action,
    ForgetProposal,
    MarkSuggested,
    NoteProposal,
    NoteStance,
    RewordProposal,
    SuggestAgreement,
    WordToProposer,
)
from rules.addressing import is_task_for_one
from rules.language import detect_language
from rules.say import N_, Lines, Members, Quote, Say, excerpt
from rules.speech import language
from rules.state import ProposalSeen, TableState
from rules.understanding import Message

# Agreement long after a proposal is about something else.
STALE_AFTER = timedelta(hours=24)
# When this many of a larger table have said yes, but not most of it, the proposer is
# told how to ask the rest (a concern round): once, as a new voice brings the count to
# it. Whether a round is open already is not read: that read cost a sixth of the
# replay's speed, for every yes (training/RESULTS.md); /concerns says so if one is.
ROUND_AFTER = 2


def proposal_scopes(message: Message) -> tuple[str, ...]:
    """Where a reaction finds its proposal: in a thread, the thread's latest proposal
    (its first message counts); at the top level, the channel's latest top-level one."""
    return (message.event.thread_id or "",)


def on_message(message: Message, state: TableState) -> list[Action]:
    event = message.event
    scope = event.thread_id or ""
    labels = message.labels
    if message.is_proposal and "agreement" not in labels:
        # A top-level proposal is also the proposal of the thread that may grow under it.
        scopes = (scope,) if event.thread_id else ("", event.message_id)
        noted: list[Action] = [
            NoteProposal(
                workspace=event.workspace,
                channel=event.channel,
                scope=where,
                message_id=event.message_id,
                user=event.user,
                text=excerpt(event.text),
                at=event.at,
            )
            for where in scopes
        ]
        if is_task_for_one(event.text):
            # Noted as if the bot had asked already: it never will.
            noted += [
                MarkSuggested(workspace=event.workspace, channel=event.channel, scope=where)
                for where in scopes
            ]
        return noted
    taken = message.stance
    if taken is None:
        return []
    proposal = _proposal_for(message, state)
    if (
        proposal is None
        or proposal.user == event.user
        or proposal.suggested
        or event.at - proposal.posted_at > STALE_AFTER
    ):
        return []
    stances = {**proposal.stances, event.user: taken}
    actions: list[Action] = [
        NoteStance(
            workspace=event.workspace,
            channel=event.channel,
            scope=proposal.scope,
            stances=tuple(stances.items()),
        )
    ]
    agreeing = [u for u, s in stances.items() if s == "agree"]
    others = (state.members | {event.user}) - {proposal.user}
    if "concern" not in stances.values() and len(agreeing) * 2 > len(others):
        actions += [
            SuggestAgreement(
                workspace=event.workspace,
                channel=event.channel,
                lang=_proposal_language(proposal, message, state),
                proposal=proposal.text,
                proposer=proposal.user,
                agreeing=tuple(agreeing),
                thread_id=event.thread_id,
            ),
            MarkSuggested(workspace=event.workspace, channel=event.channel, scope=proposal.scope),
        ]
    elif (
        "concern" not in stances.values()
        and taken == "agree"
        # A new voice: once spoken, a stance is never forgotten, only turned (agree or
        # concern), so the count reaches two from a new voice once per proposal. A yes
        # that turned to a concern and back would bring it there again.
        and event.user not in proposal.stances
        and len(agreeing) == ROUND_AFTER
    ):
        actions.append(_ask_the_table(message, proposal, agreeing, state))
    return actions


def on_edited(message: Message) -> list[Action]:
    """A proposal edited into something else is no longer one: no yes counts for it,
    and /concerns alone does not find it. One still a proposal is quoted as it stands."""
    event = message.event
    if message.is_proposal:
        return [
            RewordProposal(
                workspace=event.workspace,
                channel=event.channel,
                message_id=event.message_id,
                text=excerpt(event.text),
            )
        ]
    return [
        ForgetProposal(
            workspace=event.workspace, channel=event.channel, message_id=event.message_id
        )
    ]


def _ask_the_table(
    message: Message, proposal: ProposalSeen, agreeing: list[str], state: TableState
) -> WordToProposer:
    """Some of a larger table say yes: tell the proposer, privately, how the rest are asked."""
    text = Lines(
        (
            # "It looks as if": a yes is read from words, and one in three such words
            # is misread (training/RESULTS.md, "Some of a larger table say yes").
            Say.of(
                N_("It looks as if {members} agree with your proposal:"),
                members=Members(tuple(agreeing)),
            ),
            Say.of(N_("> {proposal}"), proposal=Quote(proposal.text)),
            Say.of(
                N_("Silence is not consent: to make it the table's agreement, ask everyone for "
                   "their concerns with /concerns.")
            ),
        )
    )  # fmt: skip
    event = message.event
    return WordToProposer(
        workspace=event.workspace,
        channel=event.channel,
        lang=_proposal_language(proposal, message, state),
        user=proposal.user,
        text=text,
        private=True,
        thread_id=event.thread_id,
        proposal=proposal.text,
        agreeing=tuple(agreeing),
    )


def _proposal_for(message: Message, state: TableState) -> ProposalSeen | None:
    return state.proposals.get(message.event.thread_id or "")


def _proposal_language(proposal: ProposalSeen, message: Message, state: TableState) -> str:
    """The table's language, else the proposal's: a "+1" or "ok" that tips the count
    shows none, and the offer is about the proposal. The reply's only when the proposal
    shows none either."""
    return language(state, detect_language(proposal.text, fallback="") or message.lang)
