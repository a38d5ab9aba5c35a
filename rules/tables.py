"""A table's own settings and the help text: the six ground rules and the commands."""

from __future__ import annotations

from rules.actions import Action, ConfigureTable
from rules.events import AgreementSubmitted
from rules.grammar import (
    COMMANDS,
    CommandSpec,
    NudgeMode,
    ProblemWindow,
    ShowRules,
    UnknownCommand,
    UsageError,
    find_command,
)
from rules.say import N_, CommandName, Lines, Quote, Say, Span, excerpt
from rules.speech import language, private, public
from rules.state import TableState
from rules.understanding import Command

# The six ground rules of the seed ("Spelregels"), translated faithfully.
GROUND_RULES = (
    N_("We only talk about solutions we can put in place or realise ourselves. Naming "
       "problems is fine, but always followed by a proposal or a solution!"),
    N_("Everyone is at the table on behalf of their organisation and has the mandate to "
       "make agreements."),
    N_("After every meeting, each person renews their mandate based on the outcome of the "
       "meeting."),
    N_("Every participant voices their concerns or reservations."),
    N_("We work with concise, concrete reports that explain which agreements and choices we "
       "make, and why."),
    N_("Responsibility for a part = co-responsibility for the whole."),
)  # fmt: skip


def show_rules(command: Command, state: TableState) -> list[Action]:
    assert isinstance(command.parsed, ShowRules)
    lang = language(state, command.lang)
    parts: list[Say | Lines] = []
    if command.parsed.unknown is not None:
        parts.append(Say.of(N_("I do not know the command /{name}."), name=command.parsed.unknown))
    parts.append(Say.of(N_("Our ground rules:")))
    parts += [
        Say.of(N_("{number}. {rule}"), number=n, rule=Say.of(rule))
        for n, rule in enumerate(GROUND_RULES, start=1)
    ]
    if command.parsed.with_commands:
        parts.append(Say.of(N_("Commands:")))
        parts += [
            Say.of(
                N_("{usage} — {summary}"), usage=Say.of(spec.usage), summary=Say.of(spec.summary)
            )
            for spec in COMMANDS
        ]
        parts.append(
            Say.of(N_("/groundrules help <command> shows how one works, with an example."))
        )
    else:
        parts.append(Say.of(N_("Type /groundrules help to see the commands.")))
    return [private(command.event, command.event.user, Lines(tuple(parts)), lang)]


def problem_window(command: Command, state: TableState) -> list[Action]:
    event = command.event
    assert isinstance(command.parsed, ProblemWindow)
    lang = language(state, command.lang)
    window = command.parsed.window
    if window is None:
        return [
            private(
                event,
                event.user,
                Say.of(
                    N_(
                        "Here a problem waits {window} for a proposal before I remind its "
                        "author, privately."
                    ),
                    window=Span(state.settings.problem_window),
                ),
                lang,
            )
        ]
    return [
        ConfigureTable(
            workspace=event.workspace, channel=event.channel, at=event.at, problem_window=window
        ),
        public(
            event,
            Say.of(
                N_(
                    "From now on a problem here waits {window} for a proposal before I remind "
                    "its author, privately."
                ),
                window=Span(window),
            ),
            lang,
        ),
    ]


# What each way of nudging means, said when it is shown and when it is chosen.
_NUDGES_NOW = {
    "normal": N_("Here I nudge the author of a problem, privately, when no proposal follows "
                 "within {window}."),
    "fewer": N_("Here I nudge the author of a problem, privately, when no proposal follows "
                "within {window}, but only about problems I am quite sure of, or that someone "
                "else reacts to as a problem."),
    "off": N_("Here I do not nudge anyone about problems."),
}  # fmt: skip
_NUDGES_FROM_NOW = {
    "normal": N_("From now on I nudge the author of a problem here, privately, when no "
                 "proposal follows within {window}."),
    "fewer": N_("From now on I nudge here only about problems I am quite sure of, or that "
                "someone else reacts to as a problem: fewer nudges, but a problem nobody reacts "
                "to may go unnoticed."),
    "off": N_("From now on I do not nudge anyone here about problems. /nudges normal turns "
              "it back on."),
}  # fmt: skip


# "Fewer" needs scores that say how sure the reading is; the rule classifier has none.
_FEWER_IS_NORMAL = N_("For now I cannot tell how sure I am about a message here, so “fewer” "
                      "nudges as often as “normal” until whoever runs the bot turns on the "
                      "trained classifier.")  # fmt: skip


