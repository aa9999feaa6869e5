/**
 * Typed columns for the columnar table. Each column holds one field for every row position and stores it
 * as compactly as its values allow; `null` has a sentinel in every representation.
 *
 * Storage is chunked: positions live in chunks of 65 536, and only the first chunk grows by copying (up to
 * that size). A bulk load of millions of rows therefore never copies a whole column and never leaves more
 * than one partly filled chunk per column, which keeps the peak memory close to the data itself.
 */
import type { FieldType, FieldValue, MultiFieldValue } from "../types";

export const CHUNK_BITS = 16;
/** Positions per chunk. */
export const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** Column kinds, so that the table's write loop can call each class from its own (monomorphic) call site. */
export const ColumnKind = { Int: 0, Float: 1, Time: 2, Bool: 3, String: 4, Multi: 5, Custom: 6, Json: 7 } as const;
export type ColumnKind = (typeof ColumnKind)[keyof typeof ColumnKind];

export interface Column {
  readonly kind: ColumnKind;
  get(pos: number): FieldValue;
  set(pos: number, value: FieldValue | undefined): void;
  /** Makes room for at least `capacity` positions (new positions read as null). */
  grow(capacity: number): void;
  /** Shrinks storage to exactly `length` positions. */
  trim(length: number): void;
  /** Approximate bytes held, for memory budgets. */
  bytes(length: number): number;
}

type Typed = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Float64Array;

/**
 * Grows a chunk list to hold `capacity` positions: the last chunk is widened to a full chunk if needed,
 * then full chunks are appended. `make(n)` returns n positions filled with the null sentinel.
 */
export function growChunks<T extends Typed>(chunks: T[], capacity: number, make: (n: number) => T): void {
  const last = chunks.length - 1;
  const have = last < 0 ? 0 : last * CHUNK + chunks[last].length;
  if (have >= capacity) return;
  if (last >= 0 && chunks[last].length < CHUNK) {
    const next = make(Math.min(CHUNK, capacity - last * CHUNK));
    next.set(chunks[last] as never);
    chunks[last] = next;
  }
  while (chunks.length * CHUNK < capacity) {
    chunks.push(make(Math.min(CHUNK, capacity - chunks.length * CHUNK)));
  }
}

/** Cuts a chunk list to exactly `length` positions. */
export function trimChunks<T extends Typed>(chunks: T[], length: number): void {
  if (chunks.length === 0) return;
  chunks.length = Math.min(chunks.length, Math.max(1, Math.ceil(length / CHUNK)));
  const tail = length - (chunks.length - 1) * CHUNK;
  const last = chunks[chunks.length - 1];
  if (last.length !== tail) chunks[chunks.length - 1] = last.slice(0, tail) as T;
}

function chunkBytes(chunks: readonly Typed[]): number {
  let sum = 0;
  for (const c of chunks) sum += c.byteLength;
  return sum;
}

function chunkLength(chunks: readonly Typed[]): number {
  return chunks.length === 0 ? 0 : (chunks.length - 1) * CHUNK + chunks[chunks.length - 1].length;
}

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

const INT_NULL = [-128, -32768, -2147483648] as const;

/**
 * Integers, starting as Int8 and widening to Int16 and Int32 on the first value that does not fit: most
 * coded integers (TYPE_ID, STATUS, DIRECTION) stay one byte per row. The minimum of each width is null.
 */
export class IntColumn implements Column {
  readonly kind = ColumnKind.Int;
  private chunks: (Int8Array | Int16Array | Int32Array)[] = [];
  /** 0: Int8, 1: Int16, 2: Int32. */
  private width = 0;
  private nullValue = -128;
  private max = 127;

  constructor(capacity: number) {
    this.grow(capacity);
  }

  get(pos: number): number | null {
    const v = this.chunks[pos >>> CHUNK_BITS]?.[pos & MASK];
    return v === this.nullValue || v === undefined ? null : v;
  }

