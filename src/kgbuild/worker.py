"""Run one function in a forked child process that can be stopped.

A query inside the engine runs no Python code that could notice a deadline, so the one
way to stop it is to stop its process. The caller opens no store before forking: the
child opens its own, so nothing is shared.
"""
from __future__ import annotations


class WorkerError(RuntimeError):
    """The child was stopped or ended without an answer; the message says which."""


class TimedOut(WorkerError):
    pass


def run_limited(function, args: tuple, timeout: float, what: str = "--timeout"):
    """function(*args) in a forked child; its return value (picklable). Past `timeout`
    seconds, or on Ctrl-C, the child is killed; TimedOut names `what` set the limit."""
    import multiprocessing
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child():
        try:
            send.send(function(*args))
        finally:
            send.close()
    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            process.kill()
            raise TimedOut(f"query stopped after {timeout:g} s ({what})")
        try:
            return receive.recv()
        except EOFError:
            raise WorkerError("the query process ended without an answer (out of memory?)") from None
    except KeyboardInterrupt:
        process.kill()
        raise
    finally:
        receive.close()
        process.join(1)
