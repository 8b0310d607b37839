/** A query POSTed with the given credentials' headers: the answer's status and body, as the auth tests read them. */
export async function postWith(url: string, headers: Record<string, string>, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: { task: unknown } | null;
      errors?: { extensions?: { code?: string }; path?: unknown[] }[];
    },
  };
}
