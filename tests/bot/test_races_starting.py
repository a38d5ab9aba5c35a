"""A process starting (bootstrap: reviews_at_nine) while the running one handles
`/table timezone` at a table (PostgreSQL, the interleaving forced at the start-up step's
statements): whenever the command lands, the table's review stays at 09:00 where the
table now sits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from bot.table_zones import reviews_at_nine
from tests.bot.test_time_zones import Table, _review_timers
from tests.conftest import make_app


@pytest.mark.parametrize("when", ["before_cursor_execute", "after_cursor_execute"])
def test_a_start_while_a_table_sets_its_zone_keeps_its_review_at_nine_there(
    postgres_url, tagged, when
):
    running = make_app(postgres_url, tagged)  # the process already running (default UTC)
    table = Table(running, "C1")
    table.command("ben", "/agree rule for December because we need it review 10 December",
                  datetime(2026, 11, 1, 12, tzinfo=UTC))  # fmt: skip
    starting = threading.current_thread()
    ran = []

    def command_at_the_reviews_read(connection, cursor, statement, *args) -> None:
        """Before (or after) the start-up step reads the reviews: the whole command."""
        if threading.current_thread() is not starting or ran or "review_on" not in statement:
            return
        ran.append(statement)
        command = threading.Thread(
            target=table.command,
            args=("ben", "/table timezone Asia/Tokyo", datetime(2026, 11, 2, 12, tzinfo=UTC)),
        )
        command.start()
        command.join(timeout=30)
        assert not command.is_alive()

    event.listen(running.database, when, command_at_the_reviews_read)
    try:
        reviews_at_nine(running.database, "UTC")  # what bootstrap runs at start
    finally:
        event.remove(running.database, when, command_at_the_reviews_read)
    assert ran
    assert _review_timers(running) == {
        ("C1", "review:1:1"): datetime(2026, 12, 10, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
    }
