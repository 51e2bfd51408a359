/**
 * Dates and times for people: one format across the portal, the account's
 * locale and time zone (set once the viewer is known), so a list, a drawer
 * and a dialog never show the same day two ways.
 */
let portalDates: { locale: string | undefined; timeZone: string | undefined } = { locale: undefined, timeZone: undefined };

/** Every date from now on in the account's locale and time zone (an unknown zone keeps the browser's). */
export function setPortalDates(locale: string, timeZone: string): void {
  let zone: string | undefined = timeZone;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
  } catch {
    zone = undefined;
  }
  portalDates = { locale, timeZone: zone };
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function formatDate(value: string | null | undefined, locale?: string): string {
  if (!value) return '—';
  // A bare date ("2026-12-02") is a calendar day: shown as that day, whatever the time zone.
  if (BARE_DATE.test(value)) {
    return new Intl.DateTimeFormat(locale ?? portalDates.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`));
  }
  return new Intl.DateTimeFormat(locale ?? portalDates.locale, { dateStyle: 'medium', timeZone: portalDates.timeZone }).format(new Date(value));
}

export function formatDateTime(value: string | null | undefined, locale?: string): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat(locale ?? portalDates.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: portalDates.timeZone }).format(new Date(value));
}

/** "PARTIALLY_REFUNDED" as "Partially refunded". */
export function humanize(code: string): string {
  const words = code.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
