"""A request to one person: a proposal that opens by naming who should act.

"Marcus can you move the chicken to freezer 1?", "<@U123> can you look at the build?",
"Noor, als je toch achter bent, kun je Bram bellen?": the answer ("ok", "doe ik")
takes on a task. The annotation guide labels that answer agreement (rule 52), as a
reader of the message alone sees it; but the table has agreed nothing it should
record and review, so the consensus rule does not offer to record a task
(rules/consensus.py). A proposal that speaks for the team ("Sam, shall we move the
stand-up?") is not a task, whoever it opens with.

Names are open-ended, so the first word counts as one only where the sentence then
speaks to that person: "Olu, please sweep the bay", "Jess before you open, can you
…", a title ("Mevrouw De Wit, kunt u …") or a mention. "Grand, leave it till
tomorrow" opens with an exclamation, "Morgen kun je …" with a word that opens any
sentence. A question asks them to act only with a modal put to them ("can you", "kun
je"); "what do you think about …", "heb je gehoord …" ask what they know. Precision
matters more than recall: a task missed costs one odd offer, a proposal taken for a
task costs an offer the table wanted. On fresh messages written to trip it (240,
read once) it reached precision 0.99 and recall 0.69; a plain order without "you" or
"please" ("Kemi, put the sign up") is among what it misses (training/RESULTS.md,
"A task for one person is not offered").
"""

from __future__ import annotations

import re

from rules.mentions import member_reference

OPENING_CHARS = 400


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A word that may open any sentence: never read as a name, however it is followed.
_OPENERS = _words(
    """
    a about after again agreed all alright also an and anyone anybody any are as at aye
    be because before brilliant but by can cheers come cool could did do does dont
    don't done either else even everyone everybody fine first folks for from go good
    great guys had has have hello hey hi honestly how if in is it just kindly let lets
    let's look lovely maybe meanwhile morning nice no noted nope not now ok okay once or
    otherwise perfect perhaps please quick quickly really right see should since so
    somebody someone sorry sound still super sure team thanks thank that the then there
    these they this those though today tomorrow tonight understood until we well were
    what whatever when where whether which while who why will with would yes yeah yep
    yesterday you your ah oh wow gosh sweet awesome champion grand
    aan akkoord al allemaal alle als anders beste bedankt bij dag dan dank dat de
    deze die dit doe doen duidelijk dus een eens elk en even fijn ga gaan gedaan geen
    geweldig goed goedemorgen graag hallo hé hee hebben heb hebt heeft helder hoe hoi
    iedereen ik in is ja jij je jongens jullie kan kijk klopt komen kom kun kunnen kunt
    laat laten lieve maar mag meteen middag misschien moet moeten mooi morgen na naar nee
    niet nog nou nu of oeps oké ook op overigens prima straks toch
    top vandaag vanavond vanmiddag vanochtend voor waar waarom wanneer wat we weet wie
    wij wil wilt zal zeg zo zou zullen soit bon enfin voilà ach och tja allez amai sjonge
    jeetje
    """
)
# Greetings before a name: "Hi Ben, can you …", "Good morning Priya, …", "Hé Daan, …".
_GREETINGS = _words(
    "dear hi hey hiya hello good morning afternoon evening yo hoi hallo hé hee beste"
    " lieve dag goedemorgen goedemiddag goedenavond goeiemorgen goeiemiddag goeienavond"
)
# A title names the person after it, whatever their surname looks like ("Mevrouw De
# Wit, kunt u …"): the name runs to the comma or to the first word in lower case
# other than a surname's particle.
_TITLES = _words("mr mrs ms miss dr mevrouw mevr meneer dhr juf meester")
_PARTICLES = _words("van de der den ter ten 't la le")
# A question asks them to act only with a modal put to them ("can you", "kun je",
# "zou u"); "have you seen …", "wat vind jij …", "past de 14e jou?" ask what they know
# or think.
_ASKING_MODALS = _words("can could would will kun kan kunt wil wilt zou zoudt")
# Asked of more than one: "@jonas @fatima can you two …", "kunnen jullie …".
_SEVERAL = _words("jullie allebei both two y'all")
# "Olu, please sweep the bay": asked outright, as "you" would.
_PLEASE = _words("please pls plz graag aub")
_SECOND_PERSON = _words("you your u uw je jij jou jouw ge gij")
# Speaking for the team: the proposal is the table's, not a task for the one named.
_FIRST_PLURAL = _words("we us our let's lets wij ons onze laten zullen")
# After "Name," a word that does not start a request: the writer's own offer or news
# ("Sanne, ik bel vanmiddag …"), an answer ("Markus, ja, …") or a question about
# someone else ("Morag, is Euan free?"). The sentence asks the one named only where
# it speaks to them ("Pieterjan, uw ex-collega … kunt ge die bellen?").
_NOT_A_REQUEST = _words(
    """
    i i'll i'm i've i'd me my mine yes yeah yep no nope thanks thank the a an this that
    these those it it's its there here is are was were be been am will would shall
    should may might must and but so or then he she they him her them his their just
    also too
    ik mijn me mij ja nee jawel dank bedankt merci de het een dit dat deze die er hier
    daar ben bent zijn waren wordt zal zou moet moeten mag mogen en maar dus of dan hij
    zij ze hem haar hun ook nog al
    """
)
# "Raj, do you know if …", "Hasan, weet jij of …": asking for what they know, not to act.
_ASKS_WHAT_THEY_KNOW = _words("know knew remember think weet weten wist denk")
# A dash or colon after a name reads as its comma ("Mateo — grab the pole").
_AS_COMMA = frozenset("—–:")
_WORD = re.compile(r"<[@#!][^>]*>|@[\w.\-]+|[\w'’\-]+|[,—–:]")
_NAME = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý]?[a-zà-ÿ]+)?$")
# A sentence ends at a stop before a space: "@priya.k could you …" goes on.
_SENTENCE_END = re.compile(r"([.?!](?=\s|$)|\n)")


