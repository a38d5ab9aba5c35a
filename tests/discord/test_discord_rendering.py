"""What the bot shows on Discord: names, never pings; within Discord's limits."""

from __future__ import annotations

import pytest

from adapters.discord.rendering import (
    MENTIONS_LIMIT,
    MESSAGE_LIMIT,
    Renderer,
    chunks,
    continued,
    first_quote,
    long_post,
    markdown,
    one_message,
    pieces,
    ping_groups,
    quote_text,
    with_file,
    with_pings,
)
from rules.say import N_, Lines, Member, Members, Quote, Say
from tests.discord import payloads as p
from tests.discord.payloads import Parsed

NAMES = {"123456789012345678": "Alice"}


def quote(text: str) -> str:
    return quote_text(text, name_of=lambda u: NAMES.get(u, "someone"), role_name=lambda r: "Board")


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("hello @everyone", "hello @\u200beveryone"),
        ("@here now", "@\u200bhere now"),
        ("ask <@123456789012345678>", "ask @Alice"),
        ("ask <@!123456789012345678>", "ask @Alice"),
        ("for <@&123456789012345679>", "for @Board"),
        ("in <#123456789012345670>", "in <#123456789012345670>"),  # a link: pings nobody
        ("two\nlines\n# heading", "two lines # heading"),
    ],
)
def test_rendering_quotes_cannot_ping(said, shown):
    assert quote(said) == shown


def test_rendering_names_are_display_names_never_mentions():
    parsed = Parsed()
    render = Renderer(parsed.guild, "en", parsed.client)
    text = Lines((
        Say.of(N_("Concern round: {proposer} proposes"), proposer=Member(str(p.ALICE))),
        Say.of(N_("No concerns: {users}."), users=Members((str(p.BOB), "1220000000009999999"))),
        Say.of(N_("> {proposal}"), proposal=Quote(f"ping <@{p.BOB}> @everyone")),
    ))  # fmt: skip
    assert render(text).splitlines() == [
        "Concern round: Alice proposes",
        "No concerns: Bobby and someone.",
        "> ping @Bobby @\u200beveryone",
    ]
    assert "<@" not in render(text)


def test_rendering_dutch():
    parsed = Parsed()
    render = Renderer(parsed.guild, "nl", parsed.client)
    assert render(Say.of(N_("No concerns: {users}."), users=Members(("1",)))) == (
        "Geen zorgen: iemand."
    )


def test_rendering_chunks_cut_between_lines():
    lines = [f"line {n} " + "x" * 90 for n in range(60)]
    parts = chunks("\n".join(lines))
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert all(part.startswith("line ") for part in parts)


def test_rendering_chunks_cut_a_very_long_line():
    parts = chunks("y" * 4500)
    assert [len(part) for part in parts] == [2000, 2000, 504]  # 1,998 and 502 go on quoted
    assert [part[:3] for part in parts] == ["yyy", "> y", "> y"]


def test_rendering_long_answers_go_as_a_file():
    assert [m.content for m in pieces("short", "en")] == ["short"]
    # Four messages, each after the first with room for its heading ("(continued) …").
    four = pieces(("z" * 1800 + "\n") * 4, "en")
    assert len(four) == 4 and all(len(m.content) <= MESSAGE_LIMIT for m in four)
    [only] = pieces(("z" * 1999 + "\n") * 6, "nl")
    assert only.file_text == ("z" * 1999 + "\n") * 6
    assert only.content == "Het antwoord is lang, dus het staat in het bijgevoegde bestand."


@pytest.mark.parametrize("lang, word", [("en", "(continued)"), ("nl", "(vervolg)")])
def test_rendering_every_later_piece_opens_with_a_heading_of_its_own(lang, word):
    """In a DM, a thread or a list of notifications, a message after the first says what
    it continues; the heading takes room of its own, so no message goes over 2,000."""
    lines = [f"{n:03d} " + "w" * 95 for n in range(60)]  # 100 characters a line
    text = "\n".join(["Agreements at this table:", *lines])
    first, *rest = pieces(text, lang)
    heading = f"{word} Agreements at this table"
    assert rest and not first.content.startswith(word)
    assert all(m.content.startswith(f"{heading}\n") for m in rest)
    assert all(len(m.content) <= MESSAGE_LIMIT for m in (first, *rest))
    bodies = [first.content, *(m.content.removeprefix(f"{heading}\n") for m in rest)]
    assert "\n".join(bodies) == text  # nothing lost, nothing twice


