"""Extractors: one client per platform plus one small class per endpoint, landing payloads as received."""

import logging

# httpx logs every request URL at INFO; Graph API URLs carry the access token in their query string.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)
