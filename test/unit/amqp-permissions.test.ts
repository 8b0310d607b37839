import { describe, expect, it } from 'vitest';
import { amqpPermissions, setPermissionsCommand } from '../../src/broker/amqp/amqp-permissions.ts';

/** Whether RabbitMQ (a PCRE full match here) would grant `name` under `regex`. */
const grants = (regex: string, name: string) => new RegExp(regex).test(name);

describe('amqpPermissions (rabbitmqctl set_permissions regexes)', () => {
  it('with --control false: its own event queue, read on celeryev, nothing of Celery’s', () => {
    const { configure, write, read } = amqpPermissions({ queues: ['celery', 'reports'], control: false });
    const own = 'celeryev.celery-lens.0b6f5c1e-7d2a-4c1e-9f55-2f1d3a4b5c6d';
    for (const regex of [configure, write, read]) expect(grants(regex, own)).toBe(true);
    expect(grants(read, 'celeryev')).toBe(true);
    for (const name of ['celeryev', 'celery', 'reports', 'celery.pidbox', 'amq.default', 'celeryev.other-tool'])
      expect([grants(configure, name), grants(write, name)], name).toEqual([false, false]);
    for (const name of ['celery', 'reports', 'celery.pidbox', 'celeryev.x'])
      expect(grants(read, name), name).toBe(false);
  });

  it('with --control true: publishing on the default exchange, the pidbox and celeryev, declaring its queues', () => {
    const { configure, write, read } = amqpPermissions({ queues: ['celery', 're.ports'], control: true });
    for (const name of ['amq.default', 'celery.pidbox', 'celeryev', 'celery', 're.ports'])
      expect(grants(write, name), name).toBe(true);
    expect(grants(write, 'reXports')).toBe(false); // names are escaped
    expect(grants(configure, 'celery.pidbox')).toBe(false);
    expect(grants(read, 'celery')).toBe(true);
    // Inspect and worker control: a reply queue of its own per broadcast, bound to reply.celery.pidbox.
    const reply = 'celery-lens.3f2c2a7e-0000-4000-8000-000000000000.reply.celery.pidbox';
    for (const rights of [configure, write, read]) expect(grants(rights, reply)).toBe(true);
    expect(grants(configure, 'reply.celery.pidbox') && grants(read, 'reply.celery.pidbox')).toBe(true);
    expect(grants(write, 'reply.celery.pidbox')).toBe(false);
    expect(grants(configure, 'x.reply.celery.pidbox')).toBe(false); // Celery's clients' reply queues stay theirs
  });

  it('prints the command with the vhost and user quoted for a shell', () => {
    const line = setPermissionsCommand('/', "o'brien", amqpPermissions({ queues: [], control: false }));
    expect(line).toBe(
      "rabbitmqctl set_permissions -p '/' 'o'\\''brien' '^celeryev\\.celery-lens\\..*$' '^celeryev\\.celery-lens\\..*$' '^(celeryev|celeryev\\.celery-lens\\..*)$'",
    );
  });
});
