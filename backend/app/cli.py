"""`aurum`: the operator's command line (migrations, serving, OpenAPI export, users,
partners)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

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
    from app.core.middleware import prepare_multiprocess_metrics

    try:
        settings = get_settings()
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc

    if not all_:
        prepare_multiprocess_metrics(1 if reload else workers)
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            reload=reload,
            reload_dirs=[str(BACKEND_DIR / "app")] if reload else None,
            workers=None if reload else workers,
            **server_options(settings),
        )
        return
    asyncio.run(_serve_all(host, port, public_port, admin_port, settings))


def server_options(settings) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """uvicorn settings every `aurum serve` process gets.

    ``proxy_headers=False``: uvicorn would otherwise rewrite the client address from
    ``X-Forwarded-For`` whenever the peer is 127.0.0.1, whatever TRUSTED_PROXIES says; the
    app decides which proxies to believe (``app.core.clientip``). The concurrency limit
    answers 503 instead of queueing without end; idle keep-alive connections close.
    """
    return {
        "log_config": None,
        "server_header": False,
        "proxy_headers": False,
        "limit_concurrency": settings.api_max_concurrency,
        "timeout_keep_alive": settings.api_keepalive_seconds,
    }


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
        _Server(uvicorn.Config(app, host=host, port=p, lifespan=ls, **server_options(settings)))
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
    from app.core.cache import build_store
    from app.core.db import Database, utcnow
    from app.core.events import running_feed
    from app.core.jobs import JobContext
    from app.solar.tables import reference_data
    from app.worker import Worker

    # Selling reads ZIP coordinates from the reference tables. Load them now, off the
    # event loop: loaded by the first sale they would stall every lane for seconds.
    await asyncio.to_thread(reference_data)
    database = Database(settings)
    feeds = contextlib.AsyncExitStack()
    if settings.redis_url:  # what the worker sells and sends reaches the API's live feed
        store = build_store(
            settings.redis_url,
            timeout=settings.redis_timeout_seconds,
            retry_seconds=settings.redis_retry_seconds,
        )
        feeds.push_async_callback(store.close)
        await feeds.enter_async_context(
            running_feed(
                database.engine, store, buffer_size=settings.live_feed_buffer, receive=False
            )
        )
    try:
        runner = Worker(database.transaction, settings)
        if once:
            handled = 0
            for consumer in runner.consumers:
                handled += await runner.drain(consumer)
            typer.echo(f"outbox: {handled} event(s) handled")
            sent = 0
            for poller in runner.pollers:
                sent += await poller(JobContext(database.transaction, settings, utcnow()))
            await runner.close()
            typer.echo(f"webhooks: {sent} delivery attempt(s)")
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
        await feeds.aclose()
        await database.dispose()


mail_cli = typer.Typer(
    help="E-mail written as files (no SMTP_HOST: the embedded mode).", invoke_without_command=True
)
cli.add_typer(mail_cli, name="mail")


@mail_cli.callback()
def mail_list(ctx: typer.Context) -> None:
    """List the e-mail the platform wrote to AURUM_DATA_DIR/mail, newest first (when
    SMTP_HOST is set it is sent instead, and nothing is listed here)."""
    if ctx.invoked_subcommand is not None:
        return
    from email import policy
    from email.parser import BytesParser

    from app.mail.transport import mail_dir

    settings = _settings_or_exit()
    files = sorted(mail_dir(settings).glob("*.eml"), reverse=True)
    if settings.smtp_host:
        typer.echo(f"SMTP_HOST is set: e-mail goes to {settings.smtp_host}, not to files.")
    if not files:
        typer.echo(f"No e-mail in {mail_dir(settings)}.")
        return
    for path in files:
        message = BytesParser(policy=policy.default).parse(path.open("rb"), headersonly=True)
        typer.echo(f"{path.name}  to {message['To']}  {message['Subject']}")


@mail_cli.command("show")
def mail_show(name: Annotated[str, typer.Argument(help="A file name from `aurum mail`.")]) -> None:
    """Print one e-mail."""
    from app.mail.transport import mail_dir

    path = mail_dir(_settings_or_exit()) / Path(name).name
    if not path.is_file():
        typer.echo(f"No such e-mail: {name}", err=True)
        raise typer.Exit(2)
    sys.stdout.write(path.read_text(errors="replace"))


privacy_cli = typer.Typer(help="Personal data requests.", no_args_is_help=True)
cli.add_typer(privacy_cli, name="privacy")


@privacy_cli.command("erase")
def privacy_erase(
    email: Annotated[str | None, typer.Option("--email", help="The person's email.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The person's US phone.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person's data on request: their leads keep qualification and money but
    lose every contact detail; their chats lose contact details (messages keep
    `[removed]`). Cannot be undone. Audited as `privacy.erase` without the person's
    details."""
    from app.leads.fields import normalize_email, normalize_phone

    normalized_email = normalize_email(email) if email else None
    normalized_phone = normalize_phone(phone) if phone else None
    if email and normalized_email is None:
        typer.echo(f"Not a valid email address: {email}", err=True)
        raise typer.Exit(2)
    if phone and normalized_phone is None:
        typer.echo(f"Not a valid US phone number: {phone}", err=True)
        raise typer.Exit(2)
    if not (normalized_email or normalized_phone):
        typer.echo("Give --email, --phone or both.", err=True)
        raise typer.Exit(2)
    if not yes and not typer.confirm("Erase this person's data? This cannot be undone"):
        raise typer.Exit(1)
    erasure = asyncio.run(_erase(normalized_email, normalized_phone))
    typer.echo(
        f"Erased {len(erasure.leads)} lead(s) and {erasure.conversations} chat(s) "
        f"({erasure.messages} message(s) redacted)."
    )


