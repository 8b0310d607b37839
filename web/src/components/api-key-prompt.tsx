import { type FormEvent, useState } from 'react';
import { apiKey, authNeeded, setApiKey } from '../lens.ts';
import { useStore } from '../store.ts';

/** Asks for an API key when the server wants one (--auth); the key stays in this tab's sessionStorage. */
export function ApiKeyPrompt() {
  const needed = useStore(authNeeded);
  const current = useStore(apiKey);
  const [text, setText] = useState('');
  if (!needed) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() !== '') setApiKey(text.trim());
    setText('');
  };
  return (
    <form className="api-key" onSubmit={submit} data-testid="api-key-prompt">
      <label htmlFor="api-key">
        {current ? 'This API key was refused. ' : 'This server needs an API key. '}
        API key (kept in this tab only):
      </label>
      <input
        id="api-key"
        type="password"
        autoComplete="off"
        value={text}
        onChange={(event) => setText(event.target.value)}
        autoFocus
      />
      <button type="submit">Use key</button>
    </form>
  );
}
