"""Keyset pagination for every list endpoint.

A list is read in pages of `limit` items in a fixed order of a unique key. When more
follow, the response carries `Link: <...?after=CURSOR&limit=N>; rel="next"`: the cursor
is the last item's key, opaque to the caller, so the next page starts right after it,
however many items were added or removed meanwhile (no offsets to drift). The body stays
a plain list.
"""

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response

from shared.errors import DomainError

T = TypeVar("T")
Key = tuple[Any, ...]


class BadCursor(DomainError):
    """`after` is not a cursor this list handed out (HTTP 422)."""


@dataclass(frozen=True)
class Page:
    limit: int
    after: Key | None
    request: Request
    response: Response

    def rows(self, items: Sequence[T], key: Callable[[T], Key]) -> list[T]:
        """The page out of up to `limit + 1` items (fetched in key order after the cursor);
        with a link to the next page when there is one."""
        if len(items) > self.limit:
            url = self.request.url.include_query_params(
                after=encode(key(items[self.limit - 1])), limit=self.limit
            )
            self.response.headers["Link"] = f'<{url}>; rel="next"'
        return list(items[: self.limit])

    def of(self, items: Iterable[T], key: Callable[[T], Key]) -> list[T]:
        """A page of an in-memory list, ordered by `key` (of JSON values: str, int)."""
        ordered = sorted(items, key=key)
        after = [i for i in ordered if self.after is None or _after(key(i), self.after)]
        return self.rows(after[: self.limit + 1], key)


def encode(key: Key) -> str:
    raw = json.dumps(list(key), default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> Key:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError):
        raise BadCursor("after: not a cursor of this list (take it from the Link header)") from None
    if not isinstance(key, list) or not key:
        raise BadCursor("after: not a cursor of this list (take it from the Link header)")
    return tuple(key)


def _after(key: Key, cursor: Key) -> bool:
    try:
        return key > cursor
    except TypeError:
        raise BadCursor("after: not a cursor of this list") from None


def page_of(default: int, most: int) -> Callable[..., Page]:
    def page(
        request: Request,
        response: Response,
        limit: Annotated[int, Query(ge=1, le=most, description="items per page")] = default,
        after: Annotated[
            str | None,
            Query(max_length=2000, description="the cursor of the Link header's next page"),
        ] = None,
    ) -> Page:
        return Page(limit, decode(after) if after else None, request, response)

    return page


def key_args(page: Page, *types: type) -> list[Any]:
    """The cursor's values as query arguments of these types (NULLs for the first page)."""
    if page.after is None:
        return [None] * len(types)
    if len(page.after) != len(types):
        raise BadCursor("after: not a cursor of this list")
    try:
        return [_as(kind, value) for kind, value in zip(types, page.after, strict=True)]
    except (TypeError, ValueError):
        raise BadCursor("after: not a cursor of this list") from None


def _as(kind: type, value: Any) -> Any:
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(value)
    return value


Pages = Annotated[Page, Depends(page_of(100, 1000))]
LargePages = Annotated[Page, Depends(page_of(1000, 5000))]
