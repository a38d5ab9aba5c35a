"""Nothing the bot posts pings anyone: not even a reminder for those whose DMs are closed."""

from __future__ import annotations

import re
from datetime import timedelta

from rules.events import ConcernAnswered, MessagePosted, RosterSynced
from tests.discord.conftest import BOTH_DATABASES
from tests.discord.harness import bot_messages, dm_messages, post_problem


@BOTH_DATABASES
async def test_safety_no_bot_message_pings_anyone_not_even_a_reminders_silent(world, harness):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    role = world.guild.add_role("ops", mentionable=True)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    loud = f"@everyone @here <@{world.bob.id}> <@!{world.bob.id}> <@&{role.id}>"

    # A nudge by DM, and a quiet reply in the channel for carol, whose DMs are closed.
    await post_problem(world, runtime, world.alice, f"#problem the build broke {loud}")
    await post_problem(world, runtime, world.carol, f"#problem no coffee {loud}")
    assert await runtime.tick_until_sent() == 2
    # An agreement, recorded before the round (an open round on it would hold it back);
    # an organisation is shown beside its member's consent.
    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "table", {"text": f"join Mitros {loud}"}
    )
    await world.api.wait_for_callback(ix)
    ix = await world.api.slash_command(
        world.guild, world.general, world.bob, "agree", {"text": f"ship {loud} because ready"}
    )
    await world.api.wait_for_callback(ix)
    [announced] = [
        m for m in world.api.messages_in(world.general) if "Agreement #1" in m["content"]
    ]
    assert "Consent: Bob (Mitros @" in announced["content"]
    # A concern round, an answer, a concern, a reminder.
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": f"ship it {loud}"}
    )
    await world.api.wait_for_callback(ix)
    [round_message] = [
        m for m in world.api.messages_in(world.general) if "Concern round" in m["content"]
    ]
    await world.api.click_button(round_message, world.bob, label="No concerns")
    await runtime.wait_for(ConcernAnswered)
    click = await world.api.click_button(round_message, world.guild.owner, label="I have a concern")
    modal = await world.api.wait_for_callback(click)
    await world.api.submit_modal(modal, {"concern": f"not on Friday {loud}"})
    await runtime.wait_for(ConcernAnswered, count=2)
    await runtime.tick_until_sent()  # carol is reminded in the channel, naming nobody

    sent = bot_messages(world.api)
    assert len(sent) >= 10
    pinged = []
    for request in sent:
        body = request.json["data"] if request.path.startswith("/interactions/") else request.json
        allowed = body["allowed_mentions"]
        if allowed != {"parse": []}:
            pinged.append(allowed)
        content = body.get("content") or ""
        assert "@everyone" not in content and "@here" not in content
        assert "<@&" not in content and "<@!" not in content
        if f"<@{world.carol.id}>" not in content:  # her quiet reply names her, unpinged
            assert "<@" not in content, content
    assert pinged == []
    for channel in (world.general, world.api.dm_channel(world.alice)):
        for message in world.api.messages_in(channel):
            assert not message["mention_everyone"] and message["mention_roles"] == []
            assert [m["id"] for m in message["mentions"]] in ([], [str(world.carol.id)])


async def test_safety_the_end_of_a_meeting_pings_nobody_not_even_those_dms_cannot_reach(
    world, harness
):
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    world.api.close_dms(world.carol)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    loud = f"@everyone @here <@{world.bob.id}> <@&{world.guild.everyone.id}>"

    async def run(member, name, text=""):
        options = {"text": text} if text else None
        ix = await world.api.slash_command(world.guild, world.general, member, name, options)
        await world.api.wait_for_callback(ix)

    # Three mandates given, one not (counted in the reports): each report needs its file.
    for member in (world.alice, world.bob, world.carol):
        await run(member, "mandate", f"budgets {loud}")
    await run(world.alice, "meeting", "start")
    await run(world.alice, "meeting", "end")  # report, renewal, evaluation
    await run(world.bob, "report")
    for member, text in ((world.alice, "#proposal ship it"), (world.bob, "#agreement yes"),
                         (world.guild.owner, "#agreement fine")):  # fmt: skip
        said = await world.api.message_create(world.guild, world.general, member, f"{text} {loud}")
        await runtime.wait_for(MessagePosted, lambda e, said=said: e.message_id == said["id"])
    await runtime.tick_until_sent()  # renewal reminders: by DM, for carol in the channel
    shown = [m["content"] for m in world.api.messages_in(world.general)]
    assert any(text.startswith("Most of the table agrees") for text in shown)
    assert any(text.startswith("A friendly reminder: the meeting has ended") for text in shown)

    sent = bot_messages(world.api)
    assert len(sent) >= 9
    pinged = []
    for request in sent:
        body = request.json["data"] if request.path.startswith("/interactions/") else request.json
        if body["allowed_mentions"] != {"parse": []}:
            pinged.append(body["allowed_mentions"])
        content = body.get("content") or ""
        assert "@everyone" not in content and "@here" not in content and "<@&" not in content
        assert "<@" not in content, content
    assert pinged == []
    uploaded = [u["content"].decode() for r in world.api.requests for u in r.files]
    assert len(uploaded) == 2  # report.md at the end of the meeting, and for /report
    assert all("<@" not in text and "@everyone" not in text for text in uploaded)


