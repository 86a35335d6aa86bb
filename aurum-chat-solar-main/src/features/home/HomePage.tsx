import { AdvisorSection } from '../advisor/AdvisorSection';
import { Hero } from './Hero';
import { HowItWorks } from './HowItWorks';

export function HomePage() {
  return (
    <>
      <Hero />
      <AdvisorSection />
      <HowItWorks />
    </>
  );
}
