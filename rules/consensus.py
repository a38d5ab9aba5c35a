"""Consensus, noticed: after a proposal, when most members post agreement and no
concern is open, the bot asks whether to record it. It never records silently. When
some of a larger table say yes but most have not spoken, silence is not consent: the
proposer is told, privately and once, that a concern round (/concerns) asks the rest.

A request to one named person ("Marcus can you move the chicken to freezer 1?") is a
task, not something the table agrees and reviews: it is noted, so that the replies to
it are not read as replies to an older proposal, but never offered
(rules/addressing.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from rules.actions import (
    Action,
    ForgetProposal,
    MarkSuggested,
    NoteProposal,
    NoteStance,
    RewordProposal,
    RewordRound,
    SuggestAgreement,
    UpdateRoundProgress,
    WordToProposer,
)
from rules.addressing import is_task_for_one
from rules.edit_order import heard_too_late
from rules.events import Event, MessageDeleted, MessageEdited, MessagePosted, ProposalAdded
from rules.language import detect_language
from rules.say import N_, Lines, Members, Quote, Say, excerpt
from rules.speech import language
from rules.state import ProposalSeen, TableState
from rules.typo_fixes import only_typos_fixed
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
    (its first message counts); at the top level, the channel's latest top-level one; a
    reply that names the message it answers (Discord's Reply), that message (`_addressed`)."""
    return _replied_scopes(message.event)


def _replied_scopes(event: MessagePosted | MessageEdited) -> tuple[str, ...]:
    where = event.thread_id or ""
    # A top-level proposal is noted under its own id too: a reply to an older one finds it.
    return (where,) if event.reply_to in (None, where) else (where, event.reply_to)


def on_message(message: Message, state: TableState) -> list[Action]:
    event = message.event
    if event.message_id in state.deleted:
        return []  # delivered after its deletion: it proposes and says nothing
    if message.is_proposal and "agreement" not in message.labels:
        return _note_proposal(message)
    taken = message.stance
    if taken is None:
        return []
    proposal = _addressed(event, state)
    if (
        proposal is None
        or proposal.user == event.user
        or proposal.suggested
        or event.at - proposal.posted_at > STALE_AFTER
    ):
        return []
    stances = {**proposal.stances, event.user: taken}
    messages = {**proposal.stance_messages, event.user: event.message_id}
    actions: list[Action] = [_note_stance(event, proposal, stances, messages)]
    agreeing = [u for u, s in stances.items() if s == "agree"]
    others = (state.members | {event.user}) - {proposal.user}
    if "concern" not in stances.values() and len(agreeing) * 2 > len(others):
        lang = _proposal_language(proposal, message.lang, state)
        actions += _offer(event, proposal, agreeing, lang, event.thread_id)
    elif (
        "concern" not in stances.values()
        and taken == "agree"
        # A new voice: a stance is turned (agree or concern), or dropped with the
        # message that gave it, so the count reaches two from a new voice about once
        # per proposal. A yes taken back and given again brings it there again.
        and event.user not in proposal.stances
        and len(agreeing) == ROUND_AFTER
    ):
        actions.append(_ask_the_table(message, proposal, agreeing, state))
    return actions


def on_proposal_added(added: ProposalAdded) -> list[Action]:
    """A proposal made with a nudge's form is its author's, at the place the adapter
    posted it for them: the yeses and concerns answering that post count for it, and
    /concerns alone finds it, as if they had typed it there."""
    if added.message_id is None:
        return []
    return _noted(added, added.user, added.message_id, added.text, added.thread_id)


def _note_proposal(message: Message) -> list[Action]:
    event = message.event
    return _noted(event, event.user, event.message_id, event.text, event.thread_id)


def _noted(
    event: Event, user: str, message_id: str, text: str, thread_id: str | None
) -> list[Action]:
    """`user`'s proposal `text`, said as `message_id` (in thread `thread_id`)."""
    # A top-level proposal is also the proposal of the thread that may grow under it.
    scopes = (thread_id,) if thread_id else ("", message_id)
    noted: list[Action] = [
        NoteProposal(
            workspace=event.workspace,
            channel=event.channel,
            scope=where,
            message_id=message_id,
            user=user,
            text=excerpt(text),
            at=event.at,
        )
        for where in scopes
    ]
    if is_task_for_one(text):
        # Noted as if the bot had asked already: it never will.
        noted += [
            MarkSuggested(
                workspace=event.workspace, channel=event.channel, scope=where, forget_text=True
            )
            for where in scopes
        ]
    return noted


