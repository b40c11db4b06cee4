import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Loading } from '../components/ErrorState';
import { SignInPage } from '../features/auth/components/SignInPage';
import { OutcomeDialog } from '../features/outcome/components/OutcomeDialog';
import { RescheduleDialog } from '../features/outcome/components/RescheduleDialog';
import { QueuePage } from '../features/queue/components/QueuePage';
import { RequireAuth, useSession } from './auth';
import { Layout } from './Layout';
import { NotFoundPage, RouteError } from './RouteError';

// The queue and sign-in ship in the first script; the other pages load when first opened.
const CasePage = lazy(() => import('../features/case/components/CasePage').then((m) => ({ default: m.CasePage })));
const LearnerPage = lazy(() => import('../features/case/components/LearnerPage').then((m) => ({ default: m.LearnerPage })));
const LearnerSearchPage = lazy(() => import('../features/learners/components/LearnerSearchPage').then((m) => ({ default: m.LearnerSearchPage })));
const BulkCasesPage = lazy(() => import('../features/board/components/BulkCasesPage').then((m) => ({ default: m.BulkCasesPage })));
const PeoplePage = lazy(() => import('../features/admin/components/PeoplePage').then((m) => ({ default: m.PeoplePage })));
const PersonPage = lazy(() => import('../features/admin/components/PersonPage').then((m) => ({ default: m.PersonPage })));
const WebhooksPage = lazy(() => import('../features/admin/components/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const ApiKeysPage = lazy(() => import('../features/admin/components/ApiKeysPage').then((m) => ({ default: m.ApiKeysPage })));
const CalendarsPage = lazy(() => import('../features/admin/components/CalendarsPage').then((m) => ({ default: m.CalendarsPage })));
const CalendarPage = lazy(() => import('../features/admin/components/CalendarPage').then((m) => ({ default: m.CalendarPage })));
const BulkTasksPage = lazy(() => import('../features/board/components/BulkTasksPage').then((m) => ({ default: m.BulkTasksPage })));
const TicketsPage = lazy(() => import('../features/tickets/components/TicketsPage').then((m) => ({ default: m.TicketsPage })));
const TicketPage = lazy(() => import('../features/tickets/components/TicketPage').then((m) => ({ default: m.TicketPage })));
const BoardPage = lazy(() => import('../features/board/components/BoardPage').then((m) => ({ default: m.BoardPage })));
const RetentionPage = lazy(() => import('../features/analytics/components/RetentionPage').then((m) => ({ default: m.RetentionPage })));
const FirstWeekPage = lazy(() => import('../features/analytics/components/FirstWeekPage').then((m) => ({ default: m.FirstWeekPage })));
const RuleQualityPage = lazy(() => import('../features/analytics/components/RuleQualityPage').then((m) => ({ default: m.RuleQualityPage })));
const ChurnReasonsPage = lazy(() => import('../features/analytics/components/ChurnReasonsPage').then((m) => ({ default: m.ChurnReasonsPage })));
const AdvisorsReportPage = lazy(() => import('../features/analytics/components/AdvisorsReportPage').then((m) => ({ default: m.AdvisorsReportPage })));
const TicketsReportPage = lazy(() => import('../features/analytics/components/TicketsReportPage').then((m) => ({ default: m.TicketsReportPage })));
const RiskModelPage = lazy(() => import('../features/risk/components/RiskModelPage').then((m) => ({ default: m.RiskModelPage })));
const RulesPage = lazy(() => import('../features/rules/components/RulesPage').then((m) => ({ default: m.RulesPage })));
const RulePage = lazy(() => import('../features/rules/components/RulePage').then((m) => ({ default: m.RulePage })));
const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

/** Advisors start their day on their queue; supervisors and admins on the team board. */
function Landing() {
  const current = useSession();
  return <Navigate to={current?.staff.role === 'advisor' ? '/queue' : '/board'} replace />;
}

/** The console's pages under /console. Features never import each other: the dialogs are composed in here. */
export const router = createBrowserRouter(
  [
    { path: '/sign-in', element: <SignInPage />, errorElement: <RouteError /> },
    {
      path: '/',
      element: (
        <RequireAuth>
          <Layout />
        </RequireAuth>
      ),
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Landing /> },
        { path: 'board', element: page(<BoardPage />) },
        { path: 'queue', element: <QueuePage OutcomeDialog={OutcomeDialog} RescheduleDialog={RescheduleDialog} /> },
        { path: 'cases/:caseId', element: page(<CasePage OutcomeDialog={OutcomeDialog} />) },
        { path: 'learners', element: page(<LearnerSearchPage />) },
        { path: 'board/cases', element: page(<BulkCasesPage />) },
        { path: 'board/tasks', element: page(<BulkTasksPage />) },
        { path: 'admin/rules', element: page(<RulesPage />) },
        { path: 'admin/rules/:ruleKey', element: page(<RulePage />) },
        { path: 'admin/people', element: page(<PeoplePage />) },
        { path: 'admin/people/:staffId', element: page(<PersonPage />) },
        { path: 'admin/calendars', element: page(<CalendarsPage />) },
        { path: 'admin/api-keys', element: page(<ApiKeysPage />) },
        { path: 'admin/webhooks', element: page(<WebhooksPage />) },
        { path: 'admin/calendars/:calendarId', element: page(<CalendarPage />) },
        { path: 'analytics', element: <Navigate to="/analytics/retention" replace /> },
        { path: 'analytics/retention', element: page(<RetentionPage />) },
        { path: 'analytics/first-week', element: page(<FirstWeekPage />) },
        { path: 'analytics/rules', element: page(<RuleQualityPage />) },
        { path: 'risk-model', element: page(<RiskModelPage />) },
        { path: 'analytics/churn-reasons', element: page(<ChurnReasonsPage />) },
        { path: 'analytics/advisors', element: page(<AdvisorsReportPage />) },
        { path: 'analytics/tickets', element: page(<TicketsReportPage />) },
        { path: 'tickets', element: page(<TicketsPage />) },
        { path: 'tickets/:ticketId', element: page(<TicketPage />) },
        { path: 'learners/:learnerId', element: page(<LearnerPage OutcomeDialog={OutcomeDialog} />) },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: '/console' },
);
