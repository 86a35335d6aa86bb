import { NotFoundPage } from '../features/not-found/NotFoundPage';
import { useDocumentTitle } from '../lib/use-document-title';

export default function NotFoundRoute() {
  useDocumentTitle('Page not found');
  return <NotFoundPage />;
}
