"""Carrying out the engine's outbound actions on Discord: the sending side.

Nudges and reminders (of a concern round, of a mandate to renew) go by DM; when a
person's DMs are closed (error 50007) a nudge becomes a quiet reply beside the problem
(once: the reminder after a snooze adds nothing in public; the cog unnames the reply once
its author opens their choices; where it was posted is stored, and it is deleted once the
nudge is settled in any way, by whichever process: ClearNudge); a reminder (of a round,
of a mandate to renew) becomes one message in the channel that names and pings nobody
(who has not answered or renewed, in public, would be a tally). Private replies and
reports answer the interaction that asked for them, ephemerally; without one they go by
DM (the word to a proposer whose DMs are closed: one message in the channel that pings
only them, the one message that pings anyone). An action that fails part-way is offered again
by the outbox; its retry, by whichever process, sends only what did not go out
(bot.sent_steps), and a DM that went out unrecorded is looked for in the DM before it
is sent again. A refusal that stands (a permission taken, a locked thread,
adapters/discord/refusals) is not tried again: whoever caused the action hears
privately what would help, and a round's starter gets its summary by DM.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from adapters.discord import posting_rights, refusals, review_posts
from adapters.discord.answering import InteractionAnswer, current_answer
from adapters.discord.components import (
    evaluation_view,
    not_now_button,
    nudge_opener_view,
    nudge_view,
    renewal_view,
    review_view,
    round_view,
    suggestion_view,
    summary_view,
    undo_view,
)
from adapters.discord.custom_ids import NudgeChoice, Where
from adapters.discord.left_out import left_out_of
from adapters.discord.posted_once import nonce_of, posted_already
from adapters.discord.refusals import (
    DMS_CLOSED,
    DMS_TOO_FAST,
    MISSING_ACCESS,
    NOT_A_TEXT_CHANNEL,
    TAG_REQUIRED,
    THREAD_ARCHIVED,
)
from adapters.discord.rendering import (
    Outgoing,
    Renderer,
    channel_mention,
    jump_url,
    long_post,
    markdown,
    naming_fewer,
    one_message,
    paged,
    pieces,
    ping_groups,
    say,
    with_file,
    with_pings,
)
from adapters.discord.translate import guild_of, origin_of
from bot.keyed_locks import KeyedLocks
from bot.presenting import (
    agreement_text,
    at_table,
    closed_review_text,
    evaluation_text,
    nudge_text,
    reminder_text,
    renewal_text,
    review_text,
    round_ended,
    round_text,
    suggestion_text,
    summary_text,
    unnamed_reminder_text,
    unnamed_renewal_text,
)
from bot.sent_steps import Sent, sent_of
from bot.store import TryLater, Undeliverable, quiet_reply_key, review_message_keys
from rules.actions import (
    AnnounceAgreement,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    ClearNudge,
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
    SnoozeNoted,
    SuggestAgreement,
    UndoNoted,
    UpdateRoundProgress,
    WordToProposer,
)
from rules.i18n import supported
from rules.problems import SNOOZED_PAST_QUIET_HOURS, STILL_SNOOZED
from rules.say import N_, Lines, Member, Quote, Say, Span, Text

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
# A quiet reply once its author has seen it: it names nobody.
QUIET_SEEN = N_(
    "A gentle reminder about the problem above: a proposal would help. Only its author can "
    "use this button."
)
REPORT_FILE = "report.md"
# Said instead of "I will remind you" to a member whose DMs are closed.
SNOOZED_UNTIL_UNREACHABLE = N_(
    "Snoozed until {at}. Your direct messages are closed, though, so I cannot remind you "
    "then. The button under my reply beside your problem stays, for when you are ready."
)
# The same, when no quiet reply stands beside the problem (cleared by an undone "Not a
# problem", say): no button to point to.
SNOOZED_UNTIL_UNREACHABLE_NO_REPLY = N_(
    "Snoozed until {at}. Your direct messages are closed, though, so I cannot remind you "
    "then. When you are ready, answer your problem with a proposal: in its thread, or as a "
    "reply to it."
)
# Those two, for a snooze that ends later than asked, saying why: a shorter one kept the
# later end (rules.problems.STILL_SNOOZED), or the end of the quiet hours came after it.
STILL_SNOOZED_UNREACHABLE = N_(
    "Still snoozed until {at}, as you asked before. Your direct messages are closed, "
    "though, so I cannot remind you then. The button under my reply beside your problem "
    "stays, for when you are ready."
)
STILL_SNOOZED_UNREACHABLE_NO_REPLY = N_(
    "Still snoozed until {at}, as you asked before. Your direct messages are closed, "
    "though, so I cannot remind you then. When you are ready, answer your problem with a "
    "proposal: in its thread, or as a reply to it."
)
SNOOZED_PAST_QUIET_HOURS_UNREACHABLE = N_(
    "Snoozed until {at}, when the quiet hours here end. Your direct messages are closed, "
    "though, so I cannot remind you then. The button under my reply beside your problem "
    "stays, for when you are ready."
)
SNOOZED_PAST_QUIET_HOURS_UNREACHABLE_NO_REPLY = N_(
    "Snoozed until {at}, when the quiet hours here end. Your direct messages are closed, "
    "though, so I cannot remind you then. When you are ready, answer your problem with a "
    "proposal: in its thread, or as a reply to it."
)
# By the promise a snooze made: (with a quiet reply to point to, without one).
UNREACHABLE_SNOOZES = {
    STILL_SNOOZED: (STILL_SNOOZED_UNREACHABLE, STILL_SNOOZED_UNREACHABLE_NO_REPLY),
    SNOOZED_PAST_QUIET_HOURS: (
        SNOOZED_PAST_QUIET_HOURS_UNREACHABLE,
        SNOOZED_PAST_QUIET_HOURS_UNREACHABLE_NO_REPLY,
    ),
}
# Both, for a word enqueued before it said until when (SnoozeNoted.until None).
SNOOZED_UNREACHABLE = N_(
    "Snoozed for {span}. Your direct messages are closed, though, so I cannot remind you "
    "then. The button under my reply beside your problem stays, for when you are ready."
)
SNOOZED_UNREACHABLE_NO_REPLY = N_(
    "Snoozed for {span}. Your direct messages are closed, though, so I cannot remind you "
    "then. When you are ready, answer your problem with a proposal: in its thread, or as a "
    "reply to it."
)
# A DM refused as closed is remembered this long (seconds), for this many members at
# most: what is said to them meanwhile promises nothing a DM would have to bring.
DMS_CLOSED_REMEMBERED_S = 3600
DMS_CLOSED_KEPT = 1000
# Discord said "You are opening direct messages too fast": what is left waits this long.
DMS_TOO_FAST_WAIT = timedelta(minutes=5)
# A person told that a place refuses the bot is told again about the same place only
# after this long (seconds), so a round whose every click fails tells each once.
TOLD_AGAIN_AFTER_S = 3600
TOLD_KEPT = 1000
# A review by its workspace, agreement number, version and when it was asked.
ReviewKey = tuple[str, int, int, datetime | None]
REVIEW_POSTS_KEPT = 1000


class Delivery:
    def __init__(self, client: discord.Client, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime
        # Members whose DMs were found closed, and when (time.monotonic()).
        self._dms_closed: OrderedDict[int, float] = OrderedDict()
        # (person, channel, refusal) told about lately, and when (time.monotonic()).
        self._told: OrderedDict[tuple[str, int, int], float] = OrderedDict()
        # A whole forum's reviews: the posts opened for them lately, and one at a time.
        self._review_posts: OrderedDict[ReviewKey, str] = OrderedDict()
        self._opening_reviews: KeyedLocks[ReviewKey] = KeyedLocks()

    def note_dms(self, user: int, *, closed: bool) -> None:
        """A DM to `user` was refused as closed (or went through: `closed` False)."""
        self._dms_closed.pop(user, None)
        if closed:
            self._dms_closed[user] = time.monotonic()
            while len(self._dms_closed) > DMS_CLOSED_KEPT:
                self._dms_closed.popitem(last=False)

    def forget_person(self, user: str) -> None:
        """Drop what is held of `user` (a member forgotten at their request): a DM is
        tried again, and a refusal is told again."""
        if user.isdigit():
            self._dms_closed.pop(int(user), None)
        for key in [key for key in self._told if key[0] == user]:
            del self._told[key]

    def dms_closed(self, user: int) -> bool:
        """Whether a DM to `user` was refused as closed a little while ago."""
        since = self._dms_closed.get(user)
        return since is not None and time.monotonic() - since < DMS_CLOSED_REMEMBERED_S

    async def deliver(self, action: Outbound) -> str | None:
        """Carry out one action; after a failure part-way, the retry of the same action
        sends only what did not go out."""
        try:
            sent = await self._deliver(action)
        except discord.HTTPException as error:
            code = str(error.code)
            if error.code == NOT_A_TEXT_CHANNEL:
                raise Undeliverable(_no_text_channel(action), code=code) from error
            if error.code == TAG_REQUIRED:
                raise Undeliverable(_tag_required(action), code=code) from error
            if error.code in refusals.PERSON_GONE:  # whose it was can be reached no other way
                raise Undeliverable(
                    f"Discord reaches that member no more: {error.text} ({code})", code=code
                ) from error
            if error.code == DMS_TOO_FAST:  # slow down: nobody's DMs are closed
                raise TryLater("Discord: opening DMs too fast", DMS_TOO_FAST_WAIT) from error
            if refusals.stands(error):
                place = refusals.refused_channel(error) or _action_place(action)
                if isinstance(action, ClearNudge | CloseReview | UpdateRoundProgress) and (
                    error.code == THREAD_ARCHIVED
                ):
                    # An edit in a thread Discord archived: nobody needs to act; the
                    # round's summary reopens it and shows how the round ended.
                    raise Undeliverable(
                        f"thread {place} is archived: left as it was", code=code
                    ) from error
                await self._tell_refused(action, error, place)
                raise Undeliverable(
                    f"Discord refuses the bot in channel {place}: {error.text} ({code})",
                    code=code,
                ) from error
            raise
        return sent

    async def _tell_refused(
        self, action: Outbound, error: discord.HTTPException, place: int
    ) -> None:
        """Tell whoever caused `action` (the one whose interaction is being answered,
        else `refusals.cause_of`) privately, in their language, that it could not go
        out and what would help; a summary comes whole, so its round's outcome is not
        lost. Best effort: the action is given up either way."""
        summary = isinstance(action, PostRoundSummary)
        answer = current_answer()
        if answer is not None and (answer.workspace != action.workspace or summary):
            answer = None  # a round's outcome goes to its starter, by DM, to keep
        user = answer.user if answer is not None else refusals.cause_of(action)
        if user is None or not user.isdigit():
            log.info("%s refused by Discord; nobody to tell", type(action).__name__)
            return
        if not summary and not self._tell_now(user, place, error.code):
            return
        lang = await self._refusal_lang(action, answer)
        guild = guild_of(action.workspace)
        render = self._renderer(guild, lang)
        left_out = None
        if error.code == MISSING_ACCESS:
            described = answer.interaction.channel if answer is not None else None
            left_out = await left_out_of(self.client, guild, place, described)
        told: Text = Lines((
            Say.of(refusals.what_failed(action), channel=f"<#{place}>"),
            refusals.why(
                error.code,
                self._lacking(place, refusals.refused_post(error)),
                left_out_of=left_out,
                in_forum=posting_rights.in_forum(self.client.get_channel(place)),
            ),
        ))  # fmt: skip
        if answer is None:  # by DM, away from its table: it opens with which one
            told = at_table(told, channel_mention(action.channel))
        text = render(told)
        if summary:
            text += "\n\n" + render(summary_text(action, with_commands=False))
        try:
            if answer is not None:
                await answer.private(pieces(text, lang))
                return
            dm = await self.client.create_dm(discord.Object(int(user)))
            for message in pieces(text, lang):
                await dm.send(**message.kwargs(), allowed_mentions=NO_PINGS)
        except discord.HTTPException as failed:
            log.info("could not tell member of a refused %s: %s", type(action).__name__, failed)

    def _lacking(self, place: int, post: posting_rights.Post | None) -> tuple[str, ...]:
        """The permissions (msgids) `post` needed in `place` that the bot lacks there, as
        the cache tells; none when it cannot tell, or the refused request was no post."""
        if post is None:
            return ()
        return posting_rights.lacking_in(self.client.get_channel(place), post)

    async def _refusal_lang(self, action: Outbound, answer: InteractionAnswer | None) -> str:
        """The language to tell a refusal in: the table's, if it chose one (as everything
        the bot says there); else the clicker's client language; else the action's."""
        if answer is None:
            return action.lang
        origin = origin_of(answer.interaction)
        if origin is not None:
            chosen = await self.runtime.table_language(origin.workspace, origin.channel)
            if chosen:
                return supported(chosen)
        return supported(str(answer.interaction.locale))

    def _tell_now(self, user: str, place: int, code: int) -> bool:
        """Whether to tell `user` that `place` refuses the bot (`code`): not again soon."""
        key, now = (user, place, code), time.monotonic()
        told = self._told.get(key)
        if told is not None and now - told < TOLD_AGAIN_AFTER_S:
            return False
        self._told.pop(key, None)
        self._told[key] = now
        while len(self._told) > TOLD_KEPT:
            self._told.popitem(last=False)
        return True

    async def _deliver(self, action: Outbound) -> str | None:
        guild = guild_of(action.workspace)
        match action:
            case SendNudge():
                return await self._nudge(guild, action)
            case Reply():
                return await self._reply(guild, action)
            case ClearNudge():
                await self._clear_quiet_reply(guild, action)
                return None
            case PostConcernRound():
                ended = round_ended(closed=action.closed, withdrawn=action.withdrawn)
                message = _round_message(self._renderer(guild, action.lang), action.round, ended)
                view = None if action.closed else round_view(action.round.round_id, action.lang)
                # As the round stands now, not as a try before rendered it.
                return await self._post_once(guild, _round_place(action), message, action, view)
            case UpdateRoundProgress():
                await self._edit_round(guild, action, closed=action.closed)
                return None
            case RemindMembers():
                return await self._remind(guild, action)
            case PostRoundSummary():
                return await self._summary(guild, action)
            case AnnounceAgreement():
                text = self._renderer(guild, action.lang)(agreement_text(action))
                where = _place(action.channel, action.thread_id)
                return await self._post_all(guild, where, pieces(text, action.lang), action)
            case AnnounceReview():
                return await self._review(guild, action)
            case CloseReview():
                await self._close_review(guild, action)
                return None
            case AskRenewal(reminder=True):
                return await self._remind_renewal(guild, action)
            case AskRenewal():
                text = self._renderer(guild, action.lang)(renewal_text(action, with_commands=False))
                view = _renewal_buttons(action)
                return await self._post_all(
                    guild, int(action.channel), [one_message(text)], action, view=view
                )
            case AskEvaluation():
                text = self._renderer(guild, action.lang)(
                    evaluation_text(action, with_commands=False)
                )
                view = evaluation_view(action.meeting_id, action.lang)
                return await self._post_all(
                    guild, int(action.channel), [one_message(text)], action, view=view
                )
            case SuggestAgreement():
                text = self._renderer(guild, action.lang)(
                    suggestion_text(action, with_commands=False)
                )
                where = _place(action.channel, action.thread_id)
                view = suggestion_view(action.lang)
                return await self._post_all(guild, where, [one_message(text)], action, view=view)
            case PostReport():
                return await self._report(guild, action)
        raise TypeError(f"the Discord adapter cannot deliver {type(action).__name__}")

    # --- nudges -------------------------------------------------------------------------

    async def _nudge(self, guild: int, action: SendNudge) -> str | None:
        where = Where(
            guild, int(action.channel), int(action.thread_id) if action.thread_id else None
        )
        choice = NudgeChoice("add", where, int(action.problem_id), int(action.user))
        render = self._renderer(guild, action.lang)
        # A DM, away from its table: it opens by naming the channel (a mention pings
        # nobody), which the notification shows too; the link at its end leads to the
        # problem itself.
        text = render(
            nudge_text(action, with_commands=False, where=channel_mention(action.channel))
        )
        text += "\n" + jump_url(guild, where.target, choice.problem)
        done = await sent_of(action)
        [message] = done.pages("dm", [one_message(text)], Outgoing.from_kept)
        try:
            dm = await self.client.create_dm(discord.Object(choice.user))

            async def post(key: str) -> str:
                sent = await dm.send(
                    **message.kwargs(), view=nudge_view(choice, action.lang), nonce=nonce_of(key)
                )
                return str(sent.id)

            await done.post_page_once(
                "dm", 0, [message], Outgoing.kept, post, self._found_in(dm, message)
            )
            self.note_dms(choice.user, closed=False)
            return None  # private: nothing public to clear later
        except discord.Forbidden as error:
            if error.code != DMS_CLOSED:
                raise
            self.note_dms(choice.user, closed=True)
        if action.again:
            # The end of a snooze: its author has seen the quiet reply and chose "later";
            # its button stays for them, and nobody is named in public again.
            log.info("a snoozed nudge was not delivered: the member's DMs are closed")
            return None
        # Closed DMs: a quiet reply beside the problem; its button opens the choices.
        quiet = render(
            Say.of(
                N_("{user}, a gentle reminder about the problem you named here: a proposal "
                   "would help. Only you can use this button."),
                user=Member(action.user),
            )
        )  # fmt: skip
        channel = self.client.get_partial_messageable(where.target, guild_id=guild)
        problem = channel.get_partial_message(choice.problem)
        with refusals.posting(posting_rights.Post(reply=True)):
            sent = await channel.send(
                quiet,
                view=nudge_opener_view(choice, action.lang),
                reference=problem.to_reference(fail_if_not_exists=False),
                allowed_mentions=NO_PINGS,
            )
        return str(sent.id)

    async def quiet_reply_seen(self, quiet: discord.Message, lang: str) -> None:
        """Its author opened their choices from the quiet reply: it has reached them, and
        names them no longer. It stays, with its button, for when they are ready."""
        unnamed = say(QUIET_SEEN, lang)
        if quiet.content != unnamed:
            await quiet.edit(content=unnamed, allowed_mentions=NO_PINGS)

    async def _clear_quiet_reply(self, guild: int, action: ClearNudge) -> None:
        """Its nudge is settled, however (answered, dismissed, the problem deleted): the
        quiet reply beside the problem goes, and with it the last public word of it."""
        if action.message_id is None:
            return
        channel = self.client.get_partial_messageable(
            _place(action.channel, action.thread_id), guild_id=guild
        )
        try:
            await channel.get_partial_message(int(action.message_id)).delete()
        except discord.NotFound:
            log.info("the quiet reply about problem %s is gone already", action.problem_id)

    async def post_proposal(
        self, choice: NudgeChoice, user: str, proposal: str, lang: str,
        *, maybe_posted_since: datetime | None = None,
    ) -> str:  # fmt: skip
        """The author's answer to a nudge, in their name, beside their problem; the id of
        the message it was posted as. `maybe_posted_since`: a claim that began then ran
        out unrecorded (bot.proposing): its post, if found, is the one."""
        where = choice.where
        text = self._renderer(where.guild, lang)(
            Lines((
                Say.of(N_("Proposal from {user}, for the problem above:"), user=Member(user)),
                Say.of(N_("> {proposal}"), proposal=Quote(proposal)),
            ))
        )  # fmt: skip
        channel = self.client.get_partial_messageable(where.target, guild_id=where.guild)
        problem = channel.get_partial_message(choice.problem)
        message = one_message(text)
        if maybe_posted_since is not None:
            assert self.client.user is not None
            found = await posted_already(channel, self.client.user.id, message, maybe_posted_since)
            if found is not None:
                return found
        with refusals.posting(posting_rights.of_message(message, reply=True)):
            sent = await channel.send(
                **message.kwargs(),
                reference=problem.to_reference(fail_if_not_exists=False),
                allowed_mentions=NO_PINGS,
            )
        return str(sent.id)

    # --- replies ----------------------------------------------------------------------------

    async def _reply(self, guild: int, action: Reply) -> str | None:
        render = self._renderer(guild, action.lang)
        said = await self._true_for(action)
        text = render(said)
        place = _place(action.channel, action.thread_id)
        answer = current_answer()
        answering = answer is not None and (answer.workspace, answer.user) == (
            action.workspace, action.user,
        )  # fmt: skip
        if isinstance(action, WordToProposer) and not answering:
            dm_text = render(at_table(said, channel_mention(action.channel)))
            return await self._word_to_proposer(guild, action, place, text, dm_text)
        if _by_dm(action):  # away from its table: it opens with which one
            text = render(at_table(said, channel_mention(action.channel)))
        view = None
        if isinstance(action, NotAProblemNoted) and action.user is not None:
            choice = NudgeChoice(
                "unhas" if action.proposes else "undo", Where(guild, int(action.channel)),
                int(action.problem_id), int(action.user),
            )  # fmt: skip
            view = undo_view(choice, action.lang)
        if isinstance(action, UndoNoted) and action.nudged and (action.user or "").isdigit():
            # Back as nudged, and no nudge will come: its choices went with the "Not a
            # problem" (its quiet reply too), so they come back here, for its author only.
            thread = int(action.problem_thread_id) if action.problem_thread_id else None
            where = Where(guild, int(action.channel), thread)
            choice = NudgeChoice("add", where, int(action.problem_id), int(action.user or 0))
            view = nudge_view(choice, action.lang)
        return await self._answer(guild, action, place, pieces(text, action.lang), view=view)

    async def _true_for(self, action: Reply) -> Text:
        """The reply's text, without a promise its reader's closed DMs would break, nor a
        button that is not there."""
        if (
            isinstance(action, SnoozeNoted)
            and action.user is not None
            and action.user.isdigit()
            and self.dms_closed(int(action.user))
        ):
            quiet = action.problem_id is None or await self.runtime.message_ref(
                action.workspace, quiet_reply_key(action.channel, action.problem_id)
            )
            if action.until is not None:
                with_reply, no_reply = UNREACHABLE_SNOOZES.get(
                    action.promise.msgid,
                    (SNOOZED_UNTIL_UNREACHABLE, SNOOZED_UNTIL_UNREACHABLE_NO_REPLY),
                )
                unreachable = Say.of(with_reply if quiet else no_reply, at=action.until)
            else:
                wording = SNOOZED_UNREACHABLE if quiet else SNOOZED_UNREACHABLE_NO_REPLY
                unreachable = Say.of(wording, span=Span(action.span))
            return _swapped(action.text, action.promise, unreachable)
        return action.text

    async def _word_to_proposer(
        self, guild: int, action: WordToProposer, place: int, text: str, dm_text: str
    ) -> str | None:
        """By DM (`dm_text`, which names its table); when the proposer's DMs are closed, as
        a reminder is: one message (`text`) where the proposal was made that pings the
        proposer alone."""
        assert action.user is not None
        done = await sent_of(action)
        if "ping" not in done:
            try:
                return await self._dm_all(int(action.user), pieces(dm_text, action.lang), action)
            except discord.Forbidden as error:
                if error.code != DMS_CLOSED:
                    raise
            await done.add("ping", await self._ping(guild, place, [int(action.user)], text, None))
        return done["ping"]

    async def _report(self, guild: int, action: PostReport) -> str | None:
        """The summary as a message, the full form attached when it says more.

        Private: the answer to /report, for the caller only. Public: the end of a meeting.
        """
        render = self._renderer(guild, action.lang)
        summary, full = render(action.summary), render(action.full)
        # The summary abridges the full form, so any difference is more to read (its
        # "… and 1 more" may be longer than the line it stands for).
        place = int(action.channel)
        differs = full != summary
        if _by_dm(action):  # away from its table: it opens with which one
            summary = render(at_table(action.summary, channel_mention(action.channel)))
        if not differs:
            messages = pieces(summary, action.lang)
        elif self._may_attach(action, place):
            messages = with_file(summary, markdown(action.full, render), REPORT_FILE, action.lang)
        else:
            # No Attach Files here: the full form as messages instead of a file, so the
            # report loses nothing and a meeting can always end where it was started.
            messages = [Outgoing(content=part) for part in paged(full, action.lang)]
        return await self._answer(guild, action, place, messages)

    def _may_attach(self, action: PostReport, place: int) -> bool:
        """Whether the bot may attach a file to `action`'s report: always privately (an
        ephemeral answer, a DM), publicly as Discord says (the interaction answered there,
        else the cached channel); when it cannot tell, it tries."""
        if action.private:
            return True
        answer = current_answer()
        if answer is not None and answer.workspace == action.workspace and answer.place == place:
            allowed: discord.Permissions | None = answer.interaction.app_permissions
        else:
            allowed = posting_rights.in_cache(self.client.get_channel(place))
        return allowed is None or allowed.attach_files

    async def _answer(
        self,
        guild: int,
        action: Reply | PostReport,
        place: int,
        messages: list[Outgoing],
        *,
        view: discord.ui.View | None = None,
    ) -> str | None:
        """Privately: the interaction's ephemeral answer, else a DM; `view` under its last
        message. Publicly: the answer to an interaction in the same place while it is
        unused, else posts there."""
        answer = _answer_for(action)
        if action.private:
            if action.user is None:
                raise ValueError(f"a private {type(action).__name__} needs a user")
            if not _by_dm(action):
                assert answer is not None
                await answer.private(messages, view, done=await sent_of(action), step="dm")
                return None
            if not action.user.isdigit():
                # An owner written in words ("Finance"): nobody to reach, now or on a retry.
                log.info("a private reply was skipped: no Discord member to send it to")
                return None
            try:
                return await self._dm_all(int(action.user), messages, action, view)
            except discord.Forbidden as error:
                if error.code != DMS_CLOSED:
                    raise
                # Trying again would fail the same way; set aside, with why.
                raise Undeliverable(
                    "a private message by DM: the member's DMs are closed", code=str(DMS_CLOSED)
                ) from error
        done = await sent_of(action)
        if answer is not None and answer.place == place:
            # Its first page answers; the rest are posted once each, as any post is.
            await answer.public(messages, done=done)
        return await self._post_all(guild, place, messages, action, done=done)

    async def _dm_all(
        self,
        user: int,
        messages: list[Outgoing],
        action: Outbound,
        view: discord.ui.View | None = None,
    ) -> str | None:
        """A private reply with no interaction to answer, `view` under its last message;
        raises Forbidden (50007) when the member's DMs are closed."""
        done = await sent_of(action)
        messages = done.pages("dm", messages, Outgoing.from_kept)
        dm = await self.client.create_dm(discord.Object(user))
        for index, message in enumerate(messages):
            last = view is not None and index == len(messages) - 1

            async def post(key: str, message: Outgoing = message, last: bool = last) -> str:
                try:
                    sent = await dm.send(**message.kwargs(), **({"view": view} if last else {}),
                                         nonce=nonce_of(key))  # fmt: skip
                except discord.Forbidden as error:
                    if error.code == DMS_CLOSED:
                        self.note_dms(user, closed=True)
                    raise
                self.note_dms(user, closed=False)
                return str(sent.id)

            find = self._found_in(dm, message)
            await done.post_page_once("dm", index, messages, Outgoing.kept, post, find)
        return done.get("dm:0")

    def _found_in(
        self, dm: discord.DMChannel, message: Outgoing
    ) -> Callable[[str, datetime], Awaitable[str | None]]:
        """How a retry looks for `message` in `dm`, where a try before may have sent it
        unrecorded (bot.sent_steps): by the bot, since then, saying the same."""

        async def find(_key: str, since: datetime) -> str | None:
            assert self.client.user is not None
            return await posted_already(dm, self.client.user.id, message, since)

        return find

    # --- concern rounds --------------------------------------------------------------------

    async def _edit_round(
        self, guild: int, action: UpdateRoundProgress | PostRoundSummary, *, closed: bool = False
    ) -> None:
        """Show the round's progress in its own message; a closed round loses its buttons."""
        view = action.round
        ref = await self.runtime.message_ref(action.workspace, f"round:{view.round_id}")
        if ref is None:
            log.warning("no message to update for concern round %s", view.round_id)
            return
        if isinstance(action, PostRoundSummary):
            ended = round_ended(closed=True, withdrawn=action.outcome == "withdrawn")
        else:
            ended = round_ended(closed=closed, withdrawn=action.withdrawn)
        message = _round_message(self._renderer(guild, action.lang), view, ended)
        target = self.client.get_partial_messageable(_round_place(action), guild_id=guild)
        extra = {"view": None} if closed else {}
        try:
            await target.get_partial_message(int(ref)).edit(
                **message.edit_kwargs(), allowed_mentions=NO_PINGS, **extra
            )
        except discord.NotFound:
            log.info("the message of concern round %s is gone", view.round_id)

    async def _review(self, guild: int, action: AnnounceReview) -> str:
        # Its buttons answer it, as on Slack: no command to type is named.
        text = self._renderer(guild, action.lang)(review_text(action, with_commands=False))
        agreement = action.agreement
        forum = self._forum(action.channel)
        view = review_view(
            agreement.number, agreement.version, action.asked_at, action.lang,
            forum.id if forum is not None else None,
        )  # fmt: skip
        if forum is None:
            return await self._post_all(
                guild, int(action.channel), [one_message(text)], action, view=view
            )
        # A whole forum's table (an agreement kept from before each post was a table of
        # its own) has no post to speak in: the review opens one, whose buttons decide
        # for the forum's table and whose answers go in it.
        name = say(N_("Review of agreement #{number}"), action.lang, number=agreement.number)
        message = one_message(text)
        key = (action.workspace, agreement.number, agreement.version, action.asked_at)
        # Opened once: a retry, or a delivery overlapping this one, finds the post.
        async with self._opening_reviews.hold(key):
            opened = self._review_posts.get(key) or self._review_post_in(forum, name, action)
            if opened is not None:
                log.info("the review of agreement #%s has its post already", agreement.number)
                return opened
            with refusals.posting(posting_rights.of_message(message)):  # Create Posts
                post, _ = await forum.create_thread(
                    name=name, **message.kwargs(), allowed_mentions=NO_PINGS, view=view
                )
            if action.asked_at is not None:  # else it names no one review
                self._note_review_post(key, str(post.id))
        return str(post.id)  # its first message's too

    def _review_post_in(
        self, forum: discord.ForumChannel, name: str, action: AnnounceReview
    ) -> str | None:
        """The post opened for this review already, as the cache knows the forum."""
        me = self.client.user
        if me is None:
            return None
        found = review_posts.opened_already(forum, me.id, name, action.asked_at)
        return str(found.id) if found is not None else None

    def _note_review_post(self, key: ReviewKey, post: str) -> None:
        """A review's post this process opened, before Discord's THREAD_CREATE puts it
        in the cache."""
        self._review_posts[key] = post
        while len(self._review_posts) > REVIEW_POSTS_KEPT:
            self._review_posts.popitem(last=False)

    def _forum(self, channel: str) -> discord.ForumChannel | None:
        found = self.client.get_channel(int(channel))
        return found if isinstance(found, discord.ForumChannel) else None

    async def _close_review(self, guild: int, action: CloseReview) -> None:
        """A decided review's message says what was decided and loses its buttons."""
        ref = await self.runtime.message_ref(
            action.workspace, *review_message_keys(action.agreement)
        )
        if ref is None:  # decided by a typed /review before any message, or posted earlier
            return
        text = self._renderer(guild, action.lang)(closed_review_text(action))
        # A forum's review is the first message of the post it opened, whose id it shares.
        place = int(ref) if self._forum(action.channel) is not None else int(action.channel)
        target = self.client.get_partial_messageable(place, guild_id=guild)
        try:
            await target.get_partial_message(int(ref)).edit(
                **one_message(text).edit_kwargs(), allowed_mentions=NO_PINGS, view=None
            )
        except discord.NotFound:
            log.info("the review message of agreement #%s is gone", action.agreement.number)

    async def _remind(self, guild: int, action: RemindMembers) -> str | None:
        view = action.round
        render = self._renderer(guild, action.lang)
        text = render(unnamed_reminder_text(action))
        # By DM, away from its table: it opens with which one, as a nudge does; the link
        # at its end leads to the round itself.
        dm_text = render(
            reminder_text(action, with_commands=False, where=channel_mention(action.channel))
        )
        place = _round_place(action)
        ref = await self.runtime.message_ref(action.workspace, f"round:{view.round_id}")
        dm_text += f"\n{jump_url(guild, place, int(ref))}" if ref else ""
        where = Where(guild, int(action.channel))
        return await self._dm_each(
            action, guild, place, text,
            lambda _user: (dm_text, round_view(view.round_id, action.lang, where, not_now=True)),
            lambda: round_view(view.round_id, action.lang, None),
        )  # fmt: skip

    # --- mandates after a meeting ---------------------------------------------------------

    async def _remind_renewal(self, guild: int, action: AskRenewal) -> str | None:
        """A DM to each who has not renewed, in their own language (`AskRenewal.dm_lang`:
        their client's as their latest command, button or form in this server showed it,
        where it may choose, as Slack's locale does); for those with closed DMs, one
        message in the channel in the table's, but for those asked to set a mandate."""
        text = self._renderer(guild, action.lang)(unnamed_renewal_text())
        place = int(action.channel)
        where = Where(guild, place)
        dm_texts: dict[str, str] = {}
        asking = [user for user in action.users if action.asks_client(user)]
        clients = await self.runtime.client_languages(action.workspace, asking)

        def dm_for(user: str) -> tuple[str, discord.ui.View | None]:
            lang = action.dm_lang(user, clients.get(user))
            if lang not in dm_texts:
                # By DM, away from its table: it opens with which one, as a nudge does.
                dm_text = self._renderer(guild, lang)(
                    renewal_text(action, with_commands=False, where=channel_mention(action.channel))
                )
                dm_texts[lang] = f"{dm_text}\n{_channel_url(guild, place)}"
            # Its buttons answer in the language the DM speaks.
            return dm_texts[lang], _renewal_buttons(action, where, lang)

        # Someone asked to set a mandate hears nothing more at the table when their DMs
        # are closed: the channel's request at the meeting's end reaches them there, and
        # no button sets a mandate.
        return await self._dm_each(
            action, guild, place, text, dm_for, lambda: _renewal_buttons(action),
            in_channel=not action.only_to_set,
        )  # fmt: skip

    async def _dm_each(
        self,
        action: RemindMembers | AskRenewal,
        guild: int,
        place: int,
        text: str,
        dm_for: Callable[[str], tuple[str, discord.ui.View | None]],
        channel_view: Callable[[], discord.ui.View | None],
        *,
        in_channel: bool = True,
    ) -> str | None:
        """A DM with its buttons (`dm_for(user)`: its text, and buttons that name the
        channel) to each of the action's users, and in the channel (`place`), for those
        whose DMs are closed, one message, `text` with `channel_view()`'s buttons, that
        names and pings nobody, once an action (`in_channel` False: none). A DM refused
        for one member does
        not stop the others; Discord failing (5xx) or throttling DM openings (40003) stops them
        all, since each would fare the same (in an outage each member's DM would hold
        the ticker for discord.py's retries). Either way the action fails at the end,
        and its retry reaches only those who were not reached."""
        done = await sent_of(action)
        unreachable: list[int] = []
        failed: discord.HTTPException | None = None
        for user in action.users:
            if f"dm:{user}" in done:
                continue
            try:
                dm_text, view = dm_for(user)
                dm = await self.client.create_dm(discord.Object(int(user)))
                sent = await dm.send(**one_message(dm_text).kwargs(), view=view)
            except discord.HTTPException as error:
                if refusals.stops_a_batch(error):
                    failed = error
                    break
                if error.code in refusals.PERSON_GONE:  # nobody to ping, now or on a retry
                    log.info("a member Discord no longer knows was not reminded (%s)", error.code)
                    await done.add(f"dm:{user}")
                    continue
                if not isinstance(error, discord.Forbidden):  # this member's: try again
                    failed = failed or error
                    continue
                # Closed DMs (50007), or no DM allowed at all: told in the channel.
                if error.code == DMS_CLOSED:
                    self.note_dms(int(user), closed=True)
                if not in_channel:
                    log.info("a member's DMs are closed (%s); not reminded", error.code)
                    await done.add(f"dm:{user}")
                    continue
                unreachable.append(int(user))
                continue
            await done.add(f"dm:{user}", str(sent.id))

        outage = failed is not None and failed.status >= 500
        if unreachable and not outage:  # in an outage it waits for the retry
            steps: dict[str, str | None] = {f"dm:{user}": None for user in unreachable}
            # (Its step is "ping": a retry from before it named nobody reads it so.)
            if "ping" not in done:
                message = one_message(text)
                with refusals.posting(posting_rights.of_message(message)):
                    channel = self.client.get_partial_messageable(place, guild_id=guild)
                    sent = await channel.send(
                        **message.kwargs(), allowed_mentions=NO_PINGS, view=channel_view()
                    )
                steps["ping"] = str(sent.id)
            # Told in the channel already: a retry's own closed DMs add nothing.
            await done.add_all(steps)
        if failed is not None:
            raise failed
        return done.get("ping")

    async def _ping(
        self,
        guild: int,
        place: int,
        users: list[int],
        text: str,
        view: Callable[[], discord.ui.View] | None,
    ) -> str:
        """The messages that ping on purpose: only those who could not be reached. Discord
        refuses a message that allows more than 100 pings, so each group of them gets a
        message of its own, with the text and its buttons, allowing only its own pings;
        the pings stay in its content, however long the text."""
        channel = self.client.get_partial_messageable(place, guild_id=guild)
        first: str | None = None
        for group in ping_groups(users):
            pinged = discord.AllowedMentions(
                everyone=False, roles=False, replied_user=False,
                users=[discord.Object(user) for user in group],
            )  # fmt: skip
            message = with_pings([f"<@{user}>" for user in group], text)
            extra = {"view": view()} if view is not None else {}
            with refusals.posting(posting_rights.of_message(message)):
                sent = await channel.send(**message.kwargs(), allowed_mentions=pinged, **extra)
            first = first or str(sent.id)
        assert first is not None, "nobody to ping"
        return first

    async def _summary(self, guild: int, action: PostRoundSummary) -> str | None:
        try:
            await self._edit_round(guild, action, closed=True)
            edited = True
        except discord.HTTPException as error:
            if not refusals.stands(error):
                raise
            # Its message cannot show the close (a thread Discord archived when it went
            # quiet, a lost permission): the summary matters more, and goes anyway.
            log.info("closing the message of concern round %s refused: %s",
                     action.round.round_id, error.code)  # fmt: skip
            edited = False
        # Beside its "Record as agreement" button, the typed command is left out.
        text = self._renderer(guild, action.lang)(summary_text(action, with_commands=False))
        view = (
            summary_view(action.round.round_id, action.lang) if action.suggest_agreement else None
        )
        posted = await self._post_all(
            guild, _round_place(action), long_post(text, action.lang), action, view=view
        )
        if not edited:  # a post reopens an archived thread: its message may be closed now
            try:
                await self._edit_round(guild, action, closed=True)
            except discord.HTTPException as error:
                log.info("the message of concern round %s stays open-looking: %s",
                         action.round.round_id, error.code)  # fmt: skip
        return posted

    # --- posting ---------------------------------------------------------------------------

    def _renderer(self, guild: int, lang: str) -> Renderer:
        return Renderer(self.client.get_guild(guild), lang, self.client)

    async def _post(
        self, guild: int, place: int, message: Outgoing, *, view: discord.ui.View | None = None,
        key: str | None = None,
    ) -> str:  # fmt: skip
        """`key`: the page's (bot.sent_steps), whose nonce it carries (`nonce_of`)."""
        channel = self.client.get_partial_messageable(place, guild_id=guild)
        extra: dict[str, object] = {"view": view} if view is not None else {}
        if key is not None:
            extra["nonce"] = nonce_of(key)
        with refusals.posting(posting_rights.of_message(message)):
            sent = await channel.send(**message.kwargs(), allowed_mentions=NO_PINGS, **extra)
        return str(sent.id)

    async def _post_once(
        self, guild: int, place: int, message: Outgoing, action: Outbound,
        view: discord.ui.View | None,
    ) -> str:  # fmt: skip
        """`message`, rendered afresh on every try, posted once for `action`: a try whose
        answer was lost leaves it to be looked for (`_post_all`)."""
        done = await sent_of(action)

        async def post(key: str) -> str:
            return await self._post(guild, place, message, view=view, key=key)

        await done.post_page_once(
            "post", 0, [message], Outgoing.kept, post, self._found_at(guild, place, message)
        )
        return done["post:0"]  # type: ignore[return-value]

    def _found_at(
        self, guild: int, place: int, message: Outgoing
    ) -> Callable[[str, datetime], Awaitable[str | None]]:
        """How a retry looks for `message` in `place` (as `_found_in` in a DM)."""

        async def find(_key: str, since: datetime) -> str | None:
            channel = self.client.get_partial_messageable(place, guild_id=guild)
            assert self.client.user is not None
            return await posted_already(channel, self.client.user.id, message, since)

        return find

    async def _post_all(
        self,
        guild: int,
        place: int,
        messages: list[Outgoing],
        action: Outbound,
        *,
        view: discord.ui.View | None = None,
        done: Sent | None = None,
    ) -> str:
        """Each part not yet posted for `action` (a retry after a failure part-way sends
        only the rest); `view`, the buttons, on the first. The first part's id (None when
        it answered an interaction). `done`: what of `action` went already, if not its own."""
        done = done if done is not None else await sent_of(action)
        messages = done.pages("post", messages, Outgoing.from_kept)
        for index, message in enumerate(messages):
            first = view if index == 0 else None

            async def post(key: str, message: Outgoing = message, first=first) -> str:
                return await self._post(guild, place, message, view=first, key=key)

            find = self._found_at(guild, place, message)
            await done.post_page_once("post", index, messages, Outgoing.kept, post, find)
        return done["post:0"]  # type: ignore[return-value]


