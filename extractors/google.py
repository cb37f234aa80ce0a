"""Google's OAuth 2.0 for YouTube (Data and Analytics) and GA4: a refresh token, or for GA4 a service account.

Google access tokens live about an hour (`expires_in` 3599). The connection holds either
- the app's `client_id` (or the connection's login), `client_secret` and a user's `refresh_token` (the
  password): renewed with the refresh_token grant at https://oauth2.googleapis.com/token; Google does not
  rotate it, so nothing is written back; or
- `service_account`: a service account's JSON key (GA4 only: add its e-mail to the property as a Viewer; the
  YouTube Data API has no service accounts, it answers NoLinkedYouTubeAccount): a JWT signed with its key
  (RS256) is exchanged with the JWT bearer grant (RFC 7523)."""

from __future__ import annotations

import base64
import json
from typing import ClassVar

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from extractors.base import Client, Grant

TOKEN_URL = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_SECONDS = 3600  # the longest a service account's assertion may ask for


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_assertion(key: dict, scopes: str, audience: str, now: float) -> str:
    """A service account's JWT (header.claims.signature), signed RS256 with its private key."""
    private = serialization.load_pem_private_key(str(key["private_key"]).encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError("a Google service account key is an RSA key")
    header = {"alg": "RS256", "typ": "JWT", **({"kid": key["private_key_id"]} if key.get("private_key_id") else {})}
    claims = {"iss": key["client_email"], "scope": scopes, "aud": audience, "iat": int(now),
              "exp": int(now) + ASSERTION_SECONDS}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


class GoogleClient(Client):
    """A Google API client whose access token comes from a refresh token or a service account."""

    scopes: ClassVar[str]
    service_accounts: ClassVar[bool] = True

    def renewable(self) -> bool:
        if self.credential.service_account is not None:
            if not self.service_accounts:
                raise self.auth_error("the YouTube Data API does not accept service accounts "
                                      "(NoLinkedYouTubeAccount)", "the service account")
            return True
        return bool(self.credential.get("refresh_token") and self.credential.get("client_id"))

    def obtain(self, refresh_token: str | None) -> Grant:
        key = self.credential.service_account
        if key is not None:
            audience = self.credential.get("token_url") or str(key.get("token_uri") or TOKEN_URL)
            try:
                assertion = signed_assertion(key, self.scopes, audience, self.now().timestamp())
            except (KeyError, ValueError, TypeError) as error:
                raise self.auth_error(f"its key cannot sign ({type(error).__name__})", "the service account") from None
            return self.refresh_grant(self.endpoint(audience), {"grant_type": JWT_BEARER, "assertion": assertion},
                                      refused="the service account")
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token or "",
                "client_id": self.credential.get("client_id") or "",
                "client_secret": self.credential.get("client_secret") or ""}
        return self.refresh_grant(self.endpoint(TOKEN_URL), form)
