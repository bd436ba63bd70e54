/**
 * A growable WebAssembly.Memory with cached typed views. Views are refreshed
 * after every grow (growing a non-shared memory detaches its old buffer).
 */
const PAGE = 65536;

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  f32: Float32Array;
  f64: Float64Array;

  constructor(initialPages = 16, readonly maximumPages = 65536) {
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages });
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }

  /** Ensures at least `bytes` bytes are addressable; returns whether views changed. */
  ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) {
      if (this.f32.buffer !== this.memory.buffer) this.refresh();
      return false;
    }
    const pages = Math.ceil((bytes - have) / PAGE);
    this.memory.grow(pages);
    this.refresh();
    return true;
  }

  private refresh(): void {
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }
}

/** Rounds a byte offset up to a multiple of 64 (cache line). */
export function align64(bytes: number): number {
  return (bytes + 63) & ~63;
}
