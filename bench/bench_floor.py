"""Server CPU per request of the inbox and the notice list, against a careful implementation of the same pages.

    .venv/bin/python bench/bench_floor.py [--requests 200] [--rounds 5] [--pg postgresql://…]

The *floor* is a minimal Flask app written in this file on the same stack (Flask, Flask-Login, Flask-SQLAlchemy,
Flask-Babel, Flask-WTF's CSRF token, the same database, the same session cookie and security headers) that answers
the same requests with byte-identical HTML (checked before timing, after the CSRF tokens are blanked, for the same
user), as one would write it knowing where the time goes: a user loader that reads the user, its unit and its roles
in one Core statement built once; each page's counts and rows in Core statements built once, only the columns shown;
the real templates' files rendered with rows that carry what they show; gettext finding the request's translations
once (not once a string, as Flask-Babel's does). Its templates are the app's own files, so the two
differ only in what runs around them.

Both run in this process against the same database, made the way bench_http.py makes it (`db upgrade`, `demo load`,
`demo scale --units 300 --notices 1000`, production settings). Each request is a WSGI call with a prepared environ (no
HTTP, no client): CPU time (time.process_time) over `--requests` calls, the app and its floor alternating for
`--rounds` rounds; the median round is printed, and the ratio of the medians. Also the per-request overhead every
page pays, /healthz (anonymous, one SELECT 1) and a logged-in redirect (GET /login when signed in: session, user,
redirect), and the receipt POST (`/inbox/<id>/receipt` as htmx sends it, each of 300 clerks once, then again).

Not a test: nothing here asserts a time. The HTML check does fail the script: a floor that answered something else
would mean nothing.
"""

import argparse
import io
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import (  # noqa: E402
    HOST,
    USER_AGENT,
    Backend,
    backends,
    forge_sessions,
    load_average,
    pg_url_from,
    prepare,
    scale_clerks,
    server_env,
    stop_on_sigterm,
)

ROOT = Path(__file__).resolve().parent.parent
PER_PAGE = 20
TARGET = 1.25


# The floor


