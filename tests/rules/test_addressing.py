"""A request to one named person is told from a proposal for the team."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules.addressing import is_task_for_one


@pytest.mark.parametrize(
    "text",
    [
        "Marcus can you move the chicken to freezer 1? I'll call the repair guy Monday",
        "Ben, can you send the rota today?",
        "Hi Ben, could you check the boiler before 9?",
        "Good morning Priya, would you update the donor sheet?",
        "Hi Noor! Could you do the early pickup tomorrow?",
        "Jess before you open, can you ask box office to hold row P if we need it?",
        "Olu, please sweep the loading bay before the lorry comes",
        "Mateo — please grab the boom pole from the van",
        "<@U04KD8S2L> can you look at the failing build?",
        "<@U04KD8S2L|sam> please re-run the deploy",
        "@priya.k could you move the sprint dates on the board?",
        "@joyce kun jij vanmiddag bij Roos assisteren?",
        "Noor, als je toch naar achteren loopt, kun je Bram bellen?",
        "Beste Jan, kun je de sleutel morgen brengen?",
        "Hé Daan, kan je de testomgeving even herstarten?",
        "Mevrouw De Wit, kunt u de uitslag doorsturen?",
        "Mevrouw van der Berg, kunt u de uitslag doorsturen?",  # two particles
        "Meneer van den Heuvel, wilt u de sleutel brengen?",
        "Mr van der Merwe, could you send the minutes?",
        "Dr. Janssen, zou u morgen het spreekuur willen overnemen?",
        "Hilde, kunt gij de firma bellen?",
        "Siân could you ask the rep to come in by the top gate?",
    ],
)
def test_a_request_to_one_named_person_is_a_task(text):
    assert is_task_for_one(text)


@pytest.mark.parametrize(
    "text",
    [
        # The team is the subject, whoever is named first.
        "Sam, shall we move the stand-up to 9:30?",
        "Sam, we could move the stand-up to 9:30",
        "Anna, laten we het morgen doen",
        "@sam let's move the retro",
        # No one named: words that open any sentence, exclamations, the group.
        "Can you all check your rota?",
        "Tomorrow can you bring the keys?",
        "Please can someone reset my password?",
        "Perfect, send it over",
        "Grand, leave the top field till tomorrow, you'll see it dry out",
        "Allez, doe het efkes met de papieren nummers als ge kunt",
        "Kun je het rooster vandaag sturen?",
        "Morgen kun je de sleutel halen",
        "Morning all, please fill in the rota",
        "<!here> can someone look at staging?",
        # More than one person asked.
        "@jonas @fatima can you two split the night shift?",
        "Bram en Sterre, kunnen jullie de bar doen?",
        # Named, but asked what they know or think, not to act.
        "Faith, what do you think about moving the herbs to the front?",
        "Raj, do you know if the fridge engineer is booked?",
        "Ellen, heb je al iets gehoord van de gemeente?",
        "Hoi Mila, past de 14e jou voor de training?",
        # Named, but the writer offers, answers, or asks about someone else.
        "Aisling, I'll cover the science lab period myself",
        "@noor I'll rebase your branch tonight",
        "Sanne, ik bel vanmiddag zijn woonbegeleider",
        "Markus, ja, ik stuur hem een berichtje",
        "Morag, is Euan free for the 10:00?",
        # The team's proposals.
        "Shall we move the stand-up to 9:30?",
        "Zullen we de retro naar donderdag verplaatsen?",
        "Let's rotate the weekend shift",
        "Ben",
        "",
    ],
)
def test_a_proposal_that_asks_no_one_person_to_act_is_not_a_task(text):
    assert not is_task_for_one(text)


def test_only_the_first_sentence_is_read_for_the_one_named():
    # A plan first and a task after it: the plan is the table's to agree.
    assert not is_task_for_one("Dan doen we het journaal in studio 1. Frank, kun je daar filmen?")
    assert is_task_for_one("Katrien, kunt ge een reserve-examen halen? Anders verschuiven we het")


PROBES = Path(__file__).resolve().parents[2] / "data" / "probes" / "requests"


@pytest.mark.parametrize(
    ("name", "least_recall"),
    [("set-1", 0.55), ("set-2", 0.55), ("set-3", 0.55), ("set-4", 0.55), ("set-5", 0.2)],
)
def test_the_probes_written_to_trip_it_are_read_precisely(name, least_recall):
    # Set 4 was read once to measure the shipped detector (0.99 / 0.69); sets 1-3
    # shaped it; set 5 is plain orders it mostly misses (1.00 / 0.24). A proposal
    # taken for a task costs the table an offer, so precision is what must hold.
    rows = [json.loads(line) for line in (PROBES / f"{name}.jsonl").read_text("utf-8").splitlines()]
    flagged = [row["request_to_one"] for row in rows if is_task_for_one(row["text"])]
    requests = sum(row["request_to_one"] for row in rows)
    assert sum(flagged) / len(flagged) >= 0.95
    assert sum(flagged) / requests >= least_recall


def test_a_long_paste_is_read_only_at_its_start():
    assert is_task_for_one("Ben, can you read this log? " + "ERROR disk full\n" * 20_000)
    assert not is_task_for_one("error " * 20_000 + "Ben, can you look?")
