import { createBrowserRouter, Navigate } from 'react-router';
import { CasePage } from '../features/case/components/CasePage';
import { LearnerPage } from '../features/case/components/LearnerPage';
import { SignInPage } from '../features/auth/components/SignInPage';
import { LearnerSearchPage } from '../features/learners/components/LearnerSearchPage';
import { OutcomeDialog } from '../features/outcome/components/OutcomeDialog';
import { RescheduleDialog } from '../features/outcome/components/RescheduleDialog';
import { QueuePage } from '../features/queue/components/QueuePage';
import { RequireAuth } from './auth';
import { Layout } from './Layout';
import { NotFoundPage, RouteError } from './RouteError';

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
        { index: true, element: <Navigate to="/queue" replace /> },
        { path: 'queue', element: <QueuePage OutcomeDialog={OutcomeDialog} RescheduleDialog={RescheduleDialog} /> },
        { path: 'cases/:caseId', element: <CasePage OutcomeDialog={OutcomeDialog} /> },
        { path: 'learners', element: <LearnerSearchPage /> },
        { path: 'learners/:learnerId', element: <LearnerPage OutcomeDialog={OutcomeDialog} /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: '/console' },
);
