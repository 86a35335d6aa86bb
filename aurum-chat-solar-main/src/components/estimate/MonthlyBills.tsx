import type { Estimate } from '../../api/types';
import { formatNumber, formatUsd, MONTHS } from '../../lib/format';

type Month = Estimate['monthly'][number];

/**
 * The first year's bill with and without solar, month by month, so a dark winter shows.
 * Whole dollars as the estimate gives them; the fixed charge stays on every bill.
 */
export function MonthlyBills({
  months,
  fixedCharge,
}: {
  months: readonly Month[];
  fixedCharge: number;
}) {
  return (
    <details className="mt-1 text-sm">
      <summary className="cursor-pointer rounded font-medium text-aurum-800">
        Show the bill with and without solar for each month
      </summary>
      <table className="mt-2 w-full text-left">
        <caption className="sr-only">Your electricity bill by month, first year</caption>
        <thead>
          <tr className="border-b border-stone-200">
            <th scope="col" className="py-1 font-semibold">
              Month
            </th>
            <th scope="col" className="py-1 text-right font-semibold">
              Solar (kWh)
            </th>
            <th scope="col" className="py-1 text-right font-semibold">
              Bill now
            </th>
            <th scope="col" className="py-1 text-right font-semibold">
              With solar
            </th>
          </tr>
        </thead>
        <tbody>
          {months.map((month) => (
            <tr key={month.month} className="border-b border-stone-100">
              <th scope="row" className="py-1 font-normal">
                {MONTHS[month.month - 1]}
              </th>
              <td className="py-1 text-right tabular-nums">{formatNumber(month.production_kwh)}</td>
              <td className="py-1 text-right tabular-nums">
                {formatUsd(month.bill_without_solar_usd)}
              </td>
              <td className="py-1 text-right tabular-nums">
                {formatUsd(month.bill_with_solar_usd)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-1 text-xs text-ink-muted">
        Every bill keeps the fixed monthly charge of about {formatUsd(fixedCharge)}.
      </p>
    </details>
  );
}
