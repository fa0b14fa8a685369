// Words of the storefront, Indonesian first; English when the buyer switches.

const WORDS = {
  id: {
    search: 'Cari produk…', all: 'Semua', featured: 'Pilihan', popular: 'Terlaris', products: 'Produk', from: 'mulai',
    chooseItem: 'Pilih nominal', unavailable: 'Tidak tersedia', yourData: 'Data akun', payWith: 'Metode pembayaran',
    balance: 'Saldo', fee: 'biaya', contact: 'Kontak pembeli', name: 'Nama', email: 'E-mail', phone: 'No. HP (opsional)',
    voucher: 'Kode voucher (opsional)', buy: 'Beli sekarang', total: 'Total', operator: 'Operator',
    wrongOperator: (op, brand) => `Nomor ini ${op}, bukan ${brand}`, required: 'Wajib diisi', badFormat: 'Format tidak sesuai',
    pickItem: 'Pilih nominal dulu', pickPay: 'Pilih metode pembayaran', order: 'Pesanan', status: 'Status',
    statuses: { pending: 'Menunggu pembayaran', processing: 'Diproses', success: 'Berhasil', failed: 'Gagal', refunded: 'Dana dikembalikan', expired: 'Kedaluwarsa' },
    payBefore: 'Bayar sebelum', left: 'sisa', scanQr: 'Pindai QR ini dengan aplikasi e-wallet atau m-banking', vaNumber: 'Nomor pembayaran',
    copy: 'Salin', copied: 'Disalin', openPay: 'Buka halaman pembayaran', sn: 'SN / Token', print: 'Cetak struk',
    refundedMsg: 'Pesanan gagal; dana dikembalikan ke metode pembayaran atau saldo Anda.',
    failedMsg: 'Pesanan gagal. Jika Anda sudah membayar, dana akan dikembalikan.',
    proveTitle: 'Lihat pesanan', proveHint: 'Masukkan e-mail atau nomor HP yang dipakai saat membeli.', show: 'Tampilkan',
    notYours: 'Pesanan tidak ditemukan untuk data ini.', login: 'Masuk', register: 'Daftar', logout: 'Keluar', password: 'Kata sandi',
    identifier: 'E-mail atau No. HP', myOrders: 'Riwayat pesanan', noOrders: 'Belum ada pesanan.', account: 'Akun',
    noAccount: 'Belum punya akun?', haveAccount: 'Sudah punya akun?', product: 'Produk', customerNo: 'Tujuan', discount: 'Diskon',
    notFound: 'Halaman tidak ditemukan.', loading: 'Memuat…', date: 'Tanggal', apply: 'Pakai', buyAgain: 'Ya, beli lagi untuk nomor ini',
    notifications: 'Notifikasi', unread: 'belum dibaca', readAll: 'Tandai semua dibaca', mutations: 'Mutasi saldo', deposit: 'Isi saldo',
    amount: 'Jumlah (Rp)', withdraw: 'Tarik saldo', bank: 'Bank / e-wallet', accountNumber: 'Nomor rekening', accountName: 'Nama pemilik',
    profile: 'Profil', save: 'Simpan', saved: 'Tersimpan', allStatuses: 'Semua status', claim: 'Klaim pesanan tamu dengan e-mail ini',
    claimSent: 'Tautan konfirmasi dikirim ke e-mail Anda.', claimed: (n) => `${n} pesanan tamu dipindahkan ke akun Anda.`,
    forgot: 'Lupa kata sandi?', sendLink: 'Kirim tautan', linkSent: 'Jika alamat ini terdaftar, tautan reset sudah dikirim.',
    newPassword: 'Kata sandi baru', resetDone: 'Kata sandi diganti. Silakan masuk.', withdrawals: 'Penarikan',
    checkBill: 'Cek tagihan', bill: 'Tagihan', billName: 'Nama pelanggan', period: 'Periode', penalty: 'Denda',
    meter: 'Stand meter', adminFee: 'Biaya admin', payBill: 'Bayar tagihan', quoteUntil: 'Harga berlaku sampai',
    billAmount: 'Jumlah tagihan', checkFirst: 'Cek tagihan dulu',
  },
  en: {
    search: 'Search products…', all: 'All', featured: 'Featured', popular: 'Best sellers', products: 'Products', from: 'from',
    chooseItem: 'Choose an item', unavailable: 'Unavailable', yourData: 'Account details', payWith: 'Payment method',
    balance: 'Balance', fee: 'fee', contact: 'Your contact', name: 'Name', email: 'E-mail', phone: 'Phone (optional)',
    voucher: 'Voucher code (optional)', buy: 'Buy now', total: 'Total', operator: 'Operator',
    wrongOperator: (op, brand) => `This number is ${op}, not ${brand}`, required: 'Required', badFormat: 'Wrong format',
    pickItem: 'Choose an item first', pickPay: 'Choose a payment method', order: 'Order', status: 'Status',
    statuses: { pending: 'Waiting for payment', processing: 'Processing', success: 'Success', failed: 'Failed', refunded: 'Refunded', expired: 'Expired' },
    payBefore: 'Pay before', left: 'left', scanQr: 'Scan this QR with an e-wallet or banking app', vaNumber: 'Payment number',
    copy: 'Copy', copied: 'Copied', openPay: 'Open the payment page', sn: 'SN / Token', print: 'Print receipt',
    refundedMsg: 'The order failed; the money went back to your payment method or balance.',
    failedMsg: 'The order failed. If you paid, the money will be returned.',
    proveTitle: 'View order', proveHint: 'Enter the e-mail or phone number used for the purchase.', show: 'Show',
    checkBill: 'Check the bill', bill: 'Bill', billName: 'Customer name', period: 'Period', penalty: 'Penalty',
    meter: 'Meter reading', adminFee: 'Admin fee', payBill: 'Pay the bill', quoteUntil: 'Price holds until',
    billAmount: 'Bill amount', checkFirst: 'Check the bill first',
    notYours: 'No order matches these details.', login: 'Log in', register: 'Register', logout: 'Log out', password: 'Password',
    identifier: 'E-mail or phone', myOrders: 'Order history', noOrders: 'No orders yet.', account: 'Account',
    noAccount: 'No account yet?', haveAccount: 'Have an account?', product: 'Product', customerNo: 'Destination', discount: 'Discount',
    notFound: 'Page not found.', loading: 'Loading…', date: 'Date', apply: 'Apply', buyAgain: 'Yes, buy again for this number',
    notifications: 'Notifications', unread: 'unread', readAll: 'Mark all read', mutations: 'Balance history', deposit: 'Top up balance',
    amount: 'Amount (Rp)', withdraw: 'Withdraw', bank: 'Bank / e-wallet', accountNumber: 'Account number', accountName: 'Account holder',
    profile: 'Profile', save: 'Save', saved: 'Saved', allStatuses: 'All statuses', claim: 'Claim guest orders made with this e-mail',
    claimSent: 'A confirmation link was sent to your e-mail.', claimed: (n) => `${n} guest order(s) moved to your account.`,
    forgot: 'Forgot your password?', sendLink: 'Send link', linkSent: 'If this address has an account, a reset link is on its way.',
    newPassword: 'New password', resetDone: 'Password changed. Please log in.', withdrawals: 'Withdrawals',
  },
};

let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'id';

export const t = (key, ...args) => { const w = WORDS[lang][key] ?? WORDS.id[key] ?? key; return typeof w === 'function' ? w(...args) : w; };
export const language = () => lang;
export function setLanguage(l) { lang = l === 'en' ? 'en' : 'id'; localStorage.setItem('lang', lang); document.documentElement.lang = lang; }
