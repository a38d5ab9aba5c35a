"""Block Kit rendering: escaped words, names instead of mentions, both languages, limits."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from adapters.slack import blocks, ids
from adapters.slack.blocks import Voice, escape
from bot.models import AgreementRow
from bot.views import HeldMandate, HeldRole, MemberHome, WaitingRound
from rules.actions import (
    AgreementView,
    AnnounceReview,
    AskEvaluation,
    AskRenewal,
    PostRoundSummary,
    RoundView,
    SendNudge,
    SuggestAgreement,
)
from rules.grammar import COMMANDS, EVALUATION_VALUES
from rules.i18n import LANGUAGES
from rules.say import N_, Lines, Member, Members, Quote, Say
from tests.standins.slack_limits import message_problems, view_problems

NAMES = {"U-ALICE": "Alice", "U-BOB": "Bob <!here>", "U-CAROL": "Carol"}
HOSTILE = "<!channel> <!here> <!everyone> <@U123> <!subteam^S1|team> & co"
SAFE = (
    "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; &lt;!subteam^S1|team&gt; "
    "&amp; co"
)
# The same in someone's echoed words: read as Slack shows them, as plain words.
ECHOED = "@channel @here @everyone @U123 @team &amp; co"


def shown(value: object) -> str:
    """Every text Slack would display, minus button values and metadata."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(node["text"])
            for key, item in node.items():
                if key not in ("value", "private_metadata"):
                    walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return "\n".join(found)


def mrkdwn_objects(value: object) -> list[dict]:
    if isinstance(value, dict):
        own = [value] if value.get("type") == "mrkdwn" else []
        return own + [found for item in value.values() for found in mrkdwn_objects(item)]
    if isinstance(value, list):
        return [found for item in value for found in mrkdwn_objects(item)]
    return []


def round_view(**changes) -> RoundView:
    view = {
        "round_id": "r1", "proposal": HOSTILE, "proposer": "U-ALICE", "thread_id": None,
        "deadline": datetime(2026, 3, 3, tzinfo=UTC), "participants": ("U-BOB", "U-CAROL"),
        "no_concerns": ("U-BOB",), "concerns": (),
    } | changes  # fmt: skip
    return RoundView(**view)


def test_blocks_escape_leaves_nothing_that_pings():
    assert escape(HOSTILE) == SAFE


@pytest.mark.parametrize(
    ("lang", "said", "shown_as"),
    [
        ("en", "ask <@U-BOB> first", "ask @Bob &lt;!here&gt; first"),  # a name, escaped
        ("en", "ask <@U-ALICE|alice> and <@U-NEW|newbie>", "ask @Alice and @newbie"),
        ("en", "ask <@U-EXT> or <@U-EXT|ext>", "ask (name not visible) or @ext"),
        ("en", "ask <@U-GONE>", "ask @U-GONE"),  # a lookup that failed: the id
        ("nl", "vraag <@U-EXT>", "vraag (naam niet zichtbaar)"),
        ("en", "see <#C9|general> and <#C8>", "see #general and <#C8>"),  # a link pings nobody
        ("en", "<!here> <!channel|@channel> <!everyone>", "@here @channel @everyone"),
        ("en", "for <!subteam^S1|@ops> and <!subteam^S2>", "for @ops and a user group"),
        ("nl", "voor <!subteam^S2>", "voor een gebruikersgroep"),
        ("en", "on <!date^1392734382^{date}|Feb 18>", "on Feb 18"),
        ("en", "at <https://x.test/?b&c|x.test/?b&c> now", "at <https://x.test/?b&amp;c> now"),
        ("en", "a <https://x.test|Click to confirm> link", "a <https://x.test> link"),
        ("en", "mail <mailto:a@x.test|a@x.test>", "mail a@x.test"),
        ("en", "1 <2 and <b> or <@U1 2>", "1 &lt;2 and &lt;b&gt; or &lt;@U1 2&gt;"),
        ("en", "<javascript:x|y>", "&lt;javascript:x|y&gt;"),
    ],
)  # fmt: skip
def test_blocks_mentions_in_people_s_words_read_as_names_and_never_ping(lang, said, shown_as):
    """Slack's markup in echoed words reads as Slack shows it ("@anna", "#general"),
    written as plain words that cannot ping (mrkdwn is verbatim)."""
    voice = Voice(lang, {**NAMES, "U-EXT": None, "U-GONE": "U-GONE"})
    assert voice.say("{text}", text=Quote(said)) == shown_as


