import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Estimate } from '../../api/types';
import { PHOENIX_ESTIMATE } from '../../test/fixtures';
import { EstimateCard } from './EstimateCard';

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
    expect(figure('System size')).toHaveTextContent('10.75 kW25 panels');
    expect(figure('Yearly production')).toHaveTextContent('18,692 kWhabout 104% of your use');
    expect(figure('Cost after incentives')).toHaveTextContent('$26,660no incentives found');
    expect(figure('First-year savings')).toHaveTextContent('$2,520');
    expect(figure('25-year savings')).toHaveTextContent('$88,868$62,208 after the system');
    expect(figure('Pays for itself in')).toHaveTextContent('9.3 years');
    expect(figure('CO₂ avoided')).toHaveTextContent('13.1 tonnes');
    expect(figure('Installed cost')).toHaveTextContent('$26,660');
    expect(figure('Your cost')).toHaveTextContent('$26,660');
    expect(screen.getByText('Incentives (none found for this home)')).toBeInTheDocument();
  });

  it('draws the twelve months as an SVG bar chart with a table of the same figures', () => {
    const { container } = render(<EstimateCard estimate={PHOENIX_ESTIMATE} />);

    const chart = screen.getByRole('img', { name: /solar production by month, in kWh/i });
    expect(chart).toHaveAccessibleDescription(
      'Highest in May at 1,904 kWh, lowest in December at 1,191 kWh.',
    );
    expect(container.querySelectorAll('svg rect')).toHaveLength(12);
    const table = screen.getByRole('table', { name: 'Solar production by month' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(13);
    expect(rows[1]).toHaveTextContent('January1,220');
    expect(rows[12]).toHaveTextContent('December1,191');
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
    expect(figure('Electricity price')).toHaveTextContent(
      '$0.14 per kWh (EIA 2023 average residential rate for the state)',
    );
    expect(figure('Roof angle and direction')).toHaveTextContent('20° tilt, facing south (180°)');
    expect(figure('Installed cost per watt')).toHaveTextContent(
      '$2.48 per watt (EnergySage median installed cost, H1 2025)',
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
          incentives: [{ name: 'State solar rebate', amount_usd: 1000 }],
          incentives_usd: 1000,
          net_cost_usd: 25660,
          loan: {
            apr_pct: 6.99,
            term_years: 20,
            principal_usd: 25660,
            monthly_payment_usd: 198.72,
            total_interest_usd: 22032.8,
          },
        }}
      />,
    );

    expect(screen.getByRole('heading', { level: 2, name: 'Your solar estimate' })).toBeVisible();
    expect(figure('Pays for itself in')).toHaveTextContent('Not within 25 years');
    expect(figure('Cost after incentives')).toHaveTextContent('$25,660$26,660 before');
    expect(figure('State solar rebate')).toHaveTextContent('−$1,000');
    expect(figure('Your cost')).toHaveTextContent('$25,660');
    expect(screen.getByText(/20-year loan at 6.99% APR: \$199 a month/)).toBeInTheDocument();
  });
});
