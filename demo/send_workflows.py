"""Sends a realistic mix of workflows every few seconds, for `npm run demo`.

Prints one JSON line per workflow sent: {"kind": ..., "id": <root task id>}.
"""
import json
import sys
import time

from celery import chain, chord

from demo_app import batch, charge, fetch, flaky, publish, report, resize, square, total

INTERVAL = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0


def say(kind, task_id):
    print(json.dumps({"kind": kind, "id": task_id}), flush=True)


def pipeline(n):
    # A chain whose middle link reports PROGRESS.
    return chain(fetch.s(n), resize.s(steps=8), publish.s()).apply_async()


def fan_out(n):
    # A group of 20 started by one task, the way apps fan out.
    return batch.delay(n)


def map_reduce(n):
    return chord((square.s(i) for i in range(12)), total.s()).apply_async()


def failing(n):
    return chain(fetch.s(n), charge.s()).apply_async()


def retrying(n):
    return flaky.delay(2)


def revoked(n):
    result = report.delay(60)
    time.sleep(2)
    # terminate=True: the prefork pool stops it mid-run and stores REVOKED.
    result.revoke(terminate=True)
    return result


WORKFLOWS = [
    ("chord", map_reduce),
    ("chain", pipeline),
    ("group", fan_out),
    ("failure", failing),
    ("retry", retrying),
    ("revoked", revoked),
]

say("long", report.delay(60).id)
round_ = 0
while True:
    kind, send = WORKFLOWS[round_ % len(WORKFLOWS)]
    result = send(round_)
    say(kind, result.id)
    round_ += 1
    time.sleep(INTERVAL)
