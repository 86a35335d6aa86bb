export { AuditLogPage as Component } from "@/features/audit/audit-log-page";
