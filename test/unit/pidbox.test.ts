/**
 * Celery's pidbox messages and inspect answers (src/celery/pidbox.ts,
 * inspect-replies.ts) against what Celery 5.2.6 and kombu 5.2.4 wrote
 * (captured with MONITOR), and the inspector's one broadcast per command.
 */
import { describe, expect, it } from 'vitest';
import type { BrokerMailbox, CallOptions } from '../../src/broker/broker.ts';
import { WorkerInspector } from '../../src/broker/worker-inspector.ts';
import {
  decodeActiveQueues,
  decodeConf,
  decodeRegistered,
  decodeRequests,
  decodeScheduled,
  decodeStats,
} from '../../src/celery/inspect-replies.ts';
import type { Sender } from '../../src/celery/outgoing-messages.ts';
import {
  type PidboxCommand,
  type WorkerAnswer,
  commandMessage,
  controlAnswer,
  decodeReply,
  replyBinding,
} from '../../src/celery/pidbox.ts';
import { pythonJson } from '../../src/celery/python-text.ts';

const sender: Sender = {
  nodename: 'gen1@vm',
  pid: 1,
  replyTo: 'r',
  deliveryTag: () => '073fbc30-3d1d-4925-babe-35f32cd0904a',
  tick: () => 17,
  now: () => new Date(1796622666315),
};

describe('pidbox messages', () => {
  it('builds the ping broadcast `app.control.inspect().ping()` PUBLISHed', () => {
    const raw = commandMessage(
      { method: 'ping', arguments: {}, destination: null },
      { ticket: 'c594ddc3-8787-426d-b0fd-cd203252225c', oid: '78d51c5f-33eb-3abd-a65e-e81b59ac36a4' },
      sender,
    );
    const message = JSON.parse(raw) as { body: string; headers: object; properties: object };
    expect(Buffer.from(message.body, 'base64').toString()).toBe(
      '{"method": "ping", "arguments": {}, "destination": null, "pattern": null, "matcher": null, "ticket": "c594ddc3-8787-426d-b0fd-cd203252225c", "reply_to": {"exchange": "reply.celery.pidbox", "routing_key": "78d51c5f-33eb-3abd-a65e-e81b59ac36a4"}}',
    );
    expect(message.headers).toEqual({ clock: 17, expires: 1796622667.315 });
    expect(message.properties).toEqual({
      delivery_mode: 2,
      delivery_info: { exchange: 'celery.pidbox', routing_key: '' },
      priority: 0,
      body_encoding: 'base64',
      delivery_tag: '073fbc30-3d1d-4925-babe-35f32cd0904a',
    });
  });

  it('binds the reply queue as kombu does, and decodes a reply by its ticket', () => {
    expect(replyBinding('oid-1', 'oid-1.reply.celery.pidbox')).toBe('oid-1\x06\x16\x06\x16oid-1.reply.celery.pidbox');
    const reply = pythonJson({
      body: 'eyJ3MUB2bSI6IHsib2siOiAicG9uZyJ9fQ==',
      'content-encoding': 'utf-8',
      'content-type': 'application/json',
      headers: { ticket: 'c594ddc3-8787-426d-b0fd-cd203252225c', clock: 19 },
      properties: { delivery_mode: 1, priority: 0, body_encoding: 'base64', delivery_tag: 'x' },
    });
    expect(decodeReply(reply)).toEqual({
      ticket: 'c594ddc3-8787-426d-b0fd-cd203252225c',
      answers: [{ hostname: 'w1@vm', value: { ok: 'pong' } }],
    });
    expect(() => decodeReply('[]')).toThrow('a pidbox reply is expected to be a JSON object, got object');
    expect(controlAnswer({ ok: 'pool will grow' })).toEqual({ ok: true, message: 'pool will grow' });
    expect(controlAnswer({ error: "ValueError('Pool restarts not enabled')" })).toEqual({
      ok: false,
      message: "ValueError('Pool restarts not enabled')",
    });
  });
});

