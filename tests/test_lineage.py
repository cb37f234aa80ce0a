"""Every stream the extractors land reaches at least one mart, or the decision log names it as deliberately unused
with its reason: dbt's manifest lineage, from each raw table's source through the models to the marts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.catalog import STREAMS

ROOT = Path(__file__).resolve().parent.parent
UNUSED_SECTION = "## 9. Landed streams that reach no mart"


def unused_in_decision_log() -> dict[str, str]:
    """The raw tables docs/DECISIONLOG.md lists as landed but deliberately unused, with their reasons."""
    text = (ROOT / "docs" / "DECISIONLOG.md").read_text()
    assert UNUSED_SECTION in text
    section = text.split(UNUSED_SECTION, 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `raw\.(\w+)` \| (.+?) \|$", section, re.MULTILINE))


def downstream(manifest: dict, node: str) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        for child in manifest["child_map"].get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def test_every_landed_stream_feeds_a_mart_or_is_listed_as_unused(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    marts = {key for key, node in manifest["nodes"].items()
             if node["resource_type"] == "model" and node["fqn"][1] == "marts"}
    unused = unused_in_decision_log()
    orphans, listed_but_used = [], []
    for stream in STREAMS:
        source = f"source.shared_media.raw.{stream.raw_table}"
        assert source in manifest["sources"], f"no dbt source for raw.{stream.raw_table}"
        feeds = downstream(manifest, source) & marts
        if stream.raw_table in unused:
            if feeds:
                listed_but_used.append(stream.raw_table)
        elif not feeds:
            orphans.append(stream.raw_table)
    # a stream that reaches no mart needs its reason in the decision log, and one listed there must reach none
    assert orphans == [] and listed_but_used == []
    assert set(unused) <= {stream.raw_table for stream in STREAMS}
    assert all(len(reason.split()) >= 5 for reason in unused.values())


def test_the_platforms_whose_comments_are_read_are_those_in_the_interactions_union(dbt_manifest):
    # comment_platforms() decides where inbound and sentiment figures are NULL (unknown) rather than 0
    manifest = json.loads(dbt_manifest.read_text())
    macro = manifest["macros"]["macro.shared_media.comment_platforms"]["macro_sql"]
    listed = set(re.findall(r"'(\w+)'", re.search(r"return\(\[(.*?)\]\)", macro, re.DOTALL).group(1)))
    union = manifest["nodes"]["model.shared_media.int_interactions_unioned"]["depends_on"]["nodes"]
    with_model = {re.fullmatch(r"model\.shared_media\.int_(\w+?)__interactions", node).group(1)
                  for node in union if node.endswith("__interactions")}
    assert listed == with_model and "linkedin" in listed and "tiktok" not in listed
