// The challenge listing's filters as the URL keeps them (rewards typed in major units, as a
// person writes them) -> the API's query (minor units of the chosen currency). Rewards compare
// only within one currency, so without one the reward bounds and the reward sort are dropped.
import { parseMajor } from "./money.js";

export const FILTERS = ["q", "category", "tag", "currency", "min_reward", "max_reward", "state", "sort"];

export function fromSearch(search) {
  const params = new URLSearchParams(search);
  return Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || ""]));
}

export function toApiQuery(filters) {
  const { currency } = filters;
  const minor = (text) => (currency && text !== "" ? parseMajor(text, currency) ?? "" : "");
  return {
    ...filters,
    min_reward: minor(filters.min_reward),
    max_reward: minor(filters.max_reward),
    sort: filters.sort === "reward" && !currency ? "" : filters.sort,
  };
}

/** How many filters beyond the search are set (shown on the phone's "Filters" button). */
export function activeCount(filters) {
  return FILTERS.filter((k) => k !== "q" && k !== "sort" && filters[k]).length;
}