def _note_stance(
    event: Event, proposal: ProposalSeen, stances: dict[str, str], messages: dict[str, str]
) -> NoteStance:
    return NoteStance(
        workspace=event.workspace,
        channel=event.channel,
        scope=proposal.scope,
        stances=tuple(stances.items()),
        messages=tuple(messages.items()),
    )


def _offer(
    event: Event, proposal: ProposalSeen, agreeing: list[str], lang: str, thread_id: str | None
) -> list[Action]:
    return [
        SuggestAgreement(
            workspace=event.workspace,
            channel=event.channel,
            lang=lang,
            proposal=proposal.text,
            proposer=proposal.user,
            agreeing=tuple(agreeing),
            thread_id=thread_id,
            quotes=proposal.message_id,
        ),
        MarkSuggested(workspace=event.workspace, channel=event.channel, scope=proposal.scope),
    ]


def proposal_scopes_of_edit(event: MessageEdited | MessageDeleted) -> tuple[str, ...]:
    """What an edit or a deletion may touch: the proposal its message answered (its
    thread's, or the top level's, or the one it replies to), and, at the top level, one
    it made itself."""
    own = (event.thread_id,) if event.thread_id else ("", event.message_id)
    replied = _replied_scopes(event) if isinstance(event, MessageEdited) else ()
    return tuple(dict.fromkeys((*replied, *own)))


def on_edited(message: Message, state: TableState) -> list[Action]:
    """A proposal edited into something else is no longer one: no yes counts for it,
    and /concerns alone does not find it. One still a proposal is quoted as it stands:
    the yeses and concerns given to its earlier words no longer count, unless only typos
    were fixed. A message edited into a proposal is one from now on. A yes or a concern
    edited, or a reply edited into one, counts as it reads now. An edit delivered after
    the message's deletion, or after a newer edit, changes nothing."""
    event = message.event
    if heard_too_late(event, state):
        return []  # the words are gone, or newer ones stand (the engine notes the edit)
    noted = [p for p in state.proposals.values() if p.message_id == event.message_id]
    text = excerpt(event.text)
    # A typo fixed leaves a proposal one, however the edit reads: read again, alone,
    # the same words may score otherwise than the post did.
    typos_only = any(not p.suggested and only_typos_fixed(p.text, text) for p in noted)
    if typos_only or (message.is_proposal and "agreement" not in message.labels):
        if not noted:
            return _note_proposal(message)
        return [
            RewordProposal(
                workspace=event.workspace,
                channel=event.channel,
                message_id=event.message_id,
                text=text,
                at=event.at,
            ),
            *_stances_on_earlier_words(event, noted, text),
            *_reword_round(message, noted[0], state),
        ]
    actions: list[Action] = [
        ForgetProposal(
            workspace=event.workspace, channel=event.channel, message_id=event.message_id
        )
    ]
    if noted:
        return actions + _reword_round(message, noted[0], state)
    lang = _proposal_language(_addressed(event, state), message.lang, state)
    return actions + _restance(event, event.message_id, message.stance, state, lang)


def _stances_on_earlier_words(
    event: MessageEdited, noted: list[ProposalSeen], text: str
) -> list[Action]:
    """A proposal that says something else now has no yes or concern yet: those given
    were to its earlier words, and people say again. A typo fixed keeps them."""
    return [
        _note_stance(event, proposal, {}, {})
        for proposal in noted
        if proposal.stances and not proposal.suggested and not only_typos_fixed(proposal.text, text)
    ]


def on_deleted(deleted: MessageDeleted, state: TableState) -> list[Action]:
    """A yes or a concern deleted no longer counts: the rest of the table decides. The
    proposal it was given to is found by the message that gave it: a deletion does not
    say what the message replied to (Discord's), and a reply may answer an older one."""
    given_to = next(
        (p for p in state.proposals.values() if deleted.message_id in p.stance_messages.values()),
        None,
    )
    if given_to is None:
        return []
    lang = _proposal_language(given_to, None, state)
    return _restance(deleted, deleted.message_id, None, state, lang, given_to)