def test_rendering_a_heading_takes_room_from_a_line_that_fills_a_message():
    """A line of 2,000 characters: after a heading, as much of it as fills a message to
    Discord's limit, then the rest quoted, under a heading again."""
    heading = "(continued) Report of this table."
    first, second, third = pieces("Report of this table.\n" + "v" * 2000, "en")
    assert first.content == "Report of this table."
    assert second.content == f"{heading}\n" + "v" * (MESSAGE_LIMIT - len(heading) - 1)
    assert len(second.content) == MESSAGE_LIMIT
    assert third.content == f"{heading}\n> " + "v" * (len(heading) + 1)


def test_rendering_a_heading_repeats_the_bots_words_and_cuts_no_mention():
    assert continued("> someone's words\nOpen concerns:\n- one", "en") == (
        "(continued) Open concerns"
    )
    assert continued("> only someone's words", "nl") == "(vervolg)"
    mention = "x" * 90 + "<#123456789012345670> more"
    assert continued(mention, "en") == "(continued) " + "x" * 90 + "…"


def test_rendering_later_embeds_of_a_long_post_have_a_heading_as_content():
    """An embed alone shows nothing in a notification: every later post has content."""
    text = "The concern round on this proposal has closed:\n" + "\n".join(
        f"Concern from someone: {n:03d} " + "u" * 400 for n in range(30)
    )
    first, *rest = long_post(text, "nl")
    assert first.content == "The concern round on this proposal has closed:"
    assert rest and all(
        m.content == "(vervolg) The concern round on this proposal has closed" for m in rest
    )
    assert all(len(m.embed.description) <= 4096 for m in (first, *rest))


def test_rendering_one_message_uses_an_embed_past_2000_characters():
    assert one_message("short").content == "short"
    long = one_message("w" * 3000)
    # Never an embed alone: a notification and the channel list show only the content.
    assert long.content == "w" * 199 + "…" and long.embed is not None
    assert long.embed.description == "w" * 3000
    lines = one_message("The concern round on this proposal has closed:\n> " + "w " * 1500)
    assert lines.content == "The concern round on this proposal has closed:"
    assert lines.embed.description == "> " + "w " * 1500


def test_rendering_first_quote_reads_back_a_rendered_proposal():
    shown = "The concern round has closed:\n> pin @\u200beveryone to 1.4\nAnswered: 2 of 2."
    assert first_quote(shown) == "pin @everyone to 1.4"
    assert first_quote("no quote here") is None


def test_rendering_a_report_as_markdown():
    parsed = Parsed()
    render = Renderer(parsed.guild, "nl", parsed.client)
    report = Lines((
        Say.of(N_("Report of this table.")),
        Say.of(N_("Agreements, and why:")),
        Say.of(N_("none yet")),
        Say.of(N_("Mandates:")),
        Say.of(N_("{member}: no mandate given yet"), member=Member(str(p.ALICE))),
        Say.of(N_("Comment: {comment}"), comment=Quote(f"ask <@{p.BOB}>:")),
    ))  # fmt: skip
    assert markdown(report, render) == (
        "# Verslag van deze tafel.\n\n"
        "## Afspraken, en waarom:\n\n- nog geen\n\n"
        "## Mandaten:\n\n- Alice: nog geen mandaat opgegeven\n- Opmerking: ask @Bobby:\n"
    )


def test_rendering_text_with_a_file_on_its_last_piece():
    [only] = with_file("short", "# full", "report.md", "en")
    assert (only.content, only.file_text, only.file_name) == ("short", "# full", "report.md")
    assert only.kwargs()["file"].filename == "report.md"
    split = with_file(("z" * 1800 + "\n") * 3, "# full", "report.md", "en")
    assert [m.file_text for m in split] == [None, None, "# full"]
    [long] = with_file(("z" * 1999 + "\n") * 6, "# full", "report.md", "nl")
    assert long.content == "Het antwoord is lang, dus het staat in het bijgevoegde bestand."
    assert long.file_text == "# full"


MASKED = "[Discord Security: verify your account](https://evil.example/login)"


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (MASKED, r"\[Discord Security: verify your account\](https://evil.example/login)"),
        ("ship it ``` and more", r"ship it \`\`\` and more"),
        ("# Official notice", r"\# Official notice"),
        ("-# fine print", r"\-# fine print"),
        ("> quoted", r"\> quoted"),
        ("- a list", r"\- a list"),
        ("1. first", r"1\. first"),
        ("**bold** _it_ ~~no~~ ||spoiler||", r"\*\*bold\*\* \_it\_ \~\~no\~\~ \|\|spoiler\|\|"),
        ("see https://example.org/a_b_c", "see https://example.org/a_b_c"),
        (r"a back\slash", r"a back\\slash"),
        ("#problem as a tag", "#problem as a tag"),
    ],
)
def test_rendering_quotes_show_markdown_as_typed(said, shown):
    assert quote(said) == shown
    assert first_quote(f"> {quote(said)}") == said  # read back as typed (the agreement form)


