"""One command grammar for every adapter, with English names and Dutch aliases.

Adapters register `COMMANDS` on their platform; the engine parses the argument text
with `parse_command`. Parsing is pure: dates are read relative to `today`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rules.durations import (
    DATE_UNITS,
    DAYS_AHEAD,
    EVERY_SPAN,
    FROM_NOW,
    MONTHS,
    NUMBER_WORDS,
    ONCE_EVERY,
    ORDINAL_WEEKDAYS,
    PERIODS,
    POINT_WORDS,
    WEEK_AFTER_NEXT,
    WEEKDAY_ABBREVIATIONS,
    WEEKDAYS,
    AmbiguousDate,
    DateError,
    DurationError,
    NoSuchDay,
    TwoWeekdays,
    UnclearDate,
    WrongWeekday,
    add_months,
    parse_date,
    parse_duration,
)
from rules.folding import fold
from rules.language import clear_language, detect_language
from rules.local_time import zone_named, zone_of_city
from rules.markup import ends_in_emoji_code, without_mentions, without_references
from rules.mentions import (
    group_reference,
    groups_by_name,
    member_reference,
    names_a_group,
    names_everyone,
)
from rules.quiet_hours import QuietHours, parse_quiet_hours
from rules.round_answers import answers_rather_than_proposes, means_no_concern, nearly_no_concern
from rules.say import N_, NP_, Counted, Day, Lines, Member, Quote, Say, excerpt
from rules.visible import has_words, shows


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    dutch: str
    summary: str
    usage: str
    aliases: tuple[str, ...] = ()
    # One way to type it, shown with its usage: words a reader can copy and change.
    example: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.dutch, *self.aliases)


# Usage lines are shown in help and in usage errors, and after the command's name they
# are the platforms' hints; summaries become the platform's command descriptions
# (Discord limits both to 100 characters).
COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "agree", "afspraak",
        N_("Record an agreement, with why, an owner and a review date"),
        N_("/agree <what we agree> because <why> [owner @who] [review <date | in N weeks>]"),
        example=N_("/agree We lunch at 12:30 because the kitchen is free then owner @ben "
                   "review in 6 weeks"),
    ),
    CommandSpec(
        "agreements", "afspraken",
        N_("List this table's agreements"),
        N_("/agreements [all]"),
        example=N_("/agreements all"),
    ),
    CommandSpec(
        "concerns", "zorgen",
        N_("Ask every member for concerns about a proposal (without one: your latest proposal)"),
        N_("/concerns [<proposal>] | /concerns withdraw"),
        aliases=("round", "ronde"),
        example=N_("/concerns We move the stand-up to 9:30"),
    ),
    CommandSpec(
        "concern", "zorg",
        N_("Answer the open concern round: none, or your concern, or that it is resolved"),
        N_("/concern none | /concern <your concern> | /concern resolved"),
        aliases=("bezwaar",),
        example=N_("/concern Who takes over the early shift then?"),
    ),
    CommandSpec(
        "problem-window", "probleemvenster",
        N_("Show or set how long a problem may wait for a proposal"),
        N_("/problem-window [minutes, or e.g. 90s, 1h]"),
        aliases=("window", "venster"),
        example=N_("/problem-window 30m"),
    ),
    CommandSpec(
        "nudges", "seintjes",
        N_("Show or set how readily I nudge about problems here: normal, fewer or off"),
        N_("/nudges [normal | fewer | off]"),
        example=N_("/nudges fewer"),
    ),
    CommandSpec(
        "not-a-problem", "geen-probleem",
        N_("Tell the bot your last flagged message was not a problem, or undo that"),
        N_("/not-a-problem [undo]"),
        example=N_("/not-a-problem undo"),
    ),
    CommandSpec(
        "has-proposal", "bevat-voorstel",
        N_("Tell the bot your last flagged message already proposes something, or undo that"),
        N_("/has-proposal [undo]"),
        example=N_("/has-proposal undo"),
    ),
    CommandSpec(
        "snooze", "sluimer",
        N_("Remind me later: about my open problem, a concern round or my mandate"),
        N_("/snooze [1h]"),
        example=N_("/snooze 2h"),
    ),
    CommandSpec(
        "why", "waarom",
        N_("Ask why the bot read your last flagged message as a problem"),
        N_("/why"),
    ),
    CommandSpec(
        "table", "tafel",
        N_("Show or set this table: who is at it, what it is and is not about, routing"),
        # Discord's option takes 100 characters: it shows a shorter hint of its own
        # (adapters/discord/commands.py).
        N_("/table [about|not-about|routing <text> | join <organisation> | language en|nl "
           "| timezone <zone> | quiet-hours [<from>-<to> | off | default]]"),
        example=N_("/table about the weekend rota"),
    ),
    CommandSpec(
        "mandate", "mandaat",
        N_("Set your mandate, renew it, or show everyone's"),
        N_("/mandate [<what I may agree to> | renew | check]"),
        example=N_("/mandate spend up to 500 euro on supplies"),
    ),
    CommandSpec(
        "meeting", "vergadering",
        N_("Start or end a meeting; the end brings the report, mandates and an evaluation"),
        N_("/meeting start (or begin, open) | /meeting end (or close, finish, wrap up)"),
        aliases=("bijeenkomst",),
        example=N_("/meeting start"),
    ),
    CommandSpec(
        "evaluate", "evaluatie",
        N_("Score the meeting on our nine relationship values, 1 to 5"),
        N_("/evaluate <nine scores 1-5> [comment]"),
        aliases=("evalueer",),
        example=N_("/evaluate 4 5 3 4 4 5 3 4 4 we listened well today"),
    ),
    CommandSpec(
        "role", "rol",
        N_("Add, assign, hand over, change, give up or remove a role"),
        N_("/role add|tasks <name> <tasks> | assign|handover <name> @member | "
           "unassign|remove <name>"),
        example=N_("/role add chair leads the meeting and keeps time"),
    ),
    CommandSpec(
        "roles", "rollen",
        N_("List the roles at this table and who holds them"),
        N_("/roles"),
    ),
    CommandSpec(
        "review", "herziening",
        N_("Keep, revise or retire an agreement at its review"),
        N_("/review keep|retire <id> [because <why>] | revise <id> <new text> because <why> "
           "[learned <lesson>]"),
        example=N_("/review keep 3 because it works"),
    ),
    CommandSpec(
        "report", "verslag",
        N_("A concise report: agreements and why, open concerns, problems, mandates"),
        N_("/report [since <date>]"),
        example=N_("/report since last Monday"),
    ),
    CommandSpec(
        "groundrules", "spelregels",
        N_("Show the ground rules and the commands"),
        N_("/groundrules [help]"),
        aliases=("help", "hulp"),
        example=N_("/groundrules help agree"),
    ),
)  # fmt: skip

_BY_NAME = {name: spec for spec in COMMANDS for name in spec.names}
_DUTCH_ALIASES = {"ronde", "venster", "hulp", "bezwaar", "bijeenkomst", "evalueer"}


def nearest_word(word: str, words: Iterable[str], cutoff: float) -> str | None:
    """The one of `words` a mistyped `word` was most likely meant as, None when none is
    this close: command names ("afsprak": afspraak) and a command's own words ("withdrw":
    withdraw) are matched alike."""
    close = difflib.get_close_matches(word, words, n=1, cutoff=cutoff)
    return close[0] if close else None


def nearest_command(name: str, cutoff: float = 0.75) -> tuple[CommandSpec, str | None] | None:
    """The command a mistyped name was most likely meant as ("afsprak": /afspraak), with
    the language of the name it resembles; None when no name is close."""
    near = nearest_word(fold(name.strip().lstrip("/")), _BY_NAME, cutoff)
    return find_command(near) if near else None


def find_command(name: str) -> tuple[CommandSpec, str | None] | None:
    """The spec for a typed name, and "nl"/"en" when the name itself shows a language."""
    key = fold(name.strip().lstrip("/"))
    spec = _BY_NAME.get(key)
    if spec is None:
        return None
    if key == spec.dutch or key in _DUTCH_ALIASES:
        return spec, "nl"
    if key == spec.name:
        return spec, "en"
    return spec, None


# Words after /groundrules (or to @Groundrules) that ask for the ground rules, not for
# a command they resemble ("rules?" is not /roles, "ground rules" not /round), in the
# language of the word.
_ASKS_FOR_THE_RULES = {
    "rule": "en", "rules": "en", "ground": "en", "groundrule": "en", "ground-rules": "en",
    "regel": "nl", "regels": "nl", "spelregel": "nl",
}  # fmt: skip
# A command asked for by another form of its name, alone ("@Groundrules mandates?",
# "rapport aub"): the command, in the language of the word.
_NAME_FORMS = {
    "mandates": ("mandate", "en"), "mandaten": ("mandate", "nl"),
    "reports": ("report", "en"), "rapport": ("report", "nl"), "rapporten": ("report", "nl"),
    "verslagen": ("report", "nl"),
}  # fmt: skip
# Asked as a question alone ("@Groundrules concerns?"), these commands would act (start
# a round, settle or snooze a nudge) where the person asks what they do: the help says.
_ACTS_WHEN_BARE = frozenset({"concerns", "not-a-problem", "has-proposal", "snooze"})
# A word in a sentence is taken for a mistyped command only when it is this close to one
# ("afsprak", "agre", "rollne"); "rolls are in" or "tabel" are words of their own.
_MISTYPED = 0.82


def _bare(word: str) -> str:
    """A first word without the punctuation or emoji around it: "roles?", "agree:"."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] in "PS":
        end -= 1
    return word[start:end]


def reached_command(name: str, args: str) -> tuple[CommandSpec, str | None, str] | None:
    """The command a typed name and text reach, its language and its own text.

    "/groundrules afspraak …" (or "agree: …") reaches /agree, in Dutch. "/groundrules
    hulp", "/groundrules spelregels" and "regels?" stay /groundrules, in the language
    their word shows, and a sentence ("@Groundrules wat zijn onze afspraken?") in the
    language it is written in. Another form of a command's name, alone ("mandaten?",
    "rapport"), reaches that command, as do a few sentences that can mean one command
    only ("who has which mandate?", "zorgenronde stoppen": `_asked_in_words`). Words
    that start with a command's name but are a question ("mandaat van anna?", "agree on
    what?") or an ordinary sentence ("zorg dat …", "concern round: stop it") never write
    on the asker's behalf: they reach a listing, the round's withdrawal or the help. The
    language is None where nothing shows one.
    """
    found = find_command(name)
    if found is None:
        return None
    spec, lang = found
    if fold(name.strip().lstrip("/")) == "groundrules":
        # Both Slack manifests register /groundrules and a mention reads as it: the name
        # shows no language, the member's or the table's answers.
        lang = None
    args = args.strip()
    typed = fold(name.strip().lstrip("/"))
    if spec.name == "groundrules" and not args and typed in _HELP_WORDS:
        # "/hulp" alone asks for help as "/spelregels hulp" does: the commands too.
        return spec, lang, typed
    if spec.name != "groundrules" or not args:
        return spec, lang, args
    form = _NAME_FORMS.get(_keyword(args))
    if form is not None:
        return _BY_NAME[form[0]], form[1], ""
    first, _, rest = args.partition(" ")
    word = _bare(first)
    if fold(word) in _ASKS_FOR_THE_RULES:
        return spec, _ASKS_FOR_THE_RULES[fold(word)], args
    inner = find_command(word) if word else None
    if inner is None:
        return _asked_in_words(args) or (spec, detect_language(args, fallback="") or lang, args)
    if inner[0].name == "groundrules":
        return spec, inner[1] or lang, args
    if not rest.strip() and first.endswith("?") and inner[0].name in _ACTS_WHEN_BARE:
        return spec, inner[1] or lang, args
    help_ = (spec, inner[1] or detect_language(args, fallback="") or lang, args)
    if inner[0].name == "concern" and _first_names_a_round(rest):
        # "concern round: stop it", "zorg ronde stoppen": about the round, not a concern.
        return _asked_in_words(args) or help_
    if rest.strip() and inner[0].name not in _READS_ONLY and _a_question(args):
        # "mandaat van anna?", "agree on what?": a question never writes for the one who
        # asks; one about mandates lists them (privately), the rest reach the help.
        if inner[0].name == "mandate":
            return inner[0], inner[1], ""
        return _asked_in_words(args) or help_
    if inner[0].name == "mandate" and _of_someone(rest):
        return inner[0], inner[1], ""  # "mandaat van anna": whose, not a new mandate
    goes_on = _A_SENTENCE_GOES_ON.get(inner[0].name, frozenset())
    after = rest.split()[:1]
    if after and not first.endswith(":") and fold(_bare(after[0])) in goes_on:
        return help_  # "zorg dat …", "round of applause": a sentence, not the command
    return inner[0], inner[1], rest.strip()


def command_language(name: str, args: str) -> str | None:
    """The language a typed command shows in what its member wrote: its own words', else
    that of a Dutch name it was typed by (/afspraak, /groundrules afspraak) or of the words
    after /groundrules; None when nothing shows one. An English command name alone shows
    none: Slack's English app and a Discord client in English give everyone those names,
    whatever they write. Then the table's language answers, else the member's client's."""
    found = reached_command(name, args)
    if found is None:
        return None
    spec, shown, own = found
    words = clear_language(own) or _keyword_language(spec.name, own)
    if words is not None:
        return words
    typed = find_command(name)
    named_alone = typed is not None and typed[0].name != "groundrules"
    return None if named_alone and shown == "en" else shown


# Keywords only Dutch has, by command. Typed under an English name ("/nudges minder",
# "/agreements alle", "/report sinds vorige week") the keyword is most of what a member
# writes: too few words for clear_language, yet Dutch all the same. Dutch only: an English
# name is everyone's on an English client, so it shows nothing, while English keywords
# ("check", "start", "ok") are everyday Dutch too and show nothing against a Dutch name.
_DUTCH_KEYWORDS = {
    "agreements": frozenset({"alle", "alles", "allemaal", "huidige", "geschiedenis"}),
    "concerns": frozenset({"intrekken", "annuleren", "annuleer", "stoppen", "trek"}),
    "concern": frozenset({"geen", "nee", "neen", "niets", "niks"}),
    "nudges": frozenset({"normaal", "standaard", "aan", "minder", "weinig", "uit", "geen"}),
    "not-a-problem": frozenset({"ongedaan", "terugdraaien", "terug", "maak"}),
    "table": frozenset({
        "over", "niet-over", "nietover", "aanschuiven", "organisatie", "taal", "tijdzone",
        "stille-uren", "stilleuren",
    }),
    "mandate": frozenset({
        "vernieuw", "vernieuwd", "vernieuwen", "verleng", "verlengd", "verlengen", "akkoord",
        "ja", "prima", "klopt", "geldt", "geldig", "ongewijzigd", "onveranderd", "hetzelfde",
        "zelfde", "bevestig", "bevestigd", "bevestigen", "zoals", "niets", "niks", "gelijk",
        "blijft", "staat", "navragen", "navraag", "nagevraagd", "checken", "overleggen",
        "overleg", "nagaan", "afstemmen", "ruggespraak", "terugkoppelen", "voorleggen", "vraag",
    }),
    "meeting": frozenset({
        "starten", "beginnen", "openen", "einde", "eind", "afsluiten", "sluiten", "sluit",
        "afronden", "rond", "beëindigen", "beeindigen", "beëindig", "beeindig", "stoppen",
        "klaar",
    }),
    "role": frozenset({
        "toevoegen", "nieuw", "toewijzen", "geef", "overdragen", "overdracht", "taken",
        "wijzigen", "wijzig", "neerleggen", "teruggeven", "vrijgeven", "verwijderen",
        "verwijder", "schrappen", "opheffen",
    }),
    "review": frozenset({
        "behouden", "houden", "behoud", "aanhouden", "herzien", "herzie", "aanpassen",
        "wijzigen", "wijzig", "intrekken", "stoppen", "vervallen", "schrappen", "beëindigen",
        "afschaffen", "opheffen",
    }),
    "report": frozenset({
        "sinds", "vanaf", "vorige", "afgelopen", "gisteren", "eergisteren", "vandaag",
    }),
}  # fmt: skip
# Where the first word is a keyword only as the command reads it: "/concerns stoppen"
# withdraws the round, "/concerns stoppen met de standup" is a proposal (in its own words'
# language); "/mandate akkoord" renews, "/mandate prima koffie" would be a mandate.
_KEYWORD_WHEN = {
    "concerns": lambda own: _withdraws(own),
    "mandate": lambda own: _quoted_whole(own) is None and _renewal_answer(own) is not None,
}
# Units of a span only Dutch has: "/snooze 1u", "/problem-window 2 uur".
_DUTCH_UNITS = frozenset({
    "seconde", "seconden", "minuut", "minuten", "u", "uur", "uren", "dag", "dagen", "weken",
    "minuutje", "minuutjes", "uurtje", "uurtjes", "dagje", "dagjes", "weekje", "weekjes",
})  # fmt: skip
_SPANS_TYPED = frozenset({"snooze", "problem-window"})
_LETTERS = re.compile(r"[^\W\d_]+")


