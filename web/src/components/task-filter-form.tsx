import { type FormEvent, useId, useState } from 'react';
import type { GqlError } from '../lens.ts';
import type { KwargMatch, TaskFilter, TaskOrder, TaskStatus } from '../graphql/generated/graphql.ts';
import { ErrorMessage } from './error-message.tsx';
import { StatusIcon } from './status-icon.tsx';
import { STATUS, STATUS_ORDER } from '../status.ts';
import { type FilterParams, type TextField, fromLocalInput, toLocalInput } from '../task-filter.ts';
import { TimeInput } from './time-input.tsx';

const TEXT_LABELS: Readonly<Record<TextField, { label: string; placeholder: string }>> = {
  name: { label: 'Name', placeholder: 'proj.tasks.add' },
  namePrefix: { label: 'Name starts with', placeholder: 'proj.billing.' },
  worker: { label: 'Worker', placeholder: 'celery@host' },
  queue: { label: 'Queue', placeholder: 'celery' },
  rootId: { label: 'Workflow (root id)', placeholder: 'task id of the root' },
};

/** An error about the kwargs filter (a key not in --index-kwargs, no payload scope): shown beside it, not above the list. */
export function isKwargsError(error: GqlError): boolean {
  const code = error.extensions?.code;
  return (code === 'INVALID_ARGUMENT' || code === 'FORBIDDEN') && /kwargs/.test(error.message);
}

/**
 * The Tasks view's filters; applied on submit (Enter in any field).
 * `kwargKeys`: the keys the server indexes (`viewer.indexedKwargs`), null
 * when this key may not filter on kwargs; the kwargs rows are offered when
 * there is a key, or when the address already carries a kwargs filter (so it
 * can be seen and removed, its error beside it).
 */
export function TaskFilterForm({
  initial,
  kwargKeys,
  errors,
  onApply,
}: {
  initial: FilterParams;
  kwargKeys: readonly string[] | null;
  errors: readonly GqlError[];
  onApply: (next: FilterParams) => void;
}) {
  const [statuses, setStatuses] = useState<readonly TaskStatus[]>(initial.filter.status ?? []);
  const [text, setText] = useState<Record<TextField, string>>({
    name: initial.filter.name ?? '',
    namePrefix: initial.filter.namePrefix ?? '',
    worker: initial.filter.worker ?? '',
    queue: initial.filter.queue ?? '',
    rootId: String(initial.filter.rootId ?? ''),
  });
  const [since, setSince] = useState(toLocalInput(initial.filter.since as string | undefined));
  const [until, setUntil] = useState(toLocalInput(initial.filter.until as string | undefined));
  const [order, setOrder] = useState<TaskOrder>(initial.order);
  const [kwargs, setKwargs] = useState<readonly KwargMatch[]>(initial.filter.kwargs ?? []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const filter: TaskFilter = {};
    if (statuses.length > 0) filter.status = STATUS_ORDER.filter((status) => statuses.includes(status));
    for (const [field, value] of Object.entries(text) as [TextField, string][])
      if (value.trim()) filter[field] = value.trim();
    const [from, to] = [fromLocalInput(since), fromLocalInput(until)];
    if (from) filter.since = from;
    if (to) filter.until = to;
    const matches = kwargs
      .map(({ key, value }) => ({ key: key.trim(), value }))
      .filter(({ key, value }) => key && value);
    if (matches.length > 0) filter.kwargs = matches;
    onApply({ filter, order });
  };
  const toggle = (status: TaskStatus) =>
    setStatuses((old) => (old.includes(status) ? old.filter((s) => s !== status) : [...old, status]));

  return (
    <form className="panel filter-form" data-testid="task-filter" onSubmit={submit} aria-label="Filter tasks">
      <fieldset className="statuses">
        <legend>Status</legend>
        {STATUS_ORDER.map((status) => (
          <label key={status} className="status-choice" style={{ color: STATUS[status].color }}>
            <input
              type="checkbox"
              name="status"
              value={status}
              checked={statuses.includes(status)}
              onChange={() => toggle(status)}
            />
            <StatusIcon status={status} /> {STATUS[status].label}
          </label>
        ))}
      </fieldset>
      <div className="filter-fields">
        {(Object.keys(TEXT_LABELS) as TextField[]).map((field) => (
          <label key={field}>
            {TEXT_LABELS[field].label}
            <input
              name={field}
              type="text"
              value={text[field]}
              placeholder={TEXT_LABELS[field].placeholder}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => setText((old) => ({ ...old, [field]: event.target.value }))}
            />
          </label>
        ))}
        <TimeInput label="Latest state since" name="since" value={since} onChange={setSince} />
        <TimeInput label="until" name="until" value={until} onChange={setUntil} />
        <label>
          Order
          <select name="order" value={order} onChange={(event) => setOrder(event.target.value as TaskOrder)}>
            <option value="NEWEST_FIRST">Newest first</option>
            <option value="OLDEST_FIRST">Oldest first</option>
          </select>
        </label>
      </div>
      {(kwargKeys?.length ?? 0) > 0 || kwargs.length > 0 ? (
        <KwargRows rows={kwargs} keys={kwargKeys ?? []} errors={errors.filter(isKwargsError)} onChange={setKwargs} />
      ) : null}
      <div className="filter-actions">
        <button type="submit" data-testid="apply-filter">
          Apply
        </button>
        <button type="button" className="secondary" onClick={() => onApply({ filter: {}, order: 'NEWEST_FIRST' })}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** Key = value rows of the kwargs filter (exact match on an indexed key), ANDed. */
function KwargRows({
  rows,
  keys,
  errors,
  onChange,
}: {
  rows: readonly KwargMatch[];
  keys: readonly string[];
  errors: readonly GqlError[];
  onChange: (next: readonly KwargMatch[]) => void;
}) {
  const listId = useId();
  const set = (at: number, change: Partial<KwargMatch>) =>
    onChange(rows.map((row, n) => (n === at ? { ...row, ...change } : row)));
  return (
    <fieldset className="kwargs" data-testid="kwargs-filter">
      <legend>Keyword arguments</legend>
      <datalist id={listId}>
        {keys.map((key) => (
          <option key={key} value={key} />
        ))}
      </datalist>
      {rows.map((row, n) => (
        // Rows have no identity but their place; one is removed by its own button only.
        <div className="kwarg-row" key={n}>
          <label>
            Key
            <input
              name={`kwarg-key-${n}`}
              type="text"
              list={listId}
              value={row.key}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => set(n, { key: event.target.value })}
            />
          </label>
          <label>
            equals
            <input
              name={`kwarg-value-${n}`}
              type="text"
              value={row.value}
              placeholder='acme, 42, "42"'
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => set(n, { value: event.target.value })}
            />
          </label>
          <button
            type="button"
            className="secondary"
            aria-label={`Remove the ${row.key || 'empty'} condition`}
            onClick={() => onChange(rows.filter((_, m) => m !== n))}
          >
            Remove
          </button>
        </div>
      ))}
      {keys.length > 0 ? (
        <button
          type="button"
          className="secondary"
          data-testid="add-kwarg"
          onClick={() => onChange([...rows, { key: keys.length === 1 ? keys[0]! : '', value: '' }])}
        >
          Add a kwargs condition
        </button>
      ) : null}
      <ErrorMessage errors={errors} retrying={false} />
    </fieldset>
  );
}
