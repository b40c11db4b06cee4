import { useState, type FormEvent } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { session } from '../api/session';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n/i18n';
import { useSession } from './auth';

export function Layout() {
  const { t, fmt } = useI18n();
  const current = useSession();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const search = (e: FormEvent) => {
    e.preventDefault();
    const term = q.trim();
    navigate(term ? `/learners?q=${encodeURIComponent(term)}` : '/learners');
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="topbar">
        <span className="brand" aria-label="careloop">
          <span className="brand-mark" aria-hidden="true" />
          careloop
        </span>
        <nav aria-label={t('layout.nav')}>
          <NavLink to="/queue">{t('layout.nav.queue')}</NavLink>
          {current && current.staff.role !== 'advisor' && (
            <>
              <NavLink to="/board" end>
                {t('layout.nav.board')}
              </NavLink>
              <NavLink to="/board/cases">{t('layout.nav.cases')}</NavLink>
              <NavLink to="/analytics">{t('layout.nav.analytics')}</NavLink>
              <NavLink to="/risk-model">{t('layout.nav.risk')}</NavLink>
            </>
          )}
          <NavLink to="/tickets">{t('layout.nav.tickets')}</NavLink>
          <NavLink to="/learners">{t('layout.nav.learners')}</NavLink>
          {current?.staff.role === 'admin' && (
            <>
              <NavLink to="/admin/rules">{t('layout.nav.rules')}</NavLink>
              <NavLink to="/admin/people">{t('layout.nav.people')}</NavLink>
              <NavLink to="/admin/calendars">{t('layout.nav.calendars')}</NavLink>
              <NavLink to="/admin/api-keys">{t('layout.nav.keys')}</NavLink>
              <NavLink to="/admin/webhooks">{t('layout.nav.webhooks')}</NavLink>
            </>
          )}
        </nav>
        <form role="search" className="topbar-search" onSubmit={search}>
          <label htmlFor="global-search" className="visually-hidden">
            {t('layout.search.label')}
          </label>
          <input id="global-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('layout.search.placeholder')} />
        </form>
        <div className="topbar-end">
          <span className="zone" title={t('layout.zone.title')}>
            {fmt.zoneLabel}
          </span>
          <LanguageSwitch />
          {current && (
            <span className="who">
              {current.staff.name} · {t(`role.${current.staff.role}`)}
            </span>
          )}
          <button type="button" className="link-button" onClick={() => session.expire('signed_out')}>
            {t('layout.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
