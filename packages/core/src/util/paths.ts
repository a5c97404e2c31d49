import { sep } from 'node:path';

/** Workspace-relative paths are always POSIX so that hashes agree across platforms and clones. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** `a/b` is inside `a`; every path is inside the root project `''`. */
export function isInside(path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(`${folder}/`);
}

/** The part of `path` below `folder` (which must contain it). */
export function relativeTo(path: string, folder: string): string {
  return folder === '' ? path : path.slice(folder.length + 1);
}

export function dirnamePosix(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}
