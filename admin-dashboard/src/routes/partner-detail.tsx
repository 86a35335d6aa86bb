export { PartnerDetailPage as Component } from "@/features/partners/partner-detail-page";
