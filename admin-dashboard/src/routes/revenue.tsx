export { RevenuePage as Component } from "@/features/analytics/revenue-page";
