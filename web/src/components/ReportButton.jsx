import { api } from "../lib/api.js";
import { toast } from "../lib/notifications.js";
import { ConfirmButton } from "./Confirm.jsx";

export function ReportButton({ targetType, targetId }) {
  return (
    <ConfirmButton label={`Report ${targetType}`} confirmLabel="Send report" ask="Reason"
      message="Moderators will look at it."
      onConfirm={async (reason) => {
        await api("POST", "/reports", { target_type: targetType, target_id: targetId, reason });
        toast("Report sent to the moderators.");
      }} />
  );
}