def _renewal_buttons(
    action: AskRenewal, where: Where | None = None, lang: str | None = None
) -> discord.ui.View | None:
    """Renewed / must check, in `lang` (else the action's); none when nobody asked has a
    mandate to renew (the text says how to set one). By DM (`where`), also "Not now"."""
    lang = lang or action.lang
    view = None if action.only_to_set else renewal_view(action.meeting_id, lang, where)
    if where is None:
        return view
    view = view or discord.ui.View(timeout=None)
    view.add_item(not_now_button(where, lang))
    return view


def _no_text_channel(action: Outbound) -> str:
    """Why an action addressed to a channel that takes no messages is set aside. Everything
    that names its thread goes there, and a review opens a post of its own; what names
    only its table cannot, when that table is a whole forum: one kept from before each
    forum post was a table of its own."""
    return (
        f"Discord takes no messages in channel {action.channel}: a forum (only its posts "
        "do) or a channel not for text. A table kept for a whole forum, from before each "
        "forum post was a table of its own, has no post for what names no thread (a "
        "meeting's questions, say); its agreements stay on record: groundrules "
        f"export --table {action.channel}"
    )


def _round_message(render: Renderer, view: RoundView, ended: str | None = None) -> Outgoing:
    """A round's message, kept to one (it carries the buttons and is edited in place);
    `ended`: it is over (`round_text`), and asks nobody to answer."""
    return naming_fewer(
        lambda names: render(round_text(view, with_commands=False, names=names, ended=ended)),
        len(view.waiting) if ended is None else 0,
    )


