/**
 * `fetch` whose network failures name the host: Node's own error says only "fetch failed" and hides the
 * reason (ECONNREFUSED, ENOTFOUND, a timeout) in its `cause`, so a log line could not tell which service
 * was down. The answer itself, any status, is returned as fetch returns it.
 */
export async function fetchFrom(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = (err as Error).name === 'TimeoutError' ? 'timed out' : (cause?.code ?? cause?.message ?? String(err));
    throw new Error(`${hostOf(url)} could not be reached: ${why}`, { cause: err });
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}
