/**
 * Which chat this browser is in, so a reload resumes it. Only the id and the token are
 * kept; the transcript stays on the server. Storage that is full, disabled or blocked
 * (private windows, strict privacy settings) just means no resume, never a crash.
 */

export interface StoredConversation {
  id: string;
  token: string;
}

export const CONVERSATION_STORAGE_KEY = 'aurum.advisor.conversation';

export function readStoredConversation(): StoredConversation | null {
  try {
    const raw = localStorage.getItem(CONVERSATION_STORAGE_KEY);
    if (!raw) return null;
    const value: unknown = JSON.parse(raw);
    if (
      typeof value === 'object' &&
      value !== null &&
      'id' in value &&
      'token' in value &&
      typeof value.id === 'string' &&
      typeof value.token === 'string'
    ) {
      return { id: value.id, token: value.token };
    }
  } catch {
    // Unreadable storage or a damaged value: start afresh.
  }
  return null;
}

export function storeConversation(conversation: StoredConversation): void {
  try {
    localStorage.setItem(
      CONVERSATION_STORAGE_KEY,
      JSON.stringify({ id: conversation.id, token: conversation.token }),
    );
  } catch {
    // Without storage the chat still works; it just cannot resume after a reload.
  }
}

export function clearStoredConversation(): void {
  try {
    localStorage.removeItem(CONVERSATION_STORAGE_KEY);
  } catch {
    // Nothing to clear.
  }
}
