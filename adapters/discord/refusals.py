"""What Discord's refusals mean for delivery.

Some pass by themselves: an outage (5xx, after discord.py's own retries) or the throttle
on opening DMs (40003, "You are opening direct messages too fast"): the outbox tries
again later. Others stand until someone changes something: the bot lost a permission
or its view of a channel, the channel is gone, the thread is locked. Trying those again
for two hours helps nobody, so the action is given up at once and the person who caused
it (whoever clicked, else the round's starter, the agreement's recorder, ...) is told
privately what happened and what would help: for a missing permission, the ones the
refused post needed that the bot lacks there (as discord.py's cache tells), else a
general word. Closed DMs (50007) concern one member only; a member Discord no longer
knows (10013, 50033 when opening the DM: PERSON_GONE) is reached no other way, so what
was meant for them privately is given up at once, unsent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import discord

from adapters.discord import posting_rights
from adapters.discord.posting_rights import Post
from rules.actions import (
    AnnounceAgreement,
    AnnounceReview,
    CloseReview,
    Outbound,
    PostConcernRound,
    PostReport,
    PostRoundSummary,
    RemindMembers,
    Reply,
    SendNudge,
    SuggestAgreement,
    UpdateRoundProgress,
)
from rules.say import N_, Member, Say

DMS_CLOSED = 50007  # "Cannot send messages to this user"
NOT_A_TEXT_CHANNEL = 50008  # "Cannot send messages in a non-text channel": a forum, say
TAG_REQUIRED = 40067  # "A tag is required to create a forum post in this channel"
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001  # no View Channel (or no longer in the server)
MISSING_PERMISSIONS = 50013  # no Send Messages (in Threads), say
THREAD_ARCHIVED = 50083  # edits and deletes refused; a post reopens it, unless locked
THREAD_LOCKED = 160005
DMS_TOO_FAST = 40003  # "You are opening direct messages too fast"
UNKNOWN_USER = 10013  # an account deleted, say
INVALID_RECIPIENTS = 50033  # opening a DM with someone Discord will not let the bot reach
# Refusals of a DM that say this person is gone for good: nothing sent to them privately
# can ever arrive, and nobody is left to read it beside their problem.
PERSON_GONE = frozenset({UNKNOWN_USER, INVALID_RECIPIENTS})

# Why a place refused the bot, and what would help, said to the person who caused the
# message: these stand until someone changes them.
WHY = {
    MISSING_ACCESS: N_(
        "I can no longer see that channel: ask someone who manages the server to give me "
        "the View Channel permission there."
    ),
    # Which permission is missing cannot be told (it changed meanwhile, say): no guess.
    MISSING_PERMISSIONS: N_(
        "I am not allowed to post there: ask someone who manages the server to check my "
        "permissions in that channel."
    ),
    UNKNOWN_CHANNEL: N_("That channel no longer exists."),
    THREAD_LOCKED: N_("That thread is locked: a moderator can unlock it."),
    THREAD_ARCHIVED: N_("That thread is closed and I cannot reopen it: a moderator can."),
}
# The same in a forum's post: Discord calls a forum's threads posts.
IN_A_POST = {
    THREAD_LOCKED: N_("That post is locked: a moderator can unlock it."),
    THREAD_ARCHIVED: N_("That post is closed and I cannot reopen it: a moderator can."),
}
# 50001 in a private thread: only its members may post there, the bot too, whatever its
# permissions; adding it to the thread is what helps.
NOT_IN_PRIVATE_THREAD = N_(
    "I am not a member of that private thread, so I cannot post in it. Someone in the "
    "thread can add me by mentioning me there (@{bot})."
)
# The same, naming what the refused post lacked there.
NOT_ALLOWED = N_(
    "I am not allowed to post there: ask someone who manages the server to give me "
    "{permissions} there."
)
# What did not go out, by the action that was refused.
ROUND_NOT_POSTED = N_("Your concern round could not be posted in {channel}.")
PROGRESS_NOT_SHOWN = N_("I could not update the concern round's message in {channel}.")
SUMMARY_NOT_POSTED = N_(
    "The concern round in {channel} has closed, but I could not post its summary there. Here it is:"
)
REMINDER_NOT_POSTED = N_(
    "I could not post the reminder of your concern round in {channel} for the members "
    "whose direct messages are closed."
)
NOT_POSTED = N_("I could not post in {channel}.")

_CHANNEL_IN_URL = re.compile(r"/channels/(\d+)")
# Where a refusal keeps what the refused post carried (`posting`).
_REFUSED_POST = "groundrules_refused_post"


def stands(error: discord.HTTPException) -> bool:
    """A refusal of the place that trying again will not change."""
    return error.code in WHY


def stops_a_batch(error: discord.HTTPException) -> bool:
    """Discord failing or asking for time: the requests after this one would fare the
    same, so a batch stops here and the outbox sends the rest later."""
    return error.code == DMS_TOO_FAST or error.status >= 500


def refused_channel(error: discord.HTTPException) -> int | None:
    """The channel the refused request was about, from its URL."""
    url = getattr(error.response, "url", None)
    found = _CHANNEL_IN_URL.search(str(getattr(url, "path", url or "")))
    return int(found.group(1)) if found else None


@contextmanager
def posting(post: Post) -> Iterator[None]:
    """Around a request that makes `post`: its refusal carries what it needed
    (`refused_post`), so that the notice names what the bot lacked for it."""
    try:
        yield
    except discord.HTTPException as error:
        setattr(error, _REFUSED_POST, post)
        raise


def refused_post(error: discord.HTTPException) -> Post | None:
    """What the refused request would have posted; None: not a post (an edit, say)."""
    return getattr(error, _REFUSED_POST, None)


def why(
    code: int, lacking: tuple[str, ...] = (), *, left_out_of: Member | None = None,
    in_forum: bool = False,
) -> Say:  # fmt: skip
    """Why a place refused the bot (`code`, one that `stands`) and what would help;
    `lacking`: the permissions (msgids) the refused post needed that the bot lacks there;
    `left_out_of`: the bot, when the place is a private thread it is not in; `in_forum`:
    the place is a forum's post."""
    if code == MISSING_ACCESS and left_out_of is not None:
        return Say.of(NOT_IN_PRIVATE_THREAD, bot=left_out_of)
    if code == MISSING_PERMISSIONS and lacking:
        return Say.of(NOT_ALLOWED, permissions=posting_rights.named(lacking))
    if in_forum and code in IN_A_POST:
        return Say.of(IN_A_POST[code])
    return Say.of(WHY[code])


def what_failed(action: Outbound) -> str:
    match action:
        case PostConcernRound():
            return ROUND_NOT_POSTED
        case UpdateRoundProgress():
            return PROGRESS_NOT_SHOWN
        case PostRoundSummary():
            return SUMMARY_NOT_POSTED
        case RemindMembers():
            return REMINDER_NOT_POSTED
    return NOT_POSTED


def cause_of(action: Outbound) -> str | None:
    """Who caused `action`, when no interaction says so: the one to tell privately that
    it could not go out. None: nobody in particular (a meeting's questions, a cleanup)."""
    match action:
        case PostConcernRound() | UpdateRoundProgress() | PostRoundSummary() | RemindMembers():
            return action.round.started_by or action.round.proposer
        case AnnounceAgreement():
            return action.agreement.recorded_by
        case AnnounceReview():
            return action.agreement.owner
        case CloseReview():
            return action.by
        case SuggestAgreement():
            return action.proposer
        case Reply() | PostReport() | SendNudge():
            return action.user
    return None
