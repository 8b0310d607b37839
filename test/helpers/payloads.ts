/** Payloads captured from a real Celery worker by scripts/capture-payloads.ts. */
import { readFileSync, readdirSync } from 'node:fs';

export interface Capture {
  readonly scenario: string;
  readonly celery: string;
  /** Ids by role ("task", "links", …): read them with idOf / idsOf. */
  readonly ids: Readonly<Record<string, unknown>>;
  readonly keys: Record<string, { readonly value: string; readonly encoding?: 'base64'; readonly pttl: number }>;
  readonly published: readonly { readonly channel: string; readonly message: string }[];
  readonly events: readonly { readonly channel: string; readonly message: string }[];
}

const dir = new URL('../fixtures/payloads/', import.meta.url);

export function capture(scenario: string): Capture {
  return JSON.parse(readFileSync(new URL(`${scenario}.json`, dir), 'utf8')) as Capture;
}

export function allCaptures(): Capture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => capture(file.replace(/\.json$/, '')));
}

/** The stored bytes of a key, as Redis holds them. */
export function bytesOf(entry: Capture['keys'][string]): Buffer {
  return Buffer.from(entry.value, entry.encoding === 'base64' ? 'base64' : 'utf8');
}

export const taskKey = (id: string) => `celery-task-meta-${id}`;

export function idOf(c: Capture, role: string): string {
  const id = c.ids[role];
  if (typeof id !== 'string') throw new Error(`${c.scenario} has no id for ${role}`);
  return id;
}

export function idsOf(c: Capture, role: string): string[] {
  const ids = c.ids[role];
  if (!Array.isArray(ids)) throw new Error(`${c.scenario} has no ids for ${role}`);
  return ids as string[];
}