def test_blocks_a_first_pass_learns_whom_the_words_mention():
    """The adapter looks up, before the real pass, the people a quote mentions too."""
    probe = Voice("en")
    probe.say("> {proposal}", proposal=Quote("ask <@U-BOB> or <@U-CAROL|carol> in <#C1>"))
    assert probe.asked == {"U-BOB", "U-CAROL"}


def test_blocks_mrkdwn_is_verbatim_so_slack_parses_no_mention_in_people_s_words():
    """Not verbatim, Slack would make a plain "@here" in an echoed message a mention."""
    nudge = SendNudge(
        workspace="slack:T", channel="C1", lang="en", user="U-ALICE", problem_id="1.0",
        thread_id=None, problem_text="@here the build is broken #general",
        posted_at=datetime(2026, 3, 2, tzinfo=UTC),
    )  # fmt: skip
    built = [
        blocks.nudge(nudge, Voice("en", NAMES)).blocks,
        blocks.context("@channel look"),
        *(page.blocks for page in blocks.pages("@here " * 2000, Voice("en"))),
    ]
    found = mrkdwn_objects(built)
    assert len(found) > 3 and all(node["verbatim"] is True for node in found)


def test_blocks_nudge_escapes_the_problem_and_names_the_author():
    nudge = SendNudge(
        workspace="slack:T", channel="C1", lang="en", user="U-ALICE", problem_id="1.0",
        thread_id=None, problem_text=HOSTILE, posted_at=datetime(2026, 3, 2, tzinfo=UTC),
    )  # fmt: skip
    message = blocks.nudge(nudge, Voice("en", NAMES))
    text = shown(message.blocks) + message.text
    assert ECHOED in text and "Hi Alice" in text
    assert "<!" not in text and "<@" not in text
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [
        ids.NUDGE_PROPOSE, ids.NUDGE_HAS_PROPOSAL, ids.NUDGE_DISMISS, ids.NUDGE_SNOOZE,
        ids.NUDGE_WHY,
    ]  # fmt: skip
    value = ids.unpack(actions["elements"][0]["value"])
    assert (value["c"], value["p"], value["l"]) == ("C1", "1.0", "en")


def test_blocks_round_progress_names_without_pinging():
    message = blocks.concern_round(round_view(), "C1", Voice("en", NAMES))
    text = shown(message.blocks)
    assert "1 of 2 answered; waiting for Carol." in text
    assert "Concern round: Alice proposes" in text and ECHOED in text
    assert "<!" not in text and "<@" not in text


def test_blocks_summary_escapes_concerns_and_offers_the_agreement():
    view = round_view(no_concerns=("U-BOB", "U-CAROL"))
    action = PostRoundSummary(workspace="slack:T", channel="C1", lang="nl", round=view,
                              outcome="answered", suggest_agreement=True)  # fmt: skip
    [message] = blocks.summary(action, Voice("nl", NAMES))
    text = shown(message.blocks)
    assert "Geen zorgen: Bob &lt;!here&gt; en Carol." in text  # a display name is escaped too
    [record] = next(b for b in message.blocks if b["type"] == "actions")["elements"]
    assert record["text"]["text"] == "Vastleggen als afspraak"
    assert ids.unpack(record["value"])["x"] == HOSTILE  # raw: it prefills a plain-text field


@pytest.mark.parametrize(("lang", "unnamed"), [("en", "(name not visible)"),
                                              ("nl", "(naam niet zichtbaar)")])  # fmt: skip
def test_blocks_a_member_slack_does_not_describe_is_named_so(lang, unnamed):
    """Slack will not show the bot some members (another organisation's, in a shared
    channel): they are named in words, not by an id that looks broken or a mention."""
    view = round_view(proposer="U-EXT", no_concerns=("U-BOB",), participants=("U-BOB", "U-EX2"))
    names = {**NAMES, "U-EXT": None, "U-EX2": None}
    text = shown(blocks.concern_round(view, "C1", Voice(lang, names)).blocks)
    assert text.count(unnamed) == 2  # the proposer, and who is still waiting
    assert "U-EX" not in text and "<@" not in text


def test_blocks_voice_records_whom_a_text_names():
    probe = Voice("en")
    blocks.concern_round(round_view(), "C1", probe)
    # the proposer, who is still waiting, and whom the proposal mentions
    assert probe.asked == {"U-ALICE", "U-CAROL", "U123"}


