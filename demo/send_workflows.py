"""Sends a realistic mix of workflows every few seconds, for `npm run demo`.

Prints one JSON line per workflow sent: {"kind": ..., "id": <root task id>,
"tenant": ...}. The id is always a task already sent (the workflow's first),
so its page shows the workflow from the moment the line is printed.
"""
import json
import sys
import time

from celery import chain

from demo_app import batch, charge, fetch, flaky, map_reduce, publish, report, resize

INTERVAL = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
# The `tenant` kwarg of every task (celery-lens indexes it: /tasks?kw.tenant=acme).
TENANTS = ["acme", "globex", "initech"]


def say(kind, result, tenant):
    print(json.dumps({"kind": kind, "id": root_of(result).id, "tenant": tenant}), flush=True)


def root_of(result):
    # apply_async of a chain answers its last task, sent only when the others are done.
    while result.parent is not None:
        result = result.parent
    return result


def pipeline(n, tenant):
    # A chain whose middle link reports PROGRESS.
    return chain(fetch.s(n, tenant=tenant), resize.s(steps=8, tenant=tenant), publish.s(tenant=tenant)).apply_async()


def fan_out(n, tenant):
    # A group of 20 started by one task, the way apps fan out.
    return batch.delay(n, tenant=tenant)


def chord_of_squares(n, tenant):
    # A chord of 12 squares and their total, started by one task (its root).
    return map_reduce.delay(tenant=tenant)


def failing(n, tenant):
    return chain(fetch.s(n, tenant=tenant), charge.s(tenant=tenant)).apply_async()


def retrying(n, tenant):
    return flaky.delay(2, tenant=tenant)


def revoked(n, tenant):
    result = report.delay(60, tenant=tenant)
    time.sleep(2)
    # terminate=True: the prefork pool stops it mid-run and stores REVOKED.
    result.revoke(terminate=True)
    return result


# The fan-out of 20 comes last but one, well after the chain: right behind it, it filled the worker's
# 4 processes and the chain's last step sat queued for seconds, as if stuck.
WORKFLOWS = [
    ("chord", chord_of_squares),
    ("chain", pipeline),
    ("failure", failing),
    ("retry", retrying),
    ("group", fan_out),
    ("revoked", revoked),
]

say("long", report.delay(60, tenant=TENANTS[0]), TENANTS[0])
round_ = 0
while True:
    kind, send = WORKFLOWS[round_ % len(WORKFLOWS)]
    # One tenant per round of the six kinds, so each tenant gets every kind.
    tenant = TENANTS[round_ // len(WORKFLOWS) % len(TENANTS)]
    say(kind, send(round_, tenant), tenant)
    round_ += 1
    time.sleep(INTERVAL)
