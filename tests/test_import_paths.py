"""What `import` is pointed at: trees with symbolic link loops, dangling links and unreadable
parts, recursive globs, and a closed stdin. Walk once, never follow a link twice, name what was
skipped and why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotations.corpus.ingest import import_paths
from annotations.corpus.sources import expand_paths
from annotations.errors import UserInputError

FIX = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture
def looped(tmp_path: Path) -> Path:
    """news/ with two stories, a link back to itself, a link to its parent and a dangling link."""
    root = tmp_path / "news"
    (root / "kabul").mkdir(parents=True)
    (root / "kabul" / "a.txt").write_text("Rain in Kabul\n\nThe river rose overnight.\n")
    (root / "b.md").write_text("# Snow on the Salang\n\nThe pass closed at noon.\n")
    os.symlink(root, root / "kabul" / "again")  # a loop
    os.symlink(tmp_path, root / "up")  # a loop through the parent
    os.symlink(root / "gone.txt", root / "dangling.txt")
    return root


def test_directory_with_loops_reads_each_file_once_and_names_the_skipped(looped):
    skipped: list[str] = []
    files = expand_paths([str(looped)], skipped=skipped)
    assert [Path(f).relative_to(looped).as_posix() for f in files] == ["b.md", "kabul/a.txt"]
    assert f"{looped}/dangling.txt: dangling symbolic link" in skipped
    assert any(s.startswith(f"{looped}/kabul/again: directory already read here") for s in skipped)


def test_recursive_glob_over_a_loop_ends_and_reads_each_file_once(looped, monkeypatch):
    monkeypatch.chdir(looped.parent)
    files = expand_paths(["news/**/*.txt"])
    assert [Path(f).as_posix() for f in files] == ["news/kabul/a.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable directories")
def test_unreadable_subdirectory_is_skipped_with_its_reason(looped):
    secret = looped / "secret"
    secret.mkdir()
    (secret / "c.txt").write_text("Hidden\n\ntext.\n")
    secret.chmod(0)
    try:
        skipped: list[str] = []
        expand_paths([str(looped)], skipped=skipped)
        assert f"{secret}: permission denied (directory skipped)" in skipped
    finally:
        secret.chmod(0o755)


def test_import_report_names_what_was_skipped(looped, store):
    report = import_paths(store, [str(looped)], "alice")
    assert report.imported == 2
    assert any("dangling symbolic link" in s for s in report.skipped_paths)


def test_a_named_dangling_link_is_one_line(looped):
    with pytest.raises(UserInputError, match=r"dangling\.txt: dangling symbolic link"):
        expand_paths([str(looped / "dangling.txt")])


def cli(*args: str, cwd: Path, stdin=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=stdin,
        env=env,
        timeout=300,
    )


def test_import_file_with_stdin_closed(tmp_path):
    """cron and daemons run with stdin closed; stdin is only read for '-'."""
    story = tmp_path / "a.txt"
    story.write_text("Rain in Kabul\n\nThe river rose overnight.\n")
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_CONFIG"}
    proc = subprocess.run(
        f'"{sys.executable}" -m tui.cli import a.txt --db n.db <&-',
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported 1 document(s)")
    proc = subprocess.run(
        f'"{sys.executable}" -m tui.cli import - --db n.db <&-',
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "<stdin>: cannot read: stdin is closed" in proc.stderr


def test_cli_imports_conll_and_html_and_exports_conll(tmp_path):
    proc = cli("import", str(FIX / "dispatch-iob2.iob"), str(FIX / "valley-floods.html"), "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported 2 document(s)") and "5 span(s)" in proc.stdout
    proc = cli(
        "export",
        "--db",
        "n.db",
        "--format",
        "conll",
        "--status",
        "all",
        "--scheme",
        "bioes",
        "--out",
        "out.conll",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "out.conll").read_text()
    assert "Ahmad B-PERSON\nMassoud E-PERSON\n" in text and "Tehran S-GPE\n" in text


def test_cli_refuses_a_label_outside_the_config(tmp_path):
    proc = cli("import", str(FIX / "wire-iob1.conll"), "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{FIX / 'wire-iob1.conll'}:26: span label 'PER' is not in the config" in proc.stderr


def test_cli_csv_columns(tmp_path):
    (tmp_path / "dump.csv").write_text("slug,story\nkabul-rain,It rained in Kabul all day.\n")
    proc = cli("import", "dump.csv", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == (
        "dump.csv: no text column: none is named text, body, content "
        "(columns found: 'slug', 'story'); name it with --text-col"
    )
    proc = cli("import", "dump.csv", "--db", "n.db", "--text-col", "story", "--id-col", "slug", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_unreadable_subdirectory_is_skipped_even_when_simulated(looped, monkeypatch):
    """The same as above where the test runs as root: scandir refuses one directory."""
    real = os.scandir

    def scandir(path):
        if Path(path).name == "kabul":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    skipped: list[str] = []
    files = expand_paths([str(looped)], skipped=skipped)
    assert [Path(f).name for f in files] == ["b.md"]
    assert f"{looped}/kabul: permission denied (directory skipped)" in skipped


def test_a_link_out_of_an_imported_directory_is_skipped_and_named(tmp_path):
    """Issue 22: directory import followed a symbolic link to /etc/passwd; a file named on the
    command line through a link is still read (the user chose it)."""
    root = tmp_path / "news"
    (root / "inner").mkdir(parents=True)
    (root / "a.txt").write_text("Rain in Kabul\n\nThe river rose overnight.\n")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("Not for the corpus\n\nat all.\n")
    os.symlink("/etc/passwd", root / "passwd.txt")
    os.symlink(outside, root / "elsewhere")
    os.symlink(root / "a.txt", root / "inner" / "same.txt")  # inside the tree: followed
    proc = cli("import", "news", "--db", "n.db", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported 1 document(s)")
    assert proc.stderr.splitlines() == [
        "skipped: news/elsewhere: symbolic link out of news (not followed)",
        "skipped: news/passwd.txt: symbolic link out of news (not followed)",
    ]
    assert "secret" not in proc.stderr
    assert [Path(f).name for f in expand_paths([str(root / "passwd.txt")])] == ["passwd.txt"]
