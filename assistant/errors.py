"""Every error the assistant raises on purpose, so callers can catch one base class.

    AssistantError
    ├── ConfigurationError       a setting is invalid or unsafe (port taken, public without auth)
    ├── QuestionError            the question cannot be asked (empty, too long)
    ├── CorpusError              the corpus folder is missing or holds no documents
    ├── DocumentError            one file cannot be read; indexing warns and goes on
    └── IndexStateError          the index cannot be used as it is
        ├── IndexNotBuiltError   nothing indexed yet
        ├── IndexMismatchError   built with another model or splitter
        ├── IndexDamagedError    Chroma's files are missing or damaged: `assistant index`
        │                        rebuilds them from the documents
        ├── IndexLockedError     another process is writing it
        ├── IndexUnavailableError  the Chroma server holding it does not answer
        └── DiskFullError        no room on the disk that holds the index; nothing was lost

Each message says what happened and what to do about it, because the CLI and the web page
show it to the user as it is.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class of every error the assistant raises on purpose."""


class ConfigurationError(AssistantError, ValueError):
    """A setting is malformed, or would expose the documents (a public bind without auth)."""


class QuestionError(AssistantError, ValueError):
    """The question is empty or too long."""


class CorpusError(AssistantError):
    """The corpus folder is missing, not a folder, or holds no supported document."""


class DocumentError(AssistantError):
    """One file could not be turned into text (binary, corrupt, unreadable, no text layer)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexStateError(AssistantError):
    """The index on disk cannot be used as it is."""


class IndexNotBuiltError(IndexStateError):
    """No index has been built in the index folder yet."""


class IndexMismatchError(IndexStateError):
    """The index was built with settings (model, splitter, schema) other than the current ones."""


class IndexDamagedError(IndexStateError):
    """Chroma's files are missing, unreadable or give wrong results (see `health`)."""


class IndexLockedError(IndexStateError):
    """Another process holds the index's write lock."""


class IndexUnavailableError(IndexStateError):
    """The Chroma server that holds the index (`chroma_url`) does not answer; nothing was lost,
    and the next use connects again."""


class DiskFullError(IndexStateError):
    """The disk that holds the index has no room for what a run would write (or for Chroma to
    open its files); nothing on disk was lost or damaged."""