async def _erase(email: str | None, phone: str | None):  # type: ignore[no-untyped-def]
    from app.core.config import get_settings
    from app.core.db import Database, utcnow
    from app.privacy.service import erase_person

    database = Database(get_settings())
    try:
        async with database.transaction() as session:
            return await erase_person(session, email=email, phone=phone, at=utcnow(), via="cli")
    finally:
        await database.dispose()


analytics_cli = typer.Typer(help="Analytics rollups.", no_args_is_help=True)
cli.add_typer(analytics_cli, name="analytics")


def _day_option(text: str, option: str):  # type: ignore[no-untyped-def]
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        typer.echo(f"{option} {text!r} is not a date: use YYYY-MM-DD, e.g. 2026-01-31.", err=True)
        raise typer.Exit(2) from None


@analytics_cli.command("rebuild")
def analytics_rebuild(
    from_: Annotated[str, typer.Option("--from", help="First UTC day, YYYY-MM-DD.")],
    to: Annotated[str, typer.Option("--to", help="Last UTC day (inclusive), YYYY-MM-DD.")],
    batch_days: Annotated[
        int, typer.Option("--batch-days", min=1, max=366, help="Days per progress line.")
    ] = 7,
) -> None:
    """Recompute the analytics rollups of every day from FROM to TO from the raw leads,
    sales, returns and outcomes (one transaction per day; safe to run again, and while
    the API runs). Audited as `analytics.rebuild`."""
    start, end = _day_option(from_, "--from"), _day_option(to, "--to")
    from app.analytics.service import check_range
    from app.core.errors import ValidationFailed

    try:
        check_range(start, end)
    except ValidationFailed as exc:
        _fail(exc.message, 2)
    settings = _settings_or_exit()

    def progress(first, last, rows) -> None:  # type: ignore[no-untyped-def]
        typer.echo(f"{first}..{last}: {rows} rollup row(s)")

    async def _run():  # type: ignore[no-untyped-def]
        from app.analytics.service import rebuild
        from app.core.db import Database

        database = Database(settings)
        try:
            return await rebuild(
                database.transaction,
                start,
                end,
                batch_days=batch_days,
                progress=progress,
                via="cli",
            )
        finally:
            await database.dispose()

    rebuilt = asyncio.run(_run())
    typer.echo(f"Rebuilt {rebuilt.days} day(s), {rebuilt.rows} rollup row(s).")


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
    """How the user ran this command (e.g. backend/venv/bin/aurum from `make run`)."""
    program = Path(sys.argv[0])
    if program.name != "aurum" or program.parent == Path():
        return "aurum"
    if not program.is_absolute():
        return str(program)
    try:
        return str(program.relative_to(Path.cwd()))
    except ValueError:
        return "aurum"


