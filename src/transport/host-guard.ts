/**
 * The first thing every HTTP request meets, before Yoga, the
 * page or /healthz: a Host that is not allowed (src/http/allowed-hosts.ts)
 * gets 421 HOST_NOT_ALLOWED and nothing else runs. WebSocket upgrades, which
 * never reach the request listener, meet the same check in src/transport/ws-server.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HostAllowlist, hostRefusal } from '../http/allowed-hosts.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Tells each refused Host once (up to a bound), so a deployment whose name is missing from --allowed-hosts is found in the log. */
export function refusalReporter(report: (host: string) => void, bound = 100): (host: string | undefined) => void {
  const told = new Set<string>();
  return (host = '') => {
    const name = host.slice(0, 100);
    if (told.has(name) || told.size >= bound) return;
    told.add(name);
    report(name);
  };
}

/** The answer to a request naming `host` when it is not allowed (told to `onRefused`), or null when it is. */
export type HostCheck = (host: string | undefined) => ReturnType<typeof hostRefusal> | null;

export function hostCheck(
  allowlist: HostAllowlist,
  onRefused: (host: string | undefined) => void = () => {},
): HostCheck {
  return (host) => {
    if (allowlist.allows(host)) return null;
    onRefused(host);
    return hostRefusal(host);
  };
}

export function guardHosts(check: HostCheck, listener: Listener): Listener {
  return (req, res) => {
    const refusal = check(req.headers.host);
    if (!refusal) {
      listener(req, res);
      return;
    }
    // The body is not read: the connection ends with the answer.
    res.writeHead(refusal.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(refusal.body),
      connection: 'close',
    });
    res.end(refusal.body);
  };
}
