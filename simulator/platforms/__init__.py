"""One module per platform: its routes, its payload shapes and its own error answers."""

from simulator.platforms import bluesky, facebook, instagram, mastodon, x

ROUTES = {"instagram": instagram, "mastodon": mastodon, "x": x, "bluesky": bluesky,
          "facebook": facebook}
