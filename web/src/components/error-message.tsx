import type { GqlError } from '../lens.ts';

/** A GraphQL error as a sentence, with its code: shown where the data would be. */
export function ErrorMessage({ errors, retrying }: { errors: readonly GqlError[]; retrying: boolean }) {
  const first = errors[0];
  if (!first) return null;
  const code = first.extensions?.code;
  return (
    <p className="error-text" role="alert" data-testid="error-message" data-code={code ?? ''}>
      {code ? <code>{code}</code> : null} {first.message}
      {retrying ? ' (trying again…)' : ''}
    </p>
  );
}
