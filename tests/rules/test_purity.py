"""The engine stays pure: nothing in rules/ imports a platform, storage, the network or
the application, and nothing in it reads the clock."""

from __future__ import annotations

import ast
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "rules"
FORBIDDEN_IMPORTS = (
    "bot",
    "adapters",
    "slack_bolt",
    "slack_sdk",
    "discord",
    "aiohttp",
    "sqlalchemy",
    "sqlmodel",
    "requests",
    "httpx",
    "socket",
    "asyncio",
)
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def python_files():
    return sorted(p for p in RULES.rglob("*.py"))


def test_rules_import_no_platform_storage_or_application():
    offenders = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN_IMPORTS:
                    offenders.append(f"{path.relative_to(RULES.parent)}: {name}")
    assert offenders == []


def test_rules_read_no_clock():
    offenders = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK_CALLS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"datetime", "date", "time"}
            ):
                offenders.append(f"{path.relative_to(RULES.parent)}:{node.lineno}")
    assert offenders == []
