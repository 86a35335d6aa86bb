import { AdvisorSection } from '../advisor/AdvisorSection';
import { HowItWorks } from './HowItWorks';

export function HomePage() {
  return (
    <>
      <AdvisorSection />
      <HowItWorks />
    </>
  );
}
