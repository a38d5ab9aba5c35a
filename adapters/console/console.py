"""An interactive terminal chat: type as several people and watch the bot work.

Console-only commands (everything else starting with / goes to the bot):
  /as NAME             speak as NAME
  /in CHANNEL          move to another channel
  /thread N | /top     reply in the thread of message #N, or back to the top level
  /wait DURATION       let time pass (e.g. /wait 11m) so timers can fire
  /correct N LABEL     tell the bot message #N was LABEL (problem, proposal, concern,
                       agreement); "/correct N not LABEL" says it was not
  /explain N           how the trained classifier scored message #N, feature by feature
  /help, /quit
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import count

from sqlmodel import Session, select

from bot.bootstrap import Groundrules
from bot.explain import explain_message, second_opinion
from bot.models import MemberRow
from bot.presenting import plain
from bot.printable import printable, printable_line
from bot.store import review_message_key
from rules.actions import (
    AnnounceReview,
    AskRenewal,
    CloseReview,
    Outbound,
    PostReport,
    RemindMembers,
    Reply,
    SendNudge,
    UpdateRoundProgress,
)
from rules.classifier import LABELS
from rules.classifier.normalise import has_own_words
from rules.conversation import Line, previous_indexes
from rules.durations import DurationError, parse_duration
from rules.events import CommandInvoked, Event, MemberJoined, MessagePosted, MessageRelabelled
from rules.folding import fold
from rules.grammar import command_language
from rules.i18n import render
from rules.say import Say
from rules.typed_names import called, several_by_mention, typed_name

WORKSPACE = "console"
CONSOLE_COMMANDS = {
    "as", "in", "thread", "top", "wait", "correct", "explain", "help", "quit", "exit",
}  # fmt: skip


@dataclass
class Posted:
    channel: str
    thread: str | None
    text: str


class ConsoleChat:
    def __init__(
        self,
        app: Groundrules,
        *,
        channel: str = "general",
        user: str = "anna",
        start: datetime | None = None,
        write: Callable[[str], None] = print,
    ) -> None:
        self.app = app
        self.channel = channel
        self.user = user
        self.thread: str | None = None
        self.now = start or datetime.now(UTC).replace(microsecond=0)
        self.write = write
        self.messages: dict[str, Posted] = {}
        self._numbers = count(1)
        # Messages are shown as #1, #2, … in every session, but the database outlives a
        # session (`make console` keeps DATABASE_URL's): their ids carry the session's own
        # tag, so that a new #1 is not taken for an earlier session's.
        self._session = secrets.token_hex(4)
        self._events = count(1)
        self._seated: set[tuple[str, str]] = set()  # (channel, person) known to the bot
        # Review messages shown and still open, and the language each was shown in.
        self._review_messages: dict[str, str] = {}

    # --- the loop --------------------------------------------------------------------

    def run(self, lines: Iterable[str] | None = None) -> None:
        self.write("Groundrules console. /help for help, /quit to leave.")
        source = lines if lines is not None else self._prompted()
        for line in source:
            if not self.handle(line):
                break

    def _prompted(self):
        while True:
            try:
                yield input(self.prompt())
            except EOFError:
                return

    def prompt(self) -> str:
        where = f"#{self.channel}" + (f" (thread #{self.thread})" if self.thread else "")
        return f"{self.now:%H:%M} UTC {self.user} in {where}> "

    # --- one line ----------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        line = line.rstrip("\n")
        self.now += timedelta(seconds=1)  # a typed line takes a moment
        self._fire_timers()
        if not line.strip():
            return True
        if line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            if fold(name) in CONSOLE_COMMANDS:
                return self._console_command(fold(name), args.strip())
            self._command(name, args)
            return True
        number = str(next(self._numbers))
        self.messages[number] = Posted(self.channel, self.thread, line)
        self.write(f"  #{number}")
        self._take_seat()
        self._submit(
            MessagePosted(
                workspace=WORKSPACE,
                channel=self.channel,
                at=self.now,
                event_id=self._event_id(),
                user=self.user,
                message_id=self._message_id(number),
                text=line,
                thread_id=self._message_id(self.thread),
            )
        )
        return True

    def _command(self, name: str, args: str) -> None:
        """A slash command typed by the current person, where they are."""
        self._take_seat()
        named = self._with_members_named(name, args)
        if isinstance(named, Say):
            lang = command_language(name, args) or "en"
            self.write(render_for_console(Reply(
                workspace=WORKSPACE, channel=self.channel, lang=lang, user=self.user,
                text=named, private=True,
            )))  # fmt: skip
            return
        args = named
        self._submit(
            CommandInvoked(
                workspace=WORKSPACE,
                channel=self.channel,
                at=self.now,
                event_id=self._event_id(),
                user=self.user,
                name=name,
                args=args,
                thread_id=self._message_id(self.thread),
            )
        )

    def _with_members_named(self, name: str, args: str) -> str | Say:
        """A typed "@name" as the mention of the one member here called so, in any case,
        as the Slack and Discord adapters find them (rules.typed_names); what to tell the
        author when several are (names that differ only in case). A name nobody here has
        stays: the engine says they are not at the table."""
        typed = typed_name(name, args, today=self.now.date())
        if typed is None:
            return args
        with Session(self.app.database) as session:
            members = session.exec(
                select(MemberRow.user).where(
                    MemberRow.workspace == WORKSPACE,
                    MemberRow.channel == self.channel,
                    MemberRow.active,
                )
            ).all()
        people = [member for member in members if called(typed.name, {member})]
        if len(people) > 1:
            return several_by_mention(typed.name, people)
        return typed.mentioning(args, people[0]) if people else args

    def _take_seat(self) -> None:
        """Make the person typing a member of this channel the first time they speak or
        type a command here, as the Slack and Discord adapters sync the roster: else
        someone who only typed commands is left out of mandates and renewals."""
        seat = (self.channel, self.user)
        if seat in self._seated:
            return
        self._seated.add(seat)
        self._submit(
            MemberJoined(
                workspace=WORKSPACE,
                channel=self.channel,
                at=self.now,
                event_id=self._event_id(),
                user=self.user,
            )
        )

    def _console_command(self, name: str, args: str) -> bool:
        if name in {"quit", "exit"}:
            return False
        if name == "help":
            self.write(__doc__.split("\n\n", 1)[1].rstrip())
            self._command("groundrules", "help")
        elif name == "as" and args:
            self.user = args.split()[0].lstrip("@")
        elif name == "in" and args:
            self.channel, self.thread = args.split()[0].lstrip("#"), None
        elif name == "top":
            self.thread = None
        elif name == "thread":
            self._enter_thread(args.lstrip("#"))
        elif name == "wait":
            self._wait(args)
        elif name == "correct":
            self._correct(args)
        elif name == "explain":
            self._explain(args)
        else:
            self.write("  (usage: see /help)")
        return True

    def _enter_thread(self, number: str) -> None:
        posted = self.messages.get(number)
        if posted is None or posted.channel != self.channel:
            self.write(f"  (no message #{number} in #{self.channel})")
            return
        self.thread = posted.thread or number

    def _wait(self, args: str) -> None:
        try:
            span = parse_duration(args or "1m", bare_unit="m")
        except DurationError:
            self.write("  (say how long, e.g. /wait 11m)")
            return
        self.now += span
        # The console's clock is UTC, which a table's own clock (its zone) may not be.
        self.write(f"  ... it is now {self.now:%Y-%m-%d %H:%M} UTC")
        self._fire_timers()

    def _correct(self, args: str) -> None:
        words = args.lower().replace("not-", "not ").split()
        if len(words) < 2 or words[0].lstrip("#") not in self.messages:
            self.write("  (usage: /correct N [not] problem|proposal|concern|agreement)")
            return
        number = words[0].lstrip("#")
        applies = words[1] != "not"
        label = words[-1]
        if label not in LABELS:
            self.write(f"  (labels: {', '.join(LABELS)})")
            return
        posted = self.messages[number]
        self._submit(
            MessageRelabelled(
                workspace=WORKSPACE,
                channel=posted.channel,
                at=self.now,
                event_id=self._event_id(),
                user=self.user,
                message_id=self._message_id(number),
                text=posted.text,
                label=label,
                applies=applies,
                thread_id=self._message_id(posted.thread),
            )
        )

    def _explain(self, args: str) -> None:
        number = args.lstrip("#").split()[0] if args.split() else ""
        if number not in self.messages:
            self.write("  (usage: /explain N, where #N is a message)")
            return
        classifier = self.app.classifier
        if not hasattr(classifier, "explain"):
            self.write(f"  (the {classifier.name} classifier has no weights to explain)")
            return
        before = self._before(number)
        engine = self.app.service.engine
        after = None if before is None else before.text
        text = self.messages[number].text
        second = second_opinion(self.app.second_reader, engine.second, text, classifier)
        explained = explain_message(
            classifier, engine.thresholds, text, after=after, top=3, second=second
        )
        self.write(printable(explained))

    def _before(self, number: str) -> Posted | None:
        """The message the bot read #number after: the one before it in its thread or
        channel (rules.conversation)."""
        numbers = list(self.messages)
        found = previous_indexes(
            Line(WORKSPACE, m.channel, n, m.thread, wordless=not has_own_words(m.text))
            for n, m in self.messages.items()
        )[numbers.index(number)]
        return None if found is None else self.messages[numbers[found]]

    # --- the bot's side ----------------------------------------------------------------

    def _message_id(self, number: str | None) -> str | None:
        """The id the bot knows message #number by (None: no thread)."""
        return None if number is None else f"{number}@{self._session}"

    def _event_id(self) -> str:
        return f"console:{self.now.isoformat()}:{next(self._events)}"

    def _submit(self, event: Event) -> None:
        self._show(self.app.service.handle(event))

    def _fire_timers(self) -> None:
        # Time passes by /wait as in a replay: each timer fires at its own due time, not
        # late at the new now (a live bot that was down drops what came too late).
        while (fired := self.app.service.fire_next_timer(self.now, simulated=True)) is not None:
            self._show(fired)

    def _show(self, deliveries) -> None:
        for delivery in deliveries:
            if (shown := self._as_shown(delivery.action)) is not None:
                self.write(render_for_console(shown))
            self.app.store.mark_delivered(delivery.outbox_id, self.now)

    def _as_shown(self, action: Outbound) -> Outbound | None:
        """None for an edit of a review message never shown (a review decided by a typed
        /review before it was due): Slack and Discord have nothing to edit then either.
        The edit speaks the language its message was shown in, as theirs do."""
        match action:
            case AnnounceReview():
                self._review_messages[review_message_key(action.agreement)] = action.lang
            case CloseReview():
                lang = self._review_messages.pop(review_message_key(action.agreement), None)
                return None if lang is None else replace(action, lang=lang)
        return action


