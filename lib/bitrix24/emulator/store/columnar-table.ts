/**
 * A compact, columnar `EntityTable`: one typed column per field, rows addressed by position, IDs kept
 * sorted so that ID lookups and `>ID` cursors are binary searches. Deletes leave tombstones (positions are
 * never reused) and updates write in place, so positions stay stable while a scan is running.
 *
 * IDs cost nothing while they are consecutive (as the generator and `insert` make them): position p holds
 * ID base + p, and lookups are arithmetic. The first gap turns them into a stored column. Tombstones are a
 * bit set allocated on the first delete.
 */
import { ENTITY_FIELDS, type EntityName, type EntityTable, type FieldDef, type FieldType, type FieldValue, type Row } from "../types";
import {
  BoolColumn,
  CHUNK,
  CHUNK_BITS,
  ColumnKind,
  CustomColumn,
  FloatColumn,
  IntColumn,
  MultiColumn,
  StringColumn,
  TimeColumn,
  createColumn,
  growChunks,
  trimChunks,
  type Column,
} from "./columns";

export interface ScanOptions {
  afterId?: number;
  beforeId?: number;
  desc?: boolean;
}

const INITIAL_CAPACITY = 1024;
const CHUNK_MASK = CHUNK - 1;

/** An entity's records in typed columns (see the file comment). */
export class ColumnarTable implements EntityTable {
  readonly entity: EntityName;
  /** Stored IDs, once they are not consecutive; until then position p holds ID idBase + p. */
  private ids: Int32Array[] | null = null;
  private idBase = 0;
  /** One bit per position, set when deleted; null until the first delete. */
  private dead: Uint8Array | null = null;
  private length = 0;
  private capacity: number;
  private liveCount = 0;
  private highestId = 0;
  private multiIdSeq = 0;
  private readonly columns = new Map<string, Column>();
  private readonly types = new Map<string, FieldType>();
  /**
   * The key order of the last row written and its columns: rows from one call site repeat it, so the
   * write loop matches keys by identity and looks columns up only where a row differs.
   */
  private readonly lastKeys: string[] = [];
  private readonly lastColumns: Column[] = [];

  constructor(entity: EntityName, fields: FieldDef[] = ENTITY_FIELDS[entity], capacity = INITIAL_CAPACITY) {
    this.entity = entity;
    this.capacity = capacity;
    for (const f of fields) {
      this.types.set(f.name, f.type);
      if (f.type !== "id") this.columns.set(f.name, this.newColumn(f.name, f.type, capacity));
    }
  }

  get size(): number {
    return this.liveCount;
  }

  get maxId(): number {
    return this.highestId;
  }

  /** Positions used so far, deleted ones included: the upper bound for position loops. */
  get positionCount(): number {
    return this.length;
  }

  /** Declared and dynamically added fields with their types. */
  fieldTypes(): ReadonlyMap<string, FieldType> {
    return this.types;
  }

  append(row: Row): void {
    const id = Number(row.ID);
    if (!Number.isInteger(id) || id <= 0) throw new Error(`${this.entity}: append needs a positive integer ID`);
    if (id <= this.highestId) throw new Error(`${this.entity}: append out of order (ID ${id} <= ${this.highestId})`);
    this.put(id, row);
  }

  insert(row: Row): Row {
    const id = this.highestId + 1;
    this.put(id, row);
    return this.materialise(this.length - 1);
  }

  get(id: number): Row | undefined {
    const pos = this.positionOf(id);
    return pos < 0 ? undefined : this.materialise(pos);
  }

  update(id: number, patch: Row): Row | undefined {
    const pos = this.positionOf(id);
    if (pos < 0) return undefined;
    this.write(pos, patch);
    return this.materialise(pos);
  }

  delete(id: number): boolean {
    const pos = this.positionOf(id);
    if (pos < 0) return false;
    if (this.dead === null) this.dead = new Uint8Array((this.capacity >>> 3) + 1);
    this.dead[pos >>> 3] |= 1 << (pos & 7);
    this.liveCount--;
    return true;
  }

  *scan(opts: ScanOptions = {}): Iterable<Row> {
    for (const pos of this.positions(opts)) yield this.materialise(pos);
  }

  /**
   * Live positions in ID order within the exclusive bounds. The start is found by binary search, so a
   * `>ID` page costs O(page) however large the table is.
   */
  *positions(opts: ScanOptions = {}): Generator<number> {
    const from = opts.afterId === undefined ? 0 : this.upperBound(opts.afterId);
    const to = opts.beforeId === undefined ? this.length : this.lowerBound(opts.beforeId);
    if (opts.desc) {
      for (let p = to - 1; p >= from; p--) if (this.isLive(p)) yield p;
    } else {
      for (let p = from; p < to; p++) if (this.isLive(p)) yield p;
    }
  }

  /** The position of a live record, or -1. */
  positionOf(id: number): number {
    const p = this.lowerBound(id);
    return p < this.length && this.idAt(p) === id && this.isLive(p) ? p : -1;
  }

  idAt(pos: number): number {
    return this.ids === null ? this.idBase + pos : this.ids[pos >>> CHUNK_BITS][pos & CHUNK_MASK];
  }

  /** One field of the record at `pos`, without materialising the row. */
  valueAt(pos: number, field: string): FieldValue {
    if (field === "ID") return this.idAt(pos);
    const col = this.columns.get(field);
    return col ? col.get(pos) : null;
  }

