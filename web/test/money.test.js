import { test } from "node:test";
import assert from "node:assert/strict";
import { decimalsOf, formatMoney, parseMajor, toMajorText } from "../src/lib/money.js";

test("decimals come from the currency", () => {
  assert.equal(decimalsOf("usd"), 2);
  assert.equal(decimalsOf("jpy"), 0);
});

test("typed amounts become exact minor units, no floats", () => {
  assert.equal(parseMajor("150", "usd"), 15000);
  assert.equal(parseMajor("150.5", "usd"), 15050);
  assert.equal(parseMajor("0.07", "eur"), 7);
  assert.equal(parseMajor("19.99", "usd"), 1999);       // 19.99 * 100 is 1998.9999... as a float
  assert.equal(parseMajor("1200", "jpy"), 1200);
  assert.equal(parseMajor("1,5", "eur"), 150);
});

test("what is not a price is refused", () => {
  for (const bad of ["", "abc", "-5", "1.234", "1e3", "12.5.1"]) {
    assert.equal(parseMajor(bad, "usd"), null, bad);
  }
  assert.equal(parseMajor("12.5", "jpy"), null);
});

test("minor units round-trip through the input box", () => {
  for (const [amount, currency] of [[15000, "usd"], [7, "eur"], [1999, "gbp"], [500, "jpy"]]) {
    assert.equal(parseMajor(toMajorText(amount, currency), currency), amount);
  }
  assert.equal(toMajorText(7, "usd"), "0.07");
});

test("formatting shows the currency", () => {
  assert.match(formatMoney(15000, "usd"), /150/);
  assert.match(formatMoney(15000, "usd"), /\$|USD/);
});

test("decimals come from the server's ISO 4217 table", () => {
  assert.equal(decimalsOf("kwd"), 3);
  assert.equal(parseMajor("1.234", "kwd"), 1234);
  assert.equal(toMajorText(1234, "kwd"), "1.234");
});
