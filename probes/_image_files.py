"""Reading user-given data files without trusting them: IDX (MNIST's format, optionally
gzip-compressed), ``.npz`` archives, and small gzip-or-plain text files.

Every reader checks what a header promises (dimensions, value type, number of values) before
it reads the data, and reads no more than that — a compressed file is decompressed only as
far as its header says (or ``limit`` bytes for text), never without bound. Whatever is wrong is
one ValueError whose message says what, in a single line."""

from __future__ import annotations

import gzip
import math
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np

__all__ = ["MAX_VALUES", "MAX_PIXELS", "read_image_array", "read_bounded", "one_line"]

# values in one image file: 2²⁸ (2 GiB as float64); CIFAR-10's training set holds 154 M,
# MNIST's 47 M. A header promising more is not a data set this toolkit can use
MAX_VALUES = 2**28
# values per image: the realdata cell eigendecomposes a pixels × pixels matrix (CIFAR-10:
# 3 072, MNIST: 784); 2¹⁴ = 16 384 is a 2 GiB matrix already
MAX_PIXELS = 2**14
_GZIP_MAGIC = b"\x1f\x8b"
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def one_line(e: BaseException) -> str:
    """An exception's message as one printable line (a parser may quote the file's bytes)."""
    text = "".join(c if c.isprintable() else " " for c in str(e))
    return " ".join(text.split()) or type(e).__name__


def _check_header(shape: tuple, dtype: np.dtype) -> None:
    """Images [N, …] of numbers, N ≥ 2, 2 to MAX_PIXELS values each, MAX_VALUES in all."""
    if dtype.kind not in "buif" or dtype.fields is not None:
        raise ValueError(f"holds {dtype} values, not real numbers")
    if len(shape) < 2:
        raise ValueError(f"holds an array of shape {tuple(shape)}; images need [N, pixels] "
                         f"or [N, height, width(, channels)]")
    count, pixels = math.prod(shape), math.prod(shape[1:])
    if count > MAX_VALUES:
        raise ValueError(f"its header promises {tuple(shape)} = {count:,} values, more than "
                         f"the {MAX_VALUES:,} this reads")
    if shape[0] < 2:
        raise ValueError(f"holds {shape[0]} image(s) of shape {tuple(shape[1:])}; κ needs "
                         f"at least 2")
    if not 2 <= pixels <= MAX_PIXELS:
        raise ValueError(f"holds images of {pixels:,} values each (shape {tuple(shape)}); "
                         f"expected 2 to {MAX_PIXELS:,}")


def _read_idx(stream, size: int | None) -> np.ndarray:
    """IDX: two zero bytes, a type code, the number of dimensions, big-endian uint32 sizes,
    then the data. ``size``: the file's length where it is not compressed (checked before
    the data is read)."""
    head = stream.read(4)
    if not head:
        raise ValueError("is empty")
    if len(head) < 4 or head[0] != 0 or head[1] != 0:
        raise ValueError("not an IDX file (which starts with two zero bytes); an .npz archive "
                         "must be named *.npz")
    if head[2] not in _IDX_TYPES:
        raise ValueError(f"IDX type code 0x{head[2]:02x} is not one of the format's six")
    ndim, dtype = head[3], np.dtype(_IDX_TYPES[head[2]])
    dims = stream.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise ValueError(f"its IDX header is cut short ({ndim} dimensions need {4 * ndim} "
                         f"bytes of sizes, the file has {len(dims)})")
    shape = struct.unpack(f">{ndim}I", dims)
    _check_header(shape, dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    if size is not None and size - 4 - 4 * ndim != nbytes:
        raise ValueError(f"IDX header says {shape} of {dtype} ({nbytes:,} bytes), but the file "
                         f"holds {size - 4 - 4 * ndim:,} data bytes")
    body = stream.read(nbytes)
    if len(body) != nbytes or stream.read(1):
        held = f"only {len(body):,} data bytes" if len(body) != nbytes else "more data"
        raise ValueError(f"IDX header says {shape} of {dtype} ({nbytes:,} bytes), but the file "
                         f"holds {held}")
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def _open_idx(path: Path) -> np.ndarray:
    try:
        raw = path.open("rb")
    except OSError as e:
        raise ValueError(f"cannot be read ({one_line(e)})") from None
    with raw:
        compressed = False
        try:
            compressed = raw.read(2) == _GZIP_MAGIC
            size = raw.seek(0, 2)
            raw.seek(0)
            if not compressed:
                return _read_idx(raw, size)
            with gzip.GzipFile(fileobj=raw) as stream:
                return _read_idx(stream, None)
        except EOFError:
            raise ValueError("its gzip data is cut short (a truncated download?)") from None
        except (OSError, zlib.error) as e:
            why = "not a readable gzip file" if compressed else "cannot be read"
            raise ValueError(f"{why} ({one_line(e)})") from None


# what zipfile, zlib and numpy raise on a damaged, encrypted or exotic archive member
_UNREADABLE = (ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
               NotImplementedError)


def _npz_header(archive: zipfile.ZipFile, member: str) -> tuple[tuple, np.dtype]:
    with archive.open(member) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f".npy format version {version} is not supported")
    return shape, dtype


