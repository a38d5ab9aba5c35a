"""The TWO revisited (ground rule 6): on an agreement's review day its owner hears
privately, once, in the table's language, that the table looks at it now and how to
keep, revise or retire it; nobody does who left, nor through the quiet hours. Through the
real service and storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rules.actions import AnnounceReview, ReviewToOwner
from tests.helpers import Chat, plain

REVIEW_DAY = datetime(2026, 3, 10, 9, 0, 1, tzinfo=UTC)


def owners_words(actions) -> list[tuple[str, str]]:
    return [(a.user, plain(a)) for a in actions if isinstance(a, ReviewToOwner)]


def test_the_owner_hears_privately_of_the_review_on_its_day(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/agree Desk opens Wednesdays because caretakers join owner @bram "
                 "review 2026-03-10", "09:00")  # fmt: skip
    due = chat.tick(REVIEW_DAY)
    [review, word] = due
    assert isinstance(review, AnnounceReview)
    assert isinstance(word, ReviewToOwner) and word.private and word.direct
    assert owners_words(due) == [
        (
            "bram",
            "Agreement #1 (you own it) comes up for review today: the table looks at it now, "
            "with what practice has taught.\n"
            "> Desk opens Wednesdays\n"
            "Keep it, revise it or retire it: /review keep 1, /review revise 1 <new text> "
            "because <why>, or /review retire 1.",
        )
    ]
    # Never twice for one review: the next ticks that day bring nothing more.
    assert chat.tick(datetime(2026, 3, 10, 18, 0, tzinfo=UTC)) == []


def test_the_holder_of_an_owning_role_hears_it_in_the_tables_language(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/table language nl", "08:30")
    chat.command("anna", "/role add coordinator keeps the agenda", "08:31")
    chat.command("anna", "/role assign coordinator @bram", "08:32")
    chat.command("anna", "/agree Notulen binnen twee dagen omdat niet iedereen er is owner role "
                 "coordinator review 2026-03-10", "09:00")  # fmt: skip
    [(user, text)] = owners_words(chat.tick(REVIEW_DAY))
    assert user == "bram"
    assert text.startswith(
        "Afspraak #1 (jouw rol coordinator is eigenaar) is vandaag toe aan herziening"
    ), text
    assert "/herziening behouden 1" in text, text


@pytest.mark.parametrize(
    ("gone", "still_told"),
    [
        # Left the table (or the workspace): nobody hears, of either agreement.
        (lambda chat: chat.leave("bram", "10:00"), []),
        # A role given up: its agreement's word goes to nobody; bram still owns #1.
        (lambda chat: chat.command("bram", "/role unassign coordinator", "10:00"), [1]),
    ],
    ids=["owner-left", "role-unheld"],
)
def test_an_owner_nobody_can_reach_hears_nothing_and_the_public_post_stays(app, gone, still_told):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/role add coordinator keeps the agenda", "08:31")
    chat.command("anna", "/role assign coordinator @bram", "08:32")
    chat.command("anna", "/agree Desk opens Wednesdays because x owner @bram review 2026-03-10",
                 "09:00")  # fmt: skip
    chat.command("anna", "/agree Minutes in two days because y owner role coordinator review "
                 "2026-03-10", "09:01")  # fmt: skip
    gone(chat)
    due = chat.tick(REVIEW_DAY)
    assert [a.agreement.number for a in due if isinstance(a, AnnounceReview)] == [1, 2]
    assert [a.number for a in due if isinstance(a, ReviewToOwner)] == still_told


def test_the_word_waits_for_the_end_of_the_quiet_hours_with_its_review(app):
    """A review timer that fires in the quiet hours (the bot was down at 09:00) waits for
    their end; then the review is asked and its owner told, once."""
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/table quiet-hours 22:00-07:00", "08:30")
    chat.command("anna", "/agree Desk opens Wednesdays because x owner @bram review 2026-03-10",
                 "09:00")  # fmt: skip
    late = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    held = app.service.fire_next_timer(late)
    assert held is not None and chat._deliver(held) == []
    morning = chat.tick(datetime(2026, 3, 11, 7, 0, 1, tzinfo=UTC))
    assert [type(a) for a in morning] == [AnnounceReview, ReviewToOwner]
    assert chat.tick(datetime(2026, 3, 11, 12, 0, tzinfo=UTC)) == []


def test_an_owner_who_snoozed_reminders_here_hears_nothing(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/agree Desk opens Wednesdays because x owner @bram review 2026-03-05",
                 "09:00")  # fmt: skip
    chat.command("anna", "/concerns buy a new printer", "09:05")
    snoozed = chat.command("bram", "/snooze 7d", "09:06")
    assert any("Snoozed until" in plain(a) for a in snoozed), [plain(a) for a in snoozed]
    due = chat.tick(datetime(2026, 3, 5, 9, 0, 1, tzinfo=UTC))
    assert [type(a) for a in due if isinstance(a, AnnounceReview)] == [AnnounceReview]
    assert owners_words(due) == []


def test_an_owner_of_several_agreements_due_together_hears_once_of_all_of_them(app):
    """Reviews on one day come at one hour: three DMs at once to one person would be
    noise. The word names each of theirs due that day; another owner, and another day,
    still get a word of their own, and one retired before its day is not in it."""
    chat = Chat(app)
    chat.join("anna", "bram", "carla")
    for n, (what, owner, day) in enumerate([
        ("Desk opens Wednesdays", "@bram", "2026-03-10"),
        ("Minutes within two days", "@carla", "2026-03-10"),
        ("Rota in the shared drive", "@bram", "2026-03-10"),
        ("Coffee fund kept by the desk", "@bram", "2026-03-24"),
        ("Visitors sign the book", "@bram", "2026-03-10"),
        ("Tea on Fridays", "@bram", "2026-03-10"),
    ]):  # fmt: skip
        chat.command("anna", f"/agree {what} because x owner {owner} review {day}", f"09:0{n}")
    chat.command("anna", "/review retire 6", "09:30")
    due = chat.tick(REVIEW_DAY)
    assert sorted(a.agreement.number for a in due if isinstance(a, AnnounceReview)) == [1, 2, 3, 5]
    assert owners_words(due) == [
        (
            "bram",
            "Agreements #1, #3 and #5 (you own them) come up for review today: the table looks "
            "at them now, with what practice has taught.\n"
            "#1 Desk opens Wednesdays\n"
            "#3 Rota in the shared drive\n"
            "#5 Visitors sign the book\n"
            "Keep, revise or retire each: /review keep <number>, /review revise <number> "
            "<new text> because <why>, or /review retire <number>.",
        ),
        (
            "carla",
            "Agreement #2 (you own it) comes up for review today: the table looks at it now, "
            "with what practice has taught.\n"
            "> Minutes within two days\n"
            "Keep it, revise it or retire it: /review keep 2, /review revise 2 <new text> "
            "because <why>, or /review retire 2.",
        ),
    ]
    assert chat.tick(datetime(2026, 3, 10, 18, 0, tzinfo=UTC)) == []
    later = chat.tick(datetime(2026, 3, 24, 9, 0, 1, tzinfo=UTC))
    assert [(user, text.split(":")[0]) for user, text in owners_words(later)] == [
        ("bram", "Agreement #4 (you own it) comes up for review today")
    ]


def test_a_role_owning_several_hears_once_in_the_tables_language(app):
    chat = Chat(app)
    chat.join("anna", "bram")
    chat.command("anna", "/table language nl", "08:30")
    chat.command("anna", "/role add coordinator keeps the agenda", "08:31")
    chat.command("anna", "/role assign coordinator @bram", "08:32")
    for n, what in enumerate(["Notulen binnen twee dagen", "Agenda een week vooraf"]):
        chat.command("anna", f"/agree {what} omdat x owner role coordinator review 2026-03-10",
                     f"09:0{n}")  # fmt: skip
    [(user, text)] = owners_words(chat.tick(REVIEW_DAY))
    assert user == "bram"
    assert text.startswith(
        "Afspraken #1 en #2 (jouw rol coordinator is eigenaar) zijn vandaag toe aan herziening"
    ), text
    assert "#2 Agenda een week vooraf" in text and "/herziening behouden <nummer>" in text, text
