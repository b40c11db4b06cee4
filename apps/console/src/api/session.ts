import type { components } from './schema';

export type StaffView = components['schemas']['StaffViewDto'];

export interface Session {
  accessToken: string;
  /** epoch ms */
  expiresAt: number;
  staff: StaffView;
}

export type EndReason = 'expired' | 'signed_out';

const KEY = 'careloop.session';
type Listener = (s: Session | null, reason?: EndReason) => void;
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setTimeout> | undefined;
let endedBecause: EndReason | undefined;

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.accessToken === 'string' && typeof s.expiresAt === 'number' ? s : null;
  } catch {
    return null;
  }
}

function arm(s: Session | null) {
  clearTimeout(timer);
  if (s) timer = setTimeout(() => session.expire('expired'), Math.max(0, s.expiresAt - Date.now()));
}

/**
 * The signed-in staff member, kept for this browser tab (sessionStorage: a new tab signs in again, a reload does
 * not). The token's expiry ends the session at that moment; any 401 from the API ends it too.
 */
export const session = {
  current(): Session | null {
    const s = read();
    if (s && s.expiresAt <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return s;
  },
  token(): string | undefined {
    return this.current()?.accessToken;
  },
  start(s: Session) {
    endedBecause = undefined;
    sessionStorage.setItem(KEY, JSON.stringify(s));
    arm(s);
    listeners.forEach((l) => l(s));
  },
  update(staff: StaffView) {
    const s = read();
    if (s) sessionStorage.setItem(KEY, JSON.stringify({ ...s, staff }));
  },
  expire(reason: EndReason) {
    if (!read()) return;
    endedBecause = reason;
    sessionStorage.removeItem(KEY);
    arm(null);
    listeners.forEach((l) => l(null, reason));
  },
  /** Why the last session of this page ended (undefined: it never started, or a new one did). */
  endReason(): EndReason | undefined {
    return endedBecause;
  },
  subscribe(l: Listener): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
  /** Re-arms the expiry timer after a page load. */
  resume() {
    arm(this.current());
  },
};
