export function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString();
}

export function label(state) {
  return String(state || "").replace(/_/g, " ");
}

export function errorText(error) {
  return (error && error.message) || String(error || "");
}
