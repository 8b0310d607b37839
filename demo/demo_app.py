"""The Celery app of `npm run demo`: tasks that look like a real workload.

Run with Debian's Celery: /usr/bin/python3 -m celery -A demo_app worker ...
Configured from the environment by demo/run.ts (DEMO_BROKER_URL, DEMO_BACKEND_URL,
DEMO_RESULT_EXPIRES: 3600).
Every task takes a `tenant` keyword argument, as multi-tenant apps pass one:
the demo runs celery-lens with `--index-kwargs tenant`, so the Tasks view can
filter on it (`/tasks?kw.tenant=acme`).
"""
import os
import random
import time

from celery import Celery, chord, group

app = Celery("demo")
app.conf.update(
    broker_url=os.environ["DEMO_BROKER_URL"],
    result_backend=os.environ["DEMO_BACKEND_URL"],
    # What the README recommends: every field celery-lens can show.
    result_extended=True,
    task_track_started=True,
    worker_send_task_events=True,
    task_send_sent_event=True,
    # Also given to celery-lens (--result-expires), so both agree on when results go.
    result_expires=int(os.environ["DEMO_RESULT_EXPIRES"]),
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="demo.fetch")
def fetch(item, tenant=None):
    """Downloads one item of a tenant (sleeps 0.5 to 2 s)."""
    time.sleep(random.uniform(0.5, 2.0))
    return {"item": item, "tenant": tenant, "bytes": random.randint(1_000, 90_000)}


@app.task(name="demo.resize", bind=True)
def resize(self, fetched, steps=10, tenant=None):
    """Reports PROGRESS {current, total} at each step, as Celery apps usually do."""
    for step in range(1, steps + 1):
        self.update_state(state="PROGRESS", meta={"current": step, "total": steps})
        time.sleep(0.5)
    return {"item": fetched["item"], "sizes": [64, 256, 1024]}


@app.task(name="demo.publish")
def publish(resized, tenant=None):
    time.sleep(0.3)
    return f"published item {resized['item']} for {tenant}"


@app.task(name="demo.square")
def square(x, tenant=None):
    time.sleep(random.uniform(0.2, 1.5))
    return x * x


@app.task(name="demo.total")
def total(values, tenant=None):
    return sum(values)


@app.task(name="demo.charge")
def charge(fetched, tenant=None):
    raise ValueError(f"card declined for item {fetched['item']}")


@app.task(name="demo.flaky", bind=True)
def flaky(self, failures, tenant=None):
    """Fails `failures` times, retried after a second each time, then succeeds."""
    if self.request.retries < failures:
        raise self.retry(exc=ConnectionError("upstream timed out"), countdown=1, max_retries=failures)
    return "ok after retries"


@app.task(name="demo.report", bind=True)
def report(self, seconds, tenant=None):
    """A long task: PROGRESS every second for `seconds` seconds."""
    for second in range(1, seconds + 1):
        self.update_state(state="PROGRESS", meta={"current": second, "total": seconds})
        time.sleep(1)
    return {"pages": seconds * 3}


@app.task(name="demo.batch", bind=True)
def batch(self, n, size=20, tenant=None):
    """Fans out a group of `size` downloads: the group becomes this task's child."""
    return group(fetch.s(n * 100 + i, tenant=tenant) for i in range(size)).apply_async().id


@app.task(name="demo.map_reduce")
def map_reduce(size=12, tenant=None):
    """Starts a chord (squares, then their total) and answers its callback's id.

    Sent from a task, as apps usually do, the chord has a root: this task. A
    chord sent from a client has none (its header tasks have no parent, and
    its callback is not sent until they are done), so no link could show it
    whole while it runs.
    """
    header = [square.s(i, tenant=tenant) for i in range(size)]
    return chord(header, total.s(tenant=tenant)).apply_async().id
