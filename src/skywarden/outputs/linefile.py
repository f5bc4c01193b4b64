"""The file handling every line-per-record output shares (JSON Lines, Cursor-on-Target).

:class:`LineFile` owns its target: a path it opens (truncated, or appended to with
``append``) and closes in :meth:`LineFile.close`, or a stream the caller keeps open and
closes (``close`` then only flushes it). Subclasses write and flush one line per record, so
a crash of the process loses nothing already written. Use as a context manager. Not
thread-safe: one writer belongs to one thread.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import IO, Any, Generic, Protocol, Self, TypeVar, cast

__all__ = ["LineFile"]


class _Flushable(Protocol):
    def flush(self) -> None: ...


_S = TypeVar("_S", bound=_Flushable)


class LineFile(Generic[_S]):
    """A line-per-record output's file or stream (see the module docstring).

    ``binary`` opens a path in bytes; otherwise as UTF-8 text with Unix line ends.
    """

    __slots__ = ("_closed", "_file", "_stream")

    def __init__(
        self, target: str | os.PathLike[str] | _S, *, append: bool = False, binary: bool = False
    ) -> None:
        self._file: IO[Any] | None = None
        if isinstance(target, str | os.PathLike):
            mode = "a" if append else "w"
            # Closed by close(), not a with-block: the writer outlives this call.
            if binary:
                self._file = open(target, mode + "b")  # noqa: SIM115
            else:
                self._file = open(target, mode, encoding="utf-8", newline="\n")  # noqa: SIM115
            self._stream: _S = cast(_S, self._file)
        else:
            self._stream = target
        self._closed = False

    def _check_open(self) -> None:
        """Raise ``ValueError`` if the writer is closed."""
        if self._closed:
            raise ValueError(f"{type(self).__name__} is closed")

    def close(self) -> None:
        """Flush, and close the file if this writer opened it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._file is not None:
            self._file.close()
        else:
            self._stream.flush()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
