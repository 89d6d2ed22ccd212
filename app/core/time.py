"""The one clock of the app (so tests can freeze it) and the bureau's time zone."""

from datetime import UTC, date, datetime, timedelta, timezone

# Inner Mongolia keeps Beijing time, without daylight saving.
CHINA = timezone(timedelta(hours=8))


def utcnow() -> datetime:
    """Timezone-aware now in UTC."""
    return datetime.now(UTC)


def today_in_china() -> date:
    return utcnow().astimezone(CHINA).date()
