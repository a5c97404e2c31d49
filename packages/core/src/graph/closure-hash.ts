/**
 * Closure hashes: one hash per file that covers the content of every workspace file it reaches,
 * the externals (name@version) reached, and the shape of the imports between them.
 *
 * The graph is condensed into strongly connected components (import cycles) with an iterative
 * Tarjan pass, then hashed bottom-up like a Merkle tree: a component's hash covers its members'
 * paths and contents and the hashes of the components it imports. The whole pass is linear in
 * files plus imports, and paths are workspace-relative, so two clones of one commit at different
 * locations get the same hashes.
 */
import { hashParts } from '../util/hash';
import type { FileNode } from './build-graph';

export interface ClosureInfo {
  hash: string;
  /** The first (by path) file in the closure that cannot be traced statically, if any. */
  wideVia: string | undefined;
}

export function computeClosureHashes(
  nodes: ReadonlyMap<string, FileNode>,
): Map<string, ClosureInfo> {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const componentOf = new Map<string, number>();
  const componentHashes: string[] = [];
  const componentWide: Array<string | undefined> = [];
  let counter = 0;

  const depsOf = (path: string): string[] =>
    (nodes.get(path)?.deps ?? []).filter((d) => nodes.has(d));

  const finishComponent = (members: string[]): void => {
    const id = componentHashes.length;
    members.sort();
    for (const m of members) componentOf.set(m, id);
    const parts: string[] = [];
    const childHashes = new Set<string>();
    let wideVia: string | undefined;
    const noteWide = (path: string | undefined) => {
      if (path !== undefined && (wideVia === undefined || path < wideVia)) wideVia = path;
    };
    for (const m of members) {
      const node = nodes.get(m);
      if (node === undefined) continue;
      if (node.wideReasons.length > 0) noteWide(m);
      parts.push(
        m,
        node.contentHash,
        node.externals.join(','),
        node.wideReasons.length > 0 ? 'wide' : '',
      );
      for (const dep of depsOf(m)) {
        const child = componentOf.get(dep);
        // Children in other components are finished already (Tarjan emits components in reverse
        // topological order); members of this component are covered by `parts`.
        if (child !== undefined && child !== id) {
          childHashes.add(componentHashes[child] ?? '');
          noteWide(componentWide[child]);
        }
      }
    }
    parts.push('|', ...[...childHashes].sort());
    componentHashes.push(hashParts(parts));
    componentWide.push(wideVia);
  };

  for (const start of [...nodes.keys()].sort()) {
    if (index.has(start)) continue;
    // Iterative Tarjan: each frame is a node and the position in its dependency list.
    const frames: Array<{ path: string; deps: string[]; next: number }> = [];
    const open = (path: string): void => {
      index.set(path, counter);
      lowLink.set(path, counter);
      counter++;
      stack.push(path);
      onStack.add(path);
      frames.push({ path, deps: depsOf(path), next: 0 });
    };
    open(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.deps.length) {
        const dep = frame.deps[frame.next++]!;
        if (!index.has(dep)) open(dep);
        else if (onStack.has(dep)) {
          lowLink.set(frame.path, Math.min(lowLink.get(frame.path)!, index.get(dep)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) {
        lowLink.set(parent.path, Math.min(lowLink.get(parent.path)!, lowLink.get(frame.path)!));
      }
      if (lowLink.get(frame.path) === index.get(frame.path)) {
        const members: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          members.push(member);
        } while (member !== frame.path);
        finishComponent(members);
      }
    }
  }

  const result = new Map<string, ClosureInfo>();
  for (const [path, component] of componentOf) {
    result.set(path, { hash: componentHashes[component] ?? '', wideVia: componentWide[component] });
  }
  return result;
}

/**
 * Every file reachable from `starts` (themselves included), for inputs and `affected`. Several
 * starts share one walk, so a shard's closure costs one pass over the files it reaches.
 */
export function collectClosure(
  nodes: ReadonlyMap<string, FileNode>,
  starts: string | Iterable<string>,
): Set<string> {
  const seen = new Set<string>(typeof starts === 'string' ? [starts] : starts);
  const queue = [...seen];
  while (queue.length > 0) {
    const path = queue.pop()!;
    for (const dep of nodes.get(path)?.deps ?? []) {
      if (!seen.has(dep) && nodes.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return seen;
}