def _settings_or_exit():  # type: ignore[no-untyped-def]
    from app.core.config import ConfigError, get_settings

    try:
        return get_settings()
    except ConfigError as exc:
        typer.echo(f"Configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc


@cli.command("backup")
def backup(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (default: a new file in BACKUP_DIR)."),
    ] = None,
    nightly: Annotated[
        bool,
        typer.Option(
            help="Keep running: a backup every day at BACKUP_TIME (UTC), BACKUP_KEEP_DAYS kept."
        ),
    ] = False,
    status: Annotated[
        bool, typer.Option(help="Show the newest backup; exit 1 when it is over 25 hours old.")
    ] = False,
) -> None:
    """Back up the database: pg_dump (custom format) for PostgreSQL, SQLite's online
    backup for the embedded database, with a manifest of row counts and checksums."""
    from datetime import UTC, datetime

    from app.core import backup as backups

    settings = _settings_or_exit()
    if status:
        latest = backups.latest_backup_age(settings.backup_dir, datetime.now(UTC))
        if latest is None:
            typer.echo(f"No backup in {settings.backup_dir}.", err=True)
            raise typer.Exit(1)
        path, age = latest
        typer.echo(f"Newest backup: {path} ({age.total_seconds() / 3600:.1f} hours old).")
        raise typer.Exit(0 if age < backups.FRESH_FOR else 1)
    if nightly:
        typer.echo(
            f"Nightly backups at {settings.backup_time} UTC into {settings.backup_dir}, "
            f"kept {settings.backup_keep_days} days."
        )
        backups.run_nightly(settings)
        return
    try:
        path, manifest = asyncio.run(backups.create_backup(settings, output))
    except backups.BackupError as exc:
        typer.echo(f"Backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"Backed up {_describe_database()} to {path} ({path.stat().st_size} bytes): "
        f"{len(manifest.tables)} tables, {manifest.total_rows} rows; "
        f"manifest {backups.manifest_path(path).name}."
    )


