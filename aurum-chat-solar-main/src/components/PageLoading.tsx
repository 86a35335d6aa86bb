import { pageContainer } from './ui/styles';

export function PageLoading() {
  return (
    <p role="status" className={`${pageContainer} py-16 text-ink-muted`}>
      Loading…
    </p>
  );
}
