import { config } from '../../config';
import { pageContainer } from '../ui/styles';

export function SiteFooter() {
  return (
    <footer className="border-t border-aurum-100 bg-white text-sm text-ink-muted">
      <div className={`${pageContainer} flex flex-col gap-2 py-6`}>
        <p>
          Estimates are a guide, not a quote: an installer confirms the price after surveying your
          home.
        </p>
        <p>
          © {new Date().getFullYear()} {config.appName}
          {config.environment !== 'production' && (
            <span className="ml-2 rounded bg-aurum-100 px-1.5 py-0.5 text-xs font-medium text-aurum-900">
              {config.environment}
            </span>
          )}
        </p>
      </div>
    </footer>
  );
}
