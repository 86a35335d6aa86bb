import { useId, useState, type ReactNode } from 'react';

import type { Estimate } from '../../api/types';
import { formatNumber, formatPercent, formatUsd } from '../../lib/format';
import { assumptionRows, PLAIN_ASSUMPTIONS, type AssumptionRow } from './assumption-rows';
import { estimateWarnings } from './estimate-warnings';
import { MonthlyBills } from './MonthlyBills';
import { MonthlyProductionChart } from './MonthlyProductionChart';

interface EstimateCardProps {
  estimate: Estimate;
  /** The card's heading level, so it fits the page's outline (subheadings go one deeper). */
  headingLevel?: 2 | 3;
  title?: string;
}

function KeyFigure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="rounded-xl bg-aurum-50 p-3">
      <dt className="text-sm text-ink-muted">{label}</dt>
      <dd className="mt-0.5">
        <span className="block text-xl font-bold text-ink tabular-nums">{value}</span>
        {detail && <span className="block text-sm text-ink-muted">{detail}</span>}
      </dd>
    </div>
  );
}

function CostLine({
  label,
  value,
  emphasis,
}: {
  label: ReactNode;
  value: string;
  emphasis?: boolean;
}) {
  return (
    <div
      className={`flex justify-between gap-4 py-1.5 ${emphasis ? 'border-t border-stone-300 font-semibold' : ''}`}
    >
      <dt>{label}</dt>
      <dd className="tabular-nums">{value}</dd>
    </div>
  );
}

