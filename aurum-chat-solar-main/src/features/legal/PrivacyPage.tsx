import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';

import { textLink } from '../../components/ui/styles';
import { config } from '../../config';
import { consentDisclosureQuery } from '../lead-form/lead-api';
import { LegalPage } from './LegalPage';
import { BROWSER_STORAGE } from './storage-keys';

export const LEGAL_UPDATED = 'December 1, 2026';

function MailLink() {
  return (
    <a href={`mailto:${config.privacyEmail}`} className={textLink}>
      {config.privacyEmail}
    </a>
  );
}

/** How many installers a homeowner may agree to, from the API when it answers. */
function useMaxInstallers(): string {
  const disclosure = useQuery(consentDisclosureQuery);
  const most = disclosure.data?.max_buyers;
  if (most === undefined) return 'the number you choose at the consent step';
  return most === 1 ? 'one installer' : `the number you choose, 1 to ${String(most)}`;
}

/**
 * `/privacy`: what the platform does with a homeowner's data, as the code does it (the
 * chat, the form, consent records, selling a lead, the estimate e-mail, retention and
 * erasure, rate limits, the browser storage and the visit statistics).
 */
export function PrivacyPage() {
  const installers = useMaxInstallers();
  const { appName } = config;

  return (
    <LegalPage title="Privacy policy" updated={LEGAL_UPDATED}>
      <p>
        {appName} matches homeowners who want solar with solar installers. This page says what we
        collect when you use this site, why, who receives it, how long we keep it and how to have it
        removed. Questions or requests: <MailLink />.
      </p>

      <h2>What we collect</h2>
      <ul>
        <li>
          <strong>Your answers</strong>, in the chat with the advisor or in the quote form: ZIP
          code, whether you own the home, the type of home, your monthly electricity bill, the roof,
          shade, a rough credit score range (you pick a range; nobody runs a credit check), when you
          would like solar, interest in a battery, and your name, email, phone and, if you give it,
          street address.
        </li>
        <li>
          <strong>The chat itself</strong>: every message you and the advisor write, the estimate it
          showed you, and the campaign tags (utm_source, utm_campaign and the like) of the link you
          arrived by.
        </li>
        <li>
          <strong>Your IP address and browser name</strong> (user agent) when a chat starts and when
          you give consent, kept as proof of that consent.
        </li>
        <li>
          <strong>Your consent</strong>: the exact text you were shown, its version, the time, the
          number of installers you agreed to, and whether you agreed in the chat or the form.
        </li>
        <li>
          <strong>An estimate on its own</strong> (the form's second step, or the chat before you
          give any contact details) needs only your ZIP code, bill and shade. Those figures are used
          to work out the estimate; the form's estimate is not stored until you send the form.
        </li>
        <li>
          <strong>Visit statistics</strong>: which pages were viewed and which steps were reached
          (chat started, estimate shown, contact details given, consent given), the campaign source
          and name from the link, and how fast pages loaded (the Core Web Vitals LCP, INP and CLS).
          These carry a random id for the tab and never your answers, name, email, phone, address or
          the page&apos;s query string. When your browser sends Global Privacy Control or Do Not
          Track, the site sends no statistics at all. The statistics go to our own server; no
          third-party analytics or advertising script runs on this site.
        </li>
      </ul>

      <h2>Who receives your details</h2>
      <p>
        Nobody outside {appName} receives your contact details unless you agree at the consent step.
        When you agree, your request may be sold to solar installers whose service area covers your
        home and who accept requests like yours: either to one installer alone, or shared with at
        most {installers}. Installers pay us for each request; that is how {appName} is paid, and it
        costs you nothing.
      </p>
      <p>
        An installer who buys your request receives your name, email, phone, street address, ZIP
        code, city and state, your answers, the estimate you saw, the score we gave the request, and
        the proof of your consent (its text version, time, IP address and browser). They may contact
        you by phone, text and email as the consent text says.
      </p>
      <p>
        Requests we cannot help (a renter, a bill too small for solar to pay back) are not passed to
        anyone. If you decline consent, your contact details are removed from the chat straight
        away.
      </p>
      <p>
        Companies that run the service for us (hosting, and the e-mail provider that delivers the
        estimate e-mail) process the data only to do that.
      </p>

      <h2>The estimate e-mail</h2>
      <p>
        When you give your email in the chat, we send you one e-mail with your estimate (once per
        chat and address). It is not sent if your details were removed before it went out. The quote
        form sends no e-mail; installers use the address to reach you.
      </p>

      <h2>How long we keep it</h2>
      <ul>
        <li>
          A chat that ends without a request for quotes (you declined, you are renting, or you
          stopped) loses its contact details, and the IP address and browser name it was started
          from, when it ends; a chat left unfinished loses them after 30 days without a message.
          Those details leave the chat&apos;s answers, and in its messages they are replaced with
          &quot;[removed]&quot;. The link that reopens a chat stops working after 30 days without
          use.
        </li>
        <li>
          A request for quotes is kept, with your details, until you ask us to erase them. If you
          send another request with the same email or phone within 30 days, it updates the first one
          instead of making a second.
        </li>
        <li>
          Your answers about the home (ZIP code, bill, roof and the like) stay after contact details
          are removed: on their own they identify no one, and they make our statistics.
        </li>
        <li>The record that lets a form retry without sending twice is deleted after 24 hours.</li>
        <li>
          To limit abuse, the number of requests from your IP address is counted for about a minute.
          Our own server logs record the page asked for, the answer and how long it took, not your
          IP address; the web servers in front of the site may keep standard access logs, which
          include it, for a short time.
        </li>
        <li>Backups of the database are kept for 14 days, then deleted.</li>
      </ul>

      <h2>Erasure and your other choices</h2>
      <p>
        To have your details erased, write to <MailLink /> from, or naming, the email or phone you
        used. We then remove your name, email, phone, street address, notes and campaign tags from
        every request and chat of yours, your IP address and browser from the consent records, and
        your details from the chat messages. What stays: the answers about the home, the estimate,
        and the record of any sale, so our accounts still add up, and a note that an erasure took
        place (which requests it touched, not who you are). Erased data leaves our backups within 14
        days.
      </p>
      <p>
        Installers who already bought your request keep their own copy: ask them to delete it too.
        We can tell you which installers received it. To stop being contacted, reply STOP to a text
        or ask any caller to stop.
      </p>

      <h2>What this site keeps in your browser</h2>
      <p>
        The site sets no cookies. It keeps these entries in your browser&apos;s storage, readable
        only by this site:
      </p>
      <ul>
        {BROWSER_STORAGE.map((entry) => (
          <li key={entry.key}>
            <code className="text-sm">{entry.key}</code> ({entry.where}): {entry.holds}; kept{' '}
            {entry.lasts}.
          </li>
        ))}
      </ul>

      <h2>Security</h2>
      <p>
        Only {appName} staff with a role that needs it can see contact details; staff who work on
        statistics see them masked, and every change staff make is recorded. Installers see only the
        requests they bought.
      </p>

      <p>
        See also our{' '}
        <Link href="/terms" className={textLink}>
          terms of use
        </Link>
        .
      </p>
    </LegalPage>
  );
}
