import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, readConfig } from './read-config';

describe('readConfig', () => {
  it('falls back to the defaults when nothing is set', () => {
    expect(readConfig({})).toEqual({
      apiUrl: 'http://localhost:8000',
      appName: 'Aurum Solar',
      environment: 'development',
      privacyEmail: 'privacy@aurumsolar.example',
    });
  });

  it.each(['', '   '])('treats %j as unset', (blank) => {
    expect(
      readConfig({
        VITE_API_URL: blank,
        VITE_APP_NAME: blank,
        VITE_ENVIRONMENT: blank,
        VITE_PRIVACY_EMAIL: blank,
      }),
    ).toEqual(DEFAULT_CONFIG);
  });

  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    [' http://127.0.0.1:8000// ', 'http://127.0.0.1:8000'],
    ['/api', '/api'],
    ['/', ''],
  ])('reads VITE_API_URL %j as %j', (raw, apiUrl) => {
    expect(readConfig({ VITE_API_URL: raw }).apiUrl).toBe(apiUrl);
  });

  it('reads the app name and environment', () => {
    expect(
      readConfig({ VITE_APP_NAME: 'Aurum Solar Staging', VITE_ENVIRONMENT: 'staging' }),
    ).toMatchObject({
      appName: 'Aurum Solar Staging',
      environment: 'staging',
    });
  });

  it.each(['localhost:8000', 'ftp://files.example.com', '//api.example.com', 'not a url'])(
    'rejects VITE_API_URL %j',
    (raw) => {
      expect(() => readConfig({ VITE_API_URL: raw })).toThrow(/VITE_API_URL/);
    },
  );

  it('rejects an unknown VITE_ENVIRONMENT', () => {
    expect(() => readConfig({ VITE_ENVIRONMENT: 'prod' })).toThrow(
      'VITE_ENVIRONMENT must be one of development, test, staging, production, got "prod".',
    );
  });

  it('reads the privacy contact address and refuses one that is not an address', () => {
    expect(readConfig({ VITE_PRIVACY_EMAIL: ' privacy@example.com ' }).privacyEmail).toBe(
      'privacy@example.com',
    );
    expect(() => readConfig({ VITE_PRIVACY_EMAIL: 'privacy at example.com' })).toThrow(
      /VITE_PRIVACY_EMAIL/,
    );
  });
});
