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
