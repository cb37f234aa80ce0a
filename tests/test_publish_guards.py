"""Publishing never goes backwards, records whether the night was complete, and cleans up after a crash."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import textwrap

import duckdb
import pytest
from test_publish import make_warehouse

from publishing.publish import PublishRefused, publish_marts

OCT = dt.date(2026, 10, 1)


def publication(target) -> tuple:
    con = duckdb.connect(str(target), read_only=True)
    try:
        return con.execute("select logical_date, run_id, complete, stale_accounts, backfill "
                           "from marts._publication").fetchone()
    finally:
        con.close()


def test_an_older_night_is_not_published_over_a_newer_one_unless_it_is_a_backfill(tmp_path):
    # GIVEN the night of 3 October published
    working, published = tmp_path / "working.duckdb", tmp_path / "published"
    make_warehouse(working, 3)
    target = publish_marts(working, published, OCT + dt.timedelta(days=2), "scheduled__2026-10-03")
    # WHEN a run for 2 October (a late scheduled run, a re-run) comes to publish
    make_warehouse(working, 2)
    with pytest.raises(PublishRefused, match=r"2026-10-02 is older than the night already published \(2026-10-03\)"):
        publish_marts(working, published, OCT + dt.timedelta(days=1), "scheduled__2026-10-02")
    # THEN the published marts stay those of 3 October
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("select metric from marts.fct_example").fetchone() == (3,)
    con.close()
    assert publication(target)[:2] == (OCT + dt.timedelta(days=2), "scheduled__2026-10-03")
    # AND the same night again, or a later one, is published
    publish_marts(working, published, OCT + dt.timedelta(days=2), "manual__rerun")
    assert publication(target)[:2] == (OCT + dt.timedelta(days=2), "manual__rerun")
    # AND a backfill publishes the older night, saying it is one
    publish_marts(working, published, OCT + dt.timedelta(days=1), "backfill__2026-10-02", backfill=True)
    assert publication(target)[0] == OCT + dt.timedelta(days=1) and publication(target)[4] is True


def test_the_publication_says_which_accounts_are_stale(tmp_path):
    # GIVEN a night where one account loaded whole, one had a stream fail to extract, one's load did not load a
    # stream, and one was not loaded at all
    working, published = tmp_path / "working.duckdb", tmp_path / "published"
    make_warehouse(working, 1)
    con = duckdb.connect(str(working))
    con.execute("""create table raw._loads (platform varchar, stream varchar, _logical_date date, _account_id varchar,
                   stream_status varchar, load_status varchar)""")
    con.executemany("insert into raw._loads values (?, ?, ?, ?, ?, ?)", [
        ("instagram", "media", OCT, "1", "complete", "loaded"), ("instagram", "comments", OCT, "1", "complete", None),
        ("x", "tweets", OCT, "2", "complete", "loaded"), ("x", "mentions", OCT, "2", "failed", "loaded"),
        ("mastodon", "statuses", OCT, "3", "complete", "held"),
        ("bluesky", "posts", OCT - dt.timedelta(days=1), "4", "complete", "loaded"),
    ])
    con.close()
    accounts = ["instagram:1", "x:2", "mastodon:3", "bluesky:4"]
    # WHEN it is published
    target = publish_marts(working, published, OCT, "run-1", accounts=accounts)
    # THEN marts._publication says the night is incomplete, and names the stale accounts
    assert publication(target)[2:4] == (False, "bluesky:4,mastodon:3,x:2")
    # AND a night where every account loaded is complete
    target = publish_marts(working, published, OCT, "run-2", accounts=["instagram:1"])
    assert publication(target)[2:4] == (True, "")


def test_the_litter_of_a_publish_killed_half_way_is_removed_by_the_next(tmp_path, caplog):
    # GIVEN a publish killed with -9 while writing its file aside (it leaves the file and its write-ahead log)
    working, published = tmp_path / "working.duckdb", tmp_path / "published"
    make_warehouse(working, 1)
    published.mkdir()
    aside = published / ".warehouse.scheduled__2026-10-01T00_00_00+00_00.duckdb"
    killed = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import os, signal, duckdb
        con = duckdb.connect({str(aside)!r})
        con.execute("pragma disable_checkpoint_on_shutdown")
        con.execute("set checkpoint_threshold = '1TB'")
        con.execute("create table half_written as select range as i from range(100000)")
        os.kill(os.getpid(), signal.SIGKILL)
    """)])
    assert killed.returncode == -9
    litter = sorted(path.name for path in published.iterdir())
    assert litter == [aside.name, aside.name + ".wal"]
    # WHEN the next run publishes
    with caplog.at_level(logging.WARNING, logger="publishing.publish"):
        publish_marts(working, published, dt.date(2026, 10, 2), "scheduled__2026-10-02")
    # THEN the litter is gone, and the log says it was removed
    assert sorted(path.name for path in published.iterdir() if path.name.startswith(".warehouse.")) == []
    assert f"removed the leftovers of an interrupted publish: {aside.name}, {aside.name}.wal" in caplog.text
