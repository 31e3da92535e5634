"""One trace as a tree, from the span files the processes write (`<PREFIX>_TRACES_FILE`,
set by `make run`): what a command did in every process it reached, each step with its
service, its start after the trace's first span and its duration.

A trace is named by its id, or by a correlation id, which the JSON logs tie to the trace
ids of the requests that carried it (a command sent again is a trace of its own).
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.tree import Tree

TRACE_ID = re.compile(r"^(0x)?[0-9a-f]{32}$")


@dataclass
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    service: str
    start: datetime
    end: datetime
    children: list["Span"] = field(default_factory=list)

    @classmethod
    def of(cls, line: dict[str, Any]) -> "Span":
        return cls(
            trace_id=_hex(line["context"]["trace_id"]),
            span_id=_hex(line["context"]["span_id"]),
            parent_id=_hex(line["parent_id"]) if line.get("parent_id") else None,
            name=line["name"],
            service=line.get("resource", {}).get("attributes", {}).get("service.name", "?"),
            start=datetime.fromisoformat(line["start_time"].replace("Z", "+00:00")),
            end=datetime.fromisoformat(line["end_time"].replace("Z", "+00:00")),
        )


def _hex(value: str) -> str:
    return value.removeprefix("0x")


def trace_ids(ident: str, directory: Path) -> list[str]:
    """The trace ids `ident` names: itself, or those logged with it as correlation id."""
    if TRACE_ID.match(ident):
        return [_hex(ident)]
    found: dict[str, None] = {}
    for log in sorted(directory.glob("*.log")):
        for text in log.read_text(errors="replace").splitlines():
            if ident not in text:
                continue
            try:
                line = json.loads(text)
            except ValueError:
                continue
            if line.get("correlation_id") == ident and line.get("trace_id"):
                found[line["trace_id"]] = None
    return list(found)


def spans_of(wanted: list[str], directory: Path) -> dict[str, list[Span]]:
    by_trace: dict[str, list[Span]] = defaultdict(list)
    for file in sorted(directory.glob("traces-*.jsonl")):
        for text in file.read_text(errors="replace").splitlines():
            if not any(t in text for t in wanted):
                continue
            span = Span.of(json.loads(text))
            if span.trace_id in wanted:
                by_trace[span.trace_id].append(span)
    return by_trace


def tree(trace_id: str, spans: list[Span]) -> Tree:
    known = {s.span_id: s for s in spans}
    roots: list[Span] = []
    for s in sorted(spans, key=lambda s: s.start):
        parent = known.get(s.parent_id or "")
        (parent.children if parent else roots).append(s)
    first = min(s.start for s in spans)
    top = Tree(f"[bold]trace {trace_id}[/bold] ({len(spans)} spans)")

    def add(node: Tree, span: Span) -> None:
        after = (span.start - first).total_seconds() * 1000
        took = (span.end - span.start).total_seconds() * 1000
        label = f"[cyan]{span.service}[/cyan] {span.name}  +{after:.0f} ms, {took:.1f} ms"
        branch = node.add(label)
        for child in span.children:
            add(branch, child)

    for root in roots:
        add(top, root)
    return top