def floor_app(real):
    """The careful implementation: the four routes measured here, every other URL of the app as a stub (so that the
    templates' url_for gives the same addresses)."""
    import hashlib
    from math import ceil

    from flask import Flask, abort, g, jsonify, redirect, render_template, request, url_for
    from flask_babel import Babel, Domain, get_locale, get_translations
    from flask_babel import gettext as _
    from flask_login import LoginManager, UserMixin, current_user, login_required
    from flask_sqlalchemy import SQLAlchemy
    from flask_wtf.csrf import CSRFProtect
    from jinja2 import pass_context
    from markupsafe import Markup
    from sqlalchemy import bindparam, exists, func, select, text

    from app import CONTENT_SECURITY_POLICY
    from app.auth.models import User, UserRole, UserSession
    from app.core.access import BUREAU_ROLES
    from app.core.dates import cn_date, mn_date
    from app.core.forms import options
    from app.core.time import CHINA, utcnow
    from app.i18n import LOCALES, locale_from_accept_language
    from app.notices.forms import NoticeFilterForm
    from app.notices.models import DocumentSeries, Notice
    from app.receipts.models import Distribution, Reminder
    from app.units.models import Unit

    users, sessions, units, roles = User.__table__, UserSession.__table__, Unit.__table__, UserRole.__table__
    d, n, s, r = Distribution.__table__, Notice.__table__, DocumentSeries.__table__, Reminder.__table__
    sender = users.alias("sender")

    signed_in = (
        select(users.c.id, users.c.display_name, users.c.unit_id, users.c.locale, units.c.name, units.c.short_name)
        .add_columns(roles.c.role)
        .select_from(
            sessions.join(users, users.c.id == sessions.c.user_id)
            .join(units, units.c.id == users.c.unit_id)
            .outerjoin(roles, roles.c.user_id == users.c.id)
        )
        .where(
            sessions.c.token_hash == bindparam("token_hash"),
            sessions.c.created_at > bindparam("cutoff"),
            sessions.c.created_at >= users.c.created_at,
            users.c.is_active.is_(True),
        )
    )
    of_unit = (d.c.unit_id == bindparam("unit_id")) & (n.c.status == "issued")
    waiting = d.alias("waiting")
    inbox_counts = (
        select(
            func.count(d.c.id),
            func.count(d.c.id).filter(d.c.acknowledged_at.is_(None)),
            exists()
            .where(
                waiting.c.unit_id == bindparam("unit_id"),
                waiting.c.acknowledged_at.is_(None),
                r.c.distribution_id == waiting.c.id,
            )
            .label("reminded"),
        )
        .select_from(d.join(n, n.c.id == d.c.notice_id))
        .where(of_unit)
    )
    inbox_rows = (
        select(
            d.c.notice_id,
            d.c.role,
            d.c.acknowledged_at,
            d.c.first_opened_at,
            n.c.title,
            n.c.year,
            n.c.serial,
            n.c.signed_on,
            n.c.ack_due_at,
            s.c.organ_code,
        )
        .select_from(d.join(n, n.c.id == d.c.notice_id).outerjoin(s, s.c.id == n.c.series_id))
        .where(of_unit)
        .order_by(n.c.issued_at.desc(), n.c.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    inbox_rows = {False: inbox_rows, True: inbox_rows.where(d.c.acknowledged_at.is_(None))}
    newest = r.alias("newest")
    banner_rows = (
        select(
            d.c.notice_id,
            d.c.reminders_sent,
            n.c.title,
            n.c.year,
            n.c.serial,
            s.c.organ_code,
            r.c.message,
            r.c.sent_at,
            sender.c.display_name,
        )
        .select_from(
            r.join(d, d.c.id == r.c.distribution_id)
            .join(n, n.c.id == d.c.notice_id)
            .outerjoin(s, s.c.id == n.c.series_id)
            .outerjoin(sender, sender.c.id == r.c.sent_by_id)
        )
        .where(
            d.c.unit_id == bindparam("unit_id"),
            d.c.acknowledged_at.is_(None),
            r.c.id
            == select(func.max(newest.c.id)).where(newest.c.distribution_id == r.c.distribution_id).scalar_subquery(),
        )
        .order_by(r.c.sent_at.desc(), r.c.id.desc())
        .limit(10)
    )
    author = users.alias("author")
    notice_rows = (
        select(
            n.c.id,
            s.c.organ_code,
            n.c.year,
            n.c.serial,
            n.c.title,
            n.c.corrects_id,
            n.c.status,
            n.c.is_returned,
            author.c.display_name,
            n.c.issued_at,
            n.c.created_at,
        )
        .select_from(n.outerjoin(s, s.c.id == n.c.series_id).outerjoin(author, author.c.id == n.c.author_id))
        .order_by(n.c.issued_at.is_(None).desc(), n.c.issued_at.desc(), n.c.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    notice_count = select(func.count()).select_from(n)
    series_choices = select(s.c.id, s.c.organ_code).order_by(s.c.id)
    issued_years = select(n.c.year).where(n.c.year.is_not(None)).distinct()
    status_titles = {
        "draft": "Draft",
        "in_review": "In review",
        "approved": "Approved",
        "signed": "Signed",
        "issued": "Issued",
        "returned": "Returned",
    }

    db = SQLAlchemy()
    login_manager = LoginManager()
    app = Flask("floor", template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "app" / "static"))
    for key in (
        "SECRET_KEY",
        "SQLALCHEMY_DATABASE_URI",
        "SQLALCHEMY_ENGINE_OPTIONS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "PERMANENT_SESSION_LIFETIME",
        "WTF_CSRF_TIME_LIMIT",
        "BABEL_DEFAULT_LOCALE",
        "BABEL_DEFAULT_TIMEZONE",
        "SERVING_LOCK_FILE",  # app/backup/serving.py listens to every app's request_started
    ):
        app.config[key] = real.config[key]
    lifetime = timedelta(seconds=real.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"])
    db.init_app(app)
    login_manager.init_app(app)
    CSRFProtect(app)

    def select_locale():
        if current_user.is_authenticated and current_user.locale in LOCALES:
            return current_user.locale
        return locale_from_accept_language(request.accept_languages)

    # Flask-Babel looks the request's translations up again for every string (its context, the locale, the cache
    # key made of it); a page translates fifty of them, its form's labels too. Here they are found once a request.
    class OncePerRequest(Domain):
        def get_translations(self):
            found = g.get("floor_translations")
            if found is None:
                found = g.floor_translations = super().get_translations()
            return found

    babel = Babel(app, locale_selector=select_locale, default_translation_directories=str(ROOT / "translations"))
    babel.domain_instance = OncePerRequest()
    translations = get_translations

    # The templates' _() in one call (Jinja's i18n extension makes three nested ones).

    @pass_context
    def template_gettext(context, string, **variables):
        text = translations().ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def template_ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations().ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)

    class Unit_:
        __slots__ = ("name", "short_name")

        def __init__(self, name, short_name):
            self.name, self.short_name = name, short_name

        @property
        def display_name(self):
            return self.short_name or self.name

    class SignedIn(UserMixin):
        def __init__(self, token, row, role_names):
            self.token = token
            self.id, self.display_name, self.unit_id, self.locale = row[0], row[1], row[2], row[3]
            self.unit = Unit_(row[4], row[5])
            self.roles = frozenset(role_names)

        def get_id(self):
            return self.token

        @property
        def is_bureau_user(self):
            return not self.roles.isdisjoint(BUREAU_ROLES)

        def has_role(self, *wanted):
            return any(str(role) in self.roles for role in wanted)

    @login_manager.user_loader
    def load_user(token):
        rows = db.session.execute(
            signed_in,
            {"token_hash": hashlib.sha256(token.encode()).hexdigest(), "cutoff": utcnow() - lifetime},
        ).all()
        return SignedIn(token, rows[0], [row[6] for row in rows if row[6]]) if rows else None

    @app.context_processor
    def language():
        locale = str(get_locale())
        return {"html_lang": LOCALES[locale][0], "is_mongolian": locale.startswith("mn")}

    @app.template_filter("format_date")
    def format_date(value):
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(CHINA).date()
        locale = str(get_locale())
        return mn_date(value) if locale.startswith("mn") else cn_date(value)

    @app.template_filter("format_datetime")
    def format_datetime(value):
        if value is None:
            return ""
        local = value.astimezone(CHINA)
        day = mn_date(local.date()) if str(get_locale()).startswith("mn") else cn_date(local.date())
        return f"{day} {local:%H:%M}"

    @app.after_request
    def headers(response):
        response.vary.add("HX-Request")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response

    def fragment():
        headers = request.headers
        return (
            headers.get("HX-Request") == "true"
            and not headers.get("HX-Boosted")
            and not headers.get("HX-History-Restore-Request")
        )

    @dataclass(frozen=True, slots=True)
    class Page:
        items: list
        page: int
        total: int

        @property
        def pages(self):
            return ceil(self.total / PER_PAGE) if self.total else 0

        has_prev = property(lambda self: self.page > 1)
        prev_num = property(lambda self: self.page - 1)
        has_next = property(lambda self: self.page < self.pages)
        next_num = property(lambda self: self.page + 1)

    def page_number():
        raw = request.args.get("page", "")
        if not (raw.isascii() and raw.isdigit()):
            return 1
        if len(raw) > 7 or int(raw) > 1_000_000:
            abort(404)
        return max(int(raw), 1)

    def number(organ, year, serial):
        return f"{organ}\u3014{year}\u3015{serial}号" if None not in (organ, year, serial) else None

    @dataclass(frozen=True, slots=True)
    class Line:
        notice_id: int
        title: str
        number: str | None
        signed_on: date | None
        ack_due_at: datetime | None
        role: str
        state: str
        is_overdue: bool

    @dataclass(frozen=True, slots=True)
    class NoticeRow:
        id: int
        number: str | None
        title: str
        corrects_id: int | None
        state: str
        status_title: str
        author_name: str | None
        issued_at: datetime | None
        created_at: datetime

    def banner(row):
        """A reminder as the inbox's banner reads it (r.distribution.notice.title …)."""
        notice_id, reminders_sent, title, year, serial, organ, message, sent_at, sent_by = row
        notice = SimpleNamespace(title=title, number=number(organ, year, serial))
        distribution = SimpleNamespace(notice_id=notice_id, reminders_sent=reminders_sent, notice=notice)
        return SimpleNamespace(
            distribution=distribution, message=message, sent_at=sent_at, sent_by=SimpleNamespace(display_name=sent_by)
        )

    @login_required
    def inbox():
        pending_only = request.args.get("pending") == "1"
        page = page_number()
        unit = {"unit_id": current_user.unit_id}
        total, pending, reminded = db.session.execute(inbox_counts, unit).one()
        now = utcnow()
        lines = [
            Line(
                notice_id,
                title,
                number(organ, year, serial),
                signed_on,
                due,
                role,
                "acknowledged" if acked else ("opened" if opened else "unread"),
                acked is None and due is not None and due < now,
            )
            for notice_id, role, acked, opened, title, year, serial, signed_on, due, organ in db.session.execute(
                inbox_rows[pending_only], unit | {"limit": PER_PAGE, "offset": (page - 1) * PER_PAGE}
            )
        ]
        context = {
            "page": Page(lines, page, pending if pending_only else total),
            "counts": {"all": total, "pending": pending},
            "pending_only": pending_only,
        }
        if fragment():
            return render_template("receipts/_inbox_list.html", **context)
        banners = [banner(row) for row in db.session.execute(banner_rows, unit)] if reminded else []
        return render_template("receipts/inbox.html", reminders=banners, **context)

    class Choices:
        @cached_property
        def series(self):
            return db.session.execute(series_choices).all()

        @cached_property
        def years(self):
            return sorted(set(db.session.scalars(issued_years)) | {utcnow().astimezone(CHINA).year}, reverse=True)

    def filter_form(choices):
        form = NoticeFilterForm(request.args)
        form.series_id.choices = options([("", _("All"))] + [(id_, code) for id_, code in choices.series])
        form.year.choices = options([("", _("All"))] + [(y, str(y)) for y in choices.years])
        return form

    @login_required
    def notices():
        if current_user.roles.isdisjoint(BUREAU_ROLES):
            abort(403)
        choices = Choices()
        # Only the unfiltered list is measured here; the floor does not filter (a filtered list is more work).
        page = page_number()
        titles = {}
        lines = []
        for row in db.session.execute(notice_rows, {"limit": PER_PAGE, "offset": (page - 1) * PER_PAGE}):
            id_, organ, year, serial, title, corrects_id, status, returned, author_name, issued_at, created_at = row
            state = "returned" if returned and status == "draft" else status
            if state not in titles:
                titles[state] = _(status_titles[state])
            lines.append(
                NoticeRow(
                    id_,
                    number(organ, year, serial),
                    title,
                    corrects_id,
                    state,
                    titles[state],
                    author_name,
                    issued_at,
                    created_at,
                )
            )
        context = {"page": Page(lines, page, db.session.scalar(notice_count)), "args": request.args.to_dict()}
        if fragment():
            return render_template("notices/_list.html", **context)
        return render_template("notices/index.html", form=filter_form(choices), **context)

    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    def login():
        if current_user.is_authenticated:
            return redirect(url_for("main.home"))
        abort(404)  # the login form itself is not measured

    def elsewhere(**_values):
        abort(404)

    ours = {"main.healthz": healthz, "auth.login": login, "receipts.inbox": inbox, "notices.index": notices}
    for rule in real.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = ours.get(rule.endpoint, elsewhere)
        app.add_url_rule(rule.rule, endpoint=rule.endpoint, view_func=view, methods=rule.methods)
    return app


# Measuring


@dataclass
class Case:
    label: str
    method: str
    path: str
    headers: dict

    def environ(self) -> dict:
        from werkzeug.test import EnvironBuilder

        builder = EnvironBuilder(
            path=self.path, method=self.method, headers=self.headers, environ_base={"REMOTE_ADDR": HOST}
        )
        try:
            return builder.get_environ()
        finally:
            builder.close()


def call(app, environ: dict) -> tuple[int, dict, bytes]:
    """One request straight through the WSGI app, as gunicorn's worker calls it."""
    environ = dict(environ, **{"wsgi.input": io.BytesIO(b"")})
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), headers

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return answer["status"], dict(answer["headers"]), body


def cpu_ms(app, environ: dict, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests):
        call(app, environ)
    return (time.process_time() - started) * 1000 / requests


_TOKENS = re.compile(r'(X-CSRFToken&#34;: &#34;|X-CSRFToken": "|name="csrf_token" value=")[^"&]+')


def normalised(body: bytes) -> str:
    return _TOKENS.sub(r"\1TOKEN", body.decode())


def same_answer(real, floor, case: Case, environ: dict) -> None:
    """The floor must give the same status, headers (but the session cookie) and HTML as the app."""
    ours, theirs = call(real, environ), call(floor, environ)
    if ours[0] != theirs[0]:
        sys.exit(f"{case.label}: the app answered {ours[0]}, the floor {theirs[0]}")
    if ours[1].keys() != theirs[1].keys() or any(
        ours[1][k] != theirs[1][k] for k in ours[1] if k not in ("Set-Cookie", "Content-Length")
    ):
        sys.exit(f"{case.label}: headers differ:\n  app   {ours[1]}\n  floor {theirs[1]}")
    if normalised(ours[2]) != normalised(theirs[2]):
        import difflib

        diff = difflib.unified_diff(
            normalised(ours[2]).splitlines(), normalised(theirs[2]).splitlines(), "app", "floor", lineterm=""
        )
        sys.exit(f"{case.label}: the floor's HTML is not the app's:\n" + "\n".join(list(diff)[:60]))


def compare(real, floor, cases: list[Case], *, requests: int, rounds: int) -> dict[str, tuple[float, float]]:
    environs = {case.label: case.environ() for case in cases}
    for case in cases:
        same_answer(real, floor, case, environs[case.label])
        for app in (real, floor):
            cpu_ms(app, environs[case.label], max(10, requests // 10))  # warm-up
    times = {case.label: ([], []) for case in cases}
    for _ in range(rounds):
        for case in cases:
            ours, theirs = times[case.label]
            ours.append(cpu_ms(real, environs[case.label], requests))
            theirs.append(cpu_ms(floor, environs[case.label], requests))
    return {label: (statistics.median(a), statistics.median(b)) for label, (a, b) in times.items()}


def receipts(real, backend: Backend, visitors: dict) -> tuple[float, float, int]:
    """CPU per receipt POST (htmx), each clerk once on the newest scale notice, then each again (nothing to write)."""
    from bench_storm import acknowledged, newest_distributions

    notice_id, distribution_of = newest_distributions(backend, {v.unit_id for v in visitors.values()})
    form = {"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}
    environs = [
        Case("receipt", "POST", f"/inbox/{distribution_of[v.unit_id]}/receipt", v.headers(**form)).environ()
        for v in visitors.values()
    ]
    results = []
    for _press in range(2):
        started = time.process_time()
        statuses = {call(real, environ)[0] for environ in environs}
        results.append((time.process_time() - started) * 1000 / len(environs))
        if statuses != {200}:
            sys.exit(f"receipts answered {sorted(statuses)}")
    return results[0], results[1], acknowledged(backend, notice_id)


def run(backend: Backend, args) -> None:
    import os

    prepared = prepare(backend, args.units, args.notices)
    clerks = scale_clerks(args.units)
    visitors = forge_sessions(backend, ["secretary", *clerks])
    os.environ.update(server_env(backend))
    from app import create_app

    real = create_app()
    floor = floor_app(real)
    clerk, secretary = visitors[clerks[0]], visitors["secretary"]
    fragment = {"HX-Request": "true"}
    anonymous = {"User-Agent": USER_AGENT}
    cases = [
        Case("/healthz", "GET", "/healthz", anonymous),
        Case("logged-in redirect (GET /login)", "GET", "/login", clerk.headers()),
        Case("/inbox (a scale clerk, page 1)", "GET", "/inbox", clerk.headers()),
        Case("/inbox, htmx fragment", "GET", "/inbox", clerk.headers(**fragment)),
        Case("/inbox?page=7, htmx fragment", "GET", "/inbox?page=7", clerk.headers(**fragment)),
        Case("/notices (secretary, page 1)", "GET", "/notices", secretary.headers()),
        Case("/notices, htmx fragment", "GET", "/notices", secretary.headers(**fragment)),
        Case("/notices?page=7, htmx fragment", "GET", "/notices?page=7", secretary.headers(**fragment)),
    ]
    print(
        f"{backend.name}: demo scale {args.units} units × {args.notices} notices (prepared in {prepared:.0f} s); "
        f"in-process WSGI calls, {args.rounds} rounds × {args.requests} requests, app and floor alternating; "
        f"load average before: {load_average()}"
    )
    results = compare(real, floor, cases, requests=args.requests, rounds=args.rounds)
    print(f"  {'server CPU ms per request (median round)':<44}{'app':>8}{'floor':>8}{'ratio':>8}")
    for label, (ours, theirs) in results.items():
        print(f"  {label:<44}{ours:>8.2f}{theirs:>8.2f}{ours / theirs:>7.2f}×")
    for label in ("/inbox (a scale clerk, page 1)", "/notices (secretary, page 1)"):
        ours, theirs = results[label]
        ratio = ours / theirs
        verdict = "met" if ratio <= TARGET else "NOT met"
        page = label.split()[0]
        print(
            f"  FLOOR {backend.name} {page} {ours:.2f} ms vs {theirs:.2f} ms, {ratio:.2f}× its floor "
            f"(target at most {TARGET:.2f}×: {verdict})"
        )
    first, second, recorded = receipts(real, backend, {name: visitors[name] for name in clerks})
    print(
        f"  RECEIPT {backend.name} {first:.2f} ms CPU per receipt in-process (POST, htmx; {recorded} recorded), "
        f"{second:.2f} ms pressed again"
    )
    from app.extensions import db

    with real.app_context():
        db.engine.dispose()
    with floor.app_context():
        floor.extensions["sqlalchemy"].engine.dispose()


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300, help="demo scale --units (default 300)")
    parser.add_argument("--notices", type=int, default=1000, help="demo scale --notices (default 1000)")
    parser.add_argument("--requests", type=int, default=200, help="requests per round and page (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, app and floor alternating (default 5)")
    parser.add_argument("--pg", metavar="URL", help="also on this PostgreSQL database (default: TEST_DATABASE_URL)")
    args = parser.parse_args()
    args.requests, args.rounds = min(max(args.requests, 10), 5000), min(max(args.rounds, 1), 50)
    if not 1 <= args.units <= 1000:
        sys.exit("--units: from 1 to 1000")
    with backends(pg_url_from(args.pg)) as (sqlite, postgres):
        for backend in filter(None, (sqlite, postgres)):
            run(backend, args)
            print()


if __name__ == "__main__":
    main()
