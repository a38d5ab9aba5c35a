"""Buttons and forms.

Buttons are `DynamicItem`s: one class per kind routes the buttons of every message by
their custom_id template, so buttons sent before a restart keep working without
re-adding a view per message. Forms (modals) keep no state either: they are stopped
before they are sent, and the cog routes their submissions by custom_id, so a form
that is open while the bot restarts still arrives.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Protocol

import discord
from discord.ui import Button, DynamicItem

from adapters.discord.custom_ids import (
    AgreementForm,
    AgreeOnRound,
    ConcernForm,
    EvaluateMeeting,
    EvaluationForm,
    NotNow,
    NudgeChoice,
    ProposalForm,
    RecordSuggestion,
    RenewalAnswer,
    ReviewChoice,
    RevisionForm,
    RoundAnswer,
    Where,
)
from adapters.discord.rendering import clip, say
from adapters.long_lines import END_MISSING
from rules.grammar import COMMENT_LIMIT, LESSON_LIMIT, MAX_FIELD
from rules.say import N_

COG_NAME = "Groundrules"
LABEL_LIMIT = 45  # form titles and field labels
# Discord's forms hold at most five text inputs: the nine scores share one.
SCORES_EXAMPLE = "4 5 3 4 4 5 4 3 5"
MAX_COMMENT = COMMENT_LIMIT


class Handlers(Protocol):
    """What a click leads to; the cog implements it."""

    async def on_nudge(self, interaction: discord.Interaction, choice: NudgeChoice) -> None: ...

    async def on_round(self, interaction: discord.Interaction, answer: RoundAnswer) -> None: ...

    async def on_review(self, interaction: discord.Interaction, choice: ReviewChoice) -> None: ...

    async def on_agree_on_round(
        self, interaction: discord.Interaction, choice: AgreeOnRound
    ) -> None: ...

    async def on_renewal(self, interaction: discord.Interaction, answer: RenewalAnswer) -> None: ...

    async def on_evaluate(
        self, interaction: discord.Interaction, choice: EvaluateMeeting
    ) -> None: ...

    async def on_not_now(self, interaction: discord.Interaction, choice: NotNow) -> None: ...

    async def on_record_suggestion(
        self, interaction: discord.Interaction, choice: RecordSuggestion
    ) -> None: ...


def handlers_of(interaction: discord.Interaction) -> Handlers:
    cog = interaction.client.get_cog(COG_NAME)  # type: ignore[attr-defined]
    if cog is None:
        raise RuntimeError("the Groundrules cog is not loaded")
    return cog


# --- buttons ------------------------------------------------------------------------


def _button(custom_id: str, label: str, style: discord.ButtonStyle) -> Button[Any]:
    return Button(label=label[:80], style=style, custom_id=custom_id)


class NudgeButton(DynamicItem[Button[Any]], template=NudgeChoice.TEMPLATE):
    def __init__(self, choice: NudgeChoice, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(choice.custom_id, label, style))
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> NudgeButton:
        return cls(NudgeChoice.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_nudge(interaction, self.choice)


class RoundButton(DynamicItem[Button[Any]], template=RoundAnswer.TEMPLATE):
    def __init__(self, answer: RoundAnswer, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(answer.custom_id, label, style))
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> RoundButton:
        return cls(RoundAnswer.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_round(interaction, self.answer)


class ReviewButton(DynamicItem[Button[Any]], template=ReviewChoice.TEMPLATE):
    def __init__(self, choice: ReviewChoice, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(choice.custom_id, label, style))
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(ReviewChoice.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_review(interaction, self.choice)


class AgreeButton(DynamicItem[Button[Any]], template=AgreeOnRound.TEMPLATE):
    def __init__(self, choice: AgreeOnRound, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(choice.custom_id, label, style))
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> AgreeButton:
        return cls(AgreeOnRound.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_agree_on_round(interaction, self.choice)


class RenewalButton(DynamicItem[Button[Any]], template=RenewalAnswer.TEMPLATE):
    def __init__(self, answer: RenewalAnswer, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(answer.custom_id, label, style))
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> RenewalButton:
        return cls(RenewalAnswer.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_renewal(interaction, self.answer)


class NotNowButton(DynamicItem[Button[Any]], template=NotNow.TEMPLATE):
    def __init__(self, choice: NotNow, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(choice.custom_id, label, style))
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> NotNowButton:
        return cls(NotNow.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_not_now(interaction, self.choice)


class EvaluateButton(DynamicItem[Button[Any]], template=EvaluateMeeting.TEMPLATE):
    def __init__(self, choice: EvaluateMeeting, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(choice.custom_id, label, style))
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> EvaluateButton:
        return cls(EvaluateMeeting.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_evaluate(interaction, self.choice)


class SuggestionButton(DynamicItem[Button[Any]], template=RecordSuggestion.TEMPLATE):
    def __init__(self, choice: RecordSuggestion, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(_button(choice.custom_id, label, style))
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Button[Any], match: re.Match[str], /
    ) -> SuggestionButton:
        return cls(RecordSuggestion.from_match(match), item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await handlers_of(interaction).on_record_suggestion(interaction, self.choice)


DYNAMIC_ITEMS = (
    NudgeButton,
    RoundButton,
    ReviewButton,
    AgreeButton,
    RenewalButton,
    EvaluateButton,
    SuggestionButton,
    NotNowButton,
)

_GREEN, _BLUE, _GREY, _RED = (
    discord.ButtonStyle.success,
    discord.ButtonStyle.primary,
    discord.ButtonStyle.secondary,
    discord.ButtonStyle.danger,
)


def _view(*items: DynamicItem[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def nudge_view(choice: NudgeChoice, lang: str) -> discord.ui.View:
    return _view(
        NudgeButton(choice.but("add"), say(N_("Add a proposal"), lang), _BLUE),
        NudgeButton(choice.but("has"), say(N_("It has a proposal"), lang), _GREY),
        NudgeButton(choice.but("not"), say(N_("Not a problem"), lang), _GREY),
        NudgeButton(choice.but("snooze"), say(N_("Snooze 1 hour"), lang), _GREY),
        NudgeButton(choice.but("why"), say(N_("Why?"), lang), _GREY),
    )


def undo_view(choice: NudgeChoice, lang: str) -> discord.ui.View:
    """Under the thanks for "Not a problem" (or "It has a proposal": `choice` says which):
    take it back."""
    return _view(NudgeButton(choice, say(N_("Undo"), lang), _GREY))


def nudge_opener_view(choice: NudgeChoice, lang: str) -> discord.ui.View:
    """Under the quiet reply in the channel when the author's DMs are closed."""
    return _view(NudgeButton(choice.but("open"), say(N_("Show my choices"), lang), _GREY))