def test_blocks_long_text_is_split_into_sections_under_the_limit():
    text = "\n".join(f"line {n} " + "x" * 200 for n in range(40))
    sections = blocks.sections(text)
    assert len(sections) > 1
    assert all(len(s["text"]["text"]) <= blocks.MAX_SECTION for s in sections)
    assert "\n".join(s["text"]["text"] for s in sections) == text
    one_long_line = [s["text"]["text"] for s in blocks.sections("y" * 7000)]
    assert [len(t) for t in one_long_line] == [3000, 3000, 1004]  # 2,998 and 1,002 go on quoted
    assert [t[:3] for t in one_long_line] == ["yyy", "> y", "> y"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blocks_modals_fit_slacks_limits_in_every_language(lang):
    voice = Voice(lang)
    modals = [
        blocks.proposal_modal("{}", HOSTILE, voice),
        blocks.concern_modal("{}", HOSTILE, voice),
        blocks.agreement_modal("{}", voice, text="x" * 5000),
        blocks.revise_modal("{}", 3, HOSTILE, voice),
        blocks.evaluation_modal("{}", EVALUATION_VALUES, voice),
    ]
    for modal in modals:
        for key in ("title", "submit", "close"):
            assert 0 < len(modal[key]["text"]) <= blocks.MAX_TITLE, (lang, modal[key])
        for block in modal["blocks"]:
            initial = block.get("element", {}).get("initial_value", "")
            assert len(initial) <= blocks.MAX_INPUT
            for option in block.get("element", {}).get("options", []):
                assert len(option["text"]["text"]) <= blocks.MAX_OPTION
        assert "<!channel>" not in shown(modal["blocks"])
    assert json.dumps(modals)


def test_blocks_home_lists_what_waits_and_stays_within_slacks_block_limit():
    waiting = [
        WaitingRound("C1", f"r{n}", HOSTILE, "U-ALICE", datetime(2026, 3, 3, tzinfo=UTC))
        for n in range(30)
    ]
    page = MemberHome(rounds_waiting=waiting, reviews_due=[], recent_agreements=[],
                      channels=["C1", "C2"])  # fmt: skip
    view = blocks.home(page, Voice("en", NAMES))
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    text = shown(view["blocks"])
    assert "Alice proposes, in <#C1>:" in text and ECHOED in text
    assert "No agreements are due for review." in text
    assert "Your tables: <#C1>, <#C2>" in text


def test_blocks_home_for_someone_at_no_table():
    page = MemberHome(rounds_waiting=[], reviews_due=[], recent_agreements=[], channels=[])
    text = shown(blocks.home(page, Voice("nl"))["blocks"])
    assert "Er wacht niets op je antwoord." in text
    assert "Je zit nog aan geen enkele tafel" in text


def test_blocks_review_offers_keep_revise_retire():
    review = AnnounceReview(
        workspace="slack:T", channel="C1", lang="en",
        agreement=AgreementView(
            number=2, text=HOSTILE, why="why", owner="U-BOB", recorded_by="U-ALICE",
            consenters=("U-ALICE",), concerns=(), review_on=date(2026, 4, 1), version=1,
            replaces=None, status="current",
        ),
    )  # fmt: skip
    message = blocks.review(review, Voice("en", NAMES))
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]] == [
        ids.REVIEW_KEEP, ids.REVIEW_REVISE, ids.REVIEW_RETIRE,
    ]  # fmt: skip
    assert ECHOED in shown(message.blocks)
    # The notification names the commands the buttons stand for; the message shows buttons.
    assert "/review" not in shown(message.blocks)
    assert "/review keep 2, /review revise 2 &lt;new text&gt; because &lt;why&gt;, or " in (
        message.text
    )


def test_blocks_summary_leaves_the_typed_command_to_the_fallback():
    view = round_view(no_concerns=("U-BOB", "U-CAROL"))
    action = PostRoundSummary(workspace="slack:T", channel="C1", lang="en", round=view,
                              outcome="answered", suggest_agreement=True)  # fmt: skip
    [message] = blocks.summary(action, Voice("en", NAMES))
    assert "No open concerns. Record this as an agreement?" in shown(message.blocks)
    assert "/agree" not in shown(message.blocks) and "/agree" in message.text


