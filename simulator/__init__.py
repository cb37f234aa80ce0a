"""The simulated world: brands' accounts on every platform, served as their real APIs."""
