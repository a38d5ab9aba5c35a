"""Ground rule 5 and the TWO: agreements are recorded as they are reached, with why,
who consented, the concerns heard, an owner and a review date. They are temporary
and workable: at the review date the table looks at them again.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from rules.actions import (
    Action,
    AnnounceAgreement,
    AnnounceReview,
    ForgetProposal,
    LinkRound,
    RecordAgreement,
    ScheduleTimer,
)
from rules.events import Event, TimerFired
from rules.grammar import Agree, ListAgreements
from rules.language import detect_language
from rules.local_time import at_local_time, local_day, local_day_after
from rules.markup import without_code, without_markup
from rules.mentions import group_name, groups_by_name
from rules.quiet_hours import QuietHours, after_quiet
from rules.say import FORMER_MEMBER, N_, Day, Lines, Listed, Member, Quote, Say
from rules.speech import language, private
from rules.state import Agreement, ProposalSeen, Round, TableState
from rules.understanding import Command

ROLE_OWNER = "role:"


def role_owner(name: str) -> str:
    """How an agreement names a role as its owner."""
    return f"{ROLE_OWNER}{name.lower()}"


REVIEW_TIMER = "review"
# Reviews are announced in the morning of the review day where the table sits, not at
# midnight.
REVIEW_HOUR = time(9, 0)  # on the table's own clock (rules.local_time)


def review_due(day: date, zone: str, quiet: QuietHours | None) -> datetime:
    """When a review on `day` comes: REVIEW_HOUR there, or, in quiet hours that still
    hold then (set to end after 09:00), as they end: its owner hears of it by DM."""
    return after_quiet(at_local_time(day, REVIEW_HOUR, zone), quiet, zone)


def review_key(number: int, version: int) -> str:
    return f"review:{number}:{version}"


def review_timer(
    event: Event, number: int, version: int, day: date, zone: str, quiet: QuietHours | None
) -> ScheduleTimer:
    """The timer that brings agreement `number` (as of `version`) up for review on `day`."""
    return ScheduleTimer(
        workspace=event.workspace, channel=event.channel, key=review_key(number, version),
        kind=REVIEW_TIMER, subject=str(number), due=review_due(day, zone, quiet),
    )  # fmt: skip


# Words this long carry a proposal's subject ("image", "overdracht"), shorter ones are
# mostly function words in both languages ("the", "om", "to").
SUBJECT_WORD = 4
# An agreement is about a round's proposal when this share of the shorter one's subject
# words is in the other ("Pin the base image to 1.4" and "Pin the staging base image to
# 1.4 until the root cause is found": 1.0; "Everyone works from the office": 0.0), and
# at least two of them unless the shorter has only one ("Pizza on Friday" and "The
# stand-up moves to Friday afternoon" share one word, not a subject).
SAME_SUBJECT = 0.5
_WORD = re.compile(r"\w+")


def subject_words(text: str) -> frozenset[str]:
    """The words that carry a text's subject. Mentions, links, emoji codes and code are
    left out: two proposals to the same people ("<@U1> <@U2> move the standup", "<@U1>
    <@U2> buy chairs") are not about the same thing; a name typed as a word ("Sara will
    …") is part of what is said."""
    words = _WORD.findall(without_code(without_markup(text)).casefold())
    return frozenset(w for w in words if len(w) >= SUBJECT_WORD)


def about_the_same(agreement: str, proposal: str) -> bool:
    """Whether an agreement's text restates a proposal (the form a round's "Record as
    agreement" fills in does; an agreement about something else does not)."""
    return same_subject(subject_words(agreement), subject_words(proposal))


def same_subject(ours: frozenset[str], theirs: frozenset[str]) -> bool:
    """`about_the_same`, given each text's `subject_words` (read once for many pairs)."""
    if not ours or not theirs:
        return False
    shared, fewer = len(ours & theirs), min(len(ours), len(theirs))
    return shared >= SAME_SUBJECT * fewer and shared >= min(2, fewer)


def linkable_round(
    state: TableState,
    now: datetime,
    text: str,
    *,
    round_id: str | None = None,
    proposal: str | None = None,
) -> Round | None:
    """The round an agreement (or a revision) with this text settles. Its answers become
    the agreement's consent and concerns, so an agreement about something else must not
    take them.

    From a round summary's button (`round_id`): that round, if closed, unrecorded and the
    agreement is about its proposal. Otherwise the table's last closed, unrecorded one,
    recently closed, if the agreement is about its proposal; from a suggestion's button
    (`proposal`), only if that round polled the very proposal the table agreed with in
    chat. Never one whose proposal its proposer edited while it was open."""
    if round_id is not None:
        chosen = state.rounds_by_id.get(round_id)
        if chosen is None or chosen.status != "closed" or chosen.agreement_number is not None:
            return None
        if chosen.reworded:
            return None
        return chosen if about_the_same(text, chosen.proposal) else None
    last = state.last_closed_round
    if last is None or last.agreement_number is not None or last.closed_at is None:
        return None
    if last.reworded:
        return None  # its proposal changed while it was open: answers were about other words
    if now - last.closed_at > state.settings.round_link_window:
        return None
    if proposal is not None and wording(proposal) != wording(last.proposal):
        return None  # a round about something that merely sounds alike
    return last if about_the_same(text, last.proposal) else None


def offered_proposal(state: TableState, text: str) -> ProposalSeen | None:
    """The proposal the bot offered to record, not recorded yet, whose words these are
    (an agreement in other words is another agreement: the yeses were not given to it).
    What a table agrees is the proposal without its "I propose that": that may be left
    out."""
    words = _proposed(wording(text))
    return next(
        (
            p
            for p in state.proposals.values()
            if p.suggested and p.text and _proposed(wording(p.text)) == words
        ),
        None,
    )


# What opens a proposal without being part of what is agreed, as `wording` writes it:
# "I propose that we …", "I'd suggest …", "Mijn voorstel: …", "Ik stel voor dat …".
_PROPOSING = re.compile(
    r"^(?:(?:i(?: d| would)? (?:propose|suggest)|ik stel voor|ik zou voorstellen)(?: that| dat)?"
    r"|(?:my |mijn )?(?:proposal|suggestion|voorstel)(?: is)?(?: that| dat)?) "
)


def _proposed(words: str) -> str:
    """`words` without the phrases that only say they are proposed (a tag's word, as tests
    tag messages, is one such: "#proposal I propose that …")."""
    for _ in range(2):
        words = _PROPOSING.sub("", words, count=1)
    return words


def consent(
    recorder: str, round_: Round | None, offered: ProposalSeen | None = None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Who consented and which concerns were heard: the one recording it, and, from the
    round it settles, its proposer and everyone who answered "no concerns"; from the
    proposal offered for recording with these words, its proposer and the yeses the offer
    counted; then the concerns still open, and those their raisers said were resolved
    (they consented, and the record keeps what they raised)."""
    consenters = [recorder]
    if offered is not None:
        consenters += [offered.user, *offered.agreeing]
    if round_ is None:
        return tuple(dict.fromkeys(consenters)), (), ()
    view = round_.view()
    # A yes in chat followed by a concern in the round: the concern stands, not the yes.
    still_concerned = {user for user, _ in view.concerns} - {recorder}
    # Its proposer too, unless they raised a concern about it in the round themselves.
    consenters += [round_.proposer, *view.no_concerns]
    consenters = [u for u in consenters if u not in still_concerned]
    return tuple(dict.fromkeys(consenters)), view.concerns, view.resolved


# What two agreements may differ in and still be one: punctuation (P*), spacing (Z*),
# control characters (Cc, line breaks) and the emoji variation selectors ("👍" and "👍️"
# are one glyph). A run of punctuation and spacing is one separator, not nothing: "every
# 1.5 weeks" and "every 15 weeks", "9:30" and "930" differ. Symbols, emoji and currency
# stay: "React with 👍" and "React with 👎", "Spend ≤ €500" and "Spend ≥ $500" are
# different agreements.
_SEPARATING_CATEGORIES = ("P", "Z", "Cc")
_VARIATION_SELECTORS = frozenset("\ufe0e\ufe0f")


def wording(text: str) -> str:
    """An agreement's words, whatever their case, spacing, punctuation or quotes: "We
    merge on green." and "we merge on  “green”" are one agreement."""
    words: list[str] = []
    separated = False
    for char in unicodedata.normalize("NFKC", text).casefold():
        if char in _VARIATION_SELECTORS:
            continue
        if unicodedata.category(char).startswith(_SEPARATING_CATEGORIES):
            separated = True
            continue
        if separated and words:
            words.append(" ")
        separated = False
        words.append(char)
    return "".join(words)


def already_agreed(state: TableState, text: str, *, besides: int | None = None) -> Agreement | None:
    """The table's current agreement with these words, if there is one (a double
    submit, a retried form, two people recording one consensus). A retired or revised
    one does not count: agreeing on it again is a new agreement. `besides` is the
    agreement being revised: giving it a new reason under the same words is no
    duplicate."""
    words = wording(text)
    return next(
        (
            a
            for a in state.agreements
            if a.status == "current" and a.number != besides and wording(a.text) == words
        ),
        None,
    )


# A form's owner role the table does not have (the form stays open with the words).
NO_SUCH_ROLE = N_("There is no role {role} here; /roles lists them, /role add creates one.")


def _role_as_written(state: TableState, owner: str) -> str | None:
    """The table's role a form's owner names: "nightlead", or "@nightlead" as people
    name a role on Discord (a member, picked or mentioned, comes as an id)."""
    for name in (owner, owner.removeprefix("@")):
        role = state.role(name)
        if role is not None:
            return role.name
    return None


def unknown_role(owner: str, agree: Agree) -> Say:
    """An owner role the table does not have; their words come back, so that a form's
    text and reason are not lost with it."""
    return Say.of(
        N_("There is no role {role} here; /roles lists them, /role add creates one. What you "
           "wrote, to use again: {text} {reason}"),
        role=Quote(owner.removeprefix(ROLE_OWNER)),
        text=Quote(agree.text),
        reason=reason_param(agree.why),
    )  # fmt: skip


def _round_still_open(round_: Round, agree: Agree) -> Say:
    """An agreement on the proposal an open round still polls; its words come back, to
    record once the round has closed."""
    view = round_.view()
    return Say.of(
        N_("A concern round on this proposal is still open: {answered} of {total} answered. "
           "Let it close first, so that everyone's concerns are heard, then record it. What "
           "you wrote, to use again: {text} {reason}"),
        answered=len(view.answered),
        total=len(view.participants),
        text=Quote(agree.text),
        reason=reason_param(agree.why),
    )  # fmt: skip


def group_as_owner(state: TableState, group: str) -> Say:
    """A Slack user group or Discord role named as the owner: no one person would answer
    for the agreement, and recording it under someone else would be wrong. A table role
    of the group's name is pointed at, not taken: a group and a role one member holds are
    not the same owner."""
    shown = Quote(groups_by_name(group))  # "@eng": echoing the mention would ping them
    name = group_name(group)
    role = state.role(name) if name else None
    if role is not None:
        return Say.of(
            N_("An agreement has one owner, and {group} is a group. This table has the role "
               "{role}: to let its holder own it, say owner role {role}; or name one member, "
               "like owner @anna."),
            group=shown, role=Quote(role.name),
        )  # fmt: skip
    return Say.of(
        N_("An agreement has one owner, and {group} is a group: name one member, like owner "
           "@anna, or a role at this table, like owner role <name> (/roles lists them)."),
        group=shown,
    )  # fmt: skip


def record(command: Command, state: TableState) -> list[Action]:
    event = command.event
    agree = command.parsed
    assert isinstance(agree, Agree)
    lang = language(state, command.lang)
    if agree.owner_group is not None:
        return [private(event, event.user, group_as_owner(state, agree.owner_group), lang)]
    zone = state.settings.timezone
    same = already_agreed(state, agree.text)
    if same is not None:
        return [private(event, event.user, _already(same, zone), lang)]
    polling = state.open_round
    if polling is not None and about_the_same(agree.text, polling.proposal):
        # Ground rule 4: the members it still asks have their say before it is agreed.
        return [private(event, event.user, _round_still_open(polling, agree), lang)]
    number = state.next_agreement_number
    review_on = agree.review_on or local_day_after(event.at, state.settings.review_after, zone)
    round_ = linkable_round(
        state, event.at, agree.text, round_id=agree.round_id, proposal=agree.proposal
    )
    offered = offered_proposal(state, agree.text)
    consenters, concerns, resolved = consent(event.user, round_, offered)
    owner = agree.owner or event.user
    if agree.owner_as_written and (role := _role_as_written(state, owner)) is not None:
        owner = role_owner(role)  # a form's "a person or a role": this table's role
    if owner.startswith(ROLE_OWNER):
        role = state.role(owner.removeprefix(ROLE_OWNER))
        if role is None:
            return [private(event, event.user, unknown_role(owner, agree), lang)]
        owner = role_owner(role.name)
    # Each consenting member's mandate at this moment; none current: "mandate pending".
    mandates = tuple((user, state.member(user).current_mandate) for user in consenters)
    recorded = RecordAgreement(
        workspace=event.workspace,
        channel=event.channel,
        number=number,
        text=agree.text,
        why=agree.why,
        recorded_by=event.user,
        owner=owner,
        consenters=consenters,
        concerns=concerns,
        resolved_concerns=resolved,
        review_on=review_on,
        lang=lang,
        at=event.at,
        round_id=round_.round_id if round_ else None,
        mandates=mandates,
    )
    actions: list[Action] = [recorded]
    if offered is not None:
        # Recorded: its words have done their work, and no round polls it any more.
        actions.append(
            ForgetProposal(
                workspace=event.workspace, channel=event.channel, message_id=offered.message_id
            )
        )
    if round_ is not None:
        actions.append(
            LinkRound(
                workspace=event.workspace,
                channel=event.channel,
                round_id=round_.round_id,
                number=number,
            )
        )
    actions += [
        review_timer(event, number, 1, review_on, zone, state.settings.quiet_hours),
        AnnounceAgreement(
            workspace=event.workspace,
            channel=event.channel,
            lang=lang,
            thread_id=event.thread_id,
            agreement=Agreement(
                number=number,
                text=agree.text,
                why=agree.why,
                owner=owner,
                recorded_by=event.user,
                consenters=consenters,
                concerns=concerns,
                resolved_concerns=resolved,
                review_on=review_on,
                version=1,
                replaces=None,
                status="current",
                recorded_at=event.at,
                mandates=mandates,
            ).view(state.organisations(consenters)),
        ),
    ]
    if owner_away(owner, event.user, state):
        actions.append(private(event, event.user, owner_not_here(number, owner), lang))
    return actions


def owner_away(owner: str, author: str, state: TableState) -> bool:
    """An owner named by mention who is not at the table (ground rules 2 and 6: who owns a
    part shares in the whole). Not known when the table has no roster yet; a role, or an
    owner written in words, has nobody to look for."""
    return (
        bool(state.members)
        and owner != author
        and not owner.startswith(ROLE_OWNER)
        and " " not in owner
        and owner not in state.members
    )


def owner_not_here(number: int, owner: str) -> Say:
    """The agreement stands (the table made it; refusing would lose it), and its author
    hears, privately, that its owner did not take part in making it."""
    return Say.of(
        N_("Agreement #{number} is recorded with {member} as its owner. {member} is not at "
           "this table, so they had no say in it: let them know, or invite them here."),
        number=number,
        member=Member(owner),
    )  # fmt: skip


def _already(agreement: Agreement, zone: str) -> Say:
    return Say.of(
        N_("This is already agreement #{number}, recorded on {day} by {member}; owner: "
           "{owner}. Nothing new is recorded. To change it: /review revise {number} <new "
           "text> because <why>"),
        number=agreement.number,
        day=Day(local_day(agreement.recorded_at, zone)),
        member=Member(agreement.recorded_by),
        owner=owner_param(agreement.owner),
    )  # fmt: skip


def listing(command: Command, state: TableState) -> list[Action]:
    event = command.event
    assert isinstance(command.parsed, ListAgreements)
    lang = language(state, command.lang)
    shown = [a for a in state.agreements if command.parsed.include_history or a.status == "current"]
    if not shown and state.agreements:  # every one revised away or retired
        text: Say | Lines = Say.of(
            N_("No agreement is current at this table. /agreements all shows its history.")
        )
    elif not shown:
        text = Say.of(N_("No agreements recorded at this table yet. Record one with /agree."))
    else:
        today = local_day(event.at, state.settings.timezone)
        text = Lines(
            (
                Say.of(N_("Agreements at this table:")),
                *(
                    describe(a, state.organisations(a.consenters), today=today)
                    for a in sorted(shown, key=lambda a: (a.number, a.version))
                ),
            )
        )
    return [private(event, event.user, text, lang)]


def consent_param(
    consenters: tuple[str, ...],
    mandates: tuple[tuple[str, str | None], ...],
    organisations: tuple[tuple[str, str], ...],
) -> Listed:
    """Who consented, on behalf of which organisation where it is known, and whose
    mandate was pending (ground rule 2): "anna (Gemeente), bram (Mitros, mandate
    pending) and carla"."""
    pending = {user for user, mandate in mandates if mandate is None}
    of = dict(organisations)
    items: list[object] = []
    for user in consenters:
        organisation = of.get(user)
        if organisation is None:
            alone = Say.of(N_("{member} (mandate pending)"), member=Member(user))
            items.append(alone if user in pending else Member(user))
            continue
        msgid = (
            N_("{member} ({organisation}, mandate pending)")
            if user in pending
            else N_("{member} ({organisation})")
        )
        items.append(Say.of(msgid, member=Member(user), organisation=Quote(organisation)))
    return Listed(tuple(items))


def describe(
    agreement: Agreement,
    organisations: tuple[tuple[str, str], ...] = (),
    *,
    today: date | None = None,
) -> Say:
    """One line per agreement: what, why, owner, consent and review date; marked when
    it was revised, retired, or its review day (the table's) is before `today`."""
    status = agreement.status
    if status == "current" and today is not None and agreement.review_on < today:
        status = "review due"
    msgid = {
        "current": N_(
            "#{number} {text} ({reason}). Owner: {owner}. Consent: {consenters}. Review on "
            "{review_on}."
        ),
        "review due": N_(
            "#{number} (review due) {text} ({reason}). Owner: {owner}. Consent: {consenters}. "
            "Review was due on {review_on}."
        ),
        "revised": N_("#{number} (revised) {text} ({reason})."),
        "retired": N_("#{number} (retired) {text} ({reason})."),
    }[status]
    return Say.of(
        msgid,
        number=agreement.number,
        text=Quote(agreement.text),
        reason=reason_label(agreement.why),
        owner=owner_param(agreement.owner),
        consenters=consent_param(agreement.consenters, agreement.mandates, organisations),
        review_on=Day(agreement.review_on),
    )


# A reason is shown after "because" ("omdat"), which a form's reason may bring along
# ("Omdat het goedkoper is"). Dutch "want" opens a clause in main-clause word order ("want
# de brieven komen te laat") that reads wrong after "omdat": it stays, as the reason's own
# word (the grammar keeps it with the reason).
_OPENING = re.compile(r"^(?:because|omdat|aangezien|(want))\s+(?=\S)", re.IGNORECASE)
# "vanwege de file", "zodat iedereen er is", "so that everyone can come": reasons that say
# why only with their word, after "because" as after a label, are shown as written.
_OWN_WORD = re.compile(r"^(?:vanwege|zodat|so\s+that)\s+(?=\S)", re.IGNORECASE)


def reason_param(why: str) -> Quote | Say:
    """An agreement's reason as the clause that gives it: "because …", or as written
    when it opens with its own "want". For words given back to type again."""
    opening = _OPENING.match(why)
    if (opening and opening.group(1)) or _OWN_WORD.match(why):
        return Quote(why)
    return Say.of(N_("because {why}"), why=Quote(reason_words(why)))


def reason_label(why: str) -> Say:
    """An agreement's reason after a label ("why: …", "waarom: …"), for lines that gather
    reasons others wrote (listings, reports, review choices): a conjunction in the line's
    language would glue two languages into one sentence ("Drop-in on Tuesdays, omdat
    volunteers are free then"); a label does not, and reads in either."""
    return Say.of(N_("why: {why}"), why=Quote(reason_shown(why)))


# "omdat" and "aangezien" put a Dutch clause's verb last ("de brieven te laat komen"):
# after a label alone it reads as a broken sentence, so it keeps that word.
_VERB_LAST = re.compile(r"^(?:omdat|aangezien)\s+(?=\S)", re.IGNORECASE)


def reason_shown(why: str) -> str:
    """The reason as shown after a label ("Why: …", "waarom: …"), words as written: "because"
    and "want" go (the label asks why), and so does the "of" of "because of"; a Dutch
    clause that needs "omdat" keeps it, in the reason's own language whatever the line's.
    Only what is shown changes: the stored reason (and exports) stay as written."""
    if _OWN_WORD.match(why):
        return why[:1].lower() + why[1:]
    words = reason_words(why)
    opened = _VERB_LAST.match(why)
    if opened:  # "Omdat het goedkoper is", from a form: "omdat het goedkoper is"
        return f"{opened.group(0).split()[0].lower()} {words}"
    if words == why and why[:1].islower() and detect_language(why, fallback="") == "nl":
        # /afspraak cuts at "omdat" or "aangezien" and keeps "want", so a bare Dutch reason
        # in lower case came after one of them. A form's answer, capitalised, is left alone:
        # it may be a whole sentence ("De brieven komen te laat").
        return "omdat " + why
    # "because of the school run": after "why:", "the school run".
    return re.sub(r"^of\s+(?=\S)", "", words, count=1, flags=re.IGNORECASE)


def reason_words(why: str) -> str:
    """The reason without the word that opened it, for a line that gives its own."""
    return _OPENING.sub("", why, count=1)


def owner_param(owner: str) -> Member | Quote | Say:
    """Owners are members or roles; anything else is quoted as written."""
    if owner == FORMER_MEMBER:
        return Member(owner)
    if owner.startswith(ROLE_OWNER):
        return Say.of(N_("role {role}"), role=Quote(owner.removeprefix(ROLE_OWNER)))
    return Quote(owner) if " " in owner else Member(owner)


def on_timer(event: TimerFired, state: TableState) -> list[Action]:
    agreement = state.agreements_by_number.get(int(event.subject))
    if agreement is None or agreement.status != "current":
        return []
    return [
        AnnounceReview(
            workspace=event.workspace,
            channel=event.channel,
            lang=language(state, agreement.lang),
            agreement=agreement.view(),
            asked_at=event.at,
        )
    ]
