"""One indexing run: corpus folder in, an up-to-date index out, embedding only what changed.

The rules that keep a user's index whole:
- files that load are indexed with LangChain's `index()` and `cleanup="scoped_full"`, so their
  stale chunks go and their unchanged chunks are skipped (never re-embedded);
- a file that fails to load this time but still exists keeps its previous chunks (a warning
  says so); only files really gone from the folder leave the index;
- an empty or missing corpus folder is an error, not "delete everything";
- the manifest says `building` until the run ends, so a killed run is seen and resumed, and
  the record manager makes the resumed run skip what was already written.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from . import disk, script, texts
from .config import IndexSettings, SplitSettings
from .documents import KINDS_READ, find_documents
from .embeddings import Progressing
from .errors import CorpusError, DiskFullError, DocumentError
from .load import SourceDocument, load_document, read_source
from .manifest import DocumentRecord, Manifest, now
from .schema import IndexReport
from .split import split_document
from .store import Store
from .text import listed

Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)
Say = Callable[[str], None]


def chunk_key(doc: Document) -> str:
    """Record-manager key (and Chroma id) of a chunk: its text and metadata, hashed. Ours, not
    LangChain's private hash, so the run can count beforehand how many chunks need embedding."""
    payload = json.dumps([doc.page_content, doc.metadata], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_index(store: Store, corpus_dir: Path, settings: IndexSettings, split: SplitSettings,
                *, rebuild: bool = False, progress: Progress | None = None,
                say: Say | None = None) -> IndexReport:
    started = time.monotonic()
    report = IndexReport()
    others: list[str] = []
    paths = find_documents(corpus_dir, others)  # raises CorpusError before anything is touched
    if not paths:
        raise CorpusError(
            f"no documents in {corpus_dir} (looked for {KINDS_READ}); add some "
            "and run again — the existing index was left as it was"
        )

    def note(message: str) -> None:
        report.notes.append(message)
        if say:
            say(message)

    if others:
        note(f"{len(others)} file{'' if len(others) == 1 else 's'} of other types not read: "
             f"{listed(others)}")

    try:
        with store.write_lock(settings.lock_timeout, on_wait=say):
            _run(store, corpus_dir, paths, settings, split, rebuild, report, progress, note)
    except DiskFullError:
        raise
    except Exception as exc:  # a full disk, whichever library noticed it first
        if disk.is_full(exc, store.dir):
            raise disk.full(store.dir) from None
        raise
    report.seconds = time.monotonic() - started
    return report


def _run(store: Store, corpus_dir: Path, paths: list[Path], settings: IndexSettings,
         split: SplitSettings, rebuild: bool, report: IndexReport, progress: Progress | None,
         note: Say) -> None:
    """The run itself, under the write lock; fills in `report`."""
    max_file_bytes = int(settings.max_file_mb * 1e6)
    damage = store.damage(count=False)
    reason = "--rebuild was asked for" if rebuild else store.mismatch()
    staged = store.staging()
    if damage:
        note(f"rebuilding the index from the documents: it was damaged ({damage})")
        store.wipe()  # the staged folder too: nothing in a damaged index is worth serving
    elif reason and store.manifest() is not None:
        note(f"rebuilding the index from scratch: {reason}; questions are answered from the "
             "index as it was until the new one is complete")
        if staged.mismatch():  # a killed rebuild's, with other settings: start again
            staged.discard()
        try:
            with staged.write_lock(settings.lock_timeout):
                _run(staged, corpus_dir, paths, settings, split, False, report, progress, note)
        except DiskFullError as exc:
            raise DiskFullError(
                f"{exc}. A rebuild is written beside the index, so both must fit; to rebuild "
                f"in place instead, delete {store.dir} and run `assistant index` (questions "
                "cannot be answered until it finishes)") from None
        store.adopt(staged)
        return
    else:  # a killed rebuild, not asked for again: the index is updated
        staged.discard()
    previous = store.manifest() or Manifest(store.identity)
    if previous.state == "building":
        note("the last indexing run did not finish; resuming it")
    elif not (damage or reason) and _unchanged(store, paths, corpus_dir, previous,
                                               settings):
        report.documents, report.chunks = len(previous.documents), previous.chunks
        report.skipped = previous.chunks
        return

    loaded: list[SourceDocument] = []
    failed: set[str] = set()
    for path in paths:
        try:
            loaded.append(load_document(path, corpus_dir, max_bytes=max_file_bytes,
                                        outside_links=settings.outside_links))
            report.warnings.extend(f"{loaded[-1].source}: {n}" for n in loaded[-1].notes)
        except DocumentError as exc:
            failed.add(exc.path)
            kept = exc.path in previous.documents
            report.warnings.append(
                f"{exc}" + (" (its previously indexed version is kept)" if kept else "")
            )
    _name_foreign(store, loaded, previous, report)
    gone = set(previous.documents) - {d.source for d in loaded} - failed
    expected, rm = _index_documents(store, split, loaded, previous, gone, report, progress, note)

    # One read of Chroma serves three ends: dropping every chunk that is neither a chunk of
    # a file as it is now nor kept for a file that failed to load (a killed run's writes,
    # older versions, files that are gone), counting chunks per document, and rebuilding
    # the keyword index. Decided here from the files, not from the records' source groups:
    # a run killed between LangChain's two record updates leaves keys with no group, which
    # its `scoped_full` cleanup then never finds (20 kills with edits between them left 72
    # stale chunks, answering with the old facts).
    ids, docs = store.all_chunks()
    keep = [i in expected or d.metadata.get("source") in failed
            for i, d in zip(ids, docs, strict=True)]
    stale = [i for i, k in zip(ids, keep, strict=True) if not k]
    if stale:
        store.vectorstore().delete(ids=stale)
        report.deleted += len(stale)
        ids = [i for i, k in zip(ids, keep, strict=True) if k]
        docs = [d for d, k in zip(docs, keep, strict=True) if k]
    present = set(ids)
    unbacked = [key for key in rm.list_keys() if key not in present]
    if unbacked:
        rm.delete_keys(unbacked)
    counts: dict[str, int] = {}
    for doc in docs:
        counts[doc.metadata["source"]] = counts.get(doc.metadata["source"], 0) + 1
    store.rebuild_keyword_index(ids, docs)
    by_source = {d.source: d for d in loaded}
    documents = {}
    for source in sorted(counts):
        info = previous.documents.get(source, DocumentRecord())
        fresh = by_source.get(source)
        if fresh is not None:
            info = replace(info, title=fresh.title, sha256=fresh.sha256, indexed_at=(
                now() if info.sha256 != fresh.sha256 else info.indexed_at))
        documents[source] = replace(info, chunks=counts[source])
    report.documents, report.chunks = len(documents), len(ids)
    store.write_manifest(Manifest(store.identity, "complete", built_at=now(),
                                  chunks=len(ids), documents=documents))
    texts.keep(store.dir, ((d.sha256, d.text) for d in loaded),
               {r.sha256 for r in documents.values()})


def _name_foreign(store: Store, loaded: list[SourceDocument], previous: Manifest,
                  report: IndexReport) -> None:
    """One warning naming the new or changed documents in a script the embedding model was not
    trained on (see `script`)."""
    if not store.embedder.english_only:
        return
    found: dict[str, list[str]] = {}
    for doc in loaded:
        if doc.sha256 != previous.documents.get(doc.source, DocumentRecord()).sha256:
            kind = script.foreign(doc.text)
            if kind:
                found.setdefault(kind, []).append(doc.source)
    if found:
        names = [s for sources in found.values() for s in sources]
        report.warnings.append(
            f"{listed(names)}: written in {' and '.join(sorted(found))} script, which the "
            f"embedding model {store.embedder.name} was not trained on (it reads English), so "
            "questions about them may be declined; see docs/settings.md for a multilingual model")


def _unchanged(store: Store, paths: list[Path], corpus_dir: Path, previous: Manifest,
               settings: IndexSettings) -> bool:
    """Whether a run would change nothing: the finished run's files, byte for byte, Chroma
    holding its chunks (as the check counted them) and the record file whole. A run then stops
    before LangChain's indexing, the records and Chroma are loaded here (a no-change `index`
    took 3-5 s, most of it imports)."""
    if previous.state != "complete" or store.checked_count() != previous.chunks:
        return False
    sources = {p.relative_to(corpus_dir).as_posix(): p for p in paths}
    if sources.keys() != previous.documents.keys():
        return False
    for source, path in sources.items():
        try:
            _, data = read_source(path, corpus_dir, max_bytes=int(settings.max_file_mb * 1e6),
                                  outside_links=settings.outside_links)
        except DocumentError:
            return False  # the full run says why
        if hashlib.sha256(data).hexdigest() != previous.documents[source].sha256:
            return False
    # last: a run that changes files checks the record file itself, in `open_records`
    return store.records_problem() is None


def _index_documents(store: Store, split: SplitSettings, loaded: list[SourceDocument],
                     previous: Manifest, gone: set[str], report: IndexReport,
                     progress: Progress | None, note: Say) -> tuple[set[str], Any]:
    """Write new and changed chunks; return the keys of every chunk of the loaded files, and
    the record manager. The manifest says meanwhile which files are being changed (`gone`:
    those removed from the folder), so that readers are told whose answers may be stale."""
    from langchain_core.indexing import index

    rm = store.open_records(note)
    ids, existing = store.all_chunks()
    # Chunks the records say are in Chroma but are not (its files were removed or emptied):
    # forget them, so that they are embedded again instead of skipped.
    lost = sorted(set(rm.list_keys()) - set(ids))
    if lost:
        rm.delete_keys(lost)
        note(f"{len(lost)} chunks recorded as indexed were missing from Chroma; embedding "
             "them again")
    known = {d.metadata["source"] for d in existing} | set(previous.documents)

    embedder = store.embedder
    chunks = {doc.source: split_document(doc, embedder.count_tokens, split, embedder.max_tokens)
              for doc in loaded}
    new = [c for doc in loaded if doc.source not in known for c in chunks[doc.source]]
    old = [c for doc in loaded if doc.source in known for c in chunks[doc.source]]
    keys = [chunk_key(c) for c in new + old]
    missing = [c for c, present in zip(new + old, rm.exists(keys) if keys else [], strict=True)
               if not present]
    to_embed = len(missing)
    needed = disk.estimate(to_embed, sum(len(c.page_content.encode()) for c in missing),
                           empty=not previous.chunks)
    disk.ensure_room(store.dir, needed)  # before the first write of the run
    pending = {c.metadata["source"] for c in missing} | gone
    store.write_manifest(replace(previous, state="building", pending=tuple(sorted(pending))))
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(done, to_embed), to_embed)

    vs = store.vectorstore(Progressing(embedder, tick))
    # Records are written after each LangChain batch: keep it a couple of model batches long,
    # so a killed run loses little work and the progress bar moves steadily.
    if progress:
        progress(0, to_embed)
    for group, field in ((new, "added"), (old, "updated")):
        if not group:
            continue
        try:
            result = index(group, rm, vs, cleanup="scoped_full", source_id_key="source",
                           key_encoder=chunk_key, batch_size=2 * embedder.batch_size)
        except Exception as exc:
            if disk.is_full(exc, store.dir):  # filled by another program, or a short estimate
                raise disk.full(store.dir, needed) from None
            raise
        setattr(report, field, getattr(report, field) + result["num_added"]
                + result["num_updated"])
        report.skipped += result["num_skipped"]
        report.deleted += result["num_deleted"]

    return {chunk_key(c) for doc in loaded for c in chunks[doc.source]}, rm
