"""The brand reports on small hand-made marts: the period comparisons, the sections' figures and their words for
what the marts lack, the pages, the index and the PDF."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest

from core import paths
from core.config import Settings
from publishing.report import figures, pages, write_report
from publishing.report.figures import Window, compare
from warehouse.pipeline import publish

DAY = dt.date(2026, 12, 7)  # a Monday
FIRST = DAY - dt.timedelta(days=69)


# ------------------------------------------------------------------------------------------- pure parts


def test_windows_are_stated_exactly():
    week = Window.ending(DAY, 7)
    assert (week.start, week.end, week.days) == (dt.date(2026, 12, 1), DAY, 7)
    assert week.before() == Window(dt.date(2026, 11, 24), dt.date(2026, 11, 30))
    assert Window.ending(DAY, 28).before() == Window(dt.date(2026, 10, 13), dt.date(2026, 11, 9))
    assert week.label() == "1–7 Dec 2026"
    assert week.before().label() == "24–30 Nov 2026"
    assert Window(dt.date(2026, 12, 29), dt.date(2027, 1, 4)).label() == "29 Dec 2026 – 4 Jan 2027"


@pytest.mark.parametrize(("current", "previous", "kind", "since", "change", "note"), [
    pytest.param(150.0, 100.0, "count", FIRST, 0.5, None, id="count: relative change"),
    pytest.param(0.05, 0.04, "rate", FIRST, pytest.approx(0.01), None, id="rate: difference in points"),
    pytest.param(-0.2, 0.1, "score", FIRST, pytest.approx(-0.3), None, id="score: difference"),
    pytest.param(10.0, 0.0, "count", FIRST, None, "no relative change from 0", id="count from zero"),
    pytest.param(10.0, 5.0, "count", DAY - dt.timedelta(days=10), None, "no data for the whole 7 days before",
                 id="the period before not covered"),
    pytest.param(None, 5.0, "count", FIRST, None, "unknown for this period", id="unknown now"),
    pytest.param(3.0, None, "rate", FIRST, None, "unknown for the 7 days before", id="unknown before"),
])
def test_period_comparisons(current, previous, kind, since, change, note):
    compared = compare(Window.ending(DAY, 7), current, previous, kind, since)
    assert compared.change == change
    assert (compared.note or "").startswith(note or "")
    assert (compared.note is None) == (note is None)


@pytest.mark.parametrize(("value", "shown"), [(0.0421, "4.21 %"), (0.35, "35.0 %"), (None, "n/a"), (12345.6, "12,346")])
def test_numbers_are_formatted_for_people(value, shown):
    assert (pages.percent(value) if shown.endswith("%") else pages.count(value)) == shown


def test_text_excerpts_and_durations():
    text = "Nouveau drop\n 12/11 #mode https://shop.example/p?utm_source=x&utm_content=x_1 " + "très " * 40
    assert pages.excerpt(text).startswith("Nouveau drop 12/11 #mode shop.example/… très")
    assert len(pages.excerpt(text)) <= 140 and pages.excerpt(text).endswith("…")
    assert pages.excerpt(None) == "(no text)"
    assert [pages.minutes(m) for m in (42, 125, 1500, None)] == ["42 min", "2 h 05 min", "1 d 1 h", "n/a"]


# --------------------------------------------------------------------------------------- hand-made marts


def make_marts(path) -> None:
    """Two brands: acme on Instagram (reach, comments) and TikTok (no comments read), with GA4 sessions and a
    campaign; solo on Mastodon alone, without web analytics. 70 days ending DAY; the last 7 days differ from the
    days before so that the changes are known: acme's Instagram gains 20 engagements a day in the last 7 days,
    10 before; TikTok 5 a day throughout."""
    con = duckdb.connect(str(path))
    con.execute(f"""
        create schema marts;
        create table marts.dim_accounts as select * from (values
            ('instagram:1', 'acme', 'instagram', 'acme', 'Acme'),
            ('tiktok:2', 'acme', 'tiktok', 'acme.tok', 'Acme'),
            ('mastodon:3', 'solo', 'mastodon', 'solo', 'Solo <Brand>'))
            as accounts(account_key, brand_id, platform, handle, brand_name);
        create table marts.fct_account_daily as
            select accounts.account_key, accounts.brand_id, accounts.platform, days.date_day,
                   1000 as followers, 2 as follower_growth,
                   null::bigint as impressions,
                   case when accounts.platform = 'instagram' then 300 end as reach,
                   case when accounts.platform = 'tiktok' then 5
                        when days.date_day > DATE '{DAY}' - 7 then 20 else 10 end as engagements_gained,
                   case when accounts.platform = 'tiktok' then 5
                        when days.date_day > DATE '{DAY}' - 7 then 20 else 10 end / 1000 as engagement_rate
            from marts.dim_accounts as accounts
            cross join (select cast(range as date) as date_day
                        from range(DATE '{FIRST}', DATE '{DAY}' + 1, interval 1 day)) as days;
        create table marts.rpt_sentiment_daily as
            select account_key, date_day, 'all' as language, 10 as items,
                   case when date_day > DATE '{DAY}' - 7 then 6 else 5 end as positive_items,
                   2 as negative_items, 2 as neutral_items, null::double as unscored_items,
                   (case when date_day > DATE '{DAY}' - 7 then 6 else 5 end - 2) / 10 as net_sentiment
            from marts.fct_account_daily where platform <> 'tiktok';
        create table marts.rpt_community_response as
            select account_key, date_day, 10 as inbound_items, 7 as responded_within_24h, 0.7 as response_rate
            from marts.fct_account_daily where platform <> 'tiktok';
        create table marts.fct_interactions as
            select account_key, brand_id, true as is_inbound, date_day as created_date,
                   30.0 + 10 * (dayofmonth(date_day) % 3) as first_response_minutes
            from marts.fct_account_daily where platform <> 'tiktok';
        create table marts.dim_posts as
            select 'instagram:p' || n as post_key, 'instagram:1' as account_key, 'instagram' as platform,
                   'acme' as brand_id, DATE '{DAY}' - 7 - n::integer as published_date,
                   case when n % 2 = 0 then 'image' else 'video' end as content_type,
                   'Post number ' || n || ' <b>bold</b> https://acme.example/p?utm_content=instagram_p' || n
                       as post_text,
                   'https://www.instagram.com/p/acme' || n || '/' as permalink,
                   100 + n as engagements_d7, (100 + n) / 1000 as engagement_rate_d7, 900 as reach_d7,
                   null::bigint as impressions_d7, 0.3 as baseline_engagement_rate_d7, n = 3 as is_underperforming
            from range(0, 12) as posts(n);
        create table marts.rpt_best_time_to_post as
            select accounts.account_key, weekday, hour, case when hour = 9 then 4 else 0 end as posts,
                   case when hour = 9 then 0.01 * weekday end as median_engagement_rate_d7,
                   weekday = 7 and hour = 9 as is_best_slot
            from marts.dim_accounts as accounts, range(1, 8) as weekdays(weekday), range(0, 24) as hours(hour)
            where accounts.platform = 'instagram';
        create table marts.rpt_content_type_performance as select * from (values
            ('instagram:1', 'video', 6, 0.12, 0.1, 0.2, 1), ('instagram:1', 'image', 6, 0.08, 0.1, -0.2, 2))
            as types(account_key, content_type, posts, median_engagement_rate_d7,
                     account_median_engagement_rate_d7, lift, rank_in_account);
        create table marts.rpt_alerts as select * from (values
            ('instagram:1', 'acme', 'negative_spike', DATE '{DAY}' - 3, 4.5, 30.0, 8.0))
            as alerts(account_key, brand_id, alert_type, date_day, severity, observed_value, baseline_value);
        create table marts.rpt_conversions as
            select 'platform' as grain, date_day as session_date, 'acme' as brand_id, 'instagram' as platform,
                   null as utm_campaign, null as post_key, 40 as sessions, 2 as conversions, 50.0 as revenue
            from marts.fct_account_daily where account_key = 'instagram:1'
            union all
            select 'campaign', date_day, 'acme', null, 'spring_26', null, 10, 1, 20.0
            from marts.fct_account_daily where account_key = 'instagram:1' and date_day > DATE '{DAY}' - 7
            union all
            select 'post', DATE '{DAY}' - 2, 'acme', 'instagram', null, 'instagram:p1', 12, 3, 30.0;
        create table marts.rpt_campaigns as
            select 'spring' as campaign_id, 'acme' as brand_id, 'spring_26' as utm_campaign, date_day,
                   DATE '{DAY}' - 13 as start_date, DATE '{DAY}' + 20 as end_date, 3 as posts,
                   1 as posts_mentioning_brand, 1 as influencer_posts, 2 as distinct_authors, 40 as engagements
            from marts.fct_account_daily where account_key = 'instagram:1' and date_day > DATE '{DAY}' - 14;
        create table marts.rpt_influencers as select * from (values
            ('acme', 'maya', 'instagram', 'micro', 20000, 'spring', 2, 800, 0.02, 300.0, 0.375, 'USD',
             TIMESTAMP '2026-12-01 10:00:00', TIMESTAMP '2026-12-03 10:00:00'))
            as influencers(brand_id, handle, platform, tier, followers, campaign_id, posts, engagements,
                           engagement_rate, fee_allocated, cost_per_engagement, currency, first_post_at_utc,
                           last_post_at_utc);
        create table marts.rpt_content_feature_performance as select * from (values
            ('instagram:1', 'comment_cta', 6, 6, 0.15, 0.1, 0.5, 1.25), ('instagram:1', 'contest', 2, 10, 0.2, 0.1,
             null, null), ('instagram:1', 'question', 0, 12, null, 0.1, null, null))
            as features(account_key, feature, posts_with, posts_without, median_engagement_rate_d7_with,
                        median_engagement_rate_d7_without, engagement_rate_lift, conversation_rate_lift);
        create table marts.rpt_advocates as select * from (values
            ('acme', '0123456789abcdef', 1, 14, 12, 0, 2, 0.5, 9, true, DATE '{DAY}' - 89, DATE '{DAY}'),
            ('acme', 'fedcba9876543210', 2, 6, 6, 0, 0, -0.25, 4, false, DATE '{DAY}' - 89, DATE '{DAY}'))
            as members(brand_id, author_id_hash, member_rank, inbound_items, comments, replies, mentions,
                       net_sentiment, posts_engaged, is_advocate, window_start_date, window_end_date);
        create table marts.rpt_audience as select * from (values
            ('instagram:1', DATE '{DAY}' - 1, 'country', 'urn:li:geo:105015875', 600, 0.6),
            ('instagram:1', DATE '{DAY}', 'country', 'urn:li:geo:105015875', 610, 0.61),
            ('instagram:1', DATE '{DAY}', 'seniority', 'urn:li:seniority:4', 300, 0.3))
            as audience(account_key, date_day, dimension, dimension_value, followers, share_of_followers);
        create table marts.rpt_competitor_benchmark as select * from (values
            ('acme', 'instagram', 'instagram:1', true, 'acme', 'Acme', 1000, 20, 3, 150.0, 0.15),
            ('acme', 'instagram', 'instagram:9', false, 'rival_co', 'Rival Co', 5000, -10, 4, 200.0, 0.04),
            ('acme', 'instagram', 'instagram:8', false, 'quiet', 'Quiet', 800, null, 0, null, null))
            as rows(brand_id, platform, account_key, is_own, handle, display_name, followers, follower_growth,
                    posts_published, engagements_per_post, engagement_rate_by_followers),
            -- DAY is a Monday: the last full week is the one before
            (select DATE '{DAY}' - 7 as week_start, DATE '{DAY}' - 1 as week_end, DATE '{DAY}' - 1 as followers_as_of);
        create table marts.fct_story_performance as select * from (values
            ('instagram:1', DATE '{DAY}' - 1, true, 1000, 800, 0.8, 0.1, 5),
            ('instagram:1', DATE '{DAY}' - 3, true, 600, 500, 0.7, 0.12, 3),
            ('instagram:1', DATE '{DAY}' - 10, true, 200, 150, 0.9, 0.05, 1),
            ('instagram:1', DATE '{DAY}' - 40, true, 9999, 9999, 0.1, 0.9, 99))
            as stories(account_key, published_date, has_insights, views, reach, completion_rate, exit_rate, replies);
        create table marts.rpt_trending_hashtags as select * from (values
            ('acme', '#spring', DATE '{DAY}', 14, 4, 2.5, true, 1))
            as tags(brand_id, hashtag, week_start, uses, uses_week_before, growth, is_trending, trend_rank);
    """)
    con.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    warehouse = folder / "published" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    make_marts(warehouse)
    validation = folder / "validation.json"
    validation.write_text(json.dumps({"logical_date": DAY.isoformat(), "success": True, "marts": {
        "fct_account_daily": {"rows": 140, "passed": 12, "failed": 0, "checks": []}}}))
    reports = folder / "published" / "reports"
    day_page = write_report(warehouse, reports, DAY, validation=validation, pdf=False)
    return folder, warehouse, reports, day_page


def tile(page: str, kpi: str, days: int) -> tuple[str, str]:
    found = re.search(rf'data-kpi="{kpi}" data-days="{days}" data-value="([^"]*)" data-previous="([^"]*)"', page)
    assert found, (kpi, days)
    return found.group(1), found.group(2)


def test_the_headline_compares_each_kpi_with_the_periods_before(published):
    _, warehouse, _, _ = published
    con = duckdb.connect(str(warehouse), read_only=True)
    acme = next(brand for brand in figures.brands(con) if brand.brand_id == "acme")
    tiles = {item.kpi.key: item for item in figures.headline(con, acme, DAY)}
    con.close()
    week = tiles["engagements"].comparisons[0]
    # 7 x 20 on Instagram + 7 x 5 on TikTok, against 7 x 10 + 7 x 5
    assert (week.current, week.previous, week.change) == (175, 105, pytest.approx(175 / 105 - 1))
    # the rate over the brand's account-days: (140 + 35) / (14 x 1000), against (70 + 35) / 14000
    rate = tiles["engagement_rate"].comparisons[0]
    assert (rate.current, rate.previous) == (pytest.approx(0.0125), pytest.approx(0.0075))
    assert rate.change == pytest.approx(0.005)
    # reach is Instagram's alone, and the tile says TikTok is left out
    assert tiles["reach"].comparisons[1].current == 28 * 300
    assert tiles["reach"].coverage == "Counts Instagram; not TikTok."
    # impressions are reported by none: said in words
    assert tiles["impressions"].missing and all(c.current is None for c in tiles["impressions"].comparisons)
    # sentiment and response count the accounts whose comments are read
    assert tiles["net_sentiment"].comparisons[0].current == pytest.approx(0.4)
    assert tiles["net_sentiment"].coverage == "Counts Instagram; not TikTok."
    assert tiles["response_rate"].comparisons[1].current == pytest.approx(0.7)
    assert tiles["sessions"].comparisons[0].current == 7 * 40
    assert tiles["follower_growth"].comparisons[1].change == 0


def test_each_brand_has_its_page_and_says_what_the_marts_lack(published):
    folder, _, reports, day_page = published
    acme = paths.brand_report_file(reports, DAY, "acme").read_text()
    solo = paths.brand_report_file(reports, DAY, "solo").read_text()
    # the figures carried into the page, raw, for machines, and formatted for people
    assert tile(acme, "engagements", 7) == ("175.0", "105.0")
    assert tile(acme, "engagement_rate", 28)[0] == repr((28 * 5 + 7 * 20 + 21 * 10) / 56000)
    assert "+66.7 %</span> vs the 7 before (105)" in acme
    assert "last 7 days vs the 7 before" in acme and "1–7 Dec 2026" in acme and "24–30 Nov 2026" in acme
    # the posts by their text, date, type, account and link, never by internal id
    assert "Post number 11 &lt;b&gt;bold&lt;/b&gt; acme.example/…" in acme
    assert 'href="https://www.instagram.com/p/acme11/"' in acme and "instagram:p11" not in acme
    assert "TikTok @acme.tok" in acme
    # what is unknown is said, never drawn as zero
    assert "No scored comments, replies or mentions (the warehouse does not read them there, or none came in) on: " \
           "TikTok @acme.tok." in acme
    assert "None of the brand&#39;s platforms reports an account&#39;s impressions." in acme
    assert "No web analytics (GA4) for this brand" in solo and "No campaign of this brand ran" in solo
    assert tile(solo, "sessions", 7) == ("", "")
    # the best slot, the crisis, the campaign, the influencer, the hashtag and the gate are there
    assert "Sunday 09:00–10:00" in acme and "crisis: negative spike" in acme
    assert 'data-campaign="spring"' in acme and "@maya (Instagram)" in acme and "#spring" in acme
    assert 'data-kpi="quality_gate" data-value="passed"' in acme and 'href="../validation.json"' in acme
    # the content features with their lifts (a feature no post carries is left out), and the advocates only
    assert re.search(r'data-feature="comment_cta">.*?Asks for comments.*?data-value="0.5">\+50.0 %.*?'
                     r'data-value="1.25">\+125.0 %', acme, re.S)
    assert 'data-feature="contest"' in acme and 'data-feature="question"' not in acme
    assert 'data-member="01234567"' in acme and "fedcba98" not in acme and "0123456789abcdef" not in acme
    assert "No community member with a positive net sentiment" in solo
    # the audience of the latest breakdown only, by dimension
    assert re.search(r'data-dimension="country" data-value="urn:li:geo:105015875">.*?Country.*?data-value="610">'
                     r'.*?61.0', acme, re.S) and 'data-value="600"' not in acme
    assert 'data-dimension="seniority"' in acme and "follower demographics the warehouse reads" in solo
    # the stories of the 28 days: medians of each story's last capture (the one of 40 days ago left out)
    assert re.search(r'data-row="stories" data-account="Instagram @acme">.*?data-col="stories" data-value="3">3<.*?'
                     r'data-col="median_views" data-value="600.0">600<.*?data-col="median_completion_rate" '
                     r'data-value="0.8">80.0 %<.*?data-col="median_exit_rate" data-value="0.1">10.0 %<.*?'
                     r'data-col="replies" data-value="9">9<', acme, re.S)
    assert "No story published in" in solo
    # the competitors of the last full week, ranked by engagement rate per follower; the brand's own in bold,
    # a rival by its name and handle; a rival without posts last
    ranked = re.findall(r'data-row="benchmark" data-account="([^"]+)"', acme)
    assert ranked == ["instagram:1", "instagram:9", "instagram:8"]
    assert re.search(r'data-account="instagram:1" data-own="yes" class="own">.*?<strong>', acme, re.S)
    assert "Rival Co (@rival_co)" in acme
    assert re.search(r'data-account="instagram:9" data-own="no">.*?data-value="-10"', acme, re.S)
    assert "No rival accounts to compare with" in solo
    assert (paths.report_day_dir(reports, DAY) / "validation.json").exists()
    # HTML escaped, and no path of this machine anywhere
    assert "Solo &lt;Brand&gt;" in solo
    for page in (acme, solo, day_page.read_text(), paths.reports_index(reports).read_text()):
        assert str(folder) not in page and "<script" not in page
    # every chart is an inline SVG drawn by Vega-Lite, one panel per account
    assert acme.count("<svg ") >= 8 and 'aria-label="Followers per account"' in acme


def test_the_index_lists_every_report_on_disk_by_date_and_brand(published):
    _, warehouse, reports, day_page = published
    assert day_page == paths.report_day_dir(reports, DAY) / "index.html"
    # WHEN the next day is published too
    write_report(warehouse, reports, DAY + dt.timedelta(days=1), pdf=False)
    index = paths.reports_index(reports).read_text()
    # THEN the index lists both dates, newest first, each with its brands, by relative links
    links = re.findall(r'href="([^"]+/index.html)"', index)
    assert links == ["2026-12-08/index.html", "2026-12-08/acme/index.html", "2026-12-08/solo/index.html",
                     "2026-12-07/index.html", "2026-12-07/acme/index.html", "2026-12-07/solo/index.html"]
    assert 'href="2026-12-07/acme/index.html">Acme, 7 Dec 2026</a>' in index
    # AND each date's page lists its brands
    assert 'href="solo/index.html"' in day_page.read_text()


def test_the_pdf_draws_the_page_and_processes_side_by_side_draw_the_same_pages(published, tmp_path):
    folder, warehouse, drawn_in_process, _ = published
    reports = tmp_path / "reports"
    # WHEN two worker processes draw the brands (as the publish does on a machine with two cores or more)
    write_report(warehouse, reports, DAY, validation=folder / "validation.json", workers=2)
    pdf = paths.brand_report_pdf(reports, DAY, "acme").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000
    assert 'href="acme/report.pdf">PDF</a>' in (paths.report_day_dir(reports, DAY) / "index.html").read_text()
    # THEN each brand's page is the one drawn in this process, byte for byte
    for brand in ("acme", "solo"):
        assert paths.brand_report_file(reports, DAY, brand).read_bytes() == \
            paths.brand_report_file(drawn_in_process, DAY, brand).read_bytes()
    assert paths.brand_report_pdf(reports, DAY, "solo").exists()


def test_a_worker_that_fails_fails_the_report_with_its_error(published, tmp_path):
    _, warehouse, _, _ = published
    reports = tmp_path / "reports"
    # GIVEN a file where one brand's report folder goes
    blocked = paths.brand_report_file(reports, DAY, "solo").parent
    blocked.parent.mkdir(parents=True)
    blocked.write_text("not a folder")
    # WHEN two processes draw the brands THEN the publish fails with the worker's error, naming the place
    with pytest.raises(RuntimeError, match=r"(?s)a report worker failed: exit 1: .*FileExistsError.*solo"):
        write_report(warehouse, reports, DAY, pdf=False, workers=2)
    # AND the other worker's brand was drawn
    assert paths.brand_report_file(reports, DAY, "acme").exists()


def test_newer_mart_columns_are_read_where_the_marts_have_them(tmp_path):
    # GIVEN marts that say which platforms' comments are read, with the 28 days' response figures, each campaign's
    # authors counted once, and the trending hashtags of the 7 days ending each day
    warehouse = tmp_path / "warehouse.duckdb"
    make_marts(warehouse)
    con = duckdb.connect(str(warehouse))
    con.execute(f"""
        create or replace table marts.dim_accounts as
            select *, platform <> 'tiktok' as reads_comments from marts.dim_accounts;
        create or replace table marts.rpt_community_response as
            select *, 280 as inbound_items_28d, 196 as responded_within_24h_28d, 0.7 as response_rate_28d,
                   45.0 as median_first_response_minutes_28d, 75.0 as p90_first_response_minutes_28d
            from marts.rpt_community_response;
        create or replace table marts.rpt_campaigns as
            select *, 17 as campaign_distinct_authors from marts.rpt_campaigns;
        create or replace table marts.rpt_trending_hashtags as select * from (values
            ('acme', '#spring', DATE '{DAY}', 14, 4, 10, 2.5, true, 1),
            ('acme', '#old', DATE '{DAY}' - 1, 30, 4, 26, 6.5, true, 1))
            as tags(brand_id, hashtag, window_end_date, uses, uses_before, growth, growth_rate, is_trending,
                    trend_rank);
    """)
    con.close()
    # WHEN the reports are written
    write_report(warehouse, tmp_path / "reports", DAY, pdf=False)
    acme = paths.brand_report_file(tmp_path / "reports", DAY, "acme").read_text()
    # THEN the page shows the marts' own figures, and says that TikTok's comments are unknown, not zero
    assert 'data-col="median_first_response_minutes" data-value="45.0">45 min<' in acme
    assert 'data-col="campaign_distinct_authors" data-value="17"' in acme
    assert 'data-hashtag="#spring"' in acme and 'data-hashtag="#old"' not in acme and "+250 %" in acme
    assert "Unknown, not zero, on TikTok @acme.tok: the warehouse does not read that platform&#39;s comments." in acme


def test_a_pinned_api_version_near_or_past_its_sunset_is_on_every_page(tmp_path, monkeypatch):
    # GIVEN marts to publish, and an Instagram account whose pinned Graph version was sunset yesterday (today's
    # clock), while LinkedIn's pin is still 20 days from its sunset
    warehouse = tmp_path / "warehouse.duckdb"
    make_marts(warehouse)
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SMW_WAREHOUSE", str(warehouse))
    today = dt.datetime.now(dt.UTC).date()
    settings = Settings.model_validate({
        "extraction": {"start_date": "2026-10-01",
                       "graph_api": {"version": "v19.0", "sunset": (today - dt.timedelta(days=1)).isoformat()},
                       "linkedin_api": {"version": "202512", "sunset": (today + dt.timedelta(days=20)).isoformat()}},
        "brands": [{"brand_id": "acme", "name": "Acme", "timezone": "Europe/Paris", "accounts": [
            {"platform": "instagram", "account_id": "1", "handle": "acme", "connection_id": "instagram_acme"},
            {"platform": "linkedin", "account_id": "2", "handle": "acme", "connection_id": "linkedin_acme"}]}],
    })
    # WHEN the pipeline publishes the night
    published = publish(DAY, "scheduled__1", settings)["warehouse"]
    # THEN every brand's page and the date's page say which version, since or until when, and what to do
    reports = paths.reports_dir(settings.data)
    for page in (paths.report_day_dir(reports, DAY) / "index.html", paths.brand_report_file(reports, DAY, "acme"),
                 paths.brand_report_file(reports, DAY, "solo")):
        text = page.read_text()
        assert re.search(r'data-notice="alert" data-api="graph_api">.*API version sunset:.*v19\.0 was sunset on '
                         + re.escape((today - dt.timedelta(days=1)).isoformat()), text)
        assert re.search(r'data-notice="warning" data-api="linkedin_api">.*API version sunset ahead:.*202512 is sunset'
                         r' on ' + re.escape((today + dt.timedelta(days=20)).isoformat()) + r' \(in 20 days\)', text)
    # AND with no notice, no banner
    write_report(Path(published), tmp_path / "plain", DAY, pdf=False)
    assert 'data-section="api-notices"' not in paths.brand_report_file(tmp_path / "plain", DAY, "acme").read_text()
