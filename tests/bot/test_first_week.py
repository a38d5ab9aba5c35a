"""A new Dutch-speaking table's first week, through the real service and storage: each
step a new team takes is one the bot's own words show it (where to say one's
organisation and mandate), in the language the team writes. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from tests.bot.test_introductions import joined
from tests.helpers import Chat


def test_first_week_introduction_says_how_to_take_a_seat_for_an_organisation(app):
    # Ground rule 2: everyone is at the table for an organisation, with a mandate. A table
    # of three organisations hears from the start how to say both.
    [hallo] = joined(Chat(app), timedelta(0), "nl")
    assert (
        "Zit je aan tafel namens een organisatie? Noem die met /tafel aanschuiven "
        "<organisatie>, en je mandaat met /mandaat <waarmee ik mag instemmen>."
    ) in hallo.splitlines()
    [hello] = joined(Chat(app, channel="C2"), timedelta(0), "en")
    assert (
        "At the table for an organisation? Say which with /table join <organisation>, and "
        "what you may agree to with /mandate <what I may agree to>."
    ) in hello.splitlines()


def test_first_week_mandates_listing_tells_the_asker_without_one_how_to_give_it(app):
    chat = Chat(app)
    chat.command("fatima", "/mandaat afspraken over de wijkaanpak tot 5000 euro", "09:00")
    chat.say("gerrit", "goedemorgen allemaal", "09:01")
    chat.command("gerrit", "/mandaat", "09:02")
    assert chat.texts()[-1].splitlines() == [
        "Mandaten aan deze tafel:",
        "fatima: afspraken over de wijkaanpak tot 5000 euro (vernieuwd 2 maart 2026)",
        "gerrit: nog geen mandaat opgegeven",
        "Nog geen mandaat? Geef je mandaat met /mandaat <waarmee ik mag instemmen>.",
    ]
    # Whoever has one is not told what they did already.
    chat.command("fatima", "/mandaat", "09:03")
    assert "Nog geen mandaat?" not in chat.texts()[-1]


def test_first_week_table_listing_says_how_to_give_an_organisation(app):
    chat = Chat(app)
    chat.command("fatima", "/tafel aanschuiven GGD", "09:00")
    chat.say("gerrit", "goedemorgen allemaal", "09:01")
    chat.command("gerrit", "/tafel", "09:02")
    lines = chat.texts()[-1].splitlines()
    assert lines[:4] == [
        "Aan deze tafel:",
        "fatima, namens GGD",
        "gerrit, organisatie nog niet opgegeven",
        "Nog geen organisatie opgegeven? Geef de jouwe met /tafel aanschuiven <organisatie>.",
    ]
    chat.command("gerrit", "/tafel aanschuiven Gemeente", "09:03")
    chat.command("gerrit", "/tafel", "09:04")
    assert "/tafel aanschuiven" not in chat.texts()[-1]


def test_first_week_a_snooze_or_window_it_cannot_read_says_what_was_wrong(app):
    # "/sluimer morgen" is what a new member types first: the answer says why it was not
    # taken, before how it is written.
    chat = Chat(app)
    chat.command("gerrit", "/sluimer morgen", "09:00")
    assert chat.texts()[-1].splitlines() == [
        "“morgen” kan ik niet lezen als een tijdsduur: zeg hoe lang, in minuten, uren of dagen.",
        "Gebruik: /sluimer [1u]",
        "Voorbeeld: /sluimer 2u",
    ]
    chat.command("gerrit", "/problem-window a while", "09:01")
    assert chat.texts()[-1].splitlines()[0] == (
        "“a while” is not a length of time I can read: say how long, in minutes, hours or days."
    )


def test_first_week_an_answer_with_no_round_open_points_to_starting_one(app):
    # /zorg and /zorgen are two letters apart: a new member who meant to ask the table
    # hears how, not only that nothing is open.
    chat = Chat(app)
    chat.say("gerrit", "goedemorgen allemaal", "09:00")
    chat.command("gerrit", "/zorg We bellen elke maandag om 9 uur met de huisarts", "09:01")
    assert chat.texts()[-1].splitlines() == [
        "Hier loopt nu geen zorgenronde.",
        "Wil je iedereen naar zorgen over een voorstel vragen? Dat doe je met /zorgen <voorstel>.",
    ]