def _tag_required(action: Outbound) -> str:
    """Why a whole forum's review is set aside when the forum wants a tag on every post:
    which of its tags fits is the forum's people's to say, not the bot's to guess."""
    return (
        f"Discord opens no post in forum {action.channel} without one of its tags, and the "
        "bot does not pick one: the review of an agreement kept for the whole forum (from "
        "before each forum post was a table of its own) is set aside; its agreements stay "
        f"on record: groundrules export --table {action.channel}"
    )


def _swapped(text: Text, old: Say, new: Say) -> Text:
    """`text` with its part `old` said as `new` (a quote before it stays)."""
    if text == old:
        return new
    if isinstance(text, Lines):
        return Lines(tuple(_swapped(part, old, new) for part in text.parts))
    return text


def _action_place(action: Outbound) -> int:
    """Where `action` goes, as far as the action says: its thread, else its table."""
    round_view = getattr(action, "round", None)
    thread = round_view.thread_id if round_view is not None else getattr(action, "thread_id", None)
    return _place(action.channel, thread)


def _place(channel: str, thread_id: str | None) -> int:
    """The Discord channel to post in: the thread, else the table's channel."""
    return int(thread_id or channel)


def _answer_for(action: Outbound) -> InteractionAnswer | None:
    """The interaction being answered, when it is in `action`'s workspace."""
    answer = current_answer()
    return answer if answer is not None and answer.workspace == action.workspace else None


def _by_dm(action: Reply | PostReport) -> bool:
    """Whether `action` is private and goes by DM: no interaction of its person's to
    answer ephemerally."""
    answer = _answer_for(action)
    return action.private and (answer is None or answer.user != action.user)


def _channel_url(guild: int, channel: int) -> str:
    return f"https://discord.com/channels/{guild}/{channel}"


def _round_place(
    action: PostConcernRound | UpdateRoundProgress | RemindMembers | PostRoundSummary,
) -> int:
    """A round lives where it was started: its thread, else its channel."""
    return _place(action.channel, action.round.thread_id)
