import { useParams } from 'react-router';
import { ErrorState, Loading } from '../../../components/ErrorState';
import type { OutcomeDialogComponent } from '../../../components/task-dialogs';
import { useCase } from '../api/case';
import { LearnerCaseView } from './LearnerCaseView';

export function CasePage({ OutcomeDialog }: { OutcomeDialog: OutcomeDialogComponent }) {
  const { caseId = '' } = useParams();
  const theCase = useCase(caseId);
  return (
    <section className="page" aria-labelledby="case-title">
      {theCase.isPending && <Loading />}
      {theCase.isError && <ErrorState error={theCase.error} retry={() => theCase.refetch()} notFoundKey="case.notVisible" />}
      {theCase.data && <LearnerCaseView learnerId={theCase.data.learnerId} theCase={theCase.data} tasks={theCase.data.tasks} OutcomeDialog={OutcomeDialog} />}
    </section>
  );
}
