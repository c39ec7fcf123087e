"""Cancelling tasks so that they really stop, on every Python the collector supports.

On Python 3.11 ``asyncio.wait_for`` swallows a cancellation that arrives in the same
loop iteration as the awaited result (CPython gh-86296, fixed in 3.12 where
``wait_for`` became ``asyncio.timeout``). aiomqtt awaits every PUBACK through
``wait_for``, so a task cancelled while the broker is acknowledging a stream of
publishes may simply carry on: its ``cancel()`` is lost, and whoever awaits it waits
forever. :func:`cancel_and_wait` cancels again until the tasks are done.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

#: How long a cancelled task may keep running before it is cancelled again.
RECANCEL_INTERVAL_S = 0.25


async def cancel_and_wait(
    tasks: Iterable[asyncio.Task[Any]], *, recancel_interval_s: float = RECANCEL_INTERVAL_S
) -> None:
    """Cancel ``tasks`` and wait until every one has finished, re-cancelling stragglers.

    Results and exceptions of the tasks are retrieved (so none is logged as "never
    retrieved") and dropped: the caller is shutting them down. If the caller itself is
    cancelled while waiting, the tasks are still cancelled and the cancellation
    propagates.
    """
    shutting_down = list(tasks)
    pending = {task for task in shutting_down if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=recancel_interval_s)
    for task in shutting_down:
        if not task.cancelled():
            task.exception()
