/**
 * Values packed into one argument of a script (lua/unpack.lua reads them):
 * each as its length in bytes, ':', then its bytes, so a value may hold any
 * character. The scripts called for every task of an event batch take a
 * dozen values per event; as arguments each costs ioredis (a command's
 * flattening and encoding) and Redis (an object per argument) about half a
 * microsecond, several times what packing and unpacking one costs. The parts
 * are joined once (a string grown by += is a rope of small strings V8
 * flattens again when it is written).
 */
export class PackedValues {
  readonly #parts: (string | number)[] = [];

  get empty(): boolean {
    return this.#parts.length === 0;
  }

  add(value: string): void {
    this.#parts.push(Buffer.byteLength(value), ':', value);
  }

  toString(): string {
    return this.#parts.join('');
  }
}
