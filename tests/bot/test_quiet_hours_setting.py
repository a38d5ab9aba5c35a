"""GROUNDRULES_QUIET_HOURS: the tables' night, with a default, and off for none."""

from __future__ import annotations

from datetime import time

import pytest

from bot.settings import SettingsError, load_settings
from rules.quiet_hours import QuietHours


def test_quiet_hours_are_a_setting_with_a_default_and_off(monkeypatch):
    monkeypatch.delenv("GROUNDRULES_QUIET_HOURS")
    assert str(load_settings().table_defaults().quiet_hours) == "21:00-08:00"
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "22:30-7:00")
    assert load_settings().quiet_hours == QuietHours(time(22, 30), time(7, 0))
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "off")
    assert load_settings().table_defaults().quiet_hours is None
    monkeypatch.setenv("GROUNDRULES_QUIET_HOURS", "nights")
    with pytest.raises(SettingsError, match="GROUNDRULES_QUIET_HOURS"):
        load_settings()
