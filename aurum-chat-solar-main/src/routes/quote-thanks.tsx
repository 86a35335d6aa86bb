import { LeadThanksPage } from '../features/lead-form/LeadThanksPage';
import { useDocumentTitle } from '../lib/use-document-title';

export default function QuoteThanksRoute() {
  useDocumentTitle('Your request for quotes');
  return <LeadThanksPage />;
}
