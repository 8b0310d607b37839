import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { createRedis } from './backend/connection.ts';
import { ResultBackend } from './backend/result-backend.ts';
import { celeryKeys } from './celery/keys.ts';
import type { Config } from './config.ts';
import { GRAPHIQL_EXAMPLE, GRAPHIQL_VARIABLES } from './graphiql-example.ts';
import { useHealth } from './plugins/use-health.ts';
import type { LensContext } from './schema/context.ts';
import { schema } from './schema/index.ts';

export interface AppOptions {
  /** Where connection state changes are reported. @default console.error */
  readonly log?: (line: string) => void;
}

export function createApp(config: Config, options: AppOptions = {}) {
  const log = options.log ?? ((line: string) => console.error(line));
  const redis = createRedis(config.backend, {
    commandTimeoutMs: config.redisTimeoutMs,
    connectionName: 'celery-lens',
  });
  const backend = new ResultBackend(redis, celeryKeys(config.globalKeyprefix));

  // Say each change of connection state once, not every retry.
  let connected: boolean | null = null;
  redis.on('ready', () => {
    if (connected !== true) log(`celery-lens: result backend ${config.backend.redacted} is up`);
    connected = true;
  });
  const down = (reason: string) => {
    if (connected !== false) log(`celery-lens: result backend ${config.backend.redacted} is down: ${reason}`);
    connected = false;
  };
  // 'close' comes first when an open connection drops; 'error' when connecting fails.
  redis.on('close', () => down('connection closed'));
  redis.on('error', (error: Error) => down(error.message));

  const context: LensContext = { backend, config };
  const yoga = createYoga<object, LensContext>({
    schema,
    context: () => ({ ...context }),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.graphiql
      ? { title: 'celery-lens', defaultTabs: [{ query: GRAPHIQL_EXAMPLE, variables: GRAPHIQL_VARIABLES }] }
      : false,
    plugins: [...useHealth(backend)],
  });
  const server: Server = createServer(yoga);

  return {
    yoga,
    server,
    backend,
    /** Connects to Redis (without failing when it is down) and listens. */
    async start(): Promise<{ url: string; port: number }> {
      await redis.connect().catch(() => {
        // Not fatal: the client keeps retrying and requests say BACKEND_UNAVAILABLE meanwhile.
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      return { url: `http://${config.host}:${port}/graphql`, port };
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

export type App = ReturnType<typeof createApp>;
