"""One module per platform: its routes, its payload shapes and its own error answers."""

from simulator.platforms import bluesky, facebook, ga4, instagram, linkedin, mastodon, threads, tiktok, x, youtube

ROUTES = {"instagram": instagram, "mastodon": mastodon, "x": x, "bluesky": bluesky,
          "facebook": facebook, "youtube": youtube, "ga4": ga4,
          "linkedin": linkedin, "tiktok": tiktok, "threads": threads}
