"""Slack's documented Block Kit and message limits, as the stand-in enforces them.

Slack refuses a message or view past these limits (`invalid_blocks`, `msg_too_long`,
`invalid_arguments`) and the person sees nothing; the stand-in refuses the same, so a
test catches a reply that would never arrive. Sources: api.slack.com/reference/block-kit
(blocks, block elements, composition objects, views), chat.postMessage and
views.publish.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_TEXT = 40_000
TEXT_OBJECT = 3000
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
INPUT_LABEL = 2000
INPUT_HINT = 2000
INPUT_MAX_LENGTH = 3000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
ID_LENGTH = 255
VIEW_TITLE = 24
PRIVATE_METADATA = 3000
VIEW_BYTES = 250_000  # views.publish: view_too_large past 250 kB

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})


def _text_of(node: Any) -> str:
    return str(node.get("text", "")) if isinstance(node, Mapping) else ""


def _over(problems: list[str], path: str, what: str, length: int, limit: int) -> None:
    if length > limit:
        problems.append(f"[ERROR] {what} must be less than {limit + 1} characters "
                        f"[json-pointer:{path}]")  # fmt: skip


def _walk(node: Any, path: str, problems: list[str]) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, f"{path}/{index}", problems)
        return
    if not isinstance(node, Mapping):
        return
    kind = node.get("type")
    if kind in ("mrkdwn", "plain_text") and "text" in node:
        text = str(node["text"])
        _over(problems, f"{path}/text", "text", len(text), TEXT_OBJECT)
        if not text:
            problems.append(f"[ERROR] must be more than 0 characters [json-pointer:{path}/text]")
    if kind == "section" and "text" in node:
        _over(problems, f"{path}/text/text", "section text", len(_text_of(node["text"])),
              SECTION_TEXT)  # fmt: skip
    if kind == "header":
        _over(problems, f"{path}/text/text", "header", len(_text_of(node.get("text"))),
              HEADER_TEXT)  # fmt: skip
    if kind == "button":
        _over(problems, f"{path}/text/text", "button text", len(_text_of(node.get("text"))),
              BUTTON_TEXT)  # fmt: skip
        _over(problems, f"{path}/value", "button value", len(str(node.get("value", ""))),
              BUTTON_VALUE)  # fmt: skip
    if kind == "input":
        _over(problems, f"{path}/label/text", "label", len(_text_of(node.get("label"))),
              INPUT_LABEL)  # fmt: skip
        _over(problems, f"{path}/hint/text", "hint", len(_text_of(node.get("hint"))), INPUT_HINT)
    if kind == "plain_text_input":
        most = int(node.get("max_length", INPUT_MAX_LENGTH))
        _over(problems, f"{path}/max_length", "max_length", most, INPUT_MAX_LENGTH)
        _over(problems, f"{path}/initial_value", "initial_value",
              len(str(node.get("initial_value", ""))), most)  # fmt: skip
    if kind == "context" and len(node.get("elements") or ()) > CONTEXT_ELEMENTS:
        problems.append(f"[ERROR] no more than {CONTEXT_ELEMENTS} items allowed "
                        f"[json-pointer:{path}/elements]")  # fmt: skip
    if kind == "actions" and len(node.get("elements") or ()) > ACTIONS_ELEMENTS:
        problems.append(f"[ERROR] no more than {ACTIONS_ELEMENTS} items allowed "
                        f"[json-pointer:{path}/elements]")  # fmt: skip
    for index, option in enumerate(node.get("options") or ()):
        if isinstance(option, Mapping):
            where = f"{path}/options/{index}"
            _over(problems, f"{where}/text/text", "option text",
                  len(_text_of(option.get("text"))), OPTION_TEXT)  # fmt: skip
            _over(problems, f"{where}/value", "option value", len(str(option.get("value", ""))),
                  OPTION_VALUE)  # fmt: skip
    for key in ("block_id", "action_id"):
        if key in node:
            _over(problems, f"{path}/{key}", key, len(str(node[key])), ID_LENGTH)
    for key, value in node.items():
        if isinstance(value, Mapping | list):
            _walk(value, f"{path}/{key}", problems)


def _blocks(blocks: Any, path: str, most: int) -> list[str]:
    if not isinstance(blocks, list):
        return []
    problems: list[str] = []
    if len(blocks) > most:
        problems.append(f"[ERROR] no more than {most} items allowed [json-pointer:{path}]")
    block_ids = [b.get("block_id") for b in blocks if isinstance(b, Mapping) and b.get("block_id")]
    if len(block_ids) != len(set(block_ids)):
        problems.append(f"[ERROR] duplicate block_id [json-pointer:{path}]")
    _walk(blocks, path, problems)
    return problems


def message_problems(params: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """Why Slack would refuse a chat.* call (its error and messages), or None."""
    problems = _blocks(params.get("blocks"), "/blocks", MESSAGE_BLOCKS)
    if problems:
        return "invalid_blocks", problems
    text = params.get("text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        return "msg_too_long", []
    return None


def view_problems(params: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """Why Slack would refuse a views.* call, or None."""
    view = params.get("view")
    if not isinstance(view, Mapping):
        return None
    problems = _blocks(view.get("blocks"), "/view/blocks", VIEW_BLOCKS)
    for key in ("title", "submit", "close"):
        _over(problems, f"/view/{key}/text", key, len(_text_of(view.get(key))), VIEW_TITLE)
    _over(problems, "/view/private_metadata", "private_metadata",
          len(str(view.get("private_metadata", ""))), PRIVATE_METADATA)  # fmt: skip
    if problems:
        return "invalid_arguments", problems
    if len(json.dumps(view).encode()) > VIEW_BYTES:  # as slack_sdk sends it
        return "view_too_large", []
    return None


def problems_of(method: str, params: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    if method in MESSAGE_METHODS:
        return message_problems(params)
    if method in VIEW_METHODS:
        return view_problems(params)
    return None
