export { LeadDetailPage as Component } from "@/features/leads/lead-detail-page";
