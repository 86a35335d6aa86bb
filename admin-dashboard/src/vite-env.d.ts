/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the Aurum API. Default `http://localhost:8000`. */
  readonly VITE_API_URL?: string;
  /** Product name shown in the top bar and page titles. Default `Aurum Solar`. */
  readonly VITE_APP_NAME?: string;
  /** Deployment name shown as a badge, e.g. `development`, `staging`, `production`. */
  readonly VITE_ENVIRONMENT?: string;
  /** This dashboard's own public base URL, for absolute links (login return path). Default `http://localhost:3002`. */
  readonly VITE_ADMIN_DASHBOARD?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
