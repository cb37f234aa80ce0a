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

from core.paths import manifest_glob

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
                line = (item.line if type(item) is Prepared else landing_line(*item)).encode()
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
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str))
    os.replace(partial, path)


def read_manifests(landing: Path, day: dt.date) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(landing.glob(manifest_glob(day)))]
