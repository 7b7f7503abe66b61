"""The parsed dialogs are kept between runs (start-up), and never stand in for changed files."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.content import content_dir
from skill.dialog.phrasebook import Phrasebook, PhrasebookError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dialogs(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    copy = tmp_path / "en"
    shutil.copytree(content_dir("dialogs", "en"), copy)
    return copy


def kept(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "legcramp").glob("dialogs-en-*.json"))


def test_a_second_load_reads_the_kept_documents_without_yaml(dialogs, tmp_path):
    first = Phrasebook.load(dialogs)
    assert len(kept(tmp_path)) == 1
    code = ("import sys; from skill.dialog.phrasebook import Phrasebook; "
            f"b = Phrasebook.load({str(dialogs)!r}); "
            "print('yaml' in sys.modules, b.say('safety_net'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": ""})
    assert out.stdout.strip() == f"False {first.say('safety_net')}"


def test_a_changed_file_is_parsed_again(dialogs, tmp_path):
    Phrasebook.load(dialogs)
    guides = dialogs / "guides.yaml"
    guides.write_text(guides.read_text().replace("That's the end of the stretch. Well done.",
                                                 "That's the end of the stretch. Nicely done."))
    book = Phrasebook.load(dialogs)
    assert "That's the end of the stretch. Nicely done." in {
        book.say("guide.finish", n) for n in range(book.variants("guide.finish"))}
    assert len(kept(tmp_path)) == 2


def test_a_set_that_fails_its_checks_is_not_kept(dialogs, tmp_path):
    (dialogs / "extra.yaml").write_text("no_such_key:\n  - \"Hello.\"\n")
    with pytest.raises(PhrasebookError, match="unknown key"):
        Phrasebook.load(dialogs)
    assert kept(tmp_path) == []


def test_a_damaged_kept_file_is_ignored(dialogs, tmp_path):
    Phrasebook.load(dialogs)
    [path] = kept(tmp_path)
    path.write_text("[[\"advice.yaml\", ")
    assert Phrasebook.load(dialogs).say("safety_net")
    path.write_text("[]")
    assert Phrasebook.load(dialogs).say("safety_net")