def _restance(
    event: MessageEdited | MessageDeleted,
    message_id: str,
    taken: str | None,
    state: TableState,
    lang: str,
    proposal: ProposalSeen | None = None,
) -> list[Action]:
    """The stance given by `message_id` to `proposal` (None: the one the event
    addresses), read again as `taken` (None: none any more). An offer made stands (the
    bot's own post is not taken back); one not made yet may be made now, when a concern
    that held it back is gone."""
    proposal = proposal if proposal is not None else _addressed(event, state)
    if proposal is None or proposal.suggested:
        return []
    user = next((u for u, m in proposal.stance_messages.items() if m == message_id), None)
    if user is None and taken is not None and _answers(event, proposal):
        # A reply that held no stance (or one given to the proposal's earlier words)
        # edited into a yes or a concern counts as it reads now.
        user = event.user
    if user is None or proposal.stances.get(user) == taken:
        return []
    stances, messages = dict(proposal.stances), dict(proposal.stance_messages)
    if taken is None:
        stances.pop(user, None)
        messages.pop(user, None)
    else:
        stances[user], messages[user] = taken, message_id
    actions: list[Action] = [_note_stance(event, proposal, stances, messages)]
    agreeing = [u for u, s in stances.items() if s == "agree"]
    others = state.members - {proposal.user}
    if (
        "concern" not in stances.values()
        and agreeing
        and len(agreeing) * 2 > len(others)
        and event.at - proposal.posted_at <= STALE_AFTER
    ):
        actions += _offer(event, proposal, agreeing, lang, event.thread_id)
    return actions


def _answers(event: MessageEdited | MessageDeleted, proposal: ProposalSeen) -> bool:
    """An edited message is a reply to the proposal: another member's, posted after it."""
    return (
        isinstance(event, MessageEdited)
        and event.user != proposal.user
        and event.message_id != proposal.message_id
        and event.posted > proposal.posted_at
    )


def _reword_round(message: Message, proposal: ProposalSeen, state: TableState) -> list[Action]:
    """The open round about this proposal, edited by its proposer, shows its words as
    they stand and says they changed, unless only typos were fixed: then the answers
    still hold, as the yeses in chat do (the round has no message id: its words and its
    proposer find it)."""
    round_ = state.open_round
    event = message.event
    if (
        round_ is None
        or round_.proposer != event.user
        or round_.proposal != proposal.text
        or round_.proposal == excerpt(event.text)
    ):
        return []
    answers_hold = only_typos_fixed(round_.proposal, excerpt(event.text))
    reworded = replace(
        round_, proposal=excerpt(event.text), reworded=round_.reworded or not answers_hold
    )
    return [
        RewordRound(
            workspace=event.workspace,
            channel=event.channel,
            round_id=round_.round_id,
            text=reworded.proposal,
            answers_hold=answers_hold,
        ),
        # Its message shows the words as they stand at once: those taken back go.
        UpdateRoundProgress(
            workspace=event.workspace,
            channel=event.channel,
            lang=round_.lang,
            round=reworded.view(),
        ),
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
        lang=_proposal_language(proposal, message.lang, state),
        user=proposal.user,
        text=text,
        private=True,
        thread_id=event.thread_id,
        proposal=proposal.text,
        agreeing=tuple(agreeing),
        quotes=proposal.message_id,
    )


def _addressed(
    event: MessagePosted | MessageEdited | MessageDeleted, state: TableState
) -> ProposalSeen | None:
    """The proposal a reaction is about: its thread's (or the top level's) latest. A
    reply that names the message it answers (Discord's Reply) is about that message: the
    latest, an older top-level proposal still noted, or none (a reply to a question, to
    the bot, or to a message deleted or never a proposal takes no side on the latest)."""
    latest = state.proposals.get(event.thread_id or "")
    reply_to = event.reply_to if isinstance(event, MessagePosted | MessageEdited) else None
    if reply_to is None:
        return latest
    if latest is not None and latest.message_id == reply_to:
        return latest
    # Its own row may hold another proposal: a Discord thread started on it has its id.
    older = state.proposals.get(reply_to)
    return older if older is not None and older.message_id == reply_to else None


def _proposal_language(
    proposal: ProposalSeen | None, reply_lang: str | None, state: TableState
) -> str:
    """The table's language, else the proposal's: a "+1" or "ok" that tips the count
    shows none, and the offer is about the proposal. The reply's only when the proposal
    shows none either (or is not known)."""
    shown = "" if proposal is None else detect_language(proposal.text, fallback="")
    return language(state, shown or reply_lang)
