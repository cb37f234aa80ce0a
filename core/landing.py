"""The landing contract: gzip NDJSON per account, stream and logical date, with a manifest that reconciles.

The extractors write it and the loader reads it; where the files live is core.paths."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from core.paths import capture_manifest_glob, manifest_glob

Record = tuple[dict, str | None]  # the record as received, and the id of the parent it was read under


WRITE_BYTES = 1 << 18  # lines are handed to gzip this many bytes at a time (same bytes as line by line)


class Prepared(tuple):
    """A record and its parent id, with the line it lands as already made: the extraction serializes each
    record once, to look for tokens in it, and the landing writes that very text instead of serializing it
    again."""

    line: str

    def __new__(cls, record: dict, parent_id: str | None, line: str) -> Prepared:
        item = super().__new__(cls, (record, parent_id))
        item.line = line
        return item


def landing_line(record: dict, parent_id: str | None) -> str:
    """The text of one landed line (without its newline)."""
    return json.dumps({"parent_id": parent_id, "record": record}, ensure_ascii=False, separators=(",", ":"))


def landed_bytes(item: Record) -> bytes:
    """The bytes of one landed line (without its newline). A record holding a lone surrogate (an API's
    "\\ud800", as Python reads it) has no UTF-8: its line is written with JSON's escapes instead, the same JSON
    text as received, and the loader quarantines it (DuckDB stores UTF-8 only) rather than the extraction
    failing."""
    line = item.line if type(item) is Prepared else landing_line(*item)
    try:
        return line.encode()
    except UnicodeEncodeError:
        record, parent_id = item
        return json.dumps({"parent_id": parent_id, "record": record}, separators=(",", ":")).encode()


def write_stream(path: Path, records: Iterable[Record]) -> dict:
    """Write records atomically (aside, then rename); return the row count and checksum."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    rows = 0
    try:
        rows, digest = _write_lines(partial, records)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return {"file": str(path), "rows": rows, "sha256": digest}


class _Hashing:
    """A binary file that hashes what is written to it: the checksum of the landed bytes without reading
    them back."""

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _write_lines(partial: Path, records: Iterable[Record]) -> tuple[int, str]:
    rows = 0
    # mtime=0 keeps the gzip header free of the write time, so the same records give the same bytes.
    # Lines go to gzip in blocks: deflate's output does not depend on how its input is split.
    with open(partial, "wb") as raw:
        hashing = _Hashing(raw)
        with gzip.GzipFile(filename="", fileobj=hashing, mode="wb", mtime=0) as handle:
            block: list[bytes] = []
            size = 0
            for item in records:
                line = landed_bytes(item)
                block.append(line)
                size += len(line)
                rows += 1
                if size >= WRITE_BYTES:
                    block.append(b"")
                    handle.write(b"\n".join(block))
                    block, size = [], 0
            if block:
                block.append(b"")
                handle.write(b"\n".join(block))
    return rows, hashing.digest.hexdigest()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(path: Path, manifest: dict) -> None:
    """Write a manifest atomically. Its streams' files are stored relative to the data directory (the landing
    directory's parent), so that a landing area moved or restored from a backup elsewhere still loads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = manifest_landing(path).parent
    stored = {**manifest}
    if isinstance(manifest.get("streams"), dict):
        stored["streams"] = {name: {**info, "file": _relative(info["file"], data)} if "file" in info else info
                             for name, info in manifest["streams"].items()}
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(stored, indent=2, sort_keys=True, default=str))
    os.replace(partial, path)


def _relative(file: str | Path, data: Path) -> str:
    path = Path(file)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.resolve().relative_to(data.resolve()).as_posix()
    except ValueError:
        return str(path)  # (a file outside the data directory keeps its absolute path)


def manifest_landing(path: Path) -> Path:
    """The landing directory of a manifest at <landing>/<platform>/_manifests/<date>/<account id>.json."""
    return path.parents[3]


def landed_file(landing: Path, file: str) -> Path:
    """Where a manifest's stream file is now. A relative path is relative to the data directory. An absolute
    one (manifests written before paths were relative) is used where it exists; otherwise its last four parts
    (<platform>/<stream>/<date>/<file>, core.paths.stream_file) are found under this landing directory: the
    landing area was moved or restored elsewhere."""
    path = Path(file)
    if not path.is_absolute():
        return landing.parent / path
    if path.exists() or len(path.parts) < 5:
        return path
    return landing.joinpath(*path.parts[-4:])


def read_manifest(path: Path) -> dict:
    """One manifest, its streams' files as paths on this machine (landed_file)."""
    manifest = json.loads(path.read_text())
    landing = manifest_landing(path)
    for info in manifest.get("streams", {}).values():
        if "file" in info:
            info["file"] = str(landed_file(landing, info["file"]))
    return manifest


def read_manifests(landing: Path, day: dt.date) -> list[dict]:
    return [read_manifest(path) for path in sorted(landing.glob(manifest_glob(day)))]


def read_captures(landing: Path, day: dt.date) -> list[dict]:
    """The manifests of the intra-day captures taken on a UTC date (several per account): the nightly load of
    that date loads them beside its own."""
    return [read_manifest(path) for path in sorted(landing.glob(capture_manifest_glob(day)))]
