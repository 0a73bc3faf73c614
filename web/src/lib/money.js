// Money is an integer of minor units plus a lower-case ISO code. How many decimals a currency
// has comes from the server's one table (domain/money.py, exported by `python -m domain.money
// --write` into currencies.json), so JPY has none and KWD three exactly as the API counts them.
import table from "./currencies.json" with { type: "json" };

export const CURRENCIES = table.settled;

export function decimalsOf(currency) {
  return table.minor_units[String(currency || "").toLowerCase()] ?? 2;
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
