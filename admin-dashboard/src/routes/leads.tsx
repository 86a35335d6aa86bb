export { LeadsPage as Component } from "@/features/leads/leads-page";
