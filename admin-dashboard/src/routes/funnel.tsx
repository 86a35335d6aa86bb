export { FunnelPage as Component } from "@/features/analytics/funnel-page";
