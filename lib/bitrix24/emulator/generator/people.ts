/**
 * Names, phones and e-mails derived from a person or company key. The same key always yields the same
 * identity, which is how duplicates (a second record for the same phone and e-mail) are produced.
 */
import type { MultiFieldValue } from "../types";
import { hash32 } from "./rng";

const FEMALE_NAMES = [
  "Anna", "Maria", "Elena", "Olga", "Natalia", "Tatiana", "Irina", "Ekaterina", "Svetlana", "Yulia",
  "Anastasia", "Victoria", "Daria", "Polina", "Ksenia", "Emma", "Sophia", "Laura", "Julia", "Lena",
];

const MALE_NAMES = [
  "Ivan", "Sergey", "Dmitry", "Alexey", "Andrey", "Mikhail", "Nikolay", "Pavel", "Artem", "Roman",
  "Maxim", "Kirill", "Egor", "Denis", "Oleg", "John", "Michael", "David", "Peter", "Thomas",
];

/** Surnames as [male, female] forms: Russian surnames agree with gender. */
const SURNAMES: readonly [string, string][] = [
  ["Ivanov", "Ivanova"], ["Petrov", "Petrova"], ["Smirnov", "Smirnova"], ["Kuznetsov", "Kuznetsova"],
  ["Popov", "Popova"], ["Vasiliev", "Vasilieva"], ["Sokolov", "Sokolova"], ["Mikhailov", "Mikhailova"],
  ["Novikov", "Novikova"], ["Fedorov", "Fedorova"], ["Morozov", "Morozova"], ["Volkov", "Volkova"],
  ["Alekseev", "Alekseeva"], ["Lebedev", "Lebedeva"], ["Semenov", "Semenova"], ["Egorov", "Egorova"],
  ["Pavlov", "Pavlova"], ["Kozlov", "Kozlova"], ["Stepanov", "Stepanova"], ["Nikolaev", "Nikolaeva"],
  ["Orlov", "Orlova"], ["Andreev", "Andreeva"], ["Makarov", "Makarova"], ["Zakharov", "Zakharova"],
  ["Zaitsev", "Zaitseva"], ["Solovyov", "Solovyova"], ["Borisov", "Borisova"], ["Yakovlev", "Yakovleva"],
  ["Grigoriev", "Grigorieva"], ["Romanov", "Romanova"], ["Weber", "Weber"], ["Schmidt", "Schmidt"],
  ["Miller", "Miller"], ["Wilson", "Wilson"], ["Becker", "Becker"], ["Taylor", "Taylor"],
];

/** First name and matching surname for a hash. */
function nameOf(h: number): { first: string; last: string; fi: number; li: number; female: boolean } {
  const female = (h & 1) === 1;
  const names = female ? FEMALE_NAMES : MALE_NAMES;
  const fi = (h >>> 1) % names.length;
  const li = (h >>> 9) % SURNAMES.length;
  return { first: names[fi], last: SURNAMES[li][female ? 1 : 0], fi, li, female };
}

const lower = (list: readonly string[]) => list.map((n) => n.toLowerCase());
const FEMALE_LOWER = lower(FEMALE_NAMES);
const MALE_LOWER = lower(MALE_NAMES);
const SURNAMES_LOWER = SURNAMES.map(([m, f]) => [m.toLowerCase(), f.toLowerCase()] as const);

const COMPANY_WORDS = [
  "Nordic", "Vector", "Atlas", "Orion", "Delta", "Granite", "Polar", "Summit", "Baltic", "Vertex",
  "Aurora", "Ural", "Volga", "Titan", "Neva", "Zenith", "Altai", "Sibir", "Pioneer", "Meridian",
];

const COMPANY_NOUNS = [
  "Logistics", "Trade", "Systems", "Engineering", "Foods", "Build", "Pharma", "Textiles", "Motors",
  "Consulting", "Energy", "Media", "Retail", "Technologies", "Agro", "Metal", "Furniture", "Print",
];

const LEGAL = ["LLC", "JSC", "Ltd", "Group", "& Co", "Inc"];

const CITIES = [
  "Moscow", "Kazan", "Samara", "Perm", "Omsk", "Tula", "Tver", "Sochi", "Ufa", "Tomsk", "Kursk", "Orel", "Penza",
  "Minsk", "Almaty", "Riga", "Vilnius", "Tallinn", "Berlin", "Warsaw", "Prague", "Vienna", "Sofia", "Baku", "Yerevan",
];

