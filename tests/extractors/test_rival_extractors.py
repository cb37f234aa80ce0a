"""Rivals' public figures (brands[].rivals) read through the brand's own accounts, against recorded answers:
Instagram's Business Discovery (paged media, a personal account refused) and Mastodon's account lookup and
statuses. Bluesky's are in platform_bluesky/test_bluesky_extractor.py."""

from __future__ import annotations

import dataclasses

from replay_api import ABSENT, INSTAGRAM_ID, INSTAGRAM_KEY, MASTODON_KEY, client_for, context_for, discovery_fields

from extractors.instagram import BusinessDiscovery
from extractors.mastodon import RivalAccounts, RivalStatuses

DISCOVERY = BusinessDiscovery()


def test_business_discovery_pages_each_rival_to_the_window_start_and_records_a_refused_one(instagram_api, sleeps):
    # GIVEN a rival whose media span two pages (instagram_routes), the second reaching past the 7-day window, and
    # a personal account
    base = f"/v23.0/{INSTAGRAM_ID}"
    instagram_api.on(base, "instagram/errors/business_discovery_not_found",
                     fields=discovery_fields("a_personal_account"))
    client = client_for(INSTAGRAM_KEY, instagram_api, sleeps)
    context = dataclasses.replace(context_for(7), rivals=("atelier_cire", "a_personal_account"))
    # WHEN the stream runs
    records = list(DISCOVERY.records(client, context, []))
    # THEN both pages land whole, under the rival and their page; the third is not asked for (page 2 ends
    # before the window's start)
    assert [parent for _, parent in records] == ["atelier_cire:1", "atelier_cire:2"]
    assert records[0][0]["business_discovery"]["followers_count"] == 23817
    assert [media["id"] for media in records[1][0]["business_discovery"]["media"]["data"]] == [
        "17900000000000703", "17900000000000704"]
    # a media whose owner hides its likes has no like_count: landed as received
    assert "like_count" not in records[0][0]["business_discovery"]["media"]["data"][1]
    # AND the personal account is refused (code 110): listed under item_errors, nothing landed for it
    assert [error["id"] for error in client.findings.item_errors] == ["business_discovery/a_personal_account"]
    assert "Invalid user id" in client.findings.item_errors[0]["error"]
    # AND each request went through the brand's own account, asking only the fields the marts read
    asked = [request.url.params["fields"] for request in instagram_api.requests]
    assert asked == [discovery_fields("atelier_cire"), discovery_fields("atelier_cire", "QVFIUmFmdGVyMg"),
                     discovery_fields("a_personal_account")]
    assert {request.url.path for request in instagram_api.requests} == {f"/v23.0/{INSTAGRAM_ID}"}


def test_mastodon_rivals_are_looked_up_then_their_statuses_read_to_the_window_start(mastodon_api, sleeps):
    # GIVEN a remote rival the brand's instance knows, with statuses crossing the window start, and one it does
    # not know
    # (mastodon_routes answers the first)
    mastodon_api.on("/api/v1/accounts/lookup", "mastodon/errors/record_not_found", acct="nobody@nowhere.example")
    client = client_for(MASTODON_KEY, mastodon_api, sleeps)
    context = dataclasses.replace(context_for(7), rivals=("@bougiesdusud@piaille.fr", "nobody@nowhere.example"))
    # WHEN the streams run, the statuses under the accounts read
    accounts = list(RivalAccounts().records(client, context, []))
    statuses = list(RivalStatuses().records(client, context, [record for record, _ in accounts]))
    # THEN the account lands under the rival as configured; the unknown one is listed under item_errors
    assert [(parent, record["followers_count"]) for record, parent in accounts] == [
        ("@bougiesdusud@piaille.fr", 8421)]
    assert [error["id"] for error in client.findings.item_errors] == ["rival_accounts/nobody@nowhere.example"]
    # AND its own statuses (no replies, no boosts) land down to the window start, under its account id
    request = next(r for r in mastodon_api.requests if r.url.path.endswith("/statuses"))
    assert (request.url.params["exclude_replies"], request.url.params["exclude_reblogs"]) == ("true", "true")
    assert [(record["id"], parent) for record, parent in statuses] == [
        ("11330000000077000", "110200000000000777"), ("11330000000077100", "110200000000000777")]
    assert statuses[0][0]["content_text"] == "Nouvelle coulée : cire de soja et lavande de Provence"
    assert ABSENT not in request.url.params.values()
