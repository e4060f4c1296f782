/**
 * Node id → dense slot. Ids are mostly dense (pages are numbered as they are created), so keys
 * below a bound live in a plain array indexed by the key — one load, 4 bytes per id, and
 * neighbouring ids on neighbouring cache lines — and the bound grows with the entries (up to
 * about twice their count), so sparse ids cannot make it large. The other keys go to an
 * open-addressing hash table in one Int32Array of (key, value) pairs, so a lookup touches one
 * cache line (linear probing, backward-shift deletion, load ≤ 1/2). A JS `Map` of a million
 * entries costs several times what either does, and lives on the V8 heap.
 */
export class IdIndexMap {
  /** direct[key] is key's value, or -1, for every key below direct.length. */
  private direct: Int32Array;
  /** Pairs: table[2i] is a key (-1 when empty), table[2i + 1] its value. */
  private table: Int32Array;
  private mask: number;
  private shift: number;
  private count = 0;
  /** Entries in `table`. */
  private hashed = 0;

  constructor(initialCapacity = 16) {
    this.direct = new Int32Array(0);
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.table = emptyTable(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the direct array and the table. */
  get byteLength(): number {
    return this.direct.byteLength + this.table.byteLength;
  }

  private home(key: number): number {
    // Fibonacci hashing: the high bits of key × 2^32/φ spread consecutive ids over the table.
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The slot of `key`, or -1. */
  get(key: number): number {
    // >>> 0 sends a negative key past the direct array, to the table (where it is absent).
    if (key >>> 0 < this.direct.length) return this.direct[key] as number;
    const table = this.table;
    const mask = this.mask;
    let i = this.home(key);
    for (;;) {
      const k = table[2 * i] as number;
      if (k === key) return table[2 * i + 1] as number;
      if (k === -1) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Maps `key` (not present) to `value`. */
  set(key: number, value: number): void {
    const limit = 2 * this.count + 1024;
    if (key >= this.direct.length && key < limit) this.growDirect(Math.max(key + 1, Math.min(Math.max(64, Math.ceil(this.direct.length * 1.5)), limit)));
    this.count++;
    if (key >>> 0 < this.direct.length) this.direct[key] = value;
    else this.tableSet(key, value);
  }

  private tableSet(key: number, value: number): void {
    if ((this.hashed + 1) * 4 > this.table.length) this.grow();
    const table = this.table;
    const mask = this.mask;
    let i = this.home(key);
    while (table[2 * i] !== -1) i = (i + 1) & mask;
    table[2 * i] = key;
    table[2 * i + 1] = value;
    this.hashed++;
  }

  /** Removes `key` (present); later entries of its probe run shift back so lookups still end at the first hole. */
  delete(key: number): void {
    this.count--;
    if (key >>> 0 < this.direct.length) {
      this.direct[key] = -1;
      return;
    }
    const table = this.table;
    const mask = this.mask;
    let i = this.home(key);
    while (table[2 * i] !== key) i = (i + 1) & mask;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = table[2 * j] as number;
      if (k === -1) break;
      const h = this.home(k);
      // Entry j may fill the hole iff its home does not lie cyclically in (hole, j].
      const between = hole <= j ? h > hole && h <= j : h > hole || h <= j;
      if (!between) {
        table[2 * hole] = k;
        table[2 * hole + 1] = table[2 * j + 1] as number;
        hole = j;
      }
    }
    table[2 * hole] = -1;
    this.hashed--;
  }

  /** Extends the direct array to `length` keys, moving the table's keys below it there. */
  private growDirect(length: number): void {
    const direct = new Int32Array(length).fill(-1);
    direct.set(this.direct);
    this.direct = direct;
    if (this.hashed === 0) return;
    const old = this.table;
    this.table = emptyTable(old.length / 2);
    this.hashed = 0;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i] as number;
      if (k === -1) continue;
      if (k < length) direct[k] = old[i + 1] as number;
      else this.tableSet(k, old[i + 1] as number);
    }
  }

  private grow(): void {
    const old = this.table;
    const capacity = old.length; // pairs: twice the old pair count
    this.table = emptyTable(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.hashed = 0;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i] as number;
      if (k !== -1) this.tableSet(k, old[i + 1] as number);
    }
  }
}

function emptyTable(pairs: number): Int32Array<ArrayBuffer> {
  const table = new Int32Array(2 * pairs);
  for (let i = 0; i < table.length; i += 2) table[i] = -1;
  return table;
}
