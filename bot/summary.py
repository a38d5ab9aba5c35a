"""The short report printed after a replay: what happened, and what was agreed."""

from __future__ import annotations

from bot import views
from bot.bootstrap import Groundrules
from bot.printable import printable_line
from rules.agreements import reason_shown


def print_summary(app: Groundrules, workspace: str, result) -> None:
    problems = views.problem_counts(app.database, workspace)
    rounds = views.round_outcomes(app.database, workspace)
    agreements = [a for a in views.agreements(app.database, workspace) if a.status == "current"]
    print()
    print("Summary")
    print(
        f"  {result.messages} messages and {result.commands} commands "
        f"in {len(result.channels)} channel(s); {result.actions} bot actions, "
        f"{result.nudges} of them private nudges"
    )
    # Where each problem stands now: one nudged and later answered, withdrawn or said not
    # to be a problem counts under that, so the nudges above may outnumber "nudged, ...".
    print(
        f"  problems named: {problems.named}; answered by a proposal: {problems.answered}; "
        f"nudged, still without a proposal: {problems.nudged}; "
        f"withdrawn or not a problem: {problems.dismissed}; "
        f"still waiting, not nudged yet: {problems.waiting}"
    )
    closed = {k: v for k, v in rounds.items() if k != "open"}
    print(
        f"  concern rounds: {sum(rounds.values())} "
        f"(closed when all answered: {closed.get('answered', 0)}, "
        f"at the deadline: {closed.get('deadline', 0)}, "
        f"withdrawn: {closed.get('withdrawn', 0)}, open: {rounds.get('open', 0)})"
    )
    print(f"  agreements: {len(agreements)}")
    for a in agreements:
        # People's words and names, their control characters shown (bot.printable), as
        # the lines above show them.
        print(printable_line(f"    #{a.number} {a.text}"))
        # After "why:" as the chat's "Why:": a Dutch clause keeps the "omdat" it needs.
        print(printable_line(f"       why: {reason_shown(a.why)}"))
        print(
            printable_line(
                f"       owner: {a.owner.replace('role:', 'role ')}; "
                f"consent: {', '.join(a.consenters)}; "
                f"review on {a.review_on.isoformat()}"
            )
        )
    if result.errors:
        print(f"  skipped lines: {', '.join(str(e.line) for e in result.errors)}")
