"""The simulated platforms' token endpoints: short-lived access tokens from long-lived credentials, expiry by
the simulator's own clock, rotated refresh tokens where the platform rotates them, and revocation.

Each platform answers as its documentation describes (extractors/*.py name the endpoints):
- Bluesky: `com.atproto.server.createSession` (identifier and app password) and `refreshSession` (the
  refreshJwt as bearer), both answering accessJwt and refreshJwt; the refreshJwt is single-use;
- X: POST /2/oauth2/token, refresh_token grant, a new refresh token each time (the old one stops working);
- TikTok: POST /v2/oauth/token/, the same, with client_key;
- Google (YouTube, GA4): POST /token (oauth2.googleapis.com), refresh_token grant (not rotated) or a service
  account's JWT bearer assertion, whose RS256 signature is checked against the keys the test registered;
- LinkedIn: POST /oauth/v2/accessToken, refresh_token grant (the same refresh token comes back).
Meta and Mastodon have no token endpoint: their tokens are long-lived.

The long-lived credentials it accepts are core.secrets.simulated_credential's: `simulated-refresh.<platform>.
<account id>` and `simulated-app-password.<account id>`. Tokens it did not issue (a `simulated-token.<id>`
pasted in a connection, as an operator pastes a real one) pass unchecked, as before."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from core.secrets import SIMULATED_APP_PASSWORD, SIMULATED_REFRESH
from simulator.protocol import ApiError, Request, Response

ACCESS = "sim-access"
REFRESH = "sim-refresh"
# The documented lifetimes of an access token, in seconds.
LIFETIME = {"bluesky": 7200, "x": 7200, "tiktok": 7200, "youtube": 3599, "ga4": 3599, "linkedin": 60 * 86400}
ROTATES = {"bluesky", "x", "tiktok"}
TOKEN_PATHS = {
    "bluesky": {"/xrpc/com.atproto.server.createSession", "/xrpc/com.atproto.server.refreshSession"},
    "x": {"/2/oauth2/token"},
    "tiktok": {"/v2/oauth/token/"},
    "youtube": {"/token"},
    "ga4": {"/token"},
    "linkedin": {"/oauth/v2/accessToken"},
}
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _refused(platform: str) -> ApiError:
    """The platform's answer to a refresh token that is revoked, spent or unknown."""
    if platform == "x":
        return ApiError(400, {"error": "invalid_request",
                              "error_description": "Value passed for the token was invalid."})
    if platform == "tiktok":
        return ApiError(400, {"error": "invalid_grant", "error_description": "Refresh token is invalid or expired.",
                              "log_id": "2026SIMULATEDLOGID"})
    if platform == "linkedin":
        return ApiError(400, {"error": "invalid_grant",
                              "error_description": "The provided authorization grant or refresh token is invalid, "
                                                   "expired or revoked"})
    return ApiError(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class TokenAuthority:
    """The token state of one simulated night: what was issued, until when, and what was spent or revoked."""

    def __init__(self, clock: Callable[[], dt.datetime], lifetime: float = 0.0, announce_expiry: bool = True,
                 revoked: frozenset[str] = frozenset(), service_accounts: Mapping[str, str] | None = None):
        self.clock = clock
        self.lifetime = lifetime  # seconds; 0: each platform's documented lifetime
        self.announce_expiry = announce_expiry  # False: answers without expires_in (the client learns on a 401)
        self.revoked = set(revoked)  # account keys whose grant was withdrawn
        self.service_accounts = dict(service_accounts or {})  # client_email -> public key (PEM)
        self.access: dict[str, tuple[str, str, dt.datetime]] = {}  # token -> platform, account id, expiry
        self.refresh: dict[str, tuple[str, str]] = {}  # live refresh tokens -> platform, account id
        self.spent: set[str] = set()  # refresh tokens that were rotated away
        self.issued = 0

    def is_token_path(self, platform: str, path: str) -> bool:
        return path in TOKEN_PATHS.get(platform, ())

    def revoke(self, platform: str, account_id: str) -> None:
        """The user withdrew the app's access: every token of the account stops working."""
        self.revoked.add(f"{platform}:{account_id}")

    # --- the token endpoints -----------------------------------------------------------------
    def answer(self, platform: str, request: Request) -> Response:
        try:
            if platform == "bluesky":
                return self._bluesky(request)
            form = request.form
            if form.get("grant_type") == JWT_BEARER and platform in ("youtube", "ga4"):
                return self._grant(platform, self._service_account(platform, form.get("assertion", "")))
            if form.get("grant_type") != "refresh_token":
                raise ApiError(400, {"error": "unsupported_grant_type",
                                     "error_description": "grant_type must be refresh_token"})
            client = form.get("client_key" if platform == "tiktok" else "client_id")
            if platform == "x" and not client and not request.headers.get("authorization", "").startswith("Basic "):
                raise ApiError(400, {"error": "invalid_request", "error_description": "Missing required parameter "
                                                                                      "[client_id]."})
            if platform != "x" and not (client and form.get("client_secret")):
                raise ApiError(401, {"error": "invalid_client", "error_description": "Client authentication failed."})
            account = self._redeem(platform, form.get("refresh_token", ""))
            return self._grant(platform, account, form.get("refresh_token", ""))
        except ApiError as error:
            return error.response

    def _redeem(self, platform: str, token: str) -> str:
        """The account a refresh token is for; refused if unknown, spent, revoked or another platform's."""
        if token in self.refresh:
            owner, account = self.refresh[token]
        elif token in self.spent:
            raise _refused(platform)
        elif token.startswith(f"{SIMULATED_REFRESH}.{platform}."):
            owner, account = platform, token.removeprefix(f"{SIMULATED_REFRESH}.{platform}.")
        elif token.startswith(f"{REFRESH}.{platform}.") and token.count(".") >= 3:
            # Rotated on an earlier night: each night's simulator starts afresh and did not see it spent.
            owner, account = platform, token.removeprefix(f"{REFRESH}.{platform}.").rsplit(".", 1)[0]
        else:
            raise _refused(platform)
        if owner != platform or f"{platform}:{account}" in self.revoked:
            raise _refused(platform)
        return account

    def _issue(self, platform: str, account: str) -> tuple[str, float]:
        self.issued += 1
        token = f"{ACCESS}.{platform}.{account}.{self.issued}"
        lifetime = float(self.lifetime or LIFETIME[platform])
        self.access[token] = (platform, account, self.clock() + dt.timedelta(seconds=lifetime))
        return token, lifetime

    def _rotate(self, platform: str, account: str, used: str) -> str:
        if platform not in ROTATES:
            self.refresh[used] = (platform, account)
            return used
        self.refresh.pop(used, None)
        self.spent.add(used)
        self.issued += 1
        fresh = f"{REFRESH}.{platform}.{account}.{self.issued}"
        self.refresh[fresh] = (platform, account)
        return fresh

    def _grant(self, platform: str, account: str, used: str | None = None) -> Response:
        token, lifetime = self._issue(platform, account)
        body: dict[str, object] = {"access_token": token, "token_type": "Bearer" if platform != "x" else "bearer"}
        if self.announce_expiry:
            body["expires_in"] = int(lifetime)
        if used is not None:
            body["refresh_token"] = self._rotate(platform, account, used)
        if platform == "tiktok":
            body.update(open_id=account, refresh_expires_in=31536000,
                        scope="user.info.basic,user.info.stats,video.list")
        elif platform == "linkedin":
            body.update(refresh_token_expires_in=31536000 - 86400, scope="r_organization_social,rw_organization_admin")
        elif platform == "x":
            body["scope"] = "tweet.read users.read offline.access"
        return Response(200, body, {})

    def _bluesky(self, request: Request) -> Response:
        if request.path.endswith("createSession"):
            body = request.body if isinstance(request.body, dict) else {}
            password = str(body.get("password", ""))
            did = password.removeprefix(f"{SIMULATED_APP_PASSWORD}.")
            if (not password.startswith(f"{SIMULATED_APP_PASSWORD}.") or not body.get("identifier")
                    or f"bluesky:{did}" in self.revoked):
                raise ApiError(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            used = None
        else:
            used = request.headers.get("authorization", "").removeprefix("Bearer ")
            if used not in self.refresh:
                raise ApiError(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
            did = self._redeem("bluesky", used)
        token, _ = self._issue("bluesky", did)
        # Real accessJwts carry their expiry as the JWT's `exp`; these are opaque, so the client learns of it
        # from the ExpiredToken answer, as it must when a session is revoked early.
        fresh = self._rotate("bluesky", did, used) if used else self._new_refresh("bluesky", did)
        return Response(200, {"accessJwt": token, "refreshJwt": fresh, "handle": body_handle(request), "did": did,
                              "active": True}, {})

    def _new_refresh(self, platform: str, account: str) -> str:
        self.issued += 1
        fresh = f"{REFRESH}.{platform}.{account}.{self.issued}"
        self.refresh[fresh] = (platform, account)
        return fresh

    def _service_account(self, platform: str, assertion: str) -> str:
        """The service account a JWT bearer assertion is from, once its RS256 signature and claims check out."""
        try:
            header_part, claims_part, signature_part = assertion.split(".")
            header, claims = json.loads(_b64decode(header_part)), json.loads(_b64decode(claims_part))
            pem = self.service_accounts[claims["iss"]]
            key = serialization.load_pem_public_key(pem.encode())
            if header.get("alg") != "RS256" or not isinstance(key, rsa.RSAPublicKey):
                raise ValueError("not RS256")
            key.verify(_b64decode(signature_part), f"{header_part}.{claims_part}".encode(), padding.PKCS1v15(),
                       hashes.SHA256())
        except (ValueError, KeyError, TypeError, InvalidSignature):
            raise ApiError(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}) from None
        # (Google also checks `iat` against its clock; the simulated night is in the past of the client's.)
        if not claims.get("scope") or not 0 < claims.get("exp", 0) - claims.get("iat", 0) <= 3600:
            raise ApiError(400, {"error": "invalid_grant",
                                 "error_description": "Invalid JWT: Token must be a short-lived token (60 minutes) "
                                                      "and in a reasonable timeframe."})
        return str(claims["iss"])

    # --- the data endpoints ------------------------------------------------------------------
    def check(self, platform: str, request: Request, expired: Callable[[], ApiError]) -> None:
        """Refuse an access token this authority issued once it has expired or was revoked, and a refresh
        token or app password sent where an access token belongs."""
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        token = bearer or request.query.get("access_token", "")
        if token.startswith((REFRESH, SIMULATED_REFRESH, SIMULATED_APP_PASSWORD)):
            raise expired()
        if not token.startswith(f"{ACCESS}."):
            return
        issued = self.access.get(token)
        if issued is None or issued[0] != platform or f"{platform}:{issued[1]}" in self.revoked:
            raise expired()
        if self.clock() >= issued[2]:
            raise expired()


def body_handle(request: Request) -> str:
    body = request.body if isinstance(request.body, dict) else {}
    return str(body.get("identifier", ""))
