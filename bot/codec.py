"""Outbound actions to JSON and back, for the outbox table; events too, for the spool
of those kept while the database does not answer (bot.spool).

Tagged with their class names; only classes registered here can come back out, so a
payload can never name arbitrary code (an event's only events, an action's only actions).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from types import MappingProxyType

from rules import actions, events, say


def _registered(*modules: object) -> dict[str, type]:
    return {
        cls.__name__: cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and dataclasses.is_dataclass(cls)
    }


_CLASSES = _registered(actions, say)
_EVENT_CLASSES = _registered(events)


def _at_default(field: dataclasses.Field, value: object) -> bool:
    if field.default is not dataclasses.MISSING:
        return value == field.default
    if field.default_factory is not dataclasses.MISSING:
        return value == field.default_factory()
    return False


def _encode(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A field at its default is left out (decoding fills it back): an item whose new
        # fields are unused keeps the shape the previous version reads, for a rollback.
        fields = {
            f.name: _encode(v)
            for f in dataclasses.fields(value)
            if not _at_default(f, v := getattr(value, f.name))
        }
        return {"$": type(value).__name__, **fields}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, frozenset):
        return {"$set": sorted(_encode(v) for v in value)}
    if isinstance(value, dict | MappingProxyType):
        return {"$map": [[k, _encode(v)] for k, v in value.items()]}
    return value


def _decode(value: object, classes: dict[str, type] = _CLASSES) -> object:
    if isinstance(value, list):
        return tuple(_decode(v, classes) for v in value)
    if not isinstance(value, dict):
        return value
    if "$" in value:
        cls = classes[value["$"]]
        return cls(**{k: _decode(v, classes) for k, v in value.items() if k != "$"})
    if "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if "$d" in value:
        return date.fromisoformat(value["$d"])
    if "$td" in value:
        return timedelta(seconds=value["$td"])
    if "$set" in value:
        return frozenset(_decode(v, classes) for v in value["$set"])
    if "$map" in value:
        return {k: _decode(v, classes) for k, v in value["$map"]}
    raise ValueError(f"unknown payload object: {sorted(value)}")


def dumps(action: actions.Outbound) -> str:
    return json.dumps(_encode(action), ensure_ascii=False, separators=(",", ":"))


def loads(payload: str) -> actions.Outbound:
    action = _decode(json.loads(payload))
    if not isinstance(action, actions.Outbound):
        raise ValueError("payload is not an outbound action")
    return action


def event_data(event: events.Event) -> object:
    """`event` as JSON-ready data (`event_of` reads it back)."""
    return _encode(event)


def event_of(data: object) -> events.Event:
    """An event from `event_data`'s output; ValueError if it is none."""
    try:
        event = _decode(data, _EVENT_CLASSES)
    except (KeyError, TypeError) as error:  # a class or field this version does not have
        raise ValueError(f"not an event: {error}") from None
    if not isinstance(event, events.Event):
        raise ValueError("not an event")
    return event


def payload_prefix(kind: type[actions.Outbound]) -> str:
    """How every payload of this kind begins (`dumps` writes its kind first): to find
    them in the outbox without reading the others."""
    return json.dumps({"$": kind.__name__}, separators=(",", ":"))[:-1]


def kind_only(payload: str) -> str:
    """The payload of an item done with (delivered, given up, set aside) or withdrawn:
    its kind alone, so that an operator still sees what it was, and no one's words stay
    behind once no delivery needs them."""
    try:
        kind = json.loads(payload).get("$", "unknown")
    except (ValueError, AttributeError):
        kind = "unknown"
    return json.dumps({"$": kind}, separators=(",", ":"))