export const INDUSTRIES = ["IT", "MANUFACTURING", "TELECOM", "FINANCE", "DELIVERY", "CONSULTING", "ENTERTAINMENT", "GOVERNMENT", "OTHER"];

/**
 * Phone numbers are a bijection of the key (multiplying by a prime coprime to the range), so two people
 * share a number only when they are the same person: duplicates come from keys, never from collisions.
 */
function uniqueNumber(key: number, seed: number, range: number, prime: number): number {
  return (((key % range) * prime + (seed >>> 0)) % range + range) % range;
}

/** Identity of a private person. */
export interface Person {
  first: string;
  last: string;
  phone: string | null;
  email: string | null;
}

/** The identity for a person key (names, and usually a phone and an e-mail). */
export function personOf(seed: number, key: number, countryCode: string): Person {
  const h = hash32(seed, key, 0x9e5);
  const h2 = hash32(h, 7);
  const n = nameOf(h);
  const hasPhone = (h2 & 0xff) < 235;
  const hasEmail = ((h2 >>> 8) & 0xff) < 170;
  const firstLower = (n.female ? FEMALE_LOWER : MALE_LOWER)[n.fi];
  return {
    first: n.first,
    last: n.last,
    phone: hasPhone ? `${countryCode}9${100_000_000 + uniqueNumber(key, seed, 900_000_000, 48_271)}` : null,
    email: hasEmail ? `${firstLower}.${SURNAMES_LOWER[n.li][n.female ? 1 : 0]}.${key}@example.com` : null,
  };
}

/** A person's surname alone (cheap: for titles). */
export function surnameOf(seed: number, key: number): string {
  return nameOf(hash32(seed, key, 0x9e5)).last;
}

/** A company's short name, without number and legal form (cheap: for titles). */
export function shortCompanyName(seed: number, key: number): string {
  const h = hash32(seed, key, 0xc0);
  return `${COMPANY_WORDS[h % COMPANY_WORDS.length]} ${COMPANY_NOUNS[(h >>> 8) % COMPANY_NOUNS.length]}`;
}

/** Identity of a company. */
export interface CompanyIdentity {
  title: string;
  industry: string;
  phone: string | null;
  email: string | null;
}

/** The identity for a company key: title, industry, and usually a phone and an e-mail. */
export function companyOf(seed: number, key: number, countryCode: string): CompanyIdentity {
  const h = hash32(seed, key, 0xc0);
  const h2 = hash32(h, 11);
  const word = COMPANY_WORDS[h % COMPANY_WORDS.length];
  const noun = COMPANY_NOUNS[(h >>> 8) % COMPANY_NOUNS.length];
  const legal = LEGAL[(h >>> 16) % LEGAL.length];
  const city = CITIES[(h >>> 20) % CITIES.length];
  // Under 65 536 distinct titles: names repeat across cities as real ones do, and the store can
  // dictionary-encode them.
  return {
    title: `${word} ${noun} ${city} ${legal}`,
    industry: INDUSTRIES[(h2 >>> 16) % INDUSTRIES.length],
    phone: (h2 & 0xff) < 220 ? `${countryCode}495${1_000_000 + uniqueNumber(key, seed, 9_000_000, 7_919)}` : null,
    email: ((h2 >>> 8) & 0xff) < 200 ? `info@${word.toLowerCase()}-${noun.toLowerCase()}-${key}.example` : null,
  };
}

/** A PHONE multi-field value list (IDs are assigned by the store). */
export function phoneField(phone: string | null, valueType: string): MultiFieldValue[] | null {
  return phone ? [{ VALUE_TYPE: valueType, VALUE: phone, TYPE_ID: "PHONE" }] : null;
}

/** An EMAIL multi-field value list. */
export function emailField(email: string | null): MultiFieldValue[] | null {
  return email ? [{ VALUE_TYPE: "WORK", VALUE: email, TYPE_ID: "EMAIL" }] : null;
}

/** Employee names for user.get. */
export function employeeOf(seed: number, index: number): { first: string; last: string } {
  const { first, last } = nameOf(hash32(seed, index, 0xe3));
  return { first, last };
}

/** Calling code for phones, from the base currency (a rough proxy for the country). */
export function countryCodeFor(currency: string): string {
  switch (currency.toUpperCase()) {
    case "RUB":
    case "KZT":
      return "+7";
    case "BYN":
      return "+375";
    case "UAH":
      return "+380";
    case "EUR":
      return "+49";
    case "GBP":
      return "+44";
    case "PLN":
      return "+48";
    default:
      return "+1";
  }
}
