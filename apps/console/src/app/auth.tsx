import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { session, type Session } from '../api/session';

let snapshot: Session | null = session.current();
session.subscribe((s) => {
  snapshot = s;
});

/** The signed-in staff member (null when signed out), re-rendering on sign-in, sign-out and expiry. */
export function useSession(): Session | null {
  return useSyncExternalStore(
    (onChange) => session.subscribe(onChange),
    () => snapshot,
  );
}

/** Where to send a person back after signing in: the page they were on, inside the console. */
export function signInPath(pathname: string, search: string, reason?: string): string {
  const next = `${pathname}${search}`;
  const params = new URLSearchParams();
  if (next && next !== '/' && !next.startsWith('/sign-in')) params.set('next', next);
  if (reason) params.set('reason', reason);
  const qs = params.toString();
  return `/sign-in${qs ? `?${qs}` : ''}`;
}

/**
 * Pages behind sign-in. Without a session (never signed in, or the token expired or was refused mid-work), go to
 * sign-in and come back to this page after; signing out goes to a plain sign-in page.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  useEffect(() => session.resume(), []);
  if (!current) {
    const reason = session.endReason();
    const to = reason === 'signed_out' ? '/sign-in' : signInPath(location.pathname, location.search, reason);
    return <Navigate to={to} replace />;
  }
  return <>{children}</>;
}
