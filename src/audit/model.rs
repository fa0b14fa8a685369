//! What an audit record says: a known action, the row it touched, a short description
//! and optional structured detail. The actor comes from `auth::model::Actor`.

use poem_openapi::Object;
use serde_json::Value;

use crate::{db::text_enum, web::pagination::PageMeta};

/// Every action lapak records. The stored strings are the seed's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Register,
    GoogleLink,
    ApiKeySuspend,
    ApiKeyUnsuspend,
    PasswordChange,
    PasswordReset,
    AccountDelete,
    GuestOrdersClaim,
    CreateAdmin,
    UserCreate,
    UserUpdate,
    BalanceAdjust,
    WithdrawalApproved,
    WithdrawalRejected,
    WithdrawalCompleted,
    CategoryCreate,
    CategoryUpdate,
    CategoryDeactivate,
    ProductCreate,
    ProductUpdate,
    ProductDeactivate,
    ItemCreate,
    ItemUpdate,
    ItemDeactivate,
    BulkPrices,
    ProductsSync,
    PricingRuleCreate,
    PricingRuleUpdate,
    PricingRuleDelete,
    VoucherCreate,
    VoucherUpdate,
    VoucherDeactivate,
    BannerCreate,
    BannerUpdate,
    BannerReorder,
    BannerDelete,
    SettingUpdate,
    SettingBulkUpdate,
    SettingDelete,
    OrderStatus,
    OrderRecheck,
    OrderRetry,
    OrderRefund,
    OrderMarkRefunded,
    OrderResolve,
    JobRetry,
    ActivityClean,
    /// lapak called Tripay to create a payment (system record: facts, never secrets).
    UpstreamTripayCreate,
    /// lapak called Digiflazz about an order.
    UpstreamDigiflazz,
}

text_enum!(Action {
    Register => "register",
    GoogleLink => "google.link",
    ApiKeySuspend => "api_key.suspend",
    ApiKeyUnsuspend => "api_key.unsuspend",
    PasswordChange => "password.change",
    PasswordReset => "password.reset",
    AccountDelete => "account.delete",
    GuestOrdersClaim => "guest_orders.claim",
    CreateAdmin => "create_admin",
    UserCreate => "user.create",
    UserUpdate => "user.update",
    BalanceAdjust => "balance.adjust",
    WithdrawalApproved => "withdrawal.approved",
    WithdrawalRejected => "withdrawal.rejected",
    WithdrawalCompleted => "withdrawal.completed",
    CategoryCreate => "category.create",
    CategoryUpdate => "category.update",
    CategoryDeactivate => "category.deactivate",
    ProductCreate => "product.create",
    ProductUpdate => "product.update",
    ProductDeactivate => "product.deactivate",
    ItemCreate => "item.create",
    ItemUpdate => "item.update",
    ItemDeactivate => "item.deactivate",
    BulkPrices => "products.bulk_prices",
    ProductsSync => "products.sync",
    PricingRuleCreate => "pricing_rule.create",
    PricingRuleUpdate => "pricing_rule.update",
    PricingRuleDelete => "pricing_rule.delete",
    VoucherCreate => "voucher.create",
    VoucherUpdate => "voucher.update",
    VoucherDeactivate => "voucher.deactivate",
    BannerCreate => "banner.create",
    BannerUpdate => "banner.update",
    BannerReorder => "banner.reorder",
    BannerDelete => "banner.delete",
    SettingUpdate => "setting.update",
    SettingBulkUpdate => "setting.bulk_update",
    SettingDelete => "setting.delete",
    OrderStatus => "transaction.status",
    OrderRecheck => "transaction.recheck",
    OrderRetry => "transaction.retry",
    OrderRefund => "transaction.refund",
    OrderMarkRefunded => "transaction.mark_refunded",
    OrderResolve => "transaction.resolve",
    JobRetry => "job.retry",
    ActivityClean => "activity_logs.clean",
    UpstreamTripayCreate => "upstream.tripay.create",
    UpstreamDigiflazz => "upstream.digiflazz.transaction",
});

/// The row an action touched (`model_type`, `model_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    None,
    User(i64),
    Order(i64),
    Withdrawal(i64),
    Category(i64),
    Product(i64),
    Item(i64),
    PricingRule(i64),
    Voucher(i64),
    /// One banner, or all of them (a reorder).
    Banners(Option<i64>),
    Setting,
}

impl Subject {
    pub fn parts(self) -> (Option<&'static str>, Option<i64>) {
        match self {
            Subject::None => (None, None),
            Subject::User(id) => (Some("user"), Some(id)),
            Subject::Order(id) => (Some("transaction"), Some(id)),
            Subject::Withdrawal(id) => (Some("withdrawal"), Some(id)),
            Subject::Category(id) => (Some("product_category"), Some(id)),
            Subject::Product(id) => (Some("product"), Some(id)),
            Subject::Item(id) => (Some("product_item"), Some(id)),
            Subject::PricingRule(id) => (Some("pricing_rule"), Some(id)),
            Subject::Voucher(id) => (Some("voucher"), Some(id)),
            Subject::Banners(id) => (Some("banner"), id),
            Subject::Setting => (Some("setting"), None),
        }
    }
}

/// One audit entry, before it is written.
#[derive(Clone, Debug)]
pub struct Record {
    pub action: Action,
    pub subject: Subject,
    pub description: String,
    pub meta: Option<Value>,
}

impl Record {
    pub fn new(action: Action, subject: Subject, description: impl Into<String>) -> Self {
        Record { action, subject, description: description.into(), meta: None }
    }

    pub fn with_meta(mut self, meta: Value) -> Self {
        self.meta = Some(meta);
        self
    }
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    pub action: Option<String>,
    pub user_id: Option<i64>,
    pub search: Option<String>,
    /// Stored timestamps bounding `created_at` (from inclusive, until exclusive).
    pub from: Option<String>,
    pub until: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Activity {
    pub id: i64,
    pub user_id: Option<i64>,
    pub user_email: Option<String>,
    pub action: String,
    pub model_type: Option<String>,
    pub model_id: Option<i64>,
    pub description: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub meta_data: Option<Value>,
    pub created_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ActivityList {
    pub data: Vec<Activity>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ActionCount {
    pub action: String,
    pub count: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Cleaned {
    pub deleted: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CleanRequest {
    /// Delete entries older than this many days (1..=365).
    #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
    pub days: i64,
}
