import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";

import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";

import { createPartner, partnerKeys, partnerQueryOptions, updatePartner, type PartnerCreate, type PartnerStatus } from "./api/partners";
import { PartnerForm } from "./components/partner-form";

/** `/partners/new`: add a partner, then show it. */
export function PartnerNewPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: PartnerCreate) => createPartner(body),
    onSuccess: async (partner) => {
      queryClient.setQueryData(partnerKeys.detail(partner.id), partner);
      await queryClient.invalidateQueries({ queryKey: partnerKeys.all });
      await navigate(`/partners/${partner.id}`, { state: { saved: `Added ${partner.name}.` } });
    },
  });
  return (
    <>
      <PageHeader title="New partner" description={<Link to="/partners" className="underline-offset-2 hover:underline">Back to partners</Link>} />
      <PartnerForm
        submitLabel="Add partner"
        busy={create.isPending}
        error={create.error}
        onSubmit={(body) => {
          create.mutate(body);
        }}
      />
    </>
  );
}

/** `/partners/:partnerId/edit`: change any of a partner's fields. */
export function PartnerEditPage() {
  const { partnerId = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const partner = useQuery(partnerQueryOptions(partnerId));
  const update = useMutation({
    mutationFn: (body: PartnerCreate & { status?: PartnerStatus }) => updatePartner(partnerId, body),
    onSuccess: async (saved) => {
      queryClient.setQueryData(partnerKeys.detail(saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: partnerKeys.all });
      await navigate(`/partners/${saved.id}`, { state: { saved: `Saved ${saved.name}.` } });
    },
  });
  if (partner.isPending) {
    return (
      <p role="status" className="text-sm text-muted-foreground">
        Loading the partner…
      </p>
    );
  }
  if (partner.isError) return <ErrorNotice error={partner.error} title="The partner could not be loaded." />;
  return (
    <>
      <PageHeader
        title={`Edit ${partner.data.name}`}
        description={<Link to={`/partners/${partnerId}`} className="underline-offset-2 hover:underline">Back to the partner</Link>}
      />
      <PartnerForm
        partner={partner.data}
        submitLabel="Save partner"
        busy={update.isPending}
        error={update.error}
        onSubmit={(body) => {
          update.mutate(body);
        }}
      />
    </>
  );
}
