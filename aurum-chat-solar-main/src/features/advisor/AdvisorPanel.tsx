import { Chat } from './components/Chat';

/**
 * The chat with the solar advisor, loaded after the page's first render so its code
 * (API client, streaming, estimate card) stays out of the initial bundle.
 */
export default function AdvisorPanel() {
  return <Chat />;
}