  /** The record at `pos` as a Row; with `fields`, only those (ID always). */
  materialise(pos: number, fields?: Iterable<string>): Row {
    const row: Row = { ID: this.idAt(pos) };
    if (fields) {
      for (const f of fields) if (f !== "ID") row[f] = this.valueAt(pos, f);
    } else {
      for (const [name, col] of this.columns) row[name] = col.get(pos);
    }
    return row;
  }

  /** Releases growth slack (call after a bulk load): at most the last chunk of each column is cut. */
  trim(): void {
    if (this.ids) trimChunks(this.ids, this.length);
    if (this.dead) this.dead = this.dead.slice(0, (this.length >>> 3) + 1);
    for (const col of this.columns.values()) col.trim(this.length);
    this.capacity = this.length;
  }

  /** Approximate bytes held by the table. */
  estimateBytes(): number {
    let sum = this.dead ? this.dead.byteLength : 0;
    if (this.ids) for (const c of this.ids) sum += c.byteLength;
    for (const col of this.columns.values()) sum += col.bytes(this.length);
    return sum;
  }

  /** The storage of one field (exposed for tests of the encoding). */
  columnOf(field: string): Column | undefined {
    return this.columns.get(field);
  }

  private isLive(pos: number): boolean {
    return this.dead === null || (this.dead[pos >>> 3] & (1 << (pos & 7))) === 0;
  }

  private put(id: number, row: Row): void {
    if (this.length === this.capacity) this.resize(nextCapacity(this.capacity));
    const pos = this.length++;
    if (this.ids === null) {
      if (pos === 0) this.idBase = id;
      else if (id !== this.idBase + pos) this.storeIds();
    }
    if (this.ids !== null) this.ids[pos >>> CHUNK_BITS][pos & CHUNK_MASK] = id;
    this.liveCount++;
    this.highestId = id;
    this.write(pos, row);
  }

  /** IDs stop being consecutive: keep them in a column from now on. */
  private storeIds(): void {
    const ids: Int32Array[] = [];
    growChunks(ids, this.capacity, (n) => new Int32Array(n));
    for (let p = 0; p < this.length - 1; p++) ids[p >>> CHUNK_BITS][p & CHUNK_MASK] = this.idBase + p;
    this.ids = ids;
  }

  private write(pos: number, row: Row): void {
    const keys = this.lastKeys;
    const cols = this.lastColumns;
    let i = 0;
    let same = true;
    for (const key in row) {
      if (key === "ID") continue;
      let col: Column;
      if (same && i < keys.length && keys[i] === key) col = cols[i];
      else {
        if (same) {
          same = false;
          keys.length = i;
          cols.length = i;
        }
        col = this.columns.get(key) ?? this.addCustom(key);
        keys.push(key);
        cols.push(col);
      }
      i++;
      const value = row[key];
      // One call site per column class keeps each call monomorphic (and inlinable).
      switch (col.kind) {
        case ColumnKind.Int:
          (col as IntColumn).set(pos, value);
          break;
        case ColumnKind.Time:
          (col as TimeColumn).set(pos, value);
          break;
        case ColumnKind.String:
          (col as StringColumn).set(pos, value);
          break;
        case ColumnKind.Bool:
          (col as BoolColumn).set(pos, value);
          break;
        case ColumnKind.Float:
          (col as FloatColumn).set(pos, value);
          break;
        case ColumnKind.Multi:
          (col as MultiColumn).set(pos, value);
          break;
        case ColumnKind.Custom:
          (col as CustomColumn).set(pos, value);
          break;
        default:
          col.set(pos, value);
      }
    }
    if (same && i < keys.length) {
      keys.length = i;
      cols.length = i;
    }
  }

  /** Custom fields (UF_CRM_…) are not declared up front: they get a column on first sight. */
  private addCustom(key: string): Column {
    this.types.set(key, "json");
    const col = this.newColumn(key, "json", this.capacity);
    this.columns.set(key, col);
    return col;
  }

  private newColumn(name: string, type: FieldType, capacity: number): Column {
    return createColumn(name, type, capacity, () => ++this.multiIdSeq);
  }

  private resize(capacity: number): void {
    this.capacity = capacity;
    if (this.ids) growChunks(this.ids, capacity, (n) => new Int32Array(n));
    if (this.dead && this.dead.length < (capacity >>> 3) + 1) {
      const dead = new Uint8Array((capacity >>> 3) + 1);
      dead.set(this.dead);
      this.dead = dead;
    }
    for (const col of this.columns.values()) col.grow(capacity);
  }

  /** First position whose ID is >= id. */
  private lowerBound(id: number): number {
    if (this.ids === null) {
      const p = Math.ceil(id - this.idBase);
      return p > 0 ? (p < this.length ? p : this.length) : 0;
    }
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.idAt(mid) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose ID is > id. */
  private upperBound(id: number): number {
    if (this.ids === null) {
      const p = Math.floor(id - this.idBase) + 1;
      return p > 0 ? (p < this.length ? p : this.length) : 0;
    }
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.idAt(mid) <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Growth: the first chunk by half again (small tables stay small), then a chunk at a time. */
function nextCapacity(capacity: number): number {
  if (capacity < CHUNK) return Math.min(CHUNK, Math.max(INITIAL_CAPACITY, Math.ceil(capacity * 1.5)));
  return (Math.floor(capacity / CHUNK) + 1) * CHUNK;
}
