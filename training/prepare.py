"""Corpus -> train/dev/test: normalise, resolve borderline labels, drop near-duplicates,
and split by whole batch files.

    python -m training.prepare            # writes data/splits/{train,dev,test}.jsonl
                                          # and data/splits/manifest.json

Why by batch: one batch is one imagined team written in one sitting; its lines share
names, jargon and phrasing. A random split by line would put paraphrases of the test
set into training and flatter the model. Each (language, domain) cell gives one batch
to dev and one to test (chosen with the config's seed), so every split covers both
languages and all domains, and the rest train.

Near-duplicates ("👍 sounds good" / ":+1: sounds good") are found on a
normalised form (case, accents' composition, punctuation and emoji ignored) by the
cosine of character 3-grams; of each group the first line in id order is kept. A group
whose labels disagree is an annotation conflict: it is reported, and its majority
label set is kept (ties keep none of the group's lines).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from rules.classifier import LABELS
from training.config import ROOT, Config, add_config_argument, config_from
from training.dataset import SPLITS, Example, key, ordered, read_jsonl, write_jsonl


def normalise_text(text: str) -> str:
    """Unicode composed, one space between words: the same message is the same string.

    Line breaks stay: quoted lines, a mail's reply header and a signature are known by
    where their lines begin (`rules.classifier.normalise`).
    """
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    lines = (" ".join(line.split()) for line in text.strip().splitlines())
    return "\n".join(lines)


def load_corpus(corpus: Path) -> list[Example]:
    examples = []
    for path in sorted(corpus.glob("*.jsonl")):
        for record in read_jsonl(path):
            if record.get("batch") != path.stem:
                raise ValueError(f"{path}: line {record.get('id')} says batch {record['batch']}")
            example = Example.from_record(record)
            examples.append(replace(example, text=normalise_text(example.text)))
    ids = Counter(example.id for example in examples)
    if clash := [i for i, n in ids.items() if n > 1]:
        raise ValueError(f"duplicate ids: {clash[:5]}")
    return sorted(examples, key=lambda e: e.id)


def apply_relabels(examples: list[Example], relabels: Path) -> tuple[list[Example], int]:
    """Labels settled by the borderline rules in data/ANNOTATION.md (13-16)."""
    if not relabels.is_file():
        return examples, 0
    fixes = {record["id"]: record for record in read_jsonl(relabels)}
    unknown = set(fixes) - {example.id for example in examples}
    if unknown:
        raise ValueError(f"{relabels}: unknown ids {sorted(unknown)[:5]}")
    result = []
    for example in examples:
        fix = fixes.get(example.id)
        if fix is not None:
            example = replace(
                example,
                labels=ordered(fix["labels"]),
                hard_negative=bool(fix.get("hard_negative", example.hard_negative)),
            )
        result.append(example)
    return result, len(fixes)


SIMILARITY_BLOCK = 1024  # rows of the similarity matrix held at once


def near_duplicate_groups(
    examples: list[Example], threshold: float, *, block: int = SIMILARITY_BLOCK
) -> list[list[int]]:
    """Groups (of two or more indexes) of lines that say the same thing.

    Cosine similarity of character 3-grams is computed `block` rows at a time: lines
    share common 3-grams, so the whole matrix is nearly dense (40,000 lines: tens of
    GB), while a block of it is a few hundred MB."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    keys = [key(example.text) for example in examples]
    parent = list(range(len(examples)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_of: dict[str, int] = {}
    for i, text_key in enumerate(keys):  # exact duplicates first
        if text_key in first_of:
            union(first_of[text_key], i)
        else:
            first_of[text_key] = i
    grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3)).fit_transform(
        [k or "∅" for k in keys]
    )
    columns = grams.T.tocsc()
    for start in range(0, grams.shape[0], block):
        similar = (grams[start : start + block] @ columns).tocoo()
        close = similar.data >= threshold
        for i, j in zip(similar.row[close] + start, similar.col[close], strict=True):
            if i < j:
                union(int(i), int(j))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(examples)):
        groups[find(i)].append(i)
    return [members for members in groups.values() if len(members) > 1]


def deduplicate(
    examples: list[Example], threshold: float, train_only: set[str] = frozenset()
) -> tuple[list[Example], list[dict]]:
    """Keep one line per near-duplicate group; returns the kept lines and a report.

    Lines of train-only batches never change what the drawn batches keep (so adding
    them leaves dev and test as they were): the drawn lines are settled among
    themselves first; then a train-only line like any drawn line goes, and the
    train-only lines left are settled among themselves.
    """
    drawn = [e for e in examples if e.batch not in train_only]
    extra = [e for e in examples if e.batch in train_only]
    kept, report = _settle(drawn, near_duplicate_groups(drawn, threshold))
    if not extra:
        return kept, report
    both = drawn + extra
    shadowed = {
        i
        for group in near_duplicate_groups(both, threshold)
        if any(i < len(drawn) for i in group)
        for i in group
        if i >= len(drawn)
    }
    for i in sorted(shadowed):
        report.append({"kept": None, "dropped": [both[i].id], "texts": [both[i].text],
                       "conflict": False, "like_a_drawn_line": True})  # fmt: skip
    left = [e for i, e in enumerate(extra, start=len(drawn)) if i not in shadowed]
    kept_extra, extra_report = _settle(left, near_duplicate_groups(left, threshold))
    return sorted(kept + kept_extra, key=lambda e: e.id), report + extra_report