def nudges(command: Command, state: TableState, *, fewer_helps: bool = True) -> list[Action]:
    """/nudges: how readily this table is nudged about problems; shown privately, and
    changed for everyone to see (it changes what the bot does to all of them).
    `fewer_helps`: the engine has a surer bar, so "fewer" nudges less than "normal"."""
    event = command.event
    assert isinstance(command.parsed, NudgeMode)
    lang = language(state, command.lang)
    mode = command.parsed.mode
    window = Span(state.settings.problem_window)
    shown = state.settings.nudges if mode is None else mode
    caveat = [Say.of(_FEWER_IS_NORMAL)] if shown == "fewer" and not fewer_helps else []
    if mode is None:
        lines = [
            Say.of(_NUDGES_NOW[shown], window=window),
            *caveat,
            Say.of(N_("/nudges normal, /nudges fewer or /nudges off changes it for this table.")),
        ]
        return [private(event, event.user, Lines(tuple(lines)), lang)]
    said = Lines((Say.of(_NUDGES_FROM_NOW[mode], window=window), *caveat))
    return [
        ConfigureTable(workspace=event.workspace, channel=event.channel, at=event.at, nudges=mode),
        public(event, said, lang),
    ]


def usage(command: Command, state: TableState) -> list[Action]:
    """A malformed command gets its usage, privately and in the caller's language."""
    event = command.event
    lang = language(state, command.lang)
    parsed = command.parsed
    if isinstance(parsed, UnknownCommand) and parsed.near is not None:
        near = parsed.near
        meant = CommandName(near.dutch if lang == "nl" else near.name)
        # Slack and Discord empty the box: the words typed come back with the name meant.
        again = (
            [
                Say.of(
                    N_("Your words with {command}, to send again: {command} {words}"),
                    command=meant,
                    words=Quote(excerpt(parsed.words, ECHO_LIMIT)),
                )
            ]
            if parsed.words
            else []
        )
        text = Lines((
            Say.of(
                N_("I do not know the command /{name}. Did you mean {command}?"),
                name=Quote(excerpt(parsed.name, 40)),
                command=meant,
            ),
            Say.of(N_("Usage: {usage}"), usage=Say.of(near.usage)),
            *_example(near),
            *again,
        ))  # fmt: skip
    elif isinstance(parsed, UnknownCommand):
        text = Say.of(
            N_("I do not know the command /{name}. Type /groundrules help to see the commands."),
            name=Quote(excerpt(parsed.name, 40)),
        )
    else:
        assert isinstance(parsed, UsageError)
        lines: list[Say | Lines] = []
        if parsed.asked:
            lines.append(Say.of(parsed.spec.summary))
        if parsed.reason is not None:
            lines.append(parsed.reason)
        again = _to_send_again(command, lang) if parsed.again else None
        if again is not None:
            lines.append(again)
        else:
            lines.append(Say.of(N_("Usage: {usage}"), usage=Say.of(parsed.spec.usage)))
            lines += _example(parsed.spec, parsed.example)
        text = Lines(tuple(lines))
    return [private(event, event.user, text, lang)]


# Words shown back to send again are shown whole up to this: a longer paste is the
# writer's own to shorten, and echoed it would be pages.
ECHO_LIMIT = 4000


def _to_send_again(command: Command, lang: str) -> Say | None:
    """Words meant as they are, with one thing off (a text too long, a date past, no why), shown
    back whole: Slack and Discord empty the box they were typed in, and Discord closes a
    form when it is sent. A command by the name the answer's language gives it, as usage
    lines name it; None when there are no words to give back."""
    event, spec, form = command.event, command.spec, command.form
    if isinstance(form, AgreementSubmitted):
        return Say.of(
            N_("What you wrote, to send again: {text}; why: {why}"),
            text=Quote(excerpt(form.text.strip(), ECHO_LIMIT)),
            why=Quote(excerpt(form.why.strip(), ECHO_LIMIT)),
        )
    if form is not None or not event.args.strip():
        return None
    name = event.name
    if spec is not None and name in (spec.name, spec.dutch):
        name = spec.dutch if lang == "nl" else spec.name
    return Say.of(
        N_("What you sent, to correct and send again: {command} {words}"),
        command=CommandName(name),
        words=Quote(excerpt(event.args.strip(), ECHO_LIMIT)),
    )


def _example(spec: CommandSpec, example: str | None = None) -> list[Say]:
    """The line that shows one way to type a command, if it takes words: `example`, of
    the part of it typed, else the command's own."""
    example = example or spec.example
    if not example:
        return []
    return [Say.of(N_("Example: {example}"), example=Say.of(example))]


def edited(command: Command, state: TableState) -> list[Action]:
    """A command edited after it was sent is not run again: what it did stands (never a
    second agreement for a typo fixed). Its author is told so, and how to change an
    agreement it recorded."""
    lang = language(state, command.lang)
    review = find_command("review")[0]
    text = Say.of(
        N_("I act on a command when it is sent, not when it is edited: your edit changed "
           "nothing. To change an agreement already recorded: {command} revise <number> <new "
           "text> because <why>. Anything else: send the command again."),
        command=CommandName(review.dutch if lang == "nl" else review.name),
    )  # fmt: skip
    event = command.event
    return [private(event, event.user, text, lang, thread_id=event.thread_id)]