@cli.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `aurum backup`.")],
    force: Annotated[
        bool, typer.Option(help="Replace a database that already holds data.")
    ] = False,
) -> None:
    """Restore a backup into the configured database (which must be empty unless
    --force), check it against the backup's manifest, then migrate to head."""
    from alembic import command

    from app.core import backup as backups

    settings = _settings_or_exit()
    try:
        restored = asyncio.run(backups.restore_backup(settings, file, force=force))
    except backups.BackupError as exc:
        typer.echo(f"Restore failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    checked = "matches its manifest" if restored.manifest else "no manifest to check against"
    typer.echo(
        f"Restored {file} into {_describe_database()}: {len(restored.tables)} tables, "
        f"{restored.total_rows} rows ({checked})."
    )
    command.upgrade(_alembic_config(), "head")
    typer.echo("Database is up to date.")


# ---------------------------------------------------------------- partners

partner_cli = typer.Typer(
    help="Partners (installers who buy leads): accounts, API keys, balance. Every change "
    "is audited like the admin API's. Exit code 2: invalid input; 1: no such partner or "
    "key, or a change the current state does not allow.",
    no_args_is_help=True,
)
cli.add_typer(partner_cli, name="partner")
partner_key_cli = typer.Typer(help="A partner's keys for the B2B API.", no_args_is_help=True)
partner_cli.add_typer(partner_key_cli, name="key")

PartnerId = Annotated[uuid.UUID, typer.Argument(help="The partner's id (aurum partner list).")]
KeyId = Annotated[uuid.UUID, typer.Argument(help="The key's id (aurum partner show ID).")]


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _validated(model: Any, data: dict[str, Any]) -> Any:
    """``data`` checked by the admin API's own request model, or exit 2 saying what to fix."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "input"
            problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        _fail("Invalid input:\n  " + "\n  ".join(problems))


def _as_operator(work: Callable[[Any, Any], Awaitable[Any]]) -> Any:
    """Run ``work(session, who)`` in one transaction as the command line (audited with
    via=cli). Domain errors become messages: 422s exit 2, 404s and 409s exit 1."""
    from app.core.errors import AppError, ValidationFailed

    async def _run() -> Any:
        from app.core.config import get_settings
        from app.core.db import Database, utcnow
        from app.partners.service import Who

        database = Database(get_settings())
        try:
            async with database.transaction() as session:
                return await work(session, Who(via="cli", at=utcnow()))
        finally:
            await database.dispose()

    try:
        return asyncio.run(_run())
    except ValidationFailed as exc:
        _fail(exc.message, 2)
    except AppError as exc:
        _fail(exc.message, 1)


def _dollars(cents: int | None) -> str:
    if cents is None:
        return "-"
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def _csv_option(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()  # "²" is a digit to Python, not to int()


def _tier_prices(text: str | None, option: str) -> dict[str, int]:
    """``12000`` (every tier) or ``A=15000,B=9000,C=5000``, in cents."""
    if text is None:
        return {}
    if _digits(text.strip()):
        return dict.fromkeys(("A", "B", "C"), int(text.strip()))
    prices: dict[str, int] = {}
    for part in _csv_option(text):
        tier, sep, cents = part.partition("=")
        tier = tier.strip().upper()
        if not sep or tier not in ("A", "B", "C") or not _digits(cents.strip()):
            _fail(
                f"{option} is cents for every tier (12000) or per tier "
                f"(A=15000,B=9000,C=5000), not {text!r}."
            )
        prices[tier] = int(cents.strip())
    return prices


@partner_cli.command("create")
def partner_create(
    name: Annotated[str, typer.Option("--name", help="The installer's name.")],
    states: Annotated[str, typer.Option("--states", help="Where it buys: AZ,CA,...")],
    exclusive_price_cents: Annotated[
        str | None,
        typer.Option(help="Price of an exclusive lead: 12000 (every tier) or A=15000,B=9000."),
    ] = None,
    shared_price_cents: Annotated[
        str | None, typer.Option(help="Price of a shared lead, the same way.")
    ] = None,
    zip_prefixes: Annotated[
        str | None, typer.Option(help="Also these ZIP prefixes: 850,852.")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="Its time zone; caps reset at its midnight.")
    ] = None,
    daily_cap: Annotated[int | None, typer.Option(help="Most leads a day.")] = None,
    weekly_cap: Annotated[int | None, typer.Option(help="Most leads a week.")] = None,
    monthly_cap: Annotated[int | None, typer.Option(help="Most leads a month.")] = None,
    monthly_spend_cap_cents: Annotated[
        int | None, typer.Option(help="Most spend a month, in cents.")
    ] = None,
    contact_name: Annotated[str | None, typer.Option(help="Who to talk to.")] = None,
    contact_email: Annotated[str | None, typer.Option(help="Their email.")] = None,
    contact_phone: Annotated[str | None, typer.Option(help="Their US phone.")] = None,
    billing: Annotated[
        str | None, typer.Option(help="prepaid (default: never below zero) or credit.")
    ] = None,
    credit_limit_cents: Annotated[
        int | None, typer.Option(help="With credit billing: how far below zero.")
    ] = None,
) -> None:
    """Add a partner, active with a zero balance (top it up before it can buy)."""
    from app.partners.admin_schemas import PartnerCreate

    exclusive = _tier_prices(exclusive_price_cents, "--exclusive-price-cents")
    shared = _tier_prices(shared_price_cents, "--shared-price-cents")
    fields: dict[str, Any] = {
        "name": name,
        "service_area": {"states": _csv_option(states), "zip_prefixes": _csv_option(zip_prefixes)},
        "prices": {t: {"exclusive": exclusive.get(t), "shared": shared.get(t)} for t in "ABC"},
        "caps": {
            "day": daily_cap,
            "week": weekly_cap,
            "month": monthly_cap,
            "month_spend_cents": monthly_spend_cap_cents,
        },
    }
    optional = {
        "timezone": timezone,
        "contact_name": contact_name,
        "contact_email": contact_email,
        "contact_phone": contact_phone,
        "billing_mode": billing,
        "credit_limit_cents": credit_limit_cents,
    }
    fields.update({k: v for k, v in optional.items() if v is not None})
    if not fields["service_area"]["states"]:
        _fail("--states names at least one state, e.g. --states AZ,CA.")
    body = _validated(PartnerCreate, fields)

    async def create(session: Any, who: Any) -> Any:
        from app.partners import queries, service

        partner = await service.create_partner(session, body.model_dump(exclude_unset=True), who)
        return await queries.partner_detail(session, partner.id, who.at)

    partner = _as_operator(create)
    typer.echo(f"Created partner {partner.name} ({partner.status}): {partner.id}")
    if not (exclusive or shared):
        typer.echo("It has no prices yet, so it buys nothing until you set them.")
    if partner.billing_mode == "prepaid":
        typer.echo(
            f"Top it up before it can buy: aurum partner topup {partner.id} --amount-cents N"
        )


@partner_cli.command("list")
def partner_list(
    status: Annotated[
        str | None, typer.Option(help="Only active, paused or suspended partners.")
    ] = None,
) -> None:
    """Every partner: status, balance, leads today against its daily cap, sales."""
    from app.partners.models import PARTNER_STATUSES

    if status is not None and status not in PARTNER_STATUSES:
        _fail(f"--status is one of: {', '.join(PARTNER_STATUSES)}.")

    async def read(session: Any, who: Any) -> Any:
        from app.partners import queries

        return await queries.list_partners(session, status=status, q=None, now=who.at)

    partners = _as_operator(read)
    if not partners:
        typer.echo("No partners." if status is None else f"No {status} partners.")
        return
    typer.echo(f"{'ID':36}  {'STATUS':9}  {'BALANCE':>12}  {'TODAY':>7}  {'SALES':>6}  NAME")
    for p in partners:
        today = f"{p.caps_used.day}/{p.caps.day if p.caps.day is not None else '-'}"
        typer.echo(
            f"{p.id!s:36}  {p.status:9}  {_dollars(p.balance_cents):>12}  {today:>7}  "
            f"{p.sales_count:>6}  {p.name}"
        )


def _area_text(area: Any) -> str:
    parts = []
    if area.states:
        parts.append("states " + ", ".join(area.states))
    if area.zip_prefixes:
        parts.append("ZIP prefixes " + ", ".join(area.zip_prefixes))
    if area.zips:
        parts.append(f"{len(area.zips)} ZIP(s)")
    parts += [f"{ring.miles:g} mi around {ring.zip_code}" for ring in area.radius]
    return "; ".join(parts) or "nowhere"


def _filters_text(filters: Any) -> str:
    parts = [f"min score {filters.min_score}"] if filters.min_score is not None else []
    for label in ("tiers", "credit_bands", "property_types", "roof_types", "shades", "timelines"):
        values = getattr(filters, label)
        if values:
            parts.append(f"{label.replace('_', ' ')} {', '.join(values)}")
    parts.append("homeowners only" if filters.homeowners_only else "renters too")
    return "; ".join(parts)


def _cap(value: int | None) -> str:
    return "-" if value is None else str(value)


def _key_line(key: Any) -> str:
    if key.revoked_at is not None:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M} UTC"
    elif not key.live:
        state = f"expired {key.expires_at:%Y-%m-%d %H:%M} UTC"
    elif key.expires_at is not None:
        state = f"live until {key.expires_at:%Y-%m-%d %H:%M} UTC"
    else:
        state = "live"
    used = f"last used {key.last_used_at:%Y-%m-%d}" if key.last_used_at else "never used"
    return f"{key.id}  {key.prefix}...  {key.name} [{', '.join(key.scopes)}] {state}, {used}"


@partner_cli.command("show")
def partner_show(partner_id: PartnerId) -> None:
    """One partner in full: area, filters, prices, caps used, billing, keys, sales."""

    async def read(session: Any, who: Any) -> Any:
        from app.partners import queries

        detail = await queries.partner_detail(session, partner_id, who.at)
        return detail, await queries.list_keys(session, partner_id, who.at)

    p, keys = _as_operator(read)
    contact = ", ".join(x for x in (p.contact_name, p.contact_email, p.contact_phone) if x)
    prices = "; ".join(
        f"{tier} exclusive {_dollars(getattr(p.prices, tier).exclusive)} "
        f"shared {_dollars(getattr(p.prices, tier).shared)}"
        for tier in "ABC"
    )
    used, caps = p.caps_used, p.caps
    rows = [
        ("id", str(p.id)),
        ("contact", contact or "-"),
        ("time zone", p.timezone),
        ("service area", _area_text(p.service_area)),
        ("filters", _filters_text(p.filters)),
        ("prices", prices),
        (
            "caps used",
            f"day {used.day}/{_cap(caps.day)}, week {used.week}/{_cap(caps.week)}, "
            f"month {used.month}/{_cap(caps.month)}, month spend "
            f"{_dollars(used.month_spend_cents)}/{_dollars(caps.month_spend_cents)}",
        ),
        ("allowed states", ", ".join(p.allowed_states) or "-"),
        (
            "billing",
            f"{p.billing_mode}, balance {_dollars(p.balance_cents)}"
            + (
                f", credit limit {_dollars(p.credit_limit_cents)}"
                if p.billing_mode == "credit"
                else ""
            ),
        ),
        (
            "sales",
            f"{p.sales_count} (returns: {p.returns.pending} pending, {p.returns.accepted} "
            f"accepted, {p.returns.rejected} rejected)",
        ),
        ("API keys", f"{p.api_keys_live} live of {p.api_keys_total}"),
    ]
    typer.echo(f"{p.name} ({p.status})")
    for label, value in rows:
        typer.echo(f"  {label:15} {value}")
    for key in keys:
        typer.echo(f"    {_key_line(key)}")


def _set_status(partner_id: uuid.UUID, status: str) -> None:

    async def change(session: Any, who: Any) -> tuple[str, str]:
        from app.partners import service

        partner = await service.get_partner(session, partner_id)
        before = partner.status
        if before != status:
            await service.update_partner(session, partner_id, {"status": status}, who)
        return partner.name, before

    name, before = _as_operator(change)
    if before == status:
        typer.echo(f"{name} is already {status}.")
    elif status == "paused":
        typer.echo(f"Paused {name}: it buys nothing until `aurum partner resume {partner_id}`.")
    else:
        typer.echo(f"Resumed {name} (was {before}): open leads are offered to it again.")


@partner_cli.command("pause")
def partner_pause(partner_id: PartnerId) -> None:
    """Stop a partner's sales until it is resumed."""
    _set_status(partner_id, "paused")


@partner_cli.command("resume")
def partner_resume(partner_id: PartnerId) -> None:
    """Let a paused (or suspended) partner buy again."""
    _set_status(partner_id, "active")


@partner_cli.command("topup")
def partner_topup(
    partner_id: PartnerId,
    amount_cents: Annotated[int, typer.Option("--amount-cents", help="Money received, in cents.")],
    note: Annotated[str | None, typer.Option(help="e.g. the wire's reference.")] = None,
) -> None:
    """Record money received from a partner (a ledger entry; the balance is their sum)."""
    from app.partners.admin_schemas import LedgerPost

    body = _validated(LedgerPost, {"kind": "topup", "amount_cents": amount_cents, "note": note})

    async def topup(session: Any, who: Any) -> tuple[str, int]:
        from app.partners import service

        await service.topup(
            session, partner_id, amount_cents=body.amount_cents, note=body.note, who=who
        )
        partner = await service.get_partner(session, partner_id)
        return partner.name, partner.balance_cents

    name, balance = _as_operator(topup)
    typer.echo(f"Topped up {name} by {_dollars(body.amount_cents)}; balance {_dollars(balance)}.")


def _print_secret(secret: str) -> None:
    typer.echo("The key (shown this once; only its hash is kept, so store it now):")
    typer.echo(secret)


@partner_key_cli.command("create")
def partner_key_create(
    partner_id: PartnerId,
    name: Annotated[str, typer.Option("--name", help="What it is for, e.g. 'CRM sync'.")],
    scopes: Annotated[
        str,
        typer.Option(
            "--scopes",
            help="Comma-separated: leads:read, returns:write, outcomes:write, account:read, "
            "account:write.",
        ),
    ],
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, max=3650, help="Stop working after this many days.")
    ] = None,
) -> None:
    """Issue a B2B API key; prints the key once."""
    from datetime import timedelta

    from app.partners.admin_schemas import ApiKeyCreate

    body = _validated(ApiKeyCreate, {"name": name, "scopes": _csv_option(scopes)})

    async def issue(session: Any, who: Any) -> Any:
        from app.partners import service

        expires = who.at + timedelta(days=expires_in_days) if expires_in_days else None
        issued = await service.issue_key(
            session,
            partner_id,
            name=body.name,
            scopes=list(body.scopes),
            who=who,
            expires_at=expires,
        )
        return issued.key.id, issued.key.scopes, issued.secret

    key_id, key_scopes, secret = _as_operator(issue)
    typer.echo(f"Created key {key_id} ({body.name}; {', '.join(key_scopes)}).")
    _print_secret(secret)