@pytest.mark.parametrize("reminder", [False, True], ids=["table", "reminder"])
def test_blocks_renewal_names_the_members_and_offers_both_answers(reminder):
    action = AskRenewal(workspace="slack:T", channel="C1", lang="en", meeting_id="m1",
                        users=("U-ALICE", "U-BOB", "U-CAROL"), reminder=reminder)  # fmt: skip
    [message] = blocks.renewal(action, Voice("en", NAMES))
    text = shown(message.blocks)
    if reminder:
        assert "please renew your mandate" in text and "In <#C1>" in text
    else:
        assert "outcome: Alice, Bob &lt;!here&gt; and Carol." in text
    assert "<!" not in text and "<@" not in text and "/mandate" not in text
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    not_now = [ids.REMINDERS_SNOOZE] if reminder else []  # by DM, it may wait a while
    assert [e["action_id"] for e in actions["elements"]] == [
        ids.RENEWAL_RENEWED, ids.RENEWAL_CHECK, *not_now
    ]  # fmt: skip
    assert ids.unpack(actions["elements"][0]["value"]) == {"c": "C1", "m": "m1", "l": "en"}


@pytest.mark.parametrize("reminder", [False, True], ids=["table", "reminder"])
def test_blocks_renewal_for_those_without_a_mandate_asks_to_set_one_without_buttons(reminder):
    """Nothing to renew: no Renewed / Must check buttons, and the command to set one."""
    action = AskRenewal(
        workspace="slack:T", channel="C1", lang="nl", meeting_id="m1", users=("U-BOB",),
        without_mandate=("U-BOB",), reminder=reminder,
    )  # fmt: skip
    [message] = blocks.renewal(action, Voice("nl", NAMES))
    text = shown(message.blocks)
    assert "nog geen mandaat" in text.lower() and "vernieuw" not in text
    # By DM (a reminder), it says where to type it: the DM is no table.
    where = " in <#C1>" if reminder else ""
    assert (
        f"Nog geen mandaat? Geef je mandaat{where} met /mandaat &lt;waarmee ik mag instemmen&gt;."
        in text
    )
    buttons = [e["action_id"] for b in message.blocks if b["type"] == "actions"
               for e in b["elements"]]  # fmt: skip
    assert buttons == ([ids.REMINDERS_SNOOZE] if reminder else [])  # only "Not now", by DM


def test_blocks_evaluation_lists_the_values_and_carries_them_to_the_form():
    action = AskEvaluation(workspace="slack:T", channel="C1", lang="nl", meeting_id="m1",
                           values=EVALUATION_VALUES)  # fmt: skip
    message = blocks.evaluation(action, Voice("nl"))
    text = shown(message.blocks)
    assert "1. afspraken nakomen" in text and "9. kunnen luisteren naar elkaar" in text
    [evaluate] = next(b for b in message.blocks if b["type"] == "actions")["elements"]
    assert evaluate["text"]["text"] == "Evalueren"
    assert ids.unpack(evaluate["value"])["v"] == list(EVALUATION_VALUES)

    modal = blocks.evaluation_modal("{}", EVALUATION_VALUES, Voice("nl"))
    labels = [b["label"]["text"] for b in modal["blocks"] if b["type"] == "input"]
    assert labels[0] == "1. afspraken nakomen" and labels[-1] == "Opmerking"
    assert len(modal["blocks"]) <= 100


def test_blocks_pages_split_a_long_report_within_slacks_limits():
    line = "x" * 990
    text = "\n".join(f"{n:04d} {line}" for n in range(200))  # about 200,000 characters
    pages = blocks.pages(text, Voice("en"))
    assert len(pages) > 1
    heading = "(continued) 0000 " + "x" * 94 + "…"  # the first line, cut to a heading
    bodies = []
    for index, page in enumerate(pages):
        assert within_limits(page)
        sections = page.blocks if index == 0 else page.blocks[1:]
        body = "\n".join(b["text"]["text"] for b in sections)
        assert page.text == (body if index == 0 else f"{heading}\n{body}")
        bodies.append(body)
    assert "\n".join(bodies) == text
    assert [p.text for p in blocks.pages("short", Voice("en"))] == ["short"]


