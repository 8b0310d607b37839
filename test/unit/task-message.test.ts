import { describe, expect, it } from 'vitest';
import { taskIdOfMessage } from '../../src/celery/task-message.ts';
import { taskMessage } from '../helpers/broker-messages.ts';

// LPUSHed by Celery 5.2.6 (send_task with parent_id and root_id; then with task_protocol = 1).
const PROTOCOL_2 =
  '{"body": "W1sxLCAyXSwgeyJrIjogInYifSwgeyJjYWxsYmFja3MiOiBudWxsLCAiZXJyYmFja3MiOiBudWxsLCAiY2hhaW4iOiBudWxsLCAiY2hvcmQiOiBudWxsfV0=", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "lens.add", "id": "744df4e2-9f42-428f-87ba-278e632f74e9", "shadow": null, "eta": null, "expires": null, "group": null, "group_index": null, "retries": 0, "timelimit": [null, null], "root_id": "22222222-2222-2222-2222-222222222222", "parent_id": "11111111-1111-1111-1111-111111111111", "argsrepr": "(1, 2)", "kwargsrepr": "{\'k\': \'v\'}", "origin": "gen29526@vm", "ignore_result": false}, "properties": {"correlation_id": "744df4e2-9f42-428f-87ba-278e632f74e9", "reply_to": "384ba5cb-c53f-3075-b2a9-83912eca6187", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "lonely"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "a094556c-0a4a-4b95-9598-936a916666b6"}}';
const PROTOCOL_1 =
  '{"body": "eyJ0YXNrIjogImxlbnMuYWRkIiwgImlkIjogImE4MTc1NzI3LWZmZjEtNGI4ZS05OTg4LTYxZDcyMjFiNDk2MyIsICJhcmdzIjogWzMsIDRdLCAia3dhcmdzIjoge30sICJncm91cCI6IG51bGwsICJncm91cF9pbmRleCI6IG51bGwsICJyZXRyaWVzIjogMCwgImV0YSI6IG51bGwsICJleHBpcmVzIjogbnVsbCwgInV0YyI6IHRydWUsICJjYWxsYmFja3MiOiBudWxsLCAiZXJyYmFja3MiOiBudWxsLCAidGltZWxpbWl0IjogW251bGwsIG51bGxdLCAidGFza3NldCI6IG51bGwsICJjaG9yZCI6IG51bGx9", "content-encoding": "utf-8", "content-type": "application/json", "headers": {}, "properties": {"correlation_id": "a8175727-fff1-4b8e-9988-61d7221b4963", "reply_to": "7d92f2e6-5035-33e8-80a4-e5a165d44517", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "lonely"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "f481d7a1-c64f-4bb5-9146-3cda6f9afb1b"}}';

describe('taskIdOfMessage', () => {
  it('reads the task id of a protocol 2 message from its headers, not its parent, root or correlation id', () => {
    expect(taskIdOfMessage(PROTOCOL_2)).toBe('744df4e2-9f42-428f-87ba-278e632f74e9');
  });

  it('reads the task id of a protocol 1 message from its body', () => {
    expect(taskIdOfMessage(PROTOCOL_1)).toBe('a8175727-fff1-4b8e-9988-61d7221b4963');
  });

  it('matches the test helper that fakes messages', () => {
    expect(taskIdOfMessage(taskMessage('x-1'))).toBe('x-1');
    expect(taskIdOfMessage(taskMessage('x-2', { protocol: 1 }))).toBe('x-2');
  });

  it('reads headers.id, never an id nested elsewhere, whatever the layout', () => {
    const body = Buffer.from(JSON.stringify({ task: 't', id: 'from-body' })).toString('base64');
    const cases: [object, string | null][] = [
      [{ body: 'W10=', headers: { stamps: { id: 'nested' }, id: 'real' } }, 'real'],
      [{ properties: { delivery_info: { id: 'nested' } }, body: 'W10=', headers: { id: 'real' } }, 'real'],
      [{ body: 'W10=', headers: { id: 'with "quotes"' } }, 'with "quotes"'],
      [{ body: '{"id": "in a plain body"}', headers: { lang: 'py', id: 'real' } }, 'real'],
      [
        {
          body,
          'content-type': 'application/json',
          headers: { custom: { id: 'nested' } },
          properties: { body_encoding: 'base64' },
        },
        'from-body',
      ],
      [
        {
          body,
          'content-type': 'application/json',
          headers: {},
          properties: { body_encoding: 'base64', correlation_id: 'corr' },
        },
        'from-body',
      ],
      [{ body: 'W10=', headers: { lang: 'py' }, properties: { id: 'not-a-header' } }, null],
    ];
    for (const [envelope, id] of cases) {
      expect(taskIdOfMessage(JSON.stringify(envelope))).toBe(id);
      // kombu's separators, and none at all.
      expect(taskIdOfMessage(JSON.stringify(envelope, null, 1))).toBe(id);
    }
  });

  it('gives null for what is not a JSON task message, never throws', () => {
    for (const bad of [
      '',
      'nope',
      '[]',
      '{"headers": {"id": 3}}',
      '{"body": "not base64 json", "content-type": "application/json", "headers": {}, "properties": {"body_encoding": "base64"}}',
      '{"body": "gAR9lC4=", "content-type": "application/x-python-serialize", "headers": {}, "properties": {"body_encoding": "base64"}}',
    ]) {
      expect(taskIdOfMessage(bad)).toBeNull();
    }
  });
});
