"""Group commit: the requests that arrive while the previous group is being written are written
together, in one transaction — POSTed Open311 requests (``open311_api.post_requests``) and the
grid workers' field records (``field.receive_many``).

Every new incident takes the numbering lock, and every audit entry extends one hash chain, so
writers queue behind each other whatever the number of connections; alone, each request costs
its statements and a commit (13 ms for an Open311 POST here), and 200 at once waited 2.5 s.
Written as groups they share the locks, the reads of reference data and the commit. A group
waits for nothing: the first request starts one at once, and what arrives meanwhile forms the
next (at most :data:`MAX_GROUP`). Each request still gets its own answer: a refused one its own
error, keeping nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from command_center.api.context import Context
from command_center.services import open311_api as api

MAX_GROUP = 100
"""At most this many requests in one transaction (a bigger burst makes several groups)."""

Item = TypeVar("Item")
Result = TypeVar("Result")

Form = Mapping[str, Sequence[str]]


@dataclass
class _Waiting(Generic[Item, Result]):
    item: Item
    done: asyncio.Future[Result] = field(default_factory=asyncio.Future)


class Groups(Generic[Item, Result]):
    """Hands each request to the next group, written by ``write_many(items)`` (blocking, on a
    database thread), which answers each item with its result or the exception refusing it."""

    def __init__(
        self,
        ctx: Context,
        write_many: Callable[[list[Item]], Sequence[Result | Exception]],
        *,
        max_group: int = MAX_GROUP,
    ) -> None:
        self.ctx = ctx
        self.write_many = write_many
        self.max_group = max_group
        self._waiting: list[_Waiting[Item, Result]] = []
        self._writer: asyncio.Task[None] | None = None
        self.groups = 0  # how many transactions were written (for tests and the bench)

    async def submit(self, item: Item) -> Result:
        w: _Waiting[Item, Result] = _Waiting(item, asyncio.get_running_loop().create_future())
        self._waiting.append(w)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await w.done

    async def _write_all(self) -> None:
        while self._waiting:
            group, self._waiting = (
                self._waiting[: self.max_group],
                self._waiting[self.max_group :],
            )
            items = [w.item for w in group]
            try:
                results = await self.ctx.run(lambda items=items: self.write_many(items))  # type: ignore[misc]
            except BaseException as exc:  # the whole group failed (database, busy): each says so
                for w in group:
                    if not w.done.done():
                        w.done.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            self.groups += 1
            for w, r in zip(group, results, strict=True):
                if w.done.done():
                    continue
                if isinstance(r, Exception):
                    w.done.set_exception(r)
                else:
                    w.done.set_result(r)


class PostGroups(Groups[Form, api.PostResult]):
    """POSTed Open311 requests, written in groups."""

    def __init__(self, ctx: Context, *, max_group: int = MAX_GROUP) -> None:
        super().__init__(
            ctx, lambda forms: api.post_requests(ctx.engine, forms), max_group=max_group
        )

    async def post(self, form: Form) -> api.PostResult:
        return await self.submit(form)
