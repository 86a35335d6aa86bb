import { Link } from 'wouter';

import { config } from '../../config';
import { pageContainer, textLink } from '../ui/styles';

export function SiteFooter() {
  return (
    <footer className="border-t border-aurum-100 bg-white text-sm text-ink-muted">
      <div className={`${pageContainer} flex flex-col gap-2 py-6`}>
        <p>
          Estimates are a guide, not a quote: an installer confirms the price after surveying your
          home.
        </p>
        <nav aria-label="Legal">
          <ul className="flex flex-wrap gap-x-6 gap-y-2">
            <li>
              <Link href="/privacy" className={textLink}>
                Privacy policy
              </Link>
            </li>
            <li>
              <Link href="/terms" className={textLink}>
                Terms of use
              </Link>
            </li>
            <li>
              <a href={`mailto:${config.privacyEmail}`} className={textLink}>
                {config.privacyEmail}
              </a>
            </li>
          </ul>
        </nav>
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
