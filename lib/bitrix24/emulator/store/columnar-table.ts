/**
 * A compact, columnar `EntityTable`: one typed column per field, rows addressed by position, IDs kept
 * sorted so that ID lookups and `>ID` cursors are binary searches. Deletes leave tombstones (positions are
 * never reused) and updates write in place, so positions stay stable while a scan is running.
 */
import { ENTITY_FIELDS, type EntityName, type EntityTable, type FieldDef, type FieldType, type FieldValue, type Row } from "../types";
import { createColumn, type Column } from "./columns";

export interface ScanOptions {
  afterId?: number;
  beforeId?: number;
  desc?: boolean;
}

const INITIAL_CAPACITY = 1024;

/** An entity's records in typed columns (see the file comment). */
export class ColumnarTable implements EntityTable {
  readonly entity: EntityName;
  private ids: Int32Array;
  private alive: Uint8Array;
  private length = 0;
  private liveCount = 0;
  private highestId = 0;
  private multiIdSeq = 0;
  private readonly columns = new Map<string, Column>();
  private readonly types = new Map<string, FieldType>();

  constructor(entity: EntityName, fields: FieldDef[] = ENTITY_FIELDS[entity], capacity = INITIAL_CAPACITY) {
    this.entity = entity;
    this.ids = new Int32Array(capacity);
    this.alive = new Uint8Array(capacity);
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
    this.alive[pos] = 0;
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
      for (let p = to - 1; p >= from; p--) if (this.alive[p]) yield p;
    } else {
      for (let p = from; p < to; p++) if (this.alive[p]) yield p;
    }
  }

  /** The position of a live record, or -1. */
  positionOf(id: number): number {
    const p = this.lowerBound(id);
    return p < this.length && this.ids[p] === id && this.alive[p] ? p : -1;
  }

  idAt(pos: number): number {
    return this.ids[pos];
  }

  /** One field of the record at `pos`, without materialising the row. */
  valueAt(pos: number, field: string): FieldValue {
    if (field === "ID") return this.ids[pos];
    const col = this.columns.get(field);
    return col ? col.get(pos) : null;
  }

  /** The record at `pos` as a Row; with `fields`, only those (ID always). */
  materialise(pos: number, fields?: Iterable<string>): Row {
    const row: Row = { ID: this.ids[pos] };
    if (fields) {
      for (const f of fields) if (f !== "ID") row[f] = this.valueAt(pos, f);
    } else {
      for (const [name, col] of this.columns) row[name] = col.get(pos);
    }
    return row;
  }

  /** Shrinks every column to the rows held (call after a bulk load; growth leaves up to 50 % slack). */
  trim(): void {
    this.ids = this.ids.slice(0, this.length);
    this.alive = this.alive.slice(0, this.length);
    for (const col of this.columns.values()) col.trim(this.length);
  }

  /** Approximate bytes held by the table. */
  estimateBytes(): number {
    let sum = this.ids.byteLength + this.alive.byteLength;
    for (const col of this.columns.values()) sum += col.bytes(this.length);
    return sum;
  }

  /** The storage of one field (exposed for tests of the encoding). */
  columnOf(field: string): Column | undefined {
    return this.columns.get(field);
  }

  private put(id: number, row: Row): void {
    if (this.length === this.ids.length) this.resize(Math.max(INITIAL_CAPACITY, Math.ceil(this.length * 1.5)));
    const pos = this.length++;
    this.ids[pos] = id;
    this.alive[pos] = 1;
    this.liveCount++;
    this.highestId = id;
    this.write(pos, row);
  }

  private write(pos: number, row: Row): void {
    for (const key in row) {
      if (key === "ID") continue;
      let col = this.columns.get(key);
      if (!col) {
        // Custom fields (UF_CRM_…) are not declared up front: they get a column on first sight.
        this.types.set(key, "json");
        col = this.newColumn(key, "json", this.ids.length);
        this.columns.set(key, col);
      }
      col.set(pos, row[key]);
    }
  }

  private newColumn(name: string, type: FieldType, capacity: number): Column {
    return createColumn(name, type, capacity, () => ++this.multiIdSeq);
  }

  private resize(capacity: number): void {
    const ids = new Int32Array(capacity);
    ids.set(this.ids);
    this.ids = ids;
    const alive = new Uint8Array(capacity);
    alive.set(this.alive);
    this.alive = alive;
    for (const col of this.columns.values()) col.grow(capacity);
  }

  /** First position whose ID is >= id. */
  private lowerBound(id: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose ID is > id. */
  private upperBound(id: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid] <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
