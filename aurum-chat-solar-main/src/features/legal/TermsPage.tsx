import { Link } from 'wouter';

import { textLink } from '../../components/ui/styles';
import { config } from '../../config';
import { LegalPage } from './LegalPage';
import { LEGAL_UPDATED } from './PrivacyPage';

/** `/terms`: what the service is and is not, in plain words. */
export function TermsPage() {
  const { appName } = config;
  return (
    <LegalPage title="Terms of use" updated={LEGAL_UPDATED}>
      <p>
        These terms cover this website, its solar advisor and its quote form. By using them you
        accept these terms.
      </p>

      <h2>What {appName} does</h2>
      <p>
        {appName} is a matching service. We estimate what solar could do for your home and, if you
        agree, pass your request to solar installers who serve your area. We do not install, sell or
        finance solar systems. Installers are independent businesses; any contract you make is
        between you and them. Installers pay {appName} for each request they receive, and the
        service is free for homeowners.
      </p>

      <h2>Estimates</h2>
      <p>
        An estimate is a guide, not a quote or a promise of savings. It comes from a model using
        your ZIP code&apos;s typical weather, your state&apos;s average electricity prices and
        rules, and the answers you gave; every assumption is listed under &quot;How we calculated
        this&quot; on the estimate. Your roof, your utility&apos;s tariff, prices and incentives can
        differ. An installer confirms the price after surveying your home.
      </p>

      <h2>The advisor</h2>
      <p>
        The advisor is software. It can misunderstand an answer or a question; check the facts it
        reads back before you agree, and ask an installer about anything that matters to your
        decision.
      </p>

      <h2>Your request and consent</h2>
      <ul>
        <li>Send only your own details, for a home you own or have the owner&apos;s say-so for.</li>
        <li>
          Agreeing to be contacted is not a condition of any purchase, and there is no obligation to
          buy. You choose how many installers may contact you; no more receive your request.
        </li>
        <li>
          You can stop contact at any time by replying STOP to a text or asking a caller to stop.
        </li>
      </ul>

      <h2>Fair use</h2>
      <p>
        Do not overload the service, send automated requests or try to reach data that is not yours.
        We limit the number of requests from one connection and may refuse requests that break these
        terms.
      </p>

      <h2>Where we work</h2>
      <p>We serve homes in the 50 US states and the District of Columbia.</p>

      <h2>Changes and contact</h2>
      <p>
        We may update these terms; the date above says when they last changed. How we handle your
        data is described in our{' '}
        <Link href="/privacy" className={textLink}>
          privacy policy
        </Link>
        . Questions:{' '}
        <a href={`mailto:${config.privacyEmail}`} className={textLink}>
          {config.privacyEmail}
        </a>
        .
      </p>
    </LegalPage>
  );
}
