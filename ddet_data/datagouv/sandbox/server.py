"""Run udata (the software of data.gouv.fr) on loopback, seeded, for rehearsals and tests.

This script runs with `.venv-udata/bin/python`, not the project's interpreter: it may
import only udata, its dependencies (mongomock, werkzeug, flask) and the standard
library, never `ddet_data`.

The database is mongomock, so it lives inside this process: everything a client needs
(a user with an API token, an organization where that user is admin, a second user
with a token but no rights, the licences) is created here before serving. When the
socket is bound, the values are written as JSON to the `--state` file, which is what
`ddet_data.datagouv.sandbox.process` waits for.

A tiny WSGI middleware counts the write requests the server handled and shows them at
`GET /_sandbox/stats`, so tests can prove that a publish sent no write at all.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
STATS_PATH = "/_sandbox/stats"

# The licences of data.gouv.fr (`GET /api/1/datasets/licenses/`), ids and titles as the
# platform shows them; an address only where it is known.
LICENSES = [
    {
        "id": "lov2",
        "title": "Licence Ouverte / Open Licence version 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "alternate_titles": ["Etalab Licence Ouverte 2.0", "Licence Ouverte v2.0", "etalab-2.0"],
    },
    {"id": "fr-lo", "title": "Licence Ouverte / Open Licence"},
    {
        "id": "odc-odbl",
        "title": "Open Data Commons Open Database License (ODbL)",
        "url": "https://opendatacommons.org/licenses/odbl/summary/",
    },
    {"id": "odc-by", "title": "Open Data Commons Attribution License"},
    {"id": "odc-pddl", "title": "Open Data Commons Public Domain Dedication and Licence (PDDL)"},
    {"id": "cc-by", "title": "Creative Commons Attribution"},
    {"id": "cc-by-sa", "title": "Creative Commons Attribution Share-Alike"},
    {"id": "cc-zero", "title": "Creative Commons CCZero"},
    {"id": "other-at", "title": "Other (Attribution)"},
    {"id": "other-open", "title": "Other (Open)"},
    {"id": "other-pd", "title": "Other (Public Domain)"},
    {"id": "notspecified", "title": "License Not Specified"},
]
# The platform's geographic levels (ids, names and admin levels of etalab/geozones, which
# `udata spatial load` reads): a dataset's spatial granularity must be one of them.
# France is the one zone seeded.
GEO_LEVELS = [
    ("country", "Country", 20),
    ("fr:region", "French region", 40),
    ("fr:departement", "French county", 60),
    ("fr:commune", "French town", 80),
]

class WriteCounter:
    """WSGI middleware: counts handled write requests and serves them as JSON."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.writes: list[dict] = []

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if path == STATS_PATH:
            with self.lock:
                body = json.dumps({"writes": len(self.writes), "requests": self.writes})
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body.encode()]
        if method not in WRITE_METHODS:
            return self.app(environ, start_response)

        def counting_start_response(status, headers, exc_info=None):
            with self.lock:
                self.writes.append({"method": method, "path": path, "status": int(status[:3])})
            return start_response(status, headers, exc_info)

        return self.app(environ, counting_start_response)


def write_settings(path: Path, root: Path) -> None:
    """The settings that let udata run alone: mongomock, eager tasks, no cache, no mail."""
    storage = root / "fs"
    storage.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(
            [
                "import mongomock",
                "from udata.settings import Defaults",
                "MONGODB_SETTINGS = {'host': 'mongodb://localhost:27017/udata',",
                "                    'mongo_client_class': mongomock.MongoClient}",
                "MONGODB_HOST = 'mongodb://localhost:27017/udata'",
                "CELERY_TASK_ALWAYS_EAGER = True",
                "CELERY_BROKER_URL = 'memory://'",
                "CELERY_RESULT_BACKEND = 'cache+memory://'",
                "CACHE_TYPE = 'flask_caching.backends.NullCache'",
                "ELASTICSEARCH_URL = None",
                "SEARCH_SERVICE_API_URL = None",
                "AUTO_INDEX = False",
                "SEND_MAIL = False",
                "SCHEMA_CATALOG_URL = None",
                f"FS_ROOT = {str(storage)!r}",
                "FS_SERVE = True",
                "SESSION_COOKIE_SECURE = False",
                "URLS_ALLOW_LOCAL = True",
                "URLS_ALLOW_PRIVATE = True",
                "DEBUG = False",
                "SENTRY_DSN = None",
                f"SECRET_KEY = {os.urandom(24).hex()!r}",
                f"API_TOKEN_SECRET = {os.urandom(24).hex()!r}",
                f"SECURITY_PASSWORD_SALT = {os.urandom(12).hex()!r}",
                "ALLOWED_RESOURCES_EXTENSIONS = list(Defaults.ALLOWED_RESOURCES_EXTENSIONS)"
                " + ['parquet', 'jsonl']",
                "",
            ]
        ),
        encoding="utf-8",
    )


def seed(organization_name: str) -> dict:
    """Create the licences, the zones, the publisher (admin of the organization) and an outsider."""
    from udata.core.api_token.models import ApiToken
    from udata.core.dataset.models import License
    from udata.core.organization.models import Member, Organization
    from udata.core.spatial.models import GeoLevel, GeoZone
    from udata.core.user.models import User

    for licence in LICENSES:
        License(active=True, **licence).save()
    # data.gouv.fr's own identifiers for France, so the same settings work on both.
    for level, name, admin_level in GEO_LEVELS:
        GeoLevel(id=level, name=name, admin_level=admin_level).save()
    GeoZone(id="country:fr", slug="france", name="France", code="fr", level="country").save()
    now = datetime.now(UTC)

    def confirmed_user(first_name: str, last_name: str, email: str) -> User:
        return User(
            first_name=first_name, last_name=last_name, email=email, active=True, confirmed_at=now
        ).save()

    publisher = confirmed_user("Éditrice", "DDET", "publisher@sandbox.invalid")
    outsider = confirmed_user("Personne", "Extérieure", "outsider@sandbox.invalid")
    organization = Organization(
        name=organization_name,
        description="Organisation de répétition pour la publication des données DDET.",
        members=[Member(user=publisher, role="admin")],
    ).save()
    _, publisher_key = ApiToken.generate(publisher, name="ddet-data sandbox")
    _, outsider_key = ApiToken.generate(outsider, name="ddet-data sandbox outsider")
    return {
        "api_key": publisher_key,
        "other_api_key": outsider_key,
        "organization": str(organization.id),
        "organization_slug": organization.slug,
        "user": str(publisher.id),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="folder for settings, files")
    parser.add_argument("--state", type=Path, required=True, help="JSON written once serving")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--organization", default="DDET bac à sable")
    args = parser.parse_args(argv)

    args.root.mkdir(parents=True, exist_ok=True)
    settings = args.root / "udata.cfg"
    write_settings(settings, args.root)
    os.environ["UDATA_SETTINGS"] = str(settings)

    from udata.app import create_app, standalone
    from werkzeug.serving import make_server

    app = standalone(create_app())
    with app.app_context():
        values = seed(args.organization)
    counter = WriteCounter(app.wsgi_app)
    app.wsgi_app = counter
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    port = server.server_address[1]
    values.update({"url": f"http://127.0.0.1:{port}/api/1", "pid": os.getpid(), "port": port})

    # Written atomically: the parent polls for this file.
    partial = args.state.with_suffix(".partial")
    partial.write_text(json.dumps(values), encoding="utf-8")
    os.chmod(partial, 0o600)
    partial.replace(args.state)

    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