@pytest.mark.parametrize("lang, word", [("en", "(continued)"), ("nl", "(vervolg)")])
def test_blocks_every_later_page_opens_with_a_heading_of_its_own(lang, word):
    """In a thread or a list of notifications, a page after the first says what it
    continues: in its text (the notification) and in what it shows, within the limits."""
    view = round_view(participants=CROWD, no_concerns=CROWD, proposal="we meet on Mondays")
    action = PostRoundSummary(workspace="slack:T", channel="C1", lang=lang, round=view,
                              outcome="answered", suggest_agreement=True)  # fmt: skip
    first, *rest = blocks.summary(action, Voice(lang, CROWD_NAMES))
    opening = first.text.split("\n")[0].removesuffix(":")
    assert rest and not first.text.startswith(word)
    for page in [first, *rest]:
        assert within_limits(page)
    for page in rest:
        assert page.text.startswith(f"{word} {opening}\n")
        assert page.blocks[0] == blocks.context(f"{word} {opening}")


def test_blocks_a_page_full_to_slacks_limit_leaves_room_for_its_heading():
    """Lines of 1,999 characters fill a page to 39,999 of Slack's 40,000: a later page,
    which opens with its heading, holds one section fewer rather than going over."""
    text = "\n".join(f"{n:04d} " + "y" * 1994 for n in range(80))
    pages = blocks.pages(text, Voice("nl"))
    assert len(pages[0].blocks) == 20 and len(pages[1].blocks) == 1 + 19
    assert all(within_limits(page) for page in pages)
    assert pages[1].text.startswith("(vervolg) 0000 yyy")


def test_blocks_the_heading_repeats_the_bots_own_words_never_a_quote_cut_in_its_markup():
    """A text that opens with someone's words (a quote) takes its heading from the bot's
    first line; a long one is cut between words and never inside a link or an entity."""
    voice = Voice("en")
    assert blocks.continued("> we &amp; they\nOpen concerns:\nmore", voice) == (
        "(continued) Open concerns"
    )
    assert blocks.continued("> only words of someone", voice) == "(continued)"
    assert blocks.continued("x" * 90 + "<#C123456789> on", voice) == (
        "(continued) " + "x" * 90 + "…"
    )
    assert blocks.continued("x" * 96 + "&amp; more", voice) == "(continued) " + "x" * 96 + "…"
    words = "Concerns at this table " + "and more " * 20
    cut = words.rfind(" ", 0, 99)  # between words
    assert blocks.continued(words, voice) == "(continued) " + words[:cut] + "…"
    assert blocks.continued("All is well :white_check_mark:", voice) == (
        "(continued) All is well :white_check_mark:"
    )


def test_blocks_the_bots_own_words_are_escaped_once_and_its_markup_kept():
    """Slack reads &, < and > as control characters in mrkdwn: a usage line's own
    "<what we agree>" must go as &lt;…&gt;, people's words exactly once, while the bot's
    quotes ("> …" at a line start) and channel links stay markup."""
    voice = Voice("en", NAMES)
    usage = voice.say(
        "/agree <what we agree> because <why> [review <date | in N weeks>]",
    )
    assert usage == (
        "/agree &lt;what we agree&gt; because &lt;why&gt; [review &lt;date | in N weeks&gt;]"
    )
    text = voice(
        Lines(
            (
                Say.of("{user} proposes, in {channel}: a & b", user=Member("U-BOB"),
                       channel=blocks.channel_link("C1")),
                Say.of("> {proposal}", proposal=Quote(HOSTILE)),
                Say.of("Answer with /concern <your concern> > {x}", x=Quote("1 > 0")),
            )
        )
    )  # fmt: skip
    assert text.split("\n") == [
        "Bob &lt;!here&gt; proposes, in <#C1>: a &amp; b",
        f"> {ECHOED}",
        "Answer with /concern &lt;your concern&gt; &gt; 1 &gt; 0",
    ]
    # A quote that itself starts with "> " is someone's words, not the bot's markup.
    assert voice.say("{text}", text=Quote("> not markup")) == "&gt; not markup"
    assert voice.say("to {name}", name=Quote("\x0ex\x0f")) == "to x"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blocks_usage_lines_show_their_angle_brackets_in_every_language(lang):
    voice = Voice(lang)
    for spec in COMMANDS:
        line = voice.say(spec.usage)
        assert "<" not in line and ">" not in line, line


def test_blocks_every_line_of_quoted_words_stays_in_the_quote():
    shown = Voice("en")(Say.of("> {p}", p=Quote("move it\n*Everyone has answered* <!here>")))
    assert shown == "> move it\n> \u2217Everyone has answered\u2217 @here"  # not bold either


