import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
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

/** Pages behind sign-in: without a session, go to sign-in and come back here after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  if (!current) return <Navigate to={signInPath(location.pathname, location.search)} replace />;
  return <>{children}</>;
}

/** When the token expires (or the API answers 401) mid-work, go to sign-in and remember the page. */
export function SessionExpiryRedirect() {
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    session.resume();
    return session.subscribe((s, reason) => {
      if (!s && reason === 'expired') navigate(signInPath(location.pathname, location.search, 'expired'), { replace: true });
      if (!s && reason === 'signed_out') navigate('/sign-in', { replace: true });
    });
  }, [navigate, location.pathname, location.search]);
  return null;
}
