"""Recorded answers, landed by the extractors, loaded and staged by dbt: the fields the extractors now land
differently reach staging as the metric contract reads them (account insights in either documented form,
LinkedIn's follower total, Mastodon's text)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import httpx
import pytest
from replay_api import (
    FIXTURES,
    INSTAGRAM_KEY,
    MASTODON_KEY,
    PLATFORM_TESTS,
    RECORDED_CONTEXT,
    SNAPSHOT,
    dbt_run,
    environment,
    instagram_routes,
    mastodon_routes,
    run,
)

from core.config import Settings
from core.landing import write_manifest, write_stream
from core.paths import landing_dir, manifest_file, stream_file
from extractors.linkedin import FollowerStatistics, LinkedInClient
from extractors.mastodon import with_text
from loader.load import load_date

LINKEDIN = PLATFORM_TESTS / "platform_linkedin" / "payloads"
MODELS = ["stg_instagram__user_insights", "stg_instagram__follower_demographics",
          "stg_linkedin__follower_statistics", "stg_mastodon__statuses",
          "stg_mastodon__replies", "stg_mastodon__mentions", "stg_mastodon__hashtag_statuses"]
NEXT_NIGHT = SNAPSHOT + dt.timedelta(days=1)
# Three organizations: with networkSizes; without it; without it and without the country facet.
ORGS = {"81234202": "with-network-size", "81234303": "no-network-size", "81234404": "no-country-facet"}


def settings_with_linkedin() -> Settings:
    return Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "lookback_days": 28, "source": "api"},
        "brands": [{
            "brand_id": "maison_lumiere", "name": "Maison Lumière", "timezone": "Europe/Paris", "language": "fr",
            "accounts": [
                {"platform": "instagram", "account_id": INSTAGRAM_KEY.split(":")[1], "handle": "maisonlumiere",
                 "connection_id": "instagram_maison_lumiere", "base_url": "https://graph.facebook.com"},
                {"platform": "mastodon", "account_id": MASTODON_KEY.split(":")[1], "handle": "maisonlumiere",
                 "connection_id": "mastodon_maison_lumiere", "base_url": "https://mastodon.social"},
                *({"platform": "linkedin", "account_id": org, "handle": f"org{org}", "connection_id": f"li_{org}"}
                  for org in ORGS),
            ],
        }],
    })


def land(settings: Settings, platform: str, account_id: str, day: dt.date, streams: dict[str, list]) -> None:
    """Land records (record, parent id) as the extractors do, with a manifest."""
    landing = landing_dir(settings.data)
    listed = {name: {**write_stream(stream_file(landing, platform, name, day, account_id), records),
                     "status": "complete"} for name, records in streams.items()}
    write_manifest(manifest_file(landing, platform, day, account_id),
                   {"platform": platform, "account_id": account_id, "logical_date": day.isoformat(),
                    "streams": listed})


def linkedin_statistics(org: str, case: str) -> list:
    """What the follower statistics stream lands for one organization, from the recorded answers."""
    statistics = (LINKEDIN / "follower_statistics.json").read_text().replace("81234202", org)
    if case == "no-country-facet":
        body = json.loads(statistics)
        del body["elements"][0]["followerCountsByGeoCountry"]
        statistics = json.dumps(body)
    answers = [httpx.Response(200, content=statistics.encode())]
    answers.append(httpx.Response(200, content=(LINKEDIN / "network_size.json").read_bytes())
                   if case == "with-network-size"
                   else httpx.Response(403, content=(LINKEDIN / "network_size_forbidden.json").read_bytes()))
    client = LinkedInClient(settings_with_linkedin().account(f"linkedin:{org}")[1], "t",
                            transport=httpx.MockTransport(lambda request: answers.pop(0)))
    return list(FollowerStatistics().records(client, RECORDED_CONTEXT, []))


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The recorded night (and the night after it) landed, loaded into a warehouse of their own, and staged."""
    root = tmp_path_factory.mktemp("staged")
    with environment(SMW_DATA_DIR=str(root / "data"), SMW_WAREHOUSE=str(root / "warehouse.duckdb"),
                     SMW_CONN_INSTAGRAM_MAISON_LUMIERE="token", SMW_CONN_MASTODON_MAISON_LUMIERE="token"):
        settings = settings_with_linkedin()
        # the recorded night through the extractors: Instagram's account insights as day totals; Mastodon's
        # statuses with HTML entities and link spans, its replies, mentions and hashtag statuses
        run(INSTAGRAM_KEY, instagram_routes(), [])
        run(MASTODON_KEY, mastodon_routes(), [], lookback_days=28)
        for org, case in ORGS.items():
            land(settings, "linkedin", org, SNAPSHOT, {"follower_statistics": linkedin_statistics(org, case)})
        # the night after: account insights as a time series (two days in values[]); a status with entities,
        # a mention, a hashtag and a long link, as the extractor lands it, and one landed as statuses were
        # before the extractor added their text
        series = json.loads((FIXTURES / "instagram" / "user_insights_series.json").read_text())["data"]
        crossed = json.loads((FIXTURES / "instagram" / "follower_demographics" / "crossed_age_gender.json")
                             .read_text())["data"]
        gender = json.loads((FIXTURES / "instagram" / "follower_demographics" / "gender.json").read_text())["data"]
        land(settings, "instagram", INSTAGRAM_KEY.split(":")[1], NEXT_NIGHT,
             {"user_insights": [(item, INSTAGRAM_KEY.split(":")[1]) for item in series],
              "follower_demographics": [(crossed[0], "age"), (gender[0], "gender")]})
        rich = json.loads((FIXTURES / "mastodon" / "statuses" / "html_entities.json").read_text())["body"][0]
        old = json.loads((FIXTURES / "mastodon" / "statuses" / "page_1.json").read_text())["body"][0]
        land(settings, "mastodon", MASTODON_KEY.split(":")[1], NEXT_NIGHT,
             {"statuses": [(with_text(rich), None), (old, None)]})
        for day in (SNAPSHOT, NEXT_NIGHT):
            load_date(settings, day, "run-1")
        dbt_run(root, MODELS)
        con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
        yield con
        con.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_account_insights_stage_every_day_of_a_series_and_the_day_of_a_total(staged):
    # GIVEN account insights landed as day totals (reach and views, total_value) on the recorded night, and
    # as a time series of two days (values[]) on the next
    # WHEN staged THEN each total is the value of the logical date, and each element of values[] its own day
    assert rows(staged, """
        select snapshot_date, metric_name, metric_date, metric_value from staging.stg_instagram__user_insights
        order by snapshot_date, metric_name, metric_date""") == [
        (SNAPSHOT, "reach", SNAPSHOT, 1843), (SNAPSHOT, "views", SNAPSHOT, 5210),
        (NEXT_NIGHT, "reach", SNAPSHOT - dt.timedelta(days=1), 1702), (NEXT_NIGHT, "reach", SNAPSHOT, 1843)]


