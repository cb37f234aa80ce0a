"""The raw suites right after the load, and the gate that reads them: each kind of bad input is quarantined with
its rule, or blocks the publish; raw = staged + quarantined for every table and night; the gate fails closed."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import duckdb
import pytest

from core.config import Settings, load_settings
from core.landing import sha256, write_manifest
from core.paths import PROJECT_ROOT, manifest_file, stream_file, validation_dir
from expectations import raw
from expectations.gate import GateFailed, validate_marts
from expectations.raw import reconciliation
from expectations.suites import Suite
from warehouse import pipeline

DAY = dt.date(2026, 10, 30)
MASTODON, LINKEDIN = "42", "81234202"
NOW = "2026-10-30T12:00:00.000Z"


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SMW_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    return Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "lookback_days": 5},
        "brands": [{"brand_id": "b", "name": "B", "timezone": "UTC", "language": "en", "accounts": [
            {"platform": "mastodon", "account_id": MASTODON, "handle": "b", "connection_id": "m"},
            {"platform": "linkedin", "account_id": LINKEDIN, "handle": "b", "connection_id": "l"}]}]})


def land(settings, day: dt.date, platform: str, account: str, streams: dict[str, list]) -> None:
    """Land records (dicts, or raw bytes for a broken line) as an extractor would, with the manifest."""
    landing = settings.data / "landing"
    entries = {}
    for stream, records in streams.items():
        path = stream_file(landing, platform, stream, day, account)
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wb") as handle:
            for item in records:
                line = item if isinstance(item, bytes) else json.dumps({"parent_id": None, "record": item}).encode()
                handle.write(line + b"\n")
        entries[stream] = {"file": str(path), "rows": len(records), "sha256": sha256(path), "status": "complete"}
    write_manifest(manifest_file(landing, platform, day, account), {
        "platform": platform, "account_id": account, "logical_date": day.isoformat(), "streams": entries})


def status(status_id: str, created_at: str = NOW, **counters) -> dict:
    return {"id": status_id, "created_at": created_at,
            **{"replies_count": 1, "reblogs_count": 2, "favourites_count": 3, **counters}}


def shares(urn: str, impressions: int, unique: int) -> dict:
    return {"post_urn": urn, "totalShareStatistics": {"impressionCount": impressions,
                                                      "uniqueImpressionsCount": unique, "likeCount": 1}}


def query(settings, sql: str, parameters=()) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse))
    try:
        return con.execute(sql, list(parameters)).fetchall()
    finally:
        con.close()


def land_good_night(settings, day: dt.date, statuses: int = 10, favourites: int = 3) -> None:
    land(settings, day, "mastodon", MASTODON, {"statuses": [
        status(str(number), created_at=f"{day}T08:00:00.000Z", favourites_count=favourites)
        for number in range(statuses)]})
    land(settings, day, "linkedin", LINKEDIN, {"share_statistics": [shares("urn:li:share:1", 100, 80)]})


@pytest.mark.parametrize("chunk_rows", [None, 4], ids=["one_validation", "in_chunks_of_4"])
def test_each_bad_row_is_quarantined_with_its_rule_and_the_rest_loads(settings, monkeypatch, chunk_rows):
    # GIVEN a night with good rows and one row of each bad kind the raw suites catch (and a malformed line),
    # validated at once or in chunks of 4 rows (as a large night is: expectations.raw.CHUNK_ROWS)
    if chunk_rows:
        monkeypatch.setattr(raw, "CHUNK_ROWS", chunk_rows)
    land(settings, DAY, "mastodon", MASTODON, {"statuses": [
        status("good"),
        status("string", favourites_count="12"),  # numeric strings are accepted
        status("negative", favourites_count=-5),
        status("text", reblogs_count="lots"),
        status("dup"), status("dup"),
        status("future", created_at="2099-01-01T00:00:00.000Z"),
        status("ancient", created_at="2010-01-01T00:00:00.000Z"),  # before Mastodon existed
        b'{"record": {"id": "broken"',  # the loader's: not JSON (tests/test_load.py covers its kinds)
    ]})
    land(settings, DAY, "linkedin", LINKEDIN, {"share_statistics": [
        shares("urn:li:share:1", impressions=100, unique=80), shares("urn:li:share:2", impressions=50, unique=70)]})
    # WHEN the night is loaded (the load runs the raw suites)
    summary = pipeline.load(DAY, "run-1", settings)
    # THEN each bad row is in raw._rejected with its id, the rule it broke and the run, the rest went to raw
    rejected = dict(query(settings, "select record_id, rule from raw._rejected"))
    assert rejected == {"negative": "negative_counter", "text": "counter_not_a_number", "dup": "duplicate_key",
                        "future": "timestamp_in_future", "ancient": "timestamp_before_account",
                        "urn:li:share:2": "reach_above_impressions"}
    assert {row[0] for row in query(settings, "select distinct checked_run_id from raw._rejected")} == {"run-1"}
    assert sorted(row[0] for row in query(settings, "select payload->>'id' from raw.mastodon__statuses")) == [
        "dup", "good", "string"]
    assert summary["raw_checks"]["quarantined"] == {"mastodon__statuses": 5, "linkedin__share_statistics": 1}
    detail = query(settings, "select detail from raw._rejected where record_id = 'negative'")[0][0]
    assert "favourites_count" in detail
    # AND each rule has one verdict per platform, however many chunks GX validated
    verdicts = json.loads((validation_dir(settings.data, DAY) / "raw.json").read_text())["checks"]
    mastodon = [check["rule"] for check in verdicts if check["suite"] == "raw_mastodon"]
    assert sorted(mastodon) == sorted({check["rule"] for check in verdicts if check["suite"] == "raw_mastodon"})
    assert len(mastodon) == len(raw.row_expectations())
    pages = [str(path) for path in (validation_dir(settings.data, DAY) / "data_docs" / "raw").rglob("*.html")]
    assert any("raw_mastodon_part" in page for page in pages) == bool(chunk_rows), pages
    # AND every landed line is accounted for: raw = staged + quarantined (loader's and the suites'), per table
    con = duckdb.connect(str(settings.warehouse))
    try:
        assert reconciliation(con, DAY) == []
        assert con.execute("select count(*) from raw._quarantine").fetchone()[0] == 1
    finally:
        con.close()
    # AND a re-run of the night gives the same split, nothing rejected twice
    pipeline.load(DAY, "run-2", settings)
    assert query(settings, "select count(*), min(checked_run_id) from raw._rejected") == [(6, "run-2")]
    con = duckdb.connect(str(settings.warehouse))
    try:
        assert reconciliation(con, DAY) == []
    finally:
        con.close()


def test_a_lifetime_counter_falling_is_quarantined_beyond_a_correction(settings):
    # GIVEN a status with 100 favourites one night
    land(settings, DAY - dt.timedelta(days=1), "mastodon", MASTODON, {"statuses": [
        status("a", favourites_count=100), status("b", favourites_count=100)]})
    pipeline.load(DAY - dt.timedelta(days=1), "run-1", settings)
    # WHEN the next night one has 98 (an unlike or two: a correction) and the other 40
    land(settings, DAY, "mastodon", MASTODON, {"statuses": [
        status("a", favourites_count=98), status("b", favourites_count=40)]})
    pipeline.load(DAY, "run-2", settings)
    # THEN only the fall beyond a correction is quarantined
    assert query(settings, "select record_id, rule from raw._rejected") == [("b", "counter_went_backwards")]


def test_a_volume_collapse_and_a_missing_account_block_the_gate(settings):
    # GIVEN five nights of ten statuses from the Mastodon account and a LinkedIn night each
    for offset in range(5, 0, -1):
        day = DAY - dt.timedelta(days=offset)
        land_good_night(settings, day)
        pipeline.load(day, "history", settings)
        assert json.loads((validation_dir(settings.data, day) / "raw.json").read_text())["success"]
    # WHEN tonight the statuses come back empty (a broken extractor) and LinkedIn landed nothing at all
    land(settings, DAY, "mastodon", MASTODON, {"statuses": []})
    pipeline.load(DAY, "run-1", settings)
    # THEN the night's raw verdict names both, as blocking
    raw = json.loads((validation_dir(settings.data, DAY) / "raw.json").read_text())
    assert not raw["success"]
    assert sorted(check["rule"] for check in raw["blocking"]) == ["missing_account", "volume_collapse"]
    # AND the gate refuses the night: publish, downstream of it, never runs, the published warehouse stays
    published = settings.data / "published" / "warehouse.duckdb"
    published.parent.mkdir(parents=True, exist_ok=True)
    published.write_bytes(b"the night before's publication")
    con = duckdb.connect(str(settings.warehouse))
    try:
        with pytest.raises(GateFailed, match="missing_account"):
            validate_marts(con, DAY, 5, validation_dir(settings.data, DAY), suites=(), reconcile=False)
    finally:
        con.close()
    assert published.read_bytes() == b"the night before's publication"


def test_the_night_after_an_accounts_first_night_is_not_a_collapse(settings):
    # GIVEN an account's first night reading its whole history (200 statuses: onboarding), then a night of ten
    first = DAY - dt.timedelta(days=2)
    land_good_night(settings, first, statuses=200)
    pipeline.load(first, "backfill", settings)
    land_good_night(settings, DAY - dt.timedelta(days=1))
    # WHEN tonight brings ten statuses again, a twentieth of the first night
    land_good_night(settings, DAY)
    pipeline.load(DAY - dt.timedelta(days=1), "run-1", settings)
    pipeline.load(DAY, "run-2", settings)
    # THEN neither ordinary night is blocked: the first night is no baseline, the night before is
    for day in (DAY - dt.timedelta(days=1), DAY):
        raw = json.loads((validation_dir(settings.data, day) / "raw.json").read_text())
        assert raw["success"], raw["blocking"]
    # AND a collapse against the ordinary nights still blocks
    after = DAY + dt.timedelta(days=1)
    land(settings, after, "mastodon", MASTODON, {"statuses": []})
    land(settings, after, "linkedin", LINKEDIN, {"share_statistics": [shares("urn:li:share:1", 100, 80)]})
    pipeline.load(after, "run-3", settings)
    raw = json.loads((validation_dir(settings.data, after) / "raw.json").read_text())
    assert [check["rule"] for check in raw["blocking"]] == ["volume_collapse"]


def test_an_x_timeline_falling_after_a_burst_of_brand_replies_warns_and_only_its_zero_blocks(tmp_path, monkeypatch):
    # GIVEN an X account whose timeline (its posts and its replies to others) had ten tweets a night, then two
    # nights of 200 (the brand answering a crisis)
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SMW_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    settings = Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "lookback_days": 5},
        "brands": [{"brand_id": "b", "name": "B", "timezone": "UTC", "language": "en", "accounts": [
            {"platform": "x", "account_id": "7", "handle": "b", "connection_id": "x"}]}]})

    def night(day: dt.date, tweets: int) -> dict:
        land(settings, day, "x", "7", {"tweets": [
            {"id": f"{day:%m%d}{number}", "created_at": f"{day}T08:00:00.000Z", "text": "thanks",
             "public_metrics": {"like_count": 1, "reply_count": 0, "retweet_count": 0, "quote_count": 0}}
            for number in range(tweets)]})
        pipeline.load(day, f"run-{day}", settings)
        return json.loads((validation_dir(settings.data, day) / "raw.json").read_text())

    for offset, tweets in zip(range(6, 0, -1), (10, 10, 10, 200, 200, 10), strict=True):
        night(DAY - dt.timedelta(days=offset), tweets)
    # WHEN tonight it has ten again (a tenth of the trailing mean)
    tonight = night(DAY, 10)
    # THEN the fall is a warning, published
    assert tonight["success"], tonight["blocking"]
    assert "volume_drop" in [check["rule"] for check in tonight["warnings"]]
    # AND a timeline that comes back empty is a broken extractor: it blocks
    empty = night(DAY + dt.timedelta(days=1), 0)
    assert [check["rule"] for check in empty["blocking"]] == ["volume_collapse"]


def test_an_account_whose_extraction_failed_is_a_recorded_reason_not_a_block(settings):
    # GIVEN LinkedIn's manifest records its stream as failed (the extractor's error), Mastodon loaded
    land_good_night(settings, DAY)
    landing = settings.data / "landing"
    manifest = manifest_file(landing, "linkedin", DAY, LINKEDIN)
    content = json.loads(manifest.read_text())
    content["streams"]["share_statistics"].update(status="failed", error="HTTP 500")
    manifest.write_text(json.dumps(content))
    # WHEN loaded
    pipeline.load(DAY, "run-1", settings)
    # THEN it is a warning (published, flagged), not a block
    raw = json.loads((validation_dir(settings.data, DAY) / "raw.json").read_text())
    assert raw["success"] and [check["rule"] for check in raw["warnings"]] == ["account_not_loaded"]


def _marts(con, engagements_posts: list[tuple], engagements_account: list[tuple], accounts: list[str]) -> None:
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.fct_post_performance as select * from (values "
                + ", ".join(f"('{key}', '{day}'::date, {value}, {value})" for key, day, value in engagements_posts)
                + ") as t(account_key, date_day, engagements_gained, engagements)")
    con.execute("create or replace table marts.fct_account_daily as select * from (values "
                + ", ".join(f"('{key}', '{day}'::date, {value})" for key, day, value in engagements_account)
                + ") as t(account_key, date_day, engagements_gained)")
    con.execute("create or replace table marts.dim_accounts as select unnest(?::varchar[]) as account_key",
                [accounts])


def _passing_raw(report_dir: Path) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "raw.json").write_text(json.dumps({"blocking": [], "warnings": [], "quarantined": {}}))


def test_cross_mart_reconciliation_blocks_disagreeing_engagements_and_a_missing_account(tmp_path):
    con = duckdb.connect()
    report = tmp_path / "validation"
    _passing_raw(report)
    # GIVEN marts that agree: the gate passes
    _marts(con, [("x:1", DAY, 5), ("x:1", DAY, 7)], [("x:1", DAY, 12)], ["x:1"])
    validate_marts(con, DAY, 3, report, accounts=["x:1"], suites=())
    # WHEN the account's day says 11 while its posts gained 12, and a configured account is absent
    _marts(con, [("x:1", DAY, 5), ("x:1", DAY, 7)], [("x:1", DAY, 11)], ["x:1"])
    with pytest.raises(GateFailed) as failed:
        validate_marts(con, DAY, 3, report, accounts=["x:1", "y:2"], suites=())
    # THEN both are named
    assert "engagements_disagree" in str(failed.value) and "account_missing" in str(failed.value)


def _one_suite(*expectations) -> tuple:
    return (Suite(mart="fct_account_daily", slice_sql="select * from marts.fct_account_daily",
                  expectations=lambda: expectations),)


def test_a_warning_is_published_and_flagged_but_an_expectation_that_raises_fails_closed(tmp_path):
    import great_expectations as gx

    con = duckdb.connect()
    report = tmp_path / "validation"
    _passing_raw(report)
    _marts(con, [("x:1", DAY, 5)], [("x:1", DAY, 5)], ["x:1"])
    # GIVEN a warning expectation that fails: the gate passes, the warning is in the results
    validate_marts(con, DAY, 3, report, suites=_one_suite(gx.expectations.ExpectColumnValuesToBeBetween(
        column="engagements_gained", max_value=1, severity="warning")), reconcile=False)
    results = json.loads((report / "validation.json").read_text())
    assert results["success"] and len(results["warnings"]) == 1
    # WHEN an expectation raises inside GX (a column that is not there), even one that would only warn
    with pytest.raises(GateFailed, match="no_such_column"):
        validate_marts(con, DAY, 3, report, suites=_one_suite(gx.expectations.ExpectColumnValuesToBeBetween(
            column="no_such_column", min_value=0, severity="warning")), reconcile=False)
    # THEN the gate failed closed and says why
    results = json.loads((report / "validation.json").read_text())
    check = results["marts"]["fct_account_daily"]["checks"][0]
    assert not results["success"] and check["exception"] and check["severity"] == "critical"


def test_the_gate_fails_closed_when_the_raw_suites_never_ran(tmp_path):
    con = duckdb.connect()
    _marts(con, [("x:1", DAY, 5)], [("x:1", DAY, 5)], ["x:1"])
    with pytest.raises(GateFailed, match="raw suites: no results"):
        validate_marts(con, DAY, 3, tmp_path / "validation", suites=(), reconcile=False)


def test_the_terminal_line_of_the_load_names_the_raw_suites(settings):
    from types import SimpleNamespace

    from warehouse.progress import describe

    # GIVEN a night with a negative counter WHEN loaded
    land(settings, DAY, "mastodon", MASTODON, {"statuses": [status("good"), status("bad", favourites_count=-1)]})
    summary = pipeline.load(DAY, "run-1", settings)
    # THEN the stage's line counts the raw tables (not the raw suites' summary) and the rejected row
    line = describe("load", [SimpleNamespace(state="success")], [summary])
    assert line.startswith("2 rows into 1 raw tables, 0 quarantined; raw suites in ")
    assert "1 rows rejected, 0 schema drift finding(s), BLOCKING: missing_account" in line


def test_the_accounts_reconciled_with_the_marts_leave_out_web_analytics_properties():
    # GIVEN the demo's configuration: social accounts and a GA4 property per brand
    settings = load_settings(PROJECT_ROOT / "warehouse.yml")
    keys = pipeline.mart_account_keys(settings)
    # THEN every social account is expected in dim_accounts and fct_account_daily, a GA4 property never (it has
    # no row there by design: its sessions reach rpt_conversions)
    assert keys and not any(key.startswith("ga4:") for key in keys)
    assert len(keys) == sum(1 for _, account in settings.accounts() if account.platform != "ga4")
    assert any(account.platform == "ga4" for _, account in settings.accounts())
