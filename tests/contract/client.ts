// A front end's first day with lapak: types generated from /openapi.json by
// openapi-typescript, calls made with openapi-fetch, compiled with `tsc --strict`
// (plus noUncheckedIndexedAccess and exactOptionalPropertyTypes), then run against the
// real server. If the spec lies (a null where it promised a string, a missing field, a
// misnamed operation), this either does not compile or throws.

import createClient from "openapi-fetch";
import type { components, operations, paths } from "./gen/api.js";

type Schemas = components["schemas"];
// Operations have stable, readable ids.
type ListProducts = operations["listProducts"];
type CreateTransaction = operations["createTransaction"];
type AdminListUsers = operations["adminListUsers"];
type _Ids = [ListProducts, CreateTransaction, AdminListUsers];

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`${name} is needed`);
  return v;
}
const base = env("LAPAK_URL");
const adminEmail = env("LAPAK_ADMIN_EMAIL");
const adminPassword = env("LAPAK_ADMIN_PASSWORD");

const api = createClient<paths>({ baseUrl: base });
const authed = (token: string) => ({ Authorization: `Bearer ${token}` });

function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`contract: ${what}`);
}

function summary(p: Schemas["ProductSummary"]): string {
  // Absent fields are `undefined`, never `null`: this is safe under --strict.
  const about = p.description !== undefined ? p.description.slice(0, 40) : "";
  const image = p.image !== undefined ? new URL(p.image, base).pathname : "(no image)";
  return `${p.name} [${p.category.name}] ${about} ${image}`;
}

async function main(): Promise<void> {
  // The catalog, as anyone sees it.
  const list = await api.GET("/api/v1/products", { params: { query: { per_page: 100, page: 1 } } });
  check(list.data !== undefined, `products: ${JSON.stringify(list.error)}`);
  check(list.data.data.length > 0, "the demo catalog has products");
  for (const p of list.data.data) summary(p);
  const categories = await api.GET("/api/v1/categories");
  check(categories.data !== undefined && categories.data.length > 0, "categories");

  const xl = await api.GET("/api/v1/products/slug/{slug}", { params: { path: { slug: "xl-pulsa" } } });
  check(xl.data !== undefined, "product by slug");
  const item = xl.data.items.find((i) => i.sku === "xld10");
  check(item !== undefined, "xld10 is on sale");
  for (const field of xl.data.input_fields) {
    const pattern = field.pattern !== undefined ? new RegExp(field.pattern) : null;
    check(field.type.length > 0 && (pattern === null || pattern.test("087800001230")), `input field ${field.name}`);
  }
  const byId = await api.GET("/api/v1/products/{id}", { params: { path: { id: xl.data.id } } });
  check(byId.data?.slug === "xl-pulsa", "product by id");

  const channels = await api.GET("/api/v1/payment-channels", { params: { query: { amount: item.price } } });
  check(channels.data !== undefined, "payment channels");
  const qris = channels.data.find((c) => c.code === "QRIS");
  check(qris !== undefined && qris.total !== undefined && qris.total >= item.price, "QRIS with its total");

  // A guest buys and pays.
  const checkout = await api.POST("/api/v1/transactions", {
    params: { header: { "Idempotency-Key": `contract-${Date.now()}` } },
    body: {
      product_item_id: item.id,
      customer_data: { phone: "087800001230" },
      payment_method: "QRIS",
      customer_name: "Kontrak",
      customer_email: "contract@example.com",
    },
  });
  check(checkout.data !== undefined, `checkout: ${JSON.stringify(checkout.error)}`);
  const order: Schemas["OrderView"] = checkout.data;
  check(order.status === "pending" && order.payment !== undefined, "a pending order with its payment");
  const pay = await fetch(`${base}/demo/tripay/checkout/${order.payment.reference}/pay`, { method: "POST", redirect: "manual" });
  check(pay.status === 303, "the demo payment page takes the payment");
  let done: Schemas["OrderView"] | undefined;
  for (let i = 0; i < 100 && done?.status !== "success"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const got = await api.GET("/api/v1/transactions/{code}", {
      params: { path: { code: order.transaction_code }, query: { email: "contract@example.com" } },
    });
    done = got.data;
  }
  check(done?.status === "success" && done.sn.length > 0, `the order completes with an SN: ${JSON.stringify(done)}`);

  // Errors have one typed shape, naming the field.
  const bad = await api.POST("/api/v1/transactions", {
    body: { product_item_id: item.id, customer_data: { phone: "1" }, payment_method: "QRIS", customer_name: "K", customer_email: "k@example.com" },
  });
  const err: Schemas["ErrorBody"] | undefined = bad.error;
  check(err !== undefined && err.status === 422 && err.field === "customer_data.phone", `a field error: ${JSON.stringify(bad.error)}`);

  // A member: register, profile, history.
  const email = `member-${Date.now()}@example.com`;
  const reg = await api.POST("/api/v1/auth/register", {
    body: { name: "Anggota", email, phone: `0812${String(Date.now()).slice(-8)}`, password: "kopi tubruk pagi" },
  });
  check(reg.data !== undefined, `register: ${JSON.stringify(reg.error)}`);
  const token = reg.data.token;
  const me = await api.GET("/api/v1/me", { headers: authed(token) });
  check(me.data?.email === email && me.data.avatar === undefined, "a new member has no avatar (absent, not null)");
  const history = await api.GET("/api/v1/transactions", { headers: authed(token), params: { query: { per_page: 10 } } });
  check(history.data?.meta.total === 0, "a new member has no orders");
  const notes = await api.GET("/api/v1/notifications", { headers: authed(token) });
  check(notes.data !== undefined, "notifications");

  // The admin.
  const login = await api.POST("/api/v1/auth/login", { body: { identifier: adminEmail, password: adminPassword } });
  check(login.data !== undefined, "admin login");
  const admin = authed(login.data.token);
  const users = await api.GET("/api/v1/admin/users", { headers: admin, params: { query: { per_page: 5 } } });
  check(users.data !== undefined && users.data.meta.total >= 1, "the admin's user list");
  const created = await api.POST("/api/v1/admin/users", {
    headers: admin,
    body: { name: "Staf", email: `staf-${Date.now()}@example.com`, password: "kopi tubruk pagi" },
  });
  check(created.data !== undefined, `the admin creates a user: ${JSON.stringify(created.error)}`);
  const orders = await api.GET("/api/v1/admin/transactions", { headers: admin, params: { query: { search: order.transaction_code } } });
  check(orders.data?.data[0]?.transaction_code === order.transaction_code, "the admin finds the order");
  const detail = await api.GET("/api/v1/admin/transactions/{code}", { headers: admin, params: { path: { code: order.transaction_code } } });
  check(detail.data !== undefined && detail.data.logs.length >= 3, "the order's history");
  const voucher = await api.POST("/api/v1/admin/vouchers", {
    headers: admin,
    body: { code: `K${Date.now() % 1_000_000}`, name: "Kontrak", type: "fixed", value: 500 },
  });
  check(voucher.data !== undefined, `voucher create: ${JSON.stringify(voucher.error)}`);
  const patched = await api.PATCH("/api/v1/admin/vouchers/{id}", { headers: admin, params: { path: { id: voucher.data.id } }, body: { value: 700 } });
  check(patched.data?.value === 700, "voucher update with only what changes");
  const stats = await api.GET("/api/v1/admin/transactions/statistics", { headers: admin });
  check(stats.data !== undefined && stats.data.total >= 1, "order statistics");
  console.log("typescript contract: ok");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
