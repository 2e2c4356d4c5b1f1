import { execFileSync } from 'node:child_process';
import { chownSync, lchownSync, readdirSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureError } from './errors.js';
import { loadBinding } from './native.js';

export type DropPrivilegesResult =
  | { readonly dropped: true; readonly user: string; readonly uid: number; readonly gid: number }
  | { readonly dropped: false; readonly reason: string; readonly uid: number; readonly gid: number };

/**
 * Becomes `user` (supplementary groups, gid, then uid) for the rest of the process. Call it after
 * every LiveCapture.open(): the open capture sockets keep working, new ones cannot be opened. When
 * the process is not root there is nothing to drop: returns dropped=false with the reason. Throws
 * TCPLENS_ERR_CAPTURE_PRIVILEGE_DROP when root cannot become the user (unknown user, failed call).
 */
export function dropPrivileges(user: string): DropPrivilegesResult {
  const uid = process.geteuid?.() ?? -1;
  const gid = process.getegid?.() ?? -1;
  if (uid !== 0) {
    const reason = uid === -1 ? 'not supported on this platform' : `not running as root (uid ${uid}): nothing to drop`;
    return { dropped: false, reason, uid, gid };
  }
  try {
    const r = loadBinding().dropPrivileges(user);
    return { dropped: true, user, uid: r.uid, gid: r.gid };
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    throw new CaptureError('TCPLENS_ERR_CAPTURE_PRIVILEGE_DROP', { user, reason: (err as Error).message }, { cause: err });
  }
}

export interface BecomeUserResult {
  /** False when there was nothing to drop (not root, or user 'none'); `reason` says why. */
  readonly dropped: boolean;
  readonly reason?: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * What a capturing process does once its interfaces are open: hands the directories it must keep
 * writing to `user` (owner changed: the directory and its entries, or the whole tree when
 * `recursive`), becomes that user (dropPrivileges), then checks that each directory is writable
 * by creating and removing a probe file, so an unreachable directory fails now rather than at the
 * first write. `user` 'none', or a process that is not root: nothing changes. Every failure throws
 * TCPLENS_ERR_CAPTURE_PRIVILEGE_DROP naming the user and the reason; before the drop nothing has
 * changed but owners.
 */
export function becomeUser(user: string, dirs: readonly { path: string; recursive: boolean; what: string }[]): BecomeUserResult {
  const euid = process.geteuid?.() ?? -1;
  const egid = process.getegid?.() ?? -1;
  if (user === 'none') return { dropped: false, reason: '--user none', uid: euid, gid: egid };
  if (euid !== 0) return { dropped: false, reason: `not running as root (uid ${euid}): no privileges to drop`, uid: euid, gid: egid };
  const fail = (reason: string, cause?: unknown): never => {
    throw new CaptureError('TCPLENS_ERR_CAPTURE_PRIVILEGE_DROP', { user, reason }, cause === undefined ? undefined : { cause });
  };
  let uid = -1;
  let gid = -1;
  try {
    uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
    gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
  } catch (err) {
    fail(`no such user (${String((err as { stderr?: string }).stderr ?? (err as Error).message).trim()})`, err);
  }
  const roots: string[] = [];
  for (const d of dirs) {
    try {
      // A symlinked directory is handed over where it points; inside it, links are never followed
      // (their own owner changes, not their target's: chdb's stores are full of links).
      const root = realpathSync(d.path);
      chownSync(root, uid, gid);
      handOver(root, uid, gid, d.recursive);
      roots.push(root);
    } catch (err) {
      fail(`cannot hand the ${d.what} ${d.path} to it: ${(err as Error).message}`, err);
    }
  }
  const r = dropPrivileges(user);
  for (const [i, d] of dirs.entries()) {
    const probe = join(roots[i]!, `.tcplens-probe-${process.pid}`);
    try {
      writeFileSync(probe, '');
      unlinkSync(probe);
    } catch (err) {
      fail(`the ${d.what} ${d.path} is not writable as ${user} (uid ${uid}): ${(err as Error).message}; ` +
        'give a directory that user can reach (every parent searchable), or --user none', err);
    }
  }
  return { dropped: true, uid: r.uid, gid: r.gid };
}

/** The entries of dir (the whole tree when recursive), owner changed without following links. */
function handOver(dir: string, uid: number, gid: number, recursive: boolean): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    try {
      lchownSync(p, uid, gid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // gone meanwhile: nothing to own
      throw err;
    }
    if (recursive && e.isDirectory()) handOver(p, uid, gid, true); // a Dirent of a link is not a directory
  }
}
