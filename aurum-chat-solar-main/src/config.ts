import { readConfig } from './read-config';

export type { AppConfig, Environment } from './read-config';

/** Settings baked in at build time from `VITE_*` variables (the repository's `.env`). */
export const config = readConfig(import.meta.env);
