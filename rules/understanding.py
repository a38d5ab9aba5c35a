"""The engine's first step: what an event means (a message's labels, a command's parse)."""

from __future__ import annotations

from dataclasses import dataclass

from rules.classifier import Classification
from rules.events import CommandInvoked, Event, MessageEdited, MessagePosted
from rules.grammar import CommandSpec, Parsed, UnknownCommand, UsageError


@dataclass(frozen=True, slots=True)
class Message:
    """A posted or edited message with the classifier's judgement."""

    event: MessagePosted | MessageEdited
    labels: frozenset[str]
    lang: str

    @property
    def is_problem(self) -> bool:
        return "problem" in self.labels and "proposal" not in self.labels

    @property
    def is_proposal(self) -> bool:
        return "proposal" in self.labels

    @classmethod
    def of(cls, event: MessagePosted | MessageEdited, result: Classification) -> Message:
        return cls(event, result.labels, result.lang)


@dataclass(frozen=True, slots=True)
class Command:
    """A command with its parse; `lang` is set when the typed name shows a language."""

    event: CommandInvoked
    spec: CommandSpec | None
    parsed: Parsed | UsageError | UnknownCommand
    lang: str | None


Understood = Message | Command | Event
