"""What can go wrong with the archive's storage, each said in one line: what happened, what to do.

The archive raises these instead of driver errors (:mod:`kabar.archive.faults` translates
them), so the CLI prints one line and the API answers 503 without a traceback. A message
never holds SQL text or article text: ``str(error)`` names the archive (a path, or a URL
without its password) and says what happened and what to do; :attr:`ArchiveError.summary`
says the same without naming where the archive lives, for clients of the API.
"""

from __future__ import annotations

from typing import ClassVar


class ArchiveError(Exception):
    """The archive cannot do what was asked; nothing half-stored (each article is one transaction)."""

    summary: ClassVar[str] = "the archive cannot be used right now"
    # How long an API client should wait before trying again (the Retry-After header).
    retry_after: ClassVar[int] = 60
    # True when the same request may succeed later without anyone changing anything.
    retryable: ClassVar[bool] = False

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}")
        self.where = where
        self.detail = detail


class ArchiveBusy(ArchiveError):
    """Another writer held the lock for longer than the busy timeout."""

    summary = "the archive is busy with another writer; try again shortly"
    retry_after = 5
    retryable = True


class ArchiveReadOnly(ArchiveError):
    """The file, its folder or its mount is read-only (or the archive was opened for reading)."""

    summary = "the archive is read-only"


class ArchiveFull(ArchiveError):
    """The disk is full or the file reached its size limit."""

    summary = "the archive's disk is full"
    retry_after = 300


class ArchiveMissing(ArchiveError):
    """There is no archive where one was expected."""

    summary = "the archive does not exist"


class ArchiveGone(ArchiveError):
    """The archive's file was deleted or replaced while kabar had it open."""

    summary = "the archive was deleted or replaced while in use"


class NotAnArchive(ArchiveError):
    """A file or database that is not a kabar archive (another application's, or not a database)."""

    summary = "the database is not a kabar archive"


class ArchiveCorrupt(NotAnArchive):
    """The database reports damage."""

    summary = "the archive is damaged"


class ArchiveOutdated(ArchiveError):
    """The schema is older than this kabar, and the archive was opened for reading only."""

    summary = "the archive needs upgrading"


class ArchiveTooNew(ArchiveError):
    """The schema was made by a newer kabar."""

    summary = "the archive was made by a newer kabar"


class ArchiveUnavailable(ArchiveError):
    """The storage cannot be reached or reported an I/O error."""

    summary = "the archive is unavailable"
    retry_after = 30
    retryable = True


class ArchiveSettingError(ArchiveError):
    """A setting of the archive (an environment variable, an option) has a value kabar cannot use."""

    summary = "the archive is misconfigured"


__all__ = [
    "ArchiveBusy",
    "ArchiveCorrupt",
    "ArchiveError",
    "ArchiveFull",
    "ArchiveGone",
    "ArchiveMissing",
    "ArchiveOutdated",
    "ArchiveReadOnly",
    "ArchiveSettingError",
    "ArchiveTooNew",
    "ArchiveUnavailable",
    "NotAnArchive",
]
