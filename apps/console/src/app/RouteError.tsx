import { Link, useRouteError } from 'react-router';
import { ErrorState } from '../components/ErrorState';
import { useI18n } from '../i18n/i18n';

/** A page that failed to render: say so in words and offer a way on, never a blank page. */
export function RouteError() {
  const error = useRouteError();
  return (
    <main id="main" className="page">
      <ErrorState error={error} retry={() => window.location.reload()} />
    </main>
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <section className="page" aria-labelledby="nf-title">
      <h1 id="nf-title">{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/queue">{t('notFound.back')}</Link>
      </p>
    </section>
  );
}
