/**
 * Parses the public site's build-time settings. Pure, so `vite.config.ts` can reject a
 * bad value while building and the app can read the same values at run time.
 */

export const ENVIRONMENTS = ['development', 'test', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface AppConfig {
  /** Origin of the Aurum Solar API, without a trailing slash. */
  readonly apiUrl: string;
  readonly appName: string;
  readonly environment: Environment;
  /** Where homeowners write to see, correct or erase their data (the privacy page). */
  readonly privacyEmail: string;
}

export interface RawEnv {
  readonly VITE_API_URL?: string | undefined;
  readonly VITE_APP_NAME?: string | undefined;
  readonly VITE_ENVIRONMENT?: string | undefined;
  readonly VITE_PRIVACY_EMAIL?: string | undefined;
}

export const DEFAULT_CONFIG: AppConfig = {
  apiUrl: 'http://localhost:8000',
  appName: 'Aurum Solar',
  environment: 'development',
  privacyEmail: 'privacy@aurumsolar.example',
};

/** One address, no spaces, something@domain.tld: enough to refuse a typo at build time. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An unset, empty or blank variable means "use the default". */
function valueOrDefault(value: string | undefined, fallback: string): string {
  const trimmed = value?.trim();
  return trimmed ? trimmed : fallback;
}

/** An absolute http(s) URL, or a same-origin path for a site served behind the API's proxy. */
function isHttpUrlOrPath(value: string): boolean {
  if (value === '' || value.startsWith('/')) return !value.startsWith('//');
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

export function readConfig(env: RawEnv): AppConfig {
  const apiUrl = valueOrDefault(env.VITE_API_URL, DEFAULT_CONFIG.apiUrl).replace(/\/+$/, '');
  if (!isHttpUrlOrPath(apiUrl)) {
    throw new Error(
      `VITE_API_URL must be an http(s) URL such as http://localhost:8000 or a path such as /api, got "${apiUrl}".`,
    );
  }

  const environment = valueOrDefault(env.VITE_ENVIRONMENT, DEFAULT_CONFIG.environment);
  if (!isEnvironment(environment)) {
    throw new Error(
      `VITE_ENVIRONMENT must be one of ${ENVIRONMENTS.join(', ')}, got "${environment}".`,
    );
  }

  const privacyEmail = valueOrDefault(env.VITE_PRIVACY_EMAIL, DEFAULT_CONFIG.privacyEmail);
  if (!EMAIL_SHAPE.test(privacyEmail)) {
    throw new Error(
      `VITE_PRIVACY_EMAIL must be an email address such as privacy@example.com, got "${privacyEmail}".`,
    );
  }

  return {
    apiUrl,
    appName: valueOrDefault(env.VITE_APP_NAME, DEFAULT_CONFIG.appName),
    environment,
    privacyEmail,
  };
}
