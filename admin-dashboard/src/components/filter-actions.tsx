import { Button } from "@/components/ui/button";

/** The Apply / Clear buttons closing every table's filter form. */
export function FilterActions({ onClear }: { onClear: () => void }) {
  return (
    <div className="flex flex-wrap gap-2">
      <Button type="submit">Apply filters</Button>
      <Button variant="outline" onClick={onClear}>
        Clear filters
      </Button>
    </div>
  );
}
