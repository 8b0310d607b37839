import { type FormEvent, useState } from 'react';
import type { TaskFilter, TaskOrder, TaskStatus } from '../graphql/generated/graphql.ts';
import { STATUS, STATUS_ORDER } from '../status.ts';
import { type FilterParams, type TextField, fromLocalInput, toLocalInput } from '../task-filter.ts';

const TEXT_LABELS: Readonly<Record<TextField, { label: string; placeholder: string }>> = {
  name: { label: 'Name', placeholder: 'proj.tasks.add' },
  namePrefix: { label: 'Name starts with', placeholder: 'proj.billing.' },
  worker: { label: 'Worker', placeholder: 'celery@host' },
  queue: { label: 'Queue', placeholder: 'celery' },
  rootId: { label: 'Workflow (root id)', placeholder: 'task id of the root' },
};

/** The Tasks view's filters; applied on submit (Enter in any field). */
export function TaskFilterForm({ initial, onApply }: { initial: FilterParams; onApply: (next: FilterParams) => void }) {
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

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const filter: TaskFilter = {};
    if (statuses.length > 0) filter.status = STATUS_ORDER.filter((status) => statuses.includes(status));
    for (const [field, value] of Object.entries(text) as [TextField, string][]) if (value.trim()) filter[field] = value.trim();
    const [from, to] = [fromLocalInput(since), fromLocalInput(until)];
    if (from) filter.since = from;
    if (to) filter.until = to;
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
            <input type="checkbox" name="status" value={status} checked={statuses.includes(status)} onChange={() => toggle(status)} />
            <span aria-hidden="true">{STATUS[status].icon}</span> {STATUS[status].label}
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
        <label>
          Latest state since
          <input name="since" type="datetime-local" step="1" value={since} onChange={(event) => setSince(event.target.value)} />
        </label>
        <label>
          until
          <input name="until" type="datetime-local" step="1" value={until} onChange={(event) => setUntil(event.target.value)} />
        </label>
        <label>
          Order
          <select name="order" value={order} onChange={(event) => setOrder(event.target.value as TaskOrder)}>
            <option value="NEWEST_FIRST">Newest first</option>
            <option value="OLDEST_FIRST">Oldest first</option>
          </select>
        </label>
      </div>
      <div className="filter-actions">
        <button type="submit" data-testid="apply-filter">Apply</button>
        <button type="button" className="secondary" onClick={() => onApply({ filter: {}, order: 'NEWEST_FIRST' })}>
          Clear
        </button>
      </div>
    </form>
  );
}
