/**
 * Growable typed columns for the columnar table. Each column holds one field for every row position and
 * stores it as compactly as its type allows; `null` has a sentinel in every representation.
 */
import type { FieldType, FieldValue, MultiFieldValue } from "../types";

export interface Column {
  get(pos: number): FieldValue;
  set(pos: number, value: FieldValue | undefined): void;
  /** Makes room for at least `capacity` positions (new positions read as null). */
  grow(capacity: number): void;
  /** Shrinks storage to exactly `length` positions. */
  trim(length: number): void;
  /** Approximate bytes held, for memory budgets. */
  bytes(length: number): number;
}

/** Seconds between the Unix epoch and 2000-01-01: Int32 seconds from there cover 1932–2068. */
const TIME_BASE_S = 946_684_800;

function toNumber(value: FieldValue | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * Integers, starting as Int8 and widening to Int16 and Int32 on the first value that does not fit: most
 * coded integers (TYPE_ID, STATUS, DIRECTION) stay one byte per row. The minimum of each width is null.
 */
export class IntColumn implements Column {
  private data: Int8Array | Int16Array | Int32Array;

  constructor(capacity: number) {
    this.data = new Int8Array(capacity).fill(-128);
  }

  private get nullValue(): number {
    return this.data instanceof Int8Array ? -128 : this.data instanceof Int16Array ? -32768 : -2147483648;
  }

  get(pos: number): number | null {
    const v = this.data[pos];
    return v === this.nullValue || v === undefined ? null : v;
  }

  set(pos: number, value: FieldValue | undefined): void {
    const n = toNumber(value);
    if (n === null) {
      this.data[pos] = this.nullValue;
      return;
    }
    const v = Math.trunc(n);
    if (v > 2147483647 || v < -2147483647) throw new RangeError(`integer out of range: ${v}`);
    if (this.data instanceof Int8Array && (v > 127 || v <= -128)) this.widen(v > 32767 || v <= -32768 ? 4 : 2);
    else if (this.data instanceof Int16Array && (v > 32767 || v <= -32768)) this.widen(4);
    this.data[pos] = v;
  }

  private widen(bytes: 2 | 4): void {
    const oldNull = this.nullValue;
    const next = bytes === 2 ? new Int16Array(this.data.length) : new Int32Array(this.data.length);
    const newNull = bytes === 2 ? -32768 : -2147483648;
    for (let i = 0; i < this.data.length; i++) {
      const v = this.data[i];
      next[i] = v === oldNull ? newNull : v;
    }
    this.data = next;
  }

  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new (this.data.constructor as Int32ArrayConstructor)(capacity);
    next.set(this.data);
    next.fill(this.nullValue, this.data.length);
    this.data = next;
  }

  trim(length: number): void {
    this.data = this.data.slice(0, length);
  }

  bytes(): number {
    return this.data.byteLength;
  }
}

/** Money and other floats; NaN is null. */
export class FloatColumn implements Column {
  private data: Float64Array;

  constructor(capacity: number) {
    this.data = new Float64Array(capacity).fill(NaN);
  }

  get(pos: number): number | null {
    const v = this.data[pos];
    return Number.isNaN(v) || v === undefined ? null : v;
  }

  set(pos: number, value: FieldValue | undefined): void {
    const n = toNumber(value);
    this.data[pos] = n === null ? NaN : n;
  }

  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Float64Array(capacity).fill(NaN);
    next.set(this.data);
    this.data = next;
  }

  trim(length: number): void {
    this.data = this.data.slice(0, length);
  }

  bytes(): number {
    return this.data.byteLength;
  }
}

/**
 * Date-times as Int32 seconds since 2000-01-01 (half the size of epoch milliseconds in a Float64).
 * Bitrix24 keeps date-times to the second too, so nothing it could return is lost; sub-second input is
 * truncated. Reads return epoch milliseconds.
 */
export class TimeColumn implements Column {
  private data: Int32Array;
  private static readonly NULL = -2147483648;