def test_rendering_display_names_show_markdown_as_typed():
    parsed = Parsed()
    parsed.member(p.BOB).nick = "[Admin](https://evil.example)"
    render = Renderer(parsed.guild, "en")
    shown = render(Say.of(N_("This button is for {user}."), user=Member(str(p.BOB))))
    assert shown == r"This button is for \[Admin\](https://evil.example)."


# Characters at which Discord may end a link before we would: JavaScript's \\s takes
# U+FEFF (Python's does not); the others are invisible format characters or spaces.
INVISIBLE = ["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u180e", "\u200e",
             "\u2066", "\u00a0", "\u2028", "\x85", "\x1f"]  # fmt: skip


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_rendering_a_masked_link_right_after_a_link_and_an_invisible_character_is_escaped(
    invisible,
):
    said = f"see https://wiki.example.org{invisible}[Sign in](https://evil.example/login)"
    shown = quote(said)
    assert r"\[Sign in\](https://evil.example/login)" in shown
    assert shown.startswith("see https://wiki.example.org")  # the link itself stays whole


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        # Should Discord end a link sooner than we think, no masked link or code block
        # follows it: brackets and backticks are escaped even inside a link.
        ("https://example.org/a[Sign in](https://evil.example)",
         r"https://example.org/a\[Sign in\](https://evil.example)"),
        ("https://example.org/x```", r"https://example.org/x\`\`\`"),
        ("https://example.org/a_b~c*d|e", "https://example.org/a_b~c*d|e"),  # as written
    ],
)  # fmt: skip
def test_rendering_links_keep_no_markup_that_could_disguise_a_link(said, shown):
    assert quote(said) == shown
    assert first_quote(f"> {quote(said)}") == said


def test_rendering_first_quote_reads_back_right_to_left_words_as_typed():
    parsed = Parsed()
    render = Renderer(parsed.guild, "en", parsed.client)
    said = "נעביר את הפגישה ל-10 *עכשיו*"
    shown = render(Say.of(N_("> {proposal}"), proposal=Quote(said)))
    assert shown.startswith("> \u2068") and shown.endswith("\u2069")  # isolated
    assert first_quote(shown) == said


def test_rendering_a_long_line_goes_on_quoted_and_never_splits_an_escape():
    """A quote that escaping makes longer than a message: its rest goes on quoted (it
    would read as the bot's words otherwise), and no cut falls between a backslash and
    the character it escapes (that character would be markdown again)."""
    proposal = "a" + "*" * 1500 + " Everyone has answered: no concerns."
    text = f"Concern round: Alice proposes\n> {quote(proposal)}\nEveryone at the table: ..."
    parts = chunks(text)
    assert len(parts) > 2 and all(len(part) <= MESSAGE_LIMIT for part in parts)
    for part in parts:
        backslashes = len(part) - len(part.rstrip("\\"))
        assert backslashes % 2 == 0, part[-10:]
    header, *quoted = parts
    assert header == "Concern round: Alice proposes"
    assert all(part.startswith("> ") for part in quoted)
    pieces = [part.split("\n")[0].removeprefix("> ") for part in quoted]
    assert first_quote("> " + "".join(pieces)) == proposal  # nothing lost or added


def test_rendering_pings_stay_in_the_content_of_long_text():
    short = with_pings(["<@1>", "<@2>"], "be there")
    assert (short.content, short.embed) == ("<@1> <@2>\nbe there", None)
    long = with_pings(["<@1>"], "x" * 2000)
    assert long.content == "<@1>\n" + "x" * 199 + "…" and long.embed.description == "x" * 2000


@pytest.mark.parametrize("digits", [3, 17, 19, 20])
def test_rendering_pings_come_in_groups_discord_accepts(digits):
    users = [10 ** (digits - 1) + n for n in range(250)]
    groups = ping_groups(users)
    assert [user for group in groups for user in group] == users  # all, once, in order
    for group in groups:  # at most 100 allowed pings a message, all in its content
        assert len(group) <= MENTIONS_LIMIT
        assert len(" ".join(f"<@{user}>" for user in group)) <= MESSAGE_LIMIT
    assert ping_groups([]) == []
