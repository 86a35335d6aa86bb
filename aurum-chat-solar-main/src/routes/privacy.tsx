import { PrivacyPage } from '../features/legal/PrivacyPage';
import { useDocumentTitle } from '../lib/use-document-title';

export default function PrivacyRoute() {
  useDocumentTitle('Privacy policy');
  return <PrivacyPage />;
}
