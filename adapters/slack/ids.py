"""Names shared by the Block Kit we send and the payloads that come back: action and
callback ids, and the small JSON values buttons and modals carry.

A button's value holds what its click needs to become a neutral event (the table's
channel, the problem or round it is about, the language), so a click works the same in
the channel, in a DM fallback and on App Home, and after a restart.
"""

from __future__ import annotations

import json
from typing import Any

from rules.grammar import COMMENT_LIMIT

# Buttons on a nudge.
NUDGE_PROPOSE = "nudge_propose"
NUDGE_DISMISS = "nudge_dismiss"
NUDGE_HAS_PROPOSAL = "nudge_has_proposal"
NUDGE_SNOOZE = "nudge_snooze"
NUDGE_WHY = "nudge_why"
# Under the thanks for "Not a problem" (for "It has a proposal"): take it back.
NUDGE_UNDO = "nudge_undo"
NUDGE_UNDO_PROPOSAL = "nudge_undo_proposal"
# Buttons on a concern round (and its reminders, and App Home).
ROUND_NONE = "round_none"
ROUND_CONCERN = "round_concern"
ROUND_RECORD = "round_record"
# Buttons on a review announcement.
REVIEW_KEEP = "review_keep"
REVIEW_REVISE = "review_revise"
REVIEW_RETIRE = "review_retire"
REVIEW_DECISIONS = {REVIEW_KEEP: "keep", REVIEW_REVISE: "revise", REVIEW_RETIRE: "retire"}
# Buttons after a meeting: renew a mandate (in the channel and in reminder DMs), evaluate.
RENEWAL_RENEWED = "renewal_renewed"
RENEWAL_CHECK = "renewal_check"
RENEWAL_OUTCOMES = {RENEWAL_RENEWED: "renewed", RENEWAL_CHECK: "check"}
EVALUATE = "evaluate"
# "Not now" under a round's or a renewal's reminder DM: the person's reminders there wait.
REMINDERS_SNOOZE = "reminders_snooze"

# Modals (view callback ids) and the message shortcut.
PROPOSAL_MODAL = "proposal_modal"
CONCERN_MODAL = "concern_modal"
AGREEMENT_MODAL = "agreement_modal"
REVISE_MODAL = "revise_modal"
EVALUATION_MODAL = "evaluation_modal"
RECORD_SHORTCUT = "record_agreement"

# Input blocks of the modals; each holds one element whose action id is "value".
FIELD = "value"
PROPOSAL = "proposal"
CONCERN = "concern"
WHAT = "what"
WHY = "why"
OWNER = "owner"
ROLE = "role"
REVIEW = "review"
LESSON = "lesson"
NEW_TEXT = "new_text"
COMMENT = "comment"


def score_block(number: int) -> str:
    """The input block of the evaluation's `number`th value (from 1)."""
    return f"score_{number}"


# Slack's limits on a button value and on private_metadata.
MAX_VALUE = 2000
MAX_METADATA = 3000
# The longest evaluation comment kept, as with a typed /evaluate.
MAX_COMMENT = COMMENT_LIMIT


def pack(limit: int = MAX_VALUE, **fields: Any) -> str:
    """A compact JSON value; None fields are left out. Raises if it cannot fit."""
    value = json.dumps(
        {k: v for k, v in fields.items() if v is not None},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    if len(value) > limit:
        raise ValueError(f"value of {len(value)} characters exceeds Slack's {limit}")
    return value


def pack_with_text(key: str, text: str, limit: int = MAX_VALUE, **fields: Any) -> str:
    """Like `pack`, with one free text shortened until the whole value fits."""
    while True:
        try:
            return pack(limit, **fields, **{key: text})
        except ValueError:
            if not text:
                raise
            text = text[: max(0, len(text) - 100)]


def pack_whole_text(text: str, **fields: Any) -> str:
    """A value carrying `text` ("x") for a form to prefill; when it does not fit whole,
    the start of it and "s": 1, so the form can say that the end is missing."""
    value = pack_with_text("x", text, **fields)
    if unpack(value).get("x") != text:
        value = pack_with_text("x", text, s=1, **fields)
    return value


def unpack(value: str | None) -> dict[str, Any]:
    """The fields of a value made by `pack`; {} for anything else."""
    try:
        data = json.loads(value or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
