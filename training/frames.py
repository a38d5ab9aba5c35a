"""Does a message's frame change what the classifier reads? Label-free.

    python -m training.frames [--split test]

Every text of a split is read alone by the shipped classifier, then again wrapped in
the frames people put around what they write in e-mail, on mailing lists and forums:
a greeting line ("Hi all,", "Beste collega's,"), a closing line with a name and maybe
a role ("Kind regards,\\nAnna de Vries\\nTeam lead", "Groetjes, Sanne"), a reply's or
a forward's title line ("Re: Friday rota", "Onderwerp: RE: keuken"), alone and
together, in the text's own language. A frame says nothing of problems, proposals,
concerns or agreements, so every label the framed text gains or loses against its body
alone is a change the frame made. Prints, per language and frame, how many texts
changed each label.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from rules.classifier import LABELS
from rules.classifier.trained import TrainedClassifier
from training.config import load_config
from training.dataset import Example, load_split
from training.metrics import table

LANGS = ("en", "nl")
GREETINGS = {
    "en": ("Hi all,", "Hello team,", "Dear colleagues,", "Hi Anna,", "Good morning everyone,"),
    "nl": ("Hoi allemaal,", "Beste collega's,", "Goedemorgen team,", "Hallo Jan,", "Dag allen,"),
}
CLOSINGS = {
    "en": (
        "Thanks,\nAnna",
        "Kind regards,\nAnna de Vries\nTeam lead",
        "Best,\nTom",
        "Cheers, Sam",
        "Many thanks!\nPriya Shah\nOps | Harbour Foods",
    ),
    "nl": (
        "Met vriendelijke groet,\nAnna",
        "Groetjes, Sanne",
        "Mvg,\nPiet",
        "Groet,\nAnna de Vries\nSecretaris",
        "Alvast bedankt!\nJan Bakker\nTeamleider",
    ),
}
TITLES = {
    "en": ("Re: Friday rota", "RE: planning", "Fwd: spring fair", "Subject: Re: the kitchen"),
    "nl": (
        "Re: rooster vrijdag",
        "Antw: planning",
        "Doorst: voorjaarsmarkt",
        "Onderwerp: RE: keuken",
    ),
}


def _pick(choices: Sequence[str], n: int) -> str:
    return choices[n % len(choices)]


def _gap(n: int) -> str:
    """Mail puts a blank line around its frame, chat often a line break alone."""
    return "\n\n" if n % 2 == 0 else "\n"


def _greeting(body: str, lang: str, n: int) -> str:
    return _pick(GREETINGS[lang], n) + _gap(n) + body


def _closing(body: str, lang: str, n: int) -> str:
    return body + _gap(n + 1) + _pick(CLOSINGS[lang], n)


def _title(body: str, lang: str, n: int) -> str:
    return _pick(TITLES[lang], n) + "\n\n" + body


FRAMES: dict[str, Callable[[str, str, int], str]] = {
    "greeting": _greeting,
    "closing": _closing,
    "title": _title,
    "greeting + closing": lambda body, lang, n: _closing(_greeting(body, lang, n), lang, n),
    "title + greeting + closing": (
        lambda body, lang, n: _title(_closing(_greeting(body, lang, n), lang, n), lang, n)
    ),
}


def changed_labels(
    examples: Sequence[Example], classifier: TrainedClassifier
) -> dict[tuple[str, str], dict[str, int]]:
    """Per (language, frame): how many texts each label differs on, framed against
    alone ("any": texts with any label different; "lost" and "gained": labels the frame
    took away and added), and "texts": how many were read."""
    bodies = [example.text for example in examples]
    alone = [found.labels for found in classifier.classify_many(bodies)]
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for name, frame in FRAMES.items():
        framed = [frame(e.text, e.lang, n) for n, e in enumerate(examples)]
        for example, before, found in zip(
            examples, alone, classifier.classify_many(framed), strict=True
        ):
            count = counts.setdefault(
                (example.lang, name), dict.fromkeys(("texts", *LABELS, "any", "lost", "gained"), 0)
            )
            count["texts"] += 1
            differ = before ^ found.labels
            for label in differ:
                count[label] += 1
            count["any"] += bool(differ)
            count["lost"] += len(before - found.labels)
            count["gained"] += len(found.labels - before)
    return counts


def report(counts: dict[tuple[str, str], dict[str, int]]) -> str:
    rows = []
    for lang in LANGS:
        for name in FRAMES:
            count = counts.get((lang, name))
            if count is None:
                continue
            texts = count["texts"]
            rows.append(
                [lang, name, texts]
                + [f"{count[label]} ({count[label] / texts:.1%})" for label in (*LABELS, "any")]
                + [count["lost"], count["gained"]]
            )
    return table(["lang", "frame", "texts", *LABELS, "any label", "lost", "gained"], rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.frames", description=__doc__.split("\n\n", 1)[0]
    )
    parser.add_argument("--split", default="test", help="the split whose texts are framed")
    args = parser.parse_args(argv)
    examples = load_split(load_config().splits, args.split)
    counts = changed_labels(examples, TrainedClassifier.load())
    print(f"Labels that differ, framed text against its body alone ({args.split} split):\n")
    print(report(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