  set(pos: number, value: FieldValue | undefined): void {
    let v: number;
    if (typeof value === "number" && (value | 0) === value) v = value;
    else {
      const n = toNumber(value);
      if (n === null) {
        this.chunks[pos >>> CHUNK_BITS][pos & MASK] = this.nullValue;
        return;
      }
      v = Math.trunc(n);
      if (v > 2147483647 || v < -2147483647) throw new RangeError(`integer out of range: ${v}`);
    }
    if (v > this.max || v <= this.nullValue) {
      if (v === -2147483648) throw new RangeError(`integer out of range: ${v}`);
      this.widen(v > 32767 || v <= -32768 ? 2 : 1);
    }
    this.chunks[pos >>> CHUNK_BITS][pos & MASK] = v;
  }

  /** Raw stored value (the null sentinel included), for scans that compare without allocating. */
  raw(pos: number): number {
    return this.chunks[pos >>> CHUNK_BITS][pos & MASK];
  }

  private make = (n: number): Int8Array | Int16Array | Int32Array => {
    const a = this.width === 0 ? new Int8Array(n) : this.width === 1 ? new Int16Array(n) : new Int32Array(n);
    return a.fill(this.nullValue);
  };

  private widen(width: 1 | 2): void {
    if (width <= this.width) return;
    const oldNull = this.nullValue;
    this.width = width;
    this.nullValue = INT_NULL[width];
    this.max = width === 1 ? 32767 : 2147483647;
    this.chunks = this.chunks.map((c) => {
      const next = this.make(c.length);
      for (let i = 0; i < c.length; i++) {
        const v = c[i];
        if (v !== oldNull) next[i] = v;
      }
      return next;
    });
  }

  grow(capacity: number): void {
    growChunks(this.chunks, capacity, this.make);
  }

  trim(length: number): void {
    trimChunks(this.chunks, length);
  }

  bytes(): number {
    return chunkBytes(this.chunks);
  }
}

const makeFloat = (n: number) => new Float64Array(n).fill(NaN);

/** Money and other floats; NaN is null. */
export class FloatColumn implements Column {
  readonly kind = ColumnKind.Float;
  private chunks: Float64Array[] = [];

  constructor(capacity: number) {
    this.grow(capacity);
  }

  get(pos: number): number | null {
    const v = this.chunks[pos >>> CHUNK_BITS]?.[pos & MASK];
    return v === undefined || v !== v ? null : v;
  }

  set(pos: number, value: FieldValue | undefined): void {
    const n = typeof value === "number" ? (Number.isFinite(value) ? value : NaN) : toNumber(value);
    this.chunks[pos >>> CHUNK_BITS][pos & MASK] = n === null ? NaN : n;
  }

  /** Stores a number as is (NaN reads as null): for custom fields, which keep infinities and -0. */
  setExact(pos: number, value: number): void {
    this.chunks[pos >>> CHUNK_BITS][pos & MASK] = value;
  }

  grow(capacity: number): void {
    growChunks(this.chunks, capacity, makeFloat);
  }

  trim(length: number): void {
    trimChunks(this.chunks, length);
  }

  bytes(): number {
    return chunkBytes(this.chunks);
  }
}

/** Seconds between the Unix epoch and 2000-01-01: Int32 seconds from there cover 1932–2068. */
const TIME_BASE_S = 946_684_800;
const TIME_NULL = -2147483648;
const makeTime = (n: number) => new Int32Array(n).fill(TIME_NULL);

/**
 * Date-times as Int32 seconds since 2000-01-01 (half the size of epoch milliseconds in a Float64).
 * Bitrix24 keeps date-times to the second too, so nothing it could return is lost; sub-second input is
 * truncated. Reads return epoch milliseconds.
 */
export class TimeColumn implements Column {
  readonly kind = ColumnKind.Time;
  private chunks: Int32Array[] = [];

  constructor(capacity: number) {
    this.grow(capacity);
  }

  get(pos: number): number | null {
    const v = this.chunks[pos >>> CHUNK_BITS]?.[pos & MASK];
    return v === TIME_NULL || v === undefined ? null : (v + TIME_BASE_S) * 1000;
  }

  /** Raw seconds-since-2000 value, for fast filtering without allocating. */
  raw(pos: number): number {
    return this.chunks[pos >>> CHUNK_BITS][pos & MASK];
  }

