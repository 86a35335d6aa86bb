import { useMutation } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { useRef, useState } from "react";

import { isAbortError } from "@/api/errors";
import { describeError } from "@/lib/describe-error";
import { Button } from "@/components/ui/button";
import { saveBlob } from "@/lib/download";
import { formatBytes } from "@/lib/format";

import { exportLeadsCsv, type ExportQuery } from "../api/leads";

/**
 * Downloads every lead matching the current filters as CSV. The export needs the bearer
 * token, so it is fetched (not linked), streamed with a running byte count, and saved under
 * the name the API gives in `Content-Disposition`.
 */
export function ExportCsvButton({ query }: { query: ExportQuery }) {
  const controller = useRef<AbortController | null>(null);
  const [received, setReceived] = useState(0);

  const exportCsv = useMutation({
    mutationFn: async (exportQuery: ExportQuery) => {
      controller.current = new AbortController();
      setReceived(0);
      return exportLeadsCsv(exportQuery, { signal: controller.current.signal, onProgress: setReceived });
    },
    onSuccess: ({ blob, filename }) => {
      saveBlob(blob, filename);
    },
    onSettled: () => {
      controller.current = null;
    },
  });

  let message: string | null = null;
  if (exportCsv.isPending) message = received > 0 ? `Exporting… ${formatBytes(received)} so far` : "Exporting…";
  else if (exportCsv.isSuccess) message = `Downloaded ${exportCsv.data.filename} (${formatBytes(exportCsv.data.bytes)}).`;
  else if (exportCsv.isError)
    message = isAbortError(exportCsv.error) ? "Export cancelled." : `Export failed: ${describeError(exportCsv.error)}`;

  return (
    <div className="flex flex-wrap items-center gap-y-2">
      {/* Always in the page (a live region must exist before its text changes); no gap while empty. */}
      <p role="status" className="mr-2 text-sm text-muted-foreground empty:mr-0">
        {message}
      </p>
      {exportCsv.isPending ? (
        <Button
          variant="outline"
          size="sm"
          onClick={() => {
            controller.current?.abort();
          }}
        >
          Cancel export
        </Button>
      ) : (
        <Button
          variant="outline"
          size="sm"
          onClick={() => {
            exportCsv.mutate(query);
          }}
        >
          <Download aria-hidden="true" className="size-4" />
          Export CSV
        </Button>
      )}
    </div>
  );
}