def test_blocks_a_long_line_is_never_cut_inside_an_entity_or_a_link():
    line = escape("fish & chips " * 600) + "<#C123> " * 300
    first, *more = [b["text"]["text"] for b in blocks.sections(line)]
    assert more and all(len(t) <= 3000 for t in (first, *more))
    assert all(t.startswith("> ") for t in more)  # the rest goes on quoted
    texts = [first, *(t.removeprefix("> ") for t in more)]
    for text in texts:
        assert text.count("&") == text.count("&amp;")  # every entity whole
        assert text.count("<") == text.count(">")  # every link whole
    assert "".join(texts) == line


@pytest.mark.parametrize(
    ("said", "shown_as"),
    [
        ("*everyone* _now_ ~not~ `code`",
         "\u2217everyone\u2217 \u02cdnow\u02cd \u223cnot\u223c \u02cbcode\u02cb"),
        ("ship it ```", "ship it \u02cb\u02cb\u02cb"),
        ("\uff0abold\uff0a \uff3fit\uff3f",  # full width: Slack reads these too
         "\ufe61bold\ufe61 \u2e0fit\u2e0f"),
        ("done :white_check_mark: :+1::skin-tone-2:", "done :white_check_mark: :+1::skin-tone-2:"),
        ("see <https://x.test/a_b*c|label>", "see <https://x.test/a_b*c>"),  # goes where it says
        ("ask <@U-STAR> in <#C1|dev_ops>", "ask @\u2217everyone\u2217 in #dev\u02cdops"),
    ],
)  # fmt: skip
def test_blocks_markup_in_people_s_words_shows_as_typed(said, shown_as):
    """mrkdwn has no escape: people's emphasis and code are shown by look-alikes, so
    that they neither dress their words up nor pair with markup elsewhere in the message."""
    voice = Voice("en", {"U-STAR": "*everyone*"})
    assert voice.say("{text}", text=Quote(said)) == shown_as


def test_blocks_markup_in_names_shows_as_typed():
    voice = Voice("en", {"U-STAR": "*everyone*", "U-DEV": "dev_ops ~ `x`"})
    said = Say.of("No concerns: {users}.", users=Members(("U-STAR", "U-DEV")))
    assert voice(said) == "No concerns: \u2217everyone\u2217 and dev\u02cdops \u223c \u02cbx\u02cb."


def test_blocks_code_marks_in_two_quotes_do_not_make_the_bot_s_lines_between_them_code():
    view = round_view(proposal="we ship on Friday, see ```", no_concerns=("U-BOB",),
                      concerns=(("U-CAROL", "``` not before the freeze"),))  # fmt: skip
    action = PostRoundSummary(workspace="slack:T", channel="C1", lang="en", round=view,
                              outcome="answered", suggest_agreement=False)  # fmt: skip
    [page] = blocks.summary(action, Voice("en", NAMES))
    assert "`" not in shown(page.blocks) and "`" not in page.text


def test_blocks_a_quote_escaping_makes_too_long_for_a_section_goes_on_quoted():
    """598 ampersands escape to 2,990 characters: the proposal's words after them go to
    the next section, where they must stay in the quote, not stand as the bot's."""
    proposal = "&" * 598 + " *Everyone has answered (3 of 3): no concerns. Record it now.*"
    message = blocks.concern_round(round_view(proposal=proposal), "C1", Voice("en", NAMES))
    texts = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert all(len(text) <= blocks.MAX_SECTION for text in texts)
    [tail] = [text for text in texts if "Everyone has answered" in text]
    assert tail.startswith("> ")


def test_blocks_a_concern_escaping_makes_too_long_for_a_section_goes_on_quoted():
    concern = "&" * 596 + " Everyone has answered (3 of 3): no concerns. Record it now."
    view = round_view(no_concerns=(), concerns=(("U-CAROL", concern),))
    action = PostRoundSummary(workspace="slack:T", channel="C1", lang="en", round=view,
                              outcome="answered", suggest_agreement=False)  # fmt: skip
    [page] = blocks.summary(action, Voice("en", NAMES))
    texts = [b["text"]["text"] for b in page.blocks if b["type"] == "section"]
    [tail] = [text for text in texts if "Everyone has answered" in text]
    assert tail.startswith("> ")


