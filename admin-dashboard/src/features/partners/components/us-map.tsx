import { geoPath } from "d3-geo";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import states from "us-atlas/states-albers-10m.json";

import { STATE_BY_FIPS, STATE_NAMES } from "@/lib/us-states";
import { cn } from "@/lib/utils";

// us-atlas ships the states already projected (Albers USA, 975 x 610), so no projection here.
const topology = states as unknown as Topology<{ states: GeometryCollection<{ name: string }> }>;
const shapes = feature(topology, topology.objects.states).features;
const path = geoPath();

interface UsMapProps {
  /** Covered two-letter states. */
  selected: readonly string[];
  /** Clicking a state toggles it (mouse users; the list beside the map is the keyboard way). */
  onToggle?: (state: string) => void;
  className?: string;
}

/**
 * The lower 48, Alaska, Hawaii and DC, covered states filled. A picture for sighted users:
 * screen readers get its label, and the state list next to it carries the same information.
 * This module is its own lazy chunk (the map data is ~80 kB).
 */
export default function UsMap({ selected, onToggle, className }: UsMapProps) {
  const covered = new Set(selected);
  const names = selected.map((code) => STATE_NAMES[code] ?? code);
  return (
    <svg
      viewBox="0 0 975 610"
      role="img"
      aria-label={names.length ? `Map of the covered states: ${names.join(", ")}` : "Map: no state covered"}
      className={cn("h-auto w-full", className)}
    >
      {shapes.map((shape) => {
        const code = STATE_BY_FIPS[String(shape.id)] ?? "";
        const on = covered.has(code);
        return (
          <path
            key={String(shape.id)}
            d={path(shape) ?? undefined}
            data-state={code}
            className={cn("stroke-card stroke-1", on ? "fill-accent" : "fill-muted-foreground/20", onToggle && "cursor-pointer hover:opacity-80")}
            onClick={
              onToggle && code
                ? () => {
                    onToggle(code);
                  }
                : undefined
            }
          >
            <title>{`${STATE_NAMES[code] ?? code}${on ? " (covered)" : ""}`}</title>
          </path>
        );
      })}
    </svg>
  );
}
