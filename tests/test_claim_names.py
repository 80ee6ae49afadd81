"""Claim types and stances come from config.yaml (read from the working directory, which may
have come with a downloaded corpus): they are plain names like labels, refused with one line
naming the key otherwise, and drawn inert in the claim form whatever a stored claim holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hostile import ATTACKS, HOSTILE, assert_inert

from annotations.config import ConfigError, load_config


@pytest.mark.parametrize("key", ["types", "stances"])
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_hostile_claim_name_in_config_is_refused_naming_the_key(tmp_path, key, attack):
    path = tmp_path / "config.yaml"
    path.write_text(f"claims:\n  {key}: [fine, {json.dumps(ATTACKS[attack])}]\n")  # JSON strings are YAML
    with pytest.raises(ConfigError, match=rf"claims\.{key}"):
        load_config(path)


@pytest.mark.parametrize("names", [["a", "a"], [""], ["x" * 41], ["two words"]])
def test_duplicate_empty_long_or_spaced_claim_names_are_refused(tmp_path, names):
    path = tmp_path / "config.yaml"
    path.write_text("claims:\n  types: [" + ", ".join(f'"{n}"' for n in names) + "]\n")
    with pytest.raises(ConfigError, match=r"claims\.types"):
        load_config(path)


def test_plain_claim_names_load(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("claims:\n  types: [statement, quote-direct, Behauptung, 数字]\n  stances: [asserted, hedged_2]\n")
    config = load_config(path)
    assert config.claims.types == ["statement", "quote-direct", "Behauptung", "数字"]


def test_a_hostile_config_in_the_working_directory_is_one_inert_line(tmp_path):
    (tmp_path / "config.yaml").write_text('claims:\n  types: ["\\e]52;c;ZXZpbA==\\a[bold]x"]\n')
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "stats", "--db", "x.db"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "config.yaml" in lines[0] and "claims.types" in lines[0]
    assert_inert(proc.stderr)


def test_the_claim_form_draws_stored_names_inert():
    from tui.dialogs.claim_form import Choice

    choice = Choice(["statement", f"t{HOSTILE}"], f"t{HOSTILE}")
    drawn = choice.render()
    assert_inert(drawn.plain)
    assert "[t␛[2J" in drawn.plain and "[/][bold red]loud" in drawn.plain  # shown as text
