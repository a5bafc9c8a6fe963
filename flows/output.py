"""Outputs written whole or not at all: a folder or file is assembled under a hidden temporary
name next to its destination and renamed into place only when complete.

A folder that already exists is swapped with the new one in one ``renameat2(RENAME_EXCHANGE)``
call (two renames with SIGINT/SIGTERM held back where the kernel lacks it), then the old one is
deleted, so at every instant the destination holds either the previous complete output or the
new complete output. A lock file (``.NAME.lock``, ``flock``) makes a second writer of the same
destination refuse instead of overwriting; temporary folders of writers that died (SIGKILL,
power loss) are removed by the next writer. Destinations are checked before any work starts
(:func:`check_output_folder`, :func:`check_output_file`): every problem is an
:class:`OutputError` naming the path.

Example:
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report"
    >>> with atomic_folder(out) as tmp:
    ...     _ = (tmp / "a.txt").write_text("done")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    >>> sorted(p.name for p in out.parent.iterdir())  # no temporary or lock left behind
    ['report']
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from qc_pdk.errors import InputError

__all__ = [
    "OutputError",
    "atomic_file",
    "atomic_folder",
    "check_output_file",
    "check_output_folder",
    "check_output_root",
    "replace_folder",
]

_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


class OutputError(InputError):
    """An output path that cannot be written (the message names it and says why)."""


def _check_parent(path: Path, option: str) -> None:
    parent = path.parent
    if not parent.exists():
        raise OutputError(f"{option} {path}: folder {parent} does not exist")
    if not parent.is_dir():
        raise OutputError(f"{option} {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: cannot write in folder {parent} (permission denied)")


def check_output_folder(path: str | Path, *, option: str = "--out") -> Path:
    """``path`` as an output folder: not empty, not an existing file, in a writable folder.

    The folder itself may exist (it is replaced whole) or not (it is created); its parent must
    exist, so a mistyped path does not create a tree of folders.

    Raises:
        OutputError: the message names ``option`` and the path.
    """
    if str(path) == "" or Path(path).name in ("", ".", ".."):
        raise OutputError(f"{option} {str(path)!r}: give a folder name")
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise OutputError(f"{option} {p}: is a file, expected a folder")
    if p.is_dir() and not os.access(p, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {p}: folder is not writable (permission denied)")
    _check_parent(p, option)
    return p


def check_output_file(
    path: str | Path, *, option: str = "--out", suffixes: Sequence[str] = ()
) -> Path:
    """``path`` as an output file: not empty, not a folder, in an existing writable folder.

    Args:
        path: the file to write.
        option: the command-line option or field it came from (for the message).
        suffixes: allowed suffixes (lower case, with the dot); empty: any.

    Raises:
        OutputError: the message names ``option`` and the path.
    """
    if str(path) == "" or Path(path).name in ("", ".", ".."):
        raise OutputError(f"{option} {str(path)!r}: give a file name")
    p = Path(path)
    if p.is_dir():
        raise OutputError(f"{option} {p}: is a folder, expected a file name")
    if suffixes and p.suffix.lower() not in suffixes:
        raise OutputError(f"{option} {p}: file name must end in {' or '.join(suffixes)}")
    if p.exists() and not os.access(p, os.W_OK):
        raise OutputError(f"{option} {p}: file is not writable (permission denied)")
    _check_parent(p, option)
    return p


def check_output_root(root: str | Path, name: str, *, option: str = "--out") -> Path:
    """``root / name`` as an output folder whose root is created if missing (``build --out``).

    Raises:
        OutputError: ``root`` is a file or cannot be created, or ``root / name`` cannot be
            written.
    """
    root = Path(root)
    if not root.exists():
        check_output_folder(root, option=option)
        return root / name
    if not root.is_dir():
        raise OutputError(f"{option} {root}: is a file, expected a folder")
    return check_output_folder(root / name, option=option)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back for a few system calls; they are delivered right after."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux ``renameat2``); False when unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _tmp_prefix(dest: Path, kind: str) -> str:
    return f".{dest.name}.{kind}-{os.getpid()}-"


def _stale_pattern(dest: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(dest.name)}\.(tmp|old)-(\d+)-")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _remove_stale(dest: Path, *, all_of_them: bool) -> None:
    """Remove temporaries of ``dest`` left by writers that died (all when we hold the lock)."""
    pattern = _stale_pattern(dest)
    for p in dest.parent.iterdir():
        m = pattern.match(p.name)
        if m is None or (not all_of_them and _pid_alive(int(m.group(2)))):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace_folder(tmp: Path, dest: Path) -> Path:
    """Move the complete folder ``tmp`` to ``dest``, replacing any previous ``dest``.

    The previous folder ends up at ``tmp``'s name (the caller deletes it).
    """
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; the result follows the umask
    with _signals_held():
        if dest.exists() and _exchange(tmp, dest):
            return dest
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=_tmp_prefix(dest, "old"), dir=dest.parent))
            os.replace(dest, old / dest.name)
            os.replace(tmp, dest)
            os.replace(old / dest.name, tmp)
            old.rmdir()
        else:
            os.replace(tmp, dest)
    return dest


@contextmanager
def _lock(dest: Path) -> Iterator[None]:
    """Hold ``.NAME.lock`` beside ``dest``; another writer of ``dest`` gets an OutputError."""
    lock = dest.parent / f".{dest.name}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(
                f"{dest}: another quantacore process is writing it; wait for it to finish or "
                "choose another --out"
            ) from None
        try:  # the holder before us may have removed the file: lock the one on disk
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


@contextmanager
def atomic_folder(dest: str | Path, *, option: str = "--out") -> Iterator[Path]:
    """Yield an empty temporary folder beside ``dest``; on success it replaces ``dest``.

    On an exception (including KeyboardInterrupt) the temporary folder is removed and ``dest``
    is left as it was. The parent of ``dest`` is created when missing (``--out`` roots).

    Raises:
        OutputError: ``dest`` cannot be written or another process is writing it.
    """
    dest = Path(dest)
    if not dest.parent.exists() and dest.parent.parent.is_dir():
        dest.parent.mkdir()
    check_output_folder(dest, option=option)
    with _lock(dest):
        _remove_stale(dest, all_of_them=True)
        tmp = Path(tempfile.mkdtemp(prefix=_tmp_prefix(dest, "tmp"), dir=dest.parent))
        try:
            yield tmp
            replace_folder(tmp, dest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def atomic_file(
    dest: str | Path, write: Callable[[Path], object], *, option: str = "--out"
) -> Path:
    """Call ``write(tmp_path)`` on a hidden temporary file beside ``dest``, then rename it.

    The temporary name keeps ``dest``'s suffix (writers such as gdsfactory choose the format
    from it); nothing is left behind when ``write`` fails or is interrupted.

    Raises:
        OutputError: ``dest`` cannot be written.
    """
    dest = check_output_file(dest, option=option)
    _remove_stale(dest, all_of_them=False)
    prefix = _tmp_prefix(dest, "tmp")
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        with _signals_held():
            os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest
