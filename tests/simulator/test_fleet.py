"""A fleet of brand copies (simulator.fleet): the benchmark world grows by brands, each copy a world of its own."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.config import load_settings
from core.landing import read_manifests
from loader.load import primary_keys
from simulator.bulk import land_history
from simulator.fleet import copy_id, main, replicate


def test_copies_get_ids_of_their_own_in_each_platforms_shape(demo_settings):
    # GIVEN the demo configuration WHEN each brand is present 40 times
    fleet = replicate(demo_settings, 40)
    # THEN copy 0 is the brand as configured, and every copy has its own brand id, accounts and hashtags
    assert len(fleet.brands) == 40 * len(demo_settings.brands)
    assert fleet.brands[: len(demo_settings.brands)] == demo_settings.brands
    keys = [account.key for _, account in fleet.accounts()]
    assert len(keys) == len(set(keys)) == 40 * len(demo_settings.accounts())
    assert len({brand.brand_id for brand in fleet.brands}) == len(fleet.brands)
    tags = [tag for brand in fleet.brands for campaign in brand.campaigns for tag in campaign.hashtags]
    assert len(tags) == len(set(tags))
    for (_, original), (_, copied) in zip(demo_settings.accounts(), fleet.accounts()[-len(keys) // 40:],
                                          strict=True):
        assert copied.platform == original.platform
        assert len(copied.account_id) == len(original.account_id)
        assert copied.account_id.isdigit() == original.account_id.isdigit()
        assert copied.account_id != original.account_id and copied.handle != original.handle
    copied = fleet.brands[-1]
    assert copied.ga4_property_id == next(a.account_id for a in copied.accounts if a.platform == "ga4")


def test_copy_ids_of_did_like_ids_keep_their_prefix_and_tail():
    assert copy_id("did:plc:z72i7hdynmk6r22z27h6tvur", 1) == "did:plc:z72i7hdynmk6r22zaaabtvur"
    assert copy_id("1580000000000000202", 7) == "1580000000000007202"
    assert copy_id("1580000000000000202", 0) == "1580000000000000202"


def test_a_fleet_configuration_is_written_and_reads_back(tmp_path, capsys):
    out = tmp_path / "fleet.yml"
    assert main(["--copies", "3", "--out", str(out)]) == 0
    written = load_settings(out)
    assert written == replicate(load_settings(), 3)
    assert "6 brands" in capsys.readouterr().out
    with pytest.raises(ValueError, match="at least 1"):
        replicate(written, 0)


def test_each_copy_is_extracted_and_differs_from_the_original(small, tmp_path, monkeypatch):
    # GIVEN a small world of one brand and its copy WHEN a night is landed in bulk (the extractors' real code)
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    fleet = replicate(small, 2)
    day = dt.date(2026, 10, 3)
    summary = land_history(fleet, [day], workers=1)
    # THEN every account of both copies lands its streams, with posts of its own
    assert set(summary["accounts"]) == {account.key for _, account in fleet.accounts()}
    manifests = {f"{m['platform']}:{m['account_id']}": m for m in read_manifests(tmp_path / "landing", day)}
    assert set(manifests) == set(summary["accounts"])
    for original, copied in zip(fleet.brands[0].accounts, fleet.brands[1].accounts, strict=True):
        assert manifests[original.key]["streams"].keys() == manifests[copied.key]["streams"].keys()
        if original.platform == "ga4":
            continue
        stream = next(name for name in manifests[copied.key]["streams"] if name in ("posts", "media", "tweets",
                                                                                     "statuses", "videos", "threads"))
        key = primary_keys()[(original.platform, stream)]
        ids = [{_path(json.loads(line)["record"], key) for line in _lines(m["streams"][stream]["file"])}
               for m in (manifests[original.key], manifests[copied.key])]
        assert None not in ids[1] and ids[1] and not ids[0] & ids[1], original.platform


def _path(record: dict, dotted: str):
    for part in dotted.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record


def _lines(path: str) -> list[str]:
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()