# A table of 3,000 members with long display names: some 200,000 characters of names.
CROWD = tuple(f"U-{n:04d}" for n in range(3000))
CROWD_NAMES = {user: f"Volunteer from the neighbourhood association {n:04d}" for n, user in
               enumerate(CROWD)}  # fmt: skip


def within_limits(message: blocks.SlackMessage) -> bool:
    return message_problems({"text": message.text, "blocks": message.blocks}) is None


def test_blocks_a_summary_that_names_a_whole_big_table_goes_in_pages_button_first():
    view = round_view(participants=CROWD, no_concerns=CROWD)
    action = PostRoundSummary(workspace="slack:T", channel="C1", lang="en", round=view,
                              outcome="answered", suggest_agreement=True)  # fmt: skip
    first, *rest = blocks.summary(action, Voice("en", CROWD_NAMES))
    assert rest and all(within_limits(page) for page in (first, *rest))
    assert first.blocks[-1]["elements"][0]["action_id"] == ids.ROUND_RECORD
    assert not any(b["type"] == "actions" for page in rest for b in page.blocks)
    assert "association 2999." in shown(rest[-1].blocks)


@pytest.mark.parametrize("build", ["suggestion", "renewal"])
def test_blocks_messages_that_name_the_whole_table_go_in_pages_buttons_first(build):
    voice = Voice("en", CROWD_NAMES)
    if build == "suggestion":
        action = SuggestAgreement(workspace="slack:T", channel="C1", lang="en", proposer="U-0000",
                                  proposal="we meet on Mondays", agreeing=CROWD,
                                  thread_id=None)  # fmt: skip
        first, *rest = blocks.suggestion(action, voice)
    else:
        action = AskRenewal(workspace="slack:T", channel="C1", lang="en", meeting_id="m1",
                            users=CROWD)  # fmt: skip
        first, *rest = blocks.renewal(action, voice)
    assert rest and all(within_limits(page) for page in (first, *rest))
    assert first.blocks[-1]["type"] == "actions"
    assert "association 2999" in shown(rest[-1].blocks)


def test_blocks_a_round_waiting_for_a_whole_big_table_stays_one_message_that_fits():
    """Edited in place as answers come in, a round is one message: the list of those it
    waits for is cut, and its buttons still arrive."""
    message = blocks.concern_round(
        round_view(participants=CROWD, no_concerns=()), "C1", Voice("en", CROWD_NAMES)
    )
    assert within_limits(message)
    assert "0 of 3000 answered; waiting for Volunteer" in shown(message.blocks)
    assert message.blocks[-2] == blocks.context("…")
    assert message.blocks[-1]["type"] == "actions"


@pytest.mark.parametrize("withdrawn", [False, True], ids=["closed", "withdrawn"])
def test_blocks_an_ended_round_says_so_alike_in_its_blocks_and_its_text(withdrawn):
    """Once over, a round waits for nobody and asks nobody to answer: its blocks and its
    text (the notification, a screen reader's summary) say how it ended."""
    message = blocks.concern_round(
        round_view(participants=CROWD, no_concerns=()), "C1", Voice("en", CROWD_NAMES),
        is_open=False, withdrawn=withdrawn,
    )  # fmt: skip
    assert within_limits(message)
    ended = "was withdrawn." if withdrawn else "has closed.\nAnswered: 0 of 3000."
    for said in (shown(message.blocks), message.text):
        assert said.endswith(f"This concern round {ended}")
        assert "waiting for" not in said and "please answer" not in said
        assert "/concern" not in said
    assert not [b for b in message.blocks if b["type"] == "actions"]


def a_crowded_home(words: str) -> MemberHome:
    """Everything a member of many big tables may have waiting, each item long."""
    long = (words * 500)[:2000]
    when = datetime(2026, 3, 3, tzinfo=UTC)

    def agreement(number: int) -> AgreementRow:
        return AgreementRow(workspace="slack:T", channel="C1", number=number, text=long,
                            why=long, recorded_by="U-0000", owner="U-0000",
                            consenters=list(CROWD[:450]), concerns=[],
                            review_on=date(2026, 3, 10), recorded_at=when)  # fmt: skip

    return MemberHome(
        rounds_waiting=[WaitingRound("C1", f"r{n}", long, "U-0000", when) for n in range(12)],
        reviews_due=[agreement(n) for n in range(15)],
        recent_agreements=[agreement(n) for n in range(10)],
        channels=[f"C{n}" for n in range(60)],
        mandates=[HeldMandate(f"C{n}", long, "current", when.date()) for n in range(10)],
        roles=[HeldRole("C1", f"role {n}", long) for n in range(10)],
    )


