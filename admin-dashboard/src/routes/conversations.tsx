export { ConversationsPage as Component } from "@/features/conversations/conversations-page";
