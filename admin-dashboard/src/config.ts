/**
 * Build-time settings. Vite inlines `import.meta.env.VITE_*` when it builds, so a change
 * needs a rebuild; an unset or blank value falls back to the local-development default.
 */

export interface AppConfig {
  /** Aurum API base URL, without a trailing slash. */
  readonly apiUrl: string;
  readonly appName: string;
  readonly environment: string;
  /** This dashboard's public base URL, without a trailing slash. */
  readonly adminDashboardUrl: string;
}

type EnvSource = Partial<Record<keyof ImportMetaEnv, string | undefined>>;

export const DEFAULTS: AppConfig = {
  apiUrl: "http://localhost:8000",
  appName: "Aurum Solar",
  environment: "development",
  adminDashboardUrl: "http://localhost:3002",
};

function valueOr(value: string | undefined, fallback: string): string {
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? fallback : trimmed;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export function readConfig(env: EnvSource): AppConfig {
  return {
    apiUrl: withoutTrailingSlash(valueOr(env.VITE_API_URL, DEFAULTS.apiUrl)),
    appName: valueOr(env.VITE_APP_NAME, DEFAULTS.appName),
    environment: valueOr(env.VITE_ENVIRONMENT, DEFAULTS.environment),
    adminDashboardUrl: withoutTrailingSlash(
      valueOr(env.VITE_ADMIN_DASHBOARD, DEFAULTS.adminDashboardUrl),
    ),
  };
}

export const config: AppConfig = readConfig(import.meta.env);

/**
 * Absolute URL of a page of this dashboard, for links that leave the app and come back
 * (e.g. the login return path): `dashboardUrl("/leads?page=2")`.
 */
export function dashboardUrl(path: string, base: string = config.adminDashboardUrl): string {
  // Resolved relative to the base so a dashboard served under a sub-path keeps it.
  return new URL(path.replace(/^\/+/, ""), `${base}/`).toString();
}
