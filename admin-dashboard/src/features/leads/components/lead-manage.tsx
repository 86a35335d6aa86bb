import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type SubmitEvent } from "react";

import { describeError } from "@/lib/describe-error";
import { Button } from "@/components/ui/button";
import { FieldHint, Label, Select, Textarea } from "@/components/ui/field";

import { LEAD_STATUSES, leadKeys, STATUS_LABELS, updateLead, type LeadDetail, type LeadStatus, type LeadUpdate } from "../api/leads";

const NOTES_MAX = 5000;

/** Saves a change to the lead; the answer replaces the cached detail and every list refetches. */
function useLeadUpdate(lead: LeadDetail) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: LeadUpdate) => updateLead(lead.id, patch),
    onSuccess: (updated) => {
      queryClient.setQueryData(leadKeys.detail(lead.id), updated);
      return queryClient.invalidateQueries({ queryKey: leadKeys.all });
    },
  });
}

function Feedback({ pending, error, success }: { pending: boolean; error: Error | null; success: string | null }) {
  return (
    <p role="status" className={error ? "text-sm text-destructive" : "text-sm text-muted-foreground"}>
      {pending ? "Saving…" : error ? `Not saved: ${describeError(error)}` : success}
    </p>
  );
}

function isStatus(value: string): value is LeadStatus {
  return (LEAD_STATUSES as readonly string[]).includes(value);
}

export function LeadStatusForm({ lead }: { lead: LeadDetail }) {
  const id = useId();
  const [status, setStatus] = useState<string>(lead.status);
  const update = useLeadUpdate(lead);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (isStatus(status)) update.mutate({ status });
  }

  const saved = update.isSuccess && isStatus(update.data.status) ? `Status changed to ${STATUS_LABELS[update.data.status]}.` : null;
  // Only the changes the lead's status allows by hand (sales, returns and merges change it
  // on their own); the API refuses anything else.
  const choices = [...new Set([lead.status, ...lead.allowed_statuses])].filter(isStatus);
  if (choices.length === 1) {
    // Still say what was just saved: a change to a status with no way back by hand lands here.
    return (
      <div className="space-y-2">
        <p className="text-sm text-muted-foreground">
          Status: {isStatus(lead.status) ? STATUS_LABELS[lead.status] : lead.status}. It changes by itself from here (a sale, a return or a
          merge).
        </p>
        {saved ? <Feedback pending={false} error={null} success={saved} /> : null}
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="space-y-2">
      <Label htmlFor={`${id}-status`}>Status</Label>
      <div className="flex flex-wrap gap-2">
        <Select
          id={`${id}-status`}
          className="w-44"
          value={status}
          onChange={(event) => {
            setStatus(event.target.value);
            update.reset();
          }}
        >
          {choices.map((value) => (
            <option key={value} value={value}>
              {STATUS_LABELS[value]}
            </option>
          ))}
        </Select>
        <Button type="submit" disabled={update.isPending || status === lead.status}>
          {update.isPending ? "Saving…" : "Change status"}
        </Button>
      </div>
      <Feedback pending={update.isPending} error={update.error} success={saved} />
    </form>
  );
}

export function LeadNotesForm({ lead }: { lead: LeadDetail }) {
  const id = useId();
  const [notes, setNotes] = useState(lead.notes ?? "");
  const update = useLeadUpdate(lead);
  const unchanged = notes.trim() === (lead.notes ?? "").trim();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    // Empty notes clear them (`null`), rather than storing whitespace.
    update.mutate({ notes: notes.trim() === "" ? null : notes });
  }

  return (
    <form onSubmit={submit} className="space-y-2">
      <Label htmlFor={`${id}-notes`}>Internal notes</Label>
      <Textarea
        id={`${id}-notes`}
        rows={5}
        maxLength={NOTES_MAX}
        value={notes}
        aria-describedby={`${id}-notes-hint`}
        onChange={(event) => {
          setNotes(event.target.value);
          update.reset();
        }}
      />
      <FieldHint id={`${id}-notes-hint`}>
        Seen by the team only, never by partners. {notes.length}/{NOTES_MAX} characters.
      </FieldHint>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={update.isPending || unchanged}>
          {update.isPending ? "Saving…" : "Save notes"}
        </Button>
        <Feedback pending={update.isPending} error={update.error} success={update.isSuccess ? "Notes saved." : null} />
      </div>
    </form>
  );
}
