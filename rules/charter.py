"""A table and its charter: who is at it for which organisation, what the collaboration
is and is not about, routing, and the table's language (the seed's preparation list)."""

from __future__ import annotations

from rules.actions import Action, ConfigureTable, NoteMember, SetOrganisation
from rules.agreements import review_due, review_timer
from rules.grammar import (
    JoinTable,
    SetCharter,
    SetLanguage,
    SetTimezone,
    ShowLanguage,
    ShowTable,
    ShowTimezone,
)
from rules.i18n import supported
from rules.night_timers import held_anew
from rules.posix_zones import city_at, posix_hours, utc_offset
from rules.say import N_, Lines, Member, Quote, Say
from rules.speech import language, private, public
from rules.state import TableState
from rules.table_quiet import quiet_line
from rules.understanding import Command

_FIELD_LINES = {
    "about": N_("About: {text}"),
    "not_about": N_("Not about: {text}"),
    "routing": N_("Routing: {text}"),
}
_FIELD_SET = {
    "about": N_("Noted: this table is about {text}."),
    "not_about": N_("Noted: this table is not about {text}."),
    "routing": N_("Noted: the routing here is {text}."),
}


def member_line(state: TableState, user: str) -> Say:
    info = state.member(user)
    if info.organisation:
        return Say.of(
            N_("{member}, for {organisation}"),
            member=Member(user),
            organisation=Quote(info.organisation),
        )
    return Say.of(N_("{member}, organisation not given yet"), member=Member(user))


def show(command: Command, state: TableState) -> list[Action]:
    assert isinstance(command.parsed, ShowTable)
    lang = language(state, command.lang)
    charter = state.charter
    parts: list[Say | Lines] = [Say.of(N_("At this table:"))]
    parts += [member_line(state, user) for user in sorted(state.roster)] or [
        Say.of(N_("nobody yet"))
    ]
    if any(not state.member(user).organisation for user in state.roster):
        # Ground rule 2: the roster shows who has not said it, and here is how to.
        parts.append(
            Say.of(N_("No organisation given yet? Give yours with /table join "
                      "<organisation>."))
        )  # fmt: skip
    for field in ("about", "not_about", "routing"):
        value = getattr(charter, field)
        if value:
            parts.append(Say.of(_FIELD_LINES[field], text=Quote(value)))
    if not (charter.about and charter.not_about):
        parts.append(
            Say.of(
                N_("Say what this table is and is not about: /table about … and "
                   "/table not-about …")
            )
        )  # fmt: skip
    parts.append(
        Say.of(N_("Language: {language}."), language=Say.of(_LANGUAGE_NAMES[lang]))
        if state.settings.language
        else Say.of(N_("Language: I answer in the language you write."))
    )
    zone = state.settings.timezone
    parts.append(Say.of(N_("Time zone: {zone} (/table timezone)."), zone=Quote(zone)))
    if (hours := posix_hours(zone)) is not None:  # read later, by others, as easily wrong
        parts.append(_sign_turned_around(zone, hours))
    parts.append(quiet_line(state))
    mode = Say.of(_NUDGE_MODE_NAMES[state.settings.nudges])
    parts.append(Say.of(N_("Nudges about problems: {mode} (/nudges)."), mode=mode))
    return [private(command.event, command.event.user, Lines(tuple(parts)), lang)]


_LANGUAGE_NAMES = {"en": N_("English"), "nl": N_("Dutch")}
_NUDGE_MODE_NAMES = {"normal": N_("normal"), "fewer": N_("fewer"), "off": N_("off")}


def set_field(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, SetCharter)
    event = command.event
    change = ConfigureTable(
        workspace=event.workspace, channel=event.channel, at=event.at,
        **{parsed.field: parsed.text},
    )  # fmt: skip
    text = Say.of(_FIELD_SET[parsed.field], text=Quote(parsed.text))
    return [change, public(event, text, language(state, command.lang))]


def join(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, JoinTable)
    event = command.event
    return [
        NoteMember(workspace=event.workspace, channel=event.channel, user=event.user, at=event.at),
        SetOrganisation(
            workspace=event.workspace,
            channel=event.channel,
            user=event.user,
            organisation=parsed.organisation,
            at=event.at,
        ),
        public(
            event,
            Say.of(
                N_("{member} is at the table for {organisation}."),
                member=Member(event.user),
                organisation=Quote(parsed.organisation),
            ),
            language(state, command.lang),
        ),
    ]


