"""A table's days are counted where it sits: "tomorrow", "in 2 weeks" and the default
review date count from the table's own day, and a review comes at 09:00 there, summer
and winter (GROUNDRULES_TIMEZONE; per table /table timezone)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.bootstrap import Groundrules
from bot.presenting import plain
from bot.settings import SettingsError, load_settings
from rules.actions import AnnounceAgreement, AnnounceReview, Outbound, Reply
from rules.events import AgreementSubmitted, CommandInvoked, ReviewDecided
from tests.conftest import make_app

# 23:30 UTC on 30 November is already 00:30 on 1 December in Amsterdam.
LATE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


@pytest.fixture
def amsterdam(database_url, tagged) -> Iterator[Groundrules]:
    groundrules = make_app(database_url, tagged, timezone="Europe/Amsterdam")
    yield groundrules
    groundrules.database.dispose()


class Table:
    """Commands at any moment, and the timers fired up to it, each at its due time."""

    def __init__(self, app: Groundrules, channel: str = "C1") -> None:
        self.app, self.channel, self.sent = app, channel, []
        self.ids = (f"{channel}-{n}" for n in range(1, 1000))

    def deliver(self, deliveries) -> list[Outbound]:
        for delivery in deliveries:
            self.app.store.mark_delivered(delivery.outbox_id, delivery.at)
            self.sent.append((delivery.at, delivery.action))
        return [delivery.action for delivery in deliveries]

    def tick(self, until: datetime) -> list[Outbound]:
        fired = []
        while (due := self.app.service.fire_next_timer(until, simulated=True)) is not None:
            fired += self.deliver(due)
        return fired

    def command(self, user: str, line: str, moment: datetime) -> list[Outbound]:
        self.tick(moment - timedelta(microseconds=1))
        name, _, args = line.lstrip("/").partition(" ")
        event = CommandInvoked(
            workspace="W1", channel=self.channel, at=moment, event_id=next(self.ids),
            user=user, name=name, args=args,
        )  # fmt: skip
        return self.deliver(self.app.service.handle(event))

    def submit(
        self, moment: datetime, review_on: date | None, review_text: str | None = None
    ) -> list[Outbound]:
        event = AgreementSubmitted(
            workspace="W1", channel=self.channel, at=moment, event_id=next(self.ids),
            user="ben", text="we pin the image", why="deploys broke", review_on=review_on,
            review_text=review_text,
        )  # fmt: skip
        return self.deliver(self.app.service.handle(event))

    def reviews(self) -> list[tuple[datetime, AnnounceReview]]:
        return [(when, a) for when, a in self.sent if isinstance(a, AnnounceReview)]


@pytest.mark.parametrize(
    ("line", "lang", "said"),
    [
        ("/agree we pin the image because deploys broke review tomorrow", "en",
         "we review it on 2 December 2026"),
        ("/afspraak we pinnen de image omdat deploys braken herziening morgen", "nl",
         "op 2 december 2026"),
        ("/agree we pin the image because deploys broke review in 2 weeks", "en",
         "we review it on 15 December 2026"),
        ("/afspraak we pinnen de image omdat deploys braken herziening over 2 weken", "nl",
         "op 15 december 2026"),
    ],
)  # fmt: skip
def test_time_zones_relative_review_dates_count_from_the_tables_day(amsterdam, line, lang, said):
    """Just after midnight in Amsterdam (still 30 November in UTC) "tomorrow" is
    2 December there, and the review comes at 09:00 Amsterdam time (08:00 UTC)."""
    table = Table(amsterdam)
    [announced] = table.command("ben", line, LATE)
    assert isinstance(announced, AnnounceAgreement)
    assert said in plain(announced)
    review_on = announced.agreement.review_on
    table.tick(datetime.combine(review_on, datetime.min.time(), tzinfo=UTC) + timedelta(days=1))
    [(when, _)] = table.reviews()
    assert when == datetime.combine(review_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/agree we pin the image because deploys broke", "we review it on 29 December 2026"),
        ("/afspraak we pinnen de image omdat deploys braken", "op 29 december 2026"),
    ],
)
def test_time_zones_the_default_review_date_counts_from_the_tables_day(amsterdam, line, said):
    [announced] = Table(amsterdam).command("ben", line, LATE)
    assert announced.agreement.review_on == date(2026, 12, 29)  # 1 December + 28 days
    assert said in plain(announced)


def test_time_zones_a_form_may_pick_the_tables_tomorrow(amsterdam):
    """A form's date: at 20:00 on 1 December in New York (1:00 on the 2nd in UTC), the
    2nd is tomorrow there, not today."""
    table = Table(amsterdam)
    table.command("ben", "/table timezone America/New_York", LATE)
    [announced] = table.submit(datetime(2026, 12, 2, 1, 0, tzinfo=UTC), date(2026, 12, 2))
    assert isinstance(announced, AnnounceAgreement)
    assert announced.agreement.review_on == date(2026, 12, 2)


@pytest.mark.parametrize("typed", ["tomorrow", "morgen"])
def test_time_zones_a_forms_typed_date_counts_from_the_tables_day(amsterdam, typed):
    """Discord's form takes the date in words; its adapter read them on the UTC day."""
    [announced] = Table(amsterdam).submit(LATE, date(2026, 12, 1), typed)
    assert announced.agreement.review_on == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("recorded", "review", "due_utc"),
    [
        # Summer time starts on 29 March 2026: 09:00 in Amsterdam is 07:00 UTC after it.
        (datetime(2026, 3, 20, 12, 0, tzinfo=UTC), "30 March",
         datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
        (datetime(2026, 3, 20, 12, 0, tzinfo=UTC), "27 March",
         datetime(2026, 3, 27, 8, 0, tzinfo=UTC)),
        # It ends on 25 October 2026: 08:00 UTC again.
        (datetime(2026, 10, 20, 12, 0, tzinfo=UTC), "26 October",
         datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
        (datetime(2026, 10, 20, 12, 0, tzinfo=UTC), "23 October",
         datetime(2026, 10, 23, 7, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_time_zones_a_review_comes_at_nine_local_across_the_clock_change(
    amsterdam, recorded, review, due_utc
):
    table = Table(amsterdam)
    table.command("ben", f"/agree we pin the image because deploys broke review {review}", recorded)
    table.tick(due_utc - timedelta(minutes=1))
    assert table.reviews() == []
    table.tick(due_utc + timedelta(hours=3))
    [(when, _)] = table.reviews()
    assert when == due_utc


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/review keep 1 because it works", "Next review on 30 December 2026"),
        ("/herziening behouden 1 omdat het werkt", "30 december 2026"),
    ],
)
def test_time_zones_a_kept_agreement_is_reviewed_again_from_the_tables_day(amsterdam, line, said):
    table = Table(amsterdam)
    table.command("ben", "/agree we pin the image because deploys broke review in 2 weeks",
                  datetime(2026, 11, 20, 12, 0, tzinfo=UTC))  # fmt: skip
    told = table.command("ben", line, datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert any(said in plain(action) for action in told), [plain(a) for a in told]


@pytest.mark.parametrize(
    ("moment", "review_on"),
    [
        # 23:30 on 5 March in Amsterdam; summer time starts on 29 March: 28 times 24
        # hours later it is already 00:30 on 3 April there.
        (datetime(2026, 3, 5, 22, 30, tzinfo=UTC), date(2026, 4, 2)),
        # 00:30 on 10 October; winter time starts on 25 October: 28 times 24 hours later
        # it is still 23:30 on 6 November there.
        (datetime(2026, 10, 9, 22, 30, tzinfo=UTC), date(2026, 11, 7)),
    ],
)
def test_time_zones_the_default_review_date_is_28_days_on_across_the_clock_change(
    amsterdam, moment, review_on
):
    """The default review date, a keep's next review and a revision's count days on the
    table's calendar, as "in 4 weeks" does: they were a day off across a clock change."""
    table = Table(amsterdam)
    [announced] = table.command("ben", "/agree we pin the image because deploys broke", moment)
    assert announced.agreement.review_on == review_on
    [typed] = table.command("ben", "/agree we pin the base because it drifts review in 4 weeks",
                            moment)  # fmt: skip
    assert typed.agreement.review_on == review_on
    # Kept before its review date, the next review is not before that date either.
    table.command("ben", "/agree we tag each release because y review tomorrow", moment)
    kept = table.command("ben", "/review keep 3 because it works", moment)
    assert any(f"Next review on {review_on.day} " in plain(action) for action in kept)
    revised = table.command("ben", "/review revise 3 we tag every release because z", moment)
    assert [a.agreement.review_on for a in revised if isinstance(a, AnnounceAgreement)] == [
        review_on
    ]


def test_time_zones_utc_stays_the_default(app):
    [announced] = Table(app).command(
        "ben", "/agree we pin the image because deploys broke review tomorrow", LATE
    )
    assert announced.agreement.review_on == date(2026, 12, 1)


@pytest.mark.parametrize("name", ["Mars/Olympus", "Amsterdam", "../../etc/passwd", "CET+1"])
def test_time_zones_an_unknown_zone_is_refused_at_start(name):
    with pytest.raises(SettingsError) as refused:
        load_settings(timezone=name)
    assert str(refused.value) == (
        "GROUNDRULES_TIMEZONE: not a time zone; use an IANA name such as Europe/Amsterdam or UTC"
    )


def test_time_zones_a_known_zone_is_every_tables_default():
    settings = load_settings(timezone=" Europe/Amsterdam ")
    assert settings.table_defaults().timezone == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/table timezone asia/tokyo",
         "From now on this table's days count in the time zone Asia/Tokyo: “tomorrow” and "
         "review dates are days there, and reviews come at 9:00 there."),
        ("/tafel tijdzone Asia/Tokyo",
         "Vanaf nu tellen de dagen van deze tafel in de tijdzone Asia/Tokyo: “morgen” en "
         "herzieningsdata zijn dagen daar, en herzieningen komen daar om 9:00."),
    ],
)  # fmt: skip
def test_time_zones_a_table_sets_its_own_zone(app, line, said):
    """A table elsewhere than the bot's default: its days count there, and a review
    still to come moves to 09:00 there (00:00 UTC in Tokyo); the other tables keep
    theirs."""
    table = Table(app)
    table.command("ben", "/agree we pin the image because deploys broke review 10 December",
                  datetime(2026, 11, 20, 12, 0, tzinfo=UTC))  # fmt: skip
    [configured] = table.command("ben", line, datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    assert plain(configured) == said
    [announced] = table.command(
        "ben",
        "/agree tea at three because we need breaks review tomorrow",
        datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
    )
    assert announced.agreement.review_on == date(2026, 12, 2)  # 1 December in Tokyo
    table.tick(datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    assert [(when, a.agreement.number) for when, a in table.reviews()] == [
        (datetime(2026, 12, 2, 0, 0, tzinfo=UTC), 2),
        (datetime(2026, 12, 10, 0, 0, tzinfo=UTC), 1),
    ]
    elsewhere = Table(app, channel="C2")
    [other] = elsewhere.command(
        "ben",
        "/agree tea at three because we need breaks review tomorrow",
        datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
    )
    assert other.agreement.review_on == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("line", "said"),
    [
        # a city alone, as the zone's own name ends: that zone is offered, not guessed
        ("/table timezone Amsterdam",
         "I do not know the time zone Amsterdam. Did you mean Europe/Amsterdam? Then type "
         "/table timezone Europe/Amsterdam."),
        ("/table timezone new york",
         "I do not know the time zone new york. Did you mean America/New_York? Then type "
         "/table timezone America/New_York."),
        ("/tafel tijdzone amsterdam",
         "Ik ken de tijdzone amsterdam niet. Bedoel je Europe/Amsterdam? Typ dan "
         "/tafel tijdzone Europe/Amsterdam."),
        ("/table timezone Netherlands",
         "I do not know the time zone Netherlands. Name it as the time zone database does, "
         "like Europe/Amsterdam, America/New_York or UTC."),
        ("/tafel tijdzone Mars/Olympus",
         "Ik ken de tijdzone Mars/Olympus niet. Noem haar zoals de tijdzonedatabase dat "
         "doet, zoals Europe/Amsterdam, America/New_York of UTC."),
    ],
)  # fmt: skip
def test_time_zones_a_table_is_told_a_zone_it_names_is_unknown(app, line, said):
    table = Table(app)
    [told] = table.command("ben", line, LATE)
    assert told.private and plain(told).startswith(said)
    [announced] = table.command(
        "ben", "/agree we pin the image because deploys broke review tomorrow", LATE
    )
    assert announced.agreement.review_on == date(2026, 12, 1)  # still UTC


@pytest.mark.parametrize(
    "line",
    ["/table timezone Europe/İstanbul", "/TABLE TİMEZONE EUROPE/İSTANBUL",
     "/tafel tijdzone europe/istanbul"],
)  # fmt: skip
def test_time_zones_a_zone_typed_in_turkish_spelling_is_the_zone(app, line):
    """Turkish writes the city with a capital dotted İ, and a Turkish keyboard's caps
    lock writes İ for i: str.lower() made "i" and a combining dot of it."""
    table = Table(app)
    [configured] = table.command("ayse", line, LATE)
    assert "Europe/Istanbul" in plain(configured) and not configured.private
    [shown] = table.command("ayse", "/table", LATE)
    assert "Time zone: Europe/Istanbul (/table timezone)." in plain(shown).splitlines()


def test_time_zones_a_table_shows_its_zone(amsterdam):
    [shown] = Table(amsterdam).command("ben", "/tafel", LATE)
    assert "Tijdzone: Europe/Amsterdam (/tafel tijdzone)." in plain(shown).splitlines()


@pytest.mark.empty_database
def test_migration_0017_adds_the_tables_zone_and_goes_down(database_url):
    from alembic import command
    from sqlalchemy import inspect

    from bot.database import make_engine
    from bot.migrate import alembic_config, upgrade

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0016")
        assert "timezone" not in {c["name"] for c in inspect(engine).get_columns("table_config")}
        upgrade(engine)
        assert "timezone" in {c["name"] for c in inspect(engine).get_columns("table_config")}
    finally:
        engine.dispose()
    command.downgrade(alembic_config(database_url), "0016")
    engine = make_engine(database_url)
    try:
        assert "timezone" not in {c["name"] for c in inspect(engine).get_columns("table_config")}
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (["/report since yesterday"], "Report since 30 November 2026."),
        (["/verslag sinds gisteren"], "Verslag sinds 30 november 2026."),
        (["/meeting start", "/meeting end"], "Report of the meeting (since 1 December 2026)."),
        (["/vergadering start", "/vergadering einde"],
         "Verslag van de vergadering (sinds 1 december 2026)."),
    ],
)  # fmt: skip
def test_time_zones_a_report_shows_the_tables_days(amsterdam, lines, title):
    table = Table(amsterdam)
    for minutes, line in enumerate(lines):
        table.command("ben", line, LATE + timedelta(minutes=minutes))
    reports = [a for _, a in table.sent if type(a).__name__ == "PostReport"]
    assert plain(reports[-1]).splitlines()[0] == title


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_time_zones_a_button_pressed_on_the_tables_next_day_still_decides(amsterdam, lang):
    """A Keep button is no typed command: read again on the table's day, it stays a keep
    (there are no words to read again)."""
    table = Table(amsterdam)
    table.command("ben", "/agree we pin the image because deploys broke review in 2 weeks",
                  datetime(2026, 11, 10, 12, 0, tzinfo=UTC))  # fmt: skip
    table.tick(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    event = ReviewDecided(
        workspace="W1", channel="C1", at=LATE, event_id="keep", user="ben", number=1,
        decision="keep", lang=lang,
    )  # fmt: skip
    told = table.deliver(amsterdam.service.handle(event))
    said = "Next review on 29 December 2026" if lang == "en" else "29 december 2026"
    assert any(said in plain(action) for action in told), [plain(a) for a in told]


def test_time_zones_a_stored_zone_the_zone_data_lacks_falls_back_to_the_default(amsterdam):
    """A table's zone is checked when set; the zone data of another machine may lack it."""
    from sqlalchemy import text

    table = Table(amsterdam)
    table.command("ben", "/table timezone Asia/Tokyo", LATE)
    with amsterdam.database.begin() as connection:
        connection.execute(text("UPDATE table_config SET timezone = 'Nowhere/Gone'"))
    [announced] = table.command(
        "ben", "/agree we pin the image because deploys broke review tomorrow",
        LATE + timedelta(minutes=1),
    )  # fmt: skip
    assert announced.agreement.review_on == date(2026, 12, 2)  # Amsterdam's tomorrow


@pytest.fixture
def zoned(database_url, tagged, request) -> Iterator[Groundrules]:
    """The app at a table in the zone the test names."""
    groundrules = make_app(database_url, tagged, timezone=request.param)
    yield groundrules
    groundrules.database.dispose()


@pytest.mark.parametrize(
    ("zoned", "moment", "review", "said"),
    [
        # 21:00 on 30 November in New York: 1 December is tomorrow there, past in UTC.
        ("America/New_York", datetime(2026, 12, 1, 2, 0, tzinfo=UTC), "2026-12-01",
         "1 December 2026"),
        # 00:30 on 1 December in Amsterdam: ten years ahead there, a day more in UTC.
        ("Europe/Amsterdam", LATE, "2036-12-01", "1 December 2036"),
    ],
    indirect=["zoned"],
)  # fmt: skip
@pytest.mark.parametrize(
    "line",
    [
        "/review keep 1 because it works review {review}",
        "/review revise 1 we pin the image by digest because tags moved review {review}",
    ],
)
def test_time_zones_a_review_date_fine_only_on_the_tables_day_decides(
    zoned, moment, review, said, line
):
    """A review whose date the UTC day refuses is read again on the table's day: it
    finds its agreement there (it was not read for the refused parse)."""
    table = Table(zoned)
    table.command("ben", "/agree we pin the image because deploys broke review in 2 weeks",
                  datetime(2026, 11, 20, 12, 0, tzinfo=UTC))  # fmt: skip
    told = [plain(action) for action in table.command("ben", line.format(review=review), moment)]
    assert any(said in text for text in told), told


@pytest.mark.parametrize(
    ("default_zone", "due"),
    [("UTC", [1]), ("Europe/Amsterdam", [1, 2])],
)
def test_time_zones_the_app_home_counts_each_tables_days(app, default_zone, due):
    """At 23:30 UTC on 30 November it is 1 December in Amsterdam: a review on 8 December
    is within the week there, not yet at a table on UTC. A mandate renewed then was
    renewed on 1 December there."""
    from bot.views import member_home

    amsterdam, elsewhere = Table(app, "C1"), Table(app, "C2")
    amsterdam.command("ben", "/table timezone Europe/Amsterdam", LATE - timedelta(days=20))
    for table in (amsterdam, elsewhere):
        table.command("ben", "/agree we pin the image because deploys broke review 8 December",
                      LATE - timedelta(days=20))  # fmt: skip
        table.command("ben", "/mandate budgets up to 500 euro", LATE)
    page = member_home(app.database, "W1", "ben", now=LATE, default_zone=default_zone)
    channels = {1: "C1", 2: "C2"}
    assert [a.channel for a in page.reviews_due] == [channels[n] for n in due]
    renewed = {m.channel: m.renewed_on for m in page.mandates}
    assert renewed["C1"] == date(2026, 12, 1)
    assert renewed["C2"] == (date(2026, 12, 1) if default_zone != "UTC" else date(2026, 11, 30))


def _review_timers(app: Groundrules) -> dict[tuple[str, str], datetime]:
    from sqlmodel import Session, select

    from bot.models import TimerRow

    with Session(app.database) as session:
        rows = session.exec(select(TimerRow).where(TimerRow.kind == "review")).all()
        return {(row.channel, row.key): row.due for row in rows if row.fired_at is None}


def test_time_zones_a_changed_default_moves_the_reviews_to_come_when_the_bot_starts(
    database_url, tagged
):
    """Scheduled for 09:00 UTC, a review at a table that follows GROUNDRULES_TIMEZONE
    comes at 09:00 in Amsterdam once the bot starts with that zone; a table with a zone
    of its own keeps its hour, and a review that came is not asked again."""
    first = make_app(database_url, tagged)
    at_default, in_tokyo = Table(first, "C1"), Table(first, "C2")
    in_tokyo.command("ben", "/table timezone Asia/Tokyo", datetime(2026, 11, 1, 12, tzinfo=UTC))
    for table in (at_default, in_tokyo):
        for review in ("3 November", "10 December"):
            table.command("ben", f"/agree rule for {review} because we need it review {review}",
                          datetime(2026, 11, 1, 12, tzinfo=UTC))  # fmt: skip
    at_default.tick(datetime(2026, 11, 5, tzinfo=UTC))  # every table's timers
    assert [a.agreement.number for _, a in at_default.reviews()] == [3, 1]
    first.database.dispose()

    again = make_app(database_url, tagged, timezone="Europe/Amsterdam")
    try:
        assert _review_timers(again) == {
            ("C1", "review:2:1"): datetime(2026, 12, 10, 8, 0, tzinfo=UTC),  # 09:00 there
            ("C2", "review:4:1"): datetime(2026, 12, 10, 0, 0, tzinfo=UTC),  # 09:00 in Tokyo
        }
        table = Table(again, "C1")
        table.tick(datetime(2026, 12, 11, tzinfo=UTC))
        assert [(when, a.agreement.number) for when, a in table.reviews()] == [
            (datetime(2026, 12, 10, 0, 0, tzinfo=UTC), 4),
            (datetime(2026, 12, 10, 8, 0, tzinfo=UTC), 2),
        ]
    finally:
        again.database.dispose()


def test_time_zones_a_kept_review_follows_the_default_zone_too(database_url, tagged):
    """A keep's next review and a revision's are reviews to come like any other."""
    from bot.table_zones import reviews_at_nine

    first = make_app(database_url, tagged)
    table = Table(first)
    moment = datetime(2026, 11, 1, 12, tzinfo=UTC)
    table.command("ben", "/agree we pin the image because deploys broke", moment)
    table.command("ben", "/agree tea at three because breaks", moment)
    table.command("ben", "/review keep 1 because it works review 10 December", moment)
    table.command("ben", "/review revise 2 tea at four because later review 11 December", moment)
    assert reviews_at_nine(first.database, "UTC") == 0  # as they were scheduled
    assert reviews_at_nine(first.database, "America/New_York") == 2
    assert _review_timers(first) == {
        ("C1", "review:1:1"): datetime(2026, 12, 10, 14, 0, tzinfo=UTC),
        ("C1", "review:2:2"): datetime(2026, 12, 11, 14, 0, tzinfo=UTC),
    }
    assert reviews_at_nine(first.database, "America/New_York") == 0
    first.database.dispose()


@pytest.mark.parametrize(
    ("line", "hours", "said"),
    [
        ("/table timezone Etc/GMT+1", -1,
         "From now on this table's days count in the time zone Etc/GMT+1: “tomorrow” and "
         "review dates are days there, and reviews come at 9:00 there.\n"
         "Careful: in a name like Etc/GMT+1 the sign is turned around, so Etc/GMT+1 is UTC−1, "
         "not UTC+1. If this table is at UTC+1, name a city there instead, like /table "
         "timezone Europe/Amsterdam: a city's zone follows the clock there all year, summer "
         "time and all."),
        ("/tafel tijdzone etc/gmt-5", 5,
         "Vanaf nu tellen de dagen van deze tafel in de tijdzone Etc/GMT-5: “morgen” en "
         "herzieningsdata zijn dagen daar, en herzieningen komen daar om 9:00.\n"
         "Let op: in een naam als Etc/GMT-5 is het plus- of minteken omgekeerd, dus Etc/GMT-5 "
         "is UTC+5 en niet UTC−5. Bedoel je UTC−5, noem dan liever een stad daar, zoals /tafel "
         "tijdzone America/New_York: de tijdzone van een stad volgt het hele jaar de klok daar, "
         "zomertijd inbegrepen."),
        ("/table timezone Etc/GMT-14", 14,
         "From now on this table's days count in the time zone Etc/GMT-14: “tomorrow” and "
         "review dates are days there, and reviews come at 9:00 there.\n"
         "Careful: in a name like Etc/GMT-14 the sign is turned around, so Etc/GMT-14 is "
         "UTC+14, not UTC−14."),
        # At UTC there is no sign to turn around.
        ("/table timezone Etc/GMT+0", 0,
         "From now on this table's days count in the time zone Etc/GMT+0: “tomorrow” and "
         "review dates are days there, and reviews come at 9:00 there."),
    ],
)  # fmt: skip
def test_time_zones_a_posix_zone_is_set_with_its_real_offset_and_a_city_named(
    app, line, hours, said
):
    """Etc/GMT+1 is UTC−1: a table that meant UTC+1 got its reviews at 10:00 UTC, two
    hours late, without a word. It may mean it, so it is set, and said plainly."""
    table = Table(app)
    [configured] = table.command("ben", line, datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    assert plain(configured) == said
    table.command("ben", "/agree tea at three because we need breaks review 1 December",
                  datetime(2026, 11, 20, 14, 0, tzinfo=UTC))  # fmt: skip
    table.tick(datetime(2026, 12, 2, 0, 0, tzinfo=UTC))
    [(when, _)] = table.reviews()
    assert when == datetime(2026, 12, 1, 9, 0, tzinfo=UTC) - timedelta(hours=hours)


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("/table", "Careful: in a name like Etc/GMT+1 the sign is turned around, so Etc/GMT+1 "
         "is UTC−1, not UTC+1. If this table is at UTC+1, name a city there instead, like "
         "/table timezone Europe/Amsterdam: a city's zone follows the clock there all year, "
         "summer time and all."),
        ("/tafel", "Let op: in een naam als Etc/GMT+1 is het plus- of minteken omgekeerd, dus "
         "Etc/GMT+1 is UTC−1 en niet UTC+1. Bedoel je UTC+1, noem dan liever een stad daar, "
         "zoals /tafel tijdzone Europe/Amsterdam: de tijdzone van een stad volgt het hele jaar "
         "de klok daar, zomertijd inbegrepen."),
    ],
)  # fmt: skip
def test_time_zones_a_table_in_a_posix_zone_is_warned_again_when_shown(app, line, shown):
    """Whoever looks at the table's settings later (not who set the zone) reads "Etc/GMT+1"
    as UTC+1 just as easily: the warning comes with the zone, right below it."""
    table = Table(app)
    table.command("ben", "/table timezone Etc/GMT+1", datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
    [settings] = table.command("ayse", line, datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    lines = plain(settings).splitlines()
    zone_line = next(n for n, text in enumerate(lines) if "Etc/GMT+1 (/" in text)
    assert lines[zone_line + 1] == shown


def test_time_zones_a_table_in_a_city_zone_is_not_warned_when_shown(amsterdam):
    [settings] = Table(amsterdam).command("ben", "/table", LATE)
    assert "Careful" not in plain(settings)


@pytest.fixture
def new_york(database_url, tagged) -> Iterator[Groundrules]:
    groundrules = make_app(database_url, tagged, timezone="America/New_York")
    yield groundrules
    groundrules.database.dispose()


NOON = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # noon in New York, 18:00 in Amsterdam


@pytest.mark.parametrize(
    ("line", "told"),
    [
        ("/agree we pin the image because deploys broke review 05/03/2027",
         "“05/03/2027” could be 5 March 2027 or 3 May 2027, and I would rather not guess. "
         "Write the month as a word, like 3 May 2027, or the date as year-month-day, like "
         "2027-05-03."),
        ("/afspraak we pinnen de image omdat deploys braken herziening 05-03-2027",
         "“05-03-2027” kan 5 maart 2027 zijn, maar ook 3 mei 2027, en ik gok liever niet. "
         "Schrijf de maand voluit, zoals 3 mei 2027, of de datum als jaar-maand-dag, zoals "
         "2027-05-03."),
    ],
)  # fmt: skip
def test_time_zones_a_date_in_numbers_both_ways_is_asked_about_where_the_month_may_come_first(
    new_york, line, told
):
    """In New York "05/03/2027" was read as 5 March without a word, where most people
    mean 3 May. Nothing is recorded; whoever typed it is asked, privately."""
    [reply] = Table(new_york).command("ben", line, NOON)
    assert isinstance(reply, Reply) and reply.private and reply.user == "ben"
    assert plain(reply).startswith(told)


def test_time_zones_a_date_in_numbers_is_still_read_day_first_elsewhere(amsterdam):
    [announced] = Table(amsterdam).command(
        "ben", "/agree we pin the image because deploys broke review 05/03/2027", NOON
    )
    assert announced.agreement.review_on == date(2027, 3, 5)


def test_time_zones_a_date_in_numbers_one_way_only_is_read_where_the_month_may_come_first(
    new_york,
):
    """ "05/13/2027" has no 13th month: in New York it is 13 May. It was refused there as
    unreadable, a /review's too, and a date typed in Discord's form."""
    table = Table(new_york)
    [announced] = table.command(
        "ben", "/agree tea at three because we need breaks review 05/13/2027", NOON
    )
    assert announced.agreement.review_on == date(2027, 5, 13)
    told = table.command("ben", "/review keep 1 because it works review 12/31/2026", NOON)
    assert any("31 December 2026" in plain(action) for action in told), [plain(a) for a in told]
    [submitted] = table.submit(NOON, None, "05/13/2027")
    assert isinstance(submitted, AnnounceAgreement), plain(submitted)
    assert submitted.agreement.review_on == date(2027, 5, 13)
