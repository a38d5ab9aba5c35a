"""The training configuration (training/config.toml) as typed, validated values."""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "training" / "config.toml"


@dataclass(frozen=True, slots=True)
class Features:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_weight: float = 0.5
    min_df: int = 2
    sublinear_tf: bool = True
    # A modal with a negation in its clause read as one word ("can~not").
    negation: bool = False


@dataclass(frozen=True, slots=True)
class Model:
    C: float = 8.0
    class_weight: str | None = "balanced"
    max_iter: int = 2000
    # Each n-gram's column scaled by |log-count ratio| ** power before the fit (0: off).
    log_count_power: float = 0.0


@dataclass(frozen=True, slots=True)
class Context:
    """The in-context head: it also reads the previous message's text-alone scores."""

    previous: bool = True
    # The scores' scale before regularisation: how easily the head may lean on them.
    scale: float = 0.5
    # The labels read in context; the others are always read from the text alone.
    labels: tuple[str, ...] = ("concern", "agreement")
    # A reaction head: does a message read as a reaction to a problem just raised?
    # Learnt from which lines follow a problem line; it lets a reply confirm a
    # doubtful problem (rules/problems.py).
    reaction: bool = True
    # The in-context head's stopping tolerance (scikit-learn's `tol`; None: its default).
    tol: float | None = None

    def __post_init__(self) -> None:
        if self.tol is not None and self.tol <= 0:
            raise ValueError(f"context.tol must be above 0, not {self.tol}")
        unknown = set(self.labels) - {"problem", "proposal", "concern", "agreement"}
        if unknown:
            raise ValueError(f"context.labels: unknown labels {sorted(unknown)}")


@dataclass(frozen=True, slots=True)
class ThresholdSearch:
    choose_on: str = "folds"
    folds: int = 5
    floor: float = 0.1
    ceiling: float = 0.95
    step: float = 0.01
    nudge_beta: float = 0.5
    window_messages: int = 3
    # Where the engine's watch/answer bars are chosen: "conversations" = on the written
    # tuning conversations (below) when they exist, else as the labels are ("choose_on").
    bars_on: str = "conversations"
    tuning: str = "examples/tuning"
    conversations_beta: float = 0.5
    # The surer bar of a table that asked for fewer nudges weighs precision more.
    surer_beta: float = 0.5
    nudge_min_precision: float | None = None
    # 0: the tuning conversations only choose the bars. N: they are training data too,
    # and each is scored for the bars by a model fitted without it (N folds).
    tuning_folds: int = 0
    # The consent bar of the consensus rule: the agreement threshold plus the one of
    # these margins whose offers on the tuning conversations are best. Empty: consent
    # at the agreement label (no bar).
    consent_margins: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "consent_margins", tuple(map(float, self.consent_margins)))
        if any(not 0.0 <= margin < 1.0 for margin in self.consent_margins):
            raise ValueError(f"consent_margins must lie in [0, 1), not {self.consent_margins}")
        if self.choose_on not in ("folds", "dev"):
            raise ValueError(f"choose_on must be folds or dev, not {self.choose_on!r}")
        if self.tuning_folds < 0 or self.tuning_folds == 1:
            raise ValueError(f"tuning_folds must be 0 (off) or at least 2, not {self.tuning_folds}")


@dataclass(frozen=True, slots=True)
class Config:
    seed: int = 13
    corpus: Path = ROOT / "data" / "corpus"
    relabels: Path = ROOT / "data" / "relabels.jsonl"
    train_only: Path = ROOT / "data" / "train_only.txt"
    splits: Path = ROOT / "data" / "splits"
    feedback: Path = ROOT / "data" / "feedback"
    fit_on: tuple[str, ...] = ("train", "dev")
    near_duplicate: float = 0.9
    dev_batches_per_cell: int = 1
    test_batches_per_cell: int = 1
    features: Features = field(default_factory=Features)
    model: Model = field(default_factory=Model)
    context: Context = field(default_factory=Context)
    thresholds: ThresholdSearch = field(default_factory=ThresholdSearch)
    output: Path = ROOT / "rules" / "classifier" / "model"

    def with_paths(self, **paths: Path) -> Config:
        """The same settings on other files (tests train on a tiny corpus in a tmp dir)."""
        return replace(self, **paths)


def load_config(path: Path = DEFAULT_CONFIG) -> Config:
    """Read a config file; relative paths are taken from the repository root."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    data, split = raw.get("data", {}), raw.get("split", {})
    features, model = raw.get("features", {}), raw.get("model", {})
    search, output = raw.get("thresholds", {}), raw.get("output", {})
    context = raw.get("context", {})
    fit_on = tuple(data.get("fit_on", ("train", "dev")))
    if "test" in fit_on or not set(fit_on) <= {"train", "dev"}:
        raise ValueError(f"fit_on must name train and/or dev, not {fit_on}")
    log_count_power = float(model.get("log_count_power", 0.0))
    if log_count_power < 0:
        raise ValueError("model.log_count_power must be 0 (off) or more")
    defaults = Config()
    return Config(
        seed=int(raw.get("seed", defaults.seed)),
        corpus=_path(data.get("corpus"), defaults.corpus),
        relabels=_path(data.get("relabels"), defaults.relabels),
        train_only=_path(data.get("train_only"), defaults.train_only),
        splits=_path(data.get("splits"), defaults.splits),
        feedback=_path(data.get("feedback"), defaults.feedback),
        fit_on=fit_on,
        near_duplicate=float(split.get("near_duplicate", defaults.near_duplicate)),
        dev_batches_per_cell=int(split.get("dev_batches_per_cell", 1)),
        test_batches_per_cell=int(split.get("test_batches_per_cell", 1)),
        features=Features(
            word_ngrams=_pair(features.get("word_ngrams", (1, 2))),
            char_ngrams=_pair(features.get("char_ngrams", (2, 5))),
            char_weight=float(features.get("char_weight", 0.5)),
            min_df=int(features.get("min_df", 2)),
            sublinear_tf=bool(features.get("sublinear_tf", True)),
            negation=bool(features.get("negation", False)),
        ),
        model=Model(
            C=float(model.get("C", 8.0)),
            class_weight=model.get("class_weight", "balanced") or None,
            max_iter=int(model.get("max_iter", 2000)),
            log_count_power=log_count_power,
        ),
        context=Context(
            previous=bool(context.get("previous", True)),
            scale=float(context.get("scale", 0.5)),
            labels=tuple(context.get("labels", ("concern", "agreement"))),
            reaction=bool(context.get("reaction", True)),
            tol=float(context["tol"]) if "tol" in context else None,
        ),
        thresholds=ThresholdSearch(**{k: search[k] for k in search}),
        output=_path(output.get("model"), defaults.output),
    )


def _path(value: str | None, default: Path) -> Path:
    if value is None:
        return default
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


def _pair(value) -> tuple[int, int]:
    low, high = (int(v) for v in value)
    if not 1 <= low <= high:
        raise ValueError(f"bad n-gram range {value}")
    return low, high


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    """The optional settings file every training command takes first."""
    parser.add_argument(
        "config",
        nargs="?",
        type=Path,
        default=DEFAULT_CONFIG,
        help=f"the training settings (default: {DEFAULT_CONFIG.relative_to(ROOT)})",
    )


def config_from(parser: argparse.ArgumentParser, path: Path) -> Config:
    """The settings at `path`, or the command's usage and a one-line reason."""
    try:
        return load_config(path)
    except FileNotFoundError:
        parser.error(f"no settings file at {path}")
    except (tomllib.TOMLDecodeError, ValueError, TypeError) as error:
        parser.error(f"{path}: {error}")
