import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { useSession } from '../../../app/auth';
import { Field } from '../../../components/Field';
import { LanguageSwitch } from '../../../components/LanguageSwitch';
import { useI18n } from '../../../i18n/i18n';
import { useLogin } from '../api/login';

/** Only paths inside the console, so a crafted ?next= cannot send anyone elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const { t, a11y } = useI18n();
  const [params] = useSearchParams();
  const current = useSession();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  if (current) return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };
  const error = login.error;
  let message: string | undefined;
  if (error instanceof ApiError) {
    if (error.status === 401) message = t('signIn.error.credentials');
    else if (error.status === 429) message = t('signIn.error.throttled', { seconds: error.retryAfterSeconds ?? 60 });
    else if (error.status === 400) message = t('signIn.error.input');
    else if (error.status === 0) message = t('error.network.body');
    else message = t('error.server.body');
  } else if (error) message = t('error.server.body');

  return (
    <main id="main" className="signin">
      <div className="signin-card">
        <div className="signin-head">
          <span className="brand">
            <span className="brand-mark" aria-hidden="true" />
            careloop
          </span>
          <LanguageSwitch />
        </div>
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.subtitle')}</p>
        {params.get('reason') === 'expired' && (
          <p className="notice" role="status">
            {t('signIn.expired')}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <Field label={t('signIn.email')} accessibleName="Email">
            <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
          </Field>
          <Field label={t('signIn.password')} accessibleName="Password">
            <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          {message && (
            <p className="form-error" role="alert">
              {message}
            </p>
          )}
          <button type="submit" className="primary" aria-label={a11y(t('signIn.submit'), 'Sign in')} disabled={login.isPending || !email || !password}>
            {login.isPending ? t('signIn.pending') : t('signIn.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
