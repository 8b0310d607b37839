import type { ReactNode } from 'react';
import { navigate, taskPath } from '../router.ts';

/** A link to a task's page, opened in place (a real href: new tab, copy link and the keyboard work). */
export function TaskLink({ id, children }: { id: string; children?: ReactNode }) {
  return (
    <a
      href={taskPath(id)}
      data-task-id={id}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(taskPath(id));
      }}
    >
      {children ?? <code>{id}</code>}
    </a>
  );
}
