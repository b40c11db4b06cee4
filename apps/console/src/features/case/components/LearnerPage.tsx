import { useParams } from 'react-router';
import { ErrorState, Loading } from '../../../components/ErrorState';
import type { OutcomeDialogComponent } from '../../../components/task-dialogs';
import { useCase, useLearnerTasks, useOpenCaseOf } from '../api/case';
import { LearnerCaseView } from './LearnerCaseView';

/** A learner found by search: the same view as a case, with their open case if they have one. */
export function LearnerPage({ OutcomeDialog }: { OutcomeDialog: OutcomeDialogComponent }) {
  const { learnerId = '' } = useParams();
  const openCase = useOpenCaseOf(learnerId);
  const detail = useCase(openCase.data?.id ?? '');
  const tasks = useLearnerTasks(learnerId);
  const waiting = openCase.isPending || (openCase.data && detail.isPending) || tasks.isPending;
  return (
    <section className="page" aria-labelledby="case-title">
      {waiting && <Loading />}
      {openCase.isError && <ErrorState error={openCase.error} retry={() => openCase.refetch()} />}
      {!waiting && !openCase.isError && (
        <LearnerCaseView
          learnerId={learnerId}
          theCase={openCase.data ? (detail.data ?? null) : null}
          tasks={openCase.data && detail.data ? detail.data.tasks : (tasks.data?.items ?? [])}
          OutcomeDialog={OutcomeDialog}
        />
      )}
    </section>
  );
}
