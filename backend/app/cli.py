"""`aurum`: the operator's command line (migrations, serving, OpenAPI export)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

cli = typer.Typer(
    help="Aurum Solar platform command line.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
cli.add_typer(db_cli, name="db")

BACKEND_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BACKEND_DIR.parent


def _alembic_config(database_url: str | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    ini = BACKEND_DIR / "alembic.ini"
    if not ini.is_file():
        ini = Path.cwd() / "alembic.ini"
    if not ini.is_file():
        typer.echo("alembic.ini not found next to the app package or in the current directory.")
        raise typer.Exit(2)
    config = Config(str(ini))
    config.set_main_option("script_location", str(ini.parent / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def _describe_database() -> str:
    from app.core.config import get_settings

    settings = get_settings()
    if settings.database_backend == "sqlite":
        return f"SQLite at {settings.sqlite_path}"
    return "PostgreSQL"


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from alembic import command

    typer.echo(f"Migrating {_describe_database()} to {revision}...")
    command.upgrade(_alembic_config(), revision)
    typer.echo("Database is up to date.")


@db_cli.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base.")],
) -> None:
    """Revert migrations down to REVISION (`base` empties the schema)."""
    from alembic import command

    typer.echo(f"Reverting {_describe_database()} to {revision}...")
    command.downgrade(_alembic_config(), revision)
    typer.echo("Done.")


@db_cli.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    from alembic import command

    command.current(_alembic_config(), verbose=False)


@db_cli.command("history")
def db_history() -> None:
    """List every migration."""
    from alembic import command

    command.history(_alembic_config())


@cli.command("openapi")
def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Print the OpenAPI document the SPAs' typed clients are generated from."""
    from app.core.config import Settings
    from app.main import create_app

    document = create_app(Settings(environment="development"), configure_logs=False).openapi()
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
    else:
        sys.stdout.write(text)


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="API port.")] = 8000,
    all_: Annotated[
        bool, typer.Option("--all", help="Also serve both built SPAs (3001, 3002).")
    ] = False,
    public_port: Annotated[int, typer.Option(help="Public site port (with --all).")] = 3001,
    admin_port: Annotated[int, typer.Option(help="Admin dashboard port (with --all).")] = 3002,
    reload: Annotated[bool, typer.Option(help="Restart the API when code changes.")] = False,
    workers: Annotated[int, typer.Option(help="API worker processes (not with --all).")] = 1,
) -> None:
    """Run the API (and with --all, the public site and the admin dashboard)."""
    import uvicorn

    from app.core.config import ConfigError, get_settings

    try:
        settings = get_settings()
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc

    if not all_:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            reload=reload,
            reload_dirs=[str(BACKEND_DIR / "app")] if reload else None,
            workers=None if reload else workers,
            log_config=None,
            proxy_headers=True,
            server_header=False,
        )
        return
    asyncio.run(_serve_all(host, port, public_port, admin_port, settings))


async def _serve_all(host: str, api_port: int, public_port: int, admin_port: int, settings) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from app.core.spa import create_spa_app
    from app.main import create_app

    public_dist = Path(os.environ.get("AURUM_PUBLIC_DIST", REPO_DIR / "aurum-chat-solar-main/dist"))
    admin_dist = Path(os.environ.get("AURUM_ADMIN_DIST", REPO_DIR / "admin-dashboard/dist"))
    for dist in (public_dist, admin_dist):
        if not (dist / "index.html").is_file():
            typer.echo(f"warning: {dist} has no build; run `make build` first.", err=True)

    class _Server(uvicorn.Server):
        # The three servers share one loop; we own the signals and stop all at once.
        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[no-untyped-def]
            yield

    servers = [
        _Server(
            uvicorn.Config(
                app, host=host, port=p, log_config=None, server_header=False, lifespan=ls
            )
        )
        for app, p, ls in (
            (create_app(settings), api_port, "on"),
            (create_spa_app(public_dist, name="public"), public_port, "off"),
            (create_spa_app(admin_dist, name="admin"), admin_port, "off"),
        )
    ]
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    typer.echo(
        "\nAurum Solar is starting:\n"
        f"  API              http://{shown}:{api_port}   (docs: /docs)\n"
        f"  Public site      http://{shown}:{public_port}\n"
        f"  Admin dashboard  http://{shown}:{admin_port}\n"
        "Press Ctrl-C to stop all three.\n"
    )

    def _stop() -> None:
        for s in servers:
            if s.should_exit:  # a second Ctrl-C: stop without waiting for connections
                s.force_exit = True
            s.should_exit = True

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, _stop)

    tasks = [asyncio.create_task(s.serve()) for s in servers]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for s in servers:
            s.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if task.exception():
            raise task.exception()  # type: ignore[misc]
    if any(not s.started for s in servers):
        typer.echo("A server failed to start (is the port in use?).", err=True)
        raise typer.Exit(1)


@cli.command("worker")
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs that are due now, then exit.")
    ] = False,
) -> None:
    """Run the background jobs of every domain (periodic expiry jobs; later sales,
    webhooks, e-mail). Run one or several, on any machine that reaches the database:
    each periodic slot runs once however many workers run. With the embedded database
    `aurum serve` runs the worker itself (WORKER_IN_PROCESS) and this is not needed.
    Stops cleanly on Ctrl-C or SIGTERM."""
    from app.core.config import ConfigError, get_settings
    from app.core.logging import configure_logging

    try:
        settings = get_settings()
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(_run_worker(settings, once=once))