@partner_key_cli.command("rotate")
def partner_key_rotate(
    partner_id: PartnerId,
    key_id: KeyId,
    overlap_hours: Annotated[
        int, typer.Option(min=1, max=168, help="How long the old key keeps working.")
    ] = 24,
) -> None:
    """Issue a new key with the same name and scopes; the old one keeps working for the
    overlap. Prints the new key once."""
    from datetime import timedelta

    async def rotate(session: Any, who: Any) -> Any:
        from app.partners import keys, service

        issued = await service.rotate_key(
            session, partner_id, key_id, who=who, overlap=timedelta(hours=overlap_hours)
        )
        old = await keys.get_key(session, partner_id, key_id)
        return issued.key.id, old.display_prefix, old.expires_at, issued.secret

    new_id, old_prefix, old_until, secret = _as_operator(rotate)
    typer.echo(
        f"Created key {new_id}; the old key {old_prefix}... works until "
        f"{old_until:%Y-%m-%d %H:%M} UTC."
    )
    _print_secret(secret)


@partner_key_cli.command("revoke")
def partner_key_revoke(partner_id: PartnerId, key_id: KeyId) -> None:
    """Stop a key now: the next request with it is refused."""

    async def revoke(session: Any, who: Any) -> Any:
        from app.partners import service

        await service.get_partner(session, partner_id)
        key = await service.revoke_key(session, partner_id, key_id, who=who)
        return key.display_prefix, key.name

    prefix, name = _as_operator(revoke)
    typer.echo(f"Revoked key {prefix}... ({name}): requests with it are refused from now on.")