  set(pos: number, value: FieldValue | undefined): void {
    let ms: number | null = null;
    if (typeof value === "number") {
      if (Number.isFinite(value)) ms = value;
    } else if (typeof value === "string" && value !== "") {
      const parsed = Date.parse(value);
      ms = Number.isNaN(parsed) ? null : parsed;
    }
    if (ms === null) {
      this.chunks[pos >>> CHUNK_BITS][pos & MASK] = TIME_NULL;
      return;
    }
    const s = Math.floor(ms / 1000) - TIME_BASE_S;
    if (s >= 2147483647 || s <= -2147483648) throw new RangeError(`date-time out of range: ${ms}`);
    this.chunks[pos >>> CHUNK_BITS][pos & MASK] = s;
  }

  /** Whether `ms` is stored exactly (whole seconds within range, not -0): for custom fields. */
  static holds(ms: number): boolean {
    if (ms % 1000 !== 0 || Object.is(ms, -0)) return false;
    const s = ms / 1000 - TIME_BASE_S;
    return s < 2147483647 && s > -2147483648;
  }

  grow(capacity: number): void {
    growChunks(this.chunks, capacity, makeTime);
  }

  trim(length: number): void {
    trimChunks(this.chunks, length);
  }

  bytes(): number {
    return chunkBytes(this.chunks);
  }
}

const makeBytes = (n: number) => new Uint8Array(n);

/** Y/N flags: 0 null, 1 false, 2 true. Accepts booleans and "Y"/"N". */
export class BoolColumn implements Column {
  readonly kind = ColumnKind.Bool;
  private chunks: Uint8Array[] = [];

  constructor(capacity: number) {
    this.grow(capacity);
  }

  get(pos: number): boolean | null {
    const v = this.chunks[pos >>> CHUNK_BITS]?.[pos & MASK];
    return v === 1 ? false : v === 2 ? true : null;
  }

  set(pos: number, value: FieldValue | undefined): void {
    let v: number;
    if (value === true) v = 2;
    else if (value === false) v = 1;
    else if (value === null || value === undefined || value === "") v = 0;
    else if (value === "Y" || value === "y" || value === 1 || value === "1" || value === "true") v = 2;
    else v = 1;
    this.chunks[pos >>> CHUNK_BITS][pos & MASK] = v;
  }

  grow(capacity: number): void {
    growChunks(this.chunks, capacity, makeBytes);
  }

  trim(length: number): void {
    trimChunks(this.chunks, length);
  }

  bytes(): number {
    return chunkBytes(this.chunks);
  }
}

const makeCodes8 = (n: number) => new Uint8Array(n);
const makeCodes16 = (n: number) => new Uint16Array(n);

/**
 * Strings, dictionary-encoded — one byte per row while the column has at most 255 distinct values (stage
 * codes, sources), two bytes up to 65 535 (first names, titles) — and a plain array once it outgrows that
 * (free text).
 */
export class StringColumn implements Column {
  readonly kind = ColumnKind.String;
  private codes: (Uint8Array | Uint16Array)[] | null = [];
  private wide = false;
  private dict: string[] = [""]; // code 0 is null
  private index = new Map<string, number>();
  private plain: (string | null)[] | null = null;
  /** The last string written and its code: runs of equal values skip the dictionary lookup. */
  private lastValue: string | null = null;
  private lastCode = 0;

  constructor(capacity: number) {
    this.grow(capacity);
  }

  get(pos: number): string | null {
    if (this.plain) return this.plain[pos] ?? null;
    const code = this.codes![pos >>> CHUNK_BITS]?.[pos & MASK];
    return code ? this.dict[code] : null;
  }

  set(pos: number, value: FieldValue | undefined): void {
    const s = value === null || value === undefined ? null : typeof value === "string" ? value : String(value);
    if (this.plain) {
      this.plain[pos] = s;
      return;
    }
    let code: number | undefined;
    if (s === null) code = 0;
    else if (s === this.lastValue) code = this.lastCode;
    else {
      code = this.index.get(s);
      if (code === undefined) {
        code = this.dict.length;
        if (code > 65535) {
          this.toPlain();
          this.plain![pos] = s;
          return;
        }
        if (code > 255 && !this.wide) this.widen();
        this.dict.push(s);
        this.index.set(s, code);
      }
      this.lastValue = s;
      this.lastCode = code;
    }
    this.codes![pos >>> CHUNK_BITS][pos & MASK] = code;
  }

  private widen(): void {
    this.wide = true;
    this.codes = this.codes!.map((c) => Uint16Array.from(c));
  }

