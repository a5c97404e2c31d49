/**
 * Databases owned by slots. A project that declares `@shardwise/db` (in the dependencies or
 * devDependencies of its nearest package.json, up to the workspace root) gets, per slot, the
 * package's slot entry started once: a database host for the slot's whole life, whose
 * environment (`SHARDWISE_DATABASE_URL`) every runner child of the slot receives. Core never
 * imports @shardwise/db: the entry is resolved from the project and loaded only when needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const PACKAGE = '@shardwise/db';

/** What `@shardwise/db/slot` exports. */
export interface SlotDatabaseEntry {
  startSlotDatabase(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}

type Started = Awaited<ReturnType<SlotDatabaseEntry['startSlotDatabase']>>;

function declaresPackage(packageJson: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'devDependencies'].some(
      (field) =>
        typeof manifest[field] === 'object' &&
        manifest[field] !== null &&
        PACKAGE in (manifest[field] as object),
    );
  } catch {
    return false;
  }
}

export class SlotDatabases {
  private readonly entries = new Map<string, string | undefined>();
  private readonly started = new Map<string, Promise<Started | undefined>>();

  constructor(
    private readonly workspaceRoot: string,
    private readonly log: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {}

  /** The path of `@shardwise/db/slot` as the project resolves it, if the project declares it. */
  entryFor(projectRoot: string): string | undefined {
    if (this.entries.has(projectRoot)) return this.entries.get(projectRoot);
    let entry: string | undefined;
    const root = resolve(this.workspaceRoot);
    for (let dir = resolve(root, projectRoot); ; dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        if (declaresPackage(manifest)) {
          try {
            entry = createRequire(manifest).resolve(`${PACKAGE}/slot`);
          } catch (error) {
            this.log(
              `shardwise: ${relative(root, manifest) || 'package.json'} declares ${PACKAGE} but ${PACKAGE}/slot does not resolve (${(error as Error).message}); its tests start their own database`,
            );
          }
        }
        break;
      }
      if (dir === root || dirname(dir) === dir) break;
    }
    this.entries.set(projectRoot, entry);
    return entry;
  }

  /** The environment the slot's children get for this project: empty unless it uses the package. */
  async envFor(slotId: number, projectRoot: string): Promise<Record<string, string>> {
    const entry = this.entryFor(projectRoot);
    if (entry === undefined) return {};
    const key = `${slotId}\0${entry}`;
    let started = this.started.get(key);
    if (started === undefined) {
      started = (async () => {
        // A runtime require: core has no dependency on @shardwise/db.
        const loaded = createRequire(entry)(entry) as SlotDatabaseEntry;
        return loaded.startSlotDatabase();
      })().catch((error: unknown) => {
        this.log(
          `shardwise: slot ${slotId} could not start its database (${(error as Error).message}); its tests start their own`,
        );
        return undefined;
      });
      this.started.set(key, started);
    }
    return (await started)?.env ?? {};
  }

  /** Stops every slot's database (the slots have ended). */
  async stopAll(): Promise<void> {
    const all = [...this.started.values()];
    this.started.clear();
    await Promise.allSettled(all.map(async (started) => (await started)?.stop()));
  }
}