function AssumptionList({ rows, id }: { rows: AssumptionRow[]; id?: string }) {
  return (
    <dl id={id} className="mt-3 space-y-2">
      {rows.map((row) => (
        <div key={row.key}>
          <dt className="font-medium text-ink">{row.label}</dt>
          <dd className="text-ink-muted">
            {row.value}
            {row.basis && <span className="font-medium text-ink"> · {row.basis}</span>}
            {row.source && <span className="block text-xs">Source: {row.source}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A solar estimate: size, production by month, cost, savings, payback, the bill month by
 * month, CO₂, and how it was worked out (every assumption with its source). */
export function EstimateCard({
  estimate,
  headingLevel = 3,
  title = 'Your solar estimate',
}: EstimateCardProps) {
  const id = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Subheading = headingLevel === 2 ? 'h3' : 'h4';
  const { location, assumptions } = estimate;
  const years = assumptions.analysis_years;
  const smallest = estimate.sizing === 'minimum_practical_size';
  // The caveats that change the answer go above the figures, not only in the details.
  const warnings = estimateWarnings(estimate);
  const rows = assumptionRows(estimate);
  const [showTechnical, setShowTechnical] = useState(false);

  return (
    <article
      aria-labelledby={`${id}-heading`}
      className="w-full rounded-2xl border border-aurum-200 bg-white p-4 text-ink shadow-sm sm:p-5"
    >
      <Heading id={`${id}-heading`} className="text-lg font-bold">
        {title}
      </Heading>
      <p className="text-sm text-ink-muted">
        {location.city}, {location.state} {location.zip_code}
      </p>
      {warnings.length > 0 && (
        <ul
          aria-label="Before you rely on these figures"
          className="mt-3 space-y-2 rounded-xl bg-amber-50 p-3 text-sm text-ink"
        >
          {warnings.map((warning) => (
            <li key={warning.kind} data-warning={warning.kind}>
              <strong className="font-semibold">{warning.title}.</strong> {warning.text}
            </li>
          ))}
        </ul>
      )}

      <dl className="mt-4 grid grid-cols-2 gap-2 sm:gap-3">
        <KeyFigure
          label="System size"
          value={`${formatNumber(estimate.system_size_kw, 2)} kW`}
          detail={`${formatNumber(estimate.panel_count)} panels${smallest ? ', the smallest practical' : ''}`}
        />
        <KeyFigure
          label="Yearly production"
          value={`${formatNumber(estimate.annual_production_kwh)} kWh`}
          detail={
            estimate.offset_pct === null
              ? 'no energy use of yours to offset'
              : `about ${formatPercent(estimate.offset_pct)} of your use`
          }
        />
        <KeyFigure
          label="Cost after incentives"
          value={formatUsd(estimate.net_cost_usd)}
          detail={
            estimate.incentives_usd > 0
              ? `${formatUsd(estimate.gross_cost_usd)} before`
              : 'no incentives found'
          }
        />
        <KeyFigure label="First-year savings" value={formatUsd(estimate.year1_savings_usd)} />
        <KeyFigure
          label={`${String(years)}-year savings`}
          value={formatUsd(estimate.lifetime_savings_usd)}
          detail={`${formatUsd(estimate.lifetime_net_savings_usd)} after the system's cost`}
        />
        <KeyFigure
          label="Pays for itself in"
          value={
            estimate.payback_years === null
              ? `Not within ${String(years)} years`
              : `${formatNumber(estimate.payback_years, 1)} years`
          }
        />
        <KeyFigure
          label="CO₂ avoided"
          value={`${formatNumber(estimate.co2_offset_tons_per_year, 1)} tonnes`}
          detail="a year"
        />
      </dl>

      <section aria-labelledby={`${id}-production`} className="mt-5">
        <Subheading id={`${id}-production`} className="font-semibold">
          Production by month
        </Subheading>
        <MonthlyProductionChart monthlyKwh={estimate.monthly_production_kwh} />
      </section>

      <section aria-labelledby={`${id}-bills`} className="mt-5">
        <Subheading id={`${id}-bills`} className="font-semibold">
          Your bill, month by month
        </Subheading>
        <MonthlyBills months={estimate.monthly} fixedCharge={assumptions.fixed_charge.value} />
      </section>

      <section aria-labelledby={`${id}-cost`} className="mt-5">
        <Subheading id={`${id}-cost`} className="font-semibold">
          Cost
        </Subheading>
        <dl className="mt-1 text-sm">
          <CostLine label="Installed cost" value={formatUsd(estimate.gross_cost_usd)} />
          {estimate.incentives.map((incentive) => (
            <CostLine
              key={incentive.name}
              label={incentive.name}
              value={`−${formatUsd(incentive.amount_usd)}`}
            />
          ))}
          {estimate.incentives.length === 0 && (
            <CostLine label="Incentives (none found for this home)" value={formatUsd(0)} />
          )}
          <CostLine label="Your cost" value={formatUsd(estimate.net_cost_usd)} emphasis />
        </dl>
        {estimate.loan && (
          <p className="mt-2 text-sm text-ink-muted">
            With a {formatNumber(estimate.loan.term_years)}-year loan at{' '}
            {formatPercent(estimate.loan.apr_pct, 2)} APR:{' '}
            {formatUsd(estimate.loan.monthly_payment_usd)} a month,{' '}
            {formatUsd(estimate.loan.total_interest_usd)} in interest overall.
          </p>
        )}
      </section>

      <details className="mt-5 rounded-xl border border-stone-200 p-3 text-sm">
        <summary className="cursor-pointer rounded font-semibold text-aurum-800">
          How we calculated this
        </summary>
        {estimate.notes.length > 0 && (
          <>
            <p className="mt-3 font-semibold">Good to know</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              {estimate.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          </>
        )}
        <AssumptionList rows={rows.filter((row) => PLAIN_ASSUMPTIONS.has(row.key))} />
        <button
          type="button"
          aria-expanded={showTechnical}
          aria-controls={`${id}-technical`}
          onClick={() => {
            setShowTechnical((shown) => !shown);
          }}
          className="mt-3 min-h-11 rounded font-semibold text-aurum-800 underline underline-offset-4"
        >
          Technical assumptions
        </button>
        <div id={`${id}-technical`} hidden={!showTechnical}>
          {showTechnical && (
            <AssumptionList rows={rows.filter((row) => !PLAIN_ASSUMPTIONS.has(row.key))} />
          )}
        </div>
        <p className="mt-3 text-xs text-ink-muted">Model: {estimate.engine_version}</p>
      </details>
    </article>
  );
}
