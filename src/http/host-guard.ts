/**
 * The first thing every HTTP request meets, before the fast path, Yoga, the
 * page or /healthz: a Host that is not allowed (src/http/allowed-hosts.ts)
 * gets 421 HOST_NOT_ALLOWED and nothing else runs. WebSocket upgrades are
 * refused the same way in src/ws-server.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HostAllowlist, hostRefusal } from './allowed-hosts.ts';

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

export function guardHosts(allowlist: HostAllowlist, listener: Listener, onRefused: (host: string | undefined) => void = () => {}): Listener {
  if (allowlist.any) return listener;
  return (req, res) => {
    const host = req.headers.host;
    if (allowlist.allows(host)) {
      listener(req, res);
      return;
    }
    onRefused(host);
    const { status, body } = hostRefusal(host);
    // The body is not read: the connection ends with the answer.
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  };
}
