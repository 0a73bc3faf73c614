// Money is an integer of minor units plus a lower-case ISO code; the number of decimals of a
// currency comes from Intl, so JPY has none and EUR has two without a table of our own.

export const CURRENCIES = ["usd", "eur", "gbp", "chf", "cad", "aud", "jpy", "sek", "nok", "dkk",
  "pln", "czk", "nzd", "sgd", "inr", "brl", "mxn"];

export function decimalsOf(currency) {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() })
      .resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

export function formatMoney(amount, currency) {
  const code = (currency || "usd").toUpperCase();
  const digits = decimalsOf(code);
  const major = amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: code }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${code}`;
  }
}

/** "12.5" (a person's typing) -> 1250 for a 2-decimal currency; null when it is not a price. */
export function parseMajor(text, currency) {
  const digits = decimalsOf(currency);
  const match = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(String(text ?? ""));
  if (!match) return null;
  const fraction = match[2] || "";
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || 0);
}

/** 1250 -> "12.50" for an input box (no currency symbol, no grouping). */
export function toMajorText(amount, currency) {
  const digits = decimalsOf(currency);
  if (!digits) return String(amount);
  const text = String(amount).padStart(digits + 1, "0");
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
