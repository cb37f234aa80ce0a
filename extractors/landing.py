"""The landing area: gzip NDJSON per account, stream and logical date, with a manifest that reconciles."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from extractors.base import Record


def stream_file(landing: Path, platform: str, stream: str, day: dt.date, account_id: str) -> Path:
    return landing / platform / stream / day.isoformat() / f"{account_id}.ndjson.gz"


def manifest_file(landing: Path, platform: str, day: dt.date, account_id: str) -> Path:
    return landing / platform / "_manifests" / day.isoformat() / f"{account_id}.json"


def write_stream(path: Path, records: Iterable[Record]) -> dict:
    """Write records atomically (aside, then rename); return the row count and checksum."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    rows = 0
    try:
        rows = _write_lines(partial, records)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return {"file": str(path), "rows": rows, "sha256": sha256(path)}


def _write_lines(partial: Path, records: Iterable[Record]) -> int:
    rows = 0
    # mtime=0 keeps the gzip header free of the write time, so the same records give the same bytes.
    with open(partial, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as handle:
        for record, parent_id in records:
            line = json.dumps({"parent_id": parent_id, "record": record}, ensure_ascii=False, separators=(",", ":"))
            handle.write(line.encode() + b"\n")
            rows += 1
    return rows


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
    return [json.loads(path.read_text()) for path in sorted(landing.glob(f"*/_manifests/{day.isoformat()}/*.json"))]
