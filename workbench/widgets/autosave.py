"""Background saving of a form's typed values, so typing never waits on the database.

:class:`Autosave` is given two functions: ``capture()`` reads the form and
returns what to save (on the kernel's loop, cheap: no database), and
``write(snapshot)`` stores it (the database: in a worker thread). ``touch()``
after a keystroke saves after a short pause in typing (the debounce);
``now()`` at a step change saves at once. The timers are the kernel's asyncio
loop (``call_later``) and the result comes back on it, so the screen is only
ever changed from the loop, and the kernel keeps taking keystrokes while the
database works. Saves of one form never overlap: a change made while a save
runs is saved right after it, and only the newest one.

Outside a running loop (a plain Python prompt, a script), ``now()`` saves at
once in the caller and ``touch()`` only marks the form changed.

A refused save (:class:`workbench.errors.DraftConflict`: another tab took the
draft) stops the saving and goes to ``on_refused(error)``; a busy database is
tried again after the pause; anything else goes to ``on_error(message)``.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from workbench import logs
from workbench.errors import BusyError, DraftConflict, WorkbenchError

log = logging.getLogger("workbench.widgets")

DEBOUNCE = 0.8          # seconds of quiet typing before a save
_executor: ThreadPoolExecutor | None = None


def _worker() -> ThreadPoolExecutor:
    """One saving thread per process: DuckDB runs one unit of work at a time per process anyway."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-autosave")
    return _executor


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Autosave:
    """``Autosave(capture, write, on_saved=cb(result), on_refused=cb(error), on_error=cb(message))``."""

    def __init__(self, capture: Callable[[], Any], write: Callable[[Any], Any], *,
                 on_saved: Callable[[Any], None] | None = None,
                 on_refused: Callable[[DraftConflict], None] | None = None,
                 on_error: Callable[[str], None] | None = None, delay: float = DEBOUNCE):
        self.capture = capture
        self.write = write
        self.on_saved = on_saved
        self.on_refused = on_refused
        self.on_error = on_error
        self.delay = delay
        self.dirty = False
        self.stopped = False
        self.saves = 0                     # writes that went through
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._running: asyncio.Future | None = None
        self._queued: Any = None
        self._idle: list[asyncio.Future] = []

    # -- what a form calls ---------------------------------------------------------
    def touch(self) -> None:
        """Something was typed: save after ``delay`` seconds without another keystroke."""
        if self.stopped:
            return
        self.dirty = True
        loop = _running_loop()
        if loop is None:
            return
        self._loop = loop
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(self.delay, self._fire)

    def now(self) -> None:
        """A step changed: save at once (in the background when a loop runs)."""
        if self.stopped:
            return
        self.dirty = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        loop = _running_loop()
        if loop is None:
            self._save_inline()
            return
        self._loop = loop
        self._fire()

    def stop(self) -> None:
        """Save nothing more (the form was finished, left, or taken over by another tab)."""
        self.stopped = True
        self.dirty = False
        self._queued = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def resume(self) -> None:
        """Save again after :meth:`stop` (this tab took the draft back)."""
        self.stopped = False

    @property
    def busy(self) -> bool:
        """A save is waiting or running."""
        return self._timer is not None or self._running is not None or self._queued is not None

    async def idle(self) -> None:
        """Wait until nothing is waiting or running (tests, and a form about to close)."""
        while self.busy:
            if self._timer is not None and self._running is None:
                self._timer.cancel()
                self._timer = None
                self._fire()
                continue
            future = asyncio.get_running_loop().create_future()
            self._idle.append(future)
            await future

    # -- inside ------------------------------------------------------------------------
    def _fire(self) -> None:
        self._timer = None
        if self.stopped or not self.dirty:
            self._wake()
            return
        self.dirty = False
        try:
            snapshot = self.capture()
        except WorkbenchError as exc:          # nothing sensible to save now; try at the next change
            log.debug("autosave capture refused: %s", exc)
            self._wake()
            return
        if self._running is not None:
            self._queued = snapshot
            return
        self._start(snapshot)

    def _start(self, snapshot) -> None:
        self._running = self._loop.run_in_executor(_worker(), self.write, snapshot)
        self._running.add_done_callback(self._done)

    def _done(self, future: asyncio.Future) -> None:
        self._running = None
        self._report(future.exception(), None if future.exception() else future.result())
        if self._queued is not None and not self.stopped:
            snapshot, self._queued = self._queued, None
            self._start(snapshot)
            return
        self._queued = None
        self._wake()

    def _save_inline(self) -> None:
        self.dirty = False
        try:
            snapshot = self.capture()
        except WorkbenchError:
            return
        try:
            result = self.write(snapshot)
        except Exception as exc:               # reported like a background save
            self._report(exc, None)
            return
        self._report(None, result)

    def _report(self, error: BaseException | None, result) -> None:
        if error is None:
            self.saves += 1
            if self.on_saved:
                self.on_saved(result)
            return
        if isinstance(error, DraftConflict):
            self.stop()
            if self.on_refused:
                self.on_refused(error)
        elif isinstance(error, BusyError):     # saved at the next pause or step
            self.dirty = True
            if _running_loop() is not None and not self.stopped and self._loop is not None:
                self._timer = self._loop.call_later(self.delay, self._fire)
        elif isinstance(error, WorkbenchError):
            if self.on_error:
                self.on_error(str(error))
        else:
            try:                               # logged with its traceback under a new id
                raise error
            except Exception:
                message = logs.unexpected_message(logs.unexpected("salvando o rascunho"))
            if self.on_error:
                self.on_error(message)

    def _wake(self) -> None:
        if self.busy:
            return
        waiting, self._idle = self._idle, []
        for future in waiting:
            if not future.done():
                future.set_result(None)