  private toPlain(): void {
    const chunks = this.codes!;
    const plain = new Array<string | null>(chunkLength(chunks));
    let p = 0;
    for (const c of chunks) for (let i = 0; i < c.length; i++, p++) plain[p] = c[i] ? this.dict[c[i]] : null;
    this.plain = plain;
    this.codes = null;
    this.dict = [];
    this.index = new Map();
    this.lastValue = null;
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
    growChunks(this.codes!, capacity, this.wide ? makeCodes16 : makeCodes8);
  }

  trim(length: number): void {
    if (this.plain) this.plain.length = length;
    else trimChunks(this.codes!, length);
  }

  bytes(length: number): number {
    if (this.codes) return chunkBytes(this.codes) + this.dict.reduce((sum, s) => sum + 40 + s.length, 0);
    let sum = this.plain!.length * 8;
    for (let i = 0; i < length; i++) sum += (this.plain![i]?.length ?? -16) + 16;
    return sum;
  }
}

const UNIT = "\u001f";
const RECORD = "\u001e";
const ARENA_BITS = 20;
/** Bytes per arena chunk; a packed row never spans two chunks. */
const ARENA_CHUNK = 1 << ARENA_BITS;
const ARENA_MASK = ARENA_CHUNK - 1;
const makeOffsets = (n: number) => new Int32Array(n);

const cleanMulti = (s: unknown) => String(s ?? "").replace(/[\u001e\u001f]/g, " ");

/**
 * PHONE / EMAIL / IM multi-fields. A row's values are packed as bytes into a shared arena — the count,
 * the first ID (IDs assigned by the store are consecutive), then per value a VALUE_TYPE code and the
 * VALUE's characters — and the row holds only the offset: no JS object or string per row. Rows the packing
 * cannot hold (IDs given by the caller, non-ASCII or long values, more than 255 values or types) keep the
 * general form, one string "id␟type␟value␞…" each. TYPE_ID is the field name and is restored on read.
 */
export class MultiColumn implements Column {
  readonly kind = ColumnKind.Multi;
  /** Per position: 0 null, > 0 arena offset, < 0 index into `general` (−1 is 0). */
  private offsets: Int32Array[] = [];
  private arena: Uint8Array[] = [new Uint8Array(256)];
  /** Next free arena byte; byte 0 is never used so that offset 0 can mean null. */
  private top = 1;
  private readonly valueTypes: string[] = [];
  private readonly valueTypeCodes = new Map<string, number>();
  private readonly general: string[] = [];

  constructor(
    private readonly typeId: string,
    capacity: number,
    private readonly nextId: () => number,
  ) {
    this.grow(capacity);
  }

