import { Link, useLocation } from 'wouter';

import { config } from '../../config';
import { pageContainer } from '../ui/styles';

function SunMark() {
  return (
    <svg viewBox="0 0 64 64" aria-hidden="true" focusable="false" className="size-8 shrink-0">
      <rect width="64" height="64" rx="14" fill="#3a1f08" />
      <path
        d="M32 8v7M32 49v7M8 32h7M49 32h7M15 15l5 5M44 44l5 5M15 49l5-5M44 20l5-5"
        stroke="#e6b431"
        strokeWidth="4"
        strokeLinecap="round"
      />
      <circle cx="32" cy="32" r="11" fill="#e6b431" />
    </svg>
  );
}

const navLink = 'inline-block rounded py-2 text-ink-muted hover:text-aurum-800';

// In-page sections of the home page; from another page they load the home page first.
const sections = [
  { href: '/#advisor', label: 'Solar advisor' },
  { href: '/#how-it-works', label: 'How it works' },
];

export function SiteHeader() {
  const [location] = useLocation();

  return (
    <header className="border-b border-aurum-100 bg-white">
      <div
        className={`${pageContainer} flex flex-wrap items-center justify-between gap-x-6 gap-y-2 py-3`}
      >
        <Link href="/" className="flex items-center gap-2 rounded-md text-lg font-bold text-ink">
          <SunMark />
          {config.appName}
        </Link>
        <nav aria-label="Main">
          <ul className="flex gap-4 text-sm font-medium sm:gap-6">
            {sections.map((section) => (
              <li key={section.href}>
                <a href={section.href} className={navLink}>
                  {section.label}
                </a>
              </li>
            ))}
            <li>
              <Link
                href="/get-quote"
                className={navLink}
                aria-current={location === '/get-quote' ? 'page' : undefined}
              >
                Quote form
              </Link>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}