async def test_safety_a_proposal_cannot_pass_off_a_link_as_the_bots(world, harness):
    """Reminders go by DM in the bot's name: the proposal's markdown shows as typed."""
    harness.settings["reminder_delay"] = timedelta(milliseconds=300)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    evil = "ship it ``` [Discord Security: verify](https://evil.example/login)"
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": evil}
    )
    await world.api.wait_for_callback(ix)
    await runtime.tick_until_sent()
    [dm] = dm_messages(world.api, world.bob)
    assert (
        r"> ship it \`\`\` \[Discord Security: verify\](https://evil.example/login)"
        in (dm["content"])
    )
    assert "```" not in dm["content"]


async def test_safety_an_organisation_named_by_its_role_shows_its_name_and_pings_nobody(
    world, harness
):
    """Where organisations are roles, "/table join @Gemeente Utrecht" names the member's
    organisation: shown as @Gemeente Utrecht, never as a ping of everyone in the role."""
    gemeente = world.guild.add_role("Gemeente Utrecht", mentionable=True)
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)

    async def run(member, text, *, locale="en-US"):
        ix = await world.api.slash_command(
            world.guild, world.general, member, "table", {"text": text}, locale=locale
        )
        return await world.api.wait_for_callback(ix)

    joined = await run(world.alice, f"join {gemeente.mention}")
    assert joined.content == "Alice is at the table for @Gemeente Utrecht."
    joined = await run(world.bob, f"aanschuiven {gemeente.mention}", locale="nl")
    assert joined.content == "Bob zit aan tafel namens @Gemeente Utrecht."
    table = await run(world.carol, "")
    assert "Alice, for @Gemeente Utrecht" in table.content
    for request in bot_messages(world.api):
        body = request.json["data"] if request.path.startswith("/interactions/") else request.json
        assert body["allowed_mentions"] == {"parse": []}
        assert "<@" not in (body.get("content") or "")


@BOTH_DATABASES
async def test_safety_a_masked_link_after_a_link_and_an_invisible_character_is_escaped(
    world, harness
):
    """Discord ends a link at U+FEFF (JavaScript's \\s takes it): the masked link right
    after it must be escaped like any other, not left inside "the link"."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    proposal = (
        "we move the standup to 10, see https://wiki.example.org\ufeff"
        "[Sign-in_to_keep_your_seat](https://evil.example/login)"
    )
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": proposal}
    )
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(world.general) if "Concern round" in m["content"]]
    posted = message["content"]
    assert r"\[Sign-in\_to\_keep\_your\_seat\](https://evil.example/login)" in posted
    assert "[Sign-in_to" not in posted


async def test_safety_an_override_in_a_nickname_cannot_reverse_the_bot_s_words(world, harness):
    world.guild.members[world.bob.id].nick = "\u202eBob"
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "concerns", {"text": "we ship on Friday"}
    )
    await world.api.wait_for_callback(ix)
    [message] = [m for m in world.api.messages_in(world.general) if "Concern round" in m["content"]]
    assert (
        message["content"].splitlines()[-1] == "0 of 3 answered; waiting for owner, Bob and carol."
    )


async def test_safety_a_review_date_the_form_cannot_read_is_quoted_back_as_typed(world, harness):
    """The agreement form's review date, refused, comes back in the answer: as typed,
    never as a masked link, a code block or an @everyone of the bot's, and without the
    override that would turn the bot's words after it around."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    ix = await world.api.slash_command(world.guild, world.general, world.alice, "agree")
    modal = await world.api.wait_for_callback(ix)
    review = "\u202e[1 May](https://evil.example/login) ``` @everyone"
    submitted = await world.api.submit_modal(
        modal, {"text": "Stand-up at 9", "why": "we all start then", "review": review}
    )
    refused = await world.api.wait_for_callback(submitted)
    assert refused.content.startswith(
        "I could not read the review date “\\[1 May\\](https://evil.example/login) \\`\\`\\` "
        "@\u200beveryone”."
    )


async def test_safety_words_a_long_line_is_cut_before_do_not_open_a_heading(world, harness):
    """A line past Discord's limit goes on in a quote ("> ") in the next message: the
    words that now open it stay words, not a heading (or subtext, or a list) of the
    bot's."""
    runtime = await harness.start()
    await runtime.wait_for(RosterSynced)
    # "Agreement #1: " and these 1,953 characters end where the line is cut (the next
    # messages open with "(continued) Agreement recorded.").
    filler = "word " * 390 + "ab "
    text = f"{filler}# Sign in again at https://evil.example because we can"  # 1,992, kept whole
    ix = await world.api.slash_command(
        world.guild, world.general, world.alice, "agree", {"text": text}
    )
    await world.api.wait_for_callback(ix)
    lines = [
        line for m in world.api.messages_in(world.general) for line in m["content"].split("\n")
    ]
    assert any(line.startswith(">  \\# Sign in again at https://evil.example") for line in lines)
    assert not [line for line in lines if re.match(r">\s*(#{1,3}|-#|[-+])\s", line)]
