"""People's words through Slack: a past review date is refused as past, and words longer
than the bot keeps are refused saying how long they may be; either way the words come
back whole, privately, to correct and send again. Nothing is recorded cut short."""

from __future__ import annotations

from datetime import date

from rules.actions import AgreementView, AnnounceReview
from rules.bidi import FSI, PDI
from rules.events import CommandInvoked
from tests.slack.conftest import BOB, WORKSPACE, SlackBot, button, shown_text
from tests.standins.slack_requests import CHANNEL_ID, USER_ID, block_actions


async def answer_to(bot: SlackBot, command: str, text: str) -> str:
    await bot.command(command, text)
    await bot.handled(CommandInvoked)
    [answer] = await bot.slack.wait_for("chat.postEphemeral")
    assert answer.params["user"] == USER_ID
    return shown_text(answer)


async def test_slack_a_review_date_then_yesterday_is_refused_and_the_words_come_back(
    bot: SlackBot,
):
    """It was recorded, "then review yesterday" kept in its reason and no review date."""
    typed = "We ship on Friday because customers wait, then review yesterday"
    told = await answer_to(bot, "/agree", typed)
    assert told.startswith("The review date “yesterday” is ")
    assert "which is not in the future. Choose a later day" in told
    assert f"What you sent, to correct and send again: /agree {typed}" in told
    assert not bot.calls("chat.postMessage")  # nothing recorded


async def test_slack_an_agreement_without_a_why_is_refused_and_the_words_come_back(bot: SlackBot):
    """Slack empties the box: refused for its missing why, the typed words were gone. They
    come back as words, the channel mention in them pinging nobody."""
    told = await answer_to(bot, "/agree", "We merge on green only <!channel>")
    assert told.startswith("Say why, after “because”: reports explain why.")
    assert "What you sent, to correct and send again: /agree We merge on green only @channel" in (
        told
    )
    assert "<!channel>" not in told
    assert not bot.calls("chat.postMessage")


async def test_slack_a_long_mandate_is_refused_whole_not_cut(bot: SlackBot):
    """A mandate of 520 characters was kept as its first 500, without a word."""
    mandate = "sign purchase orders for the kitchen " * 14  # 518 characters, one line
    told = await answer_to(bot, "/mandate", mandate)
    assert told.startswith("A mandate is at most 500 characters; this one has 517.")
    assert f"/mandate {mandate.strip()}" in told
    assert not bot.calls("chat.postMessage")


async def test_slack_a_long_role_name_is_refused_saying_the_limit(bot: SlackBot):
    name = "coordinator of the weekly planning and the monthly budget review"
    told = await answer_to(bot, "/role", f'add "{name}" keeps the planning')
    assert told.startswith("A role's name is at most 60 characters; this one has 64.")
    await bot.command("/roles")
    await bot.handled(CommandInvoked, 2)
    listed = await bot.slack.wait_for("chat.postEphemeral", 2)
    assert "coordinator of the weekly planning and the monthly b" not in shown_text(listed[-1])


async def test_slack_the_revise_form_takes_no_longer_lesson_than_is_kept(bot: SlackBot):
    """Its lesson took 2,000 characters and the bot kept the first 1,000, unsaid."""
    review = AnnounceReview(
        workspace=WORKSPACE, channel=CHANNEL_ID, lang="en",
        agreement=AgreementView(
            number=1, text="We deploy on Tuesdays", why="fewer surprises", owner=USER_ID,
            recorded_by=USER_ID, consenters=(USER_ID,), concerns=(), review_on=date.today(),
            version=1, replaces=None, status="current",
        ),
    )  # fmt: skip
    await bot.adapter.deliver(review)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    await bot.interact(
        block_actions("review_revise", value=button(posted, "review_revise")["value"])
    )
    [opened] = await bot.slack.wait_for("views.open")
    [lesson] = [b for b in opened.params["view"]["blocks"] if b.get("block_id") == "lesson"]
    assert lesson["element"]["max_length"] == 1000


def balanced(text: str) -> bool:
    """Every isolate this text opens it also closes, and it closes none it did not open:
    a right-to-left isolate cut at a section's end would run on, or leave its words bare
    at the next section's start, where they turn the bot's words after them around."""
    depth = 0
    for character in text:
        depth += {FSI: 1, PDI: -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


async def test_slack_right_to_left_words_cut_between_sections_stay_isolated_in_each(
    bot: SlackBot,
):
    """An agreement's text escaped past a section's 3,000 characters goes on in the next
    section: its isolate was opened in one and closed in the other."""
    text = "שלום " + "&" * 600 + " עולם"  # "&amp;" each: a line of over 3,000 characters
    await bot.command("/agree", f"{text} because it helps")
    await bot.handled(CommandInvoked)
    [announced] = await bot.slack.wait_for("chat.postMessage")
    sections = [b["text"]["text"] for b in announced.params["blocks"] if b["type"] == "section"]
    assert len(sections) > 2 and FSI in sections[1]
    assert all(balanced(section) for section in sections), sections
    assert balanced(announced.params["text"])


async def test_slack_the_concern_form_quotes_a_long_proposal_with_an_ellipsis(bot: SlackBot):
    """The "I have a concern" form quoted a proposal's first 300 characters as if they
    were all of it; the round's post above it holds the whole proposal."""
    proposal = "we move the stand-up to 9:30 on every weekday, " * 10  # 470 characters
    await bot.command("/concerns", proposal)
    await bot.handled(CommandInvoked)
    [posted] = await bot.slack.wait_for("chat.postMessage")
    value = button(posted, "round_concern")["value"]
    await bot.interact(block_actions("round_concern", value=value, user_id=BOB))
    [opened] = await bot.slack.wait_for("views.open")
    [quoted] = [
        b["text"]["text"] for b in opened.params["view"]["blocks"] if b["type"] == "section"
    ]
    assert quoted.startswith("> we move the stand-up to 9:30") and quoted.endswith("…")
    assert len(quoted) < 310
