"""A renewal reminder goes by DM, about one member's own mandate: at a table that chose
no language, each member reads their own (their mandate's words, else their client's),
not that of whoever ended the meeting; the decisions alone, on a table's state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rules.actions import AskRenewal
from rules.events import TimerFired
from rules.meetings import RENEWAL_TIMER, on_timer
from rules.state import Meeting, MemberInfo, TableSettings, TableState

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def ended_by_bob(lang: str = "nl", table_language: str | None = None) -> TableState:
    """Bob (a Dutch client) ended the meeting; nobody has renewed yet."""
    meeting = Meeting(
        meeting_id="m1", started_at=AT - timedelta(hours=2), started_by="bob", status="ended",
        ended_at=AT - timedelta(hours=1), lang=lang,
        renewals={"alice": None, "bob": None, "carol": None, "dirk": None},
    )  # fmt: skip
    roster = {
        "alice": MemberInfo("alice", mandate="agree on joint drop-in hours",
                            mandate_status="renewal_due"),
        "bob": MemberInfo("bob", mandate="afspraken over de inloop tot 5000 euro",
                          mandate_status="renewal_due"),
        # Words that show no language: their client's decides.
        "carol": MemberInfo("carol", mandate="budget 5000", mandate_status="renewal_due"),
        "dirk": MemberInfo("dirk"),  # no mandate yet
    }  # fmt: skip
    return TableState(
        workspace="w", channel="c", settings=TableSettings(language=table_language),
        members=frozenset(roster), roster=roster, last_meeting=meeting,
    )  # fmt: skip


def reminders(state: TableState) -> list[AskRenewal]:
    fired = TimerFired(workspace="w", channel="c", at=AT, event_id="t", kind=RENEWAL_TIMER,
                       subject="m1", due=AT, key="t")  # fmt: skip
    return [a for a in on_timer(fired, state) if isinstance(a, AskRenewal)]


def dm_langs(actions: list[AskRenewal], client: dict[str, str] | None = None) -> dict:
    client = client or {}
    return {u: a.dm_lang(u, client.get(u)) for a in actions for u in a.users}


def test_each_member_is_reminded_in_their_own_mandates_language_not_the_enders():
    renew, set_one = reminders(ended_by_bob())
    assert renew.lang == set_one.lang == "nl"  # the channel's: a ping for closed DMs
    assert dm_langs([renew, set_one]) == {"alice": "en", "bob": "nl", "carol": "nl",
                                          "dirk": "nl"}  # fmt: skip
    # Words that show no language, or no mandate at all: their client's, where known.
    assert renew.asks_client("carol") and set_one.asks_client("dirk")
    assert not renew.asks_client("alice") and not renew.asks_client("bob")
    assert dm_langs([renew, set_one], {"alice": "nl", "carol": "en", "dirk": "en"}) == {
        "alice": "en", "bob": "nl", "carol": "en", "dirk": "en",
    }  # fmt: skip


def test_a_meeting_ended_in_english_reminds_a_dutch_mandate_in_dutch():
    renew, _ = reminders(ended_by_bob(lang="en"))
    assert dm_langs([renew]) == {"alice": "en", "bob": "nl", "carol": "en"}


def test_a_table_language_speaks_to_everyone_whatever_their_mandate_or_client():
    actions = reminders(ended_by_bob(lang="en", table_language="nl"))
    assert not any(a.asks_client(u) for a in actions for u in a.users)
    assert set(dm_langs(actions, {"alice": "en", "carol": "en"}).values()) == {"nl"}
    # Nothing new to carry: the reminder keeps the shape an older version reads.
    assert all(a.own_langs == () for a in actions)
