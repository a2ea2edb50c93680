"""Run functions in forked child processes that can be stopped.

A query inside the engine runs no Python code that could notice a deadline, so the one
way to stop it is to stop its process. The caller opens no store before forking: the
child opens its own, so nothing is shared. `run_limited` forks a child per call (a
command's one query); `WorkerPool` keeps children for the calls of a server.
"""
from __future__ import annotations


class WorkerError(RuntimeError):
    """The child was stopped or ended without an answer; the message says which."""


class TimedOut(WorkerError):
    pass


def run_limited(function, args: tuple, timeout: float, what: str = "--timeout"):
    """function(*args) in a forked child of its own; its return value (picklable). Past
    `timeout` seconds, or on Ctrl-C, the child is killed; TimedOut names `what` set the limit."""
    pool = WorkerPool()
    try:
        return pool.run(function, args, timeout, what)
    finally:
        pool.close()


class WorkerPool:
    """Long-lived forked children that run one call at a time each, for the server.

    A forked child per call made the timeout enforceable but cost more than most queries
    (about 70 ms a request on the seed build, for a 2.4 ms query): the fork, and the store
    opened anew. Here a child stays, with what it opened, for the next call; a call past its
    timeout kills its child, and a new one is forked when next needed. There are as many
    children as calls at once: callers bound those (serve's slots)."""

    def __init__(self):
        import threading
        self._idle: list = []
        self._lock = threading.Lock()

    def run(self, function, args: tuple, timeout: float, what: str = "--timeout"):
        """function(*args) in a child; its return value (picklable). An exception in the
        child is a WorkerError with its message; the child lives on."""
        worker = self._take()
        try:
            worker[1].send((function, args))
        except OSError:   # the idle child died (killed from outside): one fresh child, once
            _stop(worker)
            worker = self._take()
            worker[1].send((function, args))
        process, connection = worker
        healthy = False
        try:
            if not connection.poll(timeout):
                raise TimedOut(f"query stopped after {timeout:g} s ({what})")
            try:
                ok, value = connection.recv()
            except EOFError:
                raise WorkerError("the query process ended without an answer (out of memory?)") from None
            healthy = True
            if not ok:
                raise WorkerError(value)
            return value
        finally:
            if healthy:
                with self._lock:
                    self._idle.append(worker)
            else:
                _stop(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
        for worker in workers:
            _stop(worker)

    def _take(self):
        with self._lock:
            if self._idle:
                return self._idle.pop()
        import multiprocessing
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        process = context.Process(target=_serve_calls, args=(child,), daemon=True)
        process.start()
        child.close()
        return process, parent


def _stop(worker) -> None:
    process, connection = worker
    process.kill()
    process.join(1)
    connection.close()


def _serve_calls(connection) -> None:
    """The child's loop: calls in, (ok, value or message) out, until the pipe closes."""
    try:
        while True:
            try:
                function, args = connection.recv()
            except EOFError:
                return
            try:
                answer = (True, function(*args))
            except Exception as exc:  # noqa: BLE001 - reported to the caller in one line
                answer = (False, f"the query failed: {type(exc).__name__}: {exc}")
            connection.send(answer)
    except KeyboardInterrupt:   # a Ctrl-C on the terminal reaches the children too
        return
