"""The operator's commands. Each reads the services' own settings from the environment
(tools/ops/reach.py), so `python -m tools.ops status` works next to `make run` as it is.
What cannot be reached, or refuses, is one line on stderr and exit status 1."""

import asyncio
import json
import logging
from collections.abc import Coroutine
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from aiokafka.errors import KafkaError
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from services.reporting import rebuild as reporting_rebuild
from services.reporting.settings import ReportingSettings
from shared.parking import RebuildRunning, StillRefused
from shared.service import DatabaseUnreachable
from tools.ops import parked as messages
from tools.ops import trace as traces
from tools.ops.reach import Unreachable, settings_of
from tools.ops.status import Status, read_status

T = TypeVar("T")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    help="The operator's tool: lag, parked messages, rebuilds, traces.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
parked_app = typer.Typer(
    help="Messages the consumers parked, and their replay.", no_args_is_help=True
)
app.add_typer(parked_app, name="parked")


def fail(message: str) -> NoReturn:
    err.print(f"error: {message}")
    raise typer.Exit(1)


def run(work: Coroutine[Any, Any, T]) -> T:
    """Run the work; what the operator must act on is one line and exit status 1 (the
    Kafka client's own log of it is left out)."""
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        return asyncio.run(work)
    except ValidationError as exc:
        fail("settings: " + "; ".join(f"{e['loc']}: {e['msg']}" for e in exc.errors()))
    except (Unreachable, RebuildRunning, LookupError, ValueError) as exc:
        fail(str(exc))
    except KafkaError as exc:
        fail(f"Kafka: {exc}")
    except DatabaseUnreachable as exc:
        fail(str(exc))


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
) -> None:
    """Relay position and lag, consumer lag per partition, parked messages."""
    result = run(read_status())
    if as_json:
        typer.echo(json.dumps(_status_json(result), indent=2))
    else:
        _print_status(result)
    for message in result.errors:
        err.print(f"error: {message}")
    if result.errors:
        raise typer.Exit(1)


@parked_app.command("list")
def parked_list(
    service: Annotated[str | None, typer.Option(help="reporting or funding (default both)")] = None,
    limit: Annotated[int, typer.Option(min=1, help="at most this many, newest first")] = 20,
) -> None:
    """The parked messages, newest first, with their reasons."""
    if service is not None and service not in messages.CONSUMERS:
        fail(f"no consumer {service!r}: {', '.join(messages.CONSUMERS)}")
    found = run(messages.newest(service, limit))
    table = Table("id", "parked at", "reason", "replayed")
    for p in found:
        table.add_row(p.id, f"{p.parked_at:%Y-%m-%d %H:%M:%S}", p.reason, p.replayed or "no")
    out.print(table if found else "nothing is parked")


@parked_app.command("show")
def parked_show(parked_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """A parked message: where it was read, why it was parked, its payload."""
    p = run(messages.find(parked_id))
    out.print(f"id:        {p.id}")
    out.print(f"consumer:  {p.service}")
    out.print(f"read at:   {p.topic}[{p.partition}]@{p.offset}")
    out.print(f"parked at: {p.parked_at:%Y-%m-%d %H:%M:%S %Z}")
    out.print(f"reason:    {p.reason}")
    out.print(f"replayed:  {p.replayed or 'no'}")
    for name, value in p.headers.items():
        out.print(f"header {name}: {value}")
    out.print("payload:")
    try:
        out.print_json((p.payload or b"").decode())
    except (ValueError, UnicodeDecodeError):
        out.print(repr(p.payload))


@parked_app.command("replay")
def parked_replay(parked_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """After a fix: apply a parked message through its consumer's handler, once."""
    try:
        p, now = run(messages.replay(parked_id))
    except StillRefused as exc:
        fail(f"{parked_id} still cannot be applied; nothing was changed: {exc}")
    if now:
        out.print(f"replayed {p.id}: {p.replayed}")
    else:
        out.print(f"{p.id} was replayed before ({p.replayed}): nothing changed")


@app.command()
def trace(
    ident: Annotated[str, typer.Argument(metavar="ID", help="a trace id or a correlation id")],
    directory: Annotated[
        Path, typer.Option("--dir", help="where the logs and span files are (make run's)")
    ] = Path("var/log"),
) -> None:
    """A trace as a tree: every step of a command in every process it reached."""
    wanted = traces.trace_ids(ident, directory)
    if not wanted:
        fail(f"no trace {ident!r}: neither a trace id nor a correlation id in {directory}/*.log")
    found = traces.spans_of(wanted, directory)
    if not found:
        fail(f"no spans of {', '.join(wanted)} in {directory}/traces-*.jsonl (written every 5 s)")
    for trace_id, spans in found.items():
        out.print(traces.tree(trace_id, spans))


@app.command()
def rebuild(
    keep_old: Annotated[bool, typer.Option(help="keep the replaced tables")] = False,
    revalidate: Annotated[
        bool, typer.Option(help="check every message against its contract again")
    ] = False,
) -> None:
    """Reporting's read models from offset 0 (as the database's owner), then switched in."""
    code = run(reporting_rebuild.run(keep_old, revalidate, settings_of(ReportingSettings)))
    raise typer.Exit(code)


def _status_json(s: Status) -> dict[str, Any]:
    return {
        "relays": [{**asdict(r), "lag": r.lag} for r in s.relays],
        "consumers": [{**asdict(c), "lag": c.lag} for c in s.consumers],
        "parked": [asdict(p) for p in s.parked],
        "errors": s.errors,
    }


def _print_status(s: Status) -> None:
    relays = Table("relay", "published up to", "newest event", "lag", title="Relays")
    for r in s.relays:
        relays.add_row(r.service, str(r.position), str(r.head), str(r.lag))
    consumers = Table(
        "consumer", "topic", "partition", "stored offset", "end offset", "lag", title="Consumers"
    )
    for c in s.consumers:
        consumers.add_row(
            c.service, c.topic, str(c.partition), str(c.stored), str(c.end), str(c.lag)
        )
    parked = Table("consumer", "parked", "replayed", "where", title="Parked")
    for p in s.parked:
        parked.add_row(p.service, str(p.parked), str(p.replayed), p.where)
    for table in (relays, consumers, parked):
        if table.row_count:
            out.print(table)
