/**
 * The machine's RabbitMQ (127.0.0.1:5672, guest/guest) for a test file: a
 * private vhost created with `rabbitmqctl add_vhost` and deleted after, so
 * files never see each other's queues. Installs and starts rabbitmq-server
 * where it is absent (a fresh CI machine). rabbitmqctl starts an Erlang VM
 * per call (about a second): tests call it for setup and faults only.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { ensureDebianPackages, refuseInUnitTier, runs } from './debian.ts';
import { until } from './until.ts';

export const RABBITMQ_PORT = 5672;

export function rabbitmqctl(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('rabbitmqctl', args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** RabbitMQ answers on 5672: installed and started when it is not (needs root, as the other Debian packages). */
export async function ensureRabbitmq(): Promise<void> {
  refuseInUnitTier('RabbitMQ');
  if (await listening(RABBITMQ_PORT)) return;
  ensureDebianPackages(() => runs('sh', ['-c', 'command -v rabbitmq-server']), ['rabbitmq-server']);
  if (!runs('rabbitmqctl', ['status']))
    runs('sh', ['-c', '(rabbitmq-server -detached || service rabbitmq-server start)']);
  await rabbitmqctl('await_startup');
}

export const MANAGEMENT_PORT = 15672;

/**
 * RabbitMQ's management HTTP API (the rabbitmq_management plugin, shipped
 * with Debian's rabbitmq-server), enabled when it does not answer yet (about
 * 30 s, once per machine); resolves with its root URL, without credentials.
 */
export async function ensureManagementApi(): Promise<string> {
  await ensureRabbitmq();
  if (!(await listening(MANAGEMENT_PORT))) {
    await new Promise<void>((resolve, reject) => {
      execFile('rabbitmq-plugins', ['enable', 'rabbitmq_management'], { timeout: 120_000 }, (error, _out, stderr) =>
        error
          ? reject(new Error(`rabbitmq-plugins enable rabbitmq_management failed: ${stderr || error.message}`))
          : resolve(),
      );
    });
    await until(() => listening(MANAGEMENT_PORT), 30_000);
  }
  return `http://127.0.0.1:${MANAGEMENT_PORT}/api/`;
}

export interface Vhost {
  readonly name: string;
  /** amqp://guest:guest@127.0.0.1:5672/<vhost> (for Celery and celery-lens alike). */
  url(user?: string, password?: string): string;
  /** `rabbitmqctl close_connection` for every connection to the vhost; resolves with how many. */
  closeConnections(reason?: string): Promise<number>;
  /** Names of the vhost's queues with their message counts. */
  queues(): Promise<Map<string, number>>;
  /** Names of the vhost's exchanges. */
  exchanges(): Promise<string[]>;
  delete(): Promise<void>;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

export async function createVhost(): Promise<Vhost> {
  await ensureRabbitmq();
  const name = `lens-test-${randomUUID().slice(0, 8)}`;
  await rabbitmqctl('add_vhost', name);
  await rabbitmqctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*');
  return {
    name,
    url: (user = 'guest', password = 'guest') =>
      `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${RABBITMQ_PORT}/${encodeURIComponent(name)}`,
    async closeConnections(reason = 'closed by a test') {
      const pids = lines(await rabbitmqctl('-q', 'list_connections', '--no-table-headers', 'vhost', 'pid'))
        .map((line) => line.split('\t'))
        .filter(([vhost]) => vhost === name)
        .map(([, pid]) => pid as string);
      await Promise.all(pids.map((pid) => rabbitmqctl('close_connection', pid, reason).catch(() => '')));
      return pids.length;
    },
    async queues() {
      const rows = lines(await rabbitmqctl('-q', 'list_queues', '-p', name, '--no-table-headers', 'name', 'messages'));
      return new Map(rows.map((row) => row.split('\t')).map(([queue, count]) => [queue as string, Number(count)]));
    },
    async exchanges() {
      return lines(await rabbitmqctl('-q', 'list_exchanges', '-p', name, '--no-table-headers', 'name'));
    },
    async delete() {
      await rabbitmqctl('delete_vhost', name).catch(() => '');
    },
  };
}

/** A RabbitMQ user with the given permissions on `vhost` (configure, write, read regexes); `drop()` deletes it. */
export async function createUser(
  vhost: string,
  permissions: readonly [string, string, string],
): Promise<{ name: string; password: string; drop(): Promise<void> }> {
  const name = `lens-user-${randomUUID().slice(0, 8)}`;
  const password = randomUUID();
  await rabbitmqctl('add_user', name, password);
  await rabbitmqctl('set_permissions', '-p', vhost, name, ...permissions);
  return { name, password, drop: () => rabbitmqctl('delete_user', name).then(() => undefined) };
}
