"""Facebook's videos stream against recorded Graph payloads: the Video node of each video post, for live_status
(the Post object carries no live marker)."""

from __future__ import annotations

from extractors.facebook import POST_FIELDS, Videos

PAGE = "104000000000202"


def post(number: int, *attachments: dict) -> dict:
    return {"id": f"{PAGE}_{number}", "attachments": {"data": list(attachments)}}


VIDEO_POSTS = [
    post(1, {"media_type": "video", "type": "video_inline", "target": {"id": "1240000000000011"}}),
    post(2, {"media_type": "photo", "type": "photo", "target": {"id": "1250000000000001"}}),
    post(3, {"media_type": "video", "type": "video_inline", "target": {"id": "1240000000000012"}}),
    post(4, {"media_type": "video", "type": "video_inline"}),  # no target: nothing to ask for
    {"id": f"{PAGE}_5"},  # a text post: no attachment
]


def test_posts_ask_for_their_attachments_target(api, client, context):
    # the posts stream names the Video node of a video post through its attachment's target
    assert "attachments{media_type,type,unshimmed_url,target}" in POST_FIELDS


def test_the_video_nodes_of_video_posts_are_read_by_id_in_one_call(api, client, context):
    # GIVEN two video posts with a target, a photo, a video without a target and a text post
    api.then("video_nodes")
    # WHEN the videos stream runs
    records = list(Videos().records(client, context, VIDEO_POSTS))
    # THEN one call asks for the two videos' id and live_status, and each node lands under its post
    (request,) = api.requests
    assert request.url.path == "/v23.0/"
    assert request.url.params["ids"] == "1240000000000011,1240000000000012"
    assert request.url.params["fields"] == "id,live_status"
    assert [(record["id"], record.get("live_status"), parent) for record, parent in records] == [
        ("1240000000000011", "VOD", f"{PAGE}_1"), ("1240000000000012", None, f"{PAGE}_3")]


def test_a_refused_call_records_its_videos_and_the_night_goes_on(api, client, context):
    # GIVEN 51 video posts: a first call of 50 ids refused (an id that no longer exists), a second answered
    posts = [post(100 + n, {"media_type": "video", "target": {"id": f"12400000000{n:05d}"}}) for n in range(51)]
    api.then("video_alias_missing", 400).then("video_nodes")
    # WHEN the videos stream runs
    records = list(Videos().records(client, context, posts))
    # THEN the refused call's 50 videos are recorded as item errors (they stay `video`), the next call is made
    first, second = api.requests
    assert len(first.url.params["ids"].split(",")) == 50 and second.url.params["ids"] == "1240000000000050"
    assert client.findings.item_error_count == 50
    assert records == []  # the recorded answer holds none of the asked ids
