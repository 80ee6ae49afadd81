"""Keys: Textual's key names, the user's keymap (checked before the app starts: an unknown
action id or a malformed key is a ConfigError naming ``keymap.<id>``), how a key is shown, and
the Textual Bindings each scope gets from the action registry (tui/actions.py)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _character_to_key, format_key

from annotations.errors import ConfigError
from tui.actions import ACTIONS, LABEL_PREFIX, ActionDef, actions_for, all_actions, find_action, label_actions

if TYPE_CHECKING:  # pragma: no cover
    from textual.binding import BindingType

    from annotations.config import Config


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@lru_cache(1)
def _named_keys() -> frozenset[str]:
    names = {k.value.rsplit("+", 1)[-1] for k in Keys if not k.value.startswith("<")}
    names.update(KEY_NAME_REPLACEMENTS.values())
    names.update({"space", "tab", "enter", "escape", "backspace", "delete", "insert", "return"})
    return frozenset(names)


def normalize_key(key: str) -> str:
    """A key as Textual names it ("?" -> "question_mark"); raises ValueError if malformed."""

    key = key.strip()
    if not key:
        raise ValueError("empty key")
    if len(key) == 1:
        if not key.isprintable() or key.isspace():
            raise ValueError(f"{key!r} is not a key")
        return _character_to_key(key)
    *mods, base = key.split("+")
    if not base:  # "ctrl++"
        raise ValueError(f"{key!r} is not a key")
    bad = [m for m in mods if m.lower() not in _MODIFIERS]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a modifier (ctrl, shift, alt, meta, super)")
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            raise ValueError(f"{key!r} is not a key")
        base = _character_to_key(base)
    elif base not in _named_keys():
        try:
            unicodedata.lookup(base.replace("_", " ").upper())
        except KeyError:
            raise ValueError(f"{key!r} is not a key name") from None
    return "+".join([*(m.lower() for m in mods), base])


def split_keys(keys: str) -> list[str]:
    """Comma-separated keys, normalized; "," itself can be written as "comma"."""
    return [normalize_key(k) for k in keys.split(",")] if keys.strip() else []


def validate_keymap(config: Config) -> None:
    """Raise ConfigError (one line: file, ``keymap.<id>``, reason) for a bad keymap entry,
    or (``labels.<n>.key``) for a label key Textual does not know."""
    for index, label in enumerate(config.labels):
        try:
            split_keys(label.key or "")
        except ValueError as exc:
            raise ConfigError(f"{config.source}: labels.{index}.key: {exc}") from None
    for action_id, keys in (config.keymap or {}).items():
        if find_action(action_id, config) is None:
            raise ConfigError(f"{config.source}: keymap.{action_id}: unknown action")
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f'{config.source}: keymap.{action_id}: expected a key such as "x" or "ctrl+r"')
        try:
            split_keys(keys)
        except ValueError as exc:
            raise ConfigError(
                f"{config.source}: keymap.{action_id}: malformed key: {exc} "
                f'(write keys like "x", "ctrl+r", "pagedown"; several separated by commas)'
            ) from None


def keymap_clashes(config: Config) -> list[str]:
    """Keys a keymap entry takes from another action (which is left without that key).

    Textual resolves such a clash silently (the keymap wins); newsmark says so once."""
    keymap = config.keymap or {}
    actions = all_actions(config)
    out = []
    # A label key (from `labels:`) that another action already has never reaches the label.
    for label in label_actions(config):
        if label.id in keymap:
            continue
        for key in split_keys(label.keys):
            for other in actions:
                if other.id in keymap or other.id == label.id or other.scope not in ("reader", "global"):
                    continue
                if other.id.startswith(LABEL_PREFIX) and other.id > label.id:
                    continue  # report a pair of labels once
                if key in split_keys(other.keys):
                    out.append(
                        f"label key {key_display(key)} of {label.id[len(LABEL_PREFIX) :]} is taken by {other.id}"
                    )
    for action_id, keys in keymap.items():
        mine = find_action(action_id, config)
        if mine is None:
            continue
        for key in split_keys(keys):
            for other in actions:
                if other.id == action_id or other.id in keymap:
                    continue
                related = other.scope == mine.scope or "global" in (other.scope, mine.scope)
                if related and key in split_keys(other.keys):
                    out.append(f"{key_display(key)} now runs {action_id}, no longer {other.id}")
    return out


def keymap_for(config: Config) -> dict[str, str]:
    """The config keymap in Textual's normalized form (for ``App.set_keymap``)."""
    return {action_id: ",".join(split_keys(keys)) for action_id, keys in (config.keymap or {}).items()}


def effective_keys(action: ActionDef, keymap: dict[str, str] | None = None) -> list[str]:
    """The keys that run ``action`` once the user's keymap is applied."""
    override = (keymap or {}).get(action.id)
    return split_keys(override if override else action.keys)


def key_display(key: str) -> str:
    """How a key is written in Help and the palette: "?" not "question_mark"."""

    *mods, base = key.split("+")
    shown = format_key(base)
    if len(base) == 1 and base.isupper() and not mods:
        shown = base  # "G", not "shift+g"
    return "+".join([*mods, shown])


def key_hint(action_id: str, keymap: dict[str, str] | None = None) -> str:
    """The first key that runs an action, as a dialog's hint line names it ("esc", "ctrl+a")."""
    action = find_action(action_id)
    keys = effective_keys(action, keymap) if action else []
    return key_display(keys[0]) if keys else "?"


def keys_display(action: ActionDef, keymap: dict[str, str] | None = None) -> str:
    keys = effective_keys(action, keymap)
    return " ".join(key_display(k) for k in keys) if keys else "—"


# --------------------------------------------------------------------------- bindings


def bindings_for(scope: str, config: Config | None = None, *, include_labels: bool = True) -> list[BindingType]:
    """Textual Bindings for one scope; each binding's id is the action id.  (Typed as Textual
    types a screen's BINDINGS, so that they can be assigned to it.)"""

    out: list[BindingType] = []
    actions = actions_for(scope, config) if include_labels else [a for a in ACTIONS if a.scope == scope]
    for action in actions:
        keys = split_keys(action.keys)
        if not keys:
            continue
        # Show in the footer only the first key of a multi-key action.
        for i, key in enumerate(keys):
            out.append(
                Binding(
                    key,
                    action.action,
                    action.short,
                    show=bool(action.footer) and action.implemented and i == 0,
                    priority=action.priority,
                    tooltip=action.description,
                    id=action.id,
                )
            )
    return out
