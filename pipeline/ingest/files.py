"""Which files are read, and how: regular files only, never more bytes than the limit.

- :func:`read_regular` reads one file's bytes: a FIFO, device or socket (or a
  symlink to one) is refused by ``os.stat`` before it is opened
  (``not_a_regular_file``); the file is opened with ``O_NONBLOCK`` and checked
  again with ``fstat`` (it may have been swapped in between), and at most
  ``max_bytes + 1`` bytes are read, so a file that grows while it is read, or
  lies about its size, is refused as ``too_large`` without filling memory.
- :func:`digest` is the same, streamed into a sha256 (the ingest's fingerprint).
- :func:`walk` lists the files of folders for an ingest: a symlink whose target
  is outside the folder given is refused by name (``outside_folder``) unless
  ``follow_symlinks``; symlinked folders are walked only then, each real folder
  once (no loop).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReaderError

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


def kind(mode: int) -> str:
    """What a file mode is, for people: ``a FIFO (named pipe)``, ``a character device``, …"""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _open_regular(path: Path, max_bytes: int) -> tuple[int, os.stat_result]:
    """An open descriptor on ``path`` after checking, before and after opening, that it is a regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        why = "a symbolic link to a missing file" if os.path.islink(path) else "no such file"
        raise ReaderError("not_found", path, why) from e
    except OSError as e:
        raise ReaderError("not_found", path, f"cannot be read: {e.strerror}") from e
    except ValueError as e:  # a NUL, or a surrogate that is no escaped byte: no file can have this name
        raise ReaderError("not_found", path, f"is not a possible file name ({e})") from e
    if stat.S_ISDIR(st.st_mode):
        raise ReaderError("unsupported_format", path, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ReaderError("not_a_regular_file", path,
                          f"is {kind(st.st_mode)}, not a regular file: not read (only regular files are)")
    if st.st_size > max_bytes:
        raise ReaderError("too_large", path, f"{st.st_size} bytes is above the limit of {max_bytes}")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as e:
        if e.errno == errno.ENXIO:  # a socket (or a FIFO with no writer) swapped in after the stat
            raise ReaderError("not_a_regular_file", path, "is not a regular file: not read") from e
        raise ReaderError("not_found", path, f"cannot be read: {e.strerror}") from e
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise ReaderError("not_a_regular_file", path,
                          f"is {kind(st.st_mode)}, not a regular file: not read (only regular files are)")
    return fd, st


def _chunks(fd: int, path: Path, first: int, max_bytes: int, sink: Callable[[bytes], object]) -> int:
    """Feed the file's bytes to ``sink``; refuse it once more than ``max_bytes`` come (at most max + 1 are read)."""
    n = 0
    want = max(first, 1)
    while n <= max_bytes:
        try:
            b = os.read(fd, min(want, max_bytes + 1 - n))
        except BlockingIOError:  # cannot happen on a regular file; never wait for one
            raise ReaderError("not_a_regular_file", path, "would block: not a regular file") from None
        except OSError as e:
            raise ReaderError("not_found", path, f"cannot be read: {e.strerror}") from e
        if not b:
            return n
        n += len(b)
        sink(b)
        want = _CHUNK
    raise ReaderError("too_large", path, f"more than {max_bytes} bytes were read (the limit), though the file "
                      "said it was smaller: it grows, or lies about its size; refused")


def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most ``max_bytes``; a :class:`ReaderError` names anything else.

    Raises:
        ReaderError: ``not_found``, ``unsupported_format`` (a directory), ``not_a_regular_file``, ``too_large``.
    """
    path = Path(path)
    fd, st = _open_regular(path, max_bytes)
    parts: list[bytes] = []
    try:
        _chunks(fd, path, min(st.st_size, max_bytes) + 1, max_bytes, parts.append)
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def digest(path: str | Path, max_bytes: int) -> tuple[str, float, int] | None:
    """``(sha256, mtime, size)`` of a regular file read as :func:`read_regular` would; None when it cannot be read.

    ``size`` is the number of bytes hashed. The reader says why a file that gives None cannot be read.
    """
    path = Path(path)
    try:
        fd, st = _open_regular(path, max_bytes)
    except ReaderError:
        return None
    h = hashlib.sha256()
    try:
        n = _chunks(fd, path, _CHUNK, max_bytes, h.update)
    except ReaderError:
        return None
    finally:
        os.close(fd)
    return h.hexdigest(), st.st_mtime, n


@dataclass(frozen=True)
class Refused:
    """A path of a walked folder that is not read, and why (a ReaderError code and message)."""

    path: Path
    code: str
    message: str


def _inside(target: str, root: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


# Markdown files in a folder are its notes (README.md, SOURCE.md), not submitted documents: a
# folder walk leaves them out; a .md file named explicitly is read as text.
NOTES = frozenset({".md"})


def walk(paths: Iterable[str | Path], extensions: Iterable[str], *,
         follow_symlinks: bool = False) -> tuple[list[Path], list[Refused]]:
    """The files an ingest reads, absolute, each once, in a stable order; and the paths it refuses.

    Folders are walked recursively for ``extensions`` (hidden files and folders,
    and the folder's notes, :data:`NOTES`, left out). A file named explicitly is always taken, whatever it is, so that a
    bad one is reported rather than silently ignored. Inside a folder, a symlink
    (to a file or a folder) whose real target is outside the folder is refused
    as ``outside_folder`` unless ``follow_symlinks``; symlinked folders inside
    it are not walked (their files are reached by their real path) unless
    ``follow_symlinks``, and then each real folder once.
    """
    exts = frozenset(e.lower() for e in extensions) - NOTES
    files: list[Path] = []
    refused: list[Refused] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        if p not in seen:
            seen.add(p)
            files.append(p)

    def refuse(p: Path, root: str) -> None:
        if p in seen:
            return
        seen.add(p)
        target = os.path.realpath(p)
        err = ReaderError("outside_folder", p, f"is a symbolic link to {target}, outside the folder {root}: "
                          "not read (ingest with --follow-symlinks to read what links point to)")
        refused.append(Refused(p, err.code, err.message))

    for given in paths:
        p = Path(os.path.abspath(os.path.expanduser(os.fspath(given))))
        if not p.is_dir():
            add(p)
            continue
        root = os.path.realpath(p)
        walked: set[str] = set()
        for here, dirs, names in os.walk(p, followlinks=follow_symlinks):
            real = os.path.realpath(here)
            if real in walked:  # a symlink loop, or a folder reached twice through links
                dirs[:] = []
                continue
            walked.add(real)
            keep = []
            for d in sorted(dirs):
                if d.startswith("."):
                    continue
                full = Path(here) / d
                if os.path.islink(full) and not follow_symlinks:
                    if not _inside(os.path.realpath(full), root):
                        refuse(full, root)
                    continue  # inside the folder: reached by its real path
                keep.append(d)
            dirs[:] = keep
            for name in sorted(names):
                if name.startswith(".") or Path(name).suffix.lower() not in exts:
                    continue
                full = Path(here) / name
                if not follow_symlinks and os.path.islink(full) and not _inside(os.path.realpath(full), root):
                    refuse(full, root)
                else:
                    add(full)
    return files, refused
