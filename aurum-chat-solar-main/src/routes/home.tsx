import { HomePage } from '../features/home/HomePage';
import { useDocumentTitle } from '../lib/use-document-title';

export default function HomeRoute() {
  useDocumentTitle();
  return <HomePage />;
}
