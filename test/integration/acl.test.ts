/** The whole of celery-lens under the least-privilege Redis user it documents. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclRule } from '../../src/redis/acl.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startApp } from '../helpers/app.ts';
import { publishEvents, writeMeta } from '../helpers/celery-meta.ts';
import { useLens } from '../helpers/lens-fixture.ts';
import { until } from '../helpers/until.ts';
import { subscribe, wsClient } from '../helpers/ws-client.ts';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers/graphql.ts';
import { type WebhookReceiver, startReceiver } from '../helpers/webhook-receiver.ts';
import { watching } from '../helpers/watching.ts';

const Everything = graphql(`
  query AclEverything($id: ID!, $parent: ID!, $goal: ID!) {
    task(id: $id) { state status result timeline { type } lastOutcome { state } parent { id } children { id } group { id tasks { id } } }
    taskGraph(rootId: $parent) { nodes { id } }
    goal(key: $goal) { status currentTask { id } }
    backend { up }
    queues { name length byPriority { priority length } }
  }
`);
const MakeGoal = graphql(`
  mutation AclGoal($key: ID!, $taskId: ID!) {
    createGoal(key: $key) { key }
    attachTask(key: $key, taskId: $taskId) { key }
  }
`);
const Completed = graphql(`
  subscription AclCompleted($id: ID!) { taskCompleted(id: $id) { state } }
`);

const AclAlerts = graphql(`
  query AclAlerts { alertRules { name state } alerts(first: 5) { edges { node { state } } } }
`);

const lens = useLens();
const PASSWORD = randomUUID();
let app: Awaited<ReturnType<typeof startApp>>;
let restricted: Redis;
let receiver: WebhookReceiver;
let dir: string;

beforeAll(async () => {
  const [command, ...args] = aclRule(loadConfig([], {}), 'celery-lens', PASSWORD);
  await lens.redis.client().call(command as string, ...args);
  const url = `redis://celery-lens:${PASSWORD}@127.0.0.1:${lens.redis.port}/0`;
  // Alerts too: their scripts (lease, transition, claim, settle) run under the user's rights.
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), 'lens-acl-'));
  const webhook = { url: `${receiver.origin}/hook`, secret: 'acl-secret' };
  const rules = [{ name: 'acl-backlog', kind: 'queue_length', queue: 'celery', threshold: 2, webhook }];
  writeFileSync(join(dir, 'rules.json'), JSON.stringify({ rules }));
  app = await startApp(url, ['--alert-rules', join(dir, 'rules.json'), '--alert-interval-ms', '100']);
  restricted = new Redis(url, { maxRetriesPerRequest: 0 });
});
afterAll(async () => {
  restricted.disconnect();
  await app.stop();
  await receiver?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('least privilege (celery-lens acl)', () => {
  it('every read, the consumer, goals and subscriptions work under the ACL user', async () => {
    const admin = lens.redis.client();
    const [parent, id, goal] = [randomUUID(), randomUUID(), `job:${randomUUID()}`];
    const client = wsClient(app.url);
    try {
      const sub = subscribe(client, Completed, { id });
      await until(() => watching(app, [id]));
      await publishEvents(admin, 0, [
        { type: 'task-sent', uuid: id, timestamp: Date.now() / 1000, parent_id: parent, hostname: 'c' },
      ]);
      await writeMeta(admin, { status: 'SUCCESS', result: 1, children: [[[id, null], null]] }, { id: parent });
      await writeMeta(admin, { status: 'SUCCESS', result: 2, parent_id: parent, group_id: randomUUID() }, { id });
      await sub.done;
      expect(sub.events).toEqual([{ taskCompleted: { state: 'SUCCESS' } }]);
      await admin.lpush('celery', 'a message');
      await admin.lpush('celery\x06\x169', 'another');
      const made = await execute(app, MakeGoal, { key: goal, taskId: id });
      expect(made.errors).toBeUndefined();
      await until(async () => (await execute(app, Everything, { id, parent, goal })).data?.task?.lastOutcome !== null);
      // This app's consumer recorded all three messages, the numbered states included (a Lua script, run under the user's rights).
      await until(() => (app.consumer?.handled ?? 0) + (app.consumer?.failed ?? 0) >= 3);
      expect(app.consumer?.failed).toBe(0);
      const { data, errors } = await execute(app, Everything, { id, parent, goal });
      expect(errors).toBeUndefined();
      expect(data).toMatchObject({
        task: {
          state: 'SUCCESS',
          status: 'SUCCEEDED',
          result: 2,
          timeline: [{ type: 'SENT' }],
          lastOutcome: { state: 'SUCCESS' },
          parent: { id: parent },
        },
        taskGraph: { nodes: [{ id: parent }, { id }] },
        goal: { status: 'PENDING', currentTask: { id } },
        backend: { up: true },
        // LLEN and LINDEX on the queue's own list and kombu's priority lists.
        queues: [
          {
            name: 'celery',
            length: 2,
            byPriority: [1, 0, 0, 1].map((length, i) => ({ priority: [0, 3, 6, 9][i], length })),
          },
        ],
      });
    } finally {
      await client.dispose();
    }
  });

  it('alerts are evaluated, recorded and delivered under the ACL user', async () => {
    const admin = lens.redis.client();
    await admin.lpush('celery', 'x', 'y', 'z');
    await until(() => receiver.to('/hook').length >= 1, 15_000);
    expect(JSON.parse(receiver.to('/hook')[0]!.body)).toMatchObject({ rule: 'acl-backlog', state: 'firing' });
    const { data, errors } = await execute(app, AclAlerts);
    expect(errors).toBeUndefined();
    expect(data!.alertRules).toEqual([{ name: 'acl-backlog', state: 'FIRING' }]);
    expect(data!.alerts.edges.map((edge) => edge.node.state)).toEqual(['FIRING']);
    expect(app.logs.filter((line) => line.includes('NOPERM'))).toEqual([]);
    await admin.del('celery');
  });

  it('the task index is written and read under the ACL user: searches, stats, failures', async () => {
    const admin = lens.redis.client();
    const [root, child] = [randomUUID(), randomUUID()];
    await writeMeta(admin, { status: 'SUCCESS', result: 1, name: 'acl.root' }, { id: root });
    await writeMeta(
      admin,
      {
        status: 'FAILURE',
        result: { exc_type: 'KeyError', exc_message: ['k'], exc_module: 'builtins' },
        name: 'acl.child',
        parent_id: root,
      },
      { id: child },
    );
    const query = async (text: string) => {
      const response = await app.yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: text }),
      });
      return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    };
    const byName = `{ searchTasks(filter: { namePrefix: "acl." }) { edges { node { id } } totalCount } }`;
    await until(
      async () => ((await query(byName)).data?.searchTasks as { totalCount: number } | undefined)?.totalCount === 2,
    );
    const answers = await query(`{
      workflow: searchTasks(filter: { rootId: "${root}" }, order: OLDEST_FIRST) { totalCount }
      taskStats(since: "2000-01-01T00:00:00Z", until: "2000-01-02T00:00:00Z") { groups { key } }
      failures { edges { node { name exceptionType count } } }
    }`);
    expect(answers.errors).toBeUndefined();
    expect(answers.data).toMatchObject({
      workflow: { totalCount: 2 },
      taskStats: { groups: [] },
      failures: { edges: [{ node: { name: 'acl.child', exceptionType: 'KeyError', count: 1 } }] },
    });
  });

  it("refuses the user any write to Celery's keys", async () => {
    const key = `celery-task-meta-${randomUUID()}`;
    await expect(restricted.set(key, '{}')).rejects.toThrow(/NOPERM/);
    await expect(restricted.del(key)).rejects.toThrow(/NOPERM/);
    await expect(restricted.lpush('celery', 'x')).rejects.toThrow(/NOPERM/);
    await expect(restricted.flushdb()).rejects.toThrow(/NOPERM/);
    expect(await restricted.set('celery-lens:probe', '1')).toBe('OK');
  });
});
