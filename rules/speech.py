"""Which language to answer in, and the shapes of the engine's replies."""

from __future__ import annotations

from rules.actions import Reply
from rules.events import Event
from rules.i18n import supported
from rules.say import Text
from rules.state import TableState


def language(state: TableState, hint: str | None = None) -> str:
    """The table's chosen language wins; else the language the person just used."""
    return supported(state.settings.language or hint)


def private(event: Event, user: str, text: Text, lang: str, thread_id=None) -> Reply:
    return Reply(
        workspace=event.workspace,
        channel=event.channel,
        lang=lang,
        user=user,
        text=text,
        private=True,
        thread_id=thread_id,
    )


def public(event: Event, text: Text, lang: str, thread_id=None) -> Reply:
    return Reply(
        workspace=event.workspace,
        channel=event.channel,
        lang=lang,
        user=None,
        text=text,
        private=False,
        thread_id=thread_id,
    )
