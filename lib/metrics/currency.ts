/**
 * Money in the client's base currency, converted with the portal's rates (crm.currency.list: AMOUNT_CNT
 * units of a currency are worth AMOUNT units of the portal's base currency; Bitrix24 keeps only current rates).
 */

export interface CurrencyRate {
  currency: string;
  /** Value of one unit in the portal's base currency: AMOUNT ÷ AMOUNT_CNT. */
  rate: number;
}

/**
 * Factor turning one unit of `currency` into the target currency (through the portal's base), or null when
 * either rate is unknown. An empty currency is the portal's base (Bitrix24 leaves CURRENCY_ID empty on some
 * old records).
 */
export function conversionFactor(currency: string | null, target: string, rates: readonly CurrencyRate[], portalBase: string): number | null {
  const code = (currency || portalBase).toUpperCase();
  const rateOf = (c: string) => (c === portalBase.toUpperCase() ? 1 : rates.find((r) => r.currency.toUpperCase() === c)?.rate ?? null);
  const from = rateOf(code);
  const to = rateOf(target.toUpperCase());
  if (from === null || to === null || to === 0) return null;
  return from / to;
}

/** The amount in the target currency, or null when it cannot be converted. */
export function convertAmount(amount: number, currency: string | null, target: string, rates: readonly CurrencyRate[], portalBase: string): number | null {
  const factor = conversionFactor(currency, target, rates, portalBase);
  return factor === null ? null : amount * factor;
}
