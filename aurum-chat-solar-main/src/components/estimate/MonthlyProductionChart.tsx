import { useId } from 'react';

import { formatNumber, MONTHS } from '../../lib/format';

const WIDTH = 360;
const HEIGHT = 170;
const AXIS_WIDTH = 48;
const LABEL_HEIGHT = 20;
const TOP = 8;

/** A round axis maximum at or above `value`: 1,904 -> 2,000; 880 -> 900. */
function axisMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = magnitude / 2;
  return Math.ceil(value / step) * step;
}

/**
 * Twelve bars of monthly production, in plain SVG. The picture is one image to
 * assistive technology, named by its title and a one-line summary; the exact figures
 * are in the table under it.
 */
export function MonthlyProductionChart({ monthlyKwh }: { monthlyKwh: readonly number[] }) {
  const id = useId();
  const top = axisMax(Math.max(...monthlyKwh));
  const plotHeight = HEIGHT - LABEL_HEIGHT - TOP;
  const slot = (WIDTH - AXIS_WIDTH) / monthlyKwh.length;
  const barWidth = slot * 0.64;
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;

  const ranked = monthlyKwh.map((kwh, month) => ({ kwh, month })).sort((a, b) => b.kwh - a.kwh);
  const best = ranked[0];
  const worst = ranked.at(-1);
  const summary =
    best && worst
      ? `Highest in ${MONTHS[best.month] ?? ''} at ${formatNumber(best.kwh)} kWh, lowest in ${MONTHS[worst.month] ?? ''} at ${formatNumber(worst.kwh)} kWh.`
      : '';

  return (
    <div>
      <svg
        viewBox={`0 0 ${String(WIDTH)} ${String(HEIGHT)}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        className="h-auto w-full"
      >
        <title id={`${id}-title`}>Solar production by month, in kWh</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {[0, top / 2, top].map((tick) => (
          <g key={tick}>
            <line
              x1={AXIS_WIDTH}
              x2={WIDTH}
              y1={y(tick)}
              y2={y(tick)}
              className="stroke-stone-200"
              strokeWidth={1}
            />
            <text
              x={AXIS_WIDTH - 6}
              y={y(tick)}
              textAnchor="end"
              dominantBaseline="middle"
              className="fill-ink-muted text-[13px]"
            >
              {formatNumber(tick)}
            </text>
          </g>
        ))}
        {monthlyKwh.map((kwh, month) => {
          const x = AXIS_WIDTH + month * slot + (slot - barWidth) / 2;
          return (
            <g key={MONTHS[month]}>
              <rect
                x={x}
                y={y(kwh)}
                width={barWidth}
                height={Math.max(0, TOP + plotHeight - y(kwh))}
                rx={2}
                className="fill-aurum-500"
              />
              <text
                x={x + barWidth / 2}
                y={HEIGHT - 5}
                textAnchor="middle"
                className="fill-ink-muted text-[13px]"
              >
                {(MONTHS[month] ?? '').charAt(0)}
              </text>
            </g>
          );
        })}
      </svg>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer rounded font-medium text-aurum-800">
          Show the monthly figures as a table
        </summary>
        <table className="mt-2 w-full max-w-xs text-left">
          <caption className="sr-only">Solar production by month</caption>
          <thead>
            <tr className="border-b border-stone-200">
              <th scope="col" className="py-1 font-semibold">
                Month
              </th>
              <th scope="col" className="py-1 text-right font-semibold">
                Production (kWh)
              </th>
            </tr>
          </thead>
          <tbody>
            {monthlyKwh.map((kwh, month) => (
              <tr key={MONTHS[month]} className="border-b border-stone-100">
                <th scope="row" className="py-1 font-normal">
                  {MONTHS[month]}
                </th>
                <td className="py-1 text-right tabular-nums">{formatNumber(kwh)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