async def _run_worker(settings, *, once: bool) -> None:  # type: ignore[no-untyped-def]
    from app.core.db import Database
    from app.worker import Worker

    database = Database(settings)
    try:
        runner = Worker(database.transaction, settings)
        if once:
            for outcome in await runner.run_due():
                status = f"failed: {outcome.error}" if outcome.error else outcome.result
                typer.echo(f"{outcome.job}: {status}")
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await runner.run(stop)
    finally:
        await database.dispose()


ADMIN_ROLES = ("admin", "manager", "analyst")


def _check_admin_input(email: str, role: str, password: str) -> str:
    """The normalised email, or exit 2 with a message saying what to fix."""
    from pydantic import TypeAdapter, ValidationError

    from app.admin.users.schemas import AdminEmail
    from app.core.security import PasswordPolicyError, check_password_policy

    if role not in ADMIN_ROLES:
        typer.echo(f"--role must be one of: {', '.join(ADMIN_ROLES)}.", err=True)
        raise typer.Exit(2)
    try:
        normalized = TypeAdapter(AdminEmail).validate_python(email)
    except ValidationError as exc:
        reason = exc.errors()[0].get("msg", "").removeprefix("Value error, ")
        typer.echo(f"Not a valid email address ({reason}): {email!a}", err=True)
        raise typer.Exit(2) from exc
    try:
        check_password_policy(password, email=normalized)
    except PasswordPolicyError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    return normalized


async def _create_admin(email: str, role: str, password: str) -> bool:
    """Create the user; False when the email is taken."""
    from app.admin.deps import Role
    from app.admin.users import service
    from app.core.config import get_settings
    from app.core.db import Database, utcnow
    from app.core.errors import Conflict

    database = Database(get_settings())
    try:
        async with database.transaction() as session:
            await service.create_user(
                session, email=email, role=Role(role), password=password, now=utcnow(), via="cli"
            )
    except Conflict:
        return False
    finally:
        await database.dispose()
    return True


@cli.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option("--email", help="The user's sign-in email.")],
    role: Annotated[str, typer.Option("--role", help="admin, manager or analyst.")] = "admin",
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar="AURUM_ADMIN_PASSWORD",
            show_envvar=True,
            help="12-128 characters, not common, not made from the email; prompted for (hidden) "
            "when not given.",
        ),
    ] = None,
) -> None:
    """Create a dashboard user (exit code 1 when the email already has one)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    email = _check_admin_input(email, role, password)
    if not asyncio.run(_create_admin(email, role, password)):
        typer.echo(f"An admin user with the email {email} already exists.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Created {role} {email}.")


async def _ensure_admin(email: str | None, password: str | None) -> str:
    from sqlalchemy import select

    from app.admin.deps import Role
    from app.admin.models import AdminUser
    from app.admin.users import service
    from app.core.config import get_settings
    from app.core.db import Database, utcnow

    database = Database(get_settings())
    try:
        async with database.transaction() as session:
            if email and password and await service.get_by_email(session, email) is None:
                await service.create_user(
                    session,
                    email=email,
                    role=Role.ADMIN,
                    password=password,
                    now=utcnow(),
                    via="cli",
                )
                return "created"
            active_admin = await session.scalar(
                select(AdminUser.id)
                .where(AdminUser.role == Role.ADMIN.value, AdminUser.is_active.is_(True))
                .limit(1)
            )
            return "exists" if active_admin else "none"
    finally:
        await database.dispose()


@cli.command("ensure-admin")
def ensure_admin() -> None:
    """Create the first admin from AURUM_ADMIN_EMAIL and AURUM_ADMIN_PASSWORD when both
    are set, or say how to create one when there is no active admin. Always exits 0."""
    from dotenv import dotenv_values

    environment = {**dotenv_values(".env"), **os.environ}  # like the settings: .env, then env
    email = (environment.get("AURUM_ADMIN_EMAIL") or "").strip() or None
    password = environment.get("AURUM_ADMIN_PASSWORD") or None
    try:
        if email and password:
            try:
                email = _check_admin_input(email, "admin", password)
            except typer.Exit:
                typer.echo("AURUM_ADMIN_EMAIL/AURUM_ADMIN_PASSWORD were not used.", err=True)
                email = password = None
        outcome = asyncio.run(_ensure_admin(email, password))
    except Exception as exc:  # never block start-up; the API reports database trouble itself
        typer.echo(f"Could not check for an admin user: {type(exc).__name__}: {exc}", err=True)
        return
    if outcome == "created":
        typer.echo(f"Created admin {email} (from AURUM_ADMIN_EMAIL).")
    elif outcome == "none":
        typer.echo("No admin user yet. Create the first one with:")
        typer.echo(f"  {_invoked_as()} create-admin --email you@example.com --role admin")
        typer.echo("or set AURUM_ADMIN_EMAIL and AURUM_ADMIN_PASSWORD in .env and start again.")


def _invoked_as() -> str:
    """How the user ran this command (e.g. backend/.venv/bin/aurum from `make run`)."""
    program = Path(sys.argv[0])
    if program.name != "aurum" or program.parent == Path():
        return "aurum"
    if not program.is_absolute():
        return str(program)
    try:
        return str(program.relative_to(Path.cwd()))
    except ValueError:
        return "aurum"


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
