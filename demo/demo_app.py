"""The Celery app of `npm run demo`: tasks that look like a real workload.

Run with Debian's Celery: /usr/bin/python3 -m celery -A demo_app worker ...
Configured from the environment by demo/run.ts (DEMO_BROKER_URL, DEMO_BACKEND_URL).
"""
import os
import random
import time

from celery import Celery, group

app = Celery("demo")
app.conf.update(
    broker_url=os.environ["DEMO_BROKER_URL"],
    result_backend=os.environ["DEMO_BACKEND_URL"],
    # What the README recommends: every field celery-lens can show.
    result_extended=True,
    task_track_started=True,
    worker_send_task_events=True,
    task_send_sent_event=True,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


@app.task(name="demo.fetch")
def fetch(item):
    """Downloads one item (sleeps 0.5 to 2 s)."""
    time.sleep(random.uniform(0.5, 2.0))
    return {"item": item, "bytes": random.randint(1_000, 90_000)}


@app.task(name="demo.resize", bind=True)
def resize(self, fetched, steps=10):
    """Reports PROGRESS {current, total} at each step, as Celery apps usually do."""
    for step in range(1, steps + 1):
        self.update_state(state="PROGRESS", meta={"current": step, "total": steps})
        time.sleep(0.5)
    return {"item": fetched["item"], "sizes": [64, 256, 1024]}


@app.task(name="demo.publish")
def publish(resized):
    time.sleep(0.3)
    return f"published item {resized['item']}"


@app.task(name="demo.square")
def square(x):
    time.sleep(random.uniform(0.2, 1.5))
    return x * x


@app.task(name="demo.total")
def total(values):
    return sum(values)


@app.task(name="demo.charge")
def charge(fetched):
    raise ValueError(f"card declined for item {fetched['item']}")


@app.task(name="demo.flaky", bind=True)
def flaky(self, failures):
    """Fails `failures` times, retried after a second each time, then succeeds."""
    if self.request.retries < failures:
        raise self.retry(exc=ConnectionError("upstream timed out"), countdown=1, max_retries=failures)
    return "ok after retries"


@app.task(name="demo.report", bind=True)
def report(self, seconds):
    """A long task: PROGRESS every second for `seconds` seconds."""
    for second in range(1, seconds + 1):
        self.update_state(state="PROGRESS", meta={"current": second, "total": seconds})
        time.sleep(1)
    return {"pages": seconds * 3}


@app.task(name="demo.batch", bind=True)
def batch(self, n, size=20):
    """Fans out a group of `size` downloads: the group becomes this task's child."""
    return group(fetch.s(n * 100 + i) for i in range(size)).apply_async().id
