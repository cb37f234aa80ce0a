"""One module per platform: its routes, its payload shapes and its own error answers."""

from simulator.platforms import instagram, mastodon

ROUTES = {"instagram": instagram, "mastodon": mastodon}
