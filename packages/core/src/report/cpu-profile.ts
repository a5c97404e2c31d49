/**
 * `OPTIMIZED_TEST_PROFILE_EXECUTION=true` (config `profileExecution`): a CPU profile of the
 * orchestrator (this process, not the runners) through the inspector, saved as a `.cpuprofile`
 * that Chrome DevTools and VS Code open.
 */
import { Session } from 'node:inspector';
import { writeFileAtomic } from '../util/atomic-write';

export interface CpuProfiler {
  /** Stops profiling and writes the profile to `path`. */
  save(path: string): Promise<void>;
  /** Stops profiling without writing (the run failed before its report folder existed). */
  dispose(): void;
}

function post<T>(session: Session, method: string): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, (error: Error | null, result?: unknown) =>
      error === null ? resolve(result as T) : reject(error),
    );
  });
}

export async function startCpuProfile(): Promise<CpuProfiler> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.start');
  let open = true;
  const dispose = () => {
    if (!open) return;
    open = false;
    session.disconnect();
  };
  return {
    async save(path) {
      try {
        const { profile } = await post<{ profile: unknown }>(session, 'Profiler.stop');
        writeFileAtomic(path, JSON.stringify(profile));
      } finally {
        dispose();
      }
    },
    dispose,
  };
}
