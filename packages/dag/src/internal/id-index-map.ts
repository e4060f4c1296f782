/**
 * Node id → dense slot, as an open-addressing hash table in one Int32Array of (key, value)
 * pairs, so a lookup touches one cache line (linear probing, backward-shift deletion,
 * load ≤ 1/2). A JS `Map` of a million entries costs several times the 16 bytes per entry
 * this does, and lives on the V8 heap.
 */
export class IdIndexMap {
  /** Pairs: table[2i] is a key (-1 when empty), table[2i + 1] its value. */
  private table: Int32Array;
  private mask: number;
  private shift: number;
  private count = 0;

  constructor(initialCapacity = 16) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.table = emptyTable(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.table.byteLength;
  }

  private home(key: number): number {
    // Fibonacci hashing: the high bits of key × 2^32/φ spread consecutive ids over the table.
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The slot of `key`, or -1. */
  get(key: number): number {
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
    if ((this.count + 1) * 4 > this.table.length) this.grow();
    const table = this.table;
    const mask = this.mask;
    let i = this.home(key);
    while (table[2 * i] !== -1) i = (i + 1) & mask;
    table[2 * i] = key;
    table[2 * i + 1] = value;
    this.count++;
  }

  /** Removes `key` (present); later entries of its probe run shift back so lookups still end at the first hole. */
  delete(key: number): void {
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
    this.count--;
  }

  private grow(): void {
    const old = this.table;
    const capacity = old.length; // pairs: twice the old pair count
    this.table = emptyTable(capacity);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i] as number;
      if (k !== -1) this.set(k, old[i + 1] as number);
    }
  }
}

function emptyTable(pairs: number): Int32Array<ArrayBuffer> {
  const table = new Int32Array(2 * pairs);
  for (let i = 0; i < table.length; i += 2) table[i] = -1;
  return table;
}
