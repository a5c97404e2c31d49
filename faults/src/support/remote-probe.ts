/**
 * The workaround for a misbehaving self-hosted remote cache (docs/reliability.md): before running
 * Nx, ask the server for a key that was never stored, with a short timeout. A healthy server
 * answers 404; a 5xx, a 200 (it serves something for a key nobody stored), a dropped connection
 * or no answer in time means Nx should run without the remote cache this time, with a warning.
 */
import { randomBytes } from 'node:crypto';

export interface ProbeResult {
  healthy: boolean;
  /** One line for the log, naming the server and what it did. */
  message: string;
}

export async function probeRemoteCache(
  url: string,
  token: string | undefined,
  timeoutMs = 5_000,
): Promise<ProbeResult> {
  const key = `shardwise-probe-${randomBytes(8).toString('hex')}`;
  try {
    const response = await fetch(`${url}/v1/cache/${key}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 404) return { healthy: true, message: `remote cache ${url} answers` };
    return {
      healthy: false,
      message: `warning: remote cache ${url} answered ${response.status} for a key never stored; running without it`,
    };
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : `request failed (${error instanceof Error ? error.message : String(error)})`;
    return {
      healthy: false,
      message: `warning: remote cache ${url}: ${reason}; running without it`,
    };
  }
}
