//! The tags that group the OpenAPI document.

use poem_openapi::Tags;

#[derive(Tags)]
pub enum ApiTags {
    /// Register, log in, log out.
    Auth,
    /// The caller's own account.
    Account,
    /// Categories, products and their items, priced for the caller.
    Catalog,
    /// Admin: categories, products and items.
    AdminCatalog,
    /// Admin: users.
    AdminUsers,
    /// Checkout, orders, payment channels.
    Orders,
    /// Balance, mutations, deposits, withdrawals.
    Wallet,
    /// Admin: orders.
    AdminOrders,
    /// Admin: dashboard, reports, CSV export.
    AdminReports,
    /// Admin: balances, withdrawals, refunds.
    AdminWallet,
    /// Admin: the activity log, system information, background jobs.
    AdminSystem,
    /// Calls from Digiflazz and Tripay.
    Webhooks,
}