  get(pos: number): MultiFieldValue[] | null {
    const off = this.offsets[pos >>> CHUNK_BITS]?.[pos & MASK];
    if (!off) return null;
    if (off < 0) {
      return this.general[-off - 1].split(RECORD).map((entry) => {
        const [ID, VALUE_TYPE, VALUE] = entry.split(UNIT);
        return { ID, VALUE_TYPE, VALUE, TYPE_ID: this.typeId };
      });
    }
    const a = this.arena[off >>> ARENA_BITS];
    let i = off & ARENA_MASK;
    const count = a[i++];
    let id = 0;
    for (let shift = 0; ; shift += 7) {
      const b = a[i++];
      id += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    const out: MultiFieldValue[] = new Array(count);
    for (let k = 0; k < count; k++) {
      const type = this.valueTypes[a[i++]];
      const len = a[i++];
      const value = len === 0 ? "" : String.fromCharCode.apply(null, a.subarray(i, i + len) as unknown as number[]);
      i += len;
      out[k] = { ID: String(id + k), VALUE_TYPE: type, VALUE: value, TYPE_ID: this.typeId };
    }
    return out;
  }

  set(pos: number, value: FieldValue | undefined): void {
    const chunk = this.offsets[pos >>> CHUNK_BITS];
    if (!Array.isArray(value) || value.length === 0) {
      chunk[pos & MASK] = 0;
      return;
    }
    const list = value as MultiFieldValue[];
    const off = this.pack(list);
    if (off > 0) {
      chunk[pos & MASK] = off;
      return;
    }
    this.general.push(
      list.map((v) => [cleanMulti(v.ID ?? this.nextId()), cleanMulti(v.VALUE_TYPE || "WORK"), cleanMulti(v.VALUE)].join(UNIT)).join(RECORD),
    );
    chunk[pos & MASK] = -this.general.length;
  }

  /** Packs the values into the arena and returns the offset, or 0 when they need the general form. */
  private pack(list: MultiFieldValue[]): number {
    const count = list.length;
    if (count > 255) return 0;
    // Upper bound of the packed size: count, a 5-byte ID, then type, length and value per entry.
    let size = 6;
    let newTypes = 0;
    for (let k = 0; k < count; k++) {
      const v = list[k];
      if (typeof v !== "object" || v === null || (v.ID !== undefined && v.ID !== null)) return 0;
      const raw = v.VALUE;
      const s = typeof raw === "string" ? raw : String(raw ?? "");
      if (s.length > 255) return 0;
      for (let j = 0; j < s.length; j++) if (s.charCodeAt(j) > 0x7f) return 0;
      const vt = v.VALUE_TYPE || "WORK";
      const type = typeof vt === "string" && vt.indexOf(UNIT) < 0 && vt.indexOf(RECORD) < 0 ? vt : cleanMulti(vt);
      if (!this.valueTypeCodes.has(type)) newTypes++;
      size += 2 + s.length;
    }
    if (this.valueTypes.length + newTypes > 256) return 0;
    const off = this.reserve(size);
    const a = this.arena[off >>> ARENA_BITS];
    let i = off & ARENA_MASK;
    a[i++] = count;
    let id = this.nextId();
    for (let k = 1; k < count; k++) this.nextId();
    while (id >= 0x80) {
      a[i++] = (id % 0x80) | 0x80;
      id = Math.floor(id / 0x80);
    }
    a[i++] = id;
    for (let k = 0; k < count; k++) {
      const v = list[k];
      const vt = v.VALUE_TYPE || "WORK";
      const type = typeof vt === "string" && vt.indexOf(UNIT) < 0 && vt.indexOf(RECORD) < 0 ? vt : cleanMulti(vt);
      let code = this.valueTypeCodes.get(type);
      if (code === undefined) {
        code = this.valueTypes.length;
        this.valueTypes.push(type);
        this.valueTypeCodes.set(type, code);
      }
      const raw = v.VALUE;
      const s = typeof raw === "string" ? raw : String(raw ?? "");
      a[i++] = code;
      a[i++] = s.length;
      for (let j = 0; j < s.length; j++) {
        const c = s.charCodeAt(j);
        // The general form turns separators into spaces; so does the packed one.
        a[i++] = c === 0x1e || c === 0x1f ? 0x20 : c;
      }
    }
    this.top = (off & ~ARENA_MASK) + i;
    return off;
  }

  /** Room for `size` bytes in one arena chunk; returns its offset. */
  private reserve(size: number): number {
    let c = this.top >>> ARENA_BITS;
    let at = this.top & ARENA_MASK;
    let chunk = this.arena[c];
    if (at + size > chunk.length) {
      if (chunk.length < ARENA_CHUNK && at + size <= ARENA_CHUNK) {
        // The first chunk starts small and doubles (small tables stay small).
        let n = chunk.length * 2;
        while (n < at + size) n *= 2;
        const next = new Uint8Array(Math.min(ARENA_CHUNK, n));
        next.set(chunk);
        this.arena[c] = chunk = next;
      } else {
        c++;
        at = 0;
        this.arena.push(new Uint8Array(ARENA_CHUNK));
        this.top = c * ARENA_CHUNK;
      }
    }
    return c * ARENA_CHUNK + at;
  }

  grow(capacity: number): void {
    growChunks(this.offsets, capacity, makeOffsets);
  }

  trim(length: number): void {
    trimChunks(this.offsets, length);
    const last = this.arena.length - 1;
    const used = this.top - last * ARENA_CHUNK;
    if (used < this.arena[last].length) this.arena[last] = this.arena[last].slice(0, Math.max(1, used));
  }

  bytes(): number {
    let sum = chunkBytes(this.offsets) + chunkBytes(this.arena);
    for (const s of this.general) sum += 24 + s.length;
    return sum;
  }
}

/** Anything, held as given (a plain array). */
export class JsonColumn implements Column {
  readonly kind = ColumnKind.Json;
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

/** How a custom-field column currently stores its values. */
const enum CustomMode {
  Empty,
  Int,
  Time,
  Float,
  Bool,
  String,
  Any,
}

/**
 * Custom fields (UF_CRM_…) and other loosely typed fields: values come back exactly as written, but are
 * stored by what they turn out to be — whole numbers as integers, dates (whole seconds in epoch ms) as
 * Int32 seconds, other numbers as Float64, flags as bytes, strings dictionary-encoded — and only a column
 * that receives mixed kinds of value falls back to a plain array. Nothing is allocated while a column
 * holds no value at all.
 */
export class CustomColumn implements Column {
  readonly kind = ColumnKind.Custom;
  private mode = CustomMode.Empty;
  private inner: Column | null = null;
  private capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The current representation (for tests and memory reports). */
  get storage(): "empty" | "int" | "time" | "float" | "bool" | "string" | "any" {
    return (["empty", "int", "time", "float", "bool", "string", "any"] as const)[this.mode];
  }

