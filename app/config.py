"""Settings, read from the environment once at start-up.

APP_ENV chooses the defaults: "development" (make run), "production" (the default,
so that a forgotten variable never weakens a real deployment) or "testing".
"""

import os
import secrets
from pathlib import Path


def engine_options(database_url: str) -> dict:
    """How the app holds its database connections.

    A server may drop an idle connection (a restart, a timeout): each one is tested as it leaves the pool. The pool
    keeps as many open connections as a process has threads serving at once (`DATABASE_POOL_SIZE`, gunicorn's
    ``--threads``): SQLAlchemy closes every connection beyond `pool_size` as it comes back, so a smaller pool makes
    a busy process open and close a PostgreSQL backend for most requests (a fork and a cold catalogue cache each, more
    of PostgreSQL's CPU than the queries). A SQLite file has no connection to lose or to open dearly.
    """
    if database_url.startswith("sqlite"):
        return {}
    return {"pool_pre_ping": True, "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", 16)), "max_overflow": 16}


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path, env: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "testing":
        return secrets.token_hex(32)
    if env == "production":
        raise RuntimeError(
            "SECRET_KEY is not set. In production set it in the environment "
            "(for example: export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'))."
        )
    # Development and tests: keep one generated key in instance/ so that sessions
    # survive a restart of the development server.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings(instance_path: str) -> dict:
    """Return the Flask config dict for this process."""
    instance = Path(instance_path)
    env = os.environ.get("APP_ENV", "production").strip().lower()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'intranet.db'}"
    if database_url.startswith("postgres://"):
        # The scheme some tools still print; SQLAlchemy 2 only knows postgresql://.
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]

    upload_limit = int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    return {
        "APP_ENV": env,
        "SECRET_KEY": _secret_key(instance, env),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", env != "development"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", env != "development"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        # A session ends after this long without a request (the cookie's lifetime, renewed by each request)...
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        # ...and this long after its login however busy it is: a working day, not a cookie that lives for ever.
        "SESSION_ABSOLUTE_LIFETIME_SECONDS": int(os.environ.get("SESSION_ABSOLUTE_LIFETIME_SECONDS", 12 * 3600)),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # One uploaded file may be this large; a larger one is refused with a message in the
        # form that keeps what was typed. A whole request may be bigger (a long draft and a
        # file), up to the hard cap Flask enforces with a bare 413.
        "MAX_UPLOAD_BYTES": upload_limit,
        "MAX_CONTENT_LENGTH": 3 * upload_limit + 4 * 1024 * 1024,
        "FILES_DIR": os.environ.get("FILES_DIR") or str(instance / "files"),
        # Signs every backup's manifest (app/backup/services.py); unset, SECRET_KEY does. Kept apart from SECRET_KEY,
        # a rotated SECRET_KEY leaves yesterday's backups restorable.
        "BACKUP_KEY": os.environ.get("BACKUP_KEY", ""),
        # Held (shared) by every process that serves requests, so that `restore` refuses to run under them.
        "SERVING_LOCK_FILE": os.environ.get("SERVING_LOCK_FILE") or str(instance / "serving.lock"),
        # Previews of documents (app/notices/preview.py): a cache, safe to delete; the oldest go beyond the count.
        "PREVIEW_DIR": os.environ.get("PREVIEW_DIR") or str(instance / "previews"),
        "PREVIEW_CACHE_FILES": int(os.environ.get("PREVIEW_CACHE_FILES", 2000)),
        # Slots for conversions made for a request (app/core/limits.py): file locks every process here shares.
        "LOCKS_DIR": os.environ.get("LOCKS_DIR") or str(instance / "locks"),
        # Unset (0): as many as the host has converters (CONVERTERS, app/documents/pdf.py).
        "CONVERSION_SLOTS": int(os.environ.get("CONVERSION_SLOTS") or 0),
        "SOFFICE": os.environ.get("SOFFICE", ""),
        # Make the PDF (and the Mongolian version's) right after issuing, in a worker, so that downloads never wait for
        # LibreOffice and issuing does not either.
        "PDF_ON_ISSUE": _flag("PDF_ON_ISSUE", True),
        # The job queue (app/core/jobs.py): unset, a SQLite file in instance/ (one machine); redis://host:6379/0 when
        # several app servers share the work; "immediate" runs each job where it is asked for (the tests).
        "QUEUE_URL": os.environ.get("QUEUE_URL", "immediate" if env == "testing" else ""),
        # A job that fails is tried this many times in all, waiting JOB_RETRY_SECONDS × the attempts in between.
        "JOB_ATTEMPTS": int(os.environ.get("JOB_ATTEMPTS", 3)),
        "JOB_RETRY_SECONDS": float(os.environ.get("JOB_RETRY_SECONDS", 20)),
        # A running job whose heartbeat is older than this has lost its worker, and is run again.
        "JOB_STALE_SECONDS": float(os.environ.get("JOB_STALE_SECONDS", 60)),
        # A queued job this long past its time, with no worker on it, is sent again (its message was lost).
        "JOB_RESEND_SECONDS": float(os.environ.get("JOB_RESEND_SECONDS", 60)),
        # How often an open receipt view asks for the latest counts.
        "RECEIPTS_REFRESH_SECONDS": int(os.environ.get("RECEIPTS_REFRESH_SECONDS", 5)),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "noreply@localhost"),
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        # werkzeug's method for new password hashes. Not read from the environment: a deployment always uses scrypt;
        # the test suite passes a cheap one (its tests of logging in keep scrypt).
        "PASSWORD_HASH_METHOD": "scrypt",
        # Login throttling (app/auth/services.py, authenticate): after LOGIN_MAX_FAILURES failures in a row a login
        # name waits LOGIN_DELAY_SECONDS, twice as long after each further failure, never more than LOGIN_LOCK_SECONDS.
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_DELAY_SECONDS": int(os.environ.get("LOGIN_DELAY_SECONDS", 5)),
        "LOGIN_LOCK_SECONDS": int(os.environ.get("LOGIN_LOCK_SECONDS", 15 * 60)),
        # An address with this many failures in LOGIN_LOCK_SECONDS waits, but not for the accounts that have logged in
        # from it in the last LOGIN_KNOWN_ADDRESS_DAYS.
        "LOGIN_KNOWN_ADDRESS_DAYS": int(os.environ.get("LOGIN_KNOWN_ADDRESS_DAYS", 90)),
        # Behind a reverse proxy: how many proxies' X-Forwarded-For/-Proto headers to trust.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", 0)),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)),
    }
