"""The keyword (BM25) index that sits beside Chroma.

It is derived data: rebuilt from the chunks in Chroma after every indexing run, so the two can
never disagree for long, and a lost or damaged keyword folder is rebuilt, not mourned.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.documents import Document

from .text import DocFreq, document_names, tokenize

# What each chunk's keyword text is made of; a saved index in another format is rebuilt.
FORMAT = "title+file-words-v2"  # v2: contractions are stopwords


def keyword_text(doc: Document) -> str:
    """The chunk with its document's title and the file name's words the title lacks. A small
    chunk of one of twenty near-identical quarterly filings rarely names its company or
    quarter, and a PDF's own title is often "UNITED STATES"; "2023 Q3 NVDA.pdf" says both."""
    title = str(doc.metadata.get("title", ""))
    named = set(tokenize(title))
    extra = [t for t in tokenize(Path(str(doc.metadata.get("source", ""))).stem)
             if t not in named]
    return f"{title}\n{' '.join(extra)}\n{doc.page_content}"


@dataclass
class KeywordIndex:
    ids: list[str]
    docs: list[Document]
    _bm25: object | None  # bm25s.BM25, or None when there is nothing indexed
    df: dict[str, int] = field(default_factory=dict)  # chunks holding each token

    @classmethod
    def build(cls, ids: list[str], docs: list[Document]) -> KeywordIndex:
        if not docs:
            return cls([], [], None)
        import bm25s

        corpus = [tokenize(keyword_text(d)) or ["_"] for d in docs]
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        return cls(ids, docs, bm25, dict(Counter(t for tokens in corpus for t in set(tokens))))

    _doc_freq: DocFreq | None = field(default=None, repr=False)

    def doc_freq(self) -> DocFreq:
        """Built once per index: the terms by document take a pass over every chunk."""
        if self._doc_freq is None:
            terms: dict[str, set[str]] = defaultdict(set)
            names: dict[str, frozenset[str]] = {}
            for doc in self.docs:
                source = str(doc.metadata.get("source", ""))
                if source not in names:  # a document's chunks share its title and file name
                    names[source] = frozenset(document_names(doc.metadata))
                terms[source].update(tokenize(keyword_text(doc)))
            self._doc_freq = DocFreq(self.df, len(self.docs),
                                     {source: frozenset(t) for source, t in terms.items()},
                                     frozenset().union(*names.values()), names)
        return self._doc_freq

    _by_place: dict[tuple[str, int], int] | None = field(default=None, repr=False)
    _sources: np.ndarray | None = field(default=None, repr=False)  # each chunk's source

    def chunk_at(self, source: str, chunk: int) -> tuple[str, Document] | None:
        """The id and the chunk numbered `chunk` of a document, if the index holds it."""
        if self._by_place is None:
            self._by_place = {(str(d.metadata.get("source", "")), int(d.metadata["chunk"])): i
                              for i, d in enumerate(self.docs) if "chunk" in d.metadata}
        i = self._by_place.get((source, chunk))
        return None if i is None else (self.ids[i], self.docs[i])

    def search(self, query: str, k: int, sources: Collection[str] = ()
               ) -> list[tuple[Document, float]]:
        """Chunks ranked by BM25 score, best first; chunks sharing no word are left out, and
        so are those of documents other than `sources` when it is given."""
        tokens = tokenize(query)
        if self._bm25 is None or not tokens:
            return []
        vocab = self._bm25.vocab_dict
        tokens = [t for t in tokens if t in vocab]
        if not tokens:
            return []
        k = min(k, len(self.docs))
        mask = None
        if sources:
            if self._sources is None:
                self._sources = np.array([str(d.metadata.get("source", "")) for d in self.docs])
            mask = np.isin(self._sources, list(sources)).astype(np.float32)
        idx, scores = self._bm25.retrieve([tokens], k=k, show_progress=False, n_threads=1,
                                          weight_mask=mask)
        out = []
        for i, score in zip(idx[0], scores[0], strict=True):
            if score > 0:
                out.append((self.docs[int(i)], float(score)))
        return out

    def save(self, folder: Path) -> None:
        """Write to a sibling folder, then swap, so a crash leaves the old index whole."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as f:
                for id_, doc in zip(self.ids, self.docs, strict=True):
                    f.write(json.dumps({"id": id_, "text": doc.page_content,
                                        "meta": doc.metadata}, ensure_ascii=False) + "\n")
            (tmp / "df.json").write_text(json.dumps(self.df), encoding="utf-8")
            (tmp / "format").write_text(FORMAT, encoding="utf-8")
            if self._bm25 is not None:
                self._bm25.save(str(tmp / "bm25"))
        except OSError:  # a full disk: give its room back, keep the old index
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        """The saved index, or None if it is missing, unreadable or in another format (the
        caller rebuilds it)."""
        try:
            if (folder / "format").read_text(encoding="utf-8") != FORMAT:
                return None
            ids, docs = [], []
            with (folder / "chunks.jsonl").open(encoding="utf-8") as f:
                for line in f:
                    row = json.loads(line)
                    ids.append(row["id"])
                    docs.append(Document(page_content=row["text"], metadata=row["meta"],
                                         id=row["id"]))
            if not docs:
                return cls([], [], None)
            import bm25s

            df = json.loads((folder / "df.json").read_text(encoding="utf-8"))
            return cls(ids, docs, bm25s.BM25.load(str(folder / "bm25")), df)
        except (OSError, ValueError, KeyError):
            return None
