export { PartnerEditPage as Component } from "@/features/partners/partner-edit-page";