  get(pos: number): FieldValue {
    return this.inner === null ? null : this.inner.get(pos);
  }

  set(pos: number, value: FieldValue | undefined): void {
    if (value === null || value === undefined) {
      if (this.inner !== null) this.inner.set(pos, null);
      return;
    }
    const fit = CustomColumn.modeFor(value);
    const mode = this.mode;
    if (fit !== mode && !CustomColumn.covers(mode, fit)) this.convert(CustomColumn.join(mode, fit));
    const inner = this.inner!;
    if (this.mode === CustomMode.Float) (inner as FloatColumn).setExact(pos, value as number);
    else inner.set(pos, value);
  }

  /** The narrowest mode that holds `value` exactly. */
  private static modeFor(value: FieldValue): CustomMode {
    switch (typeof value) {
      case "number":
        if ((value | 0) === value && value !== -2147483648 && !Object.is(value, -0)) return CustomMode.Int;
        if (TimeColumn.holds(value)) return CustomMode.Time;
        return value === value ? CustomMode.Float : CustomMode.Any;
      case "boolean":
        return CustomMode.Bool;
      case "string":
        return CustomMode.String;
      default:
        return CustomMode.Any;
    }
  }

  /** Whether a column in `mode` also holds values that fit `fit`. */
  private static covers(mode: CustomMode, fit: CustomMode): boolean {
    if (mode === CustomMode.Any) return true;
    if (mode === CustomMode.Float) return fit === CustomMode.Int || fit === CustomMode.Time;
    return false;
  }

  /** The mode for a column holding both kinds of value. */
  private static join(mode: CustomMode, fit: CustomMode): CustomMode {
    if (mode === CustomMode.Empty) return fit;
    const numeric = (m: CustomMode) => m === CustomMode.Int || m === CustomMode.Time || m === CustomMode.Float;
    return numeric(mode) && numeric(fit) ? CustomMode.Float : CustomMode.Any;
  }

  private create(mode: CustomMode): Column {
    const capacity = this.capacity;
    switch (mode) {
      case CustomMode.Int:
        return new IntColumn(capacity);
      case CustomMode.Time:
        return new TimeColumn(capacity);
      case CustomMode.Float:
        return new FloatColumn(capacity);
      case CustomMode.Bool:
        return new BoolColumn(capacity);
      case CustomMode.String:
        return new StringColumn(capacity);
      default:
        return new JsonColumn(capacity);
    }
  }

  private convert(mode: CustomMode): void {
    const prev = this.inner;
    const next = this.create(mode);
    if (prev) {
      for (let pos = 0; pos < this.capacity; pos++) {
        const v = prev.get(pos);
        if (v === null) continue;
        if (mode === CustomMode.Float) (next as FloatColumn).setExact(pos, v as number);
        else next.set(pos, v);
      }
    }
    this.inner = next;
    this.mode = mode;
  }

  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.capacity = capacity;
    this.inner?.grow(capacity);
  }

  trim(length: number): void {
    this.capacity = length;
    this.inner?.trim(length);
  }

  bytes(length: number): number {
    return this.inner === null ? 0 : this.inner.bytes(length);
  }
}

/** The column class for a field type ("id" columns are the table's own ID array). */
export function createColumn(name: string, type: FieldType, capacity: number, nextMultiId: () => number): Column {
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
      return new CustomColumn(capacity);
  }
}
