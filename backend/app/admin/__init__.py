"""The admin side: sign-in and sessions, users, the audit log, leads and conversations."""