  constructor(capacity: number) {
    this.data = new Int32Array(capacity).fill(TimeColumn.NULL);
  }

  get(pos: number): number | null {
    const v = this.data[pos];
    return v === TimeColumn.NULL || v === undefined ? null : (v + TIME_BASE_S) * 1000;
  }

  /** Raw seconds-since-2000 value, for fast filtering without allocating. */
  raw(pos: number): number {
    return this.data[pos];
  }

  set(pos: number, value: FieldValue | undefined): void {
    let ms: number | null = null;
    if (typeof value === "number" && Number.isFinite(value)) ms = value;
    else if (typeof value === "string" && value !== "") {
      const parsed = Date.parse(value);
      ms = Number.isNaN(parsed) ? null : parsed;
    }
    if (ms === null) {
      this.data[pos] = TimeColumn.NULL;
      return;
    }
    const s = Math.floor(ms / 1000) - TIME_BASE_S;
    if (s >= 2147483647 || s <= -2147483648) throw new RangeError(`date-time out of range: ${ms}`);
    this.data[pos] = s;
  }

  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Int32Array(capacity).fill(TimeColumn.NULL);
    next.set(this.data);
    this.data = next;
  }

  trim(length: number): void {
    this.data = this.data.slice(0, length);
  }

  bytes(): number {
    return this.data.byteLength;
  }
}

/** Y/N flags: 0 null, 1 false, 2 true. Accepts booleans and "Y"/"N". */
export class BoolColumn implements Column {
  private data: Uint8Array;

  constructor(capacity: number) {
    this.data = new Uint8Array(capacity);
  }

  get(pos: number): boolean | null {
    const v = this.data[pos];
    return v === 1 ? false : v === 2 ? true : null;
  }

  set(pos: number, value: FieldValue | undefined): void {
    if (value === null || value === undefined || value === "") this.data[pos] = 0;
    else if (value === true || value === "Y" || value === "y" || value === 1 || value === "1" || value === "true")
      this.data[pos] = 2;
    else this.data[pos] = 1;
  }

  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = new Uint8Array(capacity);
    next.set(this.data);
    this.data = next;
  }

  trim(length: number): void {
    this.data = this.data.slice(0, length);
  }

  bytes(): number {
    return this.data.byteLength;
  }
}

/**
 * Strings, dictionary-encoded (two bytes per row) while the column has at most 65 535 distinct values —
 * stage codes, sources, first names — and a plain array once it outgrows that (titles, free text).
 */
export class StringColumn implements Column {
  private codes: Uint16Array | null;
  private dict: string[] = [""]; // code 0 is null
  private index = new Map<string, number>();
  private plain: (string | null)[] | null = null;

  constructor(capacity: number) {
    this.codes = new Uint16Array(capacity);
  }

  get(pos: number): string | null {
    if (this.plain) return this.plain[pos] ?? null;
    const code = this.codes![pos];
    return code ? this.dict[code] : null;
  }

  set(pos: number, value: FieldValue | undefined): void {
    const s = value === null || value === undefined ? null : typeof value === "string" ? value : String(value);
    if (this.plain) {
      this.plain[pos] = s;
      return;
    }
    if (s === null) {
      this.codes![pos] = 0;
      return;
    }
    let code = this.index.get(s);
    if (code === undefined) {
      if (this.dict.length > 65535) {
        this.toPlain();
        this.plain![pos] = s;
        return;
      }
      code = this.dict.length;
      this.dict.push(s);
      this.index.set(s, code);
    }
    this.codes![pos] = code;
  }

  private toPlain(): void {
    const codes = this.codes!;
    const plain = new Array<string | null>(codes.length);
    for (let i = 0; i < codes.length; i++) plain[i] = codes[i] ? this.dict[codes[i]] : null;
    this.plain = plain;
    this.codes = null;
    this.dict = [];
    this.index = new Map();
  }

  /** Whether the column is still dictionary-encoded (exposed for tests and memory reports). */
  get encoded(): boolean {
    return this.plain === null;
  }

