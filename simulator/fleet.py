"""A benchmark-sized world: the configured brands, copied with ids of their own.

`simulator.scale` grows posts per day and audiences together, so it cannot reach a million posts with about
fifty comments each: at the scale that gives fifty comments a post, two brands post a few thousand times a
year. An agency's warehouse grows the other way, by brands, and so does this: copy `n` of a brand is the same
brand (time zone, language, platforms, campaigns, roster) under new ids, handles and campaign hashtags, so
its world (audience, best slot, comments) is drawn afresh from its own ids. Copy 0 is the brand as configured.

    python -m simulator.fleet --copies 88 --out fleet.yml     # then SMW_CONFIG=fleet.yml ...
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from core.config import Account, Brand, Campaign, Settings, load_settings

_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def copy_id(value: str, copy: int) -> str:
    """The id of a copy, in the original's shape: a numeric id (Meta, X, Mastodon, LinkedIn, GA4) adds
    copy x 1000, keeping its length while it fits; another (Bluesky DID, YouTube channel, TikTok open_id)
    spells the copy in base32 over the four characters before its last four, keeping its length."""
    if copy == 0:
        return value
    if value.isdigit():
        return str(int(value) + copy * 1000).zfill(len(value))
    if len(value) < 8:
        return f"{value}{copy}"
    spelt = "".join(_BASE32[(copy >> shift) & 31] for shift in (15, 10, 5, 0))
    return value[:-8] + spelt + value[-4:]


def copy_handle(handle: str, copy: int) -> str:
    """`northwind` -> `northwind7`; a domain-like handle takes the number before its first dot
    (`northwind.bsky.social` -> `northwind7.bsky.social`)."""
    if copy == 0:
        return handle
    name, dot, rest = handle.partition(".")
    return f"{name}{copy}{dot}{rest}"


def copy_brand(brand: Brand, copy: int) -> Brand:
    if copy == 0:
        return brand
    suffix = f"_{copy:03d}"
    accounts = [Account(platform=account.platform, account_id=copy_id(account.account_id, copy),
                        handle=copy_handle(account.handle, copy), connection_id=account.connection_id + suffix,
                        base_url=account.base_url) for account in brand.accounts]
    campaigns = [Campaign(campaign_id=campaign.campaign_id + suffix,
                          hashtags=[f"{tag}{copy}" for tag in campaign.hashtags],
                          start_date=campaign.start_date, end_date=campaign.end_date,
                          utm_campaign=campaign.utm_campaign + suffix) for campaign in brand.campaigns]
    influencers = [influencer.model_copy(update={"handle": copy_handle(influencer.handle, copy)})
                   for influencer in brand.influencers]  # (a handle stays valid: only its length grows)
    return Brand(brand_id=brand.brand_id + suffix, name=f"{brand.name} {copy}", timezone=brand.timezone,
                 language=brand.language, accounts=accounts, campaigns=campaigns,
                 influencers=influencers,
                 ga4_property_id=copy_id(brand.ga4_property_id, copy) if brand.ga4_property_id else None)


def replicate(settings: Settings, copies: int) -> Settings:
    """The settings with every brand present `copies` times (the first being the brand itself). Validated like
    a configuration file: two copies that would share an account fail loudly."""
    if copies < 1:
        raise ValueError(f"copies must be at least 1, not {copies}")
    brands = [copy_brand(brand, copy) for copy in range(copies) for brand in settings.brands]
    return Settings.model_validate({**settings.model_dump(), "brands": [brand.model_dump() for brand in brands]})


def _as_yaml(settings: Settings) -> str:
    data = settings.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None, help="configuration to copy (default: SMW_CONFIG or warehouse.yml)")
    parser.add_argument("--copies", type=int, required=True, help="how many times each brand is present")
    parser.add_argument("--out", required=True, help="the configuration file to write")
    args = parser.parse_args(argv)
    settings = replicate(load_settings(args.config), args.copies)
    Path(args.out).write_text(
        f"# {len(settings.brands)} brands: simulator.fleet --copies {args.copies} of "
        f"{args.config or 'the configuration'}\n" + _as_yaml(settings), encoding="utf-8")
    load_settings(args.out)  # what was written reads back
    print(f"{args.out}: {len(settings.brands)} brands, {len(settings.accounts())} accounts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