# The buttons below name the language of their message (`lang`): what they answer in public
# speaks it, whatever the clicker's client language.


def round_view(
    round_id: str, lang: str, where: Where | None = None, *, not_now: bool = False
) -> discord.ui.View:
    """`not_now`: a reminder by DM, which may be put off (`not_now_button`)."""
    view = _view(
        RoundButton(
            RoundAnswer(round_id, "none", where, lang), say(N_("No concerns"), lang), _GREEN
        ),
        RoundButton(
            RoundAnswer(round_id, "concern", where, lang), say(N_("I have a concern"), lang), _GREY
        ),
    )
    if not_now and where is not None:
        view.add_item(not_now_button(where, lang))
    return view


def not_now_button(where: Where, lang: str) -> NotNowButton:
    """Under a reminder DM: hold the clicker's reminders at that table for a while
    (rules.snoozed_reminders), as a nudge's Snooze does."""
    return NotNowButton(NotNow(where, lang), say(N_("Not now"), lang), _GREY)


def summary_view(round_id: str, lang: str) -> discord.ui.View:
    return _view(
        AgreeButton(AgreeOnRound(round_id, lang), say(N_("Record as agreement"), lang), _BLUE)
    )


def review_view(
    number: int, version: int, asked_at: datetime | None, lang: str, table: int | None = None
) -> discord.ui.View:
    """The buttons of a review message, about the version it shows and the review asked;
    `table`: the forum whose table it is, in a post opened for the review."""

    def choice(decision: str) -> ReviewChoice:
        return ReviewChoice(number, decision, version, asked_at, lang, table)

    return _view(
        ReviewButton(choice("keep"), say(N_("Keep"), lang), _GREEN),
        ReviewButton(choice("revise"), say(N_("Revise"), lang), _BLUE),
        ReviewButton(choice("retire"), say(N_("Retire"), lang), _RED),
    )


