from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now in UTC; the one clock of the app, so tests can freeze it."""
    return datetime.now(UTC)