  grow(capacity: number): void {
    if (this.plain) {
      while (this.plain.length < capacity) this.plain.push(null);
      return;
    }
    if (capacity <= this.codes!.length) return;
    const next = new Uint16Array(capacity);
    next.set(this.codes!);
    this.codes = next;
  }

  trim(length: number): void {
    if (this.plain) this.plain.length = length;
    else this.codes = this.codes!.slice(0, length);
  }

  bytes(length: number): number {
    if (this.codes) return this.codes.byteLength + this.dict.reduce((sum, s) => sum + 40 + s.length, 0);
    let sum = this.plain!.length * 8;
    for (let i = 0; i < length; i++) sum += (this.plain![i]?.length ?? -16) + 16;
    return sum;
  }
}

const UNIT = "\u001f";
const RECORD = "\u001e";

/**
 * PHONE / EMAIL / IM multi-fields, each row's values packed into one string ("id␟type␟value␞…"): a fraction
 * of the memory of arrays of objects. TYPE_ID is the field name and is restored on read.
 */
export class MultiColumn implements Column {
  private data: (string | undefined)[];

  constructor(
    private readonly typeId: string,
    capacity: number,
    private readonly nextId: () => number,
  ) {
    this.data = new Array(capacity);
  }

  get(pos: number): MultiFieldValue[] | null {
    const packed = this.data[pos];
    if (!packed) return null;
    return packed.split(RECORD).map((entry) => {
      const [ID, VALUE_TYPE, VALUE] = entry.split(UNIT);
      return { ID, VALUE_TYPE, VALUE, TYPE_ID: this.typeId };
    });
  }

  set(pos: number, value: FieldValue | undefined): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.data[pos] = undefined;
      return;
    }
    const clean = (s: unknown) => String(s ?? "").replace(/[\u001e\u001f]/g, " ");
    this.data[pos] = (value as MultiFieldValue[])
      .map((v) => [clean(v.ID ?? this.nextId()), clean(v.VALUE_TYPE || "WORK"), clean(v.VALUE)].join(UNIT))
      .join(RECORD);
  }

  grow(capacity: number): void {
    if (this.data.length < capacity) this.data.length = capacity;
  }

  trim(length: number): void {
    this.data.length = length;
  }

  bytes(length: number): number {
    let sum = this.data.length * 8;
    for (let i = 0; i < length; i++) {
      const s = this.data[i];
      if (s) sum += 16 + s.length;
    }
    return sum;
  }
}

/** Anything else (arrays, objects, custom fields of unknown type), held as given. */
export class JsonColumn implements Column {
  private data: (FieldValue | undefined)[];

  constructor(capacity: number) {
    this.data = new Array(capacity);
  }

  get(pos: number): FieldValue {
    const v = this.data[pos];
    return v === undefined ? null : v;
  }

  set(pos: number, value: FieldValue | undefined): void {
    this.data[pos] = value === null ? undefined : value;
  }

  grow(capacity: number): void {
    if (this.data.length < capacity) this.data.length = capacity;
  }

  trim(length: number): void {
    this.data.length = length;
  }

  bytes(length: number): number {
    let sum = this.data.length * 8;
    for (let i = 0; i < length; i++) if (this.data[i] !== undefined) sum += 64;
    return sum;
  }
}

/** The column class for a field type ("id" columns are the table's own ID array). */
export function createColumn(
  name: string,
  type: FieldType,
  capacity: number,
  nextMultiId: () => number,
): Column {
  switch (type) {
    case "id":
    case "int":
      return new IntColumn(capacity);
    case "money":
      return new FloatColumn(capacity);
    case "datetime":
    case "date":
      return new TimeColumn(capacity);
    case "bool":
      return new BoolColumn(capacity);
    case "string":
      return new StringColumn(capacity);
    case "multi":
      return new MultiColumn(name, capacity, nextMultiId);
    case "json":
      return new JsonColumn(capacity);
  }
}
