import { type FormEvent, useState } from 'react';
import type { Operation } from 'celery-lens/client';
import { ErrorMessage } from '../components/error-message.tsx';
import type { WorkerAnswerFragment } from '../graphql/generated/graphql.ts';
import { type GqlError, query } from '../lens.ts';
import {
  AddConsumer,
  CancelConsumer,
  GrowPool,
  RestartPool,
  SetRateLimit,
  ShrinkPool,
  ShutdownWorker,
} from './documents.ts';
import { useCanControl } from './task-actions.tsx';

/** What the worker said to the last command, or the error it was refused with. */
interface Outcome {
  readonly answers: readonly WorkerAnswerFragment[];
  readonly errors: readonly GqlError[];
}

/** A mutation's answers, whatever its field's name (each answers `[WorkerReply!]!`). */
const answersOf = (data: object | null | undefined) =>
  (data ? (Object.values(data)[0] as WorkerAnswerFragment[]) : []) ?? [];

/**
 * The worker control buttons of a worker's page, shown only to a key that may
 * act (the server refuses the others anyway): grow and shrink the pool,
 * restart it, add or cancel a consumer, set a task's rate limit, and shut the
 * worker down (a second click confirms). `changed` asks the page again.
 */
export function WorkerActions({
  hostname,
  queues,
  registered,
  changed,
}: {
  hostname: string;
  queues: readonly string[];
  registered: readonly string[];
  changed: () => void;
}) {
  const can = useCanControl();
  const [busy, setBusy] = useState(false);
  const [armed, setArmed] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [queue, setQueue] = useState('');
  const [taskName, setTaskName] = useState('');
  const [rate, setRate] = useState('');
  if (can !== true) return can === null ? null : <div data-testid="worker-actions" data-can-control="false" hidden />;
  const run = <R extends object, V>(document: Operation<R, V>, variables: V): void => {
    setBusy(true);
    setArmed(false);
    const settle = (next: Outcome) => {
      setBusy(false);
      setOutcome(next);
      changed();
    };
    query(document, variables).then(
      (result) => settle({ answers: answersOf(result.data), errors: result.errors }),
      // Unreachable server: the backend banner says so.
      () => settle({ answers: [], errors: [] }),
    );
  };
  const submit = (event: FormEvent, action: () => void) => {
    event.preventDefault();
    action();
  };
  return (
    <section className="panel worker-actions" data-testid="worker-actions" data-can-control="true" aria-label="Control">
      <h2>Control</h2>
      <div className="task-actions">
        <button type="button" disabled={busy} data-action="grow" onClick={() => run(GrowPool, { hostname })}>
          Grow pool +1
        </button>
        <button type="button" disabled={busy} data-action="shrink" onClick={() => run(ShrinkPool, { hostname })}>
          Shrink pool −1
        </button>
        <button type="button" disabled={busy} data-action="restart" onClick={() => run(RestartPool, { hostname })}>
          Restart pool
        </button>
        <button
          type="button"
          disabled={busy}
          data-action="shutdown"
          className={armed ? 'armed' : undefined}
          onClick={() => (armed ? run(ShutdownWorker, { hostname }) : setArmed(true))}
        >
          {armed ? 'Confirm shutdown' : 'Shut down'}
        </button>
      </div>
      <form onSubmit={(event) => submit(event, () => run(AddConsumer, { hostname, queue }))}>
        <label>
          Consume from queue <input value={queue} onChange={(e) => setQueue(e.target.value)} data-testid="add-queue" />
        </label>{' '}
        <button type="submit" disabled={busy || queue === ''} data-action="add-consumer">
          Add consumer
        </button>
      </form>
      {queues.length > 0 ? (
        <p>
          Stop consuming:{' '}
          {queues.map((name) => (
            <button
              key={name}
              type="button"
              disabled={busy}
              data-action="cancel-consumer"
              data-queue={name}
              onClick={() => run(CancelConsumer, { hostname, queue: name })}
            >
              {name} ✕
            </button>
          ))}
        </p>
      ) : null}
      <form onSubmit={(event) => submit(event, () => run(SetRateLimit, { hostname, taskName, rateLimit: rate }))}>
        <label>
          Rate limit of{' '}
          <select value={taskName} onChange={(e) => setTaskName(e.target.value)} data-testid="rate-task">
            <option value="">task…</option>
            {registered.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>{' '}
        <input
          value={rate}
          placeholder="10/m (0: none)"
          onChange={(e) => setRate(e.target.value)}
          data-testid="rate-value"
          aria-label="Rate limit"
        />{' '}
        <button type="submit" disabled={busy || taskName === '' || rate === ''} data-action="rate-limit">
          Set
        </button>
      </form>
      {outcome ? (
        <ul className="worker-answers" data-testid="worker-answers" role="status">
          {outcome.answers.map((answer) => (
            <li key={answer.hostname ?? '*'} data-ok={answer.ok}>
              {answer.ok ? '✓' : '✗'} <code>{answer.hostname ?? 'every worker'}</code>: {answer.message}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorMessage errors={outcome?.errors ?? []} retrying={false} />
    </section>
  );
}
