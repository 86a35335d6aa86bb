import { LeadFormPage } from '../features/lead-form/LeadFormPage';
import { useDocumentTitle } from '../lib/use-document-title';

export default function GetQuoteRoute() {
  useDocumentTitle('Get solar quotes');
  return <LeadFormPage />;
}
