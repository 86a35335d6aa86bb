export { PartnerNewPage as Component } from "@/features/partners/partner-edit-page";