def render_for_console(action: Outbound) -> str:
    if isinstance(action, AskRenewal) and action.reminder and action.own_langs:
        # Each reads their reminder in their own language: one message for each.
        return "\n".join(render_for_console(part) for part in _by_language(action))
    text = plain(action)
    if isinstance(action, SendNudge):
        header = f"[bot → {action.user}, privately]"
    elif isinstance(action, PostReport) and action.private:
        # Slack and Discord send the one who asked the whole report, not its summary.
        text = render(action.full, action.lang)
        header = f"[bot → {action.user}, only they see this]"
    elif isinstance(action, Reply) and action.private:
        header = f"[bot → {action.user}, only they see this]"
    elif isinstance(action, RemindMembers) or (isinstance(action, AskRenewal) and action.reminder):
        # Reminders go to those who have not answered, one by one: direct messages.
        header = f"[bot → {', '.join(action.users)}, privately]"
    elif (edited := _edited_message(action)) is not None:
        # On Slack and Discord the earlier message changes in place: not a new message.
        header = f"[bot updates {edited} in #{action.channel}]"
    else:
        header = f"[bot in #{action.channel}]"
    body = "\n".join(f"    {printable_line(line)}" for line in text.splitlines())
    return f"{printable_line(header)}\n{body}"


def _by_language(action: AskRenewal) -> list[AskRenewal]:
    """A renewal reminder as one for each language its DMs speak (`AskRenewal.dm_lang`;
    a console has no client's language to go by)."""
    langs: dict[str, list[str]] = {}
    for user in action.users:
        langs.setdefault(action.dm_lang(user), []).append(user)
    return [replace(action, lang=lang, users=tuple(users), own_langs=())
            for lang, users in langs.items()]  # fmt: skip


def _edited_message(action: Outbound) -> str | None:
    """Which earlier message of the bot `action` edits; None when it says something new."""
    match action:
        case UpdateRoundProgress():
            return "its concern round message"
        case CloseReview():
            return f"its review message of agreement #{action.agreement.number}"
    return None


def main() -> None:  # pragma: no cover - interactive entry point
    from bot.bootstrap import bootstrap

    ConsoleChat(bootstrap()).run()
    sys.exit(0)
