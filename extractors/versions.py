"""The pinned API versions and their sunsets: a warning 30 days before, an alert once a sunset has passed.

Meta and LinkedIn publish the day each version stops being served (core.config.Extraction.graph_api and
linkedin_api keep the pinned version and that day). After it, LinkedIn answers 426 and Meta silently serves its
oldest live version instead, whose metrics may differ. Each extraction of an account of those platforms puts
the notice in its manifest and log (extractors.run); `sunset_notices` is the check a pipeline calls once a night
to report and alert on."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from core.config import Extraction, PinnedApi, Settings

log = logging.getLogger(__name__)

WARN_DAYS = 30
# Which pinned version each platform's extractor sends.
PINNED_BY_PLATFORM = {"instagram": "graph_api", "facebook": "graph_api", "linkedin": "linkedin_api"}
API_NAMES = {"graph_api": "Meta Graph API", "linkedin_api": "LinkedIn Marketing API (LinkedIn-Version)"}


@dataclass(frozen=True)
class SunsetNotice:
    api: str  # graph_api, linkedin_api
    version: str
    sunset: dt.date
    days_left: int  # negative once the sunset has passed

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def level(self) -> str:
        """`alert` once the sunset has passed, `warning` in the 30 days before it."""
        return "alert" if self.passed else "warning"

    @property
    def message(self) -> str:
        name = API_NAMES.get(self.api, self.api)
        if self.passed:
            return (f"{name} version {self.version} was sunset on {self.sunset.isoformat()} "
                    f"({-self.days_left} days ago): move the pin in core.config (extraction.{self.api}) "
                    "and the extractors to a live version")
        return (f"{name} version {self.version} is sunset on {self.sunset.isoformat()} (in {self.days_left} "
                f"days): move the pin (extraction.{self.api}) before then")

    def as_dict(self) -> dict:
        return {"api": self.api, "version": self.version, "sunset": self.sunset.isoformat(),
                "days_left": self.days_left, "level": self.level, "message": self.message}


def pinned_api(extraction: Extraction, platform: str) -> tuple[str, PinnedApi] | None:
    """The pinned version a platform's extractor sends (its config field name and value), if it has one."""
    name = PINNED_BY_PLATFORM.get(platform)
    return (name, getattr(extraction, name)) if name else None


def notice_for(name: str, pinned: PinnedApi, today: dt.date, warn_days: int = WARN_DAYS) -> SunsetNotice | None:
    days_left = (pinned.sunset - today).days
    if days_left > warn_days:
        return None
    return SunsetNotice(name, pinned.version, pinned.sunset, days_left)


def sunset_notices(settings: Settings, today: dt.date | None = None, warn_days: int = WARN_DAYS) -> list[SunsetNotice]:
    """The pinned versions of the configured platforms whose sunset is at most `warn_days` away or has passed,
    once each (Instagram and Facebook share the Graph version); logged as a warning, or an error once passed."""
    today = today or dt.datetime.now(dt.UTC).date()
    platforms = {account.platform for _, account in settings.accounts()}
    names = sorted({PINNED_BY_PLATFORM[platform] for platform in platforms if platform in PINNED_BY_PLATFORM})
    notices = []
    for name in names:
        notice = notice_for(name, getattr(settings.extraction, name), today, warn_days)
        if notice is not None:
            (log.error if notice.passed else log.warning)("%s", notice.message)
            notices.append(notice)
    return notices
