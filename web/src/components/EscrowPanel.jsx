// The escrow of a challenge: fund through the checkout, submit, release, refund, dispute, each
// behind a confirmation; milestones and the append-only ledger shown; kept live (escrow:updated,
// and fetched again after every reconnection).
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api.js";
import { useLoad, useOnReconnect, useStore } from "../lib/hooks.js";
import { location } from "../lib/router.js";
import { realtime } from "../lib/realtime.js";
import { formatMoney } from "../lib/money.js";
import { formatTime, label } from "../lib/format.js";
import { toast } from "../lib/notifications.js";
import { ErrorBox, StateBadge } from "./ui.jsx";
import { ConfirmButton } from "./Confirm.jsx";

const HOLDING = ["funded", "partially_released"];

function heldOf(escrow) {
  // HTTP gives held as {amount, currency}, the socket push as a bare number.
  if (escrow.held && typeof escrow.held === "object") return escrow.held.amount;
  if (Number.isInteger(escrow.held)) return escrow.held;
  let held = 0;
  for (const entry of escrow.ledger || []) held += entry.kind === "fund" ? entry.amount : -entry.amount;
  return held;
}

export function EscrowPanel({ challenge, isOwner, isSolver }) {
  const base = `/challenges/${encodeURIComponent(challenge.id)}`;
  const loaded = useLoad(async () => {
    try {
      return await api("GET", `${base}/escrow`);
    } catch (error) {
      if (error.status === 404) return null;   // not funded yet: no escrow exists
      throw error;
    }
  }, [challenge.id, challenge.state]);
  useEffect(() => realtime.on("escrow:updated", (payload) => {
    const escrow = payload && (payload.escrow || payload);
    if (escrow && escrow.challenge_id === challenge.id) loaded.setData(escrow);
  }), [challenge.id]);
  useOnReconnect(loaded.reload, [challenge.id]);
  const { search } = useStore(location);
  const [leaving, setLeaving] = useState(false);
  const escrow = loaded.data && (loaded.data.escrow || loaded.data);
  // The API gives money as {amount, currency}; older shapes had a bare amount and a currency.
  const total = escrow && (typeof escrow.amount === "object" ? escrow.amount
    : { amount: escrow.amount, currency: escrow.currency });
  const currency = total ? total.currency : challenge.reward.currency;
  const money = (amount) => formatMoney(amount, currency);
  const update = (data) => {
    const next = data && (data.escrow || data);
    if (next && next.challenge_id) loaded.setData(next);
    else loaded.reload();
  };

  // One next step: the checkout page, in this tab (it sends the payer back to this page). Asking
  // again for an escrow awaiting its payment gives the same checkout (the call is idempotent).
  const toCheckout = async () => {
    const data = await api("POST", `${base}/escrow/fund`);
    setLeaving(true);
    window.location.assign(data.checkout_url);
  };
  const canFund = isOwner && (!escrow || escrow.state === "awaiting_funding")
    && ["open", "in_progress"].includes(challenge.state);
  const confirming = escrow && escrow.state === "awaiting_funding"
    && new URLSearchParams(search).get("payment") === "done";
  const [fundError, setFundError] = useState(null);
  const holding = escrow && HOLDING.includes(escrow.state);
  const released = escrow && (escrow.ledger || []).some((e) => e.kind === "release");

  return (
    <section class="panel escrow" aria-labelledby="escrow-title">
      <h2 id="escrow-title">Escrow</h2>
      <ErrorBox error={loaded.error || fundError} />
      {!escrow && <p class="muted">Not funded yet. {isOwner ? "Fund the reward to let the work start." : ""}</p>}
      {escrow && (
        <p>
          <StateBadge state={escrow.state} /> · total {money(total.amount)} · held {money(heldOf(escrow))}
          {escrow.dispute && <> · dispute{escrow.dispute.resolved_by ? " (resolved)" : ""}: <q>{escrow.dispute.reason}</q></>}
        </p>
      )}
      <div class="actions">
        {canFund && !escrow && (
          <ConfirmButton label="Fund escrow" class="primary" confirmLabel="Go to checkout"
            message={`Pay ${formatMoney(challenge.reward.amount, challenge.reward.currency)} into escrow? You pay on the checkout page next; the money is held until you release it.`}
            onConfirm={toCheckout} />
        )}
        {canFund && escrow && !confirming && (
          <button type="button" class="primary" disabled={leaving}
            onClick={() => { setFundError(null); toCheckout().catch(setFundError); }}>
            {leaving ? "Opening the checkout…" : `Continue to checkout (${money(total.amount)})`}
          </button>
        )}
        {canFund && confirming && <p class="muted" role="status">Confirming your payment…</p>}
        {isOwner && holding && !released && (
          <ConfirmButton label="Refund" danger confirmLabel="Refund"
            message={`Refund ${money(heldOf(escrow))} to you and end the work?`}
            onConfirm={async () => { update(await api("POST", `${base}/escrow/refund`)); toast("Refunded."); }} />
        )}
        {(isOwner || isSolver) && holding && (
          <ConfirmButton label="Open a dispute" danger confirmLabel="Open dispute" ask="Reason"
            message="A moderator will decide how the held money is split. Money stays frozen until then."
            onConfirm={async (reason) => { update(await api("POST", `${base}/escrow/dispute`, { reason })); toast("Dispute opened."); }} />
        )}
      </div>
      {escrow && (
        <>
          <h3>Milestones</h3>
          <ol class="milestones">
            {escrow.milestones.map((m) => (
              <li key={m.n}>
                <span>{m.title} — {money(m.amount)} — <StateBadge state={m.state} /></span>
                {m.note && <p class="prose">Note: {m.note}</p>}
                <span class="actions">
                  {isSolver && holding && m.state === "pending" && (
                    <ConfirmButton label={`Submit milestone ${m.n}`} confirmLabel="Submit" ask="What you delivered"
                      message="Tell the challenger the work for this milestone is done."
                      onConfirm={async (note) => { await api("POST", `${base}/milestones/${m.n}/submit`, { note }); loaded.reload(); toast("Submitted."); }} />
                  )}
                  {isOwner && holding && ["pending", "submitted"].includes(m.state) && (
                    <ConfirmButton label={`Release milestone ${m.n}`} class="primary" confirmLabel="Release"
                      message={`Pay ${money(m.amount)} to the solver? This cannot be undone.`}
                      onConfirm={async () => { update(await api("POST", `${base}/milestones/${m.n}/release`)); toast("Released."); }} />
                  )}
                </span>
              </li>
            ))}
          </ol>
          <h3>Ledger</h3>
          <table class="ledger">
            <caption class="sr-only">Every movement of money for this challenge</caption>
            <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Amount</th><th scope="col">Fee</th></tr></thead>
            <tbody>
              {(escrow.ledger || []).map((e, i) => (
                <tr key={i}>
                  <td>{formatTime(e.at)}</td>
                  <td>{label(e.kind)}{e.milestone ? ` (milestone ${e.milestone})` : ""}</td>
                  <td>{money(e.amount)}</td>
                  <td>{e.fee ? money(e.fee) : "—"}</td>
                </tr>
              ))}
              {!(escrow.ledger || []).length && <tr><td colSpan={4}>No money has moved yet.</td></tr>}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
