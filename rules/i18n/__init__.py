"""English and Dutch for everything the bot says: gettext catalogues read with Babel.

The msgids are the English texts; `locale/<lang>.po` holds each language. Catalogues
are compiled in memory the first time a language is used (a start-up cost, like the
classifier's model), so the `.po` files stay the single source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import cache
from importlib import resources
from io import BytesIO

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from rules.bidi import isolated
from rules.local_time import zone
from rules.say import (
    FORMER_MEMBER,
    N_,
    NP_,
    CommandName,
    Counted,
    Day,
    InLanguage,
    Lines,
    Listed,
    Member,
    Members,
    Moment,
    Quote,
    Say,
    Score,
    Span,
    Text,
)

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"
# The English texts are British ("organisation", "1 May"): so are their dates ("16 March
# 2026") and lists ("anna, chris and dana", without the American serial comma).
_FORMATS = {"en": "en_GB", "nl": "nl"}


def supported(lang: str | None) -> str:
    """Map anything (None, "nl-BE", "en_US") onto a language we speak."""
    if lang:
        short = lang.replace("_", "-").split("-")[0].lower()
        if short in LANGUAGES:
            return short
    return DEFAULT_LANGUAGE


def catalog_path(lang: str):
    return resources.files("rules.i18n") / "locale" / f"{lang}.po"


@cache
def translations(lang: str) -> Translations:
    with catalog_path(lang).open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def gettext(msgid: str, lang: str) -> str:
    return translations(supported(lang)).gettext(msgid)


def ngettext(singular: str, plural: str, count: int, lang: str) -> str:
    return translations(supported(lang)).ngettext(singular, plural, count)


@cache
def _formats(lang: str) -> Locale:
    """The locale that writes a language's dates, lists and numbers."""
    return Locale.parse(_FORMATS[supported(lang)])


def _as_is(value: str) -> str:
    return value


def format_span(span: timedelta, lang: str) -> str:
    """Exact spans in words ("1 hour and 30 minutes"); Babel's own rounds them."""
    seconds = int(span.total_seconds())
    units = (
        (86400, NP_("{n} day", "{n} days")),
        (3600, NP_("{n} hour", "{n} hours")),
        (60, NP_("{n} minute", "{n} minutes")),
        (1, NP_("{n} second", "{n} seconds")),
    )
    parts = []
    for size, (singular, plural) in units:
        if seconds >= size:
            count, seconds = divmod(seconds, size)
            parts.append(ngettext(singular, plural, count, lang).format(n=count))
    if not parts:
        singular, plural = units[-1][1]
        parts.append(ngettext(singular, plural, 0, lang).format(n=0))
    return format_list(parts, locale=_formats(lang))


def _as_named(_moment: Moment, named: str) -> str:
    return named


def local_moment(moment: Moment, lang: str) -> str:
    """A moment on the clock where the table sits, its zone named: "17:11
    (Europe/Amsterdam)", "tomorrow at 08:00 (Europe/Amsterdam)"."""
    clock = f"{moment.at.astimezone(zone(moment.zone)):%H:%M} ({moment.zone})"
    if moment.days_later == 0:
        return clock
    if moment.days_later == 1:
        return gettext(N_("tomorrow at {time}"), lang).format(time=clock)
    day = format_date(moment.at.astimezone(zone(moment.zone)).date(), "long", _formats(lang))
    return gettext(N_("{day} at {time}"), lang).format(day=day, time=clock)


def render(
    text: Text | InLanguage,
    lang: str,
    *,
    name_of: Callable[[str], str] = _as_is,
    quote: Callable[[str], str] = _as_is,
    words: Callable[[str], str] = _as_is,
    moment: Callable[[Moment, str], str] = _as_named,
) -> str:
    """Translate and fill in a message; `name_of`, `quote` and `moment` are the
    platform's own, and `words` adapts the translated words (not what fills them in) to
    the platform. `moment` is given a Moment and its words where the table sits
    (`local_moment`), for a platform that shows it on each reader's clock."""
    if isinstance(text, InLanguage):
        lang, text = text.lang, text.text
    lang = supported(lang)
    hooks = {"name_of": name_of, "quote": quote, "words": words, "moment": moment}
    if isinstance(text, Lines):
        rendered = (render(part, lang, **hooks) for part in text.parts)
        return "\n".join(line for line in rendered if line)
    template = words(gettext(text.msgid, lang))
    # People's words must never stand on a line of their own, where they would read as the
    # bot's ("*Everyone has answered.*"): a block quote quotes each of their lines, a
    # quote inside a sentence ("Concern from Anna: {concern}") keeps them to one line.
    block = template.startswith("> ")
    values = {}
    for key, value in text.params:
        if isinstance(value, Quote) and not block:
            value = Quote(" ".join(value.text.split()))
        values[key] = _param(value, lang, hooks)
    filled = template.format(**values) if values else template
    if block:
        filled = filled.replace("\n", "\n> ")
    return filled


def _name(user: str, lang: str, name_of) -> str:
    """A member by the platform's name for them; a forgotten one as a former member."""
    return gettext(FORMER_MEMBER, lang) if user == FORMER_MEMBER else name_of(user)


# Day styles beyond Babel's own ("long", "full"): the weekday alone, the month alone, the
# day with its month ("11 December"), as people write a date without its year, and the
# long one after its weekday without a comma ("Friday 11 December 2026").
_DAY_STYLES = {
    "weekday": "EEEE", "month": "LLLL", "day-month": "d MMMM", "weekday-long": "EEEE d MMMM y",
}  # fmt: skip


def _param(value: object, lang: str, hooks: dict[str, Callable]) -> str:
    # Names and people's words are isolated: their direction cannot turn the bot's words.
    name_of, quote, words = hooks["name_of"], hooks["quote"], hooks["words"]
    match value:
        case Member(user=user):
            return isolated(_name(user, lang, name_of))
        case Members(users=users):
            if not users:
                return gettext("nobody", lang)
            names = [isolated(_name(u, lang, name_of)) for u in users]
            return format_list(names, locale=_formats(lang))
        case Listed(items=items):
            if not items:
                return gettext("nobody", lang)
            each = [_param(item, lang, hooks) for item in items]
            return format_list(each, locale=_formats(lang))
        case Quote(text=quoted):
            return isolated(quote(quoted))
        case CommandName(name=name):
            return words(f"/{name}")
        case Day(value=day, style=style):
            pattern = _DAY_STYLES.get(style, style)
            return format_date(day, format=pattern, locale=_formats(lang))
        case Moment() as moment:
            return hooks["moment"](moment, local_moment(moment, lang))
        case Span(value=span):
            return format_span(span, lang)
        case Counted(forms=(singular, plural), count=count):
            return words(ngettext(singular, plural, count, lang)).format(count=count)
        case Score(value=number):
            return format_decimal(number, format="0.0", locale=_formats(lang))
        case Say() | Lines():
            return render(value, lang, **hooks)
        case _:
            return str(value)
