import { pageContainer, primaryAction, secondaryAction } from '../../components/ui/styles';

export function Hero() {
  return (
    <section
      aria-labelledby="hero-heading"
      className="bg-gradient-to-b from-aurum-100 to-canvas pt-14 pb-12 sm:pt-20 sm:pb-16"
    >
      <div className={pageContainer}>
        <h1
          id="hero-heading"
          className="max-w-3xl text-4xl font-bold tracking-tight text-balance text-ink sm:text-5xl"
        >
          Find out what solar would save you
        </h1>
        <p className="mt-5 max-w-2xl text-lg text-ink-muted">
          Tell our solar advisor about your home and your electricity bill. It estimates the system
          your roof could take, what it would cost and what it could save. Whether any installer
          contacts you is up to you.
        </p>
        <div className="mt-8 flex flex-col gap-3 sm:flex-row">
          <a href="#advisor" className={primaryAction}>
            Meet the solar advisor
          </a>
          <a href="#how-it-works" className={secondaryAction}>
            See how it works
          </a>
        </div>
      </div>
    </section>
  );
}
