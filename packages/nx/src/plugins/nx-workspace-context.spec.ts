import { describe, expect, it } from 'vitest';
import { fromNxModules, nxWorkspaceContext } from './nx-workspace-context';

describe('nxWorkspaceContext', () => {
  it('finds both in the installed Nx modules, not only through the barrel', () => {
    // If a new Nx moves them the plugin still works (the barrel), but loads slower: this says so.
    const direct = fromNxModules();
    expect(direct).toBeDefined();
    expect(typeof direct?.hashWithWorkspaceContext).toBe('function');
    expect(direct?.workspaceDataDirectory).toMatch(/\S/);
  });

  it('gives the same functions the @nx/devkit/internal barrel gives', async () => {
    const barrel = await import('@nx/devkit/internal');
    expect(nxWorkspaceContext().hashWithWorkspaceContext).toBe(barrel.hashWithWorkspaceContext);
    expect(nxWorkspaceContext().workspaceDataDirectory).toBe(barrel.workspaceDataDirectory);
  });
});
