export { SystemPage as Component } from "@/features/analytics/system-page";
