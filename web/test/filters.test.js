import { test } from "node:test";
import assert from "node:assert/strict";
import { activeCount, fromSearch, toApiQuery } from "../src/lib/filters.js";

test("reward bounds are minor units of the chosen currency", () => {
  const usd = toApiQuery(fromSearch("?currency=usd&min_reward=12.5&max_reward=100&sort=reward"));
  assert.deepEqual([usd.min_reward, usd.max_reward, usd.sort], [1250, 10000, "reward"]);
  const jpy = toApiQuery(fromSearch("?currency=jpy&min_reward=1000"));
  assert.equal(jpy.min_reward, 1000);                   // JPY has no minor unit
});

test("without a currency there is no reward bound and no reward sort", () => {
  const any = toApiQuery(fromSearch("?min_reward=5&max_reward=9&sort=reward&q=logo"));
  assert.deepEqual([any.min_reward, any.max_reward, any.sort, any.q], ["", "", "", "logo"]);
});

test("an amount that is not a price is left out rather than guessed", () => {
  assert.equal(toApiQuery(fromSearch("?currency=usd&min_reward=abc")).min_reward, "");
});

test("the Filters button counts what is set besides the search and the sort", () => {
  assert.equal(activeCount(fromSearch("?q=x&sort=deadline&category=design&currency=eur")), 2);
});
