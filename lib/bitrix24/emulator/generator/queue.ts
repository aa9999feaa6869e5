/** The simulation's future: binary min-heaps ordered by time. */

export interface Scheduled {
  t: number;
}

/**
 * Keys live in a Float64Array beside the items, so sifting compares contiguous numbers instead of chasing
 * object pointers (the queue holds tens of thousands of events at a million deals). Equal times pop in an
 * order fixed by the push sequence, so runs stay reproducible without a tie-breaking counter.
 */
export class EventQueue<T extends Scheduled> {
  private keys = new Float64Array(1024);
  private items: (T | undefined)[] = new Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  push(e: T): void {
    if (this.n === this.keys.length) this.grow();
    const keys = this.keys;
    const items = this.items;
    const t = e.t;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= t) break;
      keys[i] = keys[p];
      items[i] = items[p];
      i = p;
    }
    keys[i] = t;
    items[i] = e;
  }

  pop(): T | undefined {
    if (this.n === 0) return undefined;
    const keys = this.keys;
    const items = this.items;
    const top = items[0];
    const n = --this.n;
    const k = keys[n];
    const last = items[n];
    items[n] = undefined;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[r] < keys[l] ? r : l;
      if (k <= keys[c]) break;
      keys[i] = keys[c];
      items[i] = items[c];
      i = c;
    }
    if (n > 0) {
      keys[i] = k;
      items[i] = last;
    }
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    this.items.length = keys.length;
  }
}

/** Customers due to buy again: a min-heap on typed arrays (it can hold hundreds of thousands). */
export class DueQueue {
  private keys = new Float64Array(1024);
  private company = new Int32Array(1024);
  private contact = new Int32Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Earliest due time, or Infinity. */
  peek(): number {
    return this.n ? this.keys[0] : Infinity;
  }

  push(due: number, companyId: number, contactId: number): void {
    if (this.n === this.keys.length) this.grow();
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p] <= due) break;
      this.keys[i] = this.keys[p];
      this.company[i] = this.company[p];
      this.contact[i] = this.contact[p];
      i = p;
    }
    this.keys[i] = due;
    this.company[i] = companyId;
    this.contact[i] = contactId;
  }

  /** The contact of the entry removed by the last pop(). */
  poppedContact = 0;

  /** Removes the earliest entry; returns its company (its contact is in poppedContact). */
  pop(): number {
    const company = this.company[0];
    this.poppedContact = this.contact[0];
    const n = --this.n;
    const k = this.keys[n];
    const co = this.company[n];
    const ct = this.contact[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.keys[r] < this.keys[l] ? r : l;
      if (k <= this.keys[c]) break;
      this.keys[i] = this.keys[c];
      this.company[i] = this.company[c];
      this.contact[i] = this.contact[c];
      i = c;
    }
    this.keys[i] = k;
    this.company[i] = co;
    this.contact[i] = ct;
    return company;
  }

  private grow(): void {
    const size = this.keys.length * 2;
    const k = new Float64Array(size);
    k.set(this.keys);
    this.keys = k;
    const a = new Int32Array(size);
    a.set(this.company);
    this.company = a;
    const b = new Int32Array(size);
    b.set(this.contact);
    this.contact = b;
  }
}