def is_task_for_one(text: str) -> bool:
    """Whether a proposal opens by asking one named person to act, in a sentence that
    does not speak for the team."""
    # Who is asked is said at the start: a long paste is not read to its end.
    parts = _SENTENCE_END.split(text.strip()[:OPENING_CHARS], maxsplit=2)
    words, end = _opening(parts[0]), parts[1:2]
    if len(words) == 1 and len(parts) > 2:  # "Hi Noor! Could you …"
        words += [",", *_opening(parts[2])]
        end = parts[3:4]
    if len(words) < 2 or member_reference(words[1]) is not None:
        return False
    lowered = [word.lower() for word in words]
    after = [word for word in lowered[1:] if word != ","]
    # "Sam, shall we …", "Sam, we could …": the team is the subject. A "we" further on
    # ("… and put them back on sale if we need them") is the task's context.
    if not after or any(_speaks_for_the_team(word) for word in after[:3]):
        return False
    if _ASKS_WHAT_THEY_KNOW.intersection(after[:3]) or _SEVERAL.intersection(after[:4]):
        return False
    if end == ["?"] and not _modal_put_to_them(after):
        return False
    please = after[0] in _PLEASE
    if member_reference(words[0]) is None:
        # A capitalised word is a name only where the sentence then speaks to that
        # person: "Grand, leave it till tomorrow" opens with an exclamation.
        named = _NAME.match(words[0]) and lowered[0] not in _OPENERS
        if not named or not (please or _SECOND_PERSON.intersection(after)):
            return False
        if words[1] != "," and not _SECOND_PERSON.intersection(lowered[1:3]):
            return False
    # "Raj, would you …", "Ayoub, zou jij …": a modal asked of them is a request.
    return after[0] not in _NOT_A_REQUEST or please or bool(_SECOND_PERSON.intersection(after[:2]))


def _modal_put_to_them(words: list[str]) -> bool:
    return any(
        word in _ASKING_MODALS and _SECOND_PERSON.intersection(words[i + 1 : i + 3])
        for i, word in enumerate(words)
    )


def _opening(sentence: str) -> list[str]:
    """A sentence's words and commas, greetings left out and a title with its name
    read as one name."""
    words = [word.replace("’", "'") for word in _WORD.findall(sentence)]
    words = ["," if word in _AS_COMMA else word for word in words]
    while len(words) > 1 and words[0].lower() in _GREETINGS:
        words = words[1:]
    if len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        name = 1
        while name < len(words) and (words[name][:1].isupper() or words[name] in _PARTICLES):
            name += 1
        # The title and the whole name read as the surname's last part, which the name
        # checks know how to read ("Mevrouw van der Berg" as "Berg").
        surname = [word for word in words[1:name] if word[:1].isupper()]
        if surname:
            words = [surname[-1].capitalize(), *words[name:]]
    return words


def _speaks_for_the_team(word: str) -> bool:
    return word in _FIRST_PLURAL or word.split("'")[0] in ("we", "let")
