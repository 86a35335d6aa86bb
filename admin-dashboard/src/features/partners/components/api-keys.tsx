import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type SubmitEvent } from "react";

import { ErrorNotice } from "@/components/error-notice";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CheckboxGroup } from "@/components/ui/checkbox-group";
import { Input, Label } from "@/components/ui/field";
import { Section } from "@/components/ui/section";
import { describeError } from "@/lib/describe-error";
import { formatDateTime } from "@/lib/format";

import {
  API_KEY_SCOPES,
  apiKeysQueryOptions,
  createApiKey,
  partnerKeys,
  revokeApiKey,
  rotateApiKey,
  type ApiKey,
  type ApiKeyScope,
  type IssuedApiKey,
} from "../api/partners";

/** The whole key, this once: focused, with a copy button; gone when dismissed (only its hash is stored). */
function NewSecret({ issued, onDone }: { issued: IssuedApiKey; onDone: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} tabIndex={-1} role="alert" aria-label="New API key" className="mb-4 rounded-md border border-warning/30 bg-warning-soft p-3 text-sm">
      <p className="font-medium">
        The key “{issued.key.name}” ({issued.key.prefix}…). Copy it now: it is shown this once and cannot be seen again.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="new-api-key" className="rounded bg-card px-2 py-1 font-mono text-xs break-all">
          {issued.secret}
        </code>
        <Button
          size="sm"
          variant="outline"
          onClick={() => {
            navigator.clipboard.writeText(issued.secret).then(
              () => {
                setCopied("yes");
              },
              () => {
                setCopied("no");
              },
            );
          }}
        >
          Copy key
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          I have saved it
        </Button>
      </div>
      <p aria-live="polite" className="mt-1 text-xs">
        {copied === "yes" ? "Copied to the clipboard." : copied === "no" ? "The browser did not allow copying: select the key and copy it." : ""}
      </p>
    </div>
  );
}

function KeyRow({ partnerId, apiKey, canChange, onIssued }: { partnerId: string; apiKey: ApiKey; canChange: boolean; onIssued: (issued: IssuedApiKey) => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: partnerKeys.detail(partnerId) });
  const rotate = useMutation({
    mutationFn: () => rotateApiKey(partnerId, apiKey.id),
    onSuccess: async (issued) => {
      onIssued(issued);
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: () => revokeApiKey(partnerId, apiKey.id),
    onSuccess: async () => {
      setConfirming(false);
      await refresh();
    },
  });
  const error = rotate.error ?? revoke.error;
  return (
    <tr className="border-b last:border-b-0">
      <th scope="row" className="py-2 pr-4 pl-4 font-medium">
        {apiKey.name}
        <p className="font-mono text-xs font-normal text-muted-foreground">{apiKey.prefix}…</p>
      </th>
      <td data-label="Scopes" className="py-2 pr-4 text-xs">{apiKey.scopes.join(", ")}</td>
      <td data-label="State" className="py-2 pr-4">
        {apiKey.live ? <Badge tone="success">Live</Badge> : <Badge>{apiKey.revoked_at ? "Revoked" : "Expired"}</Badge>}
        {apiKey.live && apiKey.expires_at ? <p className="text-xs text-muted-foreground">until {formatDateTime(apiKey.expires_at)}</p> : null}
      </td>
      <td data-label="Last used" className="py-2 pr-4">{apiKey.last_used_at ? formatDateTime(apiKey.last_used_at) : "Never"}</td>
      <td className="py-2 pr-4 text-right">
        {canChange && apiKey.live ? (
          confirming ? (
            <div className="flex flex-wrap justify-end gap-2" role="group" aria-label={`Revoke ${apiKey.name}?`}>
              <span className="text-xs">Revoke now? Requests with it are refused at once.</span>
              <Button size="sm" disabled={revoke.isPending} onClick={() => { revoke.mutate(); }}>
                Yes, revoke {apiKey.name}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => { setConfirming(false); }}>
                Cancel
              </Button>
            </div>
          ) : (
            <div className="flex flex-wrap justify-end gap-2">
              <Button size="sm" variant="outline" aria-label={`Rotate ${apiKey.name}`} disabled={rotate.isPending} onClick={() => { rotate.mutate(); }}>
                Rotate
              </Button>
              <Button size="sm" variant="outline" aria-label={`Revoke ${apiKey.name}`} onClick={() => { setConfirming(true); }}>
                Revoke
              </Button>
            </div>
          )
        ) : null}
        {error ? <p role="alert" className="text-xs text-destructive">{describeError(error)}</p> : null}
      </td>
    </tr>
  );
}

/** The partner's B2B API keys: issue (secret shown once), rotate (24 h overlap), revoke (with a confirmation). */
export function ApiKeysSection({ partnerId, canChange }: { partnerId: string; canChange: boolean }) {
  const id = useId();
  const queryClient = useQueryClient();
  const keys = useQuery(apiKeysQueryOptions(partnerId));
  const [issued, setIssued] = useState<IssuedApiKey | null>(null);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["leads:read"]);
  const create = useMutation({
    mutationFn: () => createApiKey(partnerId, { name: name.trim(), scopes }),
    onSuccess: async (key) => {
      setIssued(key);
      setName("");
      await queryClient.invalidateQueries({ queryKey: partnerKeys.detail(partnerId) });
    },
  });
  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <Section title="API keys" description="Keys for the partner's B2B API. A new key is shown once; rotating keeps the old one working for 24 hours.">
      {issued ? (
        <NewSecret
          key={issued.key.id}
          issued={issued}
          onDone={() => {
            setIssued(null);
          }}
        />
      ) : null}
      {canChange ? (
        <form onSubmit={submit} aria-label="Issue an API key" className="mb-4 flex flex-wrap items-end gap-4">
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-name`}>Key name</Label>
            <Input id={`${id}-name`} required maxLength={80} placeholder="CRM sync" value={name} onChange={(event) => { setName(event.target.value); }} className="w-56" />
          </div>
          <CheckboxGroup legend="Scopes" name="scopes" options={API_KEY_SCOPES.map((scope) => ({ value: scope, label: scope }))} selected={scopes} onChange={setScopes} />
          <Button type="submit" disabled={create.isPending || scopes.length === 0 || !name.trim()}>
            Issue key
          </Button>
          {create.error ? <p role="alert" className="w-full text-sm text-destructive">{describeError(create.error)}</p> : null}
        </form>
      ) : null}
      {keys.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">Loading keys…</p>
      ) : keys.isError ? (
        <ErrorNotice error={keys.error} title="The keys could not be loaded." />
      ) : keys.data.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">No keys yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border">
          <table className="stack-table w-full text-left text-sm">
            <caption className="sr-only">API keys</caption>
            <thead className="text-xs text-muted-foreground">
              <tr className="border-b">
                <th scope="col" className="py-2 pr-4 pl-4 font-medium">Key</th>
                <th scope="col" className="py-2 pr-4 font-medium">Scopes</th>
                <th scope="col" className="py-2 pr-4 font-medium">State</th>
                <th scope="col" className="py-2 pr-4 font-medium">Last used</th>
                <th scope="col" className="py-2 pr-4 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <KeyRow key={key.id} partnerId={partnerId} apiKey={key} canChange={canChange} onIssued={setIssued} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
