/** Polls `check` every 20 ms until it holds; throws after `timeoutMs`, with what `said` tells of the last state. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  said?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${said ? `: ${said()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
