import { ServiceStatus } from '../service-status/ServiceStatus';

/**
 * The interactive part of the advisor section, loaded after the page's first render so
 * its code (API client, queries, and later the chat) stays out of the initial bundle.
 */
export default function AdvisorPanel() {
  return <ServiceStatus />;
}
