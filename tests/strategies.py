"""Hypothesis strategies drawn from the published JSON Schemas of the contracts.

The subset of JSON Schema that pydantic writes (objects, `$ref`, `anyOf`, enums, strings
with patterns and lengths, bounded numbers, arrays), turned into strategies once per
schema. Formats become what they stand for; dates and times lie in the years the
contracts allow. (hypothesis-jsonschema does this in general, but builds its strategies
again for every draw: forty times slower on these schemas.)
"""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from shared.text import EARLIEST, LATEST, LINE_PATTERN, TEXT_PATTERN

Schema = dict[str, Any]

# The characters a Line or a Text may hold (no controls; no surrogates, which JSON and
# PostgreSQL cannot carry).
_LINE = st.characters(exclude_categories=("Cs", "Cc"))
_TEXT = st.one_of(_LINE, st.sampled_from("\t\n\r"))
_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date": st.dates(EARLIEST, LATEST).map(date.isoformat),
    "date-time": st.builds(
        lambda d, z: d.replace(tzinfo=z).isoformat(),
        st.datetimes(
            datetime(EARLIEST.year, 1, 2), datetime(LATEST.year, 12, 30), timezones=st.none()
        ),
        _ZONES,
    ),
    "uuid": st.uuids().map(str),
}


def from_schema(schema: Schema) -> st.SearchStrategy[Any]:
    return _strategy(schema, schema)


def _strategy(schema: Schema, root: Schema) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return _strategy(root["$defs"][schema["$ref"].removeprefix("#/$defs/")], root)
    if "anyOf" in schema:
        options = schema["anyOf"]
        if {o.get("type") for o in options} == {"number", "string"}:  # a Decimal
            [number] = [o for o in options if o.get("type") == "number"]
            return _decimal(number)
        return st.one_of(*(_strategy(o, root) for o in options))
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, root)
    if kind == "array":
        return st.lists(
            _strategy(schema.get("items", {}), root),
            min_size=schema.get("minItems", 0),
            max_size=schema.get("maxItems", 5),
        )
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return _decimal(schema)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise NotImplementedError(f"no strategy for {schema}")


def _object(schema: Schema, root: Schema) -> st.SearchStrategy[dict[str, Any]]:
    required = set(schema.get("required", ()))
    fields = {k: _strategy(v, root) for k, v in schema.get("properties", {}).items()}
    return st.fixed_dictionaries(
        {k: s for k, s in fields.items() if k in required},
        optional={k: s for k, s in fields.items() if k not in required},
    )


def _string(schema: Schema) -> st.SearchStrategy[str]:
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    pattern = schema.get("pattern")
    if pattern in (None, LINE_PATTERN, TEXT_PATTERN):
        alphabet = _TEXT if pattern == TEXT_PATTERN else _LINE
        return st.text(alphabet, min_size=low, max_size=high if high is not None else 60)
    strings = st.from_regex(pattern, fullmatch=True)
    return strings.filter(lambda s: low <= len(s) <= (high if high is not None else len(s)))


def _decimal(schema: Schema) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    return st.decimals(
        None if low is None else Decimal(str(low)),
        None if high is None else Decimal(str(high)),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ).map(str)
