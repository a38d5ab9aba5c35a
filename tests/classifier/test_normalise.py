"""What the trained model reads of a message: the writer's own words, markup undone."""

from __future__ import annotations

import pytest

from benchmarks.replay import ADVERSARIAL
from rules.classifier.normalise import has_own_words, normalise, own_words
from training.frames import CLOSINGS, FRAMES, GREETINGS, TITLES


def test_markup_is_normalised_before_reading():
    assert normalise("<https://x.example|the doc> from <@U1|anna> :+1:") == "the doc from xxuser 👍"
    assert normalise("see https://example.com/a?b=1 now") == "see xxurl now"


def test_only_the_writers_own_words_are_read():
    log = "\n".join(f"12:00:{i:02} INFO worker[{i}] heartbeat ok" for i in range(40))
    assert own_words(f"since 5.2 login fails ```\n{log}\n``` any idea?") == (
        "since 5.2 login fails any idea?"
    )
    assert own_words("unfinished ```\npaste") == "unfinished"
    assert own_words("run `make test` first") == "run xxcode first"
    assert own_words("> Shall we move it?\n> To Thursday?\n\nWorks for me") == "Works for me"
    assert own_words("intro\n>>> the rest is quoted\nall of it") == "intro"
    assert own_words("x > y, and a -> b") == "x > y, and a -> b"
    # Words after a paste longer than the part of a message that is read still count.
    assert own_words(f"```{'x' * 5000}``` could we pin 5.1?") == "could we pin 5.1?"


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # A mail client's quoted original, unmarked: everything after its header.
        (
            "Sounds good.\n\nOn Tue, 3 Mar 2026, Anna <a@b.example> wrote:\nThe export broke",
            "Sounds good.",
        ),
        (
            "Prima!\n\nOp di 3 mrt 2026 om 10:12 schreef Jan <j@x.example>:\nDe server ligt eruit",
            "Prima!",
        ),
        ("Ok\n-----Original Message-----\nFrom: Anna\nthe export broke", "Ok"),
        # Quoted line by line: the reply may come after the quote.
        (
            "On Tue, Anna wrote:\n> The export is broken\n\nI can rerun it tonight",
            "I can rerun it tonight",
        ),
        ("Works for me\n-- \nMarta, ops team", "Works for me"),
        ("we meet at ~~3pm~~ 4pm", "we meet at 4pm"),
        ("we meet at ~3pm~ 4pm", "we meet at 4pm"),
        ("about ~5 min, maybe ~10", "about ~5 min, maybe ~10"),
        ("![screenshot](https://x.example/a.png) LGTM", "LGTM"),
        ("see [the runbook](https://x.example/rb) first", "see the runbook first"),
        ("@st-review lgtm", "lgtm"),
        ("@anna, @ben: shall we merge?", "shall we merge?"),
        ("ask @anna about it", "ask xxuser about it"),
        ("/lgtm /approve", "lgtm approve"),
        ("ok\n/hold until Monday", "ok hold until Monday"),
        ("/etc/hosts is wrong, see /var/log", "/etc/hosts is wrong, see /var/log"),
    ],
)
def test_only_the_writers_own_words_are_read_in_public_text(text, read):
    assert own_words(text) == read


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # Discord's mentions and Slack's of many read as a person's
        ("<@!123456789> lgtm", "lgtm"),
        ("ask <@&123456789> about it", "ask xxuser about it"),
        ("<!here> stand-up moved", "stand-up moved"),
        ("ask <!subteam^S1|@ops> first", "ask xxuser first"),
        # a custom emoji as its code, a timestamp as nothing
        ("nice <:tada:123456789>", "nice 🎉"),
        ("we meet <t:1767225600:t> then", "we meet then"),
        # channels and the rest as before
        ("see <#C88|roster> now", "see #roster now"),
        ("<!-- paste here -->", "!-- paste here --"),
    ],
)
def test_chat_markup_reads_alike_on_slack_and_discord(text, read):
    assert own_words(text) == read


def test_every_digit_reads_as_zero():
    assert own_words("still broken on 2.4.1, £2,300 over") == "still broken on 2.4.1, £2,300 over"
    assert normalise("still broken on 2.4.1, £2,300 over") == "still broken on 0.0.0, £0,000 over"


