"""Debian changelogs read so that every change names its upload, and the upload its author
and date."""

import gzip

from assistant import Assistant
from assistant.changelog import is_debian_changelog, read_debian_changelog
from assistant.load import load_document

CHANGELOG = """heron (2.4-2) unstable; urgency=high

  [ Ada Wader ]
  * Fix a crash when a colony has no nests, which made the
    counter stop on empty islands (closes: #1042).
  * Build with the new egret tables:
    + 5f3a9c: count egrets as herons
    + 77b0d1: keep the old totals

 -- Ruth Marsh <ruth@example.org>  Tue, 03 Oct 2023 10:12:44 +0200

heron (2.4-1) unstable; urgency=medium

  * New upstream release.
  * Bump Standards-Version to 4.6.2.

 -- Ruth Marsh <ruth@example.org>  Sun, 17 Sep 2023 09:00:01 +0200
"""


def test_every_change_names_its_upload_and_the_signature_says_who_and_when():
    assert is_debian_changelog(CHANGELOG)
    assert not is_debian_changelog("heron (2.4-2) is a good release.\n")
    text, title = read_debian_changelog(CHANGELOG)
    assert title == "heron — Debian changelog"
    paragraphs = text.strip().split("\n\n")
    assert paragraphs[0] == "heron (2.4-2) unstable; urgency=high"
    assert ("2.4-2 (Ada Wader): Fix a crash when a colony has no nests, which made the counter "
            "stop on empty islands (closes: #1042).") in paragraphs
    assert "2.4-2 (Ada Wader): 5f3a9c: count egrets as herons" in paragraphs
    assert ("2.4-2 was uploaded to unstable by Ruth Marsh <ruth@example.org> on Tue, 03 Oct "
            "2023 10:12:44 +0200.") in paragraphs
    assert "2.4-1: Bump Standards-Version to 4.6.2." in paragraphs  # the group ended with 2.4-2


def test_a_gzipped_changelog_answers_which_upload_and_when(tmp_path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "changelog.Debian.gz").write_bytes(gzip.compress(CHANGELOG.encode()))
    doc = load_document(corpus / "changelog.Debian.gz", corpus)
    assert doc.title == "heron — Debian changelog"
    bot = Assistant(corpus, tmp_path / "index")
    bot.index()
    answer = bot.ask("Which upload fixed the counter crashing on empty islands?")
    assert answer.found and "2.4-2 (Ada Wader): Fix a crash" in answer.text
    answer = bot.ask("When was 2.4-1 uploaded?")
    assert answer.found and "Sun, 17 Sep 2023" in answer.text
