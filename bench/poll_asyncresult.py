"""The polling baseline of P5, as the seed article does it: every 500 ms ask
Celery's AsyncResult(id).state for every task not yet done.

    /usr/bin/python3 bench/poll_asyncresult.py <backend-url> <ids-file> <out-file>

Prints "ready" once polling has started; writes {id: epoch ms first seen SUCCESS}.
"""
import json
import sys
import time

from celery import Celery
from celery.result import AsyncResult

backend, ids_file, out_file = sys.argv[1:4]
app = Celery("poller", broker=backend, backend=backend)
pending = set(json.load(open(ids_file)))
seen = {}
print("ready", flush=True)
deadline = time.time() + 120
while pending and time.time() < deadline:
    for task_id in list(pending):
        if AsyncResult(task_id, app=app).state == "SUCCESS":
            seen[task_id] = time.time() * 1000
            pending.discard(task_id)
    time.sleep(0.5)
json.dump(seen, open(out_file, "w"))
