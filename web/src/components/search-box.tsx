import { type FormEvent, useState } from 'react';
import { navigate, taskPath } from '../router.ts';
import { taskIdFromInput } from '../task-id-input.ts';

/** Finds a task by id, or by a pasted URL that ends in one. */
export function SearchBox({ initial = '' }: { initial?: string }) {
  const [text, setText] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = taskIdFromInput(text);
    if (id !== null) navigate(taskPath(id));
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor="task-search" className="visually-hidden">
        Task id or URL
      </label>
      <input
        id="task-search"
        data-testid="task-search"
        type="search"
        placeholder="Task id, or a URL ending in one"
        value={text}
        onChange={(event) => setText(event.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit">Open</button>
    </form>
  );
}
