"""A review message, whichever process posts it and whichever decides the review: its
edit speaks the language it was posted in, and a decision taken while it was on its way
still closes it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.models import AgreementRow, DecisionRow, PostedMessage, TimerRow
from bot.store import review_message_keys
from rules.actions import AnnounceReview, CloseReview
from rules.agreements import review_key


def in_its_language(database: Engine, close: CloseReview) -> CloseReview:
    """The close in the language its message was posted in, which the table's may no
    longer be (/table language since); as decided when that is not known."""
    with Session(database) as session:
        for key in review_message_keys(close.agreement):
            posted = session.get(PostedMessage, (close.workspace, key))
            if posted is not None:
                return close if posted.lang is None else replace(close, lang=posted.lang)
    return close


def decided_meanwhile(database: Engine, announced: AnnounceReview) -> CloseReview | None:
    """The close of a review decided while its message was being posted, asked once the
    message is remembered: the decision's own close may have found no message to edit
    yet (a Keep typed as the review came due, in another process). None while open."""
    if announced.asked_at is None:  # queued before review messages named their moment
        return None
    shown = announced.agreement
    with Session(database) as session:
        version = session.exec(
            select(AgreementRow.status).where(
                AgreementRow.workspace == announced.workspace,
                AgreementRow.number == shown.number,
                AgreementRow.version == shown.version,
            )
        ).first()
        key = review_key(shown.number, shown.version)
        timer = session.get(TimerRow, (announced.workspace, key))
        # Revised or retired: no longer current (it was, when the review was asked). Kept:
        # its timer waits for the next review, or fired since (the retention sweep keeps
        # it while the version is current: bot.fired_timers). Anything else (a table
        # forgotten) is not known to be decided.
        kept = timer is not None and (timer.fired_at is None or timer.due > announced.asked_at)
        if version not in ("revised", "retired") and not (version == "current" and kept):
            return None
        decided = session.exec(
            select(DecisionRow)
            .where(
                DecisionRow.workspace == announced.workspace,
                DecisionRow.channel == announced.channel,
                DecisionRow.number == shown.number,
            )
            .order_by(col(DecisionRow.at).desc(), col(DecisionRow.id).desc())
            .limit(1)
        ).first()
    if decided is None:
        return None
    return CloseReview(
        workspace=announced.workspace, channel=announced.channel, lang=announced.lang,
        agreement=shown, decision=decided.decision, by=decided.user,
    )  # fmt: skip