describe('inspect answers', () => {
  const active = [
    {
      id: 'ff4bd584-0f61-412e-9030-e4caa2d7f937',
      name: 'lens.sleep',
      args: [3],
      kwargs: {},
      type: 'lens.sleep',
      hostname: 'w1@vm',
      time_start: 1796622661.4159632,
      acknowledged: true,
      delivery_info: { exchange: '', routing_key: 'celery', priority: 0, redelivered: null },
      worker_pid: 12748,
    },
  ];

  it('decodes requests, scheduled entries, registered names and queues', () => {
    expect(decodeRequests('active', active)).toEqual([
      {
        id: 'ff4bd584-0f61-412e-9030-e4caa2d7f937',
        name: 'lens.sleep',
        startedAt: 1796622661416,
        workerPid: 12748,
        acknowledged: true,
        queue: 'celery',
        eta: null,
      },
    ]);
    // An ETA a minute from now, in Python's isoformat (whole seconds, +00:00).
    const eta = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    const python = `${eta.toISOString().slice(0, 19)}+00:00`;
    const scheduled = decodeScheduled([{ eta: python, priority: 6, request: active[0] }]);
    expect(scheduled[0]?.eta).toBe(eta.getTime());
    expect(decodeRegistered(['lens.add', 'lens.limited [rate_limit=10/m]'])).toEqual(['lens.add', 'lens.limited']);
    expect(decodeActiveQueues([{ name: 'celery', routing_key: 'celery' }])).toEqual(['celery']);
    expect(() => decodeRequests('active', { error: 'boom' })).toThrow('active failed on the worker: boom');
    expect(() => decodeRequests('reserved', 'x')).toThrow('the reserved answer is expected to be a list, got string');
  });

  it('reads the pool from stats and masks secrets as Celery does', () => {
    const stats = decodeStats({
      total: { 'lens.sleep': 1 },
      pid: 12738,
      uptime: 4,
      pool: { 'max-concurrency': 2, processes: [12745, 12748] },
      broker: { hostname: '127.0.0.1', password: 'hunter2' },
      prefetch_count: 8,
    });
    expect(stats.pool).toEqual({ implementation: null, maxConcurrency: 2, processes: [12745, 12748] });
    expect(stats.totals).toEqual({ 'lens.sleep': 1 });
    expect((stats.raw.broker as Record<string, unknown>).password).toBe('********');
    expect(
      decodeConf({
        broker_url: 'redis://:hunter2@host:6379/0',
        result_backend: 'redis://user:pw@host/1',
        secret_key: 'x',
        task_track_started: true,
      }),
    ).toEqual({
      broker_url: 'redis://:********@host:6379/0',
      result_backend: 'redis://user:********@host/1',
      secret_key: '********',
      task_track_started: true,
    });
  });
});

describe('WorkerInspector', () => {
  function fakeMailbox(answers: WorkerAnswer[]) {
    const calls: { command: PidboxCommand; options: CallOptions }[] = [];
    const mailbox: BrokerMailbox = {
      call: async (command, options) => {
        calls.push({ command, options });
        return answers;
      },
      cast: async () => {},
      close: async () => {},
    };
    return { mailbox, calls };
  }

  it('shares one broadcast per command while its answers are kept, and says WORKER_NO_REPLY for a silent worker', async () => {
    let now = 1000;
    const { mailbox, calls } = fakeMailbox([{ hostname: 'a@h', value: ['x'] }]);
    const inspector = new WorkerInspector(mailbox, { online: () => ['a@h', 'b@h'], now: () => now });
    const [first, second] = await Promise.all([inspector.inspect('active', 'a@h'), inspector.inspect('active', 'a@h')]);
    expect(first).toEqual({ value: ['x'], at: 1000 });
    expect(second).toEqual(first);
    await expect(inspector.inspect('active', 'b@h')).rejects.toMatchObject({ code: 'WORKER_NO_REPLY' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.options.expect).toEqual(['a@h', 'b@h']);
    expect(calls[0]?.command).toEqual({ method: 'active', arguments: { safe: true }, destination: null });
    await inspector.inspect('stats', 'a@h');
    expect(calls).toHaveLength(2);
    now += 2000;
    await inspector.inspect('active', 'a@h');
    expect(calls).toHaveLength(3);
    expect(await inspector.inspectedAt('a@h')).toBe(3000);
  });
});