def renewal_view(meeting_id: str, lang: str, where: Where | None = None) -> discord.ui.View:
    return _view(
        RenewalButton(
            RenewalAnswer(meeting_id, "renewed", where, lang), say(N_("Renew"), lang), _GREEN
        ),
        RenewalButton(
            RenewalAnswer(meeting_id, "check", where, lang),
            say(N_("Check with my organisation"), lang),
            _GREY,
        ),
    )


def evaluation_view(meeting_id: str, lang: str) -> discord.ui.View:
    return _view(
        EvaluateButton(EvaluateMeeting(meeting_id, lang), say(N_("Evaluate"), lang), _BLUE)
    )


def suggestion_view(lang: str) -> discord.ui.View:
    """Only opens the form: recording stays a person's choice."""
    return _view(
        SuggestionButton(RecordSuggestion(lang), say(N_("Record as agreement"), lang), _BLUE)
    )


# --- forms -------------------------------------------------------------------------------


def _field(
    custom_id: str,
    label: str,
    *,
    long: bool = True,
    required: bool = True,
    default: str | None = None,
    placeholder: str | None = None,
    max_length: int = MAX_FIELD,
) -> discord.ui.Label[Any]:
    text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
        custom_id=custom_id,
        style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
        required=required,
        default=clip(default, max_length) if default else None,
        placeholder=placeholder[:100] if placeholder else None,
        max_length=max_length,
    )
    return discord.ui.Label(text=clip(label, LABEL_LIMIT), component=text_input)


def _form(title: str, custom_id: str, *fields: discord.ui.Item[Any]) -> discord.ui.Modal:
    modal = discord.ui.Modal(title=clip(title, LABEL_LIMIT), custom_id=custom_id)
    for field in fields:
        modal.add_item(field)
    # Stopped, so discord.py keeps no copy: the cog handles the submission by custom_id.
    modal.stop()
    return modal


def proposal_form(choice: NudgeChoice, lang: str) -> discord.ui.Modal:
    return _form(
        say(N_("Add a proposal"), lang),
        ProposalForm(choice).custom_id,
        _field("proposal", say(N_("What do you propose?"), lang)),
    )


def concern_form(form: ConcernForm, lang: str) -> discord.ui.Modal:
    return _form(
        say(N_("I have a concern"), lang),
        form.custom_id,
        _field("concern", say(N_("What is your concern?"), lang)),
    )


def agreement_form(
    lang: str, text: str | None = None, origin: AgreementForm | None = None
) -> discord.ui.Modal:
    # Its start fills the field ("…" at its end); said above it, as on Slack.
    cut = [discord.ui.TextDisplay(say(END_MISSING, lang))] if len(text or "") > MAX_FIELD else []
    return _form(
        say(N_("Record an agreement"), lang),
        (origin or AgreementForm()).custom_id,
        *cut,
        _field("text", say(N_("What do we agree?"), lang), default=text),
        _field("why", say(N_("Why?"), lang)),
        _field(
            "owner",
            say(N_("Owner: a person or a role (optional)"), lang),
            long=False,
            required=False,
            max_length=80,
        ),
        _field(
            "review",
            say(N_("Review date (optional)"), lang),
            long=False,
            required=False,
            placeholder=say(N_("e.g. in 6 weeks, or 1 May"), lang),  # no year: never stale
            max_length=60,
        ),
    )


def revision_form(form: RevisionForm, lang: str) -> discord.ui.Modal:
    return _form(
        say(N_("Revise agreement #{number}"), lang, number=form.number),
        form.custom_id,
        _field("lesson", say(N_("What has practice taught us?"), lang), max_length=LESSON_LIMIT),
        _field("text", say(N_("The new text"), lang)),
        _field("why", say(N_("Why this change?"), lang)),
    )


def evaluation_form(form: EvaluationForm, lang: str) -> discord.ui.Modal:
    return _form(
        say(N_("Evaluate the meeting"), lang),
        form.custom_id,
        _field(
            "scores",
            say(N_("Nine scores, 1 to 5, in order"), lang),
            long=False,
            placeholder=SCORES_EXAMPLE,
            max_length=100,
        ),
        _field(
            "comment",
            say(N_("Comment (optional)"), lang),
            required=False,
            max_length=MAX_COMMENT,
        ),
    )
