"""A proposal, a concern, an agreement or its reason made only of invisible characters
(zero-width space, Braille blank) is no text, typed or sent by a form: nobody is polled
about nothing, no empty-looking agreement is recorded, no invisible concern holds a
round up. As /mandate and /table join already refused it."""

from __future__ import annotations

from sqlmodel import Session, func, select

from bot.models import AgreementRow, RoundRow
from rules.actions import PostConcernRound, PostRoundSummary
from rules.events import AgreementSubmitted
from tests.helpers import Chat, at, plain

ZW, BLANK = "\u200b", "\u2800"


def count(app, model) -> int:
    with Session(app.database) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_invisible_proposal_agreement_and_reason_are_refused_as_empty_ones(app):
    chat = Chat(app)
    chat.join("ann", "ben", "cat")
    [asked] = chat.command("ann", f"/concerns {ZW}", "09:00")
    assert asked.private and plain(asked) == (
        "Which proposal should the table look at? /concerns <proposal>"
    )
    for line in (f"/agree {BLANK} because {ZW}", f"/agree tea at 3 because {BLANK}"):
        [told] = chat.command("ann", line, "09:01")
        assert told.private and plain(told).startswith("Say why, after “because”")
    form = AgreementSubmitted(
        workspace="W1", channel="C1", at=at("09:02"), event_id="form-1", user="ann",
        text=ZW, why=f"{BLANK} {ZW}",
    )  # fmt: skip
    [told] = [d.action for d in app.service.handle(form)]
    assert told.private
    assert not chat.of_type(PostConcernRound)
    assert count(app, RoundRow) == count(app, AgreementRow) == 0


def test_invisible_concern_neither_answers_nor_holds_up_a_round(app):
    chat = Chat(app)
    chat.join("ann", "ben", "cat")
    chat.command("ann", "/concerns we pin the base image", "09:00")
    [told] = chat.command("ben", f"/concern {ZW}{BLANK}", "09:01")
    assert told.private and "/concern" in plain(told)
    chat.command("ben", "/concern none", "09:02")
    chat.command("cat", "/concern none", "09:03")
    [summary] = chat.of_type(PostRoundSummary)
    assert summary.suggest_agreement and not summary.round.concerns
