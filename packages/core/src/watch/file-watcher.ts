/**
 * Watches the workspace's folders for saves, with node's own `fs.watch` on each folder that holds
 * a workspace file (not recursively: a recursive watch on Linux walks node_modules too, which
 * costs inotify watches by the hundred thousand). The folder set comes from the plan and is
 * re-synced after every plan refresh, so a new folder is watched once the save that created it
 * has been planned. Saves are debounced: one callback per burst, with every path in it.
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { dirnamePosix } from '../util/paths';

export interface FileWatcherOptions {
  workspaceRoot: string;
  /** Quiet time after the last event before the burst is reported. */
  debounceMs: number;
  /** Workspace-relative paths never reported (the cache and report folders, for instance). */
  ignore: (path: string) => boolean;
  /** One burst of saves: workspace-relative paths, sorted. */
  onChange: (paths: string[]) => void;
  onError?: (error: Error) => void;
}

export class FileWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: FileWatcherOptions) {}

  /** Watches the folders of `files` (workspace-relative) and their ancestors; unwatches the rest. */
  sync(files: readonly string[]): void {
    if (this.closed) return;
    const folders = new Set<string>(['']);
    for (const file of files) {
      for (let folder = dirnamePosix(file); folder !== ''; folder = dirnamePosix(folder)) {
        if (folders.has(folder)) break;
        folders.add(folder);
      }
    }
    for (const [folder, watcher] of this.watchers) {
      if (!folders.has(folder)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = watch(join(this.options.workspaceRoot, folder), (_event, name) => {
          if (name === null) return;
          this.record(folder === '' ? String(name) : `${folder}/${String(name)}`);
        });
        watcher.on('error', (error) => {
          // A watched folder that was removed: its parent's watcher reports the removal.
          watcher.close();
          this.watchers.delete(folder);
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onError?.(error);
        });
        this.watchers.set(folder, watcher);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          this.options.onError?.(error as Error);
      }
    }
  }

  get watchedFolders(): number {
    return this.watchers.size;
  }

  private record(path: string): void {
    if (this.closed || this.options.ignore(path)) return;
    this.pending.add(path);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.debounceMs);
  }

  private flush(): void {
    this.timer = undefined;
    const paths = [...this.pending].sort();
    this.pending = new Set();
    if (paths.length > 0 && !this.closed) this.options.onChange(paths);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
