// Reads a VietQR string (argv[2]) with vietnam-qr-pay, a parser written outside this
// project, and prints what it found as JSON: the payment tests compare it field by field
// with what our encoder meant (cli/tests/cli_payments.rs).
const { QRPay } = require('vietnam-qr-pay');

const parsed = new QRPay(process.argv[2]);
process.stdout.write(JSON.stringify({
  valid: parsed.isValid,
  version: parsed.version,
  init_method: parsed.initMethod,
  provider_guid: parsed.provider && parsed.provider.guid,
  provider_name: parsed.provider && parsed.provider.name,
  service: parsed.provider && parsed.provider.service,
  bank_bin: parsed.consumer && parsed.consumer.bankBin,
  account: parsed.consumer && parsed.consumer.bankNumber,
  currency: parsed.currency,
  amount: parsed.amount,
  nation: parsed.nation,
  purpose: parsed.additionalData && parsed.additionalData.purpose,
  crc: parsed.crc,
}));