def test_instagram_follower_demographics_stage_one_row_per_breakdown_value_never_crossed(staged):
    # GIVEN the recorded night's four breakdowns (one call each), and on the next night a gender breakdown and a
    # crossed age x gender one (as `breakdown=age,gender` answers)
    # WHEN staged THEN each breakdown value is a row with its followers, accents and commas kept
    found = rows(staged, f"""
        select dimension, dimension_value, followers from staging.stg_instagram__follower_demographics
        where snapshot_date = '{SNAPSHOT}' order by dimension, followers desc""")
    assert [row for row in found if row[0] == "city"][:2] == [
        ("city", "Paris, Île-de-France", 1674), ("city", "Lyon, Auvergne-Rhône-Alpes", 781)]
    assert {row[0]: 0 for row in found} == {"age": 0, "city": 0, "country": 0, "gender": 0}
    assert sum(followers for dimension, _, followers in found if dimension == "gender") == 10488
    assert len([row for row in found if row[0] == "age"]) == 7
    # AND the crossed breakdown is left out: its pairs are not single buckets
    assert rows(staged, f"""
        select distinct dimension from staging.stg_instagram__follower_demographics
        where snapshot_date = '{NEXT_NIGHT}'""") == [("gender",)]


def test_linkedin_followers_are_the_network_size_or_any_facet_present_never_organic_plus_paid(staged):
    # GIVEN three organizations' statistics: with networkSizes (24,310), without it (the country facet's organic
    # counts sum to 23,775 and already include the 489 paid), and without it nor the country facet
    # WHEN staged THEN the total is networkSizes', else the largest facet's organic sum: paid never added twice
    assert rows(staged, """
        select account_key, network_followers, followers from staging.stg_linkedin__follower_statistics
        order by account_key""") == [
        ("linkedin:81234202", 24310, 24310), ("linkedin:81234303", None, 23775), ("linkedin:81234404", None, 9700)]


def test_mastodon_text_is_staged_decoded_with_links_whole(staged):
    # GIVEN statuses landed with their plain text (and one landed before the extractor added it)
    # WHEN staged THEN the text is the decoded one, the link one word with its UTM tags readable
    texts = dict(rows(staged, f"select status_id, post_text from staging.stg_mastodon__statuses "
                              f"where snapshot_date = '{NEXT_NIGHT}'"))
    assert texts["113300000000000009"] == (
        "L'atelier & la boutique : \"portes ouvertes\" avec @lea #EclatDautomne\n\n"
        "Réservez : https://shop.example/p?utm_source=mastodon&utm_medium=social&utm_campaign=automne_2026"
        "&utm_content=md-9\nÀ samedi")
    # AND a status landed without it falls back to the HTML, tags stripped (the entities stay)
    assert texts["113300000000000006"].startswith("La collection d&#39;automne est en ligne")
    (recorded,) = rows(staged, "select post_text from staging.stg_mastodon__statuses "
                               f"where snapshot_date = '{SNAPSHOT}' and status_id = '113300000000000006'")
    assert recorded == ("La collection d'automne est en ligne ✨ "
                        "https://shop.example/p?utm_source=mastodon&utm_medium=social&utm_content=md-6",)
    replies = dict(rows(staged, "select status_id, reply_text from staging.stg_mastodon__replies"))
    assert replies["113300000000090004"] == "J'adore"
    (tagged,) = rows(staged, "select status_text, status_text_tight from staging.stg_mastodon__hashtag_statuses")
    assert tagged == ("Premier feu de cheminée #EclatDautomne", "Premier feu de cheminée #EclatDautomne")
    mentions = dict(rows(staged, "select status_id, status_text from staging.stg_mastodon__mentions"))
    assert mentions["113345000000000041"] == "@maisonlumiere vos bougies sentent divinement bon"
