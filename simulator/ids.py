"""The simulated world's seeded generators and platform-style ids, shared by its owned accounts
(simulator.world) and its rival accounts (simulator.rivals)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random


def rng_for(*parts: object) -> random.Random:
    # One generator per entity, seeded from its identity, so an account or post is the same whatever
    # else the world holds and can be generated alone (streaming at benchmark scale).
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def platform_id(platform: str, moment: dt.datetime, identity: str) -> str:
    """An id in the platform's own style; Mastodon's are time-ordered snowflakes, which its paging needs."""
    salt = int.from_bytes(hashlib.sha256(identity.encode()).digest()[:6], "big")
    if platform == "mastodon":
        return str((int(moment.timestamp() * 1000) << 16) | (salt & 0xFFFF))
    return f"178{salt % 10**14:014d}"