def _settle(examples: list[Example], groups: list[list[int]]) -> tuple[list[Example], list[dict]]:
    """Of each group, the first line with the majority labels (none on a tie)."""
    drop: set[int] = set()
    report = []
    for members in groups:
        label_sets = Counter(examples[i].labels for i in members)
        (top, votes), *rest = label_sets.most_common()
        conflict = len(label_sets) > 1
        if conflict and rest and rest[0][1] == votes:
            keep = None
        else:
            keep = next(i for i in members if examples[i].labels == top)
        drop |= {i for i in members if i != keep}
        report.append(
            {
                "kept": None if keep is None else examples[keep].id,
                "dropped": [examples[i].id for i in members if i != keep],
                "texts": [examples[i].text for i in members],
                "conflict": conflict,
            }
        )
    return [example for i, example in enumerate(examples) if i not in drop], report


def assign_batches(examples: list[Example], config: Config) -> dict[str, list[str]]:
    """Whole batches to splits: per (language, domain), `dev` then `test` then train.

    Batches named in the train-only list (contrast material written against the
    errors seen on the tuning conversations) always go to train, and are left out of
    the draw, so that adding them changes neither dev nor test.
    """
    train_only = read_train_only(config.train_only)
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for example in examples:
        if example.batch not in train_only:
            cells[(example.lang, example.domain)].add(example.batch)
    rng = random.Random(config.seed)
    splits: dict[str, list[str]] = {name: [] for name in SPLITS}
    splits["train"] += sorted({e.batch for e in examples if e.batch in train_only})
    held = config.dev_batches_per_cell + config.test_batches_per_cell
    for cell in sorted(cells):
        batches = sorted(cells[cell])
        if len(batches) <= held:
            raise ValueError(f"{cell} has {len(batches)} batches; need more than {held}")
        rng.shuffle(batches)
        dev_end = config.dev_batches_per_cell
        test_end = dev_end + config.test_batches_per_cell
        splits["dev"] += batches[:dev_end]
        splits["test"] += batches[dev_end:test_end]
        splits["train"] += batches[test_end:]
    return {name: sorted(batches) for name, batches in splits.items()}


def read_train_only(path: Path) -> set[str]:
    """Batch names, one a line; `#` starts a comment."""
    if not path.is_file():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return {line for line in lines if line}


def counts(examples: list[Example]) -> dict:
    """Lines, labels and hard negatives per language: what the README reports."""
    table: dict[str, dict[str, int]] = {}
    for lang in sorted({e.lang for e in examples}):
        rows = [e for e in examples if e.lang == lang]
        table[lang] = {
            "lines": len(rows),
            **{label: sum(e.has(label) for e in rows) for label in LABELS},
            "other": sum(not e.labels for e in rows),
            "hard_negative": sum(e.hard_negative for e in rows),
        }
    return table


def prepare(config: Config) -> dict:
    """Write the splits and their manifest; returns the manifest."""
    examples = load_corpus(config.corpus)
    raw_lines = len(examples)
    examples, relabelled = apply_relabels(examples, config.relabels)
    examples, duplicates = deduplicate(
        examples, config.near_duplicate, read_train_only(config.train_only)
    )
    batches = assign_batches(examples, config)
    split_of = {batch: name for name, names in batches.items() for batch in names}
    manifest: dict = {
        "seed": config.seed,
        "near_duplicate_threshold": config.near_duplicate,
        "corpus_lines": raw_lines,
        "relabelled": relabelled,
        "near_duplicates_dropped": raw_lines - len(examples),
        "near_duplicate_groups": duplicates,
        "splits": {},
    }
    for name in SPLITS:
        rows = [e for e in examples if split_of[e.batch] == name]
        write_jsonl(config.splits / f"{name}.jsonl", (e.record() for e in rows))
        manifest["splits"][name] = {
            "batches": batches[name],
            "domains": sorted({e.domain for e in rows}),
            "counts": counts(rows),
        }
    (config.splits / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.prepare", description=__doc__.split("\n\n", 1)[0]
    )
    add_config_argument(parser)
    config = config_from(parser, parser.parse_args(argv).config)
    manifest = prepare(config)
    print(
        f"{manifest['corpus_lines']} corpus lines, {manifest['relabelled']} relabelled,"
        f" {manifest['near_duplicates_dropped']} near-duplicates dropped"
        f" ({sum(g['conflict'] for g in manifest['near_duplicate_groups'])} groups"
        " with conflicting labels)"
    )
    header = f"{'split':6} {'lang':4} {'batches':>7} {'lines':>6} " + " ".join(
        f"{name:>9}" for name in (*LABELS, "other", "hard_neg")
    )
    print(header)
    for name, split in manifest["splits"].items():
        for lang, row in split["counts"].items():
            n_batches = sum(b.startswith(lang) for b in split["batches"])
            cells = " ".join(f"{row[k]:>9}" for k in (*LABELS, "other", "hard_negative"))
            print(f"{name:6} {lang:4} {n_batches:>7} {row['lines']:>6} {cells}")
    where = config.splits
    print(f"wrote {where.relative_to(ROOT) if where.is_relative_to(ROOT) else where}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
