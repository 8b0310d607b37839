"""Task events for bench/flower.ts, sent with Celery's own event Dispatcher,
so Flower and celery-lens read the same messages a client and a worker send:
task-sent, task-received, task-started, then task-succeeded or task-failed
(every task of bench.task_3 fails, one in a hundred of bench.task_7: a
common and a rare failure), for N tasks of ten names. Before its
last event each result is stored as a worker stores it (Celery's own
backend.store_result, result_extended on): Flower reads only the events,
celery-lens both.

    /usr/bin/python3 bench/flower_events.py <broker-url> <tasks> <out-file>

Writes {"last": <id of the last task>, "failed": {name: count}} when done.
"""
import json
import sys
import uuid
from types import SimpleNamespace

from celery import Celery

broker, count, out_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
app = Celery("bench", broker=broker, backend=broker)
app.conf.result_extended = True
NAMES = [f"bench.task_{n}" for n in range(10)]
failed = {}
last = None
with app.connection_for_write() as connection:
    client = app.events.Dispatcher(connection, hostname="client@bench", enabled=True)
    worker = app.events.Dispatcher(connection, hostname="celery@bench-worker", enabled=True)
    for n in range(count):
        task_id = str(uuid.uuid4())
        name = NAMES[n % len(NAMES)]
        fields = dict(uuid=task_id, name=name, args=f"({n},)", kwargs="{'tenant': %d}" % (n % 100), root_id=task_id, parent_id=None, retries=0, eta=None, expires=None)
        client.send("task-sent", queue="celery", exchange="", routing_key="celery", **fields)
        worker.send("task-received", **fields)
        worker.send("task-started", uuid=task_id)
        request = SimpleNamespace(task=name, args=[n], kwargs={"tenant": n % 100}, hostname="celery@bench-worker", retries=0, delivery_info={"routing_key": "celery"})
        if n % 10 == 3 or n % 1000 == 7:
            failed[name] = failed.get(name, 0) + 1
            app.backend.store_result(task_id, ValueError("bad input %d" % n), "FAILURE", traceback="Traceback (most recent call last):\nValueError: bad input", request=request)
            worker.send("task-failed", uuid=task_id, exception="ValueError('bad input %d')" % n, traceback="Traceback (most recent call last):\nValueError: bad input")
        else:
            app.backend.store_result(task_id, n * 2, "SUCCESS", request=request)
            worker.send("task-succeeded", uuid=task_id, result=repr(n * 2), runtime=0.01 + (n % 7) / 100)
        last = task_id
json.dump({"last": last, "failed": failed, "names": NAMES}, open(out_file, "w"))
