"""Every command's example, shown with its usage, is one the bot reads, in English and
in Dutch: an example that were refused would teach the refusal."""

from __future__ import annotations

from datetime import date

import pytest

from rules.grammar import COMMANDS, UsageError, find_command, parse_command, reached_command
from rules.i18n import gettext

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.name)
def test_a_commands_example_is_read_as_that_command(spec, lang):
    if not spec.example:
        assert not spec.usage.partition(" ")[2]  # only a command without words has none
        return
    example = gettext(spec.example, lang)
    name, _, args = example.lstrip("/").partition(" ")
    assert name == (spec.dutch if lang == "nl" else spec.name)
    reached, _, own = reached_command(name, args)
    parsed = parse_command(reached, own, today=TODAY, lang=lang)
    if spec.name == "groundrules":  # "help agree": how /agree works
        assert parsed == UsageError(find_command("agree")[0], asked=True)
    else:
        assert reached == spec
        assert not isinstance(parsed, UsageError), parsed