def test_hostile_markup_is_read_as_text():
    """`make bench` times these (they once took seconds); here, what they read as."""
    assert normalise("[a](b" * 20_000) == "[a](b" * 400
    assert normalise("> a\n" * 25_000) == ""
    # A frame is looked for in a few lines at each end, however many lines come between.
    assert normalise(ADVERSARIAL["greetings"]) == " ".join(["Hi all,"] * 250)
    assert normalise(ADVERSARIAL["closings"]) == " ".join(["Thanks,"] * 250)
    assert normalise(ADVERSARIAL["line breaks"]) == ""


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Hi all,\n\nThe export broke again.\n\nThanks,\nAnna", "The export broke again."),
        (
            "Beste allemaal,\nIk heb zorgen over het plan.\nMet vriendelijke groet,\nAnna",
            "Ik heb zorgen over het plan.",
        ),
        # A reply's title is the thread's words, not the writer's.
        ("Re: Varroa\n\nWe found mites in hive 3.", "We found mites in hive 3."),
        ("[Tenants] RE: Boilers\nNo heat again in block C", "No heat again in block C"),
        (
            "Subject: Re: Friday rota\nHello team,\nI can't do Friday.\n"
            "Kind regards,\nAnna de Vries\nTeam lead\nHarbour Foods",
            "I can't do Friday.",
        ),
        (
            "Onderwerp: Antw: planning\n\nGoedemorgen team,\n\nDe planning loopt uit.\n\n"
            "Groetjes, Sanne",
            "De planning loopt uit.",
        ),
        ("Fwd: Cleaning spec\nDear Sir or Madam,\nThe spec is wrong.", "The spec is wrong."),
        ("Hoi @anna,\nkun jij de sleutel brengen?\nMvg,\nPiet", "kun jij de sleutel brengen?"),
        ("Good morning everyone 👋\nWho has the keys?", "Who has the keys?"),
        ("The export broke\nCheers all!", "The export broke"),
        ("We lunchen om 12 uur.\nGroet, Karin (penningmeester)", "We lunchen om 12 uur."),
        # A title of the writer's own is their words: only its header goes.
        ("Subject: Lift out of order\n\nSince Friday.", "Lift out of order Since Friday."),
        ("Subject: [VOTE] Release 2.0\n\nPlease vote.", "[VOTE] Release 2.0 Please vote."),
        # Sign-off above a mail's quoted original, which goes first.
        (
            "Prima, doen we.\n\nGroet,\nKarin\n\n"
            "Op di 3 mrt 2026 om 10:12 schreef Jan <j@x.example>:\nZullen we verhuizen?",
            "Prima, doen we.",
        ),
    ],
)
def test_a_messages_frame_is_not_its_words(text, read):
    assert own_words(text) == read


@pytest.mark.parametrize(
    "text",
    [
        # One line is never a frame, whatever it starts or ends with.
        "Thanks, Anna",
        "Groetjes, Sanne",
        "Beste plan tot nu toe",
        "Hi all, the export broke",
        "Re: the rota, I can't do Friday",
        # Lines that start or end like a frame and say more.
        "Beste plan tot nu toe\nLaten we het zo doen",
        "Hi, the server is down!\nCan someone look?",
        "Dag 3: de server ligt eruit\nWie kijkt?",
        "The export broke\nThanks for the quick fix!",
        "We could move it\nBest option so far",
        "re: the rota\nI can't do Friday",  # chat, not a mail client's "Re:"
        "The invoice is wrong\nThanks,\nAnna\nCan you check it today?",
        # A frame around nothing: the frame is all it says.
        "Thanks,\nAnna",
    ],
)
def test_what_only_looks_like_a_frame_is_kept(text):
    assert own_words(text) == " ".join(text.split())


def test_a_frame_around_only_a_link_or_a_mention_is_kept():
    assert (
        own_words("Hi all,\nhttps://x.example/doc\nThanks,\nAnna") == "Hi all, xxurl Thanks, Anna"
    )
    assert own_words("Hoi allemaal,\n<@U1>\nGroetjes") == "Hoi allemaal, xxuser Groetjes"


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("frame", FRAMES)
def test_the_frames_measured_leave_the_words_read(frame, lang):
    """`python -m training.frames` measures these on the test split: every one goes."""
    variants = max(map(len, (GREETINGS[lang], CLOSINGS[lang], TITLES[lang])))
    for body in ("The rota is wrong again.", "Kunnen we vrijdag schuiven?\nIk kan niet."):
        for n in range(variants * 2):
            assert own_words(FRAMES[frame](body, lang, n)) == " ".join(body.split())


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", False),  # an image, a sticker, a file, a poll, a forwarded message
        (" \n ", False),
        ("https://tenor.com/view/thumbs-up-gif-123", False),  # a GIF
        ("<https://example.com/c.png>", False),
        ("<@U123> <@456>", False),
        ("```\nlogs\n```", False),
        ("> the proposal, quoted", False),
        ("?!", False),
        # channels, everyone, Discord's mentions, own emoji and timestamps
        ("<#C123|general>", False),
        ("<!here>", False),
        ("<!subteam^S0123ABCD|@ops> <!channel>", False),
        ("<@!123456789>", False),
        ("<@&123456789>", False),
        ("<#123456789>", False),
        ("<:partyparrot:123456789> <a:dance:987654321>", False),
        ("<t:1767225600:R>", False),
        ("<@!123> <#C1|ops> <:party:1> <t:1:R> ?", False),
        ("sure", True),
        ("<#C123|general> is quiet", True),
        ("<@!123456789> lgtm", True),
        ("<t:1767225600:R> works", True),
        ("👍", True),
        (":+1:", True),
        ("ok: fine", True),
        ("see https://example.com", True),
        ("<https://example.com|the doc>", True),
        ("run `make`", True),
        ("é", True),
    ],
)
def test_a_message_of_no_words_of_its_own_is_told_apart(text, says):
    assert has_own_words(text) is says
