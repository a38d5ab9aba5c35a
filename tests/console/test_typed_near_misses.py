"""Typed commands that a typo or a full name once turned into a public post (a concern
round about "withdrw", a mandate "renw", an agreement owned by whoever typed it), driven
through the console: now each is answered privately, and nothing is posted."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.console.console import ConsoleChat
from tests.conftest import make_app

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TABLE = ["/as ben", "hi", "/as chris", "hi", "/as anna", "hoi"]


def chat(tmp_path, classifier, lines: list[str]) -> str:
    app = make_app(f"sqlite:///{tmp_path}/console.db", classifier)
    shown: list[str] = []
    ConsoleChat(app, start=START, write=shown.append).run(TABLE + lines)
    return "\n".join(shown)


def test_typos_and_full_names_are_answered_privately_and_post_nothing(tmp_path, rule_classifier):
    text = chat(tmp_path, rule_classifier, [
        "/concerns withdrw", "/zorgen intrekke", "/mandate renw", "/mandaat vernieuwn",
        "/afspraak Sluiten om 17u omdat de schoonmaak begint eigenaar Jan van der Berg",
        "/agree Close at 5 because cleaning starts owner @jan de Vries",
        "/agree Tea at 3 because the afternoon is long review yesterday",
        "/afspraak Thee om 3 omdat pauze herziening gisteren",
        "/role assign nosuch @ben",
    ])  # fmt: skip
    assert "[bot in #general]" not in text
    assert "Did you mean /concerns withdraw?" in text
    assert "Bedoelde je /zorgen intrekken?" in text
    assert "Did you mean /mandate renew?" in text and "Bedoelde je /mandaat vernieuwen?" in text
    assert 'give it in quotes: /mandate "renw"' in text
    assert "Noem de eigenaar met @, zoals eigenaar @anna" in text
    assert "I do not know who “@jan de Vries” is here, so nothing was recorded." in text
    assert "The review date “yesterday” is" in text and "which is not in the future" in text
    assert "De herzieningsdatum “gisteren” is" in text and "die ligt niet in de toekomst" in text
    # Shown back whole, to correct and send again.
    assert ("What you sent, to correct and send again: /agree Tea at 3 because the afternoon "
            "is long review yesterday") in text  # fmt: skip
    assert "No roles here yet. Add one with /role add <name> <tasks>." in text
    assert "Roles: -" not in text


def test_a_full_name_for_a_member_of_one_word_and_new_dates_record_as_typed(
    tmp_path, rule_classifier
):
    text = chat(tmp_path, rule_classifier, [
        "/afspraak Thee om 3 omdat pauze eigenaar @ben herziening volgende week dinsdag",
        "/sluimer een kwartier",
    ])  # fmt: skip
    assert "Afspraak #1: Thee om 3" in text and "Waarom: pauze" in text
    assert "Eigenaar: ben." in text and "10 maart 2026" in text
    assert "Gebruik: /sluimer" not in text
