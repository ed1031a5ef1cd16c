"""``instainstru-server``: run the API server standalone (SQLite file or PostgreSQL)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.seed.demo import DEMO_ADMIN, DEMO_INSTRUCTOR
from instainstru_desktop.server.serving import Server
from instainstru_desktop.server.workers import Supervisor, WorkerPlan, default_workers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="instainstru-server",
        description="Run the InstaInstru booking API. Settings not given here are read from "
        "INSTAINSTRU_SERVER_* environment variables.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "INSTAINSTRU_SERVER_DATABASE_URL", "sqlite:///instainstru-server.sqlite3"
        ),
        help="SQLAlchemy URL: sqlite:///path.sqlite3 or postgresql+psycopg://user:pw@host/db",
    )
    parser.add_argument(
        "--seed-demo", action="store_true", help="fill an empty database with the demo studio"
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default=None,
        metavar="ADDRESSES",
        help="reverse proxies whose X-Forwarded-For headers name the client: comma separated "
        "addresses or networks (default: INSTAINSTRU_SERVER_FORWARDED_ALLOW_IPS, else none)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        metavar="N",
        help="server processes sharing the port (default: the number of CPUs, here %(default)s); "
        "they stay consistent on SQLite and PostgreSQL alike",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workers < 1:
        print("instainstru-server: --workers must be at least 1", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    chosen: dict[str, Any] = {"database_url": args.database_url, "seed_demo": args.seed_demo}
    if args.forwarded_allow_ips is not None:
        chosen["forwarded_allow_ips"] = args.forwarded_allow_ips
    settings = Settings(**chosen)
    try:
        app = create_app(settings)
    except Exception as exc:  # a bad URL or an unreachable database: say so, no traceback
        print(f"instainstru-server: cannot open the database: {exc}", file=sys.stderr)
        return 2
    if args.seed_demo:
        print(
            f"Demo admin: {DEMO_ADMIN.email} / {DEMO_ADMIN.password}; demo instructor: "
            f"{DEMO_INSTRUCTOR.email} / {DEMO_INSTRUCTOR.password}"
        )
    if args.workers == 1:
        Server(app, host=args.host, port=args.port, log_level=args.log_level).run()
        return 0
    app.state.context.uow.database.dispose()  # ready (migrated, seeded): the workers serve
    plan = WorkerPlan(
        settings.model_copy(update={"seed_demo": False}), args.host, args.port, args.log_level
    )
    return Supervisor(plan, args.workers).run()


if __name__ == "__main__":
    sys.exit(main())
