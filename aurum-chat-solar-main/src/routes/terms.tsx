import { TermsPage } from '../features/legal/TermsPage';
import { useDocumentTitle } from '../lib/use-document-title';

export default function TermsRoute() {
  useDocumentTitle('Terms of use');
  return <TermsPage />;
}
