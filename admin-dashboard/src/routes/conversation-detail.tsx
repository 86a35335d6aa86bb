export { ConversationDetailPage as Component } from "@/features/conversations/conversation-detail-page";
