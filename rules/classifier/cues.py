"""Cue phrases for the rule classifier, English and Dutch.

Phrases are matched on normalised tokens (spaCy's NORM: "let's" reads "let us",
"can't" reads "can not"), so write them the way people type them. A cue is strong
(one is enough) or weak (needs company, or a question mark for proposals). Negations
come in two kinds: a local one cancels only the cue it overlaps ("no problem"), a
global one cancels the label for the whole message ("we fixed it").

Each list is one string of phrases separated by "|", to keep hundreds of them readable.
"""

from __future__ import annotations

STRONG = 0.9
WEAK = 0.55


def phrases(text: str) -> tuple[str, ...]:
    return tuple(" ".join(p.split()) for p in text.split("|") if p.strip())


# label -> kind -> phrases
CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "proposal": {
        "strong": phrases(
            """
            let's | lets | let us | shall we | should we | could we | can we | why don't we
            | why not | what if we | how about | how about we | what about we | i propose |
            i'd propose | i suggest | i'd suggest | i would suggest | i would propose | my
            proposal | my suggestion | proposal : | suggestion : | idea : | we could | we
            should | we might | maybe we | perhaps we | might be worth | may be worth |
            worth trying | would it make sense | does it make sense to | it might be better
            to | it would be better to | one option is | option would be | i'll take | i
            will take | i'll call | i will call | i'll ask | i will ask | i'll handle | i'll
            pick | i can take | i can pick | i can call | i can ask | i can do | i'll do |
            i'll check | i'll set up | i'll write | i'll draft | i'll send | i'll book | i
            can set up | happy to take | i volunteer | can someone | could someone | can
            anyone | could anyone | would someone | can you please | could you please | we
            need to | we'd better | we ought to | how would you feel about | i recommend |
            i'd recommend | we could try | let me | plan : | fix : | i can help | zullen we
            | zal ik | laten we | laat ons | ik stel voor | stel voor | ik zou voorstellen |
            mijn voorstel | voorstel : | idee : | optie : | we kunnen | kunnen we |
            misschien kunnen we | wat als we | wat als ik | zou het een idee zijn | is het
            een idee | een idee om | wat dacht je van | wat denken jullie van | ik pak het
            op | ik pak dat op | ik pak dit op | pak ik op | ik neem het op me | ik regel |
            ik regel het | regel ik | ik bel | bel ik | ik mail | ik stuur | ik zet | ik
            plan | ik maak | moeten we | we moeten | zouden we | kan iemand | zou iemand |
            kun jij | kan jij | kunt u | zou u | waarom niet | het lijkt me goed om | lijkt
            me handig om | beter om | het is beter om | laten we even | zullen we even | wat
            vinden jullie van | we zouden kunnen | ik wil voorstellen | mag ik voorstellen
            """
        ),
        "weak": phrases(
            """
            what about | maybe | perhaps | i can | i'll | please | try | misschien |
            eventueel | graag | wellicht | kunnen | zou | ik zou | we zouden
            """
        ),
        "negate_local": phrases(
            """
            let's see | let us see | let's be honest | let us be honest | let's face it |
            let us face it | let's hope | let us hope | let me know | let me guess | let me
            think | why not ? | i can not | we can not | can not | laten we eerlijk zijn |
            laten we hopen | we kunnen niet | kan niet | kunnen niet | niet kunnen | ik maak
            me | let's do that | let's do it | let us do that | let us do it | can we really
            | kunnen we dat wel | is dat wel | let me tell
            """
        ),
        "negate_global": phrases(
            """
            the proposal was | the proposal is | the proposal went | proposal was sent |
            proposal has been | het voorstel is | het voorstel ligt | voorstel is verstuurd
            | het voorstel was
            """
        ),
    },
    "problem": {
        "strong": phrases(
            """
            is down | are down | went down | is broken | are broken | is broke | broke |
            broken | does not work | do not work | is not working | are not working | not
            working | stopped working | keeps crashing | crashed | crashes | keeps failing |
            is failing | failed | fails | can not log in | can not login | can not access |
            can not find | can not open | unable to | is missing | are missing | went
            missing | got lost | is lost | are lost | is stuck | are stuck | we are stuck |
            blocked | blocker | a problem | the problem | big problem | problem is | an
            issue | the issue is | issue with | a bug | bug in | error | is late | are late
            | late again | too late | behind schedule | we are behind | running behind | too
            many | too few | not enough | no one knows | nobody knows | no one has | nobody
            has | keeps happening | again ? | again ! | down again | understaffed |
            short-staffed | short staffed | overloaded | overbooked | complaint | complaints
            | going to miss | will miss | won't make | we will not make | is a mess | such a
            mess | frustrating | annoying | so slow | too slow | is slow | outage | doesn't
            load | does not load | won't load | will not load | who keeps | leaking | leaks
            | out of stock | ran out | run out of | no access | is wrong | went wrong | goes
            wrong | is full | overflowing | not resolved | unresolved | still broken |
            double booked | delayed | no show | no-show | not showing up | nobody showed |
            still waiting | keeps getting | we lost | can not reach | unreachable | ligt
            eruit | ligt er uit | ligt er weer uit | er weer uit | ligt plat | ligt weer
            plat | is jammed | jammed | ligt stil | werkt niet | werkt weer niet | werken
            niet | doet het niet | doet het weer niet | is kapot | kapot | lukt niet | lukt
            het niet | lukt me niet | het lukt niet | kan niet inloggen | krijg geen |
            foutmelding | storing | een probleem | het probleem | probleem is | probleem met
            | te laat | weer te laat | achterstand | we lopen achter | lopen achter |
            niemand weet | niemand heeft | niemand is | niemand kan | kwijt | ontbreekt |
            ontbreken | te weinig | te veel | onderbezet | krap | loopt vast | liep vast |
            zit vast | vastgelopen | geblokkeerd | hoe kan het dat | waarom staat | weer ? |
            niet opgelost | nog niet opgelost | klacht | klachten | irritant | frustrerend |
            traag | gaat mis | ging mis | gaat steeds mis | misgegaan | dubbel geboekt |
            niet bereikbaar | wachten nog steeds | nog steeds niet | weer niet | niet gelukt
            | zijn we kwijt | vertraging | uitgevallen | valt uit | lekt
            """
        ),
        "weak": phrases(
            """
            problem | problems | issue | issues | again | still | can not | bug | slow |
            down | late | missing | help | stuck | wrong | why is | why are | why does | why
            do | nobody is | no one is | losing | probleem | problemen | weer | nog steeds |
            hulp | stuk | fout | fouten | vol | waarom is | waarom zijn | waarom gaat |
            waarom krijgen | niemand
            """
        ),
        "negate_local": phrases(
            """
            no problem | no problems | not a problem | no problemo | no issue | no issues |
            not an issue | no worries | no error | no errors | problem solved | why not |
            not too late | never too late | geen probleem | geen problemen | geen punt |
            geen zorgen | geen fout | geen fouten | niet te laat | probleem opgelost | niet
            erg | geen vertraging | waarom niet | niet te veel | een stuk | stuk beter |
            stukje
            """
        ),
        "negate_global": phrases(
            """
            fixed it | we fixed | is fixed | got fixed | has been fixed | is resolved | has
            been resolved | got resolved | resolved it | all resolved | is solved | sorted
            it | is sorted | works now | working again | is back up | back online | is up
            again | opgelost | is gefixt | gefixt | werkt weer | doet het weer | weer online
            | verholpen | is gelukt
            """
        ),
    },
    "concern": {
        "strong": phrases(
            """
            i'm worried | i am worried | worried that | worried about | my worry | i worry |
            a bit worried | my concern | i have a concern | one concern | a concern |
            concerned that | concerned about | i'm concerned | i have doubts | i doubt |
            some doubts | not sure that | not sure this | not sure it | not sure if | not
            convinced | i'm hesitant | hesitant | reservation | reservations | i object |
            objection | my fear | i fear | afraid that | i'm afraid | the risk is | risky |
            a risk | but what if | what if it | only if | as long as | provided that | on
            condition | downside | be careful | i'm not sure about | not a fan | i'd rather
            not | i would rather not | devil's advocate | are we sure | is that realistic |
            can we really | will that work | won't that | will not that | ik maak me zorgen
            | maak me zorgen | maak ik me zorgen | mijn zorg | zorgen over | zorgen dat |
            bezorgd | ik heb bedenkingen | bedenkingen | bedenking | ik twijfel | twijfel of
            | twijfels | ik vraag me af of | bezwaar | bezwaren | ik ben bang dat | bang dat
            | mits | op voorwaarde dat | als dat maar niet | als het maar niet | risico |
            kanttekening | kanttekeningen | ik weet niet of | weet niet of dat | is dat wel
            | kunnen we dat wel | gaat dat wel | is dat realistisch | ik ben er niet gerust
            op | niet gerust | ik zie een risico | nadeel | niet zo'n fan | ik heb er een
            hard hoofd in | hard hoofd
            """
        ),
        "weak": phrases(
            """
            but | however | worried | concern | careful | maar | echter | zorg | zorgen |
            voorzichtig
            """
        ),
        "negate_local": phrases(
            """
            no concerns | no concern | not concerned | no objections | no objection | no
            reservations | not worried | no doubts | no doubt | no risk | nothing to worry |
            geen zorgen | geen zorg | geen bezwaar | geen bezwaren | geen bedenkingen | geen
            twijfel | geen risico | bezwaar en beroep | zonder bezwaar | niet bezorgd
            """
        ),
        "negate_global": (),
    },
    "agreement": {
        "strong": phrases(
            """
            agreed | i agree | we agree | fully agree | totally agree | sounds good | sounds
            great | sounds like a plan | fine by me | fine with me | ok for me | okay for me
            | works for me | good idea | great idea | let's do it | let us do it | let's do
            that | let us do that | go for it | go ahead | makes sense | lgtm | i'm in |
            count me in | +1 | 👍 | :+1: | :thumbsup: | :white_check_mark: | ✅ | so we agree
            | we agreed | it's agreed | decided : | decision : | agreement : | we'll go with
            | we will go with | no objections | no concerns | i support | yes , let's | love
            it | 👌 | 🙌 | akkoord | mee eens | helemaal eens | eens | prima | goed plan |
            goed idee | doen we | doen ! | afgesproken | zo doen we het | we zijn het eens |
            klinkt goed | lijkt me goed | is goed | prima zo | helemaal goed | besloten |
            besluit : | afspraak : | geen bezwaar | geen bezwaren | ik steun | ben ik voor |
            ik ben voor | lijkt me prima | van mij mag het | wat mij betreft prima |
            helemaal mee eens | ja , laten we | graag !
            """
        ),
        "weak": phrases(
            """
            ok | okay | oke | oké | yes | yep | sure | ja | yes ! | deal | top | perfect |
            consensus
            """
        ),
        "negate_local": phrases(
            """
            i do not agree | i disagree | disagree | not agreed | don't agree | not sure
            that sounds good | niet eens | niet mee eens | oneens | niet akkoord | niet
            prima | niet top | geen goed idee | not a good idea | bad idea | slecht idee |
            the agreement | de afspraak | een afspraak | afspraak bij | eens kijken | nog
            eens | eens per | ooit eens | weer eens | eens even | al eens | wel eens | eens
            wat | no deal | big deal | top prioriteit | top 3 | top 5 | top 10 | bovenin |
            prima dag | not perfect | niet perfect
            """
        ),
        "negate_global": (),
    },
}

# Whole messages (after trimming punctuation) that are consent on their own.
CONSENT_MESSAGES = frozenset(
    phrases(
        """
        +1 | :+1: | :thumbsup: | :white_check_mark: | agree | agreed | akkoord | deal | doen
        | doen we | eens | fine by me | goed | graag | idem | is goed | ja | jazeker | jep |
        klopt | lgtm | me too | mee eens | ok | okay | oke | oké | prima | prima zo | same |
        same here | sounds good | sure | top | works for me | yep | yes | yes please | yup |
        ✅ | 👌 | 👍 | 💯 | 🙌
        """
    )
)

# An agreement cue that opens the message counts more than one buried inside it.
LEADING_AGREEMENT = frozenset(
    phrases(
        """
        agreed | akkoord | deal | eens | goed | ja | ok | okay | prima | sure | top | yep |
        yes
        """
    )
)
