/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Origin of the API; default `http://localhost:8000` when unset or empty. */
  readonly VITE_API_URL?: string;
  /** Brand shown in the header and page titles; default "Aurum Solar". */
  readonly VITE_APP_NAME?: string;
  /** development | test | staging | production; default "development". */
  readonly VITE_ENVIRONMENT?: string;
  /** Contact address on the privacy page; default "privacy@aurumsolar.example". */
  readonly VITE_PRIVACY_EMAIL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