def set_language(command: Command, state: TableState) -> list[Action]:
    parsed = command.parsed
    assert isinstance(parsed, SetLanguage)
    event = command.event
    lang = supported(parsed.language)
    return [
        ConfigureTable(
            workspace=event.workspace, channel=event.channel, at=event.at, language=lang
        ),
        public(
            event,
            Say.of(
                N_("From now on I speak {language} at this table."),
                language=Say.of(_LANGUAGE_NAMES[lang]),
            ),
            lang,
        ),
    ]


def show_language(command: Command, state: TableState) -> list[Action]:
    """/table language alone: privately, which language the table speaks and how to
    choose one."""
    assert isinstance(command.parsed, ShowLanguage)
    chosen = state.settings.language
    shown = (
        Say.of(N_("Language: {language}."), language=Say.of(_LANGUAGE_NAMES[chosen]))
        if chosen
        else Say.of(N_("Language: I answer in the language you write."))
    )
    how = Say.of(N_("To choose one for everyone here: /table language en or /table language nl."))
    event = command.event
    return [private(event, event.user, Lines((shown, how)), language(state, command.lang))]


def show_timezone(command: Command, state: TableState) -> list[Action]:
    """/table timezone alone: privately, where the table's days count and how to change
    it (as /table quiet-hours alone shows the quiet hours)."""
    assert isinstance(command.parsed, ShowTimezone)
    shown = Say.of(
        N_("Time zone: {zone}: “tomorrow” and review dates are days there, and reviews "
           "come at 9:00 there."),
        zone=Quote(state.settings.timezone),
    )  # fmt: skip
    how = Say.of(
        N_("To change it, name a zone as the time zone database does: "
           "/table timezone Europe/Amsterdam.")
    )  # fmt: skip
    event = command.event
    return [private(event, event.user, Lines((shown, how)), language(state, command.lang))]


def set_timezone(command: Command, state: TableState) -> list[Action]:
    """/table timezone: the table's days count there from now on, the reviews still to
    come move to 09:00 there, and reminders and nudges its quiet hours held are set
    again for the same hours there (rules.night_timers.held_anew)."""
    parsed = command.parsed
    assert isinstance(parsed, SetTimezone)
    event = command.event
    old, new = state.settings.timezone, parsed.timezone
    moved = [
        review_timer(
            event,
            agreement.number,
            agreement.version,
            agreement.review_on,
            new,
            state.settings.quiet_hours,
        )
        for agreement in state.agreements
        # Only a review still to come: one that came is not asked again.
        if agreement.status == "current"
        and review_due(agreement.review_on, old, state.settings.quiet_hours) > event.at
    ]
    said: Say | Lines = Say.of(
        N_("From now on this table's days count in the time zone {zone}: “tomorrow” and "
           "review dates are days there, and reviews come at 9:00 there."),
        zone=Quote(new),
    )  # fmt: skip
    if (hours := posix_hours(new)) is not None:
        said = Lines((said, _sign_turned_around(new, hours)))
    return [
        ConfigureTable(workspace=event.workspace, channel=event.channel, at=event.at, timezone=new),
        *moved,
        *held_anew(event, state, state.settings.quiet_hours, new),
        public(event, said, language(state, command.lang)),
    ]


def _sign_turned_around(name: str, hours: int) -> Say:
    """What "Etc/GMT+1" is (UTC−1, not UTC+1), and a city's zone for what it seems to say."""
    seeming = -hours
    params = {"zone": Quote(name), "offset": utc_offset(hours), "seeming": utc_offset(seeming)}
    if (city := city_at(seeming)) is None:
        return Say.of(
            N_("Careful: in a name like {zone} the sign is turned around, so {zone} is "
               "{offset}, not {seeming}."),
            **params,
        )  # fmt: skip
    return Say.of(
        N_("Careful: in a name like {zone} the sign is turned around, so {zone} is "
           "{offset}, not {seeming}. If this table is at {seeming}, name a city there "
           "instead, like /table timezone {city}: a city's zone follows the clock there all "
           "year, summer time and all."),
        city=city,
        **params,
    )  # fmt: skip