def _open_npz(path: Path, key: str | None) -> np.ndarray:
    """One array of an .npz: ``key``, or the first of x_train, X, data, images, or its only
    array. Its .npy header is checked before the data is read (np.load reads exactly what the
    header promises, so a compressed member is never inflated beyond that)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ValueError(f"not a readable .npz archive ({one_line(e)})") from None
    with archive:
        names = [n[:-4] for n in archive.namelist() if n.endswith(".npy")]
        pick = key or next((k for k in ("x_train", "X", "data", "images") if k in names),
                           names[0] if len(names) == 1 else None)
        if pick is None or pick not in names:
            raise ValueError(f"give key= one of {names}" if names else "holds no arrays")
        try:
            shape, dtype = _npz_header(archive, pick + ".npy")
        except _UNREADABLE as e:
            raise ValueError(f"array {pick!r} has no readable .npy header "
                             f"({one_line(e)})") from None
    try:
        _check_header(shape, dtype)
    except ValueError as e:
        raise ValueError(f"array {pick!r} {e}") from None
    try:
        with np.load(path, allow_pickle=False) as z:
            return z[pick]
    except _UNREADABLE as e:
        raise ValueError(f"array {pick!r} is cut short or corrupt ({one_line(e)})") from None


def read_image_array(path, *, key: str | None = None) -> np.ndarray:
    """The images [N, …] held by ``path`` as stored (dtype and shape of the file): an IDX file,
    plain or gzip-compressed, or an ``.npz`` (by its suffix; ``key`` picks the array). Checked:
    the header (real numbers, N ≥ 2 images of 2 to MAX_PIXELS values, MAX_VALUES in all), the
    data's length against it, and that every value is finite. ValueError otherwise."""
    path = Path(path)
    arr = _open_npz(path, key) if path.suffix == ".npz" else _open_idx(path)
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.isfinite(arr).sum())
        raise ValueError(f"holds {bad:,} NaN or infinite value(s)")
    return arr


def read_bounded(path, *, limit: int) -> bytes:
    """The bytes of a small file, gunzipped where it is gzip-compressed; more than ``limit``
    bytes (before or after decompression) is a ValueError, as is a corrupt or cut-short gzip
    stream. ``path``: a path, or anything with ``open("rb")`` (importlib.resources)."""
    path = Path(path) if isinstance(path, str) else path
    compressed = False
    try:
        with path.open("rb") as raw:
            compressed = raw.read(2) == _GZIP_MAGIC
            raw.seek(0)
            if not compressed:
                data = raw.read(limit + 1)
            else:
                with gzip.GzipFile(fileobj=raw) as stream:
                    data = stream.read(limit + 1)
    except EOFError:
        raise ValueError("its gzip data is cut short (a truncated download?)") from None
    except (OSError, zlib.error) as e:
        why = "not a readable gzip file" if compressed else "cannot be read"
        raise ValueError(f"{why} ({one_line(e)})") from None
    if len(data) > limit:
        raise ValueError(f"holds more than {limit:,} bytes (uncompressed); expected a small "
                         f"text file")
    return data