def _keyword_language(command: str, own: str) -> str | None:
    """ "nl" when what follows a command is one of its keywords only Dutch has."""
    if asks_for_help(own) and command != "groundrules":
        return "nl" if _HELP_WORDS.get(fold(_bare(own.strip()))) == "nl" else None
    if command in _SPANS_TYPED:
        return "nl" if any(unit in _DUTCH_UNITS for unit in _LETTERS.findall(fold(own))) else None
    first = own.split()[:1]
    if not first or fold(_bare(first[0])) not in _DUTCH_KEYWORDS.get(command, ()):
        return None
    when = _KEYWORD_WHEN.get(command)
    return "nl" if when is None or when(own) else None


# A command's word that opens an ordinary sentence with the word after it: "zorg dat de
# deploy werkt" (make sure), "zorgen voor de release", "round of applause", "agree with
# anna", "afspraak met de tandarts" (an appointment). Written as a command ("zorg: dat
# is te krap") it stays one.
_A_SENTENCE_GOES_ON = {
    "concern": frozenset({"dat", "ervoor", "voor", "jij", "u"}),
    "concerns": frozenset({"dat", "ervoor", "voor", "of", "van"}),
    "agree": frozenset({"with", "met"}),
}  # fmt: skip


# Commands that only show, whatever words follow: a question may reach them.
_READS_ONLY = frozenset({"agreements", "roles", "report", "why", "groundrules"})


def _a_question(args: str) -> bool:
    """Words that end in a question mark, an emoji after it or not ("van anna? 🙏")."""
    end = len(args)
    while end and (args[end - 1].isspace() or unicodedata.category(args[end - 1])[0] in "SM"):
        end -= 1
    return args[:end].endswith("?")


def _of_someone(rest: str) -> bool:
    """ "of anna", "van @ben", "van iedereen": someone's mandate, asked for."""
    words = rest.split()
    return len(words) == 2 and fold(words[0]) in {"of", "van"}


def _first_names_a_round(rest: str) -> bool:
    words = _keyword(rest).split()
    return bool(words) and words[0] in _ROUND_NOUNS


# A question about who holds what ("who has which mandate?"), or "show …", that names
# one of these lists: the listing itself (read-only, answered privately). Not "what is a
# mandate?" (what one is), and agreements only when shown: "welke afspraken hebben we?"
# may ask for the ground rules, which Dutch calls agreements too.
_LISTS = {
    "mandate": ("mandate", "en"), "mandates": ("mandate", "en"),
    "mandaat": ("mandate", "nl"), "mandaten": ("mandate", "nl"),
    "role": ("roles", "en"), "roles": ("roles", "en"),
    "rol": ("roles", "nl"), "rollen": ("roles", "nl"),
    "agreements": ("agreements", "en"), "afspraken": ("agreements", "nl"),
}  # fmt: skip
_ASKED_AS_WHO_OR_WHICH = frozenset({"mandate", "roles"})
_WHO_OR_WHICH = frozenset({"who", "whose", "which", "wie", "wiens", "welk", "welke"})
_SHOW = frozenset({"show", "list", "toon"})
_A_SHORT_QUESTION = 10  # words
# Words that name a concern round, with the language they show.
_ROUND_NOUNS = {"round": "en", "ronde": "nl", "rondje": "nl", "zorgenronde": "nl"}


def _asked_in_words(args: str) -> tuple[CommandSpec, str | None, str] | None:
    """A few sentences to @Groundrules that can only mean one command: "who has which
    mandate?" (/mandate), "welke rollen zijn er?" (/roles), "show the agreements",
    "stop the concern round" or "zorgenronde stoppen" (/concerns withdraw, which only
    the round's proposer or asker may do). None for anything else: the help answers."""
    words = _round_named(_keyword(args)).split()
    if not words or len(words) > _A_SHORT_QUESTION:
        return None
    nouns = [_ROUND_NOUNS[w] for w in words if w in _ROUND_NOUNS]
    if nouns and _withdraws(args):
        return _BY_NAME["concerns"], detect_language(args, fallback=nouns[0]), args
    named = {_LISTS[w] for w in words if w in _LISTS}
    if len({name for name, _ in named}) != 1:
        return None  # no list, or two: which one is meant is a guess
    name, word_lang = next(iter(named))
    shown = words[0] in _SHOW
    asked = name in _ASKED_AS_WHO_OR_WHICH and any(w in _WHO_OR_WHICH for w in words)
    if not (shown or asked):
        return None
    # "show all agreements", "toon alle afspraken": the retired ones too.
    every = name == "agreements" and any(w in _ALL_AGREEMENTS for w in words)
    return _BY_NAME[name], detect_language(args, fallback=word_lang), "all" if every else ""


def mistyped_command(args: str) -> tuple[str, tuple[CommandSpec, str | None]] | None:
    """The first word after /groundrules (or to @Groundrules), bare, and the command it
    is a typo of ("afsprak iets omdat …": /afspraak); None when it reads as a word of its
    own. A form of a command's name ("agreed!", "concerned about", "ground rules") is a
    word, not a typo."""
    word = _bare(args.strip().partition(" ")[0])
    key = fold(word)
    if not key or find_command(key) is not None or key in _ASKS_FOR_THE_RULES:
        return None
    if key in _NAME_FORMS:
        return None
    near = nearest_command(key, cutoff=_MISTYPED)
    if near is None or near[0].name == "groundrules":
        return None
    if any(name in key for name in near[0].names):
        return None
    return word, near


# --- parsed commands -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Agree:
    text: str
    why: str
    owner: str | None
    review_on: date | None
    # A form's owner, as written: the name of a role at the table is that role.
    owner_as_written: bool = False
    # From a form: the round whose summary offered it, or the proposal a suggestion
    # offered (typed: neither, the table's last closed round may be linked).
    round_id: str | None = None
    proposal: str | None = None
    # A Slack user group or Discord role named as the owner (its mention): no one person
    # owns the agreement, so it is refused, pointing at a table role of that name if any.
    owner_group: str | None = None


@dataclass(frozen=True, slots=True)
class ListAgreements:
    include_history: bool


@dataclass(frozen=True, slots=True)
class StartRound:
    proposal: str | None  # None: the latest proposal here


@dataclass(frozen=True, slots=True)
class WithdrawRound:
    """Stop the open concern round: asked by mistake, or its proposal is gone."""


@dataclass(frozen=True, slots=True)
class AnswerRound:
    """`nearly`: the short "none" the concern is a typo away from ("non": "none"), and
    `concern` then the writer's own words, whom they said it to left out. Such an answer
    is asked about, not noted, once there is a round to answer; so is a `wordless` one."""

    concern: str | None
    nearly: str | None = None
    # Only mentions, maybe with channels or emoji ("/concern <@U1>"): no words of its
    # own, asked about as `nearly` is rather than noted.
    wordless: bool = False


@dataclass(frozen=True, slots=True)
class ResolveConcern:
    """The concern this member raised in the open round is resolved: they count as
    having none from now on, and the round keeps that it was raised."""


@dataclass(frozen=True, slots=True)
class ProblemWindow:
    window: timedelta | None


@dataclass(frozen=True, slots=True)
class NudgeMode:
    """How readily a table is nudged about problems (TableSettings.nudges): normal,
    fewer or off; None asks which it is."""

    mode: str | None


@dataclass(frozen=True, slots=True)
class NotAProblem:
    pass


@dataclass(frozen=True, slots=True)
class UndoNotAProblem:
    """Take back one's own "Not a problem", said by mistake (rules.dismissals)."""


@dataclass(frozen=True, slots=True)
class HasProposal:
    pass


@dataclass(frozen=True, slots=True)
class UndoHasProposal:
    """Take back one's own "It has a proposal", said by mistake (rules.dismissals)."""


@dataclass(frozen=True, slots=True)
class AskWhy:
    pass


@dataclass(frozen=True, slots=True)
class Snooze:
    span: timedelta | None


@dataclass(frozen=True, slots=True)
class ShowRules:
    with_commands: bool
    # A word asked about ("help frobnicate") that names no command, nor nearly one.
    unknown: str | None = None


@dataclass(frozen=True, slots=True)
class ShowTable:
    pass


@dataclass(frozen=True, slots=True)
class SetCharter:
    """field: about, not_about or routing."""

    field: str
    text: str


@dataclass(frozen=True, slots=True)
class JoinTable:
    organisation: str


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class ShowLanguage:
    """/table language alone: which language the table speaks, and how to choose one."""


@dataclass(frozen=True, slots=True)
class ShowTimezone:
    """/table timezone alone: where the table's days count, and how to change it."""


@dataclass(frozen=True, slots=True)
class SetTimezone:
    """An IANA name, as the zone data spells it."""

    timezone: str


@dataclass(frozen=True, slots=True)
class ShowQuietHours:
    pass


@dataclass(frozen=True, slots=True)
class SetQuietHours:
    """The table's own quiet hours: `hours`, or None for none at all; `default`: back to
    the bot's (GROUNDRULES_QUIET_HOURS), whatever they are."""

    hours: QuietHours | None
    default: bool = False


@dataclass(frozen=True, slots=True)
class ShowMandates:
    pass


@dataclass(frozen=True, slots=True)
class SetMandate:
    text: str
    # In quotes, the text is a mandate as written; unquoted, a few words may be an answer
    # to the renewal question in words the grammar does not know.
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class AnswerRenewal:
    """renewed, or check: must check with my organisation first."""

    outcome: str
    meeting_id: str | None = None  # a button's meeting; typed: the latest
    # Typed with more words than the answer ("check with my board first"): all of them,
    # to confirm back how they were read (they may have been meant as a new mandate).
    words: str | None = None


@dataclass(frozen=True, slots=True)
class StartMeeting:
    pass


@dataclass(frozen=True, slots=True)
class EndMeeting:
    pass


@dataclass(frozen=True, slots=True)
class Evaluate:
    scores: tuple[int, ...]
    comment: str | None
    meeting_id: str | None = None  # a form's meeting; typed: the latest


@dataclass(frozen=True, slots=True)
class AddRole:
    name: str
    tasks: str


@dataclass(frozen=True, slots=True)
class AssignRole:
    name: str
    user: str
    handover: bool


@dataclass(frozen=True, slots=True)
class SetRoleTasks:
    name: str
    tasks: str


@dataclass(frozen=True, slots=True)
class UnassignRole:
    """A role given up, held by nobody after; `user`: its holder as typed ("unassign
    chair @anna"), which must be the role's."""

    name: str
    user: str | None


@dataclass(frozen=True, slots=True)
class RemoveRole:
    name: str


@dataclass(frozen=True, slots=True)
class ShowRoles:
    pass


@dataclass(frozen=True, slots=True)
class ReviewAgreement:
    """decision: keep, revise or retire; a revision brings its new text and reason."""

    number: int
    decision: str
    new_text: str | None = None
    why: str | None = None
    lesson: str | None = None
    version: int | None = None  # the version a review message showed; typed: the current
    asked_at: datetime | None = None  # when the review a button answers was asked
    # Typed clauses, as an agreement's: a revision's new owner (a member's id or
    # "role:<name>", or a group's mention, which is refused) and a keep's or a
    # revision's next review date.
    owner: str | None = None
    owner_group: str | None = None
    review_on: date | None = None


@dataclass(frozen=True, slots=True)
class Report:
    since: date | None


TableCommand = (
    ShowTable | SetCharter | JoinTable | SetLanguage | ShowLanguage | SetTimezone
    | ShowTimezone | ShowQuietHours
    | SetQuietHours | ShowMandates | SetMandate | AnswerRenewal | StartMeeting | EndMeeting
    | Evaluate | AddRole | AssignRole | SetRoleTasks
    | UnassignRole | RemoveRole | ShowRoles | ReviewAgreement | Report
)  # fmt: skip

