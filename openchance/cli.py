"""The ``openchance`` command: serve, worker, bot, seed."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from openchance.preflight import PRIVATE_STORE_FLAG, StartupProblem, check_startup
from openchance.settings import Settings


def _banner(settings: Settings, host: str, port: int, demo: bool,
            warnings: list[str] | None = None) -> str:
    lines = [f"OpenChance is up at http://{host}:{port}  (health: http://{host}:{port}/healthz)"]
    embedded = settings.embedded_parts
    if embedded:
        lines.append("Embedded in this process: " + "; ".join(embedded) + ".")
    if not settings.mongodb_url and settings.openchance_data_dir:
        from pathlib import Path

        lines.append(f"Embedded data is kept in {Path(settings.openchance_data_dir).resolve()} "
                     "(OPENCHANCE_DATA_DIR); it survives restarts and crashes.")
    elif not settings.mongodb_url:
        lines.append("Embedded data lives in memory and is lost when this process exits "
                     "(set OPENCHANCE_DATA_DIR to keep it).")
    lines.extend(warnings or [])
    if demo:
        from domain.demo import DEMO_PASSWORD, DEMO_USERS

        logins = ", ".join(email for email, _, _ in DEMO_USERS)
        lines.append(f"Demo data loaded. Log in as {logins} with password {DEMO_PASSWORD!r}.")
    return "\n".join(lines)


def _serve(args: argparse.Namespace) -> int:
    settings = Settings()
    from domain.services.escrow_guard import ephemeral_money_refusal

    if refusal := ephemeral_money_refusal(
            real_payments=bool(settings.stripe_secret_key),
            durable_store=bool(settings.mongodb_url),
            allow_ephemeral_money=args.allow_ephemeral_money):
        print(refusal, file=sys.stderr)
        return 2
    if not settings.openchance_public_url:
        # Links the server hands out (the simulated checkout, onboarding) must name the port
        # it really listens on, not the default one.
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
        settings = settings.model_copy(
            update={"openchance_public_url": f"http://{host}:{args.port}"})
    if args.ephemeral:
        settings = settings.model_copy(update={"openchance_data_dir": None})
    warnings = check_startup(settings, "serve", private_store=args.private_store)
    # Imported after the checks: a wrong URL is reported before seconds of imports.
    from aiohttp import web

    from openchance.serve import create_app

    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop is optional on unusual platforms
        pass
    app = create_app(settings, demo=args.demo)
    banner = _banner(settings, args.host, args.port, args.demo, warnings)
    web.run_app(app, host=args.host, port=args.port, print=lambda _: print(banner, flush=True),
                access_log=None)
    return 0


async def _seed() -> int:
    from domain.demo import load_demo
    from openchance.runtime import runtime

    settings = Settings()
    check_startup(settings, "seed")
    if not settings.mongodb_url:
        print("seed writes into the MongoDB that MONGODB_URL names; it is unset.\n"
              "For the embedded store use: openchance serve --demo", file=sys.stderr)
        return 2
    async with runtime(settings, "seed") as rt:
        await load_demo(rt.deps)
    print("Demo users, challenges and a conversation were added.")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from openchance.worker import inspect_queues, run_worker

    if args.list or args.dead or args.retry:
        return asyncio.run(inspect_queues(Settings(), show_dead=args.dead, retry=args.retry,
                                          group=args.group))
    settings = Settings()
    check_startup(settings, "worker")
    return asyncio.run(run_worker(settings))


def _bot(args: argparse.Namespace) -> int:
    if args.platform == "telegram":
        check_startup(Settings(), "bot")
        from bots.telegram.polling import run_polling

        return asyncio.run(run_polling(Settings()))
    if args.platform == "discord":
        check_startup(Settings(), "bot")
        from bots.discord.gateway import run_gateway

        return asyncio.run(run_gateway(Settings()))
    check_startup(Settings(), "bot")
    from bots.slack.socket_mode import run_socket_mode

    return asyncio.run(run_socket_mode(Settings()))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openchance",
                                     description="The OpenChance challenge marketplace.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the whole platform in one process")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--demo", action="store_true", help="load demo users and challenges")
    serve.add_argument("--allow-ephemeral-money", action="store_true",
                       help="run real Stripe payments on the in-memory store (records are lost "
                            "on exit)")
    serve.add_argument("--ephemeral", action="store_true",
                       help="keep the embedded store in memory only, even if "
                            "OPENCHANCE_DATA_DIR is set")
    serve.add_argument(PRIVATE_STORE_FLAG, dest="private_store", action="store_true",
                       help="start on the embedded store although REDIS_URL is set")
    serve.set_defaults(run=_serve)
    worker = commands.add_parser("worker", help="run background jobs")
    shown = worker.add_mutually_exclusive_group()
    shown.add_argument("--list", action="store_true", help="show each queue and exit")
    shown.add_argument("--dead", action="store_true", help="show dead letters and exit")
    shown.add_argument("--retry", metavar="KEY|all",
                       help="hand one dead letter (or all) back to its group and exit")
    worker.add_argument("--group", help="with --dead/--retry: only this consumer group")
    worker.set_defaults(run=_worker)
    bot = commands.add_parser("bot", help="run one chat bot as its own process")
    bot.add_argument("platform", choices=["telegram", "discord", "slack"])
    bot.set_defaults(run=_bot)
    seed = commands.add_parser("seed", help="add demo data to the MongoDB at MONGODB_URL")
    seed.add_argument("--demo", action="store_true", required=True)
    seed.set_defaults(run=lambda _: asyncio.run(_seed()))
    from openchance.admin import add_admin_parser

    add_admin_parser(commands)
    from openchance.reindex import add_reindex_command

    add_reindex_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except StartupProblem as problem:
        print(f"openchance: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
