import { pageContainer } from '../../components/ui/styles';

const steps = [
  {
    title: 'Tell us about your home',
    body: 'Your ZIP code, whether you own the home, your typical monthly electricity bill, your roof and how much shade it gets.',
  },
  {
    title: 'See your estimate',
    body: 'A system size, yearly production, cost and savings worked out for your location and your bill. It is an estimate, not a quote.',
  },
  {
    title: 'Decide what happens next',
    body: 'If you want quotes, you agree to be contacted and we pass your request to installers who serve your area. If not, nobody calls.',
  },
];

export function HowItWorks() {
  return (
    <section id="how-it-works" aria-labelledby="how-it-works-heading" className="py-12 sm:py-16">
      <div className={pageContainer}>
        <h2 id="how-it-works-heading" className="text-2xl font-bold sm:text-3xl">
          How it works
        </h2>
        <ol className="mt-8 grid gap-6 sm:grid-cols-3">
          {steps.map((step, index) => (
            <li key={step.title} className="rounded-xl border border-aurum-100 bg-white p-5">
              <span
                aria-hidden="true"
                className="flex size-9 items-center justify-center rounded-full bg-aurum-400 font-bold text-ink"
              >
                {index + 1}
              </span>
              <h3 className="mt-4 text-lg font-semibold">{step.title}</h3>
              <p className="mt-2 text-ink-muted">{step.body}</p>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