Parsed = (
    Agree | ListAgreements | StartRound | WithdrawRound | AnswerRound | ResolveConcern
    | ProblemWindow
    | NudgeMode | NotAProblem | UndoNotAProblem | HasProposal | UndoHasProposal | Snooze
    | AskWhy | ShowRules
    | TableCommand
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class UsageError:
    """The command was recognised but its text was not: explain and show the usage.
    `asked`: its member asked how it works ("/concerns help"): what it does comes first.
    `again`: the words were meant and only one thing in them is off (a text too long, a
    date past, no why): they are shown back, to correct and send again rather than type anew."""

    spec: CommandSpec
    reason: Say | Lines | None = None
    asked: bool = False
    again: bool = False
    # An example of the part of the command that was typed ("/table join …"), in place
    # of the command's own, which shows another part.
    example: str | None = None


@dataclass(frozen=True, slots=True)
class UnknownCommand:
    """A name no command has; `near` is the command it was most likely meant as."""

    name: str
    near: CommandSpec | None = None
    # What was typed after the name, to give back with the command meant.
    words: str = ""


# --- parsing -------------------------------------------------------------------

# "because" and "omdat" always give the reason. Only without them may a weaker word, in
# the command's language: Dutch "want" (English "want" is a wish: "if you want to ..."),
# and English "since" when no time follows ("weekly since March" is no reason).
# A comma before the word, or a colon after it, is the sentence's punctuation: "Tea in
# turns, because it is fair", "because: it is fair".
_BECAUSE = re.compile(r"[,;:]?\s+(?:because|omdat):?\s+", re.IGNORECASE)
_DUTCH_BECAUSE = re.compile(r"[,;:]?\s+(want|aangezien):?\s+", re.IGNORECASE)
# Words that give a reason in one language only, read whatever the text's language reads
# as (a short reason, "vanwege file", gives little to tell it by): "vanwege" (because of)
# and the purpose "zodat", English "so that". They keep their word, as "want" does: "zodat
# iedereen er is" says something else after "omdat", and nothing after a label alone.
# English "as" and "so" alone are no reason words here: "as agreed", "so far", "so we
# can" read too often as the agreement's own.
_OWN_REASON_WORDS = re.compile(r"[,;:]?\s+(vanwege|zodat|so\s+that):?\s+", re.IGNORECASE)
_ENGLISH_SINCE = re.compile(
    r"[,;:]?\s+since\s+(?!(?:\d|last\b|yesterday\b|today\b|then\b|ever\b|(?:the\s+)?(?:start|"
    r"beginning)\b|(?:" + "|".join(sorted(set(MONTHS) | set(WEEKDAYS))) + r")\b))",
    re.IGNORECASE,
)
# An agreement's reason may end in clauses: "owner @ben", "owner role night lead",
# "review in 6 weeks", "herziening: 1 mei". Only a trailing run of them counts; the same
# words inside the reason stay there ("because the owner @ben asked", "because we review in
# person").
_CLAUSE = re.compile(
    r"(?<!\S)(?:(owner|eigenaar)|(?:(?:next|volgende)\s+)?"
    r"(review|herziening|herzien|evalueer|evalueren|evaluatie))\s*:?(?=\s|$)",
    re.IGNORECASE,
)
# After an article or possessive, "owner" and "review" are nouns in the reason ("the
# owner @ben asked"); after a subject, an auxiliary, a contraction or "to", "review" is
# its verb ("we review in person", "we'd review in March", "we zullen herzien over een
# maand"). Neither starts a clause. The same holds for "learned" and "geleerd" ("we
# learned that ...", "we hebben geleerd dat ...").
_BEFORE_A_NOUN = frozenset({
    "the", "a", "an", "our", "your", "their", "his", "her", "its", "my", "this", "that",
    "each", "every", "last", "first", "new",
    "de", "het", "een", "onze", "ons", "jullie", "hun", "zijn", "haar", "mijn", "deze", "die",
    "dit", "dat", "elke", "iedere", "vorige", "eerste", "nieuwe",
})  # fmt: skip
_BEFORE_A_VERB = _BEFORE_A_NOUN | frozenset({
    "we", "i", "you", "they", "he", "she", "it", "to", "will", "should", "must", "can",
    "could", "would", "shall", "might", "may", "do", "does", "did", "have", "has", "had",
    "also", "then", "lets", "wij", "ik", "je", "jij", "ze", "zij", "hij", "te", "zal",
    "zullen", "moet", "moeten", "kan", "kunnen", "gaan", "gaat", "willen", "wil", "hebben",
    "heb", "hebt", "heeft", "hadden", "is", "zijn", "ook", "dan",
})  # fmt: skip
# Dutch puts a subordinate clause's verbs last ("omdat het rommelig is", "omdat dat moet",
# "omdat de brieven te laat zijn"), so before a Dutch clause word a finite verb usually
# ends the reason: "omdat het rommelig is herzien over 2 weken" has a review date. Only
# right after a subject pronoun is it the auxiliary of a verb the clause word completes
# ("we zullen herzien over twee weken", "we hebben geleerd dat ..."); "geleerd" also
# completes a perfect anywhere ("omdat het team veel heeft geleerd"). A guess, as the
# English one: "omdat we het willen herzien over een maand" reads as a reason "we het
# willen" and a review date, and so does the passive "omdat de regel is herzien op 1 mei".
_DUTCH_CLAUSE_WORDS = frozenset({
    "eigenaar", "herziening", "herzien", "evalueer", "evalueren", "evaluatie", "geleerd", "les",
})  # fmt: skip
_NOUN_CLAUSE_WORDS = frozenset({
    "owner", "eigenaar", "herziening", "evaluatie", "lesson", "les",
})  # fmt: skip
# The English clause words a Dutch writer types too: the English app's usage shows
# "/agree <what> because <why> [owner @who] [review <date>]". After a Dutch reason's
# final verb ("omdat vrijwilligers dan vrij zijn review 15 januari") they end the reason
# as the Dutch words do; the English "they review" reading is for English reasons.
_ENGLISH_CLAUSE_WORDS = frozenset({"owner", "review", "learned", "learnt", "lesson"})
_PERFECT_PARTICIPLES = frozenset({"geleerd", "learned", "learnt"})
_DUTCH_FINITE = frozenset({
    "is", "zijn", "was", "waren", "wordt", "worden", "blijkt", "blijken", "moet", "moeten",
    "kan", "kunnen", "zal", "zullen", "wil", "willen", "mag", "mogen", "gaan", "gaat",
    "hebben", "heb", "hebt", "heeft", "had", "hadden",
})  # fmt: skip
_DUTCH_PERFECT = frozenset({"hebben", "heb", "hebt", "heeft", "had", "hadden"})
# Finite verbs English writes too ("it is", "we had"): Dutch only in a Dutch reason.
_ENGLISH_TOO = frozenset({"is", "was", "had"})
_DUTCH_SUBJECTS = frozenset({"we", "wij", "ik", "je", "jij", "ze", "zij", "hij", "u", "jullie"})
# "zijn" after a preposition is a possessive ("van zijn eigenaar"), else a verb.
_DUTCH_PREPOSITIONS = frozenset({
    "van", "voor", "met", "door", "bij", "om", "uit", "naar", "tegen", "zonder", "op", "in",
    "over", "na", "aan",
})  # fmt: skip
# "we'd", "we'll", "won't", "let's", "we’ve": a subject with its auxiliary.
_CONTRACTION = re.compile(r"\w['’](?:d|ll|s|ve|re|m)$|n['’]t$")
# A review clause's value looks like a date from its first word: "in", "on", "op",
# "over", "per", "next", "volgende", "tomorrow", "morgen", a digit, a month, a weekday, a
# number word, a point in a period ("end of January", "eind van het kwartaal",
# "mid-February", "begin maart"), or "the"/"de" and a digit or such a point ("the 1st of
# May", "the end of March"). "takes 2 weeks" does not.
_PREPOSITIONS = frozenset({"in", "over", "na", "on", "op", "per", "within", "binnen"})
# Seasons and holidays say when, though no day can be read from them ("after the
# summer", "na de zomer"): such a review date is refused as unreadable, not left in the
# reason. ("fall" is left out: "review fall-out" is no date.)
_TIMES_OF_YEAR = frozenset({
    "q1", "q2", "q3", "q4", "summer", "winter", "spring", "autumn", "holidays", "holiday",
    "christmas", "easter", "zomer", "lente", "voorjaar", "herfst", "najaar", "vakantie",
    "zomervakantie", "kerstvakantie", "kerst", "kerstmis", "pasen", "nieuwjaar",
    "jaarwisseling", "feestdagen", "reces", "zomerreces", "recess", "new-year",
    # a school's year: "na de herfstvakantie", "after half term", "end of term"
    "herfstvakantie", "voorjaarsvakantie", "krokusvakantie", "meivakantie", "term",
})  # fmt: skip
# Events that say when but name no day either: "after the exams", "na de tentamens". Only
# after a word that puts the review before, at or after them: "review exams" is a task.
_EVENTS = frozenset({
    "exams", "exam", "finals", "midterms", "examens", "examen", "tentamens", "tentamen",
    "toetsweek", "tentamenweek", "toetsen",
})  # fmt: skip
_EVENT_OPENERS = frozenset({
    "after", "before", "by", "around", "at", "during", "na", "voor", "tegen", "rond",
    "tijdens", "bij", "vanaf", "uiterlijk",
})  # fmt: skip
# "at the next meeting", "bij de volgende vergadering": meetings here have no dates ahead
# (/meeting start opens one when it begins), so which day that is only the table knows:
# asked for (NEXT_MEETING_DATE), not kept in the reason.
_NEXT_MEETING = re.compile(
    r"^(?:(?:at|after|by|before|during|on|in|bij|na|op|tijdens|voor|tegen)\s+)?"
    r"(?:(?:the|our|de|het|ons|onze)\s+)?(?:next|coming|volgende?|komende?|eerstvolgende?)"
    r"\s+(?:team\s*)?(?:meeting|vergadering|teamvergadering|overleg|teamoverleg|bijeenkomst)$"
)


def _names_an_event(words: list[str]) -> bool:
    """Whether a review clause's words are an event after its opener: "after the exams"."""
    return (
        len(words) >= 2
        and words[0] in _EVENT_OPENERS
        and words[-1] in _EVENTS
        and all(word in _DATE_FILLERS for word in words[1:-1])
    )


# "after New Year", "na het nieuwe jaar": one time of the year ("new-year") in two words.
_NEW_YEAR = re.compile(r"\b(?:new\s+year(?:['’]?s)?|nieuwe?\s+jaar)\b")


def _date_words(value: str) -> list[str]:
    """A review clause's words, folded, without their punctuation, split at hyphens
    ("mid-February"), "New Year" as one."""
    folded = _NEW_YEAR.sub("new-year", FROM_NOW.sub("", fold(value).rstrip(".,;!")))
    words = [word.strip(".,;!") for word in folded.split()]
    return [part for word in words for part in re.split(r"-(?!year$)", word) if part]


# "after the summer", "by the end of March", "voor de zomer": these open a date only
# before one of the words above or a point, not before a number ("by two people").
_LOOSE_OPENERS = frozenset({
    "after", "before", "by", "at", "around", "voor", "vóór", "tegen", "rond", "rondom",
    "vanaf", "uiterlijk",
})  # fmt: skip
# "every month", "elke 2 weken", "om de week": a date when only a span follows.
_EVERY_WORDS = frozenset({"every", "each", "elke", "iedere", "ieder", "elk"})
_SPANS = DATE_UNITS | frozenset(PERIODS) | frozenset({"quarters", "kwartalen"})
# Before the agreement these describe its subject ("Review daily standups", "Review every
# PR", "Review today's numbers"): a leading review date never starts with them.
_NO_LEADING_DATE = frozenset(EVERY_SPAN) | _EVERY_WORDS | {
    "om", "today", "vandaag", "once", "eens", "1x",
}  # fmt: skip
# Words that say a time has come or gone ("review yesterday", "herziening vorige week",
# "review now"): meant as a date, so read and refused as past, not kept in the reason.
# Before the agreement they describe its subject ("Review last week's incidents").
_PAST_TIMES = frozenset({
    "yesterday", "last", "now", "gisteren", "eergisteren", "vorige", "vorig", "afgelopen",
    "nu",
})  # fmt: skip
_NO_LEADING_DATE |= _PAST_TIMES
# Times too vague to give a day ("review soon", "herziening binnenkort"): meant as a date,
# so refused as unreadable rather than kept in the reason.
_VAGUE_TIMES = frozenset({
    "soon", "later", "asap", "sometime", "someday", "eventually", "regularly", "periodically",
    "whenever", "binnenkort", "straks", "zsm", "ooit", "regelmatig", "periodiek",
    # "in a few weeks", "over een paar weken", "in a couple of months"
    "few", "couple", "paar",
})  # fmt: skip
_DATE_WORDS = (
    frozenset(MONTHS) | frozenset(WEEKDAYS) | frozenset(NUMBER_WORDS) | DATE_UNITS
    | _PREPOSITIONS | frozenset(word for word in DAYS_AHEAD if " " not in word)
    | frozenset({"next", "volgende", "volgend", "komende", "komend", "aanstaande", "coming"})
    | frozenset(POINT_WORDS) | frozenset(PERIODS) | _TIMES_OF_YEAR | frozenset(EVERY_SPAN)
    | frozenset({"today", "vandaag"}) | _VAGUE_TIMES | _PAST_TIMES
)  # fmt: skip
# "the 1st of May", "de 1e van mei", "eind van het kwartaal", "end of this month".
_DATE_FILLERS = frozenset({"the", "de", "het", "of", "van", "this", "deze", "dit"})
# A plural noun right before "review" is the sentence's subject ("because auditors review
# on May 1", "because our managers review in two weeks"), when it opens its sentence:
# at most one word before it, not a preposition ("because of outages review in 6 weeks"
# is a reason and a clause). Words ending in -s that are no plural nouns are listed.
# Without parsing English this stays a guess: "because the external auditors review on
# May 1" (two words before the noun) still reads as a reason and a review date, and so
# does a singular subject ("because the analysis review in 6 weeks"); Dutch plurals in
# -en are not recognised (a Dutch reason after "omdat" puts its verb last anyway).
_PLURAL = re.compile(r"[^\W\d_]{2,}[^\W\d_isu]s", re.IGNORECASE)  # not "this", "status"
_NOT_PLURAL = frozenset({
    "always", "sometimes", "perhaps", "afterwards", "towards", "besides", "less", "unless",
    "yes", "was", "has", "does", "goes", "thus", "plus", "minus", "whereas", "anyways",
    "nowadays", "across", "alles", "niets", "iets", "soms", "eens", "weleens", "anders",
    "steeds", "straks", "thuis", "alweer", "ooit", "ons",
}) | DATE_UNITS | frozenset({"hours", "minutes", "seconds"})  # fmt: skip
_NOT_A_SUBJECT_AFTER = frozenset({
    "of", "about", "for", "with", "after", "before", "from", "by", "at", "to", "into",
    "than", "like", "during", "without", "in", "on", "op", "van", "over", "na", "met",
    "voor", "door", "bij", "om", "uit", "naar", "tegen", "zonder", "dan", "als",
})  # fmt: skip
# "It" is no subject of "review" ("it reviews"), nor "het" an article of "herziening" ("de
# herziening"): before such a clause word they are the object the reason ends with.
_OBJECT_PRONOUNS = frozenset({"it", "het"})
_REVIEW_WITH_NO_SUBJECT_IT = frozenset({"review", "evaluate", "herziening"})
# Before a word in -s, these make it a verb ("it works", "everyone helps"), not a plural
# noun that opens its sentence ("auditors review on May 1").
_SINGULAR_SUBJECTS = frozenset({
    "it", "he", "she", "this", "that", "everyone", "everybody", "someone", "somebody",
    "nobody", "one",
})  # fmt: skip
_OPENS_A_SENTENCE = frozenset({"and", "but", "so", "or", "en", "maar", "dus"})
# "@a, @b", "@a & @b", "@a and @b"; the "&" of a Discord role's mention <@&123> is its own.
# Between names in a list: a comma, "and", "en", "&", or only a space before a mention
# ("@chris @ben").
_AND = re.compile(r"\s*(?:,|(?<!<@)&|\band\b|\ben\b)\s*|\s+(?=<?@)", re.IGNORECASE)
ONE_OWNER = Say.of(N_("An agreement has one owner: name one member, like owner @anna."))
NAME_THE_OWNER = Say.of(
    N_("Name the owner with @, like owner @anna, or a role: owner role <name>.")
)
MAX_FIELD = 2000
# Numbers people type are stored as 32-bit integers (SQLite and PostgreSQL "integer").
MAX_NUMBER = 2**31 - 1
# A form's date picker says no more, beside the field; a typed date is named (past_review).
PAST_REVIEW = Say.of(N_("The review date must be in the future."))
# Agreements are temporary: a review in the year 3942 ("in 99999 weeks") is none.
MAX_REVIEW_AHEAD = timedelta(days=3653)
FAR_REVIEW = Say.of(N_("Choose a review date within ten years: agreements are temporary."))
# How long a problem may wait for a proposal, at a table (/problem-window) or by default.
SHORTEST_WINDOW, LONGEST_WINDOW = timedelta(seconds=10), timedelta(days=7)
FUTURE_REPORT = Say.of(N_("A report looks back: give a date that has passed."))


# How long people's words may be where the bot keeps them: longer is refused up front
# (too_long), saying so, never cut without a word.
ROLE_NAME_LIMIT, TASKS_LIMIT, MANDATE_LIMIT = 60, 500, 500
ORGANISATION_LIMIT, CHARTER_LIMIT, COMMENT_LIMIT = 120, 500, 1000
ROLE_NAME_TOO_LONG = N_(
    "A role's name is at most {limit} characters; this one has {count}. Shorten it and "
    "send it again."
)
TASKS_TOO_LONG = N_(
    "A role's tasks are at most {limit} characters; these have {count}. Shorten them and "
    "send them again."
)
MANDATE_TOO_LONG = N_(
    "A mandate is at most {limit} characters; this one has {count}. Shorten it and send it again."
)
ORGANISATION_TOO_LONG = N_(
    "An organisation's name is at most {limit} characters; this one has {count}. Shorten "
    "it and send it again."
)
COMMENT_TOO_LONG = N_(
    "A comment is at most {limit} characters; yours has {count}. Shorten it and send it again."
)
TEXT_TOO_LONG = N_(
    "This text is at most {limit} characters; yours has {count}. Shorten it and send it again."
)


def too_long(spec: CommandSpec, msgid: str, limit: int, *texts: str | None) -> UsageError | None:
    """The refusal of words longer than `limit` (on one line, as they are kept), saying
    how long they may be and are; None when all of `texts` fit."""
    for text in texts:
        count = len(" ".join(text.split())) if text else 0
        if count > limit:
            return UsageError(spec, Say.of(msgid, limit=limit, count=count), again=True)
    return None


def one_line(text: str) -> str:
    """People's words as the bot quotes them inside a sentence ("Concern from Anna: …"):
    one line, as typed commands are, so none of them stands alone as the bot's own."""
    return " ".join(text.split())[:MAX_FIELD]


def shown_line(text: str | None) -> str | None:
    """People's words on one line (`one_line`); None when none of them shows (nothing,
    spaces, or invisible characters only: rules.visible)."""
    return one_line(text) if text is not None and shows(text) else None


def _number(text: str) -> int | None:
    """A whole number typed in ASCII digits and small enough to store, else None.

    str.isdigit also accepts "²" and "①", which int() refuses.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_NUMBER)):
        return None
    number = int(text)
    return number if number <= MAX_NUMBER else None


def parse_command(
    spec: CommandSpec,
    args: str,
    *,
    today: date,
    lang: str | None = None,
    month_first: bool = False,
) -> Parsed | UsageError:
    """Parse the text after the command name; never raises on user input.

    `lang` is the language the typed name shows (find_command: "nl" for /afspraak); it
    decides which words may give a reason. Without it the text's own language does.
    `month_first`: the table may write the month first (rules.date_order), so a date in
    numbers that reads both ways ("05/03/2027") is asked about, not read day first.
    """
    args = args.strip()
    if spec.name != "groundrules" and asks_for_help(args):
        # "/concerns help" asks how the command works: never a round about "help", nor a
        # mandate, a concern or a role of that name.
        return UsageError(spec, asked=True)
    if spec.name in _GIVE_REASONS:
        return _GIVE_REASONS[spec.name](spec, args, today, lang, month_first)
    if spec.name in _READ_DATES:
        return _READ_DATES[spec.name](spec, args, today, month_first)
    parser = _PARSERS[spec.name]
    return parser(spec, args, today)


# A command's text that asks how it works ("/concerns help", "/mandaat hulp?", "--help"),
# with the language each word shows.
_HELP_WORDS = {"help": "en", "usage": "en", "hulp": "nl", "gebruik": "nl", "uitleg": "nl"}


def asks_for_help(args: str) -> bool:
    """Whether a command's whole text asks how it works: a help word alone, or only
    question marks, punctuation or emoji around it ("help?", "--help", "?")."""
    words = args.split()
    if not words:
        return False
    if len(words) == 1 and not _bare(words[0]) and "?" in words[0]:
        return True  # "?", "??"
    return len(words) == 1 and fold(_bare(words[0])) in _HELP_WORDS


def _split_reason(text: str, lang: str | None) -> tuple[str, str, str] | None:
    """(what, opening, why) at the word that gives the reason, or None when none does.

    `opening` is "want " when Dutch "want" gave it, else empty: its reason keeps main-clause
    word order ("want de brieven komen te laat"), which reads wrong after the "omdat" a
    reason is shown with, so the reason keeps its own word (agreements.reason_param); so
    do "vanwege ", "zodat " and "so that " (_OWN_REASON_WORDS).
    """
    if split := _split_at(_BECAUSE, text):
        what, _, why = split
        return what, "", why
    if split := _split_at(_OWN_REASON_WORDS, text):
        what, word, why = split
        return what, " ".join(word.lower().split()) + " ", why
    # The words' own language first: a Discord client's locale picks the command's name,
    # so a Dutch sentence may come through /agree; the command's language decides only
    # where the text gives no sign.
    if detect_language(text, fallback=lang or "en") == "nl":
        if split := _split_at(_DUTCH_BECAUSE, text):
            what, word, why = split
            return what, "want " if fold(word) == "want" else "", why
        return None
    if split := _split_at(_ENGLISH_SINCE, text):
        what, _, why = split
        return what, "", why
    return None


def _split_at(separator: re.Pattern[str], text: str) -> tuple[str, str, str] | None:
    """(before, the reason's word if `separator` keeps it, after) at the first
    `separator`, whose colon is the sentence's, never an emoji code's ("Pizza :tada:
    because fun")."""
    padded = " " + text  # the separator starts with a space
    found = separator.search(padded)
    if found is None:
        return None
    before = padded[: found.start()]
    if found.group().startswith(":") and ends_in_emoji_code(before + ":"):
        before += ":"
    word = found.group(1) if separator.groups else ""
    return before, word, padded[found.end() :]


# Only an owner, a review date or a mention where the agreement goes ("/agree owner @ben
# because x"): nothing was agreed in it, and the words come back to add what was.
WHAT_WAS_AGREED = Say.of(
    N_("What was agreed? Write it first, before “because”; the owner and the review date "
       "go after the why.")
)  # fmt: skip


# All that is off is the why: the words come back (UsageError.again), to add it and send
# again, since Slack and Discord empty the box a refused command was typed in.
NO_WHY = N_("Say why, after “because”: reports explain why.")


def _agree(
    spec: CommandSpec, args: str, today: date, lang: str | None, month_first: bool
) -> Agree | UsageError:
    if not shows(args):
        return UsageError(spec)
    split = _split_reason(args, lang)
    if split is None or not shows(split[0]):
        return UsageError(spec, Say.of(NO_WHY), again=True)
    text, opening, rest = split[0].strip(), split[1], split[2]
    text, leading = _leading_clauses(text, today, month_first)
    text, between = _clauses_before_the_why(text, after_others=bool(leading))
    if not shows(text) or _only_mentions(text):
        return UsageError(spec, WHAT_WAS_AGREED, again=True)  # "owner @ben because x"
    why, clauses = _reason_and_clauses(rest)
    if sum(1 for is_owner, _ in leading + between + clauses if is_owner) > 1:
        return UsageError(spec, ONE_OWNER)  # "owner @ben x because y owner @chris"
    read = _read_clauses(leading + between + clauses, today, month_first)
    if isinstance(read, Say):
        return _clauses_refused(spec, read)
    if not shows(why):
        return UsageError(spec, Say.of(NO_WHY), again=True)
    if refused := too_long(spec, TEXT_TOO_LONG, MAX_FIELD, text, opening + why):
        return refused
    return Agree(
        one_line(text), one_line(opening + why), read.owner, read.review_on,
        owner_group=read.owner_group,
    )  # fmt: skip


def _clauses_before_the_why(text: str, *, after_others: bool) -> tuple[str, list[tuple[bool, str]]]:
    """Clauses that end the agreement's words, before "because": "we meet at 9 owner @ben
    [review in 2 weeks] because …", as (is an owner, value), and the words before them.

    They are read as those that end a reason are (_reason_and_clauses), but only a run
    with an owner in it counts ("Team review on Monday because …" is an agreement), or
    one that is all that is left after clauses put first ("owner @ben review in 2 weeks
    because …"): nothing was agreed there, which the author is asked about.
    """
    what, clauses = _reason_and_clauses(text)
    if any(is_owner for is_owner, _ in clauses) or (after_others and clauses and not shows(what)):
        return what, clauses
    return text, []


def _names_only(text: str) -> bool:
    """Whether `text` names someone (a person, a group, a channel) and says nothing else:
    `_only_mentions`, with a mention among them, not an emoji alone."""
    return without_mentions(text) != text and _only_mentions(text)


def _only_mentions(text: str) -> bool:
    """Whether `text` is only mentions ("@ben", "<@U1> <@U2>", "@everyone"), maybe with
    channels or emoji ("<#C1|ops> :tada:"): no words."""
    left = without_references(text)
    return left != text and not any(char.isalnum() for char in left)


@dataclass(frozen=True, slots=True)
class _Clauses:
    owner: str | None = None  # a member's id, or "role:<name>"
    owner_group: str | None = None  # a group's mention, named where one person must be
    review_on: date | None = None


def _read_clauses(
    clauses: list[tuple[bool, str]], today: date, month_first: bool = False
) -> _Clauses | Say:
    """The owner and the review date that owner and review clauses give, or what to say
    when one cannot be read: a date is read or refused, never dropped."""
    owner = group = review_on = None
    for is_owner, value in clauses:
        if is_owner:
            owner = _owner(value)
            group = None if owner is not None else group_reference(value.rstrip(".,;!"))
            if owner is None and group is None:
                return NAME_THE_OWNER if _plain_name(value) else ONE_OWNER
            continue
        try:
            review_on = parse_date(value, today=today, month_first=month_first)
        except UnclearDate as unclear:
            return which_date(unclear)
        except NoSuchDay as missing:
            return no_such_day(missing)
        except DateError:
            return unreadable_review_date(Quote(excerpt(value, 60)), today)
        if review_on <= today:
            return past_review(Quote(excerpt(value, 60)), review_on, today)
        if review_on - today > MAX_REVIEW_AHEAD:
            return FAR_REVIEW
    if owner is not None and not owner.strip():
        owner = None
    return _Clauses(owner and one_line(owner), group, review_on)


_LEADING_OWNER = re.compile(r"^(?:owner|eigenaar)\s*:?\s+(\S+)\s+", re.IGNORECASE)
_LEADING_REVIEW = re.compile(r"^(?:review|herziening|herzien)\s*:?\s+", re.IGNORECASE)


def _leading_clauses(
    text: str, today: date, month_first: bool = False
) -> tuple[str, list[tuple[bool, str]]]:
    """Owner and review clauses put before the agreement ("owner @ben Tea weekly", "herzien
    over 2 weken Kaas wekelijks"), as (is an owner, value), and the text after them.

    Only a mention counts as a leading owner ("Owner rotates weekly" is an agreement), and
    only words that read as a date as a leading review ("Review PRs daily" is one too), and
    not a point in a period: "Review end of year bonuses in December" is an agreement.
    """
    clauses: list[tuple[bool, str]] = []
    while True:
        if (owner := _LEADING_OWNER.match(text)) and (
            _owner(owner.group(1)) is not None or group_reference(owner.group(1)) is not None
        ):
            clauses.append((True, owner.group(1)))
            text = text[owner.end() :]
            continue
        if review := _LEADING_REVIEW.match(text):
            words = text[review.end() :].split()
            for count in range(min(4, len(words) - 1), 0, -1):  # the longest date first
                value = " ".join(words[:count])
                first, *_ = parts = re.split(r"[\s-]+", fold(value))
                pointed = any(w in POINT_WORDS for w in parts)
                if first in _NO_LEADING_DATE:
                    continue  # "Review daily standups", "Review today's numbers"
                if count == 1 and first.rstrip(".") in WEEKDAY_ABBREVIATIONS:
                    continue  # "Herzien zo de planning", "Review sat scores": no day alone
                if (
                    not pointed
                    and _reads_as_date(value)
                    and _parses_as_date(value, today, month_first)
                ):
                    clauses.append((False, value))
                    text = " ".join(words[count:])
                    break
            else:
                return text, clauses
            continue
        return text, clauses


def _parses_as_date(value: str, today: date, month_first: bool = False) -> bool:
    """Whether `value` is a date, also one that reads two ways or has a weekday not its own
    (asked about later), or a day past its month's end (refused saying so)."""
    try:
        parse_date(value, today=today, month_first=month_first)
    except (UnclearDate, NoSuchDay):
        return True
    except DateError:
        return False
    return True


def which_date(unclear: UnclearDate) -> Say:
    """What to ask about a date read two ways, or beside a weekday it does not fall on."""
    if isinstance(unclear, WrongWeekday):
        return _which_weekday(unclear)
    if isinstance(unclear, TwoWeekdays):
        return Say.of(
            N_("“{date}” could be {sooner} or {later}, and I would rather not guess. Write "
               "the date: “{sooner_day}” or “{later_day}”."),
            date=Quote(excerpt(unclear.written, 60)),
            sooner=Day(unclear.sooner, style="weekday-long"),
            later=Day(unclear.later, style="weekday-long"),
            sooner_day=Day(unclear.sooner, style="day-month"),
            later_day=Day(unclear.later, style="day-month"),
        )  # fmt: skip
    assert isinstance(unclear, AmbiguousDate)
    return _which_reading(unclear)


def _which_reading(ambiguous: AmbiguousDate) -> Say:
    """A date in numbers that reads both ways at a table that may write the month first:
    both readings, and two ways to write it that read one way."""
    return Say.of(
        N_("“{date}” could be {day_first} or {month_first}, and I would rather not guess. "
           "Write the month as a word, like {example}, or the date as year-month-day, "
           "like {iso}."),
        date=Quote(ambiguous.written),
        day_first=Day(ambiguous.day_first),
        month_first=Day(ambiguous.month_first),
        example=Day(ambiguous.month_first),
        iso=Quote(ambiguous.month_first.isoformat()),
    )  # fmt: skip


def _which_weekday(wrong: WrongWeekday) -> Say:
    """What to ask about a weekday beside a date that falls on another: the date was
    read, so "could not read" would have it typed the same way again."""
    return Say.of(
        N_("“{date}” does not add up: {day} is a {weekday}. Which day do you mean? Write, "
           "for example, “{full}”, or the date alone."),
        date=Quote(excerpt(wrong.written, 60)),
        day=Day(wrong.day),
        weekday=Day(wrong.day, style="weekday"),
        full=Day(wrong.day, style="full"),
    )  # fmt: skip


def no_such_day(missing: NoSuchDay) -> Say:
    """What to say about a day past its month's end ("31 april"): how many days the month
    has, not that the date could not be read."""
    return Say.of(
        N_("“{date}” is not on the calendar: {month} has {days} days. Which day do you mean?"),
        date=Quote(excerpt(missing.written, 60)),
        month=Day(date(2000, missing.month, 1), style="month"),
        days=missing.days,
    )


PAST_REVIEW_DATE = N_(
    "The review date “{date}” is {day}, which is not in the future. Choose a later day, "
    "like {example} or “in 6 weeks”."
)


def past_review(text: Quote, day: date, today: date) -> Say:
    """What to say about a typed review date that has come (“today”) or gone: how it was
    read, and a later day to choose."""
    return Say.of(PAST_REVIEW_DATE, date=text, day=Day(day), example=_example_day(today))


def _example_day(today: date) -> Day:
    """A review date that has not passed, as people write one: the first of the month
    three months ahead."""
    try:
        return Day(add_months(today.replace(day=1), 3))
    except ValueError:  # past the year 9999
        return Day(today)


NEXT_MEETING_DATE = N_(
    "I do not know when the next meeting is, so I cannot set the review on it. Give its "
    "date, like {example}, or “in 6 weeks”."
)


def unreadable_review_date(text: Quote, today: date) -> Say:
    """What to say about a review date that cannot be read, with an example that has
    not passed: the first of the month three months ahead, written as the reader's
    language writes a date ("1 maart 2027"), which reads back as one."""
    example = _example_day(today)
    words = _date_words(text.text)
    if _NEXT_MEETING.match(" ".join(words)):
        return Say.of(NEXT_MEETING_DATE, example=example)
    if any(word in _TIMES_OF_YEAR for word in words) or _names_an_event(words):
        # "after the summer", "na de vakantie": a time people mean, but no one day of it.
        return Say.of(
            N_("A review date needs a day, and “{date}” names none: I would rather not "
               "guess which day you mean. Try {example} or “in 6 weeks”."),
            date=text,
            example=example,
        )  # fmt: skip
    return Say.of(
        N_("I could not read the review date “{date}”. Try {example} or “in 6 weeks”."),
        date=text,
        example=example,
    )


def _reason_and_clauses(rest: str) -> tuple[str, list[tuple[bool, str]]]:
    """The reason, and the clauses that end it as (is an owner, value), in order.

    Read from the end: each clause runs to the next; the first keyword (from the end)
    whose words do not read as its clause ends the run, and the rest is the reason. A
    review clause that does not read as a date still counts when it sits next to an owner
    clause ("owner @ben review whenever") or has a colon ("Review: when it hurts"): its
    date is then reported as unreadable rather than kept in the reason.
    Clauses put aside in brackets at the very end ("because y (review in 2 weeks)") are
    read as if the brackets were not there, each labelled as "Review:" is, when all that
    the brackets hold reads as clauses; else the brackets are the reason's own.
    """
    aside = _ASIDE_AT_THE_END.search(rest)
    if aside is not None and _CLAUSE.match(inner := aside.group(1).strip()):
        before = rest[: aside.start()]
        reason, clauses, end = _clauses_at_the_end(f"{before} {inner}", len(before) + 1)
        if end <= len(before) + 1:
            return reason, clauses
    reason, clauses, _ = _clauses_at_the_end(rest)
    return reason, clauses


# Words in brackets that end a text, maybe with a full stop after them.
_ASIDE_AT_THE_END = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]][\s.!]*$")


def _clauses_at_the_end(
    rest: str, labelled_from: int | None = None
) -> tuple[str, list[tuple[bool, str]], int]:
    """_reason_and_clauses, and where the clauses start; a review clause from
    `labelled_from` on counts as labelled."""
    end = len(rest)
    clauses: list[tuple[bool, str]] = []
    matches = list(_CLAUSE.finditer(rest))
    for index in range(len(matches) - 1, -1, -1):
        match = matches[index]
        value = rest[match.end() : end].strip()
        is_owner = match.group(1) is not None
        if _within_the_reason(rest[: match.start()], fold(match.group(1) or match.group(2))):
            break
        if is_owner and not (_reads_as_owner(value) or _plain_name(value)):
            break
        # "Review: monthly" is labelled a clause: its date is read or refused, whatever it is.
        labelled = match.group(0).endswith(":") or (
            labelled_from is not None and match.start() >= labelled_from
        )
        reads = _reads_as_date(value) and not _past_time_in_the_reason(rest[: match.start()], value)
        if not is_owner and not labelled and not reads:
            after_an_owner = index > 0 and _owner_clause_before(rest, matches[index - 1], match)
            before_an_owner = (
                bool(clauses)
                and clauses[-1][0]
                and rest[: match.start()].rstrip().endswith((".", ",", ";", ":", "!", "?"))
            )
            if not (after_an_owner or before_an_owner):
                break
        clauses.append((is_owner, value))
        end = match.start()
    reason = _before_a_clause(rest[:end].strip())  # "because y, owner @ben"
    if clauses and not clauses[-1][0]:  # "because y, then review …": "then" opened it
        reason = _before_a_clause(_THEN_AT_THE_END.sub("", reason))
    return reason, clauses[::-1], end


def _before_a_clause(text: str) -> str:
    """`text` without the marks that set a clause apart from it."""
    return _emoji_code_kept(text, _BEFORE_A_CLAUSE.sub("", text))


def _emoji_code_kept(text: str, kept: str) -> str:
    """`kept`, the start of `text` its closing punctuation was taken off, with an emoji
    code's closing colon given back ("because fun :tada:")."""
    if text[len(kept) : len(kept) + 1] == ":" and ends_in_emoji_code(kept + ":"):
        return kept + ":"
    return kept


# What sets the clauses apart from the reason: a comma, a colon, or a dash after a space
# ("because y - owner @ben"; "well-" would keep its own).
_BEFORE_A_CLAUSE = re.compile(r"(?:\s*[,;:]|\s+[-–—]+)+$")


# "then review in 6 weeks", "and then review …", "dan evalueren …": without a subject
# before it, "then" opens the clause; "we then review in person" keeps it the reason's.
_THEN = frozenset({"then", "dan"})
_THEN_AT_THE_END = re.compile(r"(?:[\s,;]+(?:and|en))?\s+(?:then|dan)$", re.IGNORECASE)
# Before "review" these make it a noun the reason tells of, whatever follows: "we had no
# review last quarter", "omdat er geen review nu is".
_NO_REVIEW = frozenset({"no", "any", "geen", "enige"})
# A person as subject: "we skipped review yesterday" has "review" as the object of the
# verb between. Not "it"/"het": "because it works review now" ends in a review clause.
_PERSONS = _DUTCH_SUBJECTS | frozenset({"i", "you", "they", "he", "she"})
# Past words that need a date word after them: "last" alone ("because code review last")
# says no when; "last week" does.
_PAST_MODIFIERS = frozenset({"last", "vorige", "vorig", "afgelopen"})


def _past_time_in_the_reason(before: str, value: str) -> bool:
    """Whether a review clause that starts with a past word ("review yesterday", "review
    nu is") is the reason's own words after all, not a past review date to refuse.

    Past words read as a date only when the words after "review" are a date and nothing
    else, to the end ("review yesterday", "herziening vorige week"), and "review" is not
    a noun the reason tells of: after an article or "no" ("we had no review last
    quarter", "omdat er geen review nu is") or after a person and their verb ("we
    skipped review yesterday"). Other clauses keep the older reading (_reads_as_date).
    """
    words = [word.strip(".,;!") for word in fold(value).split()]
    words = [part for word in words for part in word.split("-") if part]
    if not words or words[0] not in _PAST_TIMES:
        return False
    only_a_date = words[-1] not in _PAST_MODIFIERS and all(
        word in _DATE_WORDS or word in _DATE_FILLERS or any(c.isdigit() for c in word)
        for word in words
    )
    said = [fold(word).strip(".,;:!?") for word in before.split()]
    last = said[-1] if said else ""
    a_noun = last in _BEFORE_A_NOUN or last in _NO_REVIEW
    an_object = len(said) > 1 and said[-2] in _PERSONS and last not in _BEFORE_A_VERB
    return not only_a_date or a_noun or an_object


def _within_the_reason(before: str, word: str) -> bool:
    """Whether the clause word `word` (lower case) after `before` is the reason's own: a
    noun after an article or possessive, a verb after its subject or auxiliary.

    A bare plural noun is taken as the subject only when it opens its sentence
    ("auditors review on May 1"); "because y review in 6 weeks", "because people
    complained about delays review in 6 weeks" still end in a review clause. A singular
    noun before "review" ("the code review takes 2 weeks") is left to the date test. A
    Dutch clause word after a finite verb follows Dutch word order (_DUTCH_FINITE).
    """
    verb = word not in _NOUN_CLAUSE_WORDS
    words = before.split()
    last = fold(words[-1]) if words else ""
    previous = fold(words[-2]) if len(words) > 1 else ""
    if last in _OBJECT_PRONOUNS and word in _REVIEW_WITH_NO_SUBJECT_IT:
        return False  # "because everyone needs it review in 6 weeks": "it" ends the reason
    if (
        last in _DUTCH_FINITE
        and not (last == "zijn" and previous in _DUTCH_PREPOSITIONS)
        and (word in _DUTCH_CLAUSE_WORDS or _dutch_verb_last(word, last, before))
    ):
        return verb and (
            previous in _DUTCH_SUBJECTS or (word in _PERFECT_PARTICIPLES and last in _DUTCH_PERFECT)
        )
    if last in _THEN and previous not in _BEFORE_A_VERB and not _CONTRACTION.search(previous):
        return False  # "it helps, then review in 6 weeks": no subject, "then" opens a clause
    if last in (_BEFORE_A_VERB if verb else _BEFORE_A_NOUN) or _CONTRACTION.search(last):
        return True
    if not verb or not _PLURAL.fullmatch(last) or last in _NOT_PLURAL:
        return False
    opening = []  # the words of its sentence before the noun
    for word in reversed(words[:-1]):
        if word[-1] in ".,;:!?" or fold(word) in _OPENS_A_SENTENCE:
            break
        opening.append(fold(word))
    if len(opening) == 1 and opening[0] in _SINGULAR_SUBJECTS:
        return False  # "because it works review in 6 weeks": "works" is its verb
    return len(opening) == 0 or (len(opening) == 1 and opening[0] not in _NOT_A_SUBJECT_AFTER)


def _dutch_verb_last(word: str, last: str, before: str) -> bool:
    """Whether the English clause word `word` follows a Dutch reason's final verb `last`:
    a verb only Dutch has ("zijn", "kunnen", "heeft"), or one English has too ("is") in
    a reason that reads Dutch ("omdat dat voor iedereen beter is review 15 januari")."""
    if word not in _ENGLISH_CLAUSE_WORDS:
        return False
    return last not in _ENGLISH_TOO or detect_language(before, fallback="en") == "nl"


def _owner_clause_before(rest: str, owner: re.Match[str], review: re.Match[str]) -> bool:
    """Whether an owner clause ends where this review clause begins: "owner @ben review"."""
    return (
        owner.group(1) is not None
        and not _within_the_reason(rest[: owner.start()], fold(owner.group(1)))
        and _reads_as_owner(rest[owner.end() : review.start()].strip())
    )


def _reads_as_owner(value: str) -> bool:
    """A mention, a role ("role night lead"), a group's mention (a Slack user group, a
    Discord role: not one person) or several mentions (one too many to record). "@ben
    asked for it" is the reason going on."""
    if re.match(r"^(?:role|rol)\s+\S", value, flags=re.IGNORECASE):
        return len(value.split()) <= 5  # a role's name has a few words at most
    if _owner(value) is not None or group_reference(value.rstrip(".,;!")) is not None:
        return True
    if names_everyone(value.rstrip(".,;!")):
        return True  # "owner @everyone": read as a clause, to be refused (not one member)
    names = [name for name in _AND.split(value) if name]
    return len(names) > 1 and all(member_reference(name) or group_reference(name) for name in names)


# One word after "owner" that is no name: "because nobody is owner yet", "omdat Ben
# eigenaar is". Any other single word there is taken as a name typed without @.
_NOT_A_NAME = _DUTCH_FINITE | frozenset({
    "yet", "now", "too", "again", "anymore", "here", "there", "today", "left", "asap",
    "nog", "nu", "ook", "weer", "meer", "hier", "daar", "vandaag", "geworden", "werd",
})  # fmt: skip


def _plain_name(value: str) -> bool:
    """Whether an owner clause names someone without @ ("owner ben", "eigenaar Jan van
    der Berg"): a word that could be a name, or a full name. Recording it would drop the
    owner, so it is refused instead."""
    word = value.strip().rstrip(".,;!")
    return _a_name_word(word) or _full_name(word) is not None


def _a_name_word(word: str) -> bool:
    return (
        bool(re.fullmatch(r"[^\W\d_][\w.'’-]*", word))
        and fold(word) not in _NOT_A_NAME
        and fold(word) not in ("role", "rol")
    )


# The small words inside a full name ("Jan van der Berg", "Ludwig von Mises", "Anna de
# Vries", "Jan van 't Hek").
_NAME_PARTICLES = frozenset({
    "van", "der", "den", "de", "ter", "ten", "te", "von", "vom", "zu", "da", "di", "du",
    "le", "la", "del", "'t", "’t",
})  # fmt: skip
_MOST_NAME_WORDS = 5


def _full_name(value: str) -> str | None:
    """A name of two to five words as typed, without its @ if it has one: "Jan van der
    Berg", "@jan de Vries", "Mary Ann Smith"; None for anything else. After the first
    word each word is a particle, a capitalised name or the one after a particle ("jan
    de vries"), and the last is no particle: "Jan asked for it" or "@ben because …" is
    a reason going on, not a name."""
    words = value.split()
    if not 2 <= len(words) <= _MOST_NAME_WORDS:
        return None
    first = words[0].removeprefix("@")
    if fold(first) in _NAME_PARTICLES or not _a_name_word(first):
        return None
    after_a_particle = False
    for word in words[1:]:
        particle = fold(word) in _NAME_PARTICLES
        if not particle and not (_a_name_word(word) and (word[:1].isupper() or after_a_particle)):
            return None
        after_a_particle = particle
    if after_a_particle:
        return None
    return " ".join([first, *words[1:]])


def _owner(value: str) -> str | None:
    """The member or role an owner clause names; None when it names several. A full name
    typed with @ ("@jan de Vries") is the name itself, which the adapter looks up among
    the table's members (rules.typed_names), as it does a one-word "@jan"."""
    if role := role_named(value):
        return "role:" + role
    value = value.strip().rstrip(".,;!")  # "owner @ben." ends a sentence
    if value.startswith("@") and (name := _full_name(value)) is not None:
        return name
    return member_reference(value)


def role_named(value: str) -> str | None:
    """The role's name in "role night lead" (Dutch "rol"), else None."""
    if role := re.match(r"^(?:role|rol)\s+(.+)$", value.strip(), flags=re.IGNORECASE):
        # "owner role chair, review in 2 weeks": the comma ends the clause, not the name
        return role.group(1).rstrip(".,;:!").strip(" \"“”'")
    return None


def _reads_as_date(value: str) -> bool:
    """Whether a review clause's words are meant as a date, readable or not.

    A date looks like one from its first word ("takes 2 weeks" does not), has a number,
    month, weekday or unit in it ("in person" has none), and is short or all date words
    ("in March found gaps" is the reason going on). Vague times ("soon", "binnenkort") and
    spans ("monthly", "every 2 weeks") count: read, or refused, but not the reason's.
    """
    words = [word.strip(".,;!") for word in FROM_NOW.sub("", fold(value).rstrip(".,;!")).split()]
    phrase = " ".join(words)
    if phrase in DAYS_AHEAD:  # "the day after tomorrow"
        return True
    if WEEK_AFTER_NEXT.match(phrase) or _NEXT_MEETING.match(phrase) or _names_an_event(words):
        return True  # "the week after next"; "at the next meeting", "after the exams" refused
    words = _weekdays_said_short(_date_words(value))  # "Tue 8 Dec", "volgende week di"
    words = ONCE_EVERY.sub("every ", " ".join(words)).split()  # "once a month"
    if words and (words[0] in _EVERY_WORDS or words[:2] == ["om", "de"]):
        span = words[2:] if words[0] == "om" else words[1:]  # "every PR" is no date
        return bool(span) and all(w in NUMBER_WORDS or w.isdigit() or w in _SPANS for w in span)
    if words and words[0] in EVERY_SPAN:
        return len(words) == 1  # "review monthly"; "review weekly reports" is the reason's
    dated = [
        word in _DATE_WORDS
        or word in _DATE_FILLERS
        or any(c.isdigit() for c in word)
        or _names_a_weekday_with(words, index)
        for index, word in enumerate(words)
    ]
    if words and words[0] in _LOOSE_OPENERS:
        words, dated = words[1:], dated[1:]  # "after the summer": "the summer" must be one
        if not words:
            return False
        if (words[0] in NUMBER_WORDS or words[0][:1].isdigit()) and not (
            any(word in MONTHS for word in words[1:]) or re.search(r"\d[/.-]\d", value)
        ):
            return False  # "by two people"; "before 1 March" and "by 2027-03-01" are dates
    if not words or not dated[0]:
        return False
    if words[0] in _DATE_FILLERS and not (
        len(words) > 1
        and (
            any(c.isdigit() for c in words[1])
            or words[1] in POINT_WORDS
            or words[1] in _TIMES_OF_YEAR
            or words[1] in WEEKDAYS
            or words[1] in _SPANS
            or dated[1]  # "the first Monday of January"
        )
    ):
        # "the" or "de" only before a day, a point or a season ("the 1st of May"), "this"
        # or "deze" before a weekday ("this Friday") or a span ("this week", unreadable)
        return False
    # A point alone ("review late") says no when; a point in a period does.
    meaningful = [
        d
        for word, d in zip(words, dated, strict=True)
        if word not in _PREPOSITIONS and word not in _DATE_FILLERS and word not in POINT_WORDS
    ]
    if not any(meaningful):
        return False
    return len(words) <= 3 or all(dated)


def _names_a_weekday_with(words: list[str], index: int) -> bool:
    """Whether a word that alone is none is a date word with the day after it: an ordinal
    before a weekday ("first Monday of January", "eerste maandag van januari") or "from"
    after weeks ("a week from Tuesday", "a week from tomorrow"). "review first drafts"
    stays the reason's."""
    word, after = words[index], words[index + 1] if index + 1 < len(words) else None
    if word in ORDINAL_WEEKDAYS:
        return after in WEEKDAYS
    return (
        word in {"from", "after"}
        and (after in WEEKDAYS or after in DAYS_AHEAD)
        and index > 0
        and words[index - 1] in {"week", "weeks"}
    )


# Beside these a weekday's abbreviation is one ("next Fri", "volgende week di", "di
# volgende week", "Tue the 8th").
_BESIDE_A_WEEKDAY = frozenset({
    "next", "this", "coming", "volgende", "deze", "komende", "aanstaande", "week", "the", "de",
})  # fmt: skip


# Abbreviations that are words of their own too: alone they stay words ("review do").
_WEEKDAYS_SHORT_AS_WORDS = frozenset({"do", "zo", "sun", "sat"})


def _weekdays_said_short(words: list[str]) -> list[str]:
    """`words` with a weekday's abbreviation written out where it names the weekday: alone
    (unless it is a word too), before a date ("Tue 8 Dec", "di 8 dec") or beside "next" or
    "week"; not where it may be a word of its own ("sun exposure", "do it", "zo snel
    mogelijk")."""

    def dated(word: str | None) -> bool:
        return word is not None and (
            any(c.isdigit() for c in word) or word in MONTHS or word in _BESIDE_A_WEEKDAY
        )

    return [
        WEEKDAY_ABBREVIATIONS[word]
        if word in WEEKDAY_ABBREVIATIONS
        and (
            (len(words) == 1 and word not in _WEEKDAYS_SHORT_AS_WORDS)
            or dated(words[index + 1] if index + 1 < len(words) else None)
            or (index > 0 and words[index - 1] in _BESIDE_A_WEEKDAY)
        )
        else word
        for index, word in enumerate(words)
    ]


_ALL_AGREEMENTS = frozenset({
    "all", "alle", "alles", "allemaal", "everything", "history", "geschiedenis",
})  # fmt: skip


def _agreements(spec: CommandSpec, args: str, today: date) -> ListAgreements | UsageError:
    keyword = _keyword(args)  # "all?", "alle!"
    if keyword in {"", "current", "huidige"}:
        return ListAgreements(include_history=False)
    if keyword in _ALL_AGREEMENTS:
        return ListAgreements(include_history=True)
    return UsageError(spec, Say.of(
        N_("I cannot read “{text}” as which agreements to list: the current ones, or all "
           "with their history."),
        text=Quote(excerpt(args.strip(), 40)),
    ))  # fmt: skip


# "/concerns cancel" withdraws the open round only as the word alone, or with words that
# only say which round ("stop deze ronde", "cancel the concern round"): "/concerns cancel
# the Friday standup?" is a proposal about cancelling. A table has one open round at a
# time, so the word needs nothing after it to say which. Punctuation and emoji around it
# do not count ("cancel?", "stop 🙏").
_WITHDRAW = frozenset({
    "cancel", "withdraw", "stop", "abort",
    "intrekken", "annuleren", "annuleer", "stoppen", "trek in",  # "trek de ronde in"
})  # fmt: skip
# Words that name the round: "cancel my concern" and "trek mijn zorg in" take back an
# answer, not the round (_takes_back_an_answer).
_THE_ROUND = frozenset({
    "the", "this", "that", "it", "our", "concerns", "round",
    "de", "deze", "die", "dat", "het", "hem", "onze", "zorgen", "ronde", "rondje",
    "zorgenronde",
})  # fmt: skip
_AN_ANSWER = frozenset({"my", "mijn", "concern", "zorg", "answer", "antwoord"})
_PLEASE = frozenset({
    "please", "pls", "plz", "now", "alsjeblieft", "alstublieft", "aub", "graag", "maar",
})  # fmt: skip
_NOT_A_WORD = re.compile(r"[^\w\s]|_")
_AUB = re.compile(r"\ba\.\s?u\.\s?b\b\.?")  # "a.u.b.", a word before its dots go


def _keyword(args: str) -> str:
    """The words of a one-keyword command without punctuation, emoji or "please":
    "renew please", "renewed ✅" and "vernieuwen a.u.b." all say "renew…"."""
    words = _NOT_A_WORD.sub(" ", _AUB.sub("aub", fold(args))).split()
    return " ".join(w for w in words if w not in _PLEASE)


def _round_named(keyword: str) -> str:
    """ "concern round" and "zorg ronde" name the round, as "round" and "ronde" do."""
    for phrase, noun in _ROUND_PHRASES:
        keyword = re.sub(rf"\b{phrase}\b", noun, keyword)
    return keyword


_ROUND_PHRASES = (
    ("concerns? round", "round"), ("zorgen ronde", "ronde"), ("zorg ronde", "ronde"),
    ("bezwaar ronde", "ronde"),
)  # fmt: skip


def _round_words_left_out(args: str) -> list[str]:
    words = _round_named(_keyword(args)).split()
    return [word for word in words if word not in _THE_ROUND]


def _withdraws(args: str) -> bool:
    return " ".join(_round_words_left_out(args)) in _WITHDRAW


def _nearly_withdraws(args: str) -> bool:
    """One word alone that is a typo of a withdrawing word: "withdrw", "intrekke", "cancle"."""
    words = _round_words_left_out(args)
    return len(words) == 1 and _near_miss(words[0], _WITHDRAW, typed=args) is not None


# A word alone is taken for a typo of a subcommand word only when it is one letter off
# (one added, dropped, changed, or two swapped: "withdrw", "cancle", "unchnaged") and at
# least 5 letters long: shorter words and shorter subcommand words ("stop", "ok") have too
# many real neighbours ("Stoep", "Rene", "step"). A word of 4 typed in lower case may be a
# dropped letter ("renw", "chek"); capitalised, it is a name. Forms of the subcommand
# word itself are guessed too: "/concerns withdrawn" or "/mandate checks" says nothing a
# table could consent to or a mandate could allow, and the guess is private and says how
# to give the words as they are. Other real words one letter off are listed here.
_SHORTEST_NEAR_MISS = 5
_WORDS_OF_THEIR_OWN = frozenset({
    "cancer", "cheek", "chick", "chuck", "chock", "checker", "chicken", "consul", "verity",
    "conformed", "stopper", "stoppel", "steppen", "verlegen", "verlegd", "overlegen",
})  # fmt: skip


def _near_miss(word: str, targets: Iterable[str], *, typed: str) -> str | None:
    """The subcommand word in `targets` that the folded `word` is a typo of, else None
    (_SHORTEST_NEAR_MISS). `typed` is the text as typed, for the word's capitals."""
    if word in _WORDS_OF_THEIR_OWN or not word.isalpha():
        return None
    capitalised = any(
        token[:1].isupper() and _NOT_A_WORD.sub("", fold(token)) == word for token in typed.split()
    )  # "Rene"; not "I need to chek"
    if len(word) < _SHORTEST_NEAR_MISS - 1 or (len(word) < _SHORTEST_NEAR_MISS and capitalised):
        return None
    near = [
        target
        for target in targets
        if len(target) >= _SHORTEST_NEAR_MISS and " " not in target and _one_edit(word, target)
    ]
    return min(near) if near else None


def _one_edit(word: str, target: str) -> bool:
    """Whether `word` is `target` with one letter added, dropped or changed, or two
    neighbouring letters swapped ("cancle")."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    start = 0
    while start < min(len(word), len(target)) and word[start] == target[start]:
        start += 1
    a, b = word[start:], target[start:]
    return (
        a[1:] == b[1:]  # changed
        or a[1:] == b  # added
        or a == b[1:]  # dropped
        or (len(a) > 1 and a[0] == b[1] and a[1] == b[0] and a[2:] == b[2:])  # swapped
    )


def _takes_back_an_answer(args: str) -> bool:
    """ "/concerns cancel my concern", "/zorgen trek mijn zorg in": one's own answer, which
    is changed by answering again, not by withdrawing everyone's round."""
    words = _round_words_left_out(args)
    kept = [word for word in words if word not in _AN_ANSWER]
    return len(kept) < len(words) and " ".join(kept) in _WITHDRAW


def _concerns(spec: CommandSpec, args: str, today: date) -> StartRound | WithdrawRound | UsageError:
    quoted = _quoted_whole(args)
    if quoted is not None and shows(quoted):
        refused = too_long(spec, TEXT_TOO_LONG, MAX_FIELD, quoted)
        return refused or StartRound(shown_line(quoted))  # /concerns "withdrawn": exactly that
    if _withdraws(args):
        return WithdrawRound()
    if _says_resolved(args):
        # "/concerns resolved" would ask everyone about the word "resolved"; "resolved?" too.
        return UsageError(spec, RESOLVE_WITH_CONCERN)
    if _nearly_withdraws(args):
        # "/concerns withdrw" would ask everyone about "withdrw", in public.
        meant = Say.of(DID_YOU_MEAN, command=Say.of(N_("/concerns withdraw")))
        return UsageError(spec, Lines((meant, meant_as_a_proposal(one_line(args)[:500]))))
    if _takes_back_an_answer(args):
        return UsageError(spec, ANSWER_AGAIN)
    if args and answers_rather_than_proposes(args):
        # "/zorgen geen zorgen" answers a round; it would ask everyone about "geen zorgen".
        return UsageError(spec, AN_ANSWER_NOT_A_PROPOSAL)
    no_words = not any(ch.isalnum() for ch in _EMOJI_CODES.sub("", args))
    if shows(args) and (_only_mentions(args) or no_words):
        return UsageError(spec, WHICH_PROPOSAL)  # "/concerns @ben", "/concerns 🎉"
    return too_long(spec, TEXT_TOO_LONG, MAX_FIELD, args) or StartRound(shown_line(args))


# Slack's emoji codes (":tada:"), no words of a proposal.
_EMOJI_CODES = re.compile(r":[a-z0-9_+'-]+:")
# "/concerns @ben", "/concerns 🎉", or no proposal found: which one to ask the table about.
WHICH_PROPOSAL = Say.of(N_("Which proposal should the table look at? /concerns <proposal>"))


# A subcommand's word mistyped alone: the command it was likely meant as, privately.
DID_YOU_MEAN = N_("Did you mean {command}?")


def meant_as_a_proposal(words: str) -> Say:
    """How to ask the table about words that read as a mistyped withdraw after all."""
    return Say.of(
        N_('Did you mean “{words}” as the proposal? Then give it in quotes: /concerns "{words}"'),
        words=Quote(words),
    )


ANSWER_AGAIN = Say.of(
    N_("To change your answer to the concern round, answer again: /concern none, or /concern "
       "<your concern>. The last answer counts.")
)  # fmt: skip
AN_ANSWER_NOT_A_PROPOSAL = Say.of(
    N_("That reads as an answer, not a proposal: to answer a concern round, type /concern "
       "none. To ask everyone here, give the proposal itself.")
)  # fmt: skip


RESOLVE_WITH_CONCERN = Say.of(
    N_("To say that the concern you raised in the open round is resolved, type /concern "
       "resolved.")
)  # fmt: skip

# "/concern resolved", "/zorg opgelost", "/bezwaar is opgelost", "my concern is resolved
# now": the word alone, or with words that only say whose concern and since when.
# "resolved, but …" or "opgelost als …" stays a concern, kept as written.
_RESOLVED = frozenset({"resolved", "solved", "opgelost"})
_WHOSE_CONCERN = frozenset({
    "my", "concern", "concerns", "objection", "is", "has", "been", "now", "already",
    "mijn", "zorg", "zorgen", "bezwaar", "nu", "inmiddels", "al",
})  # fmt: skip


ASKS_WHETHER_RESOLVED = Say.of(
    N_("Is your concern resolved? Then type /concern resolved, without the question mark. "
       "Nothing is changed: your answer stays as it was.")
)  # fmt: skip


def resolves_a_concern(args: str) -> bool:
    """Whether the text after /concern says the concern one raised is resolved."""
    return not _asks(args) and _says_resolved(args)


def _asks(args: str) -> bool:
    return "?" in args or "？" in args


def _says_resolved(args: str) -> bool:
    words = _keyword(args).split()
    kept = [word for word in words if word not in _WHOSE_CONCERN]
    return len(kept) == 1 and kept[0] in _RESOLVED


def _concern(
    spec: CommandSpec, args: str, today: date
) -> AnswerRound | ResolveConcern | UsageError:
    if not shows(args):
        return UsageError(spec, Say.of(N_("Your answer is missing, so nothing was recorded.")))
    if resolves_a_concern(args):
        return ResolveConcern()
    if _asks(args) and _says_resolved(args):
        # "/zorg al opgelost?" asks rather than says: answered as a concern it would
        # replace the concern its member raised, so nothing is recorded.
        return UsageError(spec, ASKS_WHETHER_RESOLVED)
    quoted = _quoted_whole(args)
    if quoted is not None and shows(quoted):
        args = quoted  # /concern "non": as written, whatever it resembles
    elif (meant := nearly_no_concern(args)) is not None:
        # "/concern non": a concern nobody meant, or a "none" mistyped; which, they say
        # (with no round open, they first hear that there is none to answer).
        return AnswerRound(own_words(args), nearly=meant)
    if means_no_concern(args):
        return AnswerRound(None)
    if _names_only(args):
        # "/concern <@U1>": whom it is said to, and nothing said yet.
        return AnswerRound(one_line(args), wordless=True)
    if _no_words(args):
        # "/concern ...", "/concern :tada:": nothing anyone could read as a concern.
        return UsageError(spec, Say.of(NO_WORDS))
    return too_long(spec, TEXT_TOO_LONG, MAX_FIELD, args) or AnswerRound(one_line(args))


# A concern is kept rather than read as none where in doubt (rules.round_answers), but an
# answer a typo away from "none" is asked about: noted as a concern it would hold the
# round up for a word nobody meant.
NEARLY_NONE = N_(
    "Did you mean “{meant}”, no concerns? Then type /concern none. Or is “{typed}” your "
    'concern? Then put it in quotes, /concern "{typed}", or say a little more about it.'
)


def own_words(answer: str) -> str:
    """An answer on one line without whom it is said to ("<@U1>: non" is "non"), as the
    question about it quotes it: the writer's own words, and nobody named."""
    return _SAID_TO.sub("", one_line(without_mentions(answer))).strip()


# What is left at the start where a mention was taken out: "<@U1>: non", "@anna, non".
_SAID_TO = re.compile(r"^[\s,:;]+")


# "/concern <@U1>", "/zorg @anna 🤔": the answer names someone and says nothing yet.
WORDLESS = N_(
    "Your answer names someone but says nothing yet, so nothing was recorded. No concerns? "
    "Then type /concern none. A concern? Then say in a few words what it is: /concern <your "
    "concern>."
)
NO_WORDS = N_("Your answer has no words, so nothing was recorded.")
NO_WORDS_IN_FORM = N_(
    "Your answer has no words yet. No concerns? Then answer “No concerns” instead. A concern? "
    "Then say in a few words what it is."
)
# A thumbs-down says "I have a concern" plainly enough to be one (as "-1" does).
_THUMBS_DOWN = ("👎", ":-1:", ":thumbsdown:")


def _no_words(text: str) -> bool:
    """Whether `text` is only punctuation and emoji (codes, or the characters themselves),
    and no thumbs-down among them: no letter or digit left once its emoji are taken out."""
    if any(down in text for down in _THUMBS_DOWN):
        return False
    return not any(char.isalnum() for char in without_references(text))


WORDLESS_IN_FORM = N_(
    "Your answer names someone but says nothing yet. No concerns? Then answer “No concerns” "
    "instead. A concern? Then say in a few words what it is."
)


def nearly_none(typed: str, meant: str) -> Say:
    """The question to an answer `typed` a typo away from the no-concern `meant`."""
    return Say.of(NEARLY_NONE, typed=Quote(typed), meant=Quote(meant))


# The same question about a concern written in a round's form, which has a button of
# its own for no concerns.
NEARLY_NONE_IN_FORM = N_(
    "Did you mean “{meant}”, no concerns? Then answer “No concerns” instead. Or is “{typed}” "
    'your concern? Then put it in quotes, "{typed}", or say a little more about it.'
)


def asked_in_form(concern: str) -> Say | None:
    """The question to a concern written in a form that is a typo away from "none"
    ("non"), or only names someone ("@anna"), as /concern non and /concern <@U1> are
    asked; None for any other, and for a near-none in quotes."""
    if _quoted_whole(concern) is None and (meant := nearly_no_concern(concern)) is not None:
        return Say.of(NEARLY_NONE_IN_FORM, typed=Quote(own_words(concern)), meant=Quote(meant))
    if _names_only(unquoted(concern)) and not means_no_concern(concern):
        return Say.of(WORDLESS_IN_FORM)
    if _no_words(unquoted(concern)) and not means_no_concern(concern):  # "...", ":tada:"
        return Say.of(NO_WORDS_IN_FORM)
    return None


def unquoted(concern: str) -> str:
    """A concern written whole in quotes, as written inside them, as /concern "non" is."""
    inside = _quoted_whole(concern)
    return inside if inside is not None and shows(inside) else concern


def _window(spec: CommandSpec, args: str, today: date) -> ProblemWindow | UsageError:
    if not args:
        return ProblemWindow(None)
    try:
        window = parse_duration(args, bare_unit="m")
    except DurationError:
        return UsageError(spec, _not_a_span(args))
    if not SHORTEST_WINDOW <= window <= LONGEST_WINDOW:
        return UsageError(spec, Say.of(N_("Choose a window between 10 seconds and 7 days.")))
    return ProblemWindow(window)


_NUDGE_WORDS = {
    "normal": "normal", "normaal": "normal", "default": "normal", "standaard": "normal",
    "on": "normal", "aan": "normal",
    "fewer": "fewer", "minder": "fewer", "less": "fewer", "surer": "fewer", "weinig": "fewer",
    "off": "off", "uit": "off", "none": "off", "geen": "off",
}  # fmt: skip


def _nudges(spec: CommandSpec, args: str, today: date) -> NudgeMode | UsageError:
    if not args.strip():
        return NudgeMode(None)
    # A word of courtesy around it ("please fewer", "minder graag") is no second word.
    keyword = _keyword(args)
    if not keyword:
        return NudgeMode(None)
    mode = _NUDGE_WORDS.get(keyword)
    if mode is None:
        # It changes what the bot does to the whole table: one word, read as it is.
        return UsageError(spec, Say.of(
            N_("I cannot read “{text}” as how readily I nudge here: say one word, normal, "
               "fewer or off."),
            text=Quote(excerpt(args.strip(), 40)),
        ))  # fmt: skip
    return NudgeMode(mode)


def _not_a_problem(spec: CommandSpec, args: str, today: date) -> NotAProblem | UndoNotAProblem:
    return UndoNotAProblem() if asks_to_undo(args) else NotAProblem()


# "/not-a-problem undo", "/geen-probleem terugdraaien" (or "ongedaan maken", "maak het
# ongedaan"): whatever follows ("undo the last one"), they take a "Not a problem" back,
# never say another.
_UNDO = frozenset({"undo", "ongedaan", "terugdraaien", "terug"})


def asks_to_undo(args: str) -> bool:
    """Whether the words after /not-a-problem (or /has-proposal) take it back."""
    words = _keyword(args).split()
    return bool(words) and (words[0] in _UNDO or "ongedaan" in words[:3])


def _has_proposal(spec: CommandSpec, args: str, today: date) -> HasProposal | UndoHasProposal:
    return UndoHasProposal() if asks_to_undo(args) else HasProposal()


def _why(spec: CommandSpec, args: str, today: date) -> AskWhy:
    return AskWhy()


def _not_a_span(args: str) -> Say:
    """Why "/snooze tomorrow" was not taken: the usage alone does not say."""
    return Say.of(
        N_("“{text}” is not a length of time I can read: say how long, in minutes, hours or "
           "days."),
        text=Quote(excerpt(one_line(args), 60)),  # a 3,000-character paste: its start
    )  # fmt: skip


# The longest snooze: storage keeps a snoozed problem's text at least this long.
MAX_SNOOZE = timedelta(days=7)


def _snooze(spec: CommandSpec, args: str, today: date) -> Snooze | UsageError:
    if not args:
        return Snooze(None)
    try:
        span = parse_duration(args, bare_unit="m")
    except DurationError:
        return UsageError(spec, _not_a_span(args))
    if not timedelta(minutes=1) <= span <= MAX_SNOOZE:
        return UsageError(spec, Say.of(N_("Snooze for between 1 minute and 7 days.")))
    return Snooze(span)


def _rules(spec: CommandSpec, args: str, today: date) -> ShowRules | UsageError:
    """The rules, with the commands when asked for help; "help agree" (or "hulp
    /afspraak") asks how one command works."""
    word, rest = _first_word(args)
    if word in _HELP_WORDS and rest:
        # The command as the list shows it ("help concerns withdraw"), or mistyped as a
        # name alone would be ("hulp sluimeren": /sluimer).
        asked = _bare(rest.split()[0])
        if asked in _HELP_WORDS:  # "help help": the list is the help
            return ShowRules(with_commands=True)
        found = find_command(asked) or nearest_command(asked, cutoff=_MISTYPED)
        if found is not None:
            if found[0].name == "groundrules":  # "help groundrules": this very list
                return ShowRules(with_commands=True)
            return UsageError(found[0], asked=True)
        # Echoed only as a plain word, as typed ("frobnicate?"): never a mention's inside.
        typed = rest.lstrip("/").rstrip("?!.,")
        if _A_NAME.fullmatch(typed):
            return ShowRules(with_commands=True, unknown=typed)
    return ShowRules(with_commands=bool(args))


# What a command's name could be: only such a word is echoed as one the bot does not know.
_A_NAME = re.compile(r"[^\W_]+(?:[-_][^\W_]+)*")


def _first_word(args: str) -> tuple[str, str]:
    head, _, rest = args.strip().partition(" ")
    return fold(head), rest.strip()


def _name_and_rest(text: str) -> tuple[str, str]:
    """A role name is one word, or several in quotes: add "night lead" covers nights."""
    text = text.strip()
    if text[:1] in {'"', "“", "'"}:
        closing = {"“": "”"}.get(text[0], text[0])
        end = text.find(closing, 1)
        if end > 1:
            return text[1:end].strip(), text[end + 1 :].strip()
    name, _, rest = text.partition(" ")
    return name, rest.strip()


_CHARTER_FIELDS = {
    "about": "about", "over": "about",
    "not-about": "not_about", "notabout": "not_about", "niet-over": "not_about",
    "nietover": "not_about", "routing": "routing", "route": "routing",
}  # fmt: skip
# The example under a charter field typed without words is of that field.
_CHARTER_EXAMPLES = {
    "about": N_("/table about the weekend rota"),
    "not_about": N_("/table not-about individual client cases"),
    "routing": N_("/table routing decisions go to the steering group on Thursdays"),
}
_JOIN = {"join", "aanschuiven", "organisation", "organisatie", "org"}
_LANGUAGE = {"language", "taal"}
_TIMEZONE = {"timezone", "time-zone", "tz", "tijdzone"}
# What may follow /table language, and the language it chooses.
_LANGUAGE_NAMES = {
    "en": "en", "english": "en", "engels": "en", "nl": "nl", "nederlands": "nl", "dutch": "nl",
}  # fmt: skip
SPOKEN_LANGUAGES = Say.of(
    N_("I speak English and Dutch: /table language en or /table language nl.")
)
_QUIET_HOURS = {"quiet-hours", "quiethours", "quiet", "stille-uren", "stilleuren", "stil"}
_NO_QUIET_HOURS = {"off", "none", "no", "uit", "geen", "nee"}
_DEFAULT_QUIET_HOURS = {"default", "standard", "reset", "standaard"}


NOT_AN_ORGANISATION = N_(
    "Name the organisation you represent here, not a person or a channel. Everyone names "
    "their own; members join the table when they join the channel or speak in it."
)
# A person, a channel, or everyone in one, as Slack and Discord send them ("<@U1>",
# "<@!123>", "<#C1|ops>", "<!here>"): never a user group or a role ("<!subteam^S1>",
# "<@&123>"), which may be an organisation.
_PERSON_OR_PLACE = re.compile(r"<@!?[^&>][^>]*>|<#[^>]*>|<!(?!subteam\^)[^>]*>")


def _names_no_organisation(text: str) -> bool:
    """Whether `text` names only people or places, maybe with emoji: no organisation."""
    left = _PERSON_OR_PLACE.sub(" ", text)
    return (
        left != text
        and not names_a_group(text)
        and not any(char.isalnum() for char in without_references(left))
    )


def _table(spec: CommandSpec, args: str, today: date) -> Parsed | UsageError:
    if not args:
        return ShowTable()
    keyword, rest = _first_word(args)
    if keyword in _CHARTER_FIELDS:
        if not has_words(rest):
            return UsageError(
                spec, Say.of(N_("Add a few words after it, like /table {keyword} <text>."),
                             keyword=keyword),
                example=_CHARTER_EXAMPLES[_CHARTER_FIELDS[keyword]],
            )  # fmt: skip
        refused = too_long(spec, TEXT_TOO_LONG, CHARTER_LIMIT, rest)
        return refused or SetCharter(_CHARTER_FIELDS[keyword], one_line(rest))
    if keyword in _JOIN:
        if _names_no_organisation(rest):
            # "/table join @ben": ben is no organisation, and joins the table himself.
            return UsageError(
                spec, Say.of(NOT_AN_ORGANISATION), example=N_("/table join Food Bank North")
            )
        # On a server where organisations are roles, "join @Gemeente Utrecht" names one.
        if not has_words(rest) and not names_a_group(rest):
            return UsageError(
                spec,
                Say.of(N_("Name the organisation you represent here.")),
                example=N_("/table join Food Bank North"),
            )
        organisation = groups_by_name(rest)  # counted as sent, not as one_line keeps it
        refused = too_long(spec, ORGANISATION_TOO_LONG, ORGANISATION_LIMIT, organisation)
        return refused or JoinTable(one_line(organisation))
    if keyword in _LANGUAGE:
        # Alone it shows, as quiet-hours does; a language the bot does not speak ("de")
        # is told which it does, rather than the whole /table usage.
        if not rest:
            return ShowLanguage()
        if fold(rest).strip(" .!") not in _LANGUAGE_NAMES:
            return UsageError(spec, SPOKEN_LANGUAGES)
        return SetLanguage(_LANGUAGE_NAMES[fold(rest).strip(" .!")])
    if keyword in _TIMEZONE:
        if not rest:
            return ShowTimezone()
        zone = zone_named(rest) if len(rest) <= 60 else None
        city = zone_of_city(rest) if zone is None and len(rest) <= 60 else None
        if city is not None:  # "Amsterdam": offered, as a city may name several zones
            return UsageError(spec, Say.of(
                N_("I do not know the time zone {name}. Did you mean {zone}? Then type "
                   "/table timezone {zone}."),
                name=Quote(rest.strip()), zone=Quote(city),
            ))  # fmt: skip
        if zone is None:
            return UsageError(spec, Say.of(
                N_("I do not know the time zone {name}. Name it as the time zone database "
                   "does, like Europe/Amsterdam, America/New_York or UTC."),
                name=Quote(excerpt(rest, 60)),
            ))  # fmt: skip
        return SetTimezone(zone)
    if keyword in _QUIET_HOURS:
        return _quiet_hours(spec, rest)
    return UsageError(spec)


def _quiet_hours(spec: CommandSpec, rest: str) -> Parsed | UsageError:
    """/table quiet-hours [22:00-07:00 | off | default]; alone, shows them."""
    if not rest:
        return ShowQuietHours()
    word = fold(rest).strip(" .!")
    if word in _NO_QUIET_HOURS:
        return SetQuietHours(None)
    if word in _DEFAULT_QUIET_HOURS:
        return SetQuietHours(None, default=True)
    hours = parse_quiet_hours(rest) if len(rest) <= 40 else None
    if hours is None:
        return UsageError(spec, Say.of(
            N_("I cannot read {text} as quiet hours. Write them from-to on this table's "
               "clock, like /table quiet-hours 22:00-07:00; /table quiet-hours off for none, "
               "or /table quiet-hours default for the bot's."),
            text=Quote(excerpt(rest, 40)),
        ))  # fmt: skip
    return SetQuietHours(hours)


_RENEWED = {
    "renew", "renewed", "renewing", "extend", "extended", "ok", "okay", "oke", "yes", "yep",
    "sure", "fine", "valid", "stands", "holds", "ditto", "unchanged", "same", "confirm",
    "confirmed", "vernieuw", "vernieuwd", "vernieuwen", "verleng", "verlengd", "verlengen",
    "akkoord", "ja", "prima", "klopt", "geldt", "geldig", "ongewijzigd", "onveranderd",
    "hetzelfde", "zelfde", "idem", "bevestig", "bevestigd", "bevestigen",
}  # fmt: skip
_RENEWED_PHRASES = (
    ("as", "before"), ("as", "it", "was"), ("as", "is"), ("as", "agreed"), ("no", "change"),
    ("no", "changes"), ("nothing", "changed"), ("nothing", "has", "changed"),
    ("nothing", "new"), ("all", "good"), ("all", "fine"), ("carry", "on"), ("keep", "it"),
    ("zoals", "het", "was"), ("zoals", "eerder"), ("zoals", "voorheen"), ("zoals", "het", "is"),
    ("zoals", "afgesproken"), ("geen", "wijziging"), ("geen", "wijzigingen"),
    ("niets", "veranderd"), ("niks", "veranderd"), ("niets", "gewijzigd"),
    ("niks", "gewijzigd"), ("niets", "nieuws"), ("goed", "zo"), ("gelijk", "gebleven"),
    ("mag", "blijven"), ("blijft", "zo"), ("staat", "nog"),
)  # fmt: skip
_CHECK = {
    "check", "checking", "consult", "consulting", "verify", "pending", "ask", "asking", "tbc",
    "navragen", "navraag", "nagevraagd", "checken", "overleggen", "overleg", "nagaan",
    "afstemmen", "ruggespraak", "terugkoppelen", "voorleggen",
}  # fmt: skip
_CHECK_PHRASES = (
    ("run", "this", "by"), ("run", "it", "by"), ("get", "back"), ("be", "confirmed"),
    ("vraag", "het", "na"), ("vraag", "het", "even", "na"), ("vraag", "na"),
)  # fmt: skip
# Words before the answer that do not change it: "I need to check", "my mandate is
# unchanged", "it's unchanged" ("it s"), "ik moet nog even navragen", "mijn mandaat blijft
# hetzelfde", "het wordt nagevraagd".
_BEFORE_THE_ANSWER = {
    "i", "ll", "m", "s", "am", "we", "re", "need", "needs", "have", "has", "got", "must",
    "will", "shall", "should", "want", "going", "to", "first", "still", "just", "let", "me",
    "the", "it", "is", "stays", "remains", "my", "our", "mandate", "ik", "wij", "moet",
    "moeten", "ga", "gaan", "wil", "zal", "even", "nog", "steeds", "eerst", "wel", "het",
    "blijft", "wordt", "mijn", "ons", "onze", "mandaat",
}  # fmt: skip
_QUOTES = {'"': '"', "“": "”", "„": "”", "'": "'", "‘": "’"}


def _mandate(spec: CommandSpec, args: str, today: date) -> Parsed | UsageError:
    if not args:
        return ShowMandates()
    quoted = _quoted_whole(args)
    answer = None if quoted is not None else _renewal_answer(args)
    if answer is not None:
        return too_long(spec, TEXT_TOO_LONG, MANDATE_LIMIT, answer.words) or answer
    meant = None if quoted is not None else _nearly_an_answer(args)
    if meant is not None:
        # "/mandate renw" as a first mandate would be announced to the table; a mandate
        # that short is given in quotes anyway.
        words = one_line(args)[:500]
        return UsageError(
            spec, Lines((Say.of(DID_YOU_MEAN, command=Say.of(meant)), meant_as_a_mandate(words)))
        )
    text = args if quoted is None else quoted
    if not has_words(text):
        return UsageError(
            spec, Say.of(N_("A mandate needs words: what may you agree to for your organisation?"))
        )
    refused = too_long(spec, MANDATE_TOO_LONG, MANDATE_LIMIT, text)
    return refused or SetMandate(one_line(text), quoted=quoted is not None)


def _quoted_whole(args: str) -> str | None:
    """A mandate in quotes is taken as written, also when it starts like an answer:
    /mandate "check invoices up to 500 euro"."""
    args = args.strip()
    closing = _QUOTES.get(args[:1])
    if closing is None or len(args) < 2 or not args.endswith(closing):
        return None
    return args[1:-1].strip()


def _renewal_answer(args: str) -> AnswerRenewal | None:
    """Renewed or check, when the words start with one, after words like "I need to":
    people answer the question in their own words, and read as a mandate those words
    would replace their real one."""
    words = _without_accents(_keyword(args)).split()
    start = 0
    while start < len(words) - 1 and words[start] in _BEFORE_THE_ANSWER:
        start += 1
    first = words[start] if words else ""
    # "blijft zo", "staat nog": the phrase may start with a word that is also skipped.
    renewed = _phrase_at(words, start, _RENEWED_PHRASES) or _phrase_at(words, 0, _RENEWED_PHRASES)
    checked = _phrase_at(words, start, _CHECK_PHRASES)
    if renewed or first in _RENEWED:
        outcome, taken = "renewed", set(renewed) | _RENEWED
    elif checked or first in _CHECK:
        outcome, taken = "check", set(checked) | _CHECK
    else:
        return None
    said = set(_BEFORE_THE_ANSWER) | taken | {w for p in _RENEWED_PHRASES for w in p}
    more = any(word not in said for word in words)
    # On one line, counted as sent (/mandate refuses more than MANDATE_LIMIT).
    return AnswerRenewal(outcome, words=" ".join(args.split()) if more else None)


def _nearly_an_answer(args: str) -> str | None:
    """The answer one word alone is a typo of ("renw", "vernieuwn", "chek", after words
    like "I need to"), as its command: "/mandate renew" or "/mandate check"."""
    words = _without_accents(_keyword(args)).split()
    start = 0
    while start < len(words) - 1 and words[start] in _BEFORE_THE_ANSWER:
        start += 1
    if start != len(words) - 1:
        return None
    near = _near_miss(words[start], _RENEWED_TYPOS | _CHECK_TYPOS, typed=args)
    if near is None:
        return None
    return N_("/mandate renew") if near in _RENEWED_TYPOS else N_("/mandate check")


# The answers a typo is taken for: the words the renewal question and its buttons use,
# and their plain synonyms. Not "stands", "holds", "valid", "prima", "nagaan": one letter
# off they are other words people give as a mandate ("Stand", "holes", "nagaat").
_RENEWED_TYPOS = frozenset({
    "renew", "renewed", "renewing", "unchanged", "confirmed", "vernieuw", "vernieuwd",
    "vernieuwen", "verlengen", "verlengd", "ongewijzigd", "onveranderd", "bevestigd",
    "bevestigen", "akkoord",
})  # fmt: skip
_CHECK_TYPOS = frozenset({
    "check", "checking", "checken", "consult", "verify", "navragen", "nagevraagd",
    "overleggen",
})  # fmt: skip


def meant_as_a_mandate(words: str) -> Say:
    """How to give words that read as an answer as a new mandate after all."""
    return Say.of(
        N_(
            'Did you mean “{words}” as your new mandate? Then give it in quotes: /mandate "{words}"'
        ),
        words=Quote(words),
    )


def _phrase_at(
    words: list[str], start: int, phrases: tuple[tuple[str, ...], ...]
) -> tuple[str, ...]:
    return next((p for p in phrases if tuple(words[start : start + len(p)]) == p), ())


def _without_accents(text: str) -> str:
    """Accents dropped, also when typed as a separate mark: "oké" says "oke"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The everyday ways to open and close a meeting, in both languages, accents dropped
# ("beëindigen" is "beeindigen"), with "-" read as a space ("wrap-up" is "wrap up").
_START_MEETING = frozenset({
    "start", "begin", "open", "starten", "beginnen", "openen",
})  # fmt: skip
_END_MEETING = frozenset({
    "end", "stop", "close", "finish", "finish up", "wrap up", "wrapup", "done", "einde", "eind",
    "afsluiten", "sluiten", "sluit", "sluit af", "afronden", "rond af", "beeindigen",
    "beeindig", "stoppen", "klaar",
})  # fmt: skip


# The meeting named beside the verb says nothing more: "end the meeting", "sluit de
# vergadering af", "de vergadering starten".
_THE_MEETING = frozenset({
    "the", "this", "our", "meeting", "de", "deze", "onze", "het", "vergadering", "overleg",
})  # fmt: skip


def _meeting(spec: CommandSpec, args: str, today: date) -> Parsed | UsageError:
    words = _without_accents(_keyword(args)).split()
    keyword = " ".join(word for word in words if word not in _THE_MEETING)
    if keyword in _START_MEETING:
        return StartMeeting()
    if keyword in _END_MEETING:
        return EndMeeting()
    return UsageError(spec)


EVALUATION_VALUES = (
    N_("keep agreements"),
    N_("be reliable"),
    N_("be reachable and available"),
    N_("be open"),
    N_("be willing to share information"),
    N_("be helpful"),
    N_("take responsibility"),
    N_("be flexible"),
    N_("listen to each other"),
)


# "4,5" among scores written apart is a Dutch decimal (4.5), not the scores 4 and 5.
_DECIMAL = re.compile(r"\d+[.,]\d+")
# One score, after the spaces or commas that separate it from the one before.
_SCORE = re.compile(r"[\s,]*([^\s,]+)")


def _evaluate(spec: CommandSpec, args: str, today: date) -> Parsed | UsageError:
    written = args.split()
    decimal = len(written) > 1 and any(
        _DECIMAL.fullmatch(word) for word in written[: len(EVALUATION_VALUES)]
    )
    scores: list[int] = []
    end = 0  # commas separate scores only: the comment keeps its own ("1,5 uur")
    while not decimal and len(scores) < len(EVALUATION_VALUES):
        match = _SCORE.match(args, end)
        score = match and _number(match.group(1))
        if not match or score is None:
            break
        scores.append(score)
        end = match.end()
    if not decimal:
        # Scores past the ninth: a miscount, not a comment's first word (which would
        # shift every value by one without a word).
        scores += _more_scores(args, end)
    if not decimal and 0 < len(scores) != len(EVALUATION_VALUES):
        return UsageError(spec, _miscounted(scores))
    outside = [score for score in scores if not 1 <= score <= 5]
    if len(scores) == len(EVALUATION_VALUES) and outside:
        # Nine scores, some past the scale ("1 2 3 4 5 6 7 8 9"): say which.
        return UsageError(spec, Say.of(
            N_("Scores go from 1 to 5, so I could not use {these}: {scores}. Give nine scores "
               "from 1 to 5, one for each value, in order."),
            these=Counted(NP_("this score", "these scores"), len(outside)),
            scores=" ".join(str(score) for score in outside),
        ))  # fmt: skip
    if len(scores) != len(EVALUATION_VALUES):
        return UsageError(
            spec, Say.of(N_("Give nine scores from 1 to 5, one for each value, in order."))
        )
    comment = args[end:].lstrip(" ,") or None
    comment = shown_line(comment)
    refused = too_long(spec, COMMENT_TOO_LONG, COMMENT_LIMIT, comment)
    return refused or Evaluate(tuple(scores), comment)


def _more_scores(args: str, end: int) -> list[int]:
    """The whole numbers that follow the ninth score, before any other word."""
    more: list[int] = []
    while (match := _SCORE.match(args, end)) and (score := _number(match.group(1))) is not None:
        more.append(score)
        end = match.end()
    return more


def _miscounted(scores: list[int]) -> Say:
    return Say.of(
        N_("I read {read} ({scores}); give nine, from 1 to 5, one for each value in order. "
           "A comment that starts with a number goes in quotes."),
        read=Counted(NP_("{count} score", "{count} scores"), len(scores)),
        scores=" ".join(str(s) for s in scores),
    )  # fmt: skip


_ADD = {"add", "new", "toevoegen", "nieuw"}
_ASSIGN = {"assign", "give", "toewijzen", "geef"}
_HANDOVER = {"handover", "hand-over", "transfer", "overdragen", "overdracht"}
_TASKS = {"tasks", "change", "edit", "taken", "wijzigen", "wijzig"}
_UNASSIGN = {
    "unassign", "resign", "vacate", "release", "neerleggen", "teruggeven", "vrijgeven",
}  # fmt: skip
_REMOVE = {"remove", "delete", "drop", "verwijderen", "verwijder", "schrappen", "opheffen"}
# A keyword mistyped ("remvoe", "verwijdren"): the subcommand it was likely meant as.
_ROLE_KEYWORDS = {
    **dict.fromkeys(_ADD, N_("/role add")), **dict.fromkeys(_ASSIGN, N_("/role assign")),
    **dict.fromkeys(_HANDOVER, N_("/role handover")), **dict.fromkeys(_TASKS, N_("/role tasks")),
    **dict.fromkeys(_UNASSIGN, N_("/role unassign")), **dict.fromkeys(_REMOVE, N_("/role remove")),
}  # fmt: skip


def _role(spec: CommandSpec, args: str, today: date) -> Parsed | UsageError:
    keyword, rest = _first_word(args)
    if keyword == "give" and fold(rest).split()[:1] == ["up"]:  # "give up chair"
        keyword, rest = "unassign", rest.strip()[2:].strip()
    if keyword in _ASSIGN | _HANDOVER:
        # The member comes last, so a role's name may have spaces: assign night lead @ben
        name, _, who = rest.rpartition(" ")
        name = name.strip().strip("\"“”'")
        user = member_reference(who)
        if not name or user is None:
            return UsageError(spec, _member_first(rest, keyword) or NAME_THE_MEMBER)
        refused = too_long(spec, ROLE_NAME_TOO_LONG, ROLE_NAME_LIMIT, name)
        return refused or AssignRole(name, user, handover=keyword in _HANDOVER)
    if keyword in _UNASSIGN | _REMOVE:
        # Nothing follows the name (but, to give one up, its holder), so it may have spaces.
        name, _, who = rest.rpartition(" ")
        user = member_reference(who) if name else None
        name = (name if user is not None else rest).strip().strip("\"“”'")
        if not name:
            return UsageError(spec)
        if refused := too_long(spec, ROLE_NAME_TOO_LONG, ROLE_NAME_LIMIT, name):
            return refused
        if keyword in _REMOVE and user is None:
            return RemoveRole(name)
        # "remove chair @anna" takes anna off the role, which stays: the lesser reading.
        return UnassignRole(name, user)
    name, tail = _name_and_rest(rest)
    if not name:
        return UsageError(spec)
    if keyword in _ADD | _TASKS:
        if (member := member_reference(name)) is not None:
            # "add @ben notes": a member where the role's name goes, never a role named so.
            return UsageError(spec, Say.of(A_ROLE_IS_NO_MEMBER, member=Member(member)))
        if names_everyone(name) or group_reference(name) is not None:
            return UsageError(spec, A_ROLE_IS_NO_MENTION)  # "add @everyone notes"
        if not has_words(tail):
            return UsageError(
                spec, Say.of(N_("Say which tasks come with the role: roles carry tasks."))
            )
        refused = too_long(spec, ROLE_NAME_TOO_LONG, ROLE_NAME_LIMIT, name) or too_long(
            spec, TASKS_TOO_LONG, TASKS_LIMIT, tail
        )
        if refused:
            return refused
        if keyword in _TASKS:
            return SetRoleTasks(name, one_line(tail))
        return AddRole(name, one_line(tail))
    near = nearest_word(keyword, _ROLE_KEYWORDS, _MISTYPED)
    if near is not None:
        return UsageError(spec, Say.of(DID_YOU_MEAN, command=Say.of(_ROLE_KEYWORDS[near])))
    return UsageError(spec)


NAME_THE_MEMBER = Say.of(N_("Name the member with @, like @anna."))
A_ROLE_IS_NO_MENTION = Say.of(
    N_("A role is named with a word, not a mention: /role add <name> <tasks>.")
)
A_ROLE_IS_NO_MEMBER = N_(
    "A role is named with a word, not a member: /role add <name> <tasks>, then "
    "/role assign <name> {member}."
)


def _member_first(rest: str, keyword: str) -> Say | None:
    """ "assign @anna chair": the member named before the role. What to type instead, the
    words in their order; None when the first word is no member."""
    first, _, name = rest.strip().partition(" ")
    user = member_reference(first)
    name = name.strip().strip("\"“”'")
    if user is None or not name:
        return None
    return Say.of(
        N_("Name the role first, then the member: /role {keyword} {role} {member}"),
        keyword=keyword,
        role=Quote(excerpt(name, 60)),
        member=Member(user),
    )


def _roles(spec: CommandSpec, args: str, today: date) -> ShowRoles:
    return ShowRoles()


_KEEP = {"keep", "continue", "behouden", "houden", "behoud", "aanhouden"}
_REVISE = {
    "revise", "change", "update", "amend",
    "herzien", "herzie", "aanpassen", "wijzigen", "wijzig",
}  # fmt: skip
_RETIRE = {
    "retire", "end", "drop", "scrap", "stop",
    "intrekken", "stoppen", "vervallen", "schrappen", "beëindigen", "afschaffen", "opheffen",
}  # fmt: skip
# The lesson is a trailing clause of the reason, like an agreement's review clause:
# "because daily is too much, learned: ask first". After a subject or auxiliary
# "learned" is the reason's verb ("because we learned that ...", "omdat we geleerd
# hebben dat ..."); after an article "lesson" is its noun ("the lesson from May").
_LEARNED = re.compile(r"(?<!\S)(learned|learnt|geleerd|lesson|les)\s*(:?)\s+(?=\S)", re.IGNORECASE)


def _review_unread(keyword: str, after: str) -> Say | None:
    """What a review command lacks: the agreement's number ("/review keep", "/review keep
    one"), its decision first ("/review 3 keep"), or a decision it does not know ("/review
    postpone 3"); None for anything else."""
    if keyword in _KEEP | _REVISE | _RETIRE:
        return Say.of(
            N_("Which agreement? Give its number, as /agreements shows it: /review {keyword} 3"),
            keyword=keyword,
        )
    number = _number(keyword.lstrip("#"))
    decision = fold(after)
    if number is not None and decision in _KEEP | _REVISE | _RETIRE:
        return Say.of(
            N_("Say what to do first, then the number: /review {keyword} {number}"),
            keyword=decision,
            number=number,
        )
    number = _number(after.lstrip("#"))
    if number is not None and keyword:
        # "/review postpone 3": the number is there, the decision is no word it knows.
        return Say.of(
            N_("I cannot read “{word}” as what to do with agreement {number}: keep, revise "
               "or retire."),
            word=Quote(excerpt(keyword, 40)),
            number=number,
        )  # fmt: skip
    return None


LESSON_LIMIT = 1000


def _lesson(lesson: str | None) -> str | None:
    """What practice taught, on one line (at most LESSON_LIMIT characters: too_long);
    None unless shown."""
    return shown_line(lesson)


def _clauses_refused(spec: CommandSpec, read: Say) -> UsageError:
    """A clause that cannot be taken; a past date is all that is off in words meant as
    they are, so they are shown back to correct (UsageError.again)."""
    return UsageError(spec, read, again=read.msgid == PAST_REVIEW_DATE)


def _review(
    spec: CommandSpec, args: str, today: date, lang: str | None, month_first: bool
) -> Parsed | UsageError:
    keyword, rest = _first_word(args)
    number_text, _, tail = rest.partition(" ")
    number = _number(number_text.lstrip("#"))
    if keyword not in _KEEP | _REVISE | _RETIRE or number is None:
        return UsageError(spec, _review_unread(keyword, number_text))
    if keyword in _KEEP | _RETIRE:
        why, lesson = _reason_and_lesson(tail, lang)
        why, lesson, clauses = _review_clauses(why, lesson)
        decision = "keep" if keyword in _KEEP else "retire"
        if clauses and decision == "retire":
            return UsageError(spec, Say.of(RETIRED_HAS_NO_CLAUSES, number=number))
        if any(is_owner for is_owner, _ in clauses):
            return UsageError(spec, Say.of(A_KEEP_KEEPS_THE_OWNER, number=number))
        read = _read_clauses(clauses, today, month_first)
        if isinstance(read, Say):
            return _clauses_refused(spec, read)
        refused = too_long(spec, TEXT_TOO_LONG, MAX_FIELD, why) or too_long(
            spec, TEXT_TOO_LONG, LESSON_LIMIT, lesson
        )
        if refused:
            return refused
        return ReviewAgreement(
            number,
            decision,
            why=shown_line(why),
            lesson=_lesson(lesson),
            review_on=read.review_on,
        )
    revision, lesson = _revision_and_lesson(tail, lang)
    clauses: list[tuple[bool, str]] = []
    if len(revision) == 2:
        why, lesson, clauses = _review_clauses(revision[1], lesson)
        text, between = _clauses_before_the_why(revision[0], after_others=False)
        if _only_mentions(text):
            text = ""  # "/review revise 1 @ben because x": no new text
        revision, clauses = [text, why or ""], between + clauses
        if sum(1 for is_owner, _ in clauses if is_owner) > 1:
            return UsageError(spec, ONE_OWNER)
    if len(revision) < 2 or not shows(revision[0]) or not shows(revision[1]):
        return UsageError(
            spec,
            Say.of(
                N_("A revision needs the new text and why: /review revise <id> <new text> "
                   "because <why> [learned <lesson>]")
            ),
        )  # fmt: skip
    read = _read_clauses(clauses, today, month_first)
    if isinstance(read, Say):
        return _clauses_refused(spec, read)
    refused = too_long(spec, TEXT_TOO_LONG, MAX_FIELD, *revision) or too_long(
        spec, TEXT_TOO_LONG, LESSON_LIMIT, lesson
    )
    if refused:
        return refused
    return ReviewAgreement(
        number,
        "revise",
        new_text=one_line(revision[0]),
        why=one_line(revision[1]),
        lesson=_lesson(lesson),
        owner=read.owner,
        owner_group=read.owner_group,
        review_on=read.review_on,
    )


# A review's reason (or lesson) may end in an agreement's clauses: a revision may name
# a new owner and review date, a keep its next review date. Keeping keeps the owner, and
# a retired agreement is reviewed no more: those clauses are refused, not dropped.
A_KEEP_KEEPS_THE_OWNER = N_(
    "Keeping an agreement keeps its owner. To give it another owner, revise it: /review "
    "revise {number} <text> because <why> owner @who"
)
RETIRED_HAS_NO_CLAUSES = N_(
    "A retired agreement has no owner or next review: leave them out. To keep agreement "
    "#{number} until a later review instead: /review keep {number} review <date>"
)


def _review_clauses(
    why: str | None, lesson: str | None
) -> tuple[str | None, str | None, list[tuple[bool, str]]]:
    """The reason and lesson without the owner and review clauses that end them ("because
    tags moved owner @chris review in 2 months", "… learned pin digests, review in 3
    months"), and those clauses in order."""
    clauses: list[tuple[bool, str]] = []
    if lesson:
        lesson, clauses = _reason_and_clauses(lesson)
    if why:
        why, before = _reason_and_clauses(why)
        clauses = before + clauses
    return why or None, lesson or None, clauses


def _reason_and_lesson(tail: str, lang: str | None) -> tuple[str | None, str | None]:
    """A keep's or a retirement's reason and lesson, both optional: "because it works,
    learned: ask the residents first". The reason may open with its "because" or without;
    the lesson starts as a revision's does."""
    reason, lesson = tail, None
    for match in _LEARNED.finditer(tail):
        labelled = match.group(2) == ":"
        if labelled or not _within_the_reason(tail[: match.start()], fold(match.group(1))):
            reason, lesson = tail[: match.start()], tail[match.end() :].strip() or None
            break
    reason = reason.strip()
    reason = _emoji_code_kept(reason, reason.rstrip(",;:").rstrip())
    split = _split_reason(reason, lang)
    if split is not None and not split[0].strip():  # "because …", not "… because …"
        reason = split[1] + split[2].strip()
    return reason or None, lesson


def _revision_and_lesson(tail: str, lang: str | None) -> tuple[list[str], str | None]:
    """[new text, why] (or less, when no reason is given) and the lesson, if any.

    The lesson starts at the first "learned" or "lesson" after the reason begins that is
    not the reason's own word (or has a colon: "learned: ..."); "learned" inside the new
    text or the reason stays there.
    """
    for match in _LEARNED.finditer(tail):
        labelled = match.group(2) == ":"  # "learned:" is a clause after any word
        if not labelled and _within_the_reason(tail[: match.start()], fold(match.group(1))):
            continue
        split = _split_reason(tail[: match.start()], lang)
        if split is None:
            continue
        what, opening, why = split
        why = why.strip()
        why = _emoji_code_kept(why, why.rstrip(",;:").rstrip())  # "because y, learned: ..."
        if why:
            return [what, opening + why], tail[match.end() :].strip() or None
    split = _split_reason(tail, lang)
    if split is None:
        return [tail], None
    what, opening, why = split
    return [what, opening + why if why.strip() else why], None


def _report(spec: CommandSpec, args: str, today: date, month_first: bool) -> Parsed | UsageError:
    if not args:
        return Report(None)
    keyword, rest = _first_word(args)
    if keyword not in {"since", "sinds", "vanaf", "from"}:
        rest = args
    try:
        # "since 1 March" typed in February means last year's, not next year's.
        since = parse_date(rest, today=today, past=True, month_first=month_first)
    except UnclearDate as unclear:
        return UsageError(spec, which_date(unclear))
    except NoSuchDay as missing:  # "since 31 April"
        return UsageError(spec, no_such_day(missing))
    except DateError:
        if not rest:
            return UsageError(spec)
        return UsageError(
            spec,
            Say.of(
                N_("I could not read the date “{date}”. Try {example}, “last Monday”, "
                   "“yesterday” or “last week”."),
                date=Quote(excerpt(rest, 60)),
                example=Day(today.replace(day=1)),  # a day that has passed
            ),
        )  # fmt: skip
    if since > today:  # a date with its year, or "in 2 weeks": not ours to move
        return UsageError(spec, FUTURE_REPORT)
    return Report(since)


# Commands that give a reason read it in the command's language.
_GIVE_REASONS = {"agree": _agree, "review": _review}
# Commands that read a date in numbers as the table writes it (month_first).
_READ_DATES = {"report": _report}
_PARSERS = {
    "agreements": _agreements,
    "concerns": _concerns,
    "concern": _concern,
    "problem-window": _window,
    "nudges": _nudges,
    "not-a-problem": _not_a_problem,
    "has-proposal": _has_proposal,
    "snooze": _snooze,
    "why": _why,
    "groundrules": _rules,
    "table": _table,
    "mandate": _mandate,
    "meeting": _meeting,
    "evaluate": _evaluate,
    "role": _role,
    "roles": _roles,
}
