"""Group commit for POSTed requests: the POSTs that arrive while the previous group is being
written are written together, in one transaction (``open311_api.post_requests``).

Every new incident takes the numbering lock, so POSTs are written one after another whatever
the number of connections; each of them alone costs about twenty statements and a commit (about
13 ms here), and 200 at once queued behind each other for 2.5 s. Written as groups they share
the lock, the COPY of rows and audit entries, and the commit. A group waits for nothing: the
first POST starts one at once, and what arrives meanwhile forms the next (at most
:data:`MAX_GROUP`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from command_center.api.context import Context
from command_center.services import open311_api as api

MAX_GROUP = 100
"""At most this many POSTs in one transaction (a bigger burst makes several groups)."""

Form = Mapping[str, Sequence[str]]


@dataclass
class _Waiting:
    form: Form
    done: asyncio.Future[api.PostResult] = field(default_factory=asyncio.Future)


class PostGroups:
    """Hands each POST to the next group and gives it its own answer (or error)."""

    def __init__(self, ctx: Context, *, max_group: int = MAX_GROUP) -> None:
        self.ctx = ctx
        self.max_group = max_group
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None
        self.groups = 0  # how many transactions were written (for tests and the bench)

    async def post(self, form: Form) -> api.PostResult:
        w = _Waiting(form, asyncio.get_running_loop().create_future())
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
            forms = [w.form for w in group]
            try:
                results = await self.ctx.run(
                    lambda forms=forms: api.post_requests(self.ctx.engine, forms)  # type: ignore[misc]
                )
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