def main() -> None:
    cli()


demo_cli = typer.Typer(help="Demo data for a development database.", no_args_is_help=True)
cli.add_typer(demo_cli, name="demo")


@demo_cli.command("seed")
def demo_seed(
    days: Annotated[int, typer.Option(min=1, max=730, help="Days of history to make.")] = 90,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same data.")] = 1,
    reset: Annotated[bool, typer.Option("--reset", help="Delete earlier demo data first.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Run even when ENVIRONMENT is not development/test.")
    ] = False,
) -> None:
    """Fill the database with demo partners, chats, leads, sales, returns and outcomes
    over the past DAYS, made by the real services (so the ledger and the figures agree).
    Refuses outside development and test, and a database that already has demo data."""
    from app import demo
    from app.core.config import ConfigError, get_settings
    from app.core.db import Database
    from app.solar.tables import reference_data

    try:
        settings = get_settings()
        demo.check_environment(settings, force=force)
    except (ConfigError, demo.DemoRefused) as exc:
        _fail(str(exc))

    async def _run() -> demo.Summary:
        database = Database(settings)
        try:
            async with database.transaction() as session:
                if await demo.has_demo_data(session):
                    if not reset:
                        raise demo.DemoRefused(
                            "This database already has demo data; --reset deletes it first."
                        )
                    deleted = await demo.reset(session)
                    typer.echo(f"deleted earlier demo data: {sum(deleted.values())} rows")
            await asyncio.to_thread(reference_data)  # ZIP coordinates, for selling
            return await demo.seed(
                database, settings, days=days, seed_value=seed, progress=typer.echo
            )
        finally:
            await database.dispose()

    typer.echo(f"seeding {days} days of demo data ({settings.database_backend})...")
    try:
        summary = asyncio.run(_run())
    except demo.DemoRefused as exc:
        _fail(str(exc))
    typer.echo("done:")
    for line in summary.lines():
        typer.echo(f"  {line}")
    for code, count in sorted(summary.counts.items()):
        typer.echo(f"  refused by the rules: {code} x{count}")


if __name__ == "__main__":
    main()
