// An integrator's TypeScript against the types openapi-typescript generates from the served schema (default
// options), compiled by tests/test_generated_typescript_types.py with `tsc --noEmit --strict` next to the
// generated `api.d.ts`. Each `@ts-expect-error` is a promise of the contract: tsc fails if the line compiles.
import type { components, paths } from "./api";

type Schemas = components["schemas"];
type TicketCreate = Schemas["TicketCreateInputRequest"];
type Ticket = Schemas["TicketDetailOutput"];
type Order = Schemas["OrderOutput"];
type TicketPage = paths["/api/v1/tickets/"]["get"]["responses"][200]["content"]["application/json"];
type TicketCreateContent = paths["/api/v1/tickets/"]["post"]["requestBody"]["content"];
type EvidenceContent = NonNullable<paths["/api/v1/aftersales/requests/{id}/evidence/"]["post"]["requestBody"]>["content"];

// A ticket create body: JSON, the buyer and the order nested in it.
export const createBody: TicketCreate = {
  kind: "inquiry",
  category: "shipping_urge",
  channel: "api",
  priority: "normal",
  subject: "什么时候发货？",
  description: "下单三天了",
  customer: { name: "王小明", platform: "taobao", platform_account_id: "tb_wxm" },
  order: {
    order_number: "TB2026112300001",
    status: "delivered",
    paid_amount: "79.00",
    lines: [{ sku: "TS-L", title: "纯棉T恤 L", quantity: 1, unit_price: "79.00" }],
  },
  external_id: "tb-conv-0001",
};

// Fields the server defaults (category, description, channel, priority, external_id) may be left out.
export const minimalBody: TicketCreate = {
  kind: "inquiry",
  subject: "发什么快递？",
  customer: { name: "李雷", platform: "jd", platform_account_id: "jd_lilei" },
};

// @ts-expect-error the buyer is required
export const withoutBuyer: TicketCreate = { kind: "inquiry", subject: "x" };

// @ts-expect-error kind is one of the declared values
export const unknownKind: TicketCreate = { ...createBody, kind: "question" };

// Nested writes are JSON only: the create offers no form version of its body ...
export const json: keyof TicketCreateContent = "application/json";
// @ts-expect-error no multipart version of a nested body
export const multipart: keyof TicketCreateContent = "multipart/form-data";
// @ts-expect-error no urlencoded version either
export const urlencoded: keyof TicketCreateContent = "application/x-www-form-urlencoded";
// ... and the evidence upload, a file, is multipart alone.
export const upload: keyof EvidenceContent = "multipart/form-data";
// @ts-expect-error the upload takes no JSON
export const uploadAsJson: keyof EvidenceContent = "application/json";

// A ticket's order may be missing, and its dates are null until the order is paid, shipped, delivered.
export function paidAt(ticket: Ticket): Date | null {
  const order: Order | null = ticket.order;
  if (order === null) {
    return null;
  }
  // @ts-expect-error paid_at may be null: not usable as a string before the check
  const unchecked: string = order.paid_at;
  return order.paid_at === null ? null : new Date(order.paid_at);
}

export const unpaid: Pick<Order, "paid_at" | "shipped_at" | "delivered_at"> = {
  paid_at: null,
  shipped_at: null,
  delivered_at: null,
};

// A page of tickets: next is the following page as a full URL, or null on the last page; its cursor is what
// the operation's cursor parameter takes.
export function nextCursor(page: TicketPage): string | null {
  // @ts-expect-error next is null on the last page
  const always: string = page.next;
  if (page.next === null) {
    return null;
  }
  return new URL(page.next).searchParams.get("cursor");
}

export function subjects(page: TicketPage): string[] {
  return page.results.map((ticket) => `${ticket.reference} ${ticket.subject}`);
}
