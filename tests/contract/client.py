"""The same flows as client.ts, with the Python client openapi-python-client generates
from lapak's /openapi.json (package `lapak_client`). Any answer that does not parse into
its model, or a flow that does not behave, fails the run."""

import os
import time
import urllib.request

from lapak_client import AuthenticatedClient, Client
from lapak_client.api.account import get_profile, list_notifications
from lapak_client.api.admin_catalog import admin_create_voucher, admin_update_voucher
from lapak_client.api.admin_orders import admin_get_transaction, admin_list_transactions, admin_transaction_statistics
from lapak_client.api.admin_users import admin_create_user, admin_list_users
from lapak_client.api.auth import login, register
from lapak_client.api.catalog import get_product, get_product_by_slug, list_categories, list_products
from lapak_client.api.orders import create_transaction, get_transaction, list_payment_channels, list_transactions
from lapak_client.models import (
    CheckoutRequest,
    CheckoutRequestCustomerData,
    ErrorBody,
    LoginRequest,
    OrderView,
    RegisterRequest,
    UserCreate,
    VoucherCreate,
    VoucherKind,
    VoucherUpdate,
)
from lapak_client.types import UNSET

base = os.environ["LAPAK_URL"]
guest = Client(base_url=base, raise_on_unexpected_status=True)


def check(ok, what):
    if not ok:
        raise SystemExit(f"contract (python): {what}")


products = list_products.sync(client=guest, per_page=100, page=1)
check(products is not None and not isinstance(products, ErrorBody) and products.data, f"products: {products}")
for p in products.data:
    about = p.description[:40] if p.description is not UNSET else ""
    check(isinstance(about, str) and p.category.name, "a product summary")
check(list_categories.sync(client=guest), "categories")

xl = get_product_by_slug.sync(slug="xl-pulsa", client=guest)
check(xl is not None and not isinstance(xl, ErrorBody), f"product by slug: {xl}")
item = next(i for i in xl.items if i.sku == "xld10")
check(get_product.sync(id=xl.id, client=guest).slug == "xl-pulsa", "product by id")
channels = list_payment_channels.sync(client=guest, amount=item.price)
qris = next(c for c in channels if c.code == "QRIS")
check(qris.total is not UNSET and qris.total >= item.price, "QRIS with its total")

order = create_transaction.sync(
    client=guest,
    idempotency_key=f"py-{time.time_ns()}",
    body=CheckoutRequest(
        product_item_id=item.id,
        customer_data=CheckoutRequestCustomerData.from_dict({"phone": "087800001230"}),
        payment_method="QRIS",
        customer_name="Kontrak Python",
        customer_email="contract-py@example.com",
    ),
)
check(isinstance(order, OrderView) and order.status.value == "pending", f"checkout: {order}")
pay = urllib.request.Request(f"{base}/demo/tripay/checkout/{order.payment.reference}/pay", method="POST")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


try:
    urllib.request.build_opener(NoRedirect).open(pay)
except urllib.error.HTTPError as e:
    check(e.code == 303, f"the demo payment page: {e.code}")
done = None
for _ in range(100):
    time.sleep(0.1)
    done = get_transaction.sync(code=order.transaction_code, client=guest, email="contract-py@example.com")
    if isinstance(done, OrderView) and done.status.value == "success":
        break
check(isinstance(done, OrderView) and done.status.value == "success" and done.sn, f"the order completes: {done}")

bad = create_transaction.sync(
    client=guest,
    body=CheckoutRequest(
        product_item_id=item.id,
        customer_data=CheckoutRequestCustomerData.from_dict({"phone": "1"}),
        payment_method="QRIS",
        customer_name="K",
        customer_email="k@example.com",
    ),
)
check(isinstance(bad, ErrorBody) and bad.status == 422 and bad.field == "customer_data.phone", f"a field error: {bad}")

email = f"py-{time.time_ns()}@example.com"
reg = register.sync(
    client=guest,
    body=RegisterRequest(name="Anggota Py", email=email, phone=f"0813{str(time.time_ns())[-8:]}", password="kopi tubruk pagi"),
)
check(not isinstance(reg, ErrorBody) and reg.token, f"register: {reg}")
member = AuthenticatedClient(base_url=base, token=reg.token, raise_on_unexpected_status=True)
me = get_profile.sync(client=member)
check(me.email == email and me.avatar is UNSET, "a new member has no avatar (absent, not null)")
history = list_transactions.sync(client=member, per_page=10)
check(history.meta.total == 0, "a new member has no orders")
check(list_notifications.sync(client=member) is not None, "notifications")

session = login.sync(client=guest, body=LoginRequest(identifier=os.environ["LAPAK_ADMIN_EMAIL"], password=os.environ["LAPAK_ADMIN_PASSWORD"]))
admin = AuthenticatedClient(base_url=base, token=session.token, raise_on_unexpected_status=True)
users = admin_list_users.sync(client=admin, per_page=5)
check(users.meta.total >= 1, "the admin's user list")
made = admin_create_user.sync(client=admin, body=UserCreate(name="Staf Py", email=f"staf-py-{time.time_ns()}@example.com", password="kopi tubruk pagi"))
check(not isinstance(made, ErrorBody), f"the admin creates a user: {made}")
found = admin_list_transactions.sync(client=admin, search=order.transaction_code)
check(found.data[0].transaction_code == order.transaction_code, "the admin finds the order")
detail = admin_get_transaction.sync(code=order.transaction_code, client=admin)
check(len(detail.logs) >= 3, "the order's history")
voucher = admin_create_voucher.sync(client=admin, body=VoucherCreate(code=f"PY{time.time_ns() % 1000000}", name="Kontrak", type_=VoucherKind.FIXED, value=500))
check(not isinstance(voucher, ErrorBody), f"voucher create: {voucher}")
changed = admin_update_voucher.sync(id=voucher.id, client=admin, body=VoucherUpdate(value=700))
check(changed.value == 700, "voucher update with only what changes")
check(admin_transaction_statistics.sync(client=admin).total >= 1, "order statistics")
print("python contract: ok")
