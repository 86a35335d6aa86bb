import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Estimate } from '../../api/types';
import { PHOENIX_ESTIMATE } from '../../test/fixtures';
import { EstimateCard } from './EstimateCard';

/** The warnings above the figures, each as its text. */
function warnings(): string[] {
  const list = screen.queryByRole('list', { name: 'Before you rely on these figures' });
  return list
    ? within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent)
    : [];
}

function figure(label: string): HTMLElement {
  const term = screen.getByText(label, { selector: 'dt' });
  const definition = term.nextElementSibling;
  if (!(definition instanceof HTMLElement)) throw new Error(`no value for ${label}`);
  return definition;
}

describe('EstimateCard', () => {
  it('shows the key figures of a real estimate', () => {
    render(<EstimateCard estimate={PHOENIX_ESTIMATE} />);

    expect(screen.getByRole('heading', { level: 3, name: 'Your solar estimate' })).toBeVisible();
    expect(screen.getByText('Phoenix, AZ 85004')).toBeInTheDocument();
    expect(figure('System size')).toHaveTextContent('9.03 kW21 panels');
    expect(figure('Yearly production')).toHaveTextContent('15,922 kWhabout 105% of your use');
    expect(figure('Cost after incentives')).toHaveTextContent('$15,803no incentives found');
    expect(figure('First-year savings')).toHaveTextContent('$1,288');
    expect(figure('25-year savings')).toHaveTextContent('$34,232$18,429 after the system');
    expect(figure('Pays for itself in')).toHaveTextContent('12 years');
    expect(figure('CO₂ avoided')).toHaveTextContent('11.1 tonnes');
    expect(figure('Installed cost')).toHaveTextContent('$15,803');
    expect(figure('Your cost')).toHaveTextContent('$15,803');
    // Arizona credits exports below retail; the rest of this estimate needs no warning.
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^Power sent to the grid earns less than you pay\. .*about \$0\.056 per kWh, while you pay \$0\.14/,
      ),
    ]);
    expect(screen.getByText('Incentives (none found for this home)')).toBeInTheDocument();
  });

  it('draws the twelve months as an SVG bar chart with a table of the same figures', () => {
    const { container } = render(<EstimateCard estimate={PHOENIX_ESTIMATE} />);

    const chart = screen.getByRole('img', { name: /solar production by month, in kWh/i });
    expect(chart).toHaveAccessibleDescription(
      'Highest in May at 1,620 kWh, lowest in December at 1,017 kWh.',
    );
    expect(container.querySelectorAll('svg rect')).toHaveLength(12);
    const table = screen.getByRole('table', { name: 'Solar production by month' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(13);
    expect(rows[1]).toHaveTextContent('January1,042');
    expect(rows[12]).toHaveTextContent('December1,017');
  });

  it('shows the bill with and without solar for every month, fixed charge kept', () => {
    render(<EstimateCard estimate={PHOENIX_ESTIMATE} />);

    const table = screen.getByRole('table', { name: 'Your electricity bill by month, first year' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(13);
    expect(rows[1]).toHaveTextContent('January1,042$210$126');
    expect(rows[5]).toHaveTextContent('May1,620$210$79');
    expect(screen.getByText(/keeps the fixed monthly charge of about \$32/)).toBeInTheDocument();
  });

  it('explains how it was calculated, with readable labels, the notes and the sources', async () => {
    const estimate: Estimate = {
      ...PHOENIX_ESTIMATE,
      notes: [
        "Heavy shade cuts output by about a quarter; an installer's site survey should confirm the roof is worth it.",
      ],
      assumptions: { ...PHOENIX_ESTIMATE.assumptions, snow_loss_pct: 2 } as Estimate['assumptions'],
    };
    render(<EstimateCard estimate={estimate} />);
    const summary = screen.getByText('How we calculated this');
    const details = summary.closest('details');
    expect(details).not.toHaveAttribute('open');

    await userEvent.click(summary);

    expect(details).toHaveAttribute('open');
    expect(screen.getByText(/Heavy shade cuts output by about a quarter/)).toBeVisible();
    // The technical figures wait behind a second disclosure.
    const technical = screen.getByRole('button', { name: 'Technical assumptions' });
    expect(technical).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByText('Roof angle and direction')).not.toBeInTheDocument();
    await userEvent.click(technical);
    expect(technical).toHaveAttribute('aria-expanded', 'true');
    const region = document.getElementById(technical.getAttribute('aria-controls') ?? '');
    expect(region).toBeVisible();
    expect(region).toHaveTextContent('Roof angle and direction');
    expect(figure('Electricity price')).toHaveTextContent(
      "$0.14 per kWh · your state's figureSource: EIA 2023 average residential revenue per kWh",
    );
    expect(figure('Fixed monthly charge (solar cannot lower it)')).toHaveTextContent(
      "$32.44 a month · your state's figureSource: SRP only",
    );
    expect(figure('How your utility credits solar')).toHaveTextContent(
      'Net billing: output used in the home as it is made saves the retail rate; each kWh sent to the grid earns $0.0555',
    );
    expect(figure('Output used in your home as it is made')).toHaveTextContent(
      '30% · one national figure',
    );
    expect(figure('Electricity price rise')).toHaveTextContent(
      "1.82% a year · your state's figure",
    );
    expect(figure('Sunshine')).toHaveTextContent(
      "5.79 kWh of sunshine per m² a day, from NREL's satellite record (the 1991-2005 weather stations alone: 5.72)",
    );
    expect(figure('Roof angle and direction')).toHaveTextContent('20° tilt, facing south (180°)');
    expect(figure('Installed cost per watt')).toHaveTextContent(
      "$1.75 per watt · your state's figureSource: AZ $2.09/W",
    );
    expect(figure('Weather')).toHaveTextContent('Phoenix Sky Harbor Intl Ap (8 km away, 82%)');
    expect(figure('Incentives checked')).toHaveTextContent(
      'Federal residential clean energy credit (IRC 25D): not applied',
    );
    expect(figure('Installation date assumed')).toHaveTextContent('January 24, 2027');
    // A figure the backend added later still shows, under a readable label.
    expect(figure('Snow loss pct')).toHaveTextContent('2');
    expect(screen.queryByText(/electricity_rate_usd_per_kwh/)).not.toBeInTheDocument();
  });

  it('says when the system would not pay for itself, and lists incentives and a loan', () => {
    render(
      <EstimateCard
        headingLevel={2}
        estimate={{
          ...PHOENIX_ESTIMATE,
          payback_years: null,
          notes: ['At these prices the system does not pay for itself within 25 years.'],
          incentives: [{ name: 'State solar rebate', amount_cents: 100000, amount_usd: 1000 }],
          incentives_cents: 100000,
          incentives_usd: 1000,
          net_cost_cents: 1480300,
          net_cost_usd: 14803,
          loan: {
            apr_pct: 6.99,
            term_years: 20,
            principal_cents: 1480300,
            monthly_payment_cents: 11500,
            monthly_payment_usd: 115,
            total_interest_cents: 1279700,
            total_interest_usd: 12797,
          },
        }}
      />,
    );

    expect(screen.getByRole('heading', { level: 2, name: 'Your solar estimate' })).toBeVisible();
    expect(warnings()[0]).toBe(
      'It does not pay for itself. At these prices the system does not pay for itself within 25 years.',
    );
    expect(figure('Pays for itself in')).toHaveTextContent('Not within 25 years');
    expect(figure('Cost after incentives')).toHaveTextContent('$14,803$15,803 before');
    expect(figure('State solar rebate')).toHaveTextContent('−$1,000');
    expect(figure('Your cost')).toHaveTextContent('$14,803');
    expect(screen.getByText(/20-year loan at 6.99% APR: \$115 a month/)).toBeInTheDocument();
  });

  it('says plainly when a small bill gets the smallest practical system', () => {
    const note =
      'Your use (1,949 kWh a year) needs only about 1.4 kW, but installers rarely fit less than 3 kW, so this is the smallest practical system: much of its output goes to the grid at the export credit.';
    render(
      <EstimateCard
        estimate={{ ...PHOENIX_ESTIMATE, sizing: 'minimum_practical_size', notes: [note] }}
      />,
    );

    expect(warnings()[0]).toBe(`A bill too small for solar. ${note}`);
    expect(figure('System size')).toHaveTextContent('21 panels, the smallest practical');
  });

  it('labels a national fallback as one, never as the state figure', async () => {
    const { assumptions } = PHOENIX_ESTIMATE;
    render(
      <EstimateCard
        estimate={{
          ...PHOENIX_ESTIMATE,
          offset_pct: null,
          assumptions: {
            ...assumptions,
            cost_per_watt: {
              value: 2.48,
              unit: 'USD/W',
              basis: 'fallback',
              source: 'No installed-cost figure for AK in the table: the national $2.48/W',
            },
          },
        }}
      />,
    );
    await userEvent.click(screen.getByText('How we calculated this'));

    expect(figure('Installed cost per watt')).toHaveTextContent(
      '$2.48 per watt · national fallback: no figure for your stateSource: No installed-cost figure for AK',
    );
    expect(figure('Yearly production')).toHaveTextContent('no energy use of yours to offset');
  });
});