@pytest.mark.parametrize(
    ("lang", "words", "more"),
    [("en", "word ", r"… and (\d+) more"), ("nl", "слово ", r"… en nog (\d+)")],
    ids=["blocks", "bytes"],
)
def test_blocks_a_crowded_home_fits_in_a_view_and_counts_what_it_leaves_out(lang, words, more):
    """Past 100 blocks (long items, 450 consenters each) or 250 kB (another script, six
    bytes a letter as sent): each list shows what fits and says how many more there are."""
    page = a_crowded_home(words)
    view = blocks.home(page, Voice(lang, CROWD_NAMES))
    assert view_problems({"view": view}) is None
    text = shown(view["blocks"])
    counted = [int(n) for n in re.findall(more, text)]
    headings = [b for b in view["blocks"] if b["type"] == "section" and
                b["text"]["text"].startswith("*")]  # fmt: skip
    assert len(headings) == 4 and counted and all(n > 0 for n in counted)
    buttons = [b for b in view["blocks"] if b["type"] == "actions"]
    assert buttons  # a round waiting can still be answered in place
    assert len(buttons) + counted[0] == len(page.rounds_waiting)


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "Too long to show here (2)."), ("nl", "Te lang om hier te tonen (2).")],
)
def test_blocks_a_list_none_of_whose_items_fits_says_so_without_and_more(lang, said):
    """ "… and 2 more" with nothing before it read as if something went missing."""
    item = [blocks.context("x" * 3000)]
    listing = blocks._Listing("*Heading*", 2, lambda k: item * k, N_("Nothing here."))
    assert shown(listing.fitted(blocks=1, size=100, voice=Voice(lang, {}))) == said


# Characters that show nothing or are dropped on the way (C0 and C1 controls, NUL, the
# bot's own marks, zero-width characters, direction overrides and isolates, a soft
# hyphen, a lone surrogate), placed around and inside a mention.
UNSEEN = (
    "\x00", "\x01", "\x0b", "\x0e", "\x0f", "\x1b", "\x1f", "\x7f", "\x85", "\u00ad",
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u2069", "\ud800",
)  # fmt: skip
MENTIONS = ("<!everyone>", "<!here>", "<!channel>", "<@U123>", "<!subteam^S1|@team>")
# Slack markup that pings, once whatever shows nothing is taken out.
PINGS = re.compile(r"<[@!]")


def with_unseen(mention: str, char: str) -> list[str]:
    return [mention[:at] + char + mention[at:] for at in range(len(mention) + 1)]


@pytest.mark.parametrize("char", UNSEEN, ids=lambda c: f"U+{ord(c):04X}")
def test_blocks_unseen_characters_around_or_inside_a_mention_make_no_ping(char):
    """<\\x00!everyone>, <!every\\u200bone>, <@U1\\u200b23>: escaped like any markup,
    shown as Slack shows it or as typed, and no ping once the unseen is gone."""
    laced = [said for mention in MENTIONS for said in with_unseen(mention, char)]
    voice = Voice("en", {"U123": f"An{char}na <!here>"})
    for said in laced:
        for text in (
            voice.say("{text}", text=Quote(said)),
            voice.say("> {proposal}", proposal=Quote(f"we {said} ship")),
            voice.say("No concerns: {names}.", names=Members(("U123",))),
            escape(said),
        ):
            visible = "".join(c for c in text if c.isprintable() or c == "\n")
            assert not PINGS.search(text) and not PINGS.search(visible), (said, text)


def test_blocks_words_holding_the_voice_s_own_marks_are_escaped_all_the_same():
    """The marks that keep the bot's own markup (names, channel links) from being escaped
    again are characters anyone can type: words holding them, filled in as they are, must
    not turn markup on."""
    said = Say.of("Noted: {text}", text="\x0e<!everyone>\x0f, <!every\x0eone> and \x0f<@U1>")
    rendered = Voice("en")(said)
    assert not PINGS.search(rendered), rendered
    assert rendered == "Noted: &lt;!everyone&gt;, &lt;!everyone&gt; and &lt;@U1&gt;"
