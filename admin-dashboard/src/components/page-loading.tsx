/** Placeholder while a page's code loads on first visit. */
export function PageLoading() {
  return (
    <p role="status" className="text-sm text-muted-foreground">
      Loading…
    </p>
  );
}
