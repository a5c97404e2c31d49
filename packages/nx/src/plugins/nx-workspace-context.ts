/**
 * The two things inference asks Nx for on every command: the hash of the workspace's files and
 * Nx's workspace data folder. They are taken from the Nx modules that define them, which Nx's
 * plugin worker has loaded already; the @nx/devkit/internal barrel re-exports them but costs
 * about 60 ms more to load there, on the path of every Nx command. Should an Nx release move
 * them, the barrel is the fallback.
 */
import { createRequire } from 'node:module';

export interface NxWorkspaceContext {
  hashWithWorkspaceContext(workspaceRoot: string, globs: string[]): Promise<string>;
  workspaceDataDirectory: string;
}

const requireHere = createRequire(__filename);

export function fromNxModules(): NxWorkspaceContext | undefined {
  try {
    const { hashWithWorkspaceContext } = requireHere('nx/src/utils/workspace-context') as Partial<
      Pick<NxWorkspaceContext, 'hashWithWorkspaceContext'>
    >;
    const { workspaceDataDirectory } = requireHere('nx/src/utils/cache-directory') as Partial<
      Pick<NxWorkspaceContext, 'workspaceDataDirectory'>
    >;
    if (
      typeof hashWithWorkspaceContext === 'function' &&
      typeof workspaceDataDirectory === 'string'
    )
      return { hashWithWorkspaceContext, workspaceDataDirectory };
  } catch {
    // Moved in this Nx version: use the barrel.
  }
  return undefined;
}

let loaded: NxWorkspaceContext | undefined;

export function nxWorkspaceContext(): NxWorkspaceContext {
  loaded ??= fromNxModules() ?? (requireHere('@nx/devkit/internal') as NxWorkspaceContext);
  return loaded;
}
