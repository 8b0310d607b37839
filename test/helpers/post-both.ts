/**
 * The same JSON POST over a real port and through yoga.fetch, and what the
 * answers say in brief: request-error tests check both ways in agree.
 */
export interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
  };
}

interface Served {
  readonly url: string;
  readonly yoga: { fetch(url: string, init: RequestInit): Response | Promise<Response> };
}

export async function postBoth(app: Served, body: unknown, headers: Record<string, string> = {}): Promise<Answer[]> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  };
  const answers: Answer[] = [];
  for (const response of [await fetch(app.url, init), await app.yoga.fetch('http://yoga/graphql', init)]) {
    answers.push({ status: response.status, body: (await response.json()) as Answer['body'] });
  }
  return answers;
}

export const summary = ({ status, body }: Answer) => ({
  status,
  data: body.data,
  codes: body.errors?.map((error) => error.extensions?.code),
});
